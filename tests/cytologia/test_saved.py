import json

import numpy as np
from hdhkits.cytologia.baselines import train_baseline
from hdhkits.cytologia.classical import FOREST_FILE
from hdhkits.cytologia.cnn.persistence import CHECKPOINT_FILE
from hdhkits.cytologia.evaluation import subsample_train
from hdhkits.cytologia.reader import read_dataset
from hdhkits.cytologia.saved import CHOICE_FILE, load_choice, load_or_train, save_model, training_stamp
from hdhkits.fingerprint import read_stamp, stale_reason


def test_train_choose_save_reload_predict(cyto_data, tmp_path):
    stamp = training_stamp(cyto_data.data_dir, seed=0, max_train_images=80, epochs=1)
    run = train_baseline(cyto_data, tmp_path, max_train_images=80, epochs=1, n_boot=50, progress=False)
    assert len(run.history) == 1
    assert [p.name for p in tmp_path.iterdir()] == [CHECKPOINT_FILE]  # training writes only its checkpoint
    assert save_model(run, tmp_path, stamp) == tmp_path / CHOICE_FILE
    assert read_stamp(tmp_path / CHOICE_FILE) == stamp
    for name in ("cytologia_cnn.pt", "cytologia_detector.json", CHOICE_FILE, CHECKPOINT_FILE):
        assert (tmp_path / name).is_file()
    choice = load_choice(tmp_path)
    assert choice == json.loads(json.dumps(run.choice)) and choice["model"] in ("cnn", "forest")
    assert set(choice["scores"]) == {"cnn", "forest"}
    assert run.baseline.kind == choice["model"]
    assert (tmp_path / FOREST_FILE).is_file() == (choice["model"] == "forest")
    # the CNN stopped on the inner split: fit + stop boxes are the training part, the hold-out fold is apart
    cnn_meta = run.candidates["cnn"].meta
    assert cnn_meta["n_fit_boxes"] + cnn_meta["n_stop_boxes"] + len(run.holdout) == len(
        subsample_train(cyto_data.train, 80, 0)
    )
    reloaded = load_or_train(cyto_data, tmp_path, verbose=False, stamp=stamp)
    assert reloaded.kind == choice["model"]
    test = cyto_data.test.head(20)[["trustii_id", "NAME"]]
    a = run.baseline.predict(cyto_data, test, device="cpu")
    b = reloaded.predict(cyto_data, test, device="cpu")
    assert list(a.columns) == ["trustii_id", "NAME", "x1", "y1", "x2", "y2", "class"]
    assert a.equals(b)
    assert np.isin(a["class"], run.baseline.meta["classes"]).all()
    # both candidates predict; each one's hold-out predictions are the detector's boxes
    for name, candidate in run.candidates.items():
        assert np.isin(
            candidate.predict(cyto_data, test.head(3), device="cpu")["class"], candidate.meta["classes"]
        ).all()
        assert run.predictions[name][["x1", "y1", "x2", "y2"]].equals(run.predictions["cnn"][["x1", "y1", "x2", "y2"]])


def test_without_a_saved_choice_the_models_are_trained_and_compared(cyto_data, tmp_path, capsys):
    baseline = load_or_train(cyto_data, tmp_path, max_train_images=60, epochs=1, n_boot=20)
    out = capsys.readouterr().out
    assert "Training and comparing" in out and "no saved model" in out and "Why:" in out
    assert load_choice(tmp_path)["model"] == baseline.kind
    # the forced choice file names the CNN: it is what comes back, with its reason
    choice = load_choice(tmp_path)
    choice.update(model="cnn", reason="forced by the test")
    (tmp_path / CHOICE_FILE).write_text(json.dumps(choice))
    assert load_or_train(cyto_data, tmp_path, verbose=True, max_train_images=60, epochs=1).kind == "cnn"
    out = capsys.readouterr().out
    assert "forced by the test" in out and "Reloaded" in out


def test_a_model_trained_on_other_data_is_retrained_and_says_why(cyto_source, cyto_data, twin, tmp_path, capsys):
    settings = dict(max_train_images=60, epochs=1, seed=0)
    stamp = training_stamp(cyto_source, quick=True, **settings)
    save_model(train_baseline(cyto_data, tmp_path, n_boot=20, progress=False, **settings), tmp_path, stamp)
    assert read_stamp(tmp_path / CHOICE_FILE) == stamp
    other = twin("cytologia", size="quick", seed=1)  # another twin: other data, same settings
    other_data = read_dataset(other.data_dir)
    capsys.readouterr()
    load_or_train(other_data, tmp_path, stamp=training_stamp(other, quick=True, **settings), n_boot=20, **settings)
    out = capsys.readouterr().out
    assert "trained on other data" in out and "seed 0" in out and "seed 1" in out
    # the stamp now names the new data: asked again, the model is reloaded
    load_or_train(other_data, tmp_path, stamp=training_stamp(other, quick=True, **settings), **settings)
    assert "Reloaded" in capsys.readouterr().out
    # another setting (more epochs) is stale too
    reason = stale_reason(tmp_path / CHOICE_FILE, training_stamp(other, quick=True, **{**settings, "epochs": 3}))
    assert "epochs" in reason
