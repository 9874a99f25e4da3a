"""Two model families for ANNITIA: the *clinical* model and the *leaderboard* model.

Both take the features of :func:`hdhkits.annitia.features.build_features` and differ in
which feature families they may read (:data:`FAMILIES`):

* **clinical** (:data:`CLINICAL_FAMILIES`): statics and the values measured at the first
  visit, what a hepatologist holds at a first consultation. No feature that encodes visit
  timing, visit counts or follow-up length, no later values (the last visit can come after
  a liver event, and its date is the follow-up length), and no missing-code indicators
  (codes are 21 % missing in train and 2 % in the test file, so "missing" means something
  else at test time).
* **leaderboard** (:data:`LEADERBOARD_FAMILIES`): everything the metric rewards, the
  follow-up window included. *The trap*: a censored patient's time is their follow-up
  length (last visit age − first visit age) and patients who die stop coming, so follow-up
  length alone ranks deaths well (about 0.95 C(death) on the default twin, about 0.97 on
  the official files out of fold). It scores; it is not medicine, and it only works
  because of how the organisers derive times.

Each outcome gets a :class:`RankBlend` of survival learners (:class:`Component`: a Cox
model, gradient-boosted trees with a Cox loss, a random survival forest), combined by rank
averaging with weights chosen on *inner* out-of-fold predictions of the training data it is
given: cross-validating a blend therefore never chooses weights on the fold it reports.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import StratifiedKFold

from ..evaluation import out_of_fold
from ..schema import DataError
from .baselines import TwoOutcomeModel, _as_frame, _Preprocess
from .metric import harrell_c
from .schema import CODE_COLUMNS

__all__ = ["FAMILIES", "CLINICAL_FAMILIES", "LEADERBOARD_FAMILIES", "FOLLOWUP", "add_followup_features",
           "family_columns", "feature_families", "Component", "RankBlend", "simplex_grid",
           "make_clinical_model", "make_leaderboard_model"]

#: Feature families, in the order the ablation adds them.
FAMILIES = ("statics", "first values", "last values", "slopes", "counts", "follow-up", "missing codes")
#: What the clinical model reads: a first consultation.
CLINICAL_FAMILIES = ("statics", "first values")
#: What the leaderboard model reads: everything.
LEADERBOARD_FAMILIES = FAMILIES
#: The follow-up window: span of the record, its end, and years per visit (the "age slope").
FOLLOWUP = ("followup_years", "age_last", "years_per_visit")


def add_followup_features(X: pd.DataFrame) -> pd.DataFrame:
    """``X`` with ``years_per_visit`` added (a copy), when it can be derived.

    ``years_per_visit`` = follow-up years / (visits − 1): the slope of age over visit
    number (0 for a single visit). Needs ``followup_years`` and ``n_visits``.
    """
    if "years_per_visit" in X.columns or not {"followup_years", "n_visits"} <= set(X.columns):
        return X
    X = X.copy()
    X["years_per_visit"] = X["followup_years"] / np.maximum(X["n_visits"] - 1, 1)
    return X


def _family(column: str) -> str | None:
    if column in FOLLOWUP:
        return "follow-up"
    if column == "n_visits" or column.endswith("_n"):
        return "counts"
    if column.endswith("_missing") and column[: -len("_missing")] in CODE_COLUMNS:
        return "missing codes"
    if column == "age_first" or column == "male" or column == "bariatric_before_v1" or (
            column[:-2] in CODE_COLUMNS and column[-2:] in ("_1", "_2")):
        return "statics"
    if column.endswith("_slope"):
        return "slopes"
    if column.endswith("_first"):
        return "first values"
    if column.endswith(("_last", "_min", "_max", "_last_class")) or column.startswith("stiffness_ge"):
        return "last values"
    return None


def feature_families(columns) -> dict[str, list[str]]:
    """The columns of each family (:data:`FAMILIES`), in column order.

    Raises
    ------
    ValueError
        A column belongs to no family (a new feature must be given one, so that the
        clinical model never reads it by accident).
    """
    families: dict[str, list[str]] = {name: [] for name in FAMILIES}
    unknown = []
    for col in columns:
        family = _family(str(col))
        (families[family] if family else unknown).append(col)
    if unknown:
        raise ValueError(f"feature(s) {unknown[:5]} belong to no family; add them to models._family")
    return families


def family_columns(columns, families) -> list[str]:
    """Columns of ``columns`` that belong to one of ``families``, in column order."""
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown feature famil(ies) {sorted(unknown)}; choose from {FAMILIES}")
    by_family = feature_families(columns)
    keep = {c for f in families for c in by_family[f]}
    return [c for c in columns if c in keep]


class Component(BaseEstimator):
    """A scikit-survival estimator on some feature families, after winsorising, imputing, scaling.

    Parameters
    ----------
    estimator : scikit-survival estimator
        Fitted on the preprocessed features; its ``predict`` must return a risk (higher =
        earlier event), as every scikit-survival model does.
    families : tuple of str
        Feature families read (:data:`FAMILIES`); ``years_per_visit`` is derived when the
        follow-up family is read.
    columns : tuple of str, optional
        Restrict further to these columns (e.g. :data:`FOLLOWUP`).
    """

    def __init__(self, estimator: BaseEstimator, families: tuple[str, ...] = LEADERBOARD_FAMILIES,
                 columns: tuple[str, ...] | None = None):
        self.estimator = estimator
        self.families = families
        self.columns = columns

    def _select(self, X: pd.DataFrame) -> pd.DataFrame:
        X = _as_frame(X)
        if "follow-up" in self.families:
            X = add_followup_features(X)
        return X

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> "Component":
        """Fit on features ``X`` and a structured ``(event, time)`` array ``y``."""
        X = self._select(X)
        cols = family_columns(list(X.columns), self.families)
        if self.columns is not None:
            cols = [c for c in cols if c in self.columns]
        if not cols:
            raise DataError("<features>", [f"no feature of famil(ies) {self.families} (columns {self.columns}) in X; "
                                           "build the features with build_features()"])
        # max_missing=1: trees and the ridge both cope with imputed sparse features.
        self.prep_ = _Preprocess().fit(X[cols], max_missing=1.0)
        self.estimator_ = clone(self.estimator)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter of the Cox Newton steps
            self.estimator_.fit(self.prep_.transform(X).to_numpy(float), y)
        return self

    @property
    def features_(self) -> list[str]:
        """The features the fitted component reads."""
        return list(self.prep_.columns_)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Risk score of the wrapped estimator."""
        return np.asarray(self.estimator_.predict(self.prep_.transform(self._select(X)).to_numpy(float)), float)


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

    Parameters
    ----------
    components : list of (str, estimator)
        Named survival estimators (e.g. :class:`Component`).
    inner_splits : int
        Inner folds used to choose the weights.
    weight_step : float
        Resolution of the weight grid (0.25: weights in quarters). A coarse grid chooses
        less noise with a few dozen events.
    random_state : int
        Seed of the inner folds.
    """

    def __init__(self, components: list[tuple[str, BaseEstimator]], inner_splits: int = 3,
                 weight_step: float = 0.25, random_state: int = 0):
        self.components = components
        self.inner_splits = inner_splits
        self.weight_step = weight_step
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> "RankBlend":
        """Fit the inner models and choose the weights; ``y`` is a structured ``(event, time)`` array."""
        X = _as_frame(X).reset_index(drop=True)
        event, time = np.asarray(y["event"], bool), np.asarray(y["time"], float)
        folds = list(StratifiedKFold(self.inner_splits, shuffle=True, random_state=self.random_state).split(X, event))
        self.models_: dict[str, list[BaseEstimator]] = {name: [] for name, _ in self.components}

        def keep_and_predict(models: list[BaseEstimator]):
            # out_of_fold hands each fold's fitted clone here: the inner models are the ensemble.
            def predict(fitted: BaseEstimator, X_test: pd.DataFrame) -> np.ndarray:
                models.append(fitted)
                return fitted.predict(X_test)
            return predict

        oof = np.column_stack([out_of_fold(estimator, X, y, folds, method=keep_and_predict(self.models_[name]))
                               for name, estimator in self.components])
        self.reference_ = np.sort(oof, axis=0)
        ranks = self._ranks(oof)
        grid = simplex_grid(len(self.components), self.weight_step)
        scores = [harrell_c(event, time, ranks @ w) for w in grid]
        best = int(np.argmax(scores))
        self.weights_ = pd.Series(grid[best], index=[name for name, _ in self.components])
        self.inner_score_ = float(scores[best])
        self.component_scores_ = pd.Series([harrell_c(event, time, oof[:, j]) for j in range(oof.shape[1])],
                                           index=self.weights_.index)
        return self

    def _ranks(self, raw: np.ndarray) -> np.ndarray:
        # Share of out-of-fold predictions below, plus a tiny term that keeps the order of
        # values falling between the same two references (ties would cost concordance).
        ref = self.reference_
        scale = ref.std(axis=0) + 1e-12
        cols = [np.searchsorted(ref[:, j], raw[:, j], side="left") / len(ref)
                + 1e-6 * np.tanh((raw[:, j] - ref[:, j].mean()) / scale[j]) for j in range(raw.shape[1])]
        return np.column_stack(cols)

    def predict_components(self, X: pd.DataFrame) -> pd.DataFrame:
        """Each component's rank (0–1 against its out-of-fold predictions), one column each."""
        X = _as_frame(X).reset_index(drop=True)
        raw = np.column_stack([np.mean([m.predict(X) for m in self.models_[name]], axis=0)
                               for name, _ in self.components])
        return pd.DataFrame(self._ranks(raw), columns=self.weights_.index)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The blended risk: weighted mean of the components' ranks (higher = earlier event)."""
        return self.predict_components(X).to_numpy(float) @ self.weights_.to_numpy(float)


