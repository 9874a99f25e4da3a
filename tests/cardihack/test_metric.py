"""The reconstructed metric on hand-computed cases, and its parity with the hand-written versions."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import metric
from hdhkits.findings import DataError
from hdhkits.problem import Score
from sklearn.metrics import cohen_kappa_score


def test_weighted_logloss_by_hand():
    # (1 * -log 0.8 + 1.5 * -log 0.6) / (1 + 1.5)
    assert metric.weighted_logloss([1, 0], [0.8, 0.4]) == pytest.approx(0.395752, rel=1e-5)


def test_reference_losses_by_hand():
    dummy, worst = metric.severity_reference_losses([1, 0, 0, 0])
    # prevalence 0.25: (-log .25 + 1.5 * 3 * -log .75) / 5.5
    assert dummy == pytest.approx(0.487430, rel=1e-5)
    assert worst == pytest.approx(-np.log(1e-15), rel=1e-4)  # 1 - 1e-15 is not exact in floating point


def test_rescaled_severity_by_hand():
    y = [1, 0, 0, 0]
    assert metric.rescaled_severity(y, [0.5, 0.1, 0.1, 0.1]) == pytest.approx(1 - 0.212231 / 0.487430, rel=1e-4)
    assert metric.rescaled_severity(y, 0.5) == pytest.approx(-(0.693147 - 0.487430) / (34.538776 - 0.487430), rel=1e-4)
    assert metric.rescaled_severity(y, 0.25) == pytest.approx(0, abs=1e-12)
    assert metric.rescaled_severity(y, [1, 0, 0, 0]) == pytest.approx(1, abs=1e-12)
    assert metric.rescaled_severity(y, [0, 1, 1, 1]) == pytest.approx(-1, abs=1e-12)
    assert np.isnan(metric.rescaled_severity([1, 1], [0.3, 0.4]))


def test_weighted_kappa_by_hand():
    # O = [[1, 1, 0], [0, 3, 0], [4, 0, 0]]; sum(D O) = 4.25, sum(D E) = 119/36 -> kappa = -2/7
    assert metric.weighted_kappa([0, 0, 1, 2], [0, 1, 1, 0]) == pytest.approx(-2 / 7, rel=1e-9)
    assert metric.weighted_kappa([0, 1, 2, 2], [0, 1, 2, 2]) == pytest.approx(1)
    assert metric.weighted_kappa([0, 1, 2, 2], [0, 0, 0, 0]) == pytest.approx(0)


def test_weighted_kappa_equals_unweighted_kappa_on_repeated_rows():
    rng = np.random.default_rng(0)
    y = rng.choice(3, 60, p=[0.7, 0.1, 0.2])
    pred = np.where(rng.random(60) < 0.6, y, rng.choice(3, 60))
    repeats = np.array([metric.MACE_CLASS_WEIGHTS[c] for c in y]).astype(int)
    expected = cohen_kappa_score(np.repeat(y, repeats), np.repeat(pred, repeats), weights="quadratic")
    assert metric.weighted_kappa(y, pred) == pytest.approx(expected, rel=1e-9)


def test_kappa_with_unit_weights_is_sklearns(monkeypatch):
    for c in (1, 2):
        monkeypatch.setitem(metric.MACE_CLASS_WEIGHTS, c, 1.0)
    y, pred = [0, 0, 1, 2, 2, 1], [0, 1, 1, 2, 0, 2]
    assert metric.weighted_kappa(y, pred) == pytest.approx(cohen_kappa_score(y, pred, weights="quadratic"))


def test_combined_score_and_the_dummy():
    assert metric.combined_score(0.5, 0.2) == pytest.approx(0.7 * 0.5 + 0.3 * 0.2)
    y_sev = np.r_[np.ones(117), np.zeros(230)]
    y_mace = np.r_[np.zeros(261), np.ones(29), 2 * np.ones(57)].astype(int)
    parts = metric.score_parts(y_mace, np.zeros(347, int), y_sev, np.full(347, metric.DUMMY_SEVERITY))
    assert parts["kappa_mace"] == 0
    assert parts["score"] == pytest.approx(0, abs=1e-4)


def test_invalid_inputs_are_refused():
    with pytest.raises(DataError, match="codes"):
        metric.weighted_kappa([0, 3], [0, 1])
    with pytest.raises(DataError, match="3 true MACE classes but 2"):
        metric.weighted_kappa([0, 1, 2], [0, 1])
    with pytest.raises(DataError, match="0 or 1"):
        metric.weighted_logloss([0, 2], [0.1, 0.2])
    with pytest.raises(DataError, match="non-finite"):
        metric.weighted_logloss([0, 1], [0.1, np.nan])


# ---- parity: the scikit-learn calls against the hand-written versions they replaced ----


def _hand_logloss(y_true, p) -> float:
    """The kit's hand-written weighted log-loss, verbatim."""
    y = np.asarray(y_true, dtype=float).ravel()
    p = np.clip(np.broadcast_to(np.asarray(p, dtype=float), y.shape), 1e-15, 1 - 1e-15)
    w = np.where(y == 1, 1.0, 1.5)
    ll = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(np.sum(w * ll) / np.sum(w))


