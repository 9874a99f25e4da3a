"""Implausible values in the Cardi-HACK files: what the check warns about, and what the kit does.

The official files load whatever their clinical values; implausible ones are
**warnings** (:mod:`hdhkits.findings`), each handled in one stated way before modelling:

==============================  ====================================================  ===================================
warning ``kind``                what the file holds                                   handling (:func:`plausible_values`)
==============================  ====================================================  ===================================
``unknown_code_zero``           ``Age_Diag`` of 0.0, the file's "unknown" code        ``Age_Diag`` missing
``diagnosis_after_baseline``    ``Age_Diag`` above ``Age_Baseline``: a                ``Age_Diag`` missing (the baseline
                                diagnosis after the baseline visit                    age, a measured visit, is kept)
``below_minimum`` /             a continuous column outside                           that value missing
``above_maximum``               :data:`PLAUSIBLE_RANGES`
==============================  ====================================================  ===================================

"Missing" then goes to the model's imputer (the training median in the baselines), so one
odd cell never drops a patient. :class:`PlausibleValues` is the pipeline step that applies
the handling; it learns nothing, so it is the same inside and outside cross-validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags

from ..findings import Finding, warning

__all__ = [
    "DIAGNOSIS_AFTER_BASELINE_HANDLING",
    "OUT_OF_RANGE_HANDLING",
    "PLAUSIBLE_RANGES",
    "UNKNOWN_AGE_DIAG_HANDLING",
    "PlausibleValues",
    "plausibility_findings",
    "plausible_values",
    "unknown_as_missing",
]

#: Plausible ranges of the continuous clinical columns (inclusive). Values outside are
#: warnings, never errors: the data loads, and the baselines treat them as missing
#: (:func:`plausible_values`). Wide enough that the official train file passes (age 14–91,
#: ``Epaiss_max`` 9–41 mm, BMI 27.2 ± 4.5, ``Diam_OG`` 41.7 ± 6.2 mm); ``BSA`` is on the
#: file's non-m² scale (71.7 ± 15, see the README); ``Age_Diag`` starts at 0 because 0.0 is
#: its "unknown" code, checked on its own. The schema's column specs read them
#: (:mod:`hdhkits.cardihack.schema`), so the range warnings come from its check.
PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "Age_Baseline": (10, 100),
    "Age_Diag": (0, 100),
    "BMI": (12, 70),
    "BSA": (20, 250),
    "Epaiss_max": (5, 60),
    "Diam_OG": (15, 90),
}
#: What the kit does with a value outside :data:`PLAUSIBLE_RANGES` (the warning's fix).
OUT_OF_RANGE_HANDLING = (
    "the baselines treat these values as missing and impute the training median (hdhkits.cardihack.plausible_values)"
)

#: What the kit does with an ``Age_Diag`` of 0.0 (the warning's fix).
UNKNOWN_AGE_DIAG_HANDLING = (
    "treated as missing, being unknown (hdhkits.cardihack.plausible_values), then imputed by the model"
)
#: What the kit does with an ``Age_Diag`` above ``Age_Baseline`` (the warning's fix).
DIAGNOSIS_AFTER_BASELINE_HANDLING = (
    "Age_Diag treated as missing for these patients, Age_Baseline kept (hdhkits.cardihack.plausible_values)"
)


def _rows(mask: np.ndarray, limit: int = 5) -> tuple[int, ...]:
    """1-based data rows of a mask (as a spreadsheet shows them under the header)."""
    return tuple(int(i) + 1 for i in np.flatnonzero(mask)[:limit])


def _rows_text(mask: np.ndarray) -> str:
    rows = _rows(mask)
    more = int(mask.sum()) - len(rows)
    return ", ".join(map(str, rows)) + (f" … ({int(mask.sum())} rows)" if more > 0 else "")


def _number(frame: pd.DataFrame, column: str) -> np.ndarray | None:
    """The column as floats (unparsable cells NaN, left to the schema check), or None if absent."""
    if column not in frame.columns:
        return None
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(float)


def plausibility_findings(frame: pd.DataFrame, file: str) -> list[Finding]:
    """The warnings about ``Age_Diag`` a schema check cannot see (ranges are the schema's job).

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``test.csv`` as read (index 0..n-1).
    file : str
        The file name put on the findings.

    Returns
    -------
    list of Finding
        ``unknown_code_zero`` (``Age_Diag`` of 0.0) and ``diagnosis_after_baseline``
        (``Age_Diag`` above ``Age_Baseline``), warnings only, each with its count, first
        rows and handling; empty when the file holds neither.
    """
    found: list[Finding] = []
    diag, age = _number(frame, "Age_Diag"), _number(frame, "Age_Baseline")
    if diag is None:
        return found
    zero = diag == 0
    if zero.any():
        found.append(
            warning(
                f"column 'Age_Diag': {int(zero.sum())} value(s) of 0.0 (the file's code for unknown) "
                f"at data row(s) {_rows_text(zero)}",
                file=file,
                column="Age_Diag",
                rows=_rows(zero),
                count=int(zero.sum()),
                extreme=0.0,
                kind="unknown_code_zero",
                fix=UNKNOWN_AGE_DIAG_HANDLING,
            )
        )
    if age is not None:
        with np.errstate(invalid="ignore"):
            gap = diag - age
            after = ~zero & (gap > 0)
        if after.any():
            found.append(
                warning(
                    f"column 'Age_Diag': {int(after.sum())} diagnosis age(s) after the baseline visit "
                    f"(Age_Diag > Age_Baseline, by up to {gap[after].max():.1f} years) at data row(s) "
                    f"{_rows_text(after)}",
                    file=file,
                    column="Age_Diag",
                    rows=_rows(after),
                    count=int(after.sum()),
                    extreme=float(gap[after].max()),
                    kind="diagnosis_after_baseline",
                    fix=DIAGNOSIS_AFTER_BASELINE_HANDLING,
                )
            )
    return found


def unknown_as_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where the file's "unknown" codes are NaN: ``Age_Diag`` of 0.0 means unknown.

    Nobody is diagnosed at age 0 in an adult HCM cohort, so a 0.0 is a placeholder, and
    averaging it in would pull the age at diagnosis down by years.
    """
    out = frame.copy()
    if "Age_Diag" in out.columns:
        out["Age_Diag"] = out["Age_Diag"].mask(out["Age_Diag"] == 0)
    return out


def plausible_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every implausible value the check warns about set to missing (NaN).

    ``Age_Diag`` of 0.0 (unknown) and ``Age_Diag`` above ``Age_Baseline`` become NaN in
    ``Age_Diag``; a value outside :data:`PLAUSIBLE_RANGES`
    becomes NaN in its column. Columns the frame lacks are skipped, so it works on a
    model's selected columns as well as on a whole file.
    """
    out = unknown_as_missing(frame)
    for column, (low, high) in PLAUSIBLE_RANGES.items():
        if column in out.columns:
            values = pd.to_numeric(out[column], errors="coerce")
            out[column] = values.mask((values < low) | (values > high))
    if {"Age_Diag", "Age_Baseline"} <= set(out.columns):
        # NaN comparisons are False, so an unknown or out-of-range age leaves the other alone
        out["Age_Diag"] = out["Age_Diag"].mask(out["Age_Diag"] > out["Age_Baseline"])
    return out


class PlausibleValues(TransformerMixin, BaseEstimator):
    """Pipeline step applying :func:`plausible_values` (implausible values to NaN, for the imputer).

    It learns nothing from the data, so placing it inside a cross-validated pipeline
    leaks nothing.
    """

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike | None = None) -> Self:
        if not isinstance(X, pd.DataFrame):
            raise TypeError("PlausibleValues takes a pandas DataFrame with the official column names")
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise TypeError("PlausibleValues takes a pandas DataFrame with the official column names")
        return plausible_values(X)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        return self.feature_names_in_

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False  # it learns nothing: transform needs no fit
        return tags
