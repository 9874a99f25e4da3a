"""The official layouts and the checked readers."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import schema
from hdhkits.findings import DataError


def test_train_layout_matches_the_official_order():
    cols = list(schema.TRAIN_COLUMNS)
    assert cols[0] == "ID"
    assert cols[cols.index("Diam_OG") + 1 : cols.index("Variant.Pathogene")] == ["OUTCOME SEVERITY", "OUTCOME MACE"]
    assert cols[-288:] == [f"SNP{i}" for i in range(1, 289)]
    assert len(cols) == 1 + 12 + 2 + 1 + 288


def test_test_layout_starts_with_trustii_id_and_has_no_outcome():
    cols = list(schema.TEST_COLUMNS)
    assert cols[:3] == ["trustii_id", "ID", "Age_Baseline"]
    assert not set(schema.OUTCOMES) & set(cols)
    assert [c for c in cols if c not in ("trustii_id", "ID")] == list(schema.FEATURE_COLUMNS)


def test_read_train_lists_every_problem_with_the_file_name(twin, tmp_path):
    train = pd.read_csv(twin("cardihack").data_dir / "train.csv")
    train = train.rename(columns={"OUTCOME MACE": "OUTCOME_MACE"})
    train.loc[4, "SNP7"] = 3
    train.loc[2, "Genre"] = np.nan
    train.to_csv(tmp_path / "train.csv", index=False)
    with pytest.raises(DataError) as err:
        schema.read_train(tmp_path)
    text = str(err.value)
    assert "train.csv" in text
    assert "rename it back to 'OUTCOME MACE'" in text
    assert "'SNP7'" in text and "data row(s) 5" in text
    assert len(err.value.problems) == 2  # an empty feature cell is allowed: models impute


# -- what the check says a model cannot learn from ---------------------------------------


def test_the_twin_gets_no_coverage_or_outcome_finding(data):
    train, test = data
    assert schema.coverage_findings(train, "train.csv") == [] and schema.coverage_findings(test, "test.csv") == []
    assert schema.outcome_findings(train) == []


def test_empty_and_constant_columns_are_warnings(data):
    test = data[1].copy()
    test["Diam_OG"], test["SYNCOPE"], test["SNP7"] = np.nan, 0, 1
    kinds = {f.kind: f for f in schema.coverage_findings(test, "test.csv")}
    assert set(kinds) == {"empty_column", "constant_column"} and not any(f.is_error for f in kinds.values())
    assert "'Diam_OG'" in kinds["empty_column"].message
    assert "SYNCOPE = 0" in kinds["constant_column"].message
    assert "SNP7" not in kinds["constant_column"].message  # a monomorphic SNP is common: not reported


def test_an_outcome_with_one_value_is_an_error_with_the_fix(data):
    train = data[0].copy()
    train[schema.OUTCOME_SEVERITY] = 0
    (found,) = schema.outcome_findings(train)
    assert found.is_error and (found.kind, found.column) == ("one_class", schema.OUTCOME_SEVERITY)
    assert "no model of this outcome can be trained" in found.fix


def test_an_absent_or_rare_class_is_a_warning(data):
    train = data[0].copy()
    train.loc[train[schema.OUTCOME_MACE] == 1, schema.OUTCOME_MACE] = 2
    severe = np.flatnonzero(train[schema.OUTCOME_SEVERITY].to_numpy() == 1)
    train.loc[severe[2:], schema.OUTCOME_SEVERITY] = 0
    found = {(f.kind, f.column): f for f in schema.outcome_findings(train)}
    assert set(found) == {("absent_class", schema.OUTCOME_MACE), ("rare_class", schema.OUTCOME_SEVERITY)}
    assert not any(f.is_error for f in found.values())
    assert found["rare_class", schema.OUTCOME_SEVERITY].count == 2