def _hand_kappa(y_true, y_pred) -> float:
    """The kit's hand-written class-weighted quadratic kappa, verbatim."""
    t, q, k = np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int), 3
    w = np.asarray([1.0, 3.0, 4.0])[t]
    observed = np.bincount(t * k + q, weights=w, minlength=k * k).reshape(k, k)
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    i, j = np.indices((k, k))
    disagreement = (i - j) ** 2 / (k - 1) ** 2
    denominator = float(np.sum(disagreement * expected))
    if denominator == 0:
        return float("nan")
    return float(1 - np.sum(disagreement * observed) / denominator)


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or abs(a - b) <= 1e-12


SEVERITY_EDGES = [
    ([1, 0, 0, 0], [0.5, 0.1, 0.1, 0.1]),  # hand case
    ([1, 0, 1, 0], [1.0, 0.0, 1.0, 0.0]),  # perfect: clipped at 1e-15
    ([1, 0, 1, 0], [0.0, 1.0, 0.0, 1.0]),  # worst: clipped at 1 - 1e-15
    ([1, 0, 1, 0], [1e-300, 1 - 1e-17, 0.5, 0.5]),  # beyond the clip on both sides
    ([0, 0, 0, 0], [0.2, 0.2, 0.2, 0.2]),  # one class only, ties
    ([1, 1, 1], [0.9, 0.9, 0.9]),
    ([1, 0], [0.33718, 0.33718]),  # the organisers' dummy
]


@pytest.mark.parametrize("y, p", SEVERITY_EDGES)
def test_logloss_parity_edge_cases(y, p):
    assert _same(metric.weighted_logloss(y, p), _hand_logloss(y, p))
    assert _same(metric.weighted_logloss(y, 0.4), _hand_logloss(y, 0.4))  # a scalar for every row


def test_logloss_parity_random():
    rng = np.random.default_rng(12)
    for _ in range(300):
        n = int(rng.integers(1, 400))
        y = (rng.random(n) < rng.random()).astype(int)
        p = rng.random(n) ** rng.uniform(0.2, 5)
        p[rng.random(n) < 0.05] = rng.choice([0.0, 1.0])  # a few certain predictions
        assert _same(metric.weighted_logloss(y, p), _hand_logloss(y, p))


MACE_EDGES = [
    ([0, 0, 1, 2], [0, 1, 1, 0]),  # hand case, -2/7
    ([0, 1, 2, 2], [0, 1, 2, 2]),  # perfect
    ([0, 1, 2, 2], [0, 0, 0, 0]),  # the dummy: 0
    ([0, 0, 2, 2], [0, 1, 2, 1]),  # class 1 absent from the truth
    ([0, 1, 1, 2], [0, 0, 0, 1]),  # class 2 never predicted
    ([1, 1, 1, 1], [1, 1, 1, 1]),  # one class each side: undefined (NaN)
    ([2, 2, 2], [0, 1, 2]),  # one true class, several predicted
    ([0, 1, 2], [2, 2, 2]),  # ties: one prediction for all
]


@pytest.mark.parametrize("t, q", MACE_EDGES)
def test_kappa_parity_edge_cases(t, q):
    assert _same(metric.weighted_kappa(t, q), _hand_kappa(t, q))


def test_kappa_parity_random():
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(2, 400))
        t = rng.choice(3, n, p=rng.dirichlet(np.ones(3) * 0.7))
        q = np.where(rng.random(n) < rng.random(), t, rng.choice(3, n, p=rng.dirichlet(np.ones(3))))
        assert _same(metric.weighted_kappa(t, q), _hand_kappa(t, q))


def test_undefined_kappa_is_nan_without_a_warning(recwarn):
    assert np.isnan(metric.weighted_kappa([1, 1], [1, 1]))
    assert not [w for w in recwarn if "kappa" in str(w.message).lower()]


# ---- the table-level score ----


