"""The candidate models of each outcome, how one is chosen per outcome, and the parts they share.

``02_baseline`` cross-validates three SEVERITY candidates (:func:`severity_candidates`) and
three MACE candidates (:func:`mace_candidates`), and :func:`choose_per_outcome` keeps the best
of each on its own part of the metric (the combined score adds a part that reads only the
SEVERITY column to one that reads only the MACE column).

Both baselines lose signal to noise: the SEVERITY baseline screens 10 SNPs out of 288
against 347 patients and does worse than the prior; the MACE baseline's genetic risk
score, built and weighted on the same rows, takes a weight it has not earned. The models
here (issue #8, then issue 16 for the clinical risk score and the age-only SEVERITY model)
answer that in three ways:

* **Cross-fitted burden scores** (:class:`CrossFittedBurden`): a SNP burden score (the
  screened SNPs weighted by their per-allele slopes) whose value on a training patient
  comes from SNPs chosen and weighted *without* that patient, so the model above it learns
  the weight the score earns on new patients (near zero when it is noise).
* **Shrinkage toward the prior** (:class:`PriorShrinkage`): SEVERITY probabilities pulled
  toward the weighted prevalence (the best constant under the metric's 1.5 / 1 weights) on
  the logit scale, by a factor chosen on inner out-of-fold predictions for the weighted
  log-loss.
* **A clinical risk summary for MACE** (:class:`RiskSCDFeatures`): the HCM Risk-SCD
  prognostic index replaces its seven inputs, so the MACE model fits a handful of
  coefficients instead of a dozen; its class cut points are chosen on repeated inner
  out-of-fold scores (:class:`MaceRiskClassifier`), never on the rows it is scored on.

Every model starts with a :class:`~hdhkits.cardihack.baselines.ColumnSelector`, so
:func:`~hdhkits.cardihack.baselines.declared_features` and the rule check see the
columns it reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from ..evaluation import out_of_fold
from .baselines import (
    MACE_CLINICAL,
    ColumnSelector,
    OrdinalMaceClassifier,
    SNPScreener,
    _association,
    _frame,
    _snp_columns,
    declared_features,
    make_severity_model,
)
from .metric import SEVERITY_CLASS_WEIGHTS, weighted_logloss
from .plausibility import PlausibleValues
from .riskscd import RISK_SCD_FEATURES, risk_scd_index
from .schema import PRIORITY_SNPS, SNP_COLUMNS
from .thresholds import apply_thresholds, fit_kappa_thresholds

__all__ = [
    "BASELINE_PAIR",
    "CANDIDATE_NOTES",
    "MACE_BASELINE",
    "MACE_CLINICAL_RISK_FEATURES",
    "MACE_CLINICAL_SCORE",
    "MACE_MODEL_FEATURES",
    "MACE_RISK_SCD",
    "NEW_PAIR",
    "OFFICIAL_PARTS",
    "SEVERITY_AGE",
    "SEVERITY_BASELINE",
    "SEVERITY_CLINICAL",
    "SEVERITY_SHRUNK",
    "CrossFittedBurden",
    "MaceRiskClassifier",
    "PriorShrinkage",
    "RiskSCDFeatures",
    "VariantCoding",
    "candidate_pairs",
    "choose_pair",
    "choose_per_outcome",
    "combination_name",
    "describe_candidates",
    "mace_candidates",
    "make_shrunk_severity_model",
    "model_coefficients",
    "model_summary",
    "severity_candidates",
]

#: Names of the two submittable model pairs, as the notebooks' tables show them.
BASELINE_PAIR: str = "baseline: logistic + ordinal"
NEW_PAIR: str = "new: shrunk logistic + risk score"

#: Non-genetic columns the SEVERITY rule allows, plus the variant count.
SEVERITY_CLINICAL: tuple[str, ...] = ("Age_Baseline", "Genre", "Variant.Pathogene")
#: Columns :class:`MaceRiskClassifier` reads by default: the baseline's clinical columns and the
#: 75 priority SNPs (75 <= 100 SNPs, all priority: the MACE rule holds).
MACE_MODEL_FEATURES: tuple[str, ...] = (*MACE_CLINICAL, *PRIORITY_SNPS)
#: Columns of the clinical risk score (:data:`MACE_CLINICAL_SCORE`): age, age at diagnosis (with
#: age, the disease duration), wall thickness, atrial diameter, LVEF, family history of sudden
#: death, NSVT, the variant, and the priority SNPs for the rule. Chosen on the twin (seeds 0-7,
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

#: Names of the candidate models, as the notebooks' tables show them: SEVERITY ...
SEVERITY_BASELINE: str = "baseline: logistic, 10 screened SNPs"
SEVERITY_SHRUNK: str = "shrunk logistic: age, sex, variant"
SEVERITY_AGE: str = "shrunk logistic: age"
#: ... and MACE.
MACE_BASELINE: str = "baseline: ordinal logistic"
MACE_RISK_SCD: str = "risk score on HCM Risk-SCD"
MACE_CLINICAL_SCORE: str = "clinical risk score"


def _p_positive(fitted, X) -> np.ndarray:
    """Column 1 of ``predict_proba``: the probability of the positive class."""
    return fitted.predict_proba(X)[:, 1]


def _weighted_prevalence(y: np.ndarray) -> float:
    w = np.where(y == 1, SEVERITY_CLASS_WEIGHTS[1], SEVERITY_CLASS_WEIGHTS[0])
    return float(np.sum(w * y) / np.sum(w))


class VariantCoding(TransformerMixin, BaseEstimator):
    """Replace ``Variant.Pathogene`` (0/1/2) by two indicators, ``carrier`` and ``two_variants``.

    A count of pathogenic variants need not act linearly: carrying one is the large step.
    Other columns pass through. Values other than 0/1/2 (e.g. imputed medians) are
    rounded first.
    """

    def fit(self, X, y=None):
        self.feature_names_in_ = np.asarray(_frame(X).columns, dtype=object)
        return self

    def transform(self, X):
        X = _frame(X)
        if "Variant.Pathogene" not in X.columns:
            return X
        v = np.rint(X["Variant.Pathogene"].to_numpy(float))
        out = X.drop(columns=["Variant.Pathogene"])
        out["carrier"] = (v >= 1).astype(float)
        out["two_variants"] = (v >= 2).astype(float)
        return out

    def get_feature_names_out(self, input_features=None):
        names = list(self.feature_names_in_ if input_features is None else input_features)
        if "Variant.Pathogene" not in names:  # transform passes such a table through unchanged
            return np.asarray(names, dtype=object)
        return np.asarray([c for c in names if c != "Variant.Pathogene"] + ["carrier", "two_variants"], dtype=object)


class RiskSCDFeatures(TransformerMixin, BaseEstimator):
    """Replace the seven HCM Risk-SCD inputs by their prognostic index, ``risk_scd_pi``.

    The index (:func:`~hdhkits.cardihack.riskscd.risk_scd_index`, ``Gradient`` mapped to
    mmHg) is a published clinical summary: one coefficient learnt instead of seven, which
    matters with a few dozen events. Other columns pass through. Place it after
    :class:`~hdhkits.cardihack.plausibility.PlausibleValues`: implausible values are then
    missing (or imputed) already, and missing ones take the derivation cohort's values.
    """

    def fit(self, X, y=None):
        self.feature_names_in_ = np.asarray(_frame(X).columns, dtype=object)
        return self

    def transform(self, X):
        X = _frame(X)
        out = X.drop(columns=[c for c in RISK_SCD_FEATURES if c in X.columns])
        # The pipeline's PlausibleValues step already ran: skip the check inside the index.
        out.insert(0, "risk_scd_pi", risk_scd_index(X, checked=True))
        return out

    def get_feature_names_out(self, input_features=None):
        names = [
            c
            for c in (self.feature_names_in_ if input_features is None else input_features)
            if c not in RISK_SCD_FEATURES
        ]
        return np.asarray(["risk_scd_pi", *names], dtype=object)


class CrossFittedBurden(TransformerMixin, BaseEstimator):
    """Replace the SNP columns by one cross-fitted burden score, ``burden``.

    The score sums the ``k`` SNPs most correlated with ``y >= threshold``, each weighted by
    its per-allele slope. On new rows (``transform``) it uses SNPs and weights learnt from
    all the rows ``fit`` saw. On the training rows themselves (``fit_transform``, what a
    pipeline calls) each row's score comes from SNPs chosen and weighted on the other
    folds: a score screened on the rows it scores looks predictive even when it is noise,
    and the model fitted on top would trust it.

    Parameters
    ----------
    k : int
        SNPs in the score (0: drop the SNPs, no score).
    threshold : int
        The target is binarised as ``y >= threshold``.
    n_folds : int
        Folds of the cross-fitting.
    random_state : int
        Seed of the folds.
    """

    def __init__(self, k: int = 10, threshold: int = 1, n_folds: int = 5, random_state: int = 0):
        self.k = k
        self.threshold = threshold
        self.n_folds = n_folds
        self.random_state = random_state

    def _learn(self, G: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        score, slope = _association(G, (y >= self.threshold).astype(float))
        idx = np.sort(np.argsort(-score, kind="stable")[: self.k])
        return idx, slope[idx], G[:, idx].mean(0)

    @staticmethod
    def _score(G: np.ndarray, learnt) -> np.ndarray:
        idx, weights, means = learnt
        return (G[:, idx] - means) @ weights

    def fit(self, X, y):
        X = _frame(X)
        self.snps_in_ = _snp_columns(X.columns)
        if self.k > 0:
            idx, weights, means = self._learn(X[self.snps_in_].to_numpy(float), np.asarray(y))
            self.snps_ = [self.snps_in_[i] for i in idx]
            self.weights_ = pd.Series(weights, index=self.snps_)
            self.means_ = pd.Series(means, index=self.snps_)
        else:
            self.snps_ = []
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def _others(self, X: pd.DataFrame) -> pd.DataFrame:
        return X[[c for c in X.columns if not str(c).startswith("SNP")]].copy()

    def transform(self, X):
        check_is_fitted(self, "snps_")
        X = _frame(X)
        out = self._others(X)
        if self.k > 0:
            out["burden"] = (X[self.snps_] - self.means_).to_numpy(float) @ self.weights_.to_numpy()
        return out

    def fit_transform(self, X, y=None, **fit_params):
        """Fit on all rows, and return each row's score computed from the other folds."""
        self.fit(X, y)
        X = _frame(X)
        out = self._others(X)
        if self.k > 0:
            G, y = X[self.snps_in_].to_numpy(float), np.asarray(y)
            burden = np.zeros(len(X))
            folds = KFold(self.n_folds, shuffle=True, random_state=self.random_state)
            for fit_idx, held_idx in folds.split(G):
                burden[held_idx] = self._score(G[held_idx], self._learn(G[fit_idx], y[fit_idx]))
            out["burden"] = burden
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "snps_")
        names = [c for c in self.feature_names_in_ if not str(c).startswith("SNP")]
        return np.asarray(names + (["burden"] if self.k > 0 else []), dtype=object)


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

    def __init__(self, estimator=None, n_folds: int = 5, n_grid: int = 21, random_state: int = 0):
        self.estimator = estimator
        self.n_folds = n_folds
        self.n_grid = n_grid
        self.random_state = random_state

    def fit(self, X, y) -> PriorShrinkage:
        """Choose ``alpha`` by inner cross-validation, then fit the estimator on every row."""
        if self.estimator is None:
            raise ValueError("PriorShrinkage needs an estimator, e.g. make_shrunk_severity_model(shrink=False)")
        y = np.asarray(y).astype(int)
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

    def predict_proba(self, X) -> np.ndarray:
        """Shrunk probabilities, shape (n, 2)."""
        check_is_fitted(self, "estimator_")
        p = self._shrink(self.estimator_.predict_proba(X)[:, 1], self.alpha_)
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    @property
    def features_(self) -> list[str]:
        """The columns the wrapped estimator reads."""
        return declared_features(self.estimator)


