"""The models that answer the baselines' noise: SEVERITY shrunk toward the prior, MACE as one risk score.

Both baselines (:mod:`hdhkits.cardihack.baselines`) lose signal to noise: the SEVERITY
baseline screens 10 SNPs out of 288 against 347 patients and does worse than the prior; the
MACE baseline's genetic risk score, built and weighted on the same rows, takes a weight it
has not earned. The models here (the shrunk SEVERITY models, on age, sex and the variant or
on age alone, and the two MACE risk scores) answer that in three ways:

* **Cross-fitted burden scores**
  (:class:`~hdhkits.cardihack.features.CrossFittedBurden`): a SNP burden score whose value
  on a training patient comes from SNPs chosen and weighted *without* that patient, so the
  model above it learns the weight the score earns on new patients (near zero when it is
  noise).
* **Shrinkage toward the prior** (:class:`PriorShrinkage`): SEVERITY probabilities pulled
  toward the weighted prevalence (the best constant under the metric's 1.5 / 1 weights) on
  the logit scale, by a factor chosen on inner out-of-fold predictions for the weighted
  log-loss.
* **A clinical risk summary for MACE**
  (:class:`~hdhkits.cardihack.features.RiskSCDFeatures`): the HCM Risk-SCD prognostic index
  replaces its seven inputs, so the MACE model fits a handful of coefficients instead of a
  dozen; its class cut points are chosen on repeated inner out-of-fold scores
  (:class:`MaceRiskClassifier`), never on the rows it is scored on.

Every model starts with a :class:`~hdhkits.cardihack.features.ColumnSelector`, so
:func:`~hdhkits.cardihack.baselines.declared_features` and the rule check see the columns
it reads. Which of these the notebooks compare, and how one is chosen per outcome, is
:mod:`hdhkits.cardihack.candidates`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from ..evaluation import out_of_fold
from .baselines import MACE_CLINICAL, binary_target, declared_features
from .features import ColumnSelector, CrossFittedBurden, RiskSCDFeatures, SNPScreener, VariantCoding
from .metric import SEVERITY_CLASS_WEIGHTS, weighted_logloss
from .plausibility import PlausibleValues
from .schema import PRIORITY_SNPS, SNP_COLUMNS
from .thresholds import apply_thresholds, fit_kappa_thresholds

__all__ = [
    "MACE_CLINICAL_RISK_FEATURES",
    "MACE_MODEL_FEATURES",
    "SEVERITY_CLINICAL",
    "MaceRiskClassifier",
    "PriorShrinkage",
    "make_shrunk_severity_model",
]

#: Non-genetic columns the SEVERITY rule allows, plus the variant count.
SEVERITY_CLINICAL: tuple[str, ...] = ("Age_Baseline", "Genre", "Variant.Pathogene")
#: Columns :class:`MaceRiskClassifier` reads by default: the baseline's clinical columns and the
#: 75 priority SNPs (75 <= 100 SNPs, all priority: the MACE rule holds).
MACE_MODEL_FEATURES: tuple[str, ...] = (*MACE_CLINICAL, *PRIORITY_SNPS)
#: Columns of the clinical risk score (:data:`~hdhkits.cardihack.candidates.MACE_CLINICAL_SCORE`):
#: age, age at diagnosis (with age, the disease duration), wall thickness, atrial diameter, LVEF,
#: family history of sudden death, NSVT, the variant, and the priority SNPs for the rule. Chosen on the twin (seeds 0-7,
#: 2 x 5-fold each): leaving out ``Age_Diag`` cost 0.07 of kappa, the binary columns 0.05;
#: ``BMI``, ``Genre``, ``Gradient`` and ``SYNCOPE`` added nothing (the kit README's "The models").
MACE_CLINICAL_RISK_FEATURES: tuple[str, ...] = (
    "Age_Baseline",
    "Age_Diag",
    "Epaiss_max",
    "Diam_OG",
    "FEVG",
    "ATCD_MS",
    "TVNS",
    "Variant.Pathogene",
    *PRIORITY_SNPS,
)


def _p_positive(fitted: BaseEstimator, X: pd.DataFrame) -> np.ndarray:
    """Column 1 of ``predict_proba``: the probability of the positive class."""
    return fitted.predict_proba(X)[:, 1]


def _weighted_prevalence(y: np.ndarray) -> float:
    w = np.where(y == 1, SEVERITY_CLASS_WEIGHTS[1], SEVERITY_CLASS_WEIGHTS[0])
    return float(np.sum(w * y) / np.sum(w))


class PriorShrinkage(ClassifierMixin, BaseEstimator):
    """Pull a binary classifier's probabilities toward the weighted prevalence.

    ``logit p' = logit p0 + alpha (logit p - logit p0)`` with ``p0`` the prevalence weighted
    like the metric (the best constant under the weighted log-loss) and ``alpha`` in
    ``[0, 1]`` chosen on out-of-fold predictions of an inner cross-validation for the
    weighted log-loss. ``alpha = 0`` is the prior (a model with no signal is told so);
    ``alpha = 1`` keeps the model as it is.

    Parameters
    ----------
    estimator : classifier
        Binary, with ``predict_proba``; cloned (required: ``None`` raises at ``fit``).
    n_folds : int
        Folds of the inner cross-validation.
    n_grid : int
        Candidate values of ``alpha``, evenly spaced in ``[0, 1]``.
    random_state : int
        Seed of the inner folds.
    """

    def __init__(
        self, estimator: BaseEstimator | None = None, n_folds: int = 5, n_grid: int = 21, random_state: int = 0
    ) -> None:
        self.estimator = estimator
        self.n_folds = n_folds
        self.n_grid = n_grid
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> PriorShrinkage:
        """Choose ``alpha`` by inner cross-validation, then fit the estimator on every row."""
        if self.estimator is None:
            raise ValueError("PriorShrinkage needs an estimator, e.g. make_shrunk_severity_model(shrink=False)")
        y = binary_target(y).astype(int)
        self.classes_ = np.array([0, 1])
        self.prior_ = _weighted_prevalence(y)
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=self.random_state)
        oof = out_of_fold(self.estimator, X, y, folds.split(np.zeros(len(y)), y), method=_p_positive)
        grid = np.linspace(0, 1, self.n_grid)
        self.losses_ = pd.Series([weighted_logloss(y, self._shrink(oof, a)) for a in grid], index=grid)
        self.alpha_ = float(grid[int(np.argmin(self.losses_.to_numpy()))])  # first minimum: the most shrunk
        self.estimator_ = clone(self.estimator).fit(X, y)
        return self

    def _shrink(self, p: np.ndarray, alpha: float) -> np.ndarray:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        base = logit(self.prior_)
        return expit(base + alpha * (logit(p) - base))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Shrunk probabilities, shape (n, 2)."""
        check_is_fitted(self, "estimator_")
        p = self._shrink(self.estimator_.predict_proba(X)[:, 1], self.alpha_)
        return np.column_stack([1 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    @property
    def features_(self) -> list[str]:
        """The columns the wrapped estimator reads."""
        return declared_features(self.estimator)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # binary: the prior is a weighted prevalence of ones
        return tags


def make_shrunk_severity_model(
    k_snps: int = 0,
    C: float = 0.1,
    shrink: bool = True,
    snps_as: str = "burden",
    random_state: int = 0,
    clinical: tuple[str, ...] = SEVERITY_CLINICAL,
) -> PriorShrinkage | Pipeline:
    """SEVERITY: age, sex, variant indicators (and screened SNPs), weighted logistic, shrunk.

    select -> implausible to missing -> impute -> ``carrier`` / ``two_variants`` (when the
    variant is read) ->
    ``k_snps`` screened SNPs (none by default), as one cross-fitted burden score or as
    individual penalised columns -> scale -> L2 logistic weighted like the metric
    (1.5 / 1) -> :class:`PriorShrinkage`.

    Parameters
    ----------
    k_snps : int
        SNPs screened (inside the pipeline, so on the training folds only); 0 reads no SNP.
        On the twin (and, as far as the baseline shows, on the official files) screened
        SNPs add noise, not signal: the default leaves them out; a positive value reads
        all 288 SNPs and lets the shrinkage judge them.
    snps_as : {"burden", "columns"}
        ``"burden"``: one :class:`~hdhkits.cardihack.features.CrossFittedBurden` score; ``"columns"``: the screened
        SNPs as columns of the penalised regression (:class:`~hdhkits.cardihack.features.SNPScreener`).
    C : float
        Inverse L2 penalty.
    shrink : bool
        Wrap the pipeline in :class:`PriorShrinkage`.
    random_state : int
        Seed of the inner folds.
    clinical : tuple of str
        The non-SNP columns read (default :data:`SEVERITY_CLINICAL`: age, sex, the variant;
        ``("Age_Baseline",)`` gives the age-only candidate, :data:`~hdhkits.cardihack.candidates.SEVERITY_AGE`).

    Returns
    -------
    estimator
        Reads only ``clinical`` and, when ``k_snps > 0``, the SNPs; ``check_feature_rules``
        tells whether that follows the SEVERITY rule.
    """
    if snps_as not in ("burden", "columns"):
        raise ValueError(f"snps_as must be 'burden' or 'columns', not {snps_as!r}")
    columns = (*clinical, *SNP_COLUMNS) if k_snps > 0 else tuple(clinical)
    snp_step = CrossFittedBurden(k=k_snps, random_state=random_state) if snps_as == "burden" else SNPScreener(k=k_snps)
    pipe = Pipeline(
        [
            ("select", ColumnSelector(columns)),
            ("plausible", PlausibleValues()),
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("variant", VariantCoding()),
            ("snps", snp_step),
            ("scale", StandardScaler()),
            (
                "logit",
                LogisticRegression(
                    C=C, class_weight=dict(SEVERITY_CLASS_WEIGHTS), solver="newton-cholesky", max_iter=200
                ),
            ),
        ]
    ).set_output(transform="pandas")
    return PriorShrinkage(pipe, random_state=random_state) if shrink else pipe


class MaceRiskClassifier(ClassifierMixin, BaseEstimator):
    """MACE: one event-risk score on clinical columns and a cross-fitted burden, cut for the kappa.

    A logistic regression of ``MACE >= 1`` (an event seen within 3,000 days) on the clinical
    columns of ``features`` (with ``risk_scd=True``, the default, the seven HCM Risk-SCD
    inputs summarised by their prognostic index, :class:`~hdhkits.cardihack.features.RiskSCDFeatures`), the variant
    indicators and a cross-fitted burden score over the priority SNPs
    (:class:`~hdhkits.cardihack.features.CrossFittedBurden`) gives a risk score; two cut points turn it into classes
    0/1/2. The cut points are chosen for the weighted kappa on out-of-fold scores of a
    repeated inner cross-validation of the training rows, so the rows a fold reports on
    never choose them. (Two cumulative models ``P(>= 1)``, ``P(>= 2)`` as in the
    baseline scored the same on the twin: the outcomes share one risk.)

    Parameters
    ----------
    features : sequence of str
        Columns read (default :data:`MACE_MODEL_FEATURES`); with ``risk_scd=True`` they must
        include the Risk-SCD inputs.
    k_snps : int
        SNPs in the burden score (taken among the SNP columns of ``features``). One by
        default: the MACE rule needs one priority SNP, and no SNP stands out from chance on
        the official train file (nor acts on MACE in the twin), so more only add noise.
    C : float
        Inverse L2 penalty.
    n_threshold_folds, n_threshold_repeats : int
        Inner cross-validation that chooses the cut points (1 x 3 folds by default: 2 x 5
        scored the same on the twin, seeds 0-7, in twice the time).
    random_state : int
        Seed of the inner folds and of the cross-fitting.
    risk_scd : bool
        Replace the seven HCM Risk-SCD inputs by their prognostic index (one coefficient);
        ``False`` fits one coefficient per clinical column
        (:data:`MACE_CLINICAL_RISK_FEATURES`, the clinical risk score).
    """

    def __init__(
        self,
        features: Sequence[str] = MACE_MODEL_FEATURES,
        k_snps: int = 1,
        C: float = 1.0,
        n_threshold_folds: int = 3,
        n_threshold_repeats: int = 1,
        random_state: int = 0,
        risk_scd: bool = True,
    ) -> None:
        self.features = features
        self.k_snps = k_snps
        self.C = C
        self.n_threshold_folds = n_threshold_folds
        self.n_threshold_repeats = n_threshold_repeats
        self.random_state = random_state
        self.risk_scd = risk_scd

    def _pipeline(self) -> Pipeline:
        summary = [("riskscd", RiskSCDFeatures())] if self.risk_scd else []
        return Pipeline(
            [
                ("select", ColumnSelector(self.features)),
                ("plausible", PlausibleValues()),
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                *summary,
                ("variant", VariantCoding()),
                ("burden", CrossFittedBurden(k=self.k_snps, random_state=self.random_state)),
                ("scale", StandardScaler()),
                ("logit", LogisticRegression(C=self.C, solver="newton-cholesky", max_iter=200)),
            ]
        ).set_output(transform="pandas")

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> MaceRiskClassifier:
        """Choose the cut points on repeated inner out-of-fold scores, then fit on every row."""
        y = np.asarray(y).astype(int)
        self.classes_ = np.array([0, 1, 2])
        scores, truths = [], []
        for r in range(self.n_threshold_repeats):
            # Folds stratified on the three classes; the score is fitted to MACE >= 1.
            folds = StratifiedKFold(self.n_threshold_folds, shuffle=True, random_state=self.random_state + r)
            scores.append(
                out_of_fold(
                    self._pipeline(),
                    X,
                    (y >= 1).astype(int),
                    folds.split(np.zeros(len(y)), y),
                    method="decision_function",
                )
            )
            truths.append(y)
        self.thresholds_ = fit_kappa_thresholds(np.concatenate(scores), np.concatenate(truths))
        self.model_ = self._pipeline().fit(X, (y >= 1).astype(int))
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """The risk score (log-odds of an event seen within 3,000 days)."""
        check_is_fitted(self, "model_")
        return self.model_.decision_function(X)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """MACE classes 0/1/2 from the score and the cut points."""
        return apply_thresholds(self.decision_function(X), self.thresholds_)

    def coefficients(self) -> pd.Series:
        """Standardised coefficients of the risk score."""
        check_is_fitted(self, "model_")
        logit_ = self.model_[-1]
        return pd.Series(logit_.coef_[0], index=logit_.feature_names_in_)

    @property
    def features_(self) -> list[str]:
        """The columns it reads, for the rule check."""
        return list(self.features)
