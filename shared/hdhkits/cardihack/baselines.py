"""Baseline models for Cardi-HACK, as scikit-learn estimators.

* SEVERITY: :func:`make_severity_model`, a regularised logistic regression on baseline
  age, sex and genetic data. SNP screening is a pipeline step
  (:class:`~hdhkits.cardihack.features.SNPScreener`), so inside cross-validation it only
  sees the training folds.
* MACE: :class:`OrdinalMaceClassifier`, two cumulative binary models ``P(MACE >= 1)`` and
  ``P(MACE >= 2)`` on clinical risk factors, the pathogenic variant and a genetic risk
  score (:class:`~hdhkits.cardihack.features.GeneticRiskScore`, built from the training
  data only) over the priority SNPs; the class cut points on the expected code are chosen
  inside the training data by an inner cross-validation, for the weighted kappa.

Every model starts with :class:`~hdhkits.cardihack.features.ColumnSelector`, so it reads
only the columns it declares, and :func:`declared_features` returns them for the rule
check. Then :class:`~hdhkits.cardihack.plausibility.PlausibleValues` turns the values the
data check warns about (``Age_Diag`` of 0.0 meaning unknown, a diagnosis after the
baseline visit, values outside the plausible ranges) into missing values, which the
pipeline imputes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Tags
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ..evaluation import out_of_fold
from ..findings import DataError
from ..problem import Score
from .features import ColumnSelector, GeneticRiskScore, SNPScreener
from .metric import DUMMY_SEVERITY, SEVERITY_CLASS_WEIGHTS, score
from .oracle import oracle_submission
from .plausibility import PlausibleValues
from .rules import SEVERITY_ALLOWED
from .schema import PRIORITY_SNPS
from .thresholds import apply_thresholds, fit_kappa_thresholds

__all__ = [
    "MACE_CLINICAL",
    "MACE_FEATURES",
    "SEVERITY_FEATURES",
    "ConstantClass",
    "ConstantProbability",
    "OrdinalMaceClassifier",
    "binary_target",
    "declared_features",
    "make_severity_model",
    "oracle_score",
]

#: Columns the SEVERITY baseline reads: all it may read.
SEVERITY_FEATURES: tuple[str, ...] = SEVERITY_ALLOWED
#: Clinical columns of the MACE baseline: the HCM Risk-SCD inputs, LVEF and the variant.
MACE_CLINICAL: tuple[str, ...] = (
    "Age_Baseline",
    "Epaiss_max",
    "Diam_OG",
    "Gradient",
    "TVNS",
    "SYNCOPE",
    "ATCD_MS",
    "FEVG",
    "Variant.Pathogene",
)
#: Columns the MACE baseline reads: the clinical ones and the 75 priority SNPs (<= 100 SNPs).
MACE_FEATURES: tuple[str, ...] = (*MACE_CLINICAL, *PRIORITY_SNPS)


def make_severity_model(k_snps: int = 10, C: float = 1.0) -> Pipeline:
    """The SEVERITY baseline: select -> implausible to missing -> impute -> screen SNPs -> scale -> logistic.

    Parameters
    ----------
    k_snps : int
        SNPs kept by the screening step (fitted on training folds only).
    C : float
        Inverse L2 penalty of the logistic regression.

    Returns
    -------
    Pipeline
        Reads :data:`SEVERITY_FEATURES`. The logistic regression weighs patients like the
        metric does (:data:`~hdhkits.cardihack.metric.SEVERITY_CLASS_WEIGHTS`), so its
        probabilities are calibrated for the weighted log-loss.
    """
    model = Pipeline(
        [
            ("select", ColumnSelector(SEVERITY_FEATURES)),
            ("plausible", PlausibleValues()),  # implausible values -> NaN, as the check's warnings say
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("screen", SNPScreener(k=k_snps)),
            ("scale", StandardScaler()),
            (
                "logit",
                LogisticRegression(
                    C=C, class_weight=dict(SEVERITY_CLASS_WEIGHTS), solver="newton-cholesky", max_iter=200
                ),
            ),
        ]
    )
    return model.set_output(transform="pandas")


def _mace_binary_model(features: Sequence[str], k_grs: int, C: float) -> Pipeline:
    model = Pipeline(
        [
            ("select", ColumnSelector(features)),
            ("plausible", PlausibleValues()),  # implausible values -> NaN, as the check's warnings say
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("grs", GeneticRiskScore(k=k_grs)),  # the target it sees is already y >= threshold
            ("scale", StandardScaler()),
            ("logit", LogisticRegression(C=C, solver="newton-cholesky", max_iter=200)),
        ]
    )
    return model.set_output(transform="pandas")


def _fit_cumulative_pair(
    features: Sequence[str], k_grs: int, C: float, X: pd.DataFrame, y: npt.ArrayLike
) -> list[BaseEstimator]:
    """The two binary models ``MACE >= 1`` and ``MACE >= 2``, fitted.

    A binary target with one value only (no class 2 in the training rows, say) gets
    scikit-learn's ``DummyClassifier`` (its one value, probability 1): a logistic regression
    needs both values.
    """
    y = np.asarray(y)
    models: list[BaseEstimator] = []
    for threshold in (1, 2):
        target = (y >= threshold).astype(int)
        if target.min() == target.max():
            models.append(DummyClassifier(strategy="prior").fit(X, target))
        else:
            models.append(_mace_binary_model(features, k_grs, C).fit(X, target))
    return models


def _p_one(fitted: BaseEstimator, X: pd.DataFrame) -> np.ndarray:
    """``P(target = 1)``, read by the model's classes: a model fitted on one value has one column."""
    classes = list(fitted.classes_)
    if 1 not in classes:
        return np.zeros(len(X))
    return fitted.predict_proba(X)[:, classes.index(1)]


