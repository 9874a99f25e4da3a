"""Baselines for both outcomes, and the oracle.

Every estimator follows scikit-learn conventions (``fit(X, y)``, ``predict(X)``,
``get_params``; ``y`` is a structured ``(event, time)`` array as in scikit-survival) and
does its own preprocessing inside ``fit``, so cross-validation never sees test-fold
statistics:

* :class:`ClinicalScore` — a clinical score used as it is (FIB-4 at the last visit
  with data, FibroScan stiffness at the last measurement); nothing is learnt but the
  median used for patients without the measurement.
* :class:`CoxModel` — lifelines ``CoxPHFitter`` with an L2 (or elastic-net) penalty on
  engineered features, after winsorising, median imputation and scaling.
* :class:`ForestModel` — scikit-survival ``RandomSurvivalForest`` after median imputation.

:class:`TwoOutcomeModel` pairs one estimator per outcome: the liver model learns on
every patient, the death model only on patients whose death status is known. Their
cross-validation (:func:`~hdhkits.annitia.evaluation.compare_models`) is in
:mod:`hdhkits.annitia.evaluation`.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ..findings import DataError
from ..problem import Score
from .metric import score_risks
from .targets import SurvivalTargets, survival_array, survival_targets

__all__ = [
    "ClinicalScore",
    "CoxModel",
    "ForestModel",
    "Preprocess",
    "TwoOutcomeModel",
    "as_frame",
    "make_baselines",
    "oracle_score",
]


def as_frame(X: pd.DataFrame | npt.ArrayLike) -> pd.DataFrame:
    """``X`` as a DataFrame (an array becomes one with columns 0, 1, …); a DataFrame is returned as it is."""
    return X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, dtype=float))


class ClinicalScore(BaseEstimator):
    """A clinical score used as the risk, as it is.

    Parameters
    ----------
    column : str
        Feature holding the score (e.g. ``"fib4_last"``).
    """

    def __init__(self, column: str = "fib4_last") -> None:
        self.column = column

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike | None = None) -> ClinicalScore:
        """Learn the median given to patients without the score."""
        X = as_frame(X)
        if self.column not in X.columns:
            raise DataError(
                "<features>", [f"feature '{self.column}' is missing; build the features with build_features()"]
            )
        median = X[self.column].median()
        self.fill_value_ = float(median) if np.isfinite(median) else 0.0
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The score, the training median where it is missing."""
        check_is_fitted(self)
        return as_frame(X)[self.column].fillna(self.fill_value_).to_numpy(float)


class Preprocess:
    """Winsorise at the 1st/99th percentiles, impute medians, standardise (learnt in fit).

    The preprocessing of :class:`CoxModel` and of :class:`~hdhkits.annitia.models.Component`:
    every statistic is learnt on the rows given to ``fit``, so inside cross-validation it
    never sees the test fold.
    """

    def fit(self, X: pd.DataFrame, max_missing: float) -> Preprocess:
        """Learn the kept columns (missing in at most ``max_missing`` of the rows), bounds, medians, means and SDs."""
        share = X.isna().mean()
        keep = share[share <= max_missing].index
        X = X[keep]
        self.low_, self.high_ = X.quantile(0.01), X.quantile(0.99)
        clipped = np.clip(X.to_numpy(float), self.low_.to_numpy(float), self.high_.to_numpy(float))
        Xc = pd.DataFrame(clipped, index=X.index, columns=X.columns)
        self.median_ = Xc.median()
        Xf = pd.DataFrame(np.where(np.isnan(clipped), self.median_.to_numpy(float), clipped), columns=X.columns)
        self.mean_, self.std_ = Xf.mean(), Xf.std(ddof=0)
        self.columns_ = [c for c in keep if self.std_[c] > 1e-12]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """The kept columns of ``X``, winsorised, imputed and standardised with what ``fit`` learnt."""
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise DataError(
                "<features>",
                [
                    f"feature(s) {missing[:5]} seen in fit are missing from X; build the "
                    "features of both tables with the same build_features()"
                ],
            )
        # Here and in fit, one float array: pandas' clip and fillna with a value per column loop
        # over the columns, and cross-validation calls these hundreds of times. Selections and
        # the same float operations per cell: every value is the one pandas gives.
        cols = self.columns_
        values = np.clip(X[cols].to_numpy(float), self.low_[cols].to_numpy(float), self.high_[cols].to_numpy(float))
        values = np.where(np.isnan(values), self.median_[cols].to_numpy(float), values)
        values = (values - self.mean_[cols].to_numpy(float)) / self.std_[cols].to_numpy(float)
        return pd.DataFrame(values, index=X.index, columns=pd.Index(cols))