def _tables(n: int = 40, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    truth = pd.DataFrame(
        {
            "trustii_id": np.arange(1, n + 1),
            "OUTCOME MACE": rng.choice(3, n, p=[0.7, 0.1, 0.2]),
            "OUTCOME SEVERITY": (rng.random(n) < 0.35).astype(int),
            "P_SEVERE": rng.random(n),
        }
    )
    sub = pd.DataFrame(
        {"trustii_id": truth["trustii_id"], "OUTCOME MACE": rng.choice(3, n), "OUTCOME SEVERITY": rng.random(n)}
    ).sample(frac=1, random_state=seed)
    return truth, sub


def test_score_on_tables_matches_the_arrays():
    truth, sub = _tables()
    got = metric.score(truth, sub)
    aligned = sub.set_index("trustii_id").loc[truth["trustii_id"]]
    parts = metric.score_parts(
        truth["OUTCOME MACE"], aligned["OUTCOME MACE"], truth["OUTCOME SEVERITY"], aligned["OUTCOME SEVERITY"]
    )
    assert isinstance(got, Score)
    assert got.value == parts.pop("score") and got.parts == parts


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t, s: (t, s.iloc[1:]), "no prediction for 1 trustii_id"),
        (lambda t, s: (t, s.drop(columns=["OUTCOME SEVERITY"])), "column 'OUTCOME SEVERITY' is missing"),
        (lambda t, s: (t.drop(columns=["trustii_id"]), s), "column 'trustii_id' is missing"),
        (lambda t, s: (t, pd.concat([s, s.iloc[:1]])), "appears twice"),
    ],
)
def test_score_names_what_is_wrong(edit, message):
    truth, sub = edit(*_tables())
    with pytest.raises(DataError, match=message):
        metric.score(truth, sub)


def _random_tables(n=60, seed=0):
    rng = np.random.default_rng(seed)
    truth = pd.DataFrame(
        {
            "trustii_id": rng.permutation(np.arange(1, n + 1)),
            "OUTCOME MACE": rng.choice(3, n, p=[0.7, 0.1, 0.2]),
            "OUTCOME SEVERITY": (rng.random(n) < 0.35).astype(int),
        }
    )
    sub = pd.DataFrame(
        {
            "trustii_id": truth["trustii_id"],
            "OUTCOME MACE": rng.choice(3, n),
            "OUTCOME SEVERITY": rng.choice([0.0, 1.0, 0.2, 0.5, 0.9], n),
        }
    )
    return truth, sub.sample(frac=1, random_state=seed)


def _repeated(table, ids, counts):
    """The rows of ``table`` for ``ids``, each ``counts`` times, renumbered: a resampled table."""
    rows = table.set_index("trustii_id").loc[np.repeat(ids, counts)].reset_index()
    rows["trustii_id"] = np.arange(1, len(rows) + 1)
    return rows


@pytest.mark.parametrize("seed", range(4))
def test_unit_metric_with_unit_weights_is_the_official_score(seed):
    truth, sub = _random_tables(seed=seed)
    um = metric.unit_metric(truth)
    assert um.n_units == len(truth) and list(um.units) == truth["trustii_id"].tolist()
    full = um.scores(um.unit_terms(sub), np.ones(len(truth)))
    assert full.shape == (1,)
    assert full[0] == pytest.approx(metric.score(truth, sub).value, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_unit_metric_of_counts_is_the_score_of_the_repeated_table(seed):
    # a weighting by counts is the official score of the table with each row repeated that often
    truth, sub = _random_tables(seed=seed)
    um = metric.unit_metric(truth)
    rng = np.random.default_rng(seed + 10)
    counts = rng.multinomial(len(truth), np.full(len(truth), 1 / len(truth)), size=3)
    fast = um.scores(um.unit_terms(sub), counts)
    ids = truth["trustii_id"].to_numpy()
    for c, value in zip(counts, fast):
        expected = metric.score(_repeated(truth, ids, c), _repeated(sub, ids, c)).value
        assert value == pytest.approx(expected, abs=1e-10)


def test_unit_metric_is_nan_where_the_metric_is_undefined():
    truth, sub = _random_tables()
    um = metric.unit_metric(truth)
    one_class = (truth["OUTCOME SEVERITY"] == 1).to_numpy(float)  # only severe patients: no rescaling
    assert np.isnan(um.scores(um.unit_terms(sub), one_class))[0]
    with pytest.raises(DataError, match="no prediction"):
        um.unit_terms(sub.iloc[1:])
    with pytest.raises(DataError, match="missing"):
        metric.unit_metric(truth.drop(columns="OUTCOME MACE"))


def test_best_probability_minimises_the_expected_weighted_loss():
    from hdhkits.cardihack.metric import SEVERITY_CLASS_WEIGHTS, best_probability

    w0, w1 = SEVERITY_CLASS_WEIGHTS[0], SEVERITY_CLASS_WEIGHTS[1]
    grid = np.linspace(0.001, 0.999, 9999)
    for p in (0.05, 1 / 3, 0.5, 0.9):
        expected = -(w1 * p * np.log(grid) + w0 * (1 - p) * np.log(1 - grid))
        assert best_probability(p) == pytest.approx(grid[np.argmin(expected)], abs=2e-4)
    assert best_probability(1 / 3) == pytest.approx(0.25)
    assert np.all(best_probability(np.array([0.2, 0.6])) < [0.2, 0.6])  # the 1.5 weight on y = 0 pulls it down
