"""Reading, wide-to-long, and survival targets derived exactly as the organisers do."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.data import first_last_age, survival_array, survival_targets, to_long
from hdhkits.annitia.schema import (
    EVENT_BEFORE_FIRST_VISIT,
    MIN_TIME,
    check_data,
    event_findings,
    read_test,
    read_train,
)
from hdhkits.findings import DataError, errors


def test_targets_follow_organiser_derivation(make_rows):
    frame = make_rows(
        [
            # liver event at 60, death unknown; visits 50, 52, 55
            dict(Age_v1=50, Age_v2=52, Age_v3=55, evenements_hepatiques_majeurs=1, evenements_hepatiques_age_occur=60),
            # no event, alive: time = last age − first age
            dict(Age_v1=40, Age_v2=41, evenements_hepatiques_majeurs=0, death=0),
            # event before Age_v1: clamped; death at 70
            dict(
                Age_v1=60,
                Age_v2=63,
                evenements_hepatiques_majeurs=1,
                evenements_hepatiques_age_occur=59,
                death=1,
                death_age_occur=70,
            ),
            # one visit, no event: time 0 -> clamped
            dict(Age_v1=45, evenements_hepatiques_majeurs=0, death=0),
            # event that precedes the last visit; last age taken over all visits
            dict(
                Age_v1=30,
                Age_v2=31,
                Age_v5=40,
                evenements_hepatiques_majeurs=1,
                evenements_hepatiques_age_occur=33,
                death=0,
            ),
        ]
    )
    y = survival_targets(frame)
    np.testing.assert_array_equal(y.hepatic_event, [True, False, True, False, True])
    np.testing.assert_allclose(y.hepatic_time, [10, 1, MIN_TIME, MIN_TIME, 3])
    np.testing.assert_array_equal(y.death_known, [False, True, True, True, True])
    np.testing.assert_array_equal(y.death_event, [False, False, True, False, False])
    np.testing.assert_allclose(y.death_time, [5, 1, 10, MIN_TIME, 10])
    first, last = first_last_age(frame)
    np.testing.assert_allclose(first, [50, 40, 60, 45, 30])
    np.testing.assert_allclose(last, [55, 41, 63, 45, 40])
    sub = y.subset(np.array([2, 2]))
    assert len(sub) == 2 and sub.death_event.all()
    arr = survival_array(y.hepatic_event, y.hepatic_time)
    assert arr.dtype.names == ("event", "time")


def test_targets_missing_columns_are_named(make_rows):
    frame = make_rows([dict(Age_v1=50)]).drop(columns=["death", "death_age_occur"])
    with pytest.raises(DataError, match="death"):
        survival_targets(frame)


def test_to_long_one_row_per_visit(make_rows):
    frame = make_rows(
        [dict(Age_v1=50, Age_v2=52, alt_v1=30.5, plt_v2=200.0), dict(Age_v1=40, fibs_stiffness_med_BM_1_v22=9.0)]
    )
    long = to_long(frame)
    assert list(long["visit"]) == [1, 2, 1, 22]
    assert list(long["row"]) == [0, 0, 1, 1]
    assert long.loc[0, "alt"] == 30.5 and long.loc[1, "plt"] == 200.0
    assert np.isnan(long.loc[3, "Age"]) and long.loc[3, "fibs_stiffness_med_BM_1"] == 9.0
    assert {"patient_id_anon", "Age", "fibs_stiffness_med_BM_1"} <= set(long.columns)


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


def test_old_reader_names_warn_and_forward(twin):
    from hdhkits.annitia import data

    folder = twin("annitia").data_dir
    for old, new in ((data.load_train, read_train), (data.load_test, read_test), (data.check_data_dir, check_data)):
        with pytest.warns(DeprecationWarning, match=f"hdhkits.annitia.schema.{new.__name__}"):
            got = old(folder)
        expected = new(folder)
        assert got.equals(expected) if hasattr(got, "equals") else got == expected
