"""The official metric: Harrell's C identical to scikit-survival (its parity reference), weights 0.7/0.3."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.metric import harrell_c, score, score_risks
from hdhkits.annitia.targets import SurvivalTargets
from hdhkits.findings import DataError
from sksurv.metrics import concordance_index_censored


@pytest.mark.parametrize("seed", range(40))
def test_matches_sksurv_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    time = rng.integers(0, 8, n).astype(float)  # many tied times
    event = rng.random(n) < rng.uniform(0.1, 0.7)
    event[0] = True
    risk = rng.integers(0, 5, n).astype(float)  # many tied risks
    if seed % 2:
        risk = risk + rng.normal(0, 1e-9, n)  # within the tie tolerance
    if seed % 3 == 0:
        risk = rng.normal(size=n)
    expected = concordance_index_censored(event, time, risk)[0]
    assert harrell_c(event, time, risk) == pytest.approx(expected, abs=1e-12)


def test_matches_sksurv_continuous_large():
    rng = np.random.default_rng(1)
    n = 2000
    time = rng.exponential(5, n)
    event = rng.random(n) < 0.1
    risk = -time + rng.normal(0, 3, n)
    assert harrell_c(event, time, risk) == pytest.approx(concordance_index_censored(event, time, risk)[0], abs=1e-12)


def test_perfect_reversed_and_constant():
    time = np.array([1.0, 2, 3, 4])
    event = np.array([True, True, False, True])
    assert harrell_c(event, time, -time) == 1.0
    assert harrell_c(event, time, time) == 0.0
    assert harrell_c(event, time, np.zeros(4)) == 0.5


def test_errors():
    with pytest.raises(ValueError, match="censored"):
        harrell_c([False, False], [1, 2], [0, 1])
    with pytest.raises(ValueError, match="finite"):
        harrell_c([True, False], [1, 2], [np.nan, 1])
    with pytest.raises(ValueError, match="length"):
        harrell_c([True, False], [1, 2], [1])
    with pytest.raises(ValueError, match="comparable"):
        harrell_c([True, True], [1, 1], [0, 1])


def test_score_risks_weights_and_unknown_death():
    rng = np.random.default_rng(0)
    n = 200
    y = SurvivalTargets(
        rng.random(n) < 0.2, rng.exponential(5, n), rng.random(n) < 0.3, rng.exponential(5, n), rng.random(n) < 0.8
    )
    y = SurvivalTargets(y.hepatic_event, y.hepatic_time, y.death_event & y.death_known, y.death_time, y.death_known)
    rh, rd = rng.normal(size=n), rng.normal(size=n)
    score = score_risks(y, rh, rd)
    k = y.death_known
    c_h = concordance_index_censored(y.hepatic_event, y.hepatic_time, rh)[0]
    c_d = concordance_index_censored(y.death_event[k], y.death_time[k], rd[k])[0]
    assert score.parts["c_hepatic"] == pytest.approx(c_h) and score.parts["c_death"] == pytest.approx(c_d)
    assert score.value == pytest.approx(0.7 * c_h + 0.3 * c_d)
    # risks of patients with unknown death status do not matter
    rd2 = rd.copy()
    rd2[~k] = 1e6
    assert score_risks(y, rh, rd2).value == pytest.approx(score.value)
    with pytest.raises(ValueError, match="patients"):
        score_risks(y, rh[:-1], rd)


# Parity: metric.py may not import scikit-survival (the Codabench scoring image lacks it),
# so the kit keeps its own harrell_c and scikit-survival is its reference here.
def _sksurv_or_none(event, time, risk):
    """scikit-survival's C, or None where it refuses (no event, no comparable pair: NaN or an exception)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its 0/0 on events tied in time
        try:
            value = concordance_index_censored(
                np.asarray(event, bool), np.asarray(time, float), np.asarray(risk, float)
            )[0]
        except Exception:  # ValueError (all censored) or NoComparablePairException
            return None
    return None if np.isnan(value) else value


EDGE_CASES = {
    "ties in time": ([1, 0, 1, 0, 1, 0], [2, 2, 2, 3, 3, 5], [0.3, 0.1, 0.9, 0.2, 0.5, 0.4]),
    "ties in risk": ([1, 1, 0, 1, 0, 0], [1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 0, 0]),
    "ties in time and risk": ([1, 1, 0, 0], [2, 2, 2, 4], [1, 1, 1, 1]),
    "risk ties within 1e-8": ([1, 0, 1, 0], [1, 2, 3, 4], [0.5, 0.5 + 5e-9, 0.2, 0.2 - 5e-9]),
    "one event": ([0, 0, 1, 0, 0], [1, 2, 3, 4, 5], [0.1, 0.9, 0.5, 0.2, 0.7]),
    "one event, first": ([1, 0, 0], [1, 2, 3], [0.2, 0.1, 0.3]),
    "event censored at the same time": ([1, 0], [1, 1], [0.4, 0.2]),
    "all censored": ([0, 0, 0], [1, 2, 3], [0.1, 0.2, 0.3]),
    "one event, at the last time": ([0, 1], [1, 2], [0.0, 1.0]),
    "events tied at the only time": ([1, 1], [1, 1], [0.0, 1.0]),
}


