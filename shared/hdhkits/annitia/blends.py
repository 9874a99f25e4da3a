"""Survival learners that combine others: :class:`RankBlend` and :class:`StiffnessGate`.

* :class:`RankBlend` averages the ranks of several survival models with weights chosen
  on *inner* out-of-fold predictions of the training rows it is given (the grid of
  :func:`simplex_grid`), so a blend cross-validated from outside never chooses its weights
  on the fold it is scored on;
* :class:`StiffnessGate` routes patients by their last FibroScan stiffness between two
  survival models.

The model families that use them are in :mod:`hdhkits.annitia.models`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from ..evaluation import out_of_fold
from ..findings import DataError
from .baselines import as_frame
from .metric import harrell_c

__all__ = ["RankBlend", "StiffnessGate", "simplex_grid"]


class StiffnessGate(BaseEstimator):
    """Route patients by their last FibroScan stiffness between two survival models.

    Patients at or above ``threshold`` kPa (advanced fibrosis: about 16 % of the twin's
    patients, half of its liver events) are ranked by ``high``, fitted on them alone;
    the others (and patients never measured) by ``low``, fitted on every patient (a model
    of the low group alone would see a handful of events). Each model's risk becomes a
    rank within its group (against its training predictions of that group), and the high
    group is placed above the low one: risk = 1 + rank for a high patient, rank for the
    others. With fewer than ``min_events`` events in the high group, ``high`` is not
    fitted and ``low`` ranks everyone (still split by group).

    Parameters
    ----------
    low, high : survival estimators
        E.g. :class:`~hdhkits.annitia.models.Component`; ``predict`` returns a risk.
    column : str
        Feature that routes (default: the last FibroScan value).
    threshold : float
        Routing cut-off (12 kPa: :data:`~hdhkits.annitia.features.STIFFNESS_CUTS`).
    min_events : int
        Events needed in the high group to fit ``high``.
    """

    def __init__(
        self,
        low: BaseEstimator,
        high: BaseEstimator,
        column: str = "fibs_stiffness_med_BM_1_last",
        threshold: float = 12.0,
        min_events: int = 5,
    ) -> None:
        self.low = low
        self.high = high
        self.column = column
        self.threshold = threshold
        self.min_events = min_events

    def _high_rows(self, X: pd.DataFrame) -> np.ndarray:
        if self.column not in X.columns:
            raise DataError(
                "<features>", [f"feature '{self.column}' is missing; build the features with build_features()"]
            )
        return (pd.to_numeric(X[self.column], errors="coerce") >= self.threshold).to_numpy()

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> StiffnessGate:
        """Fit ``low`` on every row and ``high`` on the high group; ``y`` is a structured ``(event, time)`` array."""
        X = as_frame(X).reset_index(drop=True)
        high = self._high_rows(X)
        self.low_ = clone(self.low).fit(X, y)
        self.routed_ = bool(np.asarray(y["event"], bool)[high].sum() >= self.min_events)
        self.high_ = clone(self.high).fit(X[high], y[high]) if self.routed_ else self.low_
        self.reference_low_ = np.sort(self.low_.predict(X[~high])) if (~high).any() else np.zeros(1)
        self.reference_high_ = np.sort(self.high_.predict(X[high])) if high.any() else np.zeros(1)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Rank within the patient's group (0–1), plus 1 in the high group."""
        check_is_fitted(self)
        X = as_frame(X).reset_index(drop=True)
        high = self._high_rows(X)
        risk = np.zeros(len(X))
        for rows, model, reference, offset in (
            (~high, self.low_, self.reference_low_, 0.0),
            (high, self.high_, self.reference_high_, 1.0),
        ):
            if rows.any():
                raw = np.asarray(model.predict(X[rows]), float)
                # Share of training predictions below, plus a tiny term that keeps the
                # order of values between the same two references (as RankBlend does).
                tie_break = 1e-6 * np.tanh((raw - reference.mean()) / (reference.std() + 1e-12))
                risk[rows] = offset + np.searchsorted(reference, raw, side="left") / len(reference) + tie_break
        return risk


def simplex_grid(n: int, step: float) -> np.ndarray:
    """Every weight vector of ``n`` non-negative multiples of ``step`` summing to 1.

    Rows are ordered from the most even to the least even, so that among equally good
    weights the most even blend is chosen first.
    """
    k = int(round(1 / step))
    if n < 1 or abs(k * step - 1) > 1e-9:
        raise ValueError(f"need n >= 1 and a step dividing 1 (got n={n}, step={step})")
    rows = [c for c in itertools.product(range(k + 1), repeat=n) if sum(c) == k]
    grid = np.array(rows, dtype=float) / k
    return grid[np.argsort(((grid - 1 / n) ** 2).sum(axis=1), kind="stable")]


