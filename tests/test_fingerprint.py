import json

from hdhkits.datasource import DataSource
from hdhkits.fingerprint import (
    TrainingStamp,
    data_fingerprint,
    load_or_train,
    read_stamp,
    stale_reason,
    stamp_path,
    training_stamp,
    write_stamp,
)


def _folder(tmp_path, name, train="id,x\n1,2\n"):
    folder = tmp_path / name
    (folder / "images").mkdir(parents=True)
    (folder / "train.csv").write_text(train)
    (folder / "test.csv").write_text("id\n3\n")
    (folder / "images" / "a.jpg").write_bytes(b"123")
    return folder


def test_fingerprint_follows_content_and_folder_listing(tmp_path):
    files = ("train.csv", "test.csv", "images/")
    a = _folder(tmp_path, "a")
    b = _folder(tmp_path, "b")
    assert data_fingerprint(a, files) == data_fingerprint(b, files)  # same content, other place
    (b / "train.csv").write_text("id,x\n1,3\n")
    assert data_fingerprint(a, files) != data_fingerprint(b, files)
    c = _folder(tmp_path, "c")
    (c / "images" / "b.jpg").write_bytes(b"1")
    assert data_fingerprint(a, files) != data_fingerprint(c, files)
    (c / "images" / "b.jpg").unlink()
    (c / "test.csv").unlink()
    assert data_fingerprint(a, files) != data_fingerprint(c, files)  # a missing file counts


def _stamp(tmp_path, **kw):
    base = dict(
        kit="annitia",
        data="d1",
        source="synthetic twin (seed 0, size quick)",
        seed=0,
        quick=True,
        settings={"model": "leaderboard"},
    )
    base.update(kw)
    return TrainingStamp(**base)


def test_a_stale_model_says_why(tmp_path):
    model = tmp_path / "m.joblib"
    now = _stamp(tmp_path)
    assert "no saved model" in stale_reason(model, now)
    model.write_bytes(b"x")
    assert "no readable stamp" in stale_reason(model, now)
    write_stamp(model, now)
    assert stamp_path(model).name == "m.joblib.stamp.json"
    assert read_stamp(model) == now and stale_reason(model, now) is None
    official = _stamp(tmp_path, data="d2", source="official-format files from $ANNITIA_DATA_DIR: /data")
    reason = stale_reason(model, official)
    assert "trained on other data (synthetic twin (seed 0, size quick); now: official-format files" in reason
    assert "seed 0 (now 3)" in stale_reason(model, _stamp(tmp_path, seed=3))
    assert "quick mode (now full)" in stale_reason(model, _stamp(tmp_path, quick=False))
    assert "its model was 'leaderboard' (now 'clinical')" in stale_reason(
        model, _stamp(tmp_path, settings={"model": "clinical"})
    )
    stamp_path(model).write_text("{not json")
    assert read_stamp(model) is None


def test_load_or_train_reloads_only_a_matching_model(tmp_path, capsys):
    model = tmp_path / "m.json"
    calls = []

    def train():
        calls.append(1)
        return {"w": len(calls)}

    def save(m, p):
        p.write_text(json.dumps(m))

    def load(p):
        return json.loads(p.read_text())

    stamp = _stamp(tmp_path)
    m, reloaded = load_or_train(model, stamp, load, train, save)
    assert (m, reloaded, len(calls)) == ({"w": 1}, False, 1)
    m, reloaded = load_or_train(model, stamp, load, train, save)
    assert (m, reloaded, len(calls)) == ({"w": 1}, True, 1)
    m, reloaded = load_or_train(model, _stamp(tmp_path, data="other"), load, train, save)
    assert (m, reloaded, len(calls)) == ({"w": 2}, False, 2)
    out = capsys.readouterr().out
    assert "training the model here: it was trained on other data" in out and "reloaded the model saved in" in out


def test_training_stamp_of_a_twin(twin):
    source = twin("cardihack", "quick")
    stamp = training_stamp(source, seed=0, quick=True, model="baseline")
    assert stamp.kit == "cardihack" and stamp.quick and stamp.settings == {"model": "baseline"}
    assert stamp.source.startswith("synthetic twin (seed 0, size quick)")
    assert stamp == training_stamp(source, seed=0, quick=True, model="baseline")
    other = DataSource(kit="cardihack", data_dir=source.data_dir, truth_dir=None, synthetic=False, origin="parameter")
    assert training_stamp(other).data == stamp.data  # same files, same fingerprint, whatever the label
