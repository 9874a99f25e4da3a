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

Each outcome gets a :class:`~hdhkits.annitia.blends.RankBlend` of survival learners (:class:`Component`: a Cox
model, gradient-boosted trees with a Cox loss, a random survival forest), combined by rank
averaging with weights chosen on *inner* out-of-fold predictions of the training data it is
given: cross-validating a blend therefore never chooses weights on the fold it reports.

Liver pieces and effort. The leaderboard model's liver blend can take the
ideas of the best public solution, by name (:data:`LIVER_PIECES`): a composite fibrosis
index (:func:`~hdhkits.annitia.features.add_fibrosis_index`), a stronger ridge penalty,
repeated inner folds for the weights, the clinical model's first-visit learners, a
liver-stiffness gate (:class:`~hdhkits.annitia.blends.StiffnessGate`), componentwise gradient boosting and a
larger forest. Learners added to Cox, boosting and forest are *candidates*: they get a
weight only where they beat the core blend by :data:`CANDIDATE_MIN_GAIN` of inner
concordance. ``effort`` picks the pieces (:data:`EFFORT_PIECES`), keeping only what
helped on the twin across seeds (``benchmarks/bench_annitia_liver.py``; its record,
read by :func:`~hdhkits.annitia.ablation.measured_liver_ablation`; twin version 4,
seeds 0-3): ``"default"`` the stronger ridge (free), ``"full"`` also the larger forest.
The other pieces stay available through ``pieces=`` (the fibrosis index, which helped on
twin version 3, lost on version 4), and :func:`~hdhkits.annitia.ablation.liver_ablation`
measures them on any data (the official train file included, where the first-visit
biology combines better than on the twin).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ..findings import DataError
from .baselines import Preprocess, TwoOutcomeModel, as_frame
from .blends import RankBlend, StiffnessGate
from .columns import CODE_COLUMNS
from .features import add_fibrosis_index

__all__ = [
    "CANDIDATE_MIN_GAIN",
    "CLINICAL_FAMILIES",
    "EFFORTS",
    "EFFORT_PIECES",
    "FAMILIES",
    "FOLLOWUP",
    "LEADERBOARD_FAMILIES",
    "LIVER_PIECES",
    "NO_LIVER_PIECES",
    "Component",
    "add_followup_features",
    "family_columns",
    "feature_families",
    "make_clinical_model",
    "make_leaderboard_model",
]

#: Feature families, in the order the ablation adds them.
FAMILIES = ("statics", "first values", "last values", "slopes", "counts", "follow-up", "missing codes")
#: What the clinical model reads: a first consultation.
CLINICAL_FAMILIES = ("statics", "first values")
#: What the leaderboard model reads: everything.
LEADERBOARD_FAMILIES = FAMILIES
#: The follow-up window: span of the record, its end, and years per visit (the "age slope").
FOLLOWUP = ("followup_years", "age_last", "years_per_visit")
#: How much search the model makers run: ``"default"`` fits ``02_baseline``'s budget
#: (90 s at default size on 2 cores), ``"full"`` is the whole search (minutes).
EFFORTS = ("default", "full")
#: The liver-model pieces, in the order :func:`~hdhkits.annitia.ablation.liver_ablation`
#: adds them to the leaderboard model without liver pieces (:data:`NO_LIVER_PIECES`).
LIVER_PIECES = (
    "fibrosis index",
    "stronger ridge",
    "repeated inner folds",
    "first-visit biology",
    "stiffness gate",
    "componentwise boosting",
    "larger forest",
)
#: The name of the leaderboard model without any liver piece (``make_leaderboard_model(pieces=())``),
#: the reference of the liver ablation (:mod:`hdhkits.annitia.ablation`).
NO_LIVER_PIECES = "leaderboard model, no liver pieces"
#: The liver pieces each effort uses (what helped on the twin across seeds, within budget).
EFFORT_PIECES: dict[str, tuple[str, ...]] = {
    "default": ("stronger ridge",),
    "full": ("stronger ridge", "larger forest"),
}


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
    if (
        column == "age_first"
        or column == "male"
        or column == "bariatric_before_v1"
        or (column[:-2] in CODE_COLUMNS and column[-2:] in ("_1", "_2"))
    ):
        return "statics"
    if column.endswith("_slope"):
        return "slopes"
    if column.endswith("_first"):
        return "first values"
    if column.endswith(("_last", "_min", "_max", "_mid", "_last_class")) or column.startswith("stiffness_ge"):
        return "last values"
    return None


def feature_families(columns: Iterable[str]) -> dict[str, list[str]]:
    """The columns of each family (:data:`FAMILIES`), in column order.

    Raises
    ------
    ValueError
        A column belongs to no family (a new feature must be given one, so that the
        clinical model never reads it by accident).
    """
    families: dict[str, list[str]] = {name: [] for name in FAMILIES}
    unknown: list[str] = []
    for col in columns:
        family = _family(str(col))
        (families[family] if family else unknown).append(col)
    if unknown:
        raise ValueError(f"feature(s) {unknown[:5]} belong to no family; add them to models._family")
    return families