def _cumulative(pair: Sequence[BaseEstimator], X: pd.DataFrame) -> np.ndarray:
    """``P(>= 1)`` and ``P(>= 2)``, shape (n, 2)."""
    p1 = _p_one(pair[0], X)
    p2 = np.minimum(_p_one(pair[1], X), p1)  # keep P(>=2) <= P(>=1)
    return np.column_stack([p1, p2])


class _CumulativePair(BaseEstimator):
    """The ordinal pair as one estimator, so the inner cross-validation can clone it.

    ``decision_function`` is the expected code ``P(>= 1) + P(>= 2)`` the cut points apply to.
    """

    def __init__(self, features: Sequence[str] = MACE_FEATURES, k_grs: int = 5, C: float = 0.1) -> None:
        self.features = features
        self.k_grs = k_grs
        self.C = C

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> _CumulativePair:
        self.models_ = _fit_cumulative_pair(self.features, self.k_grs, self.C, X, y)
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "models_")
        return _cumulative(self.models_, X).sum(1)


class OrdinalMaceClassifier(ClassifierMixin, BaseEstimator):
    """MACE baseline: cumulative binary models and kappa-tuned cut points.

    ``P(MACE >= 1)`` and ``P(MACE >= 2)`` come from two logistic regressions on the
    clinical columns and a genetic risk score; the expected code
    ``P(>= 1) + P(>= 2)`` is cut into classes at points chosen, inside the training
    data, on out-of-fold predictions of an inner cross-validation.

    Parameters
    ----------
    features : sequence of str
        Columns read (default :data:`MACE_FEATURES`: clinical + the 75 priority SNPs).
    k_grs : int
        SNPs in each genetic risk score.
    C : float
        Inverse L2 penalty of both logistic regressions.
    n_threshold_folds : int
        Folds of the inner cross-validation that chooses the cut points.
    random_state : int
        Seed of the inner folds.
    """

    def __init__(
        self,
        features: Sequence[str] = MACE_FEATURES,
        k_grs: int = 5,
        C: float = 0.1,
        n_threshold_folds: int = 3,
        random_state: int = 0,
    ) -> None:
        self.features = features
        self.k_grs = k_grs
        self.C = C
        self.n_threshold_folds = n_threshold_folds
        self.random_state = random_state

    def _fit_pair(self, X: pd.DataFrame, y: npt.ArrayLike) -> list[BaseEstimator]:
        return _fit_cumulative_pair(self.features, self.k_grs, self.C, X, y)

    @staticmethod
    def _cumulative(pair: Sequence[BaseEstimator], X: pd.DataFrame) -> np.ndarray:
        return _cumulative(pair, X)

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> OrdinalMaceClassifier:
        """Fit both binary models and choose the cut points by inner cross-validation."""
        y = np.asarray(y).astype(int)
        self.classes_ = np.array([0, 1, 2])
        folds = StratifiedKFold(self.n_threshold_folds, shuffle=True, random_state=self.random_state)
        pair = _CumulativePair(self.features, self.k_grs, self.C)
        oof = out_of_fold(pair, X, y, folds.split(np.zeros(len(y)), y), method="decision_function")
        self.thresholds_ = fit_kappa_thresholds(oof, y)
        self.models_ = self._fit_pair(X, y)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """``P(MACE = 0, 1, 2)``, shape (n, 3)."""
        check_is_fitted(self, "models_")
        c = self._cumulative(self.models_, X)
        return np.column_stack([1 - c[:, 0], c[:, 0] - c[:, 1], c[:, 1]])

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """The expected code ``P(>= 1) + P(>= 2)`` that the cut points apply to."""
        check_is_fitted(self, "models_")
        return self._cumulative(self.models_, X).sum(1)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """MACE classes 0/1/2."""
        return apply_thresholds(self.decision_function(X), self.thresholds_)

    def coefficients(self) -> pd.DataFrame:
        """Standardised coefficients of both binary models (rows: features, incl. ``GRS``)."""
        check_is_fitted(self, "models_")
        cols = {}
        for name, model in zip(("P(MACE>=1)", "P(MACE>=2)"), self.models_):
            if isinstance(model, Pipeline):  # a constant (one class in the training rows) has no coefficient
                cols[name] = pd.Series(model[-1].coef_[0], index=model[-1].feature_names_in_)
        return pd.DataFrame(cols)