def make_shrunk_severity_model(
    k_snps: int = 0,
    C: float = 0.1,
    shrink: bool = True,
    snps_as: str = "burden",
    random_state: int = 0,
    clinical: tuple[str, ...] = SEVERITY_CLINICAL,
):
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
        ``"burden"``: one :class:`CrossFittedBurden` score; ``"columns"``: the screened
        SNPs as columns of the penalised regression (:class:`~.baselines.SNPScreener`).
    C : float
        Inverse L2 penalty.
    shrink : bool
        Wrap the pipeline in :class:`PriorShrinkage`.
    random_state : int
        Seed of the inner folds.
    clinical : tuple of str
        The non-SNP columns read (default :data:`SEVERITY_CLINICAL`: age, sex, the variant;
        ``("Age_Baseline",)`` gives the age-only candidate, :data:`SEVERITY_AGE`).

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
    inputs summarised by their prognostic index, :class:`RiskSCDFeatures`), the variant
    indicators and a cross-fitted burden score over the priority SNPs
    (:class:`CrossFittedBurden`) gives a risk score; two cut points turn it into classes
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
        features=MACE_MODEL_FEATURES,
        k_snps: int = 1,
        C: float = 1.0,
        n_threshold_folds: int = 3,
        n_threshold_repeats: int = 1,
        random_state: int = 0,
        risk_scd: bool = True,
    ):
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

    def fit(self, X: pd.DataFrame, y) -> MaceRiskClassifier:
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


