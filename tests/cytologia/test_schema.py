import numpy as np

"""CYTOLOGIA's check of what the train boxes let a classifier learn."""

import pandas as pd
import pytest
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.schema import MIN_TRAIN_IMAGES, check_data, class_findings, read_train
from hdhkits.findings import MAX_CHARS
from hdhkits.quirks import copy_data


@pytest.fixture(scope="module")
def train(cyto_source):
    return read_train(cyto_source.data_dir)


def test_the_quick_twin_holds_every_class(train):
    assert set(train["class"]) == set(CLASSES) and class_findings(train) == []


def test_classes_without_boxes_are_a_warning_naming_them(train):
    gone = ["SS", "LM", "BA"]
    (found,) = class_findings(train[~train["class"].isin(gone)])
    assert (found.kind, found.severity, found.count) == ("absent_class", "warning", 3)
    assert all(c in found.message for c in gone) and len(str(found)) <= MAX_CHARS


def test_boxes_the_reader_leaves_out_do_not_count(train):
    unusable = train.copy()
    unusable.loc[unusable["class"] == "SS", "x2"] = unusable.loc[unusable["class"] == "SS", "x1"]  # empty boxes
    assert [f.kind for f in class_findings(unusable)] == ["absent_class"]


def test_one_class_or_too_few_images_is_an_error_with_the_fix(train):
    (one,) = class_findings(train[train["class"] == "PNN"])
    assert one.is_error and one.kind == "one_class" and "no classifier can be trained" in one.fix
    few = train[train["NAME"].isin(train["NAME"].drop_duplicates().head(MIN_TRAIN_IMAGES - 1))]
    (small,) = class_findings(few)
    assert small.is_error and small.kind == "too_few_images" and small.count == MIN_TRAIN_IMAGES - 1
    enough = train[train["NAME"].isin(train["NAME"].drop_duplicates().head(MIN_TRAIN_IMAGES))]
    assert all(not f.is_error for f in class_findings(enough))


def test_check_data_reports_them(cyto_source, tmp_path):
    folder = copy_data(cyto_source.data_dir, tmp_path / "data")
    boxes = pd.read_csv(folder / "train.csv")
    boxes[boxes["class"] != "MoB"].to_csv(folder / "train.csv", index=False)
    found = [f for f in check_data(folder) if f.kind == "absent_class"]
    assert len(found) == 1 and "MoB" in found[0].message and found[0].file == "train.csv"


def test_folds_are_grouped_only_when_no_class_can_be_stratified(cyto_data):
    from hdhkits.cytologia.evaluation import cv_folds

    one_each = cyto_data.train.drop_duplicates("class").reset_index(drop=True)
    folds = cv_folds(one_each, 5, seed=0)
    assert len(folds) == 5 and all(len(rows) for _, rows in folds)
    fold = np.full(len(one_each), -1)
    for k, (_, rows) in enumerate(folds):
        fold[rows] = k
    assert sorted(set(fold)) == [0, 1, 2, 3, 4]
    assert (one_each.assign(fold=fold).groupby("group")["fold"].nunique() == 1).all()
