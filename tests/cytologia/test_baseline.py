import json

import numpy as np
import pandas as pd
import pytest
from hdhkits.cytologia.baselines import (
    CHOICE_FILE,
    FOREST_FILE,
    baseline_stamp,
    choose_model,
    grouped_folds,
    inner_split,
    load_choice,
    load_or_train_baseline,
    subsample_train,
    train_baseline,
)
from hdhkits.cytologia.cnn import CHECKPOINT_FILE
from hdhkits.cytologia.reader import read_dataset
from hdhkits.fingerprint import read_stamp, stale_reason


def test_subsample_and_folds_keep_duplicates_together(cyto_data):
    train = cyto_data.train
    dup_groups = train.groupby("group")["NAME"].nunique()
    dup_groups = dup_groups[dup_groups > 1].index
    assert len(dup_groups) >= 1
    fold = grouped_folds(train, 5, seed=0)
    for g in dup_groups:
        assert len(set(fold[train["group"].to_numpy() == g])) == 1
    assert set(fold) == set(range(5))
    small = subsample_train(train, 50, seed=0)
    assert small["NAME"].nunique() <= 50
    for g in set(small["group"]) & set(dup_groups):
        assert small.loc[small["group"] == g, "NAME"].nunique() == train.loc[train["group"] == g, "NAME"].nunique()


def test_the_inner_split_comes_out_of_the_training_part_grouped(cyto_data):
    train = cyto_data.train
    fold = grouped_folds(train, 5, seed=0)
    fit, stop = inner_split(train, fold, holdout=0, n_folds=5, seed=0)
    assert not (fold[fit] == 0).any() and not (fold[stop] == 0).any()  # the hold-out fold is never used
    assert sorted(np.concatenate([fit, stop]).tolist()) == np.flatnonzero(fold != 0).tolist()
    assert 0.1 < len(stop) / (len(fit) + len(stop)) < 0.3
    groups = train["group"].to_numpy()
    assert not set(groups[fit]) & set(groups[stop])  # duplicates (and the cells of one image) stay on one side
    names = train["NAME"].to_numpy()
    assert not set(names[fit]) & set(names[stop])


def _table(names, classes):
    return pd.DataFrame({"NAME": names, "x1": 0, "y1": 0, "x2": 10, "y2": 10, "class": classes})


def test_choose_model_keeps_the_higher_hold_out_score_and_says_why():
    names = [f"{i}.jpg" for i in range(40)]
    classes = ["PNN", "LY", "MO", "EO"] * 10
    truth = _table(names, classes)
    good = _table(names, classes[:30] + ["PNN"] * 10)
    bad = _table(names, ["PNN"] * 40)
    choice = choose_model(truth, {"cnn": bad, "forest": good}, n_boot=100)
    assert choice["model"] == "forest"
    s = choice["scores"]
    assert s["forest"]["score"]["estimate"] > s["cnn"]["score"]["estimate"]
    assert s["forest"]["score"]["low"] <= s["forest"]["score"]["estimate"] <= s["forest"]["score"]["high"]
    assert choice["difference"]["low"] > 0 and "clearly above 0" in choice["reason"]
    assert "features/forest scores higher" in choice["reason"]
    assert choose_model(truth, {"cnn": good, "forest": bad}, n_boot=100)["model"] == "cnn"
    # two equal predictions: the paired difference interval holds 0 and the reason says so
    tie = choose_model(truth, {"cnn": good, "forest": good.copy()}, n_boot=100)
    assert tie["difference"]["low"] <= 0 <= tie["difference"]["high"] and "hardly tells" in tie["reason"]


