"""Clinical reference for MACE: an approximation of the ESC 2014 HCM Risk-SCD score.

HCM Risk-SCD (O'Mahony et al., 2014) gives a 5-year sudden-death risk
``1 - 0.998 ** exp(PI)`` from a prognostic index ``PI`` of maximal wall thickness (MWT),
left atrial diameter (LA), maximal LVOT gradient (mmHg), family history of sudden death,
non-sustained VT, unexplained syncope and age. Cardi-HACK's columns map onto it as:

=====================  ===========================================================
HCM Risk-SCD input     Cardi-HACK column
=====================  ===========================================================
MWT (mm)               ``Epaiss_max``
LA diameter (mm)       ``Diam_OG``
LVOT gradient (mmHg)   ``Gradient`` is binary: 1 -> :data:`GRADIENT_MMHG` ``[1]``
                       (60 mmHg, a typical obstructive gradient), 0 -> ``[0]`` (8 mmHg,
                       a typical resting gradient below the 30 mmHg cut-off). This is
                       the approximation: the real score uses the measured gradient.
family history SCD     ``ATCD_MS``
NSVT                   ``TVNS``
syncope                ``SYNCOPE``
age (years)            ``Age_Baseline`` (age at evaluation)
=====================  ===========================================================

It predicts sudden death, not Cardi-HACK's MACE, and is used as it is: the risk is
turned into MACE classes by cut points chosen on training data for the weighted kappa
(:class:`RiskSCDClassifier`), or by the ESC bands (:func:`esc_band`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ..findings import DataError
from .plausibility import plausible_values
from .thresholds import apply_thresholds, fit_kappa_thresholds

__all__ = [
    "ESC_BANDS",
    "GRADIENT_MMHG",
    "RISK_SCD_BASELINE_SURVIVAL",
    "RISK_SCD_COEFFICIENTS",
    "RISK_SCD_FEATURES",
    "RiskSCDClassifier",
    "esc_band",
    "risk_scd",
    "risk_scd_index",
]

#: Coefficients of the prognostic index (ESC 2014).
RISK_SCD_COEFFICIENTS: dict[str, float] = {
    "mwt": 0.15939858,
    "mwt2": -0.00294271,
    "la": 0.0259082,
    "lvot": 0.00446131,
    "fhscd": 0.4583082,
    "nsvt": 0.82639195,
    "syncope": 0.71650361,
    "age": -0.01799934,
}
#: 5-year baseline survival of the score.
RISK_SCD_BASELINE_SURVIVAL: float = 0.998
#: Assumed LVOT gradient (mmHg) for the binary ``Gradient`` column.
GRADIENT_MMHG: dict[int, float] = {0: 8.0, 1: 60.0}
#: The Cardi-HACK columns the approximation reads.
RISK_SCD_FEATURES: tuple[str, ...] = ("Epaiss_max", "Diam_OG", "Gradient", "ATCD_MS", "TVNS", "SYNCOPE", "Age_Baseline")
#: ESC 2014 bands of 5-year risk: low < 4 %, intermediate 4–6 %, high >= 6 %.
ESC_BANDS: tuple[float, float] = (0.04, 0.06)

# Medians of the HCM Risk-SCD derivation cohort, used when a value is missing (so one empty
# cell does not drop a patient).
_FALLBACK = {
    "Epaiss_max": 20.0,
    "Diam_OG": 44.0,
    "Gradient": 0,
    "ATCD_MS": 0,
    "TVNS": 0,
    "SYNCOPE": 0,
    "Age_Baseline": 48.0,
}


def risk_scd_index(df: pd.DataFrame, checked: bool = False) -> np.ndarray:
    """The prognostic index ``PI`` from Cardi-HACK columns (see the module table).

    Missing values, and values the data check warns about (outside the plausible ranges,
    see :func:`~hdhkits.cardihack.plausibility.plausible_values`), are replaced by the
    derivation cohort's typical values.

    Parameters
    ----------
    df : DataFrame
        Holds the :data:`RISK_SCD_FEATURES` columns.
    checked : bool
        The values already went through ``plausible_values`` (e.g. inside a model's
        pipeline): skip that step, the costly part when a model is fitted many times.
    """
    missing = [c for c in RISK_SCD_FEATURES if c not in df.columns]
    if missing:
        raise DataError("<table>", [f"HCM Risk-SCD needs the column(s) {missing}; pass the train or test table"])
    df = df[list(RISK_SCD_FEATURES)] if checked else plausible_values(df[list(RISK_SCD_FEATURES)])
    x = {c: pd.to_numeric(df[c], errors="coerce").fillna(_FALLBACK[c]).to_numpy(float) for c in RISK_SCD_FEATURES}
    lvot = np.where(x["Gradient"] >= 0.5, GRADIENT_MMHG[1], GRADIENT_MMHG[0])
    c = RISK_SCD_COEFFICIENTS
    return (
        c["mwt"] * x["Epaiss_max"]
        + c["mwt2"] * x["Epaiss_max"] ** 2
        + c["la"] * x["Diam_OG"]
        + c["lvot"] * lvot
        + c["fhscd"] * x["ATCD_MS"]
        + c["nsvt"] * x["TVNS"]
        + c["syncope"] * x["SYNCOPE"]
        + c["age"] * x["Age_Baseline"]
    )


def risk_scd(df: pd.DataFrame) -> np.ndarray:
    """Approximate 5-year sudden-death risk ``1 - 0.998 ** exp(PI)`` for every row."""
    return 1 - RISK_SCD_BASELINE_SURVIVAL ** np.exp(risk_scd_index(df))


def esc_band(risk: npt.ArrayLike) -> np.ndarray:
    """ESC band of a risk: 0 low (< 4 %), 1 intermediate (4–6 %), 2 high (>= 6 %)."""
    return apply_thresholds(risk, ESC_BANDS)


class RiskSCDClassifier(ClassifierMixin, BaseEstimator):
    """HCM Risk-SCD used as it is, with MACE cut points on its risk.

    Parameters
    ----------
    thresholds : "fit" or (float, float)
        ``"fit"`` chooses the cut points on the training data for the weighted kappa;
        a pair fixes them (e.g. :data:`ESC_BANDS`).
    """

    def __init__(self, thresholds: str | tuple[float, float] = "fit") -> None:
        self.thresholds = thresholds

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> RiskSCDClassifier:
        """Choose the cut points (nothing else is learnt)."""
        y = np.asarray(y).astype(int)
        self.classes_ = np.array([0, 1, 2])
        if isinstance(self.thresholds, str):
            if self.thresholds != "fit":
                raise ValueError("thresholds must be 'fit' or a pair of risks")
            self.thresholds_: tuple[float, ...] = fit_kappa_thresholds(risk_scd(X), y)
        else:
            self.thresholds_ = tuple(float(t) for t in self.thresholds)
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """The approximate 5-year risk."""
        check_is_fitted(self, "thresholds_")
        return risk_scd(X)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """MACE classes from the risk and the cut points."""
        check_is_fitted(self, "thresholds_")
        return apply_thresholds(risk_scd(X), self.thresholds_)

    @property
    def features_(self) -> list[str]:
        """The columns it reads (no SNP: it cannot pass the MACE rules on its own)."""
        return list(RISK_SCD_FEATURES)
