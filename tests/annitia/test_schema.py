"""The ANNITIA layouts match the official files exactly."""

from hdhkits.annitia.schema import (
    N_VISITS,
    TARGETS,
    TEST_SCHEMA,
    TRAIN_SCHEMA,
    VISIT_VARIABLES,
    train_columns,
    val_test_columns,
    visit_columns,
)


def test_column_counts_match_official():
    assert len(train_columns()) == 287
    assert len(val_test_columns()) == 284
    assert len(set(train_columns())) == 287 and len(set(val_test_columns())) == 284


def test_column_order():
    train = train_columns()
    assert train[:7] == [
        "patient_id_anon",
        "gender",
        "T2DM",
        "Hypertension",
        "Dyslipidaemia",
        "bariatric_surgery",
        "bariatric_surgery_age",
    ]
    assert train[7:9] == ["Age_v1", "Age_v2"]
    assert train[-4:] == [
        "evenements_hepatiques_majeurs",
        "evenements_hepatiques_age_occur",
        "death",
        "death_age_occur",
    ]
    test = val_test_columns()
    assert test[:2] == ["trustii_id", "patient_id_anon"]
    assert test[2:] == train[1:-4]
    # visit groups in the official order, each v1..vN
    assert VISIT_VARIABLES == (
        "Age",
        "BMI",
        "alt",
        "ast",
        "bilirubin",
        "chol",
        "ggt",
        "gluc_fast",
        "plt",
        "triglyc",
        "aixp_aix_result_BM_3",
        "fibrotest_BM_2",
        "fibs_stiffness_med_BM_1",
    )
    assert train[7 + 22 - 1] == "Age_v22" and train[7 + 22] == "BMI_v1"
    assert visit_columns("fibs_stiffness_med_BM_1")[-1] == "fibs_stiffness_med_BM_1_v22"
    assert visit_columns("plt")[-1] == "plt_v21"


def test_visit_counts():
    assert N_VISITS["Age"] == N_VISITS["BMI"] == N_VISITS["fibs_stiffness_med_BM_1"] == 22
    assert all(N_VISITS[v] == 21 for v in VISIT_VARIABLES if v not in ("Age", "BMI", "fibs_stiffness_med_BM_1"))


def test_schemas_follow_column_lists():
    assert TRAIN_SCHEMA.names == train_columns()
    assert TEST_SCHEMA.names == val_test_columns()
    assert TEST_SCHEMA.aliases == ("test.csv",)
    assert TEST_SCHEMA.file_name == "val_test.csv" and TRAIN_SCHEMA.file_name == "train.csv"
    assert not set(TARGETS) & set(TEST_SCHEMA.names)


# -- what check says about data a step will lack (issue 18) ------------------------------

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.schema import MIN_EVENTS, check_data, coverage_findings, outcome_findings, read_test, read_train
from hdhkits.findings import MAX_CHARS, errors
from hdhkits.quirks import copy_data


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
