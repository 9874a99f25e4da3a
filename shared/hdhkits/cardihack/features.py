"""The pipeline steps of the Cardi-HACK models: columns in, engineered columns out.

* :class:`ColumnSelector` starts every model: it keeps the columns the model declares
  (what :func:`~hdhkits.cardihack.baselines.declared_features` returns for the rule check).
* SNPs: :class:`SNPScreener` keeps the ``k`` most associated SNP columns;
  :class:`GeneticRiskScore` replaces them by one weighted allele count fitted on the rows
  it sees; :class:`CrossFittedBurden` does the same, but scores each training row with SNPs
  chosen and weighted without it.
* Clinical columns: :class:`VariantCoding` turns the variant count into two indicators;
  :class:`RiskSCDFeatures` replaces the seven HCM Risk-SCD inputs by their prognostic index.

Each step learns from the rows ``fit`` sees only, so inside a cross-validated pipeline
nothing of the held-out rows leaks into it. :func:`snp_association` is the per-SNP
association the SNP steps share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import KFold
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from ..findings import DataError
from .riskscd import RISK_SCD_FEATURES, risk_scd_index

__all__ = [
    "ColumnSelector",
    "CrossFittedBurden",
    "GeneticRiskScore",
    "RiskSCDFeatures",
    "SNPScreener",
    "VariantCoding",
    "as_frame",
    "snp_association",
    "snp_columns",
]


def as_frame(X: object) -> pd.DataFrame:
    """``X`` itself when it is a DataFrame; a ``TypeError`` saying so otherwise.

    The kit's models select columns by their official names, so they take tables, not arrays.
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError("Cardi-HACK models take a pandas DataFrame with the official column names")
    return X


def snp_columns(columns: Iterable[str]) -> list[str]:
    """The names among ``columns`` that are genotypes (``SNP...``), in their order."""
    return [c for c in columns if str(c).startswith("SNP")]


class ColumnSelector(TransformerMixin, BaseEstimator):
    """Keep the declared columns, in the declared order; name any that is missing.

    Parameters
    ----------
    columns : sequence of str
        The columns the model reads.
    """

    def __init__(self, columns: Sequence[str] = ()) -> None:
        self.columns = columns

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike | None = None) -> Self:
        self.transform(X)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        X = as_frame(X)
        missing = [c for c in self.columns if c not in X.columns]
        if missing:
            shown = ", ".join(repr(c) for c in missing[:8])
            raise DataError(
                "<table>",
                [
                    f"the model reads column(s) {shown}{' …' if len(missing) > 8 else ''} "
                    f"({len(missing)} in all) that the table lacks; pass the train or test "
                    "table with the official column names"
                ],
            )
        # Floats from here on: the imputer and scaler check a homogeneous frame much faster.
        return X[list(self.columns)].astype(float)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        return np.asarray(self.columns, dtype=object)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False  # it learns nothing: transform needs no fit
        return tags


