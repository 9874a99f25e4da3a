import pandas as pd

from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.twin import TWIN_SIZES, make_twin, plan_twin


def test_official_layout(cyto_source):
    data = cyto_source.data_dir
    train = pd.read_csv(data / "train.csv")
    test = pd.read_csv(data / "test.csv")
    truth = pd.read_csv(cyto_source.truth_path)
    assert list(train.columns) == ["NAME", "x1", "y1", "x2", "y2", "class"]
    assert list(test.columns) == ["trustii_id", "NAME"]
    assert list(truth.columns) == ["trustii_id", "NAME", "x1", "y1", "x2", "y2", "class"]
    assert test["trustii_id"].is_unique and (truth["trustii_id"] == test["trustii_id"]).all()
    names = set(train["NAME"]) | set(test["NAME"])
    assert names == {p.name for p in (data / "images").iterdir()}
    assert set(train["NAME"]).isdisjoint(test["NAME"])
    assert train["NAME"].nunique() >= TWIN_SIZES["quick"][0]


def test_classes_and_quirks(cyto_source):
    train = pd.read_csv(cyto_source.data_dir / "train.csv")
    assert set(train["class"]) <= set(CLASSES)
    assert train["class"].nunique() >= 20  # quick size: nearly every class present
    assert train["class"].value_counts().index[0] == "PNN"
    per_image = train.groupby("NAME").size()
    assert 0.8 < (per_image == 1).mean() < 0.97
    assert ((train["x1"] < 0) | (train["y1"] < 0)).any()  # boxes past the border, as in the real set


def test_plan_is_deterministic_and_seed_dependent():
    _, a = plan_twin(3, "quick")
    _, b = plan_twin(3, "quick")
    _, c = plan_twin(4, "quick")
    key = lambda plans: [(p.name, p.lab, p.size, [(x.cls, round(x.cx, 3)) for x in p.cells]) for p in plans]
    assert key(a) == key(b) and key(a) != key(c)


def test_files_are_deterministic(tmp_path, monkeypatch):
    import hdhkits.cytologia.twin as twin

    monkeypatch.setitem(twin.TWIN_SIZES, "quick", (12, 5))
    for run in ("a", "b"):
        make_twin(tmp_path / run / "data", tmp_path / run / "truth", seed=7, size="quick", n_jobs=1)
    for f in ("data/train.csv", "data/test.csv", "truth/test_truth.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    imgs = sorted((tmp_path / "a" / "data" / "images").iterdir())
    assert all(p.read_bytes() == (tmp_path / "b" / "data" / "images" / p.name).read_bytes() for p in imgs)