class RankBlend(BaseEstimator):
    """Weighted average of the ranks of several survival models, weights chosen out of fold.

    ``fit`` splits the training rows into ``inner_splits`` stratified folds, fits every
    component on each inner training part and predicts the held-out part. The weights
    are the point of :func:`simplex_grid` whose blend of these out-of-fold predictions
    has the best Harrell's C: every prediction that judges a weight comes from a model
    that did not see that patient, and only rows given to ``fit`` are used, so a blend
    cross-validated from outside never chooses its weights on the fold it is scored on.
    The inner models are kept and their predictions averaged (a cross-fitted ensemble);
    nothing is refitted on all rows.

    Ranks are taken against the component's own out-of-fold predictions (their empirical
    distribution), so ``predict`` is row by row: a patient's risk does not depend on the
    other patients predicted with them.

    With ``inner_repeats`` > 1 the inner K-fold is repeated with other seeds
    (``random_state + r``): every weight is judged by its mean concordance over the
    repeats, which chooses less noise with a few dozen events, and every repeat's models
    join the ensemble. The public top solution chose its weights on 5 x 10 folds.

    Parameters
    ----------
    components : list of (str, estimator)
        Named survival estimators (e.g. :class:`~hdhkits.annitia.models.Component`).
    inner_splits : int
        Inner folds used to choose the weights.
    weight_step : float
        Resolution of the weight grid (0.25: weights in quarters). A coarse grid chooses
        less noise with a few dozen events.
    random_state : int
        Seed of the inner folds.
    inner_repeats : int
        Repeats of the inner K-fold (1: one split, the leaderboard model without liver pieces).
    core_components : int, optional
        The first ``core_components`` components are the core blend; the others are
        candidates that get a weight only where they win: a weight vector giving them any
        weight must beat the best core-only vector by ``min_gain`` (inner concordance).
        With a few dozen events, every added candidate is otherwise one more chance to
        pick noise. None: every component competes freely.
    min_gain : float
        The margin candidates must win by.
    """

    def __init__(
        self,
        components: list[tuple[str, BaseEstimator]],
        inner_splits: int = 3,
        weight_step: float = 0.25,
        random_state: int = 0,
        inner_repeats: int = 1,
        core_components: int | None = None,
        min_gain: float = 0.0,
    ) -> None:
        self.components = components
        self.inner_splits = inner_splits
        self.weight_step = weight_step
        self.random_state = random_state
        self.inner_repeats = inner_repeats
        self.core_components = core_components
        self.min_gain = min_gain

    def _best(self, grid: np.ndarray, scores: np.ndarray) -> int:
        # The best weight vector; candidates beyond the core must win by min_gain.
        core = self.core_components
        if core is None or core >= grid.shape[1]:
            return int(np.argmax(scores))
        uses_candidates = (grid[:, core:] > 0).any(axis=1)
        bar = scores[~uses_candidates].max() + self.min_gain
        allowed = ~uses_candidates | (scores >= bar)
        return int(np.argmax(np.where(allowed, scores, -np.inf)))

    def _inner_predictions(self, X: pd.DataFrame, y: np.ndarray, event: np.ndarray) -> list[np.ndarray]:
        # One (n, components) out-of-fold matrix per repeat; every fitted inner model is kept.
        self.models_: dict[str, list[BaseEstimator]] = {name: [] for name, _ in self.components}

        def keep_and_predict(models: list[BaseEstimator]) -> Callable[[BaseEstimator, pd.DataFrame], np.ndarray]:
            # out_of_fold hands each fold's fitted clone here: the inner models are the ensemble.
            def predict(fitted: BaseEstimator, X_test: pd.DataFrame) -> np.ndarray:
                models.append(fitted)
                return fitted.predict(X_test)

            return predict

        oofs = []
        for r in range(max(1, int(self.inner_repeats))):
            folds = list(
                StratifiedKFold(self.inner_splits, shuffle=True, random_state=self.random_state + r).split(X, event)
            )
            oofs.append(
                np.column_stack(
                    [
                        out_of_fold(estimator, X, y, folds, method=keep_and_predict(self.models_[name]))
                        for name, estimator in self.components
                    ]
                )
            )
        return oofs

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> RankBlend:
        """Fit the inner models and choose the weights; ``y`` is a structured ``(event, time)`` array."""
        X = as_frame(X).reset_index(drop=True)
        event, time = np.asarray(y["event"], bool), np.asarray(y["time"], float)
        oofs = self._inner_predictions(X, y, event)
        self.reference_ = np.sort(np.vstack(oofs), axis=0)
        ranks = [self._ranks(oof) for oof in oofs]
        grid = simplex_grid(len(self.components), self.weight_step)
        scores = np.array([np.mean([harrell_c(event, time, r @ w) for r in ranks]) for w in grid])
        best = self._best(grid, scores)
        self.weights_ = pd.Series(grid[best], index=[name for name, _ in self.components])
        self.inner_score_ = float(scores[best])
        self.component_scores_ = pd.Series(
            [np.mean([harrell_c(event, time, oof[:, j]) for oof in oofs]) for j in range(len(self.components))],
            index=self.weights_.index,
        )
        return self

    def _ranks(self, raw: np.ndarray) -> np.ndarray:
        # Share of out-of-fold predictions below, plus a tiny term that keeps the order of
        # values falling between the same two references (ties would cost concordance).
        ref = self.reference_
        scale = ref.std(axis=0) + 1e-12
        cols = [
            np.searchsorted(ref[:, j], raw[:, j], side="left") / len(ref)
            + 1e-6 * np.tanh((raw[:, j] - ref[:, j].mean()) / scale[j])
            for j in range(raw.shape[1])
        ]
        return np.column_stack(cols)

    def predict_components(self, X: pd.DataFrame) -> pd.DataFrame:
        """Each component's rank (0–1 against its out-of-fold predictions), one column each."""
        check_is_fitted(self)
        X = as_frame(X).reset_index(drop=True)
        raw = np.column_stack(
            [np.mean([m.predict(X) for m in self.models_[name]], axis=0) for name, _ in self.components]
        )
        return pd.DataFrame(self._ranks(raw), columns=self.weights_.index)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The blended risk: weighted mean of the components' ranks (higher = earlier event)."""
        return self.predict_components(X).to_numpy(float) @ self.weights_.to_numpy(float)
