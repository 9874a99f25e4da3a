"""Implausible values in the ANNITIA files: the plausible ranges, their warnings, and what the kit does.

The official files load whatever their values; a value outside its plausible range
(:data:`PLAUSIBLE_RANGES`) is a **warning** (:mod:`hdhkits.findings`), handled in one
stated way:

==========================================  ===========================================
values outside their range                  handling
==========================================  ===========================================
labs and measurements (every visit          missing for the features
variable but ``Age``), the bariatric        (:func:`plausible_values`, called by
surgery age                                 ``build_features``); the file is not changed
visit ages, event ages                      kept as they are: ages are the clock of both
                                            outcomes, the kit cannot guess a right one
==========================================  ===========================================

The official files hold a few such values (negative GGT, slightly negative FibroTest):
noise from the organisers' synthesis, not measurements. A value of -10 IU/L says nothing
about the liver, and clipping it to 0 would invent a very low GGT, hence "missing".

The layout check (:func:`hdhkits.annitia.schema.check_data`) reads the ranges from here:
its column specs carry :func:`plausible_bounds`, so :func:`plausibility_findings` and the
check give the same warnings, in the same words.
"""

from __future__ import annotations

import pandas as pd

from ..findings import Finding, with_file
from ..schema import ColumnSpec, check_column
from .columns import DEATH_AGE, HEPATIC_AGE, VISIT_COLUMN_RE, VISIT_VARIABLES, visit_columns

__all__ = [
    "IMPLAUSIBLE_AGE_HANDLING",
    "IMPLAUSIBLE_LAB_HANDLING",
    "IMPLAUSIBLE_SURGERY_AGE_HANDLING",
    "MASKED_COLUMNS",
    "PLAUSIBLE_RANGES",
    "RANGE_KINDS",
    "implausible_cells",
    "plausibility_findings",
    "plausible_bounds",
    "plausible_values",
    "required_bounds",
]

#: Plausible bounds (inclusive). Keys are visit variables (the range holds at every visit:
#: ``ggt`` for ``ggt_v1`` … ``ggt_v21``) and single columns (``bariatric_surgery_age``, the
#: two event ages). Wide enough for any real value, tight enough to catch a unit mix-up
#: (platelets in 10^3/µL are fine, in /L are not).
PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "Age": (0, 120),
    "BMI": (8, 120),
    "alt": (0, 10000),
    "ast": (0, 10000),
    "bilirubin": (0, 2000),
    "chol": (0, 50),
    "ggt": (0, 20000),
    "gluc_fast": (0, 100),
    "plt": (0, 3000),
    "triglyc": (0, 200),
    "aixp_aix_result_BM_3": (0, 400),
    "fibrotest_BM_2": (0, 1),
    "fibs_stiffness_med_BM_1": (0, 100),
    "bariatric_surgery_age": (0, 120),
    HEPATIC_AGE: (0, 130),
    DEATH_AGE: (0, 130),
}

#: What the kit does with a lab or measurement outside its range (the ``fix`` of the warning).
IMPLAUSIBLE_LAB_HANDLING = "impossible as measurements: build_features treats them as missing (the file is not changed)"
#: What the kit does with a bariatric surgery age outside its range.
IMPLAUSIBLE_SURGERY_AGE_HANDLING = "build_features treats them as missing (the file is not changed)"
#: Ages are the clock of both outcomes; the kit cannot guess a right one.
IMPLAUSIBLE_AGE_HANDLING = "kept as they are (ages are the clock of both outcomes); check the file"

#: Columns whose implausible values :func:`plausible_values` sets missing: every lab and
#: measurement visit column (all visit variables but ``Age``), then ``bariatric_surgery_age``.
MASKED_COLUMNS: tuple[str, ...] = (
    *(col for var in VISIT_VARIABLES if var != "Age" for col in visit_columns(var)),
    "bariatric_surgery_age",
)
#: ``kind`` of the range warnings.
RANGE_KINDS = ("below_minimum", "above_maximum")


