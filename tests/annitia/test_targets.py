"""Survival targets derived exactly as the organisers do, and the outcome strata."""

import numpy as np
import pytest
from hdhkits.annitia.schema import MIN_TIME
from hdhkits.annitia.targets import SurvivalTargets, first_last_age, outcome_strata, survival_array, survival_targets
from hdhkits.findings import DataError


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


def test_outcome_strata_tell_the_four_outcome_pairs_apart():
    y = SurvivalTargets(
        np.array([False, True, False, True]),
        np.ones(4),
        np.array([False, False, True, True]),
        np.ones(4),
        np.ones(4, bool),
    )
    assert list(outcome_strata(y)) == [0, 2, 1, 3]
