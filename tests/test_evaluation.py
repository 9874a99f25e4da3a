import numpy as np
import pandas as pd
import pytest
from hdhkits.evaluation import bootstrap_difference, bootstrap_score, folds_from_labels, out_of_fold, take_rows
from hdhkits.problem import Score
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold


class Targets:
    """An object holding aligned arrays, like ANNITIA's survival targets."""

    def __init__(self, a):
        self.a = np.asarray(a)

    def __len__(self):
        return len(self.a)

    def subset(self, idx):
        return Targets(self.a[idx])


def test_take_rows_kinds():
    idx = np.array([2, 0, 2])
    frame = pd.DataFrame({"x": [10, 11, 12]}, index=[7, 8, 9])
    assert take_rows(frame, idx)["x"].tolist() == [12, 10, 12]
    assert take_rows(np.array([1, 2, 3]), idx).tolist() == [3, 1, 3]
    assert take_rows(["a", "b", "c"], idx) == ["c", "a", "c"]
    assert take_rows(Targets([5, 6, 7]), idx).a.tolist() == [7, 5, 7]
    assert take_rows(None, idx) is None


def test_out_of_fold_never_sees_the_row():
    class Memoriser:
        def fit(self, X, y):
            self.seen_ = set(X["id"])
            return self

        def predict(self, X):
            return np.array([float(i in self.seen_) for i in X["id"]])

        def get_params(self, deep=True):
            return {}

    X = pd.DataFrame({"id": np.arange(40)})
    pred = out_of_fold(Memoriser(), X, np.zeros(40), KFold(5).split(X))
    assert pred.shape == (40,) and (pred == 0).all()


def test_out_of_fold_matches_a_hand_loop_with_probabilities():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
    folds = list(StratifiedKFold(4, shuffle=True, random_state=0).split(X, y))
    pred = out_of_fold(LogisticRegression(), X, y, folds, method="predict_proba")
    hand = np.zeros((120, 2))
    for tr, te in folds:
        hand[te] = LogisticRegression().fit(X[tr], y[tr]).predict_proba(X[te])
    assert pred.shape == (120, 2)
    np.testing.assert_allclose(pred, hand)
    custom = out_of_fold(LogisticRegression(), X, y, folds, method=lambda m, Xt: m.decision_function(Xt))
    assert custom.shape == (120,)


def test_rows_no_fold_tests_stay_nan_and_no_folds_is_an_error():
    fold = np.array([0, 0, 1, 1, -1])
    pairs = folds_from_labels(fold)
    assert [te.tolist() for _, te in pairs] == [[0, 1], [2, 3]]
    assert 4 in pairs[0][0] and 4 in pairs[1][0]
    pred = out_of_fold(LogisticRegression(), np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 1]), pairs)
    assert np.isnan(pred[4]) and not np.isnan(pred[:4]).any()
    with pytest.raises(ValueError, match="no folds"):
        out_of_fold(LogisticRegression(), np.zeros((3, 1)), np.zeros(3), [])


def test_bootstrap_score_accepts_scores_and_objects():
    rng = np.random.default_rng(1)
    y = rng.normal(size=300)
    t = Targets(y)
    iv = bootstrap_score(lambda a, b: Score(float(np.mean(a.a - b))), t, np.zeros(300), n_boot=100, seed=0)
    assert iv.estimate == pytest.approx(y.mean())
    assert iv.low < y.mean() < iv.high
    again = bootstrap_score(lambda a, b: float(np.mean(a.a - b)), t, np.zeros(300), n_boot=100, seed=0)
    assert again == iv
    with pytest.raises(ValueError, match="different lengths"):
        bootstrap_score(lambda a, b: 0.0, np.zeros(3), np.zeros(4))


def test_bootstrap_difference_is_paired():
    rng = np.random.default_rng(3)
    truth = rng.normal(size=400)
    a = truth + rng.normal(scale=0.5, size=400)  # a is closer to the truth than b, on the same rows
    b = a + rng.normal(scale=0.2, size=400)

    def error(t, p):
        return -float(np.mean((t - p) ** 2))

    gap = bootstrap_difference(
        lambda t, p, q: error(t, p), lambda t, p, q: error(t, q), truth, a, b, n_boot=200, seed=0
    )
    assert gap.estimate == pytest.approx(error(truth, a) - error(truth, b))
    assert gap.low > 0  # paired: the shared noise cancels
    a_alone = bootstrap_score(lambda t, p, q: error(t, p), truth, a, b, n_boot=200, seed=0)
    b_alone = bootstrap_score(lambda t, p, q: error(t, q), truth, a, b, n_boot=200, seed=0)
    assert a_alone.low < b_alone.high  # side by side, the two intervals overlap
    assert gap.high - gap.low < (a_alone.high - a_alone.low) * 0.6