def plausible_bounds(column: str) -> tuple[float, float, str] | None:
    """The plausible range of a column and what the kit does outside it.

    Parameters
    ----------
    column : str
        A column of ``train.csv`` or ``val_test.csv`` (``ggt_v3``, ``death_age_occur`` …).

    Returns
    -------
    (low, high, handling) or None
        Inclusive bounds and the warning's fix; None for a column without a range
        (identifiers, codes, event indicators, unknown names).
    """
    match = VISIT_COLUMN_RE.match(column)
    key = match.group("var") if match and match.group("var") in VISIT_VARIABLES else column
    if key not in PLAUSIBLE_RANGES:
        return None
    low, high = PLAUSIBLE_RANGES[key]
    if key in ("Age", HEPATIC_AGE, DEATH_AGE):
        return low, high, IMPLAUSIBLE_AGE_HANDLING
    if key == "bariatric_surgery_age":
        return low, high, IMPLAUSIBLE_SURGERY_AGE_HANDLING
    return low, high, IMPLAUSIBLE_LAB_HANDLING


def required_bounds(column: str) -> tuple[float, float, str]:
    """:func:`plausible_bounds` of a column that must have a range (a visit column, an age).

    Parameters
    ----------
    column : str
        A column the kit checks or masks by its range (``ggt_v3``, ``Age_v1`` …).

    Returns
    -------
    (low, high, handling)
        Inclusive bounds and the warning's fix.

    Raises
    ------
    ValueError
        The column has no range: a new visit variable must be given one in
        :data:`PLAUSIBLE_RANGES` before the schema or the masking can use it.
    """
    bounds = plausible_bounds(column)
    if bounds is None:
        raise ValueError(f"column '{column}' has no plausible range; add one to PLAUSIBLE_RANGES")
    return bounds


def plausibility_findings(frame: pd.DataFrame, file: str) -> list[Finding]:
    """The warnings for values outside :data:`PLAUSIBLE_RANGES`, as ``check_data`` gives them.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``val_test.csv`` as read (index 0..n-1).
    file : str
        File name put on the findings.

    Returns
    -------
    list of Finding
        Warnings of kind ``below_minimum`` or ``above_maximum``, one per column and side,
        in column order, each with its count, first rows, extreme value and handling.
        Cells that are not numbers are left to the layout check.
    """
    names = [str(c) for c in frame.columns]
    found: list[Finding] = []
    for column in dict.fromkeys(names):
        bounds = plausible_bounds(column)
        if bounds is None or names.count(column) > 1:
            continue
        low, high, handling = bounds
        spec = ColumnSpec(column, "float", minimum=low, maximum=high, out_of_range=handling)
        found += [f for f in check_column(frame[column], spec) if f.kind in RANGE_KINDS]
    return with_file(found, file)


def implausible_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Where a lab or measurement lies outside its plausible range (True), per cell.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``val_test.csv`` as read.

    Returns
    -------
    DataFrame of bool
        One column per column of :data:`MASKED_COLUMNS` present in ``frame``; False for
        missing cells.
    """
    columns = [c for c in MASKED_COLUMNS if c in frame.columns]
    values = frame[columns].apply(pd.to_numeric, errors="coerce")
    low = pd.Series({c: required_bounds(c)[0] for c in columns}, dtype=float)
    high = pd.Series({c: required_bounds(c)[1] for c in columns}, dtype=float)
    return values.lt(low, axis=1) | values.gt(high, axis=1)


def plausible_values(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every lab or measurement outside its plausible range set missing.

    The choice the kit makes for the values ``check`` warns about (negative GGT, slightly
    negative FibroTest …): they cannot be measurements, so they carry no information, and
    the patient is treated as not measured at that visit. Ages are not touched.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``val_test.csv`` as read.

    Returns
    -------
    DataFrame
        A copy with those cells empty; ``frame`` itself when no value is out of range
        (the caller's table is never changed).
    """
    bad = implausible_cells(frame)
    if not bad.to_numpy().any():
        return frame
    frame = frame.copy()
    for col in bad.columns[bad.any()]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").mask(bad[col])
    return frame