class CoxModel(BaseEstimator):
    """Penalised Cox proportional hazards (lifelines) on engineered features.

    Parameters
    ----------
    penalizer : float
        Strength of the penalty (lifelines ``penalizer``).
    l1_ratio : float
        Share of L1 in the penalty (0 = ridge).
    max_missing : float
        Features missing in more than this share of the training rows are dropped
        (the organisers' starter used 0.5).
    features : list of str, optional
        Restrict to these features (default: every column of X).
    """

    def __init__(
        self, penalizer: float = 0.1, l1_ratio: float = 0.0, max_missing: float = 0.5, features: list[str] | None = None
    ) -> None:
        self.penalizer = penalizer
        self.l1_ratio = l1_ratio
        self.max_missing = max_missing
        self.features = features

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> CoxModel:
        """Fit on features ``X`` and a structured ``(event, time)`` array ``y``."""
        from lifelines import CoxPHFitter

        X = as_frame(X)
        if self.features is not None:
            X = X[list(self.features)]
        self.prep_ = Preprocess().fit(X, self.max_missing)
        data = self.prep_.transform(X).reset_index(drop=True)
        data["_time"] = np.asarray(y["time"], dtype=float)
        data["_event"] = np.asarray(y["event"], dtype=float)
        self.cox_ = CoxPHFitter(penalizer=self.penalizer, l1_ratio=self.l1_ratio)
        with warnings.catch_warnings():
            # Convergence chatter on near-collinear features; the penalty keeps the fit stable.
            warnings.simplefilter("ignore")
            self.cox_.fit(data, duration_col="_time", event_col="_event")
        return self

    @property
    def coef_(self) -> pd.Series:
        """Coefficients per standardised feature (log hazard ratio per SD)."""
        return self.cox_.params_.copy()

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The linear predictor (log partial hazard): higher = earlier event."""
        check_is_fitted(self)
        X = as_frame(X)
        Z = self.prep_.transform(X).to_numpy(float)
        return Z @ self.cox_.params_.reindex(self.prep_.columns_).to_numpy(float)


class ForestModel(BaseEstimator):
    """Random survival forest (scikit-survival) after median imputation.

    Parameters
    ----------
    n_estimators, min_samples_leaf, max_features, max_depth : see ``RandomSurvivalForest``
    n_jobs : int
        Parallel jobs.
    random_state : int
        Seed.
    """

    def __init__(
        self,
        n_estimators: int = 100,
        min_samples_leaf: int = 20,
        max_features: float | str = "sqrt",
        max_depth: int | None = None,
        n_jobs: int = 2,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.max_depth = max_depth
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> ForestModel:
        """Fit on features ``X`` and a structured ``(event, time)`` array ``y``."""
        from sksurv.ensemble import RandomSurvivalForest

        X = as_frame(X)
        self.columns_ = list(X.columns)
        median = X.median()
        self.median_ = median.fillna(0.0)  # an all-empty column gets 0
        self.forest_ = RandomSurvivalForest(
            n_estimators=self.n_estimators,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            max_depth=self.max_depth,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            low_memory=True,
        )
        self.forest_.fit(X.fillna(self.median_).to_numpy(float), y)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Risk score (expected number of events over the training times)."""
        check_is_fitted(self)
        X = as_frame(X)[self.columns_]
        return self.forest_.predict(X.fillna(self.median_).to_numpy(float))


class TwoOutcomeModel(BaseEstimator):
    """One estimator per outcome, fitted on the rows each outcome allows.

    Parameters
    ----------
    hepatic : estimator
        Model of the liver event (fitted on every patient).
    death : estimator, optional
        Model of death (fitted on patients with known death status); default: a clone
        of ``hepatic``.
    """

    def __init__(self, hepatic: BaseEstimator, death: BaseEstimator | None = None) -> None:
        self.hepatic = hepatic
        self.death = death

    def fit(self, X: pd.DataFrame, y: SurvivalTargets) -> TwoOutcomeModel:
        """Fit both models; ``y`` is a :class:`~hdhkits.annitia.targets.SurvivalTargets`."""
        X = as_frame(X).reset_index(drop=True)
        self.hepatic_ = clone(self.hepatic).fit(X, survival_array(y.hepatic_event, y.hepatic_time))
        known = np.flatnonzero(y.death_known)
        self.death_ = clone(self.death if self.death is not None else self.hepatic).fit(
            X.iloc[known], survival_array(y.death_event[known], y.death_time[known])
        )
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Risks, shape (n, 2): column 0 liver event, column 1 death."""
        check_is_fitted(self)
        X = as_frame(X).reset_index(drop=True)
        return np.column_stack([self.hepatic_.predict(X), self.death_.predict(X)])


def make_baselines(quick: bool = False, seed: int = 0, n_jobs: int = 2) -> dict[str, TwoOutcomeModel]:
    """The kit's baselines, lighter in quick mode.

    Returns
    -------
    dict
        ``{"FIB-4 (last visit)", "FibroScan (last)", "Cox (ridge)", "Random survival forest"}``
        mapped to unfitted :class:`TwoOutcomeModel` objects.
    """
    trees = 50 if quick else 100
    return {
        "FIB-4 (last visit)": TwoOutcomeModel(ClinicalScore("fib4_last")),
        "FibroScan (last)": TwoOutcomeModel(ClinicalScore("fibs_stiffness_med_BM_1_last")),
        "Cox (ridge)": TwoOutcomeModel(CoxModel(penalizer=0.1)),
        "Random survival forest": TwoOutcomeModel(
            ForestModel(n_estimators=trees, min_samples_leaf=20, max_features="sqrt", n_jobs=n_jobs, random_state=seed)
        ),
    }


def oracle_score(truth: pd.DataFrame) -> Score:
    """The *oracle*: the official metric applied to the twin's true latent risks (synthetic data only).

    A reference, not a ceiling: the true risks rank patients by their biology, while
    follow-up length leaks the death outcome through how times are derived, so a model
    that reads follow-up can beat the oracle on C(death); any model can also beat it by
    chance on a test file with few events.

    Parameters
    ----------
    truth : DataFrame
        The twin's truth table (``PROBLEM.read_truth``), with ``true_risk_hepatic`` and
        ``true_risk_death``.

    Returns
    -------
    hdhkits.problem.Score

    Raises
    ------
    hdhkits.findings.DataError
        The truth has no true risks (the official files have none).
    """
    missing = [c for c in ("true_risk_hepatic", "true_risk_death") if c not in truth.columns]
    if missing:
        raise DataError(
            "<truth>",
            [
                f"the truth has no {missing}: only the synthetic twin's truth carries "
                "true risks; there is no oracle on the official files"
            ],
        )
    y = survival_targets(truth)
    return score_risks(y, truth["true_risk_hepatic"].to_numpy(float), truth["true_risk_death"].to_numpy(float))
