"""The ANNITIA layouts match the official files exactly; what the data check and the readers say."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.columns import TARGETS, VISIT_VARIABLES, train_columns, val_test_columns, visit_columns
from hdhkits.annitia.schema import (
    EVENT_BEFORE_FIRST_VISIT,
    MIN_EVENTS,
    MIN_TIME,
    TEST_SCHEMA,
    TRAIN_SCHEMA,
    check_data,
    coverage_findings,
    event_findings,
    outcome_findings,
    read_test,
    read_train,
)
from hdhkits.annitia.targets import survival_targets
from hdhkits.findings import MAX_CHARS, DataError, errors
from hdhkits.quirks import copy_data


def test_schemas_follow_column_lists():
    assert TRAIN_SCHEMA.names == train_columns()
    assert TEST_SCHEMA.names == val_test_columns()
    assert TEST_SCHEMA.aliases == ("test.csv",)
    assert TEST_SCHEMA.file_name == "val_test.csv" and TRAIN_SCHEMA.file_name == "train.csv"
    assert not set(TARGETS) & set(TEST_SCHEMA.names)


# -- what check says about data a step will lack -----------------------------------------


@pytest.fixture(scope="module")
def tables(twin):
    source = twin("annitia")
    return read_train(source.data_dir), read_test(source.data_dir)


def test_the_twin_gets_no_coverage_or_outcome_finding(tables):
    train, test = tables
    assert coverage_findings(train, "train.csv") == [] and coverage_findings(test, "val_test.csv") == []
    assert outcome_findings(train) == []


def test_a_variable_empty_at_every_visit_is_a_warning_that_says_what_is_lost(tables):
    train = tables[0].copy()
    train[visit_columns("alt")] = np.nan
    found = coverage_findings(train, "train.csv")
    assert [f.kind for f in found] == ["empty_variable"] and not errors(found)
    assert "'alt'" in found[0].message and "no FIB-4" in found[0].fix and "AST/ALT" in found[0].fix
    for var in VISIT_VARIABLES[1:]:
        train[visit_columns(var)] = np.nan
    everything = coverage_findings(train, "train.csv")[0]
    assert everything.count == len(VISIT_VARIABLES) - 1 and len(str(everything)) <= MAX_CHARS


def test_empty_and_constant_codes_are_warnings(tables):
    test = tables[1].copy()
    test["T2DM"], test["gender"] = np.nan, 2
    kinds = {f.kind: f for f in coverage_findings(test, "val_test.csv")}
    assert set(kinds) == {"empty_column", "constant_column"}
    assert "'T2DM'" in kinds["empty_column"].message and "gender = 2" in kinds["constant_column"].message


@pytest.mark.parametrize("outcome, events", [("evenements_hepatiques_majeurs", 0), ("death", MIN_EVENTS - 1)])
def test_too_few_events_to_train_is_an_error_with_the_fix(tables, outcome, events):
    train = tables[0].copy()
    rows = np.flatnonzero(train[outcome].to_numpy() == 1)
    train.loc[rows[events:], outcome] = 0
    found = outcome_findings(train)
    assert [(f.kind, f.column, f.count) for f in found] == [("too_few_events", outcome, events)]
    assert found[0].is_error and "no model of this outcome can be trained" in found[0].fix
    train.loc[rows[:MIN_EVENTS], outcome] = 1
    assert outcome_findings(train) == []


def test_unknown_death_status_everywhere_is_an_error(tables):
    train = tables[0].copy()
    train["death"] = np.nan
    (found,) = outcome_findings(train)
    assert found.column == "death" and "no death status is known" in found.message


def test_an_empty_age_v1_or_liver_outcome_in_train_is_a_layout_error(twin, tmp_path):
    folder = copy_data(twin("annitia").data_dir, tmp_path / "data")
    train = pd.read_csv(folder / "train.csv")
    train.loc[[3, 7], "Age_v1"] = np.nan
    train.loc[[5], "evenements_hepatiques_majeurs"] = np.nan
    train.to_csv(folder / "train.csv", index=False)
    found = {(f.column, f.kind) for f in errors(check_data(folder))}
    assert found == {("Age_v1", "empty_cells"), ("evenements_hepatiques_majeurs", "empty_cells")}


def test_reader_on_twin_and_alias(twin, tmp_path):
    source = twin("annitia")
    train = read_train(source.data_dir)
    test = read_test(source.data_dir)
    assert train.shape[1] == 287 and test.shape[1] == 284
    (tmp_path / "train.csv").write_bytes((source.data_dir / "train.csv").read_bytes())
    (tmp_path / "test.csv").write_bytes((source.data_dir / "val_test.csv").read_bytes())
    findings = check_data(tmp_path)
    assert not errors(findings)
    # the twin's noise-made negative labs are warned about under the name the file has
    assert {f.file for f in findings if f.kind == "below_minimum"} == {"train.csv", "test.csv"}
    assert len(read_test(tmp_path)) == len(test)


def test_reader_lists_every_problem(twin, tmp_path):
    source = twin("annitia")
    train = pd.read_csv(source.data_dir / "train.csv")
    train = train.drop(columns=["plt_v3"]).rename(columns={"ggt_v2": "GGT_v2"})
    train.loc[0, "gender"] = 3
    train.to_csv(tmp_path / "train.csv", index=False)
    with pytest.raises(DataError) as info:
        read_train(tmp_path)
    text = str(info.value)
    assert "plt_v3" in text and "GGT_v2" in text and "gender" in text
    problems = check_data(tmp_path)
    assert any("val_test.csv" in p for p in problems)  # the test file is absent
    assert any(p.file == "train.csv" and "plt_v3" in p for p in problems)


def test_events_before_the_first_visit_are_warnings(make_rows):
    frame = make_rows(
        [
            dict(Age_v1=60, evenements_hepatiques_majeurs=1, evenements_hepatiques_age_occur=58, death=0),
            dict(Age_v1=50, evenements_hepatiques_majeurs=1, evenements_hepatiques_age_occur=55, death=0),
            dict(
                Age_v1=40,
                evenements_hepatiques_majeurs=0,
                evenements_hepatiques_age_occur=30,
                death=1,
                death_age_occur=39.5,
            ),
        ]
    )
    found = event_findings(frame)
    assert [(f.severity, f.kind, f.file, f.column, f.rows, f.count, f.extreme) for f in found] == [
        ("warning", EVENT_BEFORE_FIRST_VISIT, "train.csv", "evenements_hepatiques_age_occur", (1,), 1, 2.0),
        ("warning", EVENT_BEFORE_FIRST_VISIT, "train.csv", "death_age_occur", (3,), 1, 0.5),
    ]  # row 3's liver age is no event (the indicator is 0): not reported
    assert "set to 0.001 years" in found[0].fix
    y = survival_targets(frame)  # the stated handling: the time is clamped, the patient kept
    assert y.hepatic_time[0] == MIN_TIME and y.death_time[2] == MIN_TIME


def test_event_warning_names_the_train_file_in_a_folder(twin, tmp_path):
    train = pd.read_csv(twin("annitia").data_dir / "train.csv")
    test = pd.read_csv(twin("annitia").data_dir / "val_test.csv")
    train.loc[train["evenements_hepatiques_majeurs"] == 1, "evenements_hepatiques_age_occur"] = train["Age_v1"] - 1
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "val_test.csv", index=False)
    found = [f for f in check_data(tmp_path) if f.kind == EVENT_BEFORE_FIRST_VISIT]
    assert len(found) == 1 and found[0].count == int(train["evenements_hepatiques_majeurs"].sum())
    assert not errors(check_data(tmp_path))