def _learners(quick: bool, seed: int, n_jobs: int, families, followup_death: bool) -> dict[str, list]:
    from sksurv.ensemble import GradientBoostingSurvivalAnalysis, RandomSurvivalForest
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    def boosting(n_estimators: int) -> GradientBoostingSurvivalAnalysis:
        # The published 0.922 recipe: Cox loss, depth 3, learning rate 0.05, subsampling 0.8.
        return GradientBoostingSurvivalAnalysis(
            loss="coxph", n_estimators=n_estimators, max_depth=3, learning_rate=0.05, subsample=0.8,
            max_features="sqrt", random_state=seed)

    forest = RandomSurvivalForest(n_estimators=15 if quick else 30, min_samples_leaf=20, max_depth=6,
                                  max_features="sqrt", n_jobs=n_jobs, random_state=seed, low_memory=True)
    # alpha=100 on about 1,000 patients is close to the baseline's lifelines penalizer 0.1.
    cox = Component(CoxPHSurvivalAnalysis(alpha=100.0), families)
    # Boosting carries the liver blend; on death the follow-up window does most of the work,
    # so fewer trees there keep 02_baseline near a minute.
    hepatic = [("Cox", cox), ("boosting", Component(boosting(30 if quick else 100), families)),
               ("forest", Component(forest, families))]
    death = [("Cox", cox), ("boosting", Component(boosting(20 if quick else 50), families)),
             ("forest", Component(forest, families))]
    if followup_death:
        # The death signal of the leaderboard: the follow-up window alone, lightly penalised.
        death.insert(0, ("Cox, follow-up only", Component(CoxPHSurvivalAnalysis(alpha=1.0), families, FOLLOWUP)))
    return {"hepatic": hepatic, "death": death}