@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_parity_with_sksurv_on_edge_inputs(case):
    event, time, risk = EDGE_CASES[case]
    expected = _sksurv_or_none(event, time, risk)
    if expected is None:
        with pytest.raises(DataError):
            harrell_c(event, time, risk)
    else:
        assert harrell_c(event, time, risk) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_parity_with_sksurv_on_random_inputs(seed):
    """Continuous, heavily tied and mostly censored draws, sizes around the chunk of 512 events."""
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(2, 1500))
    time = rng.exponential(5, n) if seed % 2 else rng.integers(0, 4, n).astype(float)
    event = rng.random(n) < (0.02 if seed % 5 == 0 else 0.6)
    risk = rng.normal(size=n) if seed % 3 else rng.integers(0, 3, n).astype(float)
    expected = _sksurv_or_none(event, time, risk)
    if expected is None:
        with pytest.raises(DataError):
            harrell_c(event, time, risk)
    else:
        assert harrell_c(event, time, risk) == pytest.approx(expected, abs=1e-12)


def _targets_and_tables(seed=0, n=150):
    rng = np.random.default_rng(seed)
    age1 = rng.integers(30, 70, n).astype(float)
    hep = (rng.random(n) < 0.2).astype(float)
    death = np.where(rng.random(n) < 0.2, np.nan, (rng.random(n) < 0.3).astype(float))
    truth = pd.DataFrame(
        {
            "trustii_id": rng.permutation(np.arange(1, n + 1)),
            "evenements_hepatiques_majeurs": hep,
            "evenements_hepatiques_age_occur": np.where(hep == 1, age1 + rng.integers(0, 10, n), np.nan),
            "death": death,
            "death_age_occur": np.where(death == 1, age1 + rng.integers(0, 10, n), np.nan),
            "Age_v1": age1,
            "last_visit_age": age1 + rng.integers(0, 12, n),
        }
    )
    sub = pd.DataFrame(
        {"trustii_id": truth["trustii_id"], "risk_hepatic_event": rng.normal(size=n), "risk_death": rng.normal(size=n)}
    )
    return truth, sub


def test_score_on_tables_is_score_risks_in_truth_order():
    from hdhkits.annitia.targets import survival_targets

    truth, sub = _targets_and_tables()
    expected = score_risks(survival_targets(truth), sub["risk_hepatic_event"], sub["risk_death"])
    shuffled = sub.sample(frac=1, random_state=1)
    assert score(truth, shuffled) == expected
    with pytest.raises(DataError, match="risk_death"):
        score(truth, sub.drop(columns="risk_death"))
    with pytest.raises(DataError, match="no risk for truth id"):
        score(truth, sub.iloc[1:])


def _repeated(table, ids, counts):
    """The rows of ``table`` for ``ids``, each ``counts`` times, renumbered: a resampled table."""
    rows = table.set_index("trustii_id").loc[np.repeat(ids, counts)].reset_index()
    rows["trustii_id"] = np.arange(1, len(rows) + 1)
    return rows


@pytest.mark.parametrize("seed", range(3))
def test_unit_metric_with_unit_weights_is_the_official_score(seed):
    from hdhkits.annitia.metric import unit_metric

    truth, sub = _targets_and_tables(seed)
    sub["risk_hepatic_event"] = np.round(sub["risk_hepatic_event"], 1)  # ties in risk count one half
    um = unit_metric(truth)
    assert list(um.units) == truth["trustii_id"].tolist()
    assert um.scores(um.unit_terms(sub.sample(frac=1, random_state=2)), np.ones(len(truth)))[0] == pytest.approx(
        score(truth, sub).value, abs=1e-12
    )


def test_unit_metric_of_counts_is_the_score_of_the_repeated_table():
    from hdhkits.annitia.metric import unit_metric

    truth, sub = _targets_and_tables(5)
    um = unit_metric(truth)
    rng = np.random.default_rng(1)
    counts = rng.multinomial(len(truth), np.full(len(truth), 1 / len(truth)), size=4)
    fast = um.scores(um.unit_terms(sub), counts)
    ids = truth["trustii_id"].to_numpy()
    for c, value in zip(counts, fast):
        assert value == pytest.approx(score(_repeated(truth, ids, c), _repeated(sub, ids, c)).value, abs=1e-12)


def test_concordance_pairs_sum_to_harrell_c():
    from hdhkits.annitia.metric import concordance_pairs

    rng = np.random.default_rng(3)
    event, time, risk = rng.random(80) < 0.3, rng.integers(1, 10, 80).astype(float), rng.integers(0, 5, 80)
    events, comparable, credit = concordance_pairs(event, time, risk)
    assert list(events) == list(np.flatnonzero(event))
    assert credit.sum() / comparable.sum() == harrell_c(event, time, risk)
    known = rng.random(80) < 0.7
    _, comparable, credit = concordance_pairs(event, time, risk, known)
    assert credit.sum() / comparable.sum() == harrell_c(event[known], time[known], risk[known])


def test_unit_metric_is_nan_without_an_event():
    from hdhkits.annitia.metric import unit_metric

    truth, sub = _targets_and_tables(0)
    um = unit_metric(truth)
    no_event = (truth["evenements_hepatiques_majeurs"] == 0).to_numpy(float)
    assert np.isnan(um.scores(um.unit_terms(sub), no_event))[0]