def test_train_choose_save_reload_predict(cyto_data, tmp_path):
    stamp = baseline_stamp(cyto_data.data_dir, seed=0, max_train_images=80, epochs=1)
    run = train_baseline(cyto_data, tmp_path, max_train_images=80, epochs=1, n_boot=50, progress=False, stamp=stamp)
    assert len(run.history) == 1
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
    reloaded = load_or_train_baseline(cyto_data, tmp_path, verbose=False, stamp=stamp)
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
    baseline = load_or_train_baseline(cyto_data, tmp_path, max_train_images=60, epochs=1, n_boot=20)
    out = capsys.readouterr().out
    assert "Training and comparing" in out and "no saved model" in out and "Why:" in out
    assert load_choice(tmp_path)["model"] == baseline.kind
    # the forced choice file names the CNN: it is what comes back, with its reason
    choice = load_choice(tmp_path)
    choice.update(model="cnn", reason="forced by the test")
    (tmp_path / CHOICE_FILE).write_text(json.dumps(choice))
    assert load_or_train_baseline(cyto_data, tmp_path, verbose=True, max_train_images=60, epochs=1).kind == "cnn"
    out = capsys.readouterr().out
    assert "forced by the test" in out and "Reloaded" in out


def test_a_model_trained_on_other_data_is_retrained_and_says_why(cyto_source, cyto_data, twin, tmp_path, capsys):
    settings = dict(max_train_images=60, epochs=1, seed=0)
    stamp = baseline_stamp(cyto_source, quick=True, **settings)
    train_baseline(cyto_data, tmp_path, n_boot=20, progress=False, stamp=stamp, **settings)
    assert read_stamp(tmp_path / CHOICE_FILE) == stamp
    other = twin("cytologia", size="quick", seed=1)  # another twin: other data, same settings
    other_data = read_dataset(other.data_dir)
    capsys.readouterr()
    load_or_train_baseline(
        other_data, tmp_path, stamp=baseline_stamp(other, quick=True, **settings), n_boot=20, **settings
    )
    out = capsys.readouterr().out
    assert "trained on other data" in out and "seed 0" in out and "seed 1" in out
    # the stamp now names the new data: asked again, the model is reloaded
    load_or_train_baseline(other_data, tmp_path, stamp=baseline_stamp(other, quick=True, **settings), **settings)
    assert "Reloaded" in capsys.readouterr().out
    # another setting (more epochs) is stale too
    reason = stale_reason(tmp_path / CHOICE_FILE, baseline_stamp(other, quick=True, **{**settings, "epochs": 3}))
    assert "epochs" in reason


def test_baseline_module_is_a_deprecated_stub():
    import importlib
    import sys

    import hdhkits.cytologia.baselines as baselines

    sys.modules.pop("hdhkits.cytologia.baseline", None)
    with pytest.warns(DeprecationWarning, match="baselines"):
        old = importlib.import_module("hdhkits.cytologia.baseline")
    assert old.train_baseline is baselines.train_baseline and old.MODEL_NAMES is baselines.MODEL_NAMES


def test_oracle_scores_one(cyto_source):
    from hdhkits.cytologia.baselines import oracle_score
    from hdhkits.cytologia.problem import PROBLEM

    s = oracle_score(PROBLEM.read_truth(cyto_source.truth_dir))
    assert s.value == 1 and set(s.parts.values()) == {1.0}


def test_cross_validated_forest_equals_the_fold_loop(cyto_data):
    """out_of_fold on class codes names every box as the notebook's loop over folds did."""
    from hdhkits.cytologia.baselines import cross_validate_classical, make_classical
    from hdhkits.cytologia.features import crop_features, extract_crops

    train = cyto_data.train.iloc[:150].reset_index(drop=True)
    fold = grouped_folds(train, 3, seed=0)
    features = crop_features(extract_crops(cyto_data, train), train)
    labels = train["class"].to_numpy()
    loop = np.empty(len(train), dtype=object)
    for k in range(3):
        loop[fold == k] = make_classical(0).fit(features[fold != k], labels[fold != k]).predict(features[fold == k])
    assert (cross_validate_classical(features, labels, fold, seed=0) == loop).all()