def _two_blends(learners: dict[str, list], quick: bool, seed: int) -> TwoOutcomeModel:
    # Three inner folds for the liver blend (about 40 events: each inner model needs as
    # many as it can get); two for death (more events, fewer of them needed to pick weights).
    return TwoOutcomeModel(RankBlend(learners["hepatic"], inner_splits=2 if quick else 3, random_state=seed),
                           RankBlend(learners["death"], inner_splits=2, random_state=seed))


def make_clinical_model(quick: bool = False, seed: int = 0, n_jobs: int = 1) -> TwoOutcomeModel:
    """The clinical model: per outcome, a rank blend of Cox, boosting and forest on first-visit biology.

    Reads :data:`CLINICAL_FAMILIES` only (statics without missing-code indicators, values
    at the first visit). Three inner folds for the liver blend, two for death; quick mode
    has fewer trees and two inner folds for both.
    """
    return _two_blends(_learners(quick, seed, n_jobs, CLINICAL_FAMILIES, followup_death=False), quick, seed)


def make_leaderboard_model(quick: bool = False, seed: int = 0, n_jobs: int = 1) -> TwoOutcomeModel:
    """The leaderboard model: per outcome, a rank blend on every feature family, follow-up included.

    Liver event: Cox, gradient-boosted trees (Cox loss) and a random survival forest.
    Death: the same plus a Cox model on the follow-up window alone (:data:`FOLLOWUP`), the
    strongest death signal of the metric (see the module docstring for why it is a trap).
    Weights are chosen on inner out-of-fold predictions (:class:`RankBlend`); inner folds
    and trees as in :func:`make_clinical_model`.
    """
    return _two_blends(_learners(quick, seed, n_jobs, LEADERBOARD_FAMILIES, followup_death=True), quick, seed)