def candidate_pairs(seed: int = 0) -> dict[str, tuple]:
    """The two whole (SEVERITY, MACE) pairs the kit compared before issue 16, unfitted.

    ``02_baseline`` now cross-validates each outcome's candidates separately
    (:func:`severity_candidates`, :func:`mace_candidates`) and chooses per outcome
    (:func:`choose_per_outcome`); these pairs and :func:`choose_pair` stay for code that compares
    whole pairs.
    """
    return {
        BASELINE_PAIR: (make_severity_model(), OrdinalMaceClassifier(random_state=seed)),
        NEW_PAIR: (make_shrunk_severity_model(random_state=seed), MaceRiskClassifier(random_state=seed)),
    }


def choose_pair(cv_scores: dict[str, float], pairs: dict[str, tuple]) -> str:
    """The pair with the best cross-validated combined score among those that follow the rules.

    Parameters
    ----------
    cv_scores : dict
        Cross-validated combined score by pair name.
    pairs : dict
        ``{name: (severity_model, mace_model)}``; pairs whose declared columns break a rule
        (:func:`~hdhkits.cardihack.rules.check_feature_rules`) are never chosen.

    Returns
    -------
    str
        The chosen name.

    Raises
    ------
    ValueError
        No scored pair follows the rules.
    """
    from .rules import check_feature_rules

    valid = {
        name: score
        for name, score in cv_scores.items()
        if name in pairs
        and not check_feature_rules(declared_features(pairs[name][0]), declared_features(pairs[name][1]))
    }
    if not valid:
        raise ValueError("no cross-validated pair follows the rules; fix the models' declared columns")
    return max(valid, key=lambda name: valid[name])