def binary_target(y: npt.ArrayLike) -> np.ndarray:
    """``y`` as an array, when it is a binary target (0/1, or one of them only); a ``ValueError`` otherwise.

    The SEVERITY models learn severe or not; scikit-learn's wording, so its checks read it.
    """
    kind = type_of_target(y, input_name="y", raise_unknown=True)
    if kind != "binary":
        raise ValueError(f"Only binary classification is supported (severe or not); the target is {kind}")
    return np.asarray(y)


class ConstantProbability(ClassifierMixin, BaseEstimator):
    """A constant SEVERITY probability that no scikit-learn dummy gives: a fixed one, or the metric's best.

    The training prevalence is ``sklearn.dummy.DummyClassifier(strategy="prior")``; this
    class gives what it does not: a probability fixed in advance (the organisers' dummy,
    whatever the training rows) and the prevalence weighted like the metric.

    Parameters
    ----------
    p : float or "weighted"
        A fixed probability (default: the organisers' dummy, 117/347); ``"weighted"`` learns
        the training prevalence weighted like the metric, the constant that minimises its
        weighted log-loss.
    """

    def __init__(self, p: float | str = DUMMY_SEVERITY) -> None:
        self.p = p

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> Self:
        y = binary_target(y).astype(float)
        self.classes_ = np.array([0, 1])
        if self.p == "weighted":
            w = np.where(y == 1, SEVERITY_CLASS_WEIGHTS[1], SEVERITY_CLASS_WEIGHTS[0])
            self.p_ = float(np.sum(w * y) / np.sum(w))
        elif isinstance(self.p, str):
            raise ValueError(
                f"p must be a probability or 'weighted', not {self.p!r}; the training prevalence is "
                "sklearn.dummy.DummyClassifier(strategy='prior')"
            )
        else:
            self.p_ = float(self.p)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "p_")
        return np.tile([1 - self.p_, self.p_], (np.shape(X)[0], 1))  # any table, array or sparse matrix

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        # A dummy, as scikit-learn's: it reads no column, so it takes any X as it is.
        tags.no_validation = True
        tags.input_tags.sparse = True
        tags.classifier_tags.poor_score = True
        tags.classifier_tags.multi_class = False  # SEVERITY: severe or not
        return tags


# A function with a class's name: the notebooks build the organisers' dummy with it.
def ConstantClass(value: int = 0) -> DummyClassifier:
    """A constant MACE class (the organisers' dummy predicts 0): scikit-learn's ``DummyClassifier``.

    Parameters
    ----------
    value : int
        The class predicted for every patient; it must be among the training patients'
        classes (class 0 always is in Cardi-HACK's files).

    Returns
    -------
    sklearn.dummy.DummyClassifier
        ``strategy="constant"``, ``constant=value``, unfitted.
    """
    return DummyClassifier(strategy="constant", constant=value)


def declared_features(model: object) -> list[str]:
    """The official columns a model reads, for :func:`~hdhkits.cardihack.rules.check_feature_rules`.

    Pipelines starting with :class:`~hdhkits.cardihack.features.ColumnSelector` and :class:`OrdinalMaceClassifier`
    declare their columns; constants read none; :class:`~.riskscd.RiskSCDClassifier`
    reads the score's inputs.
    """
    if isinstance(model, Pipeline) and isinstance(model.steps[0][1], ColumnSelector):
        return list(model.steps[0][1].columns)
    if isinstance(model, OrdinalMaceClassifier):
        return list(model.features)
    if isinstance(model, (ConstantProbability, DummyClassifier)):
        return []
    if hasattr(model, "features_"):
        return list(model.features_)
    raise TypeError(f"cannot tell which columns a {type(model).__name__} reads; start it with a ColumnSelector")


def oracle_score(truth: pd.DataFrame) -> Score:
    """The metric of the twin's oracle on its test truth (synthetic data only): a reference, not the best attainable.

    The oracle predicts the true P(severe) and the MACE class ``ORACLE_MACE``, the true
    expected code cut at points chosen on the training patients
    (:func:`~hdhkits.cardihack.oracle.oracle_submission`). A model can beat it: by chance on
    149 patients, and on SEVERITY because under the weighted log-loss the best answer is
    :func:`~hdhkits.cardihack.metric.best_probability` of the true probability, not the
    true probability itself.

    Parameters
    ----------
    truth : DataFrame
        The twin's ``test_truth.csv``.

    Returns
    -------
    hdhkits.problem.Score

    Raises
    ------
    hdhkits.findings.DataError
        The truth lacks the oracle's columns (only the twin's truth carries them).
    """
    missing = [c for c in ("P_SEVERE", "ORACLE_MACE") if c not in truth.columns]
    if missing:
        raise DataError(
            "<truth>",
            [f"the truth has no {missing}; only the synthetic twin's test_truth.csv carries the oracle's columns"],
        )
    return score(truth, oracle_submission(truth))
