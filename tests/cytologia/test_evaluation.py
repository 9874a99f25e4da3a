import warnings

import numpy as np
import pandas as pd
from hdhkits.cytologia.classical import make_classical
from hdhkits.cytologia.evaluation import cv_folds, inner_split, out_of_fold_classes, subsample_train
from hdhkits.cytologia.features import crop_features, extract_crops
from sklearn.model_selection import StratifiedGroupKFold


def _fold_numbers(folds, n):
    fold = np.full(n, -1)
    for k, (_, rows) in enumerate(folds):
        fold[rows] = k
    return fold


def test_subsample_and_folds_keep_duplicates_together(cyto_data):
    train = cyto_data.train
    dup_groups = train.groupby("group")["NAME"].nunique()
    dup_groups = dup_groups[dup_groups > 1].index
    assert len(dup_groups) >= 1
    fold = _fold_numbers(cv_folds(train, 5, seed=0), len(train))
    for g in dup_groups:
        assert len(set(fold[train["group"].to_numpy() == g])) == 1
    assert set(fold) == set(range(5))
    small = subsample_train(train, 50, seed=0)
    assert small["NAME"].nunique() <= 50
    for g in set(small["group"]) & set(dup_groups):
        assert small.loc[small["group"] == g, "NAME"].nunique() == train.loc[train["group"] == g, "NAME"].nunique()


def test_cv_folds_gives_index_pairs_repeat_after_repeat(cyto_data):
    train = cyto_data.train
    folds = cv_folds(train, n_splits=4, n_repeats=2, seed=3)
    assert len(folds) == 8
    rows = np.arange(len(train))
    for fit, val in folds:
        assert fit.dtype.kind == "i" and val.dtype.kind == "i"
        assert np.array_equal(np.sort(np.concatenate([fit, val])), rows)  # the two sides of a split, once each
        assert np.array_equal(fit, np.sort(fit)) and np.array_equal(val, np.sort(val))
    for repeat in (folds[:4], folds[4:]):  # each repeat's validation rows cover every box once
        assert np.array_equal(np.sort(np.concatenate([val for _, val in repeat])), rows)
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(folds[:4], folds[4:]))  # the repeats differ
    # the second repeat is the first one of the next seed
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds[4:], cv_folds(train, 4, seed=4)))


def test_cv_folds_are_the_stratified_grouped_folds_of_before(cyto_data):
    """The folds themselves do not move: fold k is StratifiedGroupKFold's k-th validation part."""
    train = cyto_data.train
    splitter = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rare classes with fewer boxes than folds
        expected = [val for _, val in splitter.split(train, train["class"], groups=train["group"])]
    got = [val for _, val in cv_folds(train, 5, seed=0)]
    assert all(np.array_equal(np.sort(e), g) for e, g in zip(expected, got))


def test_the_inner_split_comes_out_of_the_training_part_grouped(cyto_data):
    train = cyto_data.train
    folds = cv_folds(train, 5, seed=0)
    fit_rows, holdout_rows = folds[0]
    fit, stop = inner_split(train, fit_rows, n_splits=5, seed=0)
    assert not set(fit) & set(holdout_rows) and not set(stop) & set(holdout_rows)  # the hold-out fold is never used
    assert sorted(np.concatenate([fit, stop]).tolist()) == fit_rows.tolist()
    assert 0.1 < len(stop) / (len(fit) + len(stop)) < 0.3
    groups = train["group"].to_numpy()
    assert not set(groups[fit]) & set(groups[stop])  # duplicates (and the cells of one image) stay on one side
    names = train["NAME"].to_numpy()
    assert not set(names[fit]) & set(names[stop])


def test_out_of_fold_classes_equal_the_fold_loop(cyto_data):
    """out_of_fold on class codes names every box as a loop over the folds fitting on the strings does."""
    train = cyto_data.train.iloc[:150].reset_index(drop=True)
    folds = cv_folds(train, 3, seed=0)
    features = crop_features(extract_crops(cyto_data, train), train)
    labels = train["class"].to_numpy()
    loop = np.empty(len(train), dtype=object)
    for fit, val in folds:
        loop[val] = make_classical(0).fit(features.iloc[fit], labels[fit]).predict(features.iloc[val])
    got = out_of_fold_classes(make_classical(0), features, labels, folds)
    assert (got == loop).all()
    assert isinstance(got[0], str) and pd.Series(got).isin(labels).all()