#: Each model's own part on the official train file, as participants measured it with the kit's
#: ``02_baseline`` before issue 16 (5 x 5-fold; SEVERITY: rescaled log-loss, MACE: weighted kappa).
#: The models designed on the twin (:data:`SEVERITY_AGE`, :data:`MACE_CLINICAL_SCORE`) were not measured.
OFFICIAL_PARTS: dict[str, float] = {
    SEVERITY_BASELINE: -0.003,
    SEVERITY_SHRUNK: 0.048,
    MACE_BASELINE: 0.185,
    MACE_RISK_SCD: 0.132,
    "HCM Risk-SCD, ESC bands": 0.044,
    "HCM Risk-SCD, fitted cut points": -0.015,
}

#: What each candidate is, in one plain line (``describe_candidates`` shows it).
CANDIDATE_NOTES: dict[str, str] = {
    SEVERITY_BASELINE: "L2 logistic on age, sex, the variant count and 10 screened SNPs, weighted like the metric",
    SEVERITY_SHRUNK: "strongly penalised logistic on age, sex and the variant (carrier, two variants), weighted "
    "like the metric, shrunk",
    SEVERITY_AGE: "the same on age alone",
    MACE_BASELINE: "ordinal model on the Risk-SCD inputs, LVEF, the variant and a 5-SNP genetic risk score",
    MACE_RISK_SCD: "risk score on the HCM Risk-SCD index, LVEF, the variant and a 1-SNP cross-fitted burden",
    MACE_CLINICAL_SCORE: "risk score with one coefficient per column (age, age at diagnosis, wall thickness, atrial "
    "diameter, LVEF, family history, NSVT, the variant) and a 1-SNP cross-fitted burden",
}


