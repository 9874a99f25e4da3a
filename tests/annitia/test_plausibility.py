"""Plausible ranges: the warnings check_data gives for values outside them, and the values the features use."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.columns import DEATH_AGE, VISIT_VARIABLES, visit_columns
from hdhkits.annitia.plausibility import (
    IMPLAUSIBLE_AGE_HANDLING,
    IMPLAUSIBLE_LAB_HANDLING,
    MASKED_COLUMNS,
    PLAUSIBLE_RANGES,
    RANGE_KINDS,
    implausible_cells,
    plausibility_findings,
    plausible_bounds,
    plausible_values,
    required_bounds,
)
from hdhkits.annitia.schema import TEST_SCHEMA, TRAIN_SCHEMA, check_data, read_test, read_train


def test_every_visit_variable_has_a_range_and_the_schemas_carry_them():
    assert set(VISIT_VARIABLES) <= set(PLAUSIBLE_RANGES)
    for schema in (TRAIN_SCHEMA, TEST_SCHEMA):
        for spec in schema.columns:
            bounds = plausible_bounds(spec.name)
            if bounds is None:
                assert spec.minimum is None and spec.maximum is None, spec.name
            else:
                assert (spec.minimum, spec.maximum, spec.out_of_range) == bounds, spec.name


def test_bounds_of_a_column():
    assert plausible_bounds("ggt_v3") == (0, 20000, IMPLAUSIBLE_LAB_HANDLING)
    assert plausible_bounds("Age_v22") == (0, 120, IMPLAUSIBLE_AGE_HANDLING)
    assert plausible_bounds(DEATH_AGE) == (0, 130, IMPLAUSIBLE_AGE_HANDLING)
    assert plausible_bounds("bariatric_surgery_age")[:2] == (0, 120)
    assert plausible_bounds("trustii_id") is None and plausible_bounds("death") is None
    assert plausible_bounds("unknown_v1") is None
    assert "Age_v1" not in MASKED_COLUMNS and set(visit_columns("plt")) <= set(MASKED_COLUMNS)


def test_required_bounds_are_the_bounds_or_an_error_naming_the_column():
    assert required_bounds("ggt_v3") == plausible_bounds("ggt_v3")
    with pytest.raises(ValueError, match="'unknown_v1' has no plausible range"):
        required_bounds("unknown_v1")


def test_findings_are_those_check_data_gives(twin):
    source = twin("annitia")
    checked = [f for f in check_data(source.data_dir) if f.kind in RANGE_KINDS]
    train, test = read_train(source.data_dir), read_test(source.data_dir)
    mine = plausibility_findings(train, "train.csv") + plausibility_findings(test, "val_test.csv")
    assert mine and mine == checked  # the twin holds noise-made negative labs in both files
    assert all(f.severity == "warning" for f in mine)


def test_findings_leave_unparsable_cells_to_the_layout_check(make_rows):
    frame = make_rows([dict(Age_v1=50, ggt_v1=-3.0, fibrotest_BM_2_v1=1.5)])
    frame["alt_v1"] = frame["alt_v1"].astype(object)
    frame.loc[0, "alt_v1"] = "n/a"
    found = plausibility_findings(frame, "train.csv")
    assert [(f.column, f.kind, f.extreme) for f in found] == [
        ("ggt_v1", "below_minimum", -3.0),
        ("fibrotest_BM_2_v1", "above_maximum", 1.5),
    ]
    assert all(f.file == "train.csv" and f.fix == IMPLAUSIBLE_LAB_HANDLING for f in found)


def test_implausible_cells_mark_labs_only(make_rows):
    frame = make_rows([dict(Age_v1=50, Age_v2=130, ggt_v1=-1.0, bariatric_surgery_age=150.0)])
    bad = implausible_cells(frame)
    assert set(bad.columns[bad.any()]) == {"ggt_v1", "bariatric_surgery_age"}
    assert bad.dtypes.eq(bool).all() and not bad.loc[0, "alt_v1"]  # a missing cell is not implausible
    assert np.isnan(plausible_values(frame).loc[0, "bariatric_surgery_age"])
    assert isinstance(plausible_values(frame), pd.DataFrame)


def test_ages_are_not_masked(make_rows):
    frame = make_rows([dict(Age_v1=50, Age_v2=130, ggt_v1=0.0)])  # 0 is within the range, 130 is not
    masked = plausible_values(frame)
    assert masked.loc[0, "Age_v2"] == 130 and masked.loc[0, "ggt_v1"] == 0.0
    assert plausible_values(frame) is frame  # nothing to mask: no copy