def family_columns(columns: Sequence[str], families: Collection[str]) -> list[str]:
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
    derived : bool
        Add the composite fibrosis index first
        (:func:`~hdhkits.annitia.features.add_fibrosis_index`; its columns join the
        families they read: ``fibrosis_index_first`` the first values, the others the
        last values).
    """

    def __init__(
        self,
        estimator: BaseEstimator,
        families: tuple[str, ...] = LEADERBOARD_FAMILIES,
        columns: tuple[str, ...] | None = None,
        derived: bool = False,
    ) -> None:
        self.estimator = estimator
        self.families = families
        self.columns = columns
        self.derived = derived

    def _select(self, X: pd.DataFrame) -> pd.DataFrame:
        X = as_frame(X)
        if "follow-up" in self.families:
            X = add_followup_features(X)
        if self.derived:
            X = add_fibrosis_index(X)
        return X

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> Component:
        """Fit on features ``X`` and a structured ``(event, time)`` array ``y``."""
        X = self._select(X)
        cols = family_columns(list(X.columns), self.families)
        if self.columns is not None:
            cols = [c for c in cols if c in self.columns]
        if not cols:
            raise DataError(
                "<features>",
                [
                    f"no feature of famil(ies) {self.families} (columns {self.columns}) in X; "
                    "build the features with build_features()"
                ],
            )
        # max_missing=1: trees and the ridge both cope with imputed sparse features.
        self.prep_ = Preprocess().fit(X[cols], max_missing=1.0)
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
        check_is_fitted(self)
        return np.asarray(self.estimator_.predict(self.prep_.transform(self._select(X)).to_numpy(float)), float)


def _boosting(n_estimators: int, seed: int) -> BaseEstimator:
    from sksurv.ensemble import GradientBoostingSurvivalAnalysis

    # The published 0.922 recipe: Cox loss, depth 3, learning rate 0.05, subsampling 0.8.
    return GradientBoostingSurvivalAnalysis(
        loss="coxph",
        n_estimators=n_estimators,
        max_depth=3,
        learning_rate=0.05,
        subsample=0.8,
        max_features="sqrt",
        random_state=seed,
    )


def _forest(quick: bool, seed: int, n_jobs: int, large: bool = False) -> BaseEstimator:
    from sksurv.ensemble import RandomSurvivalForest

    if large:  # more, deeper trees: the forest of the full search
        return RandomSurvivalForest(
            n_estimators=60 if quick else 200,
            min_samples_leaf=10,
            max_features="sqrt",
            n_jobs=n_jobs,
            random_state=seed,
            low_memory=True,
        )
    return RandomSurvivalForest(
        n_estimators=15 if quick else 30,
        min_samples_leaf=20,
        max_depth=6,
        max_features="sqrt",
        n_jobs=n_jobs,
        random_state=seed,
        low_memory=True,
    )


def _cox(alpha: float) -> BaseEstimator:
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    return CoxPHSurvivalAnalysis(alpha=alpha)


def _death_learners(
    quick: bool, seed: int, n_jobs: int, families: tuple[str, ...], followup_death: bool
) -> list[tuple[str, BaseEstimator]]:
    # alpha=100 on about 1,000 patients is close to the baseline's lifelines penalizer 0.1.
    # On death the follow-up window does most of the work, so fewer trees than for the liver.
    death: list[tuple[str, BaseEstimator]] = [
        ("Cox", Component(_cox(100.0), families)),
        ("boosting", Component(_boosting(20 if quick else 50, seed), families)),
        ("forest", Component(_forest(quick, seed, n_jobs), families)),
    ]
    if followup_death:
        # The death signal of the leaderboard: the follow-up window alone, lightly penalised.
        death.insert(0, ("Cox, follow-up only", Component(_cox(1.0), families, FOLLOWUP)))
    return death


def _liver_learners(
    quick: bool, seed: int, n_jobs: int, families: tuple[str, ...], pieces: tuple[str, ...]
) -> list[tuple[str, BaseEstimator]]:
    from sksurv.ensemble import ComponentwiseGradientBoostingSurvivalAnalysis

    derived = "fibrosis index" in pieces
    alpha = 300.0 if "stronger ridge" in pieces else 100.0
    forest = _forest(quick, seed, n_jobs, large="larger forest" in pieces)
    learners: list[tuple[str, BaseEstimator]] = [
        ("Cox", Component(_cox(alpha), families, derived=derived)),
        ("boosting", Component(_boosting(30 if quick else 100, seed), families, derived=derived)),
        ("forest", Component(forest, families, derived=derived)),
    ]
    if "first-visit biology" in pieces:
        # The clinical model's own learners, inside the blend: its weight says where it wins.
        learners += [
            ("first-visit Cox", Component(_cox(alpha), CLINICAL_FAMILIES, derived=derived)),
            (
                "first-visit boosting",
                Component(_boosting(30 if quick else 100, seed), CLINICAL_FAMILIES, derived=derived),
            ),
        ]
    if "stiffness gate" in pieces:
        learners.append(
            (
                "stiffness gate",
                StiffnessGate(
                    Component(_cox(alpha), families, derived=derived), Component(_cox(alpha), families, derived=derived)
                ),
            )
        )
    if "componentwise boosting" in pieces:
        learners.append(
            (
                "componentwise boosting",
                Component(
                    ComponentwiseGradientBoostingSurvivalAnalysis(
                        n_estimators=50 if quick else 100, learning_rate=0.1, random_state=seed
                    ),
                    families,
                    derived=derived,
                ),
            )
        )
    return learners


#: Inner concordance by which a candidate liver learner (first-visit biology, stiffness
#: gate, componentwise boosting) must improve the core blend to get a weight.
CANDIDATE_MIN_GAIN = 0.005


def _liver_blend(
    learners: list[tuple[str, BaseEstimator]], quick: bool, seed: int, pieces: tuple[str, ...]
) -> RankBlend:
    # Three inner folds for the liver blend (about 40 events: each inner model needs as
    # many as it can get); quick mode two. The full search repeats them (the public top
    # solution chose its weights on 5 x 10 folds; 3 x 3 keeps its cost within minutes).
    # Learners beyond Cox, boosting and forest are candidates: weighted only where they win.
    return RankBlend(
        learners,
        inner_splits=2 if quick else 3,
        random_state=seed,
        inner_repeats=3 if "repeated inner folds" in pieces else 1,
        core_components=3 if len(learners) > 3 else None,
        min_gain=CANDIDATE_MIN_GAIN,
    )


def _check_effort(effort: str, pieces: Iterable[str] | None) -> tuple[str, ...]:
    if effort not in EFFORTS:
        raise ValueError(f"effort must be one of {EFFORTS}, not {effort!r}")
    pieces = EFFORT_PIECES[effort] if pieces is None else tuple(pieces)
    unknown = set(pieces) - set(LIVER_PIECES)
    if unknown:
        raise ValueError(f"unknown liver piece(s) {sorted(unknown)}; choose from {LIVER_PIECES}")
    return pieces


def make_clinical_model(
    quick: bool = False, seed: int = 0, n_jobs: int = 1, effort: str = "default"
) -> TwoOutcomeModel:
    """The clinical model: per outcome, a rank blend of Cox, boosting and forest on first-visit biology.

    Reads :data:`CLINICAL_FAMILIES` only (statics without missing-code indicators, values
    at the first visit). Three inner folds for the liver blend, two for death; quick mode
    has fewer trees and two inner folds for both. The model is the same at every
    ``effort`` (the liver pieces are the leaderboard model's); the parameter is checked
    and accepted so that both families are made, saved and stamped the same way.
    """
    _check_effort(effort, None)
    hepatic = _liver_blend(_liver_learners(quick, seed, n_jobs, CLINICAL_FAMILIES, ()), quick, seed, ())
    death = RankBlend(
        _death_learners(quick, seed, n_jobs, CLINICAL_FAMILIES, followup_death=False), inner_splits=2, random_state=seed
    )
    return TwoOutcomeModel(hepatic, death)


def make_leaderboard_model(
    quick: bool = False, seed: int = 0, n_jobs: int = 1, effort: str = "default", pieces: tuple[str, ...] | None = None
) -> TwoOutcomeModel:
    """The leaderboard model: per outcome, a rank blend on every feature family, follow-up included.

    Liver event: Cox, gradient-boosted trees (Cox loss) and a random survival forest, with
    the liver pieces of :data:`EFFORT_PIECES` ``[effort]`` (:data:`LIVER_PIECES`).
    Death: the same three learners plus a Cox model on the follow-up window alone
    (:data:`FOLLOWUP`), the strongest death signal of the metric (see the module docstring
    for why it is a trap); it does not depend on ``effort``. Weights are chosen on inner
    out-of-fold predictions (:class:`~hdhkits.annitia.blends.RankBlend`).

    Parameters
    ----------
    quick : bool
        Fewer trees and two inner folds.
    seed : int
        Seed of the inner folds and trees.
    n_jobs : int
        Processes of the forests.
    effort : {"default", "full"}
        ``"default"`` fits ``02_baseline``'s budget; ``"full"`` runs the whole search
        (see ``benchmarks/bench_annitia_liver.py`` for its cost and gains).
    pieces : tuple of str, optional
        Override the effort's liver pieces (``()``: the leaderboard model without liver
        pieces, :data:`NO_LIVER_PIECES`);
        :func:`~hdhkits.annitia.ablation.liver_ablation` adds them one at a time.
    """
    pieces = _check_effort(effort, pieces)
    hepatic = _liver_blend(_liver_learners(quick, seed, n_jobs, LEADERBOARD_FAMILIES, pieces), quick, seed, pieces)
    death = RankBlend(
        _death_learners(quick, seed, n_jobs, LEADERBOARD_FAMILIES, followup_death=True),
        inner_splits=2,
        random_state=seed,
    )
    return TwoOutcomeModel(hepatic, death)