def severity_candidates(seed: int = 0) -> dict[str, object]:
    """The SEVERITY candidates ``02_baseline`` cross-validates, unfitted, by name.

    * :data:`SEVERITY_BASELINE`: :func:`~.baselines.make_severity_model` (age, sex, variant
      and 10 SNPs screened inside the folds);
    * :data:`SEVERITY_SHRUNK`: :func:`make_shrunk_severity_model` (age, sex, the variant as two
      indicators, shrunk toward the weighted prevalence);
    * :data:`SEVERITY_AGE`: the same on age alone.
    """
    candidates = {
        SEVERITY_BASELINE: make_severity_model(),
        SEVERITY_SHRUNK: make_shrunk_severity_model(random_state=seed),
        SEVERITY_AGE: make_shrunk_severity_model(random_state=seed, clinical=("Age_Baseline",)),
    }
    # the shrinkage chosen on 3 inner folds: the same scores as 5 on the twin (seeds 0-7), faster
    return {
        name: model.set_params(n_folds=3) if isinstance(model, PriorShrinkage) else model
        for name, model in candidates.items()
    }


def mace_candidates(seed: int = 0) -> dict[str, object]:
    """The MACE candidates ``02_baseline`` cross-validates, unfitted, by name.

    * :data:`MACE_BASELINE`: :class:`~.baselines.OrdinalMaceClassifier` (two cumulative
      logistic models on the Risk-SCD inputs, LVEF, the variant and a 5-SNP genetic risk score);
    * :data:`MACE_RISK_SCD`: :class:`MaceRiskClassifier` on the HCM Risk-SCD prognostic index,
      LVEF, the variant and a 1-SNP cross-fitted burden;
    * :data:`MACE_CLINICAL_SCORE`: :class:`MaceRiskClassifier` with one coefficient per column
      of :data:`MACE_CLINICAL_RISK_FEATURES` (``risk_scd=False``).
    """
    return {
        MACE_BASELINE: OrdinalMaceClassifier(random_state=seed),
        MACE_RISK_SCD: MaceRiskClassifier(random_state=seed),
        MACE_CLINICAL_SCORE: MaceRiskClassifier(MACE_CLINICAL_RISK_FEATURES, random_state=seed, risk_scd=False),
    }


def combination_name(severity: str, mace: str) -> str:
    """The name of a submission made of one SEVERITY and one MACE model (``cardihack_cv.json``'s ``chosen``)."""
    return f"SEVERITY: {severity} + MACE: {mace}"


def _best_valid(scores: dict[str, float], models: dict, outcome: str, enforce_rules: bool = True) -> str:
    from .rules import check_feature_rules

    valid = {}
    for name, value in scores.items():
        if name not in models or not np.isfinite(value):
            continue
        features = declared_features(models[name])
        declared = (features or None, None) if outcome == "SEVERITY" else (None, features)
        if not enforce_rules or not check_feature_rules(*declared):
            valid[name] = value
    if not valid:
        raise ValueError(f"no cross-validated {outcome} model follows the rules; fix the models' declared columns")
    return max(valid, key=lambda name: valid[name])


def choose_per_outcome(
    severity_scores: dict[str, float],
    mace_scores: dict[str, float],
    severity_models: dict,
    mace_models: dict,
    enforce_rules: bool = True,
) -> tuple[str, str]:
    """The best SEVERITY model and the best MACE model, each on its own part of the combined score.

    The combined score is ``0.7 kappa + 0.3 rescaled``, and the kappa reads only the MACE
    column, the rescaled log-loss only the SEVERITY column: the best submission pairs the
    SEVERITY model with the best rescaled log-loss with the MACE model with the best kappa.

    Parameters
    ----------
    severity_scores, mace_scores : dict
        Cross-validated rescaled log-loss (SEVERITY) and weighted kappa (MACE), by model name;
        NaN scores are never chosen.
    severity_models, mace_models : dict
        The models by name; one whose declared columns break its rule
        (:func:`~hdhkits.cardihack.rules.check_feature_rules`) is never chosen. A SEVERITY
        constant (it reads nothing) is allowed, as the organisers' dummy is.
    enforce_rules : bool
        ``False`` lets a rule-breaking model be chosen: for data too small to fit any model
        that follows the rules (:func:`~hdhkits.cardihack.evaluation.modelling_limits`), where
        ``03_submission``'s rule check then says so and writes nothing.

    Returns
    -------
    (str, str)
        The chosen SEVERITY and MACE model names.

    Raises
    ------
    ValueError
        No scored model of an outcome follows the rules.
    """
    return (
        _best_valid(severity_scores, severity_models, "SEVERITY", enforce_rules),
        _best_valid(mace_scores, mace_models, "MACE", enforce_rules),
    )