def snp_association(G: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-SNP absolute correlation with a binary target and the per-allele slope (0 for constant SNPs).

    Parameters
    ----------
    G : ndarray, shape (n, p)
        Genotypes 0/1/2 (no missing value: impute first).
    y : ndarray, shape (n,)
        The binary target, as floats.

    Returns
    -------
    abs_correlation, slope : (ndarray, ndarray), each of shape (p,)
    """
    g = G - G.mean(0)
    yc = y - y.mean()
    sd_g = np.sqrt((g**2).sum(0))
    sd_y = np.sqrt((yc**2).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.where(sd_g > 0, g.T @ yc / (sd_g * sd_y if sd_y > 0 else 1), 0.0)
        slope = np.where(sd_g > 0, g.T @ yc / sd_g**2, 0.0)
    return np.abs(np.nan_to_num(corr)), np.nan_to_num(slope)


class SNPScreener(TransformerMixin, BaseEstimator):
    """Keep the ``k`` SNP columns most associated with the target; other columns pass through.

    Screening by absolute correlation with ``y >= threshold`` (``y`` binary or ordinal).
    Fit it inside a pipeline: screening on all the data before cross-validating would
    leak the held-out outcomes into the choice of SNPs.

    Parameters
    ----------
    k : int
        Number of SNPs kept.
    threshold : int
        The target is binarised as ``y >= threshold``.
    """

    def __init__(self, k: int = 20, threshold: int = 1) -> None:
        self.k = k
        self.threshold = threshold

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> Self:
        X = as_frame(X)
        snps = snp_columns(X.columns)
        score, _ = snp_association(X[snps].to_numpy(float), (np.asarray(y) >= self.threshold).astype(float))
        order = np.argsort(-score, kind="stable")[: self.k]
        self.selected_snps_ = [snps[i] for i in sorted(order)]
        self.scores_ = pd.Series(score, index=snps)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "selected_snps_")
        X = as_frame(X)
        keep = [c for c in X.columns if not str(c).startswith("SNP") or c in self.selected_snps_]
        return X[keep]

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        check_is_fitted(self, "selected_snps_")
        return np.asarray(
            [c for c in self.feature_names_in_ if not str(c).startswith("SNP") or c in self.selected_snps_],
            dtype=object,
        )


class GeneticRiskScore(TransformerMixin, BaseEstimator):
    """Replace the SNP columns by one weighted allele count, ``GRS``.

    The ``k`` SNPs most associated with ``y >= threshold`` are kept, each weighted by
    its univariate per-allele slope; both are learnt from the data ``fit`` sees (the
    training folds), never from the rows it scores.

    Parameters
    ----------
    k : int
        Number of SNPs in the score.
    threshold : int
        The target is binarised as ``y >= threshold``.
    """

    def __init__(self, k: int = 10, threshold: int = 1) -> None:
        self.k = k
        self.threshold = threshold

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> Self:
        X = as_frame(X)
        snps = snp_columns(X.columns)
        G = X[snps].to_numpy(float)
        score, slope = snp_association(G, (np.asarray(y) >= self.threshold).astype(float))
        order = sorted(np.argsort(-score, kind="stable")[: self.k])
        self.snps_ = [snps[i] for i in order]
        self.weights_ = pd.Series(slope[order], index=self.snps_)
        self.means_ = pd.Series(G[:, order].mean(0), index=self.snps_)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "snps_")
        X = as_frame(X)
        grs = (X[self.snps_] - self.means_).to_numpy(float) @ self.weights_.to_numpy()
        out = X[[c for c in X.columns if not str(c).startswith("SNP")]].copy()
        out["GRS"] = grs
        return out

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        return np.asarray([c for c in self.feature_names_in_ if not str(c).startswith("SNP")] + ["GRS"], dtype=object)


class VariantCoding(TransformerMixin, BaseEstimator):
    """Replace ``Variant.Pathogene`` (0/1/2) by two indicators, ``carrier`` and ``two_variants``.

    A count of pathogenic variants need not act linearly: carrying one is the large step.
    Other columns pass through. Values other than 0/1/2 (e.g. imputed medians) are
    rounded first.
    """

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike | None = None) -> Self:
        self.feature_names_in_ = np.asarray(as_frame(X).columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        X = as_frame(X)
        if "Variant.Pathogene" not in X.columns:
            return X
        v = np.rint(X["Variant.Pathogene"].to_numpy(float))
        out = X.drop(columns=["Variant.Pathogene"])
        out["carrier"] = (v >= 1).astype(float)
        out["two_variants"] = (v >= 2).astype(float)
        return out

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        names = list(self.feature_names_in_ if input_features is None else input_features)
        if "Variant.Pathogene" not in names:  # transform passes such a table through unchanged
            return np.asarray(names, dtype=object)
        return np.asarray([c for c in names if c != "Variant.Pathogene"] + ["carrier", "two_variants"], dtype=object)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False  # it learns nothing: transform needs no fit
        return tags


class RiskSCDFeatures(TransformerMixin, BaseEstimator):
    """Replace the seven HCM Risk-SCD inputs by their prognostic index, ``risk_scd_pi``.

    The index (:func:`~hdhkits.cardihack.riskscd.risk_scd_index`, ``Gradient`` mapped to
    mmHg) is a published clinical summary: one coefficient learnt instead of seven, which
    matters with a few dozen events. Other columns pass through. Place it after
    :class:`~hdhkits.cardihack.plausibility.PlausibleValues`: implausible values are then
    missing (or imputed) already, and missing ones take the derivation cohort's values.
    """

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike | None = None) -> Self:
        self.feature_names_in_ = np.asarray(as_frame(X).columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        X = as_frame(X)
        out = X.drop(columns=[c for c in RISK_SCD_FEATURES if c in X.columns])
        # The pipeline's PlausibleValues step already ran: skip the check inside the index.
        out.insert(0, "risk_scd_pi", risk_scd_index(X, checked=True))
        return out

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        names = [
            c
            for c in (self.feature_names_in_ if input_features is None else input_features)
            if c not in RISK_SCD_FEATURES
        ]
        return np.asarray(["risk_scd_pi", *names], dtype=object)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False  # it learns nothing: transform needs no fit
        return tags


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

    def __init__(self, k: int = 10, threshold: int = 1, n_folds: int = 5, random_state: int = 0) -> None:
        self.k = k
        self.threshold = threshold
        self.n_folds = n_folds
        self.random_state = random_state

    def _learn(self, G: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        score, slope = snp_association(G, (y >= self.threshold).astype(float))
        idx = np.sort(np.argsort(-score, kind="stable")[: self.k])
        return idx, slope[idx], G[:, idx].mean(0)

    @staticmethod
    def _score(G: np.ndarray, learnt: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
        idx, weights, means = learnt
        return (G[:, idx] - means) @ weights

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike | None) -> Self:
        X = as_frame(X)
        self.snps_in_ = snp_columns(X.columns)
        if self.k > 0:
            idx, weights, means = self._learn(X[self.snps_in_].to_numpy(float), np.asarray(y))
            self.snps_ = [self.snps_in_[i] for i in idx]
            self.weights_ = pd.Series(weights, index=self.snps_)
            self.means_ = pd.Series(means, index=self.snps_)
        else:
            self.snps_ = []
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def _others(self, X: pd.DataFrame) -> pd.DataFrame:
        return X[[c for c in X.columns if not str(c).startswith("SNP")]].copy()

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "snps_")
        X = as_frame(X)
        out = self._others(X)
        if self.k > 0:
            out["burden"] = (X[self.snps_] - self.means_).to_numpy(float) @ self.weights_.to_numpy()
        return out

    def fit_transform(self, X: pd.DataFrame, y: npt.ArrayLike | None = None, **fit_params: Any) -> pd.DataFrame:
        """Fit on all rows, and return each row's score computed from the other folds."""
        self.fit(X, y)
        X = as_frame(X)
        out = self._others(X)
        if self.k > 0:
            G, y = X[self.snps_in_].to_numpy(float), np.asarray(y)
            burden = np.zeros(len(X))
            folds = KFold(self.n_folds, shuffle=True, random_state=self.random_state)
            for fit_idx, held_idx in folds.split(G):
                burden[held_idx] = self._score(G[held_idx], self._learn(G[fit_idx], y[fit_idx]))
            out["burden"] = burden
        return out

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        check_is_fitted(self, "snps_")
        names = [c for c in self.feature_names_in_ if not str(c).startswith("SNP")]
        return np.asarray(names + (["burden"] if self.k > 0 else []), dtype=object)
