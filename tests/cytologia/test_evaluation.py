import numpy as np
import pandas as pd
from hdhkits.cytologia.classical import make_classical
from hdhkits.cytologia.evaluation import choose_model, cross_validate_classical, cv_folds, inner_split, subsample_train
from hdhkits.cytologia.features import crop_features, extract_crops


def test_subsample_and_folds_keep_duplicates_together(cyto_data):
    train = cyto_data.train
    dup_groups = train.groupby("group")["NAME"].nunique()
    dup_groups = dup_groups[dup_groups > 1].index
    assert len(dup_groups) >= 1
    fold = cv_folds(train, 5, seed=0)
    for g in dup_groups:
        assert len(set(fold[train["group"].to_numpy() == g])) == 1
    assert set(fold) == set(range(5))
    small = subsample_train(train, 50, seed=0)
    assert small["NAME"].nunique() <= 50
    for g in set(small["group"]) & set(dup_groups):
        assert small.loc[small["group"] == g, "NAME"].nunique() == train.loc[train["group"] == g, "NAME"].nunique()


def test_the_inner_split_comes_out_of_the_training_part_grouped(cyto_data):
    train = cyto_data.train
    fold = cv_folds(train, 5, seed=0)
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


def test_cross_validated_forest_equals_the_fold_loop(cyto_data):
    """out_of_fold on class codes names every box as the notebook's loop over folds did."""
    train = cyto_data.train.iloc[:150].reset_index(drop=True)
    fold = cv_folds(train, 3, seed=0)
    features = crop_features(extract_crops(cyto_data, train), train)
    labels = train["class"].to_numpy()
    loop = np.empty(len(train), dtype=object)
    for k in range(3):
        loop[fold == k] = make_classical(0).fit(features[fold != k], labels[fold != k]).predict(features[fold == k])
    assert (cross_validate_classical(features, labels, fold, seed=0) == loop).all()
