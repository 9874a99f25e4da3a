"""The ANNITIA quirks: each puts a handful of instances into a folder, and the twin holds them at the official rate."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.columns import visit_columns
from hdhkits.annitia.problem import PROBLEM
from hdhkits.annitia.quirks import NEGATIVE_VALUES, QUIRKS, negative_value_count
from hdhkits.annitia.twin import twin_frames
from hdhkits.findings import errors
from hdhkits.quirks import copy_data


def _cells(folder):
    return {p.name: pd.read_csv(p, dtype={"patient_id_anon": str}) for p in sorted(folder.glob("*.csv"))}


@pytest.mark.parametrize("quirk", [q for q in QUIRKS if q.kind], ids=lambda q: q.name)
def test_inject_changes_a_handful_of_values(quirk, twin, tmp_path):
    folder = copy_data(twin("annitia", "quick").data_dir, tmp_path / "data")
    before = _cells(folder)
    quirk.inject(folder, np.random.default_rng(5))
    after = _cells(folder)
    assert after.keys() == before.keys()
    changed = {
        name: int((before[name].ne(after[name]) & ~(before[name].isna() & after[name].isna())).sum().sum())
        for name in before
    }
    assert 1 <= changed[quirk.file] <= 10, changed
    assert sum(changed.values()) == changed[quirk.file]  # only the file the warning names


def test_every_quirk_at_once_in_any_order(twin, tmp_path):
    folder = copy_data(twin("annitia", "quick").data_dir, tmp_path / "data")
    rng = np.random.default_rng(2)
    for quirk in reversed(QUIRKS):  # the test file is renamed first: later quirks must find test.csv
        quirk.inject(folder, rng)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["test.csv", "train.csv"]
    findings = PROBLEM.check_data(folder)
    assert not errors(findings)
    named = {(f.kind, f.file, f.column) for f in findings}
    for quirk in QUIRKS:
        if quirk.kind:
            file = "test.csv" if quirk.file == "val_test.csv" else quirk.file
            assert (quirk.kind, file, quirk.column) in named, quirk.name


@pytest.mark.parametrize("size", ["quick", "default"])
def test_twin_holds_the_negative_labs_at_the_official_rate(size):
    train, test, _ = twin_frames(seed=0, size=size)
    for frame in (train, test):
        for column, (_rate, _low, high) in NEGATIVE_VALUES.items():
            negative = frame[column] < 0
            assert negative.sum() == negative_value_count(column, len(frame)) >= 1
            assert (frame.loc[negative, column] >= -high).all()
        # like the official files: only the first visit's column holds them
        labs = [c for v in ("ggt", "fibrotest_BM_2") for c in visit_columns(v) if c not in NEGATIVE_VALUES]
        assert not (frame[labs] < 0).any().any()
    if size == "default":  # the official counts: 4 and 8 in train, 1 negative GGT in test
        assert (train["ggt_v1"] < 0).sum() == 4 and (train["fibrotest_BM_2_v1"] < 0).sum() == 8
        assert (test["ggt_v1"] < 0).sum() == 1


def test_twin_holds_liver_events_before_the_first_visit():
    train = twin_frames(seed=0, size="quick")[0]
    early = (train["evenements_hepatiques_majeurs"] == 1) & (train["evenements_hepatiques_age_occur"] < train["Age_v1"])
    assert 1 <= early.sum() <= 0.15 * (train["evenements_hepatiques_majeurs"] == 1).sum() + 1