def _reads(features: list[str]) -> str:
    """A short text of the columns a model reads: the clinical ones by name, the SNPs counted."""
    snps = [f for f in features if str(f).startswith("SNP")]
    others = [f for f in features if not str(f).startswith("SNP")]
    priority = sum(f in PRIORITY_SNPS for f in snps)
    text = ", ".join(others) if others else "nothing"
    if snps:
        text += f" + {len(snps)} SNPs" + (" (the priority ones)" if priority == len(snps) == len(PRIORITY_SNPS) else "")
    return text


def describe_candidates(severity_models: dict, mace_models: dict) -> pd.DataFrame:
    """One row per model: its outcome, the columns it reads and whether they follow the rules.

    Parameters
    ----------
    severity_models, mace_models : dict
        Models by name (unfitted is fine: the columns are declared).

    Returns
    -------
    DataFrame
        Indexed by model name: ``outcome``, ``what`` (:data:`CANDIDATE_NOTES`; empty for a model
        not listed there), ``reads`` and ``rules`` ("follows the rules" or the rule check's
        sentences).
    """
    from .rules import check_feature_rules

    rows = {}
    for outcome, models in (("SEVERITY", severity_models), ("MACE", mace_models)):
        for name, model in models.items():
            features = declared_features(model)
            declared = (features or None, None) if outcome == "SEVERITY" else (None, features)
            problems = check_feature_rules(*declared)
            rows[name] = {
                "outcome": outcome,
                "what": CANDIDATE_NOTES.get(name, ""),
                "reads": _reads(features),
                "rules": "follows the rules" if not problems else "; ".join(problems),
            }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")


def model_coefficients(model) -> pd.DataFrame | None:
    """The standardised coefficients of a fitted candidate, one column per logistic regression.

    Parameters
    ----------
    model : fitted estimator
        A pipeline ending in a logistic regression, :class:`PriorShrinkage`,
        :class:`~.baselines.OrdinalMaceClassifier` or :class:`MaceRiskClassifier`.

    Returns
    -------
    DataFrame or None
        Rows: the features the regression saw (after screening, indicators, scores); ``None``
        for a model without coefficients (a constant, HCM Risk-SCD).
    """
    if isinstance(model, PriorShrinkage):
        model = model.estimator_
    if isinstance(model, OrdinalMaceClassifier):
        table = model.coefficients()
        return table if len(table.columns) else None
    if isinstance(model, MaceRiskClassifier):
        return model.coefficients().to_frame("P(MACE>=1)")
    if isinstance(model, Pipeline) and hasattr(model[-1], "coef_"):
        return pd.Series(model[-1].coef_[0], index=model[-1].feature_names_in_).to_frame("logistic")
    return None


def model_summary(model) -> list[str]:
    """What a fitted candidate learnt, in a few printed lines (SNPs kept, shrinkage, cut points)."""
    lines = []
    if isinstance(model, PriorShrinkage):
        lines.append(
            f"shrinkage toward the weighted prevalence {model.prior_:.3f}: alpha {model.alpha_:.2f} "
            "(0 = the constant, 1 = the model as fitted)"
        )
        model = model.estimator_
    if isinstance(model, Pipeline):
        for step in model.named_steps.values():
            if isinstance(step, SNPScreener):
                lines.append(f"SNPs kept by the screening: {', '.join(step.selected_snps_)}")
            if isinstance(step, CrossFittedBurden) and step.k > 0:
                lines.append(f"SNP(s) in the burden score: {', '.join(step.snps_)}")
    if isinstance(model, OrdinalMaceClassifier):
        grs = model.models_[0].named_steps.get("grs") if isinstance(model.models_[0], Pipeline) else None
        if grs is not None:
            lines.append(f"SNPs in the genetic risk score of P(MACE>=1): {', '.join(grs.snps_)}")
        lines.append(f"cut points on the expected code: {tuple(round(t, 3) for t in model.thresholds_)}")
    if isinstance(model, MaceRiskClassifier):
        burden = model.model_.named_steps["burden"]
        if burden.k > 0:
            lines.append(f"priority SNP(s) in the burden score: {', '.join(burden.snps_)}")
        lines.append(f"cut points on the risk score: {tuple(round(t, 3) for t in model.thresholds_)}")
    return lines or ["no learnt coefficient to show (a constant or a published score)"]
