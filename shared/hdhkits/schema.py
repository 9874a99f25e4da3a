"""Column-level schemas for the challenge files, and the checks of a table against them.

A :class:`TableSchema` lists a file's columns in their official order. :func:`check_frame`
returns every :class:`~hdhkits.findings.Finding` of a table at once. Layout problems
(missing, extra or renamed columns, values that cannot be parsed, codes outside the
dictionary, duplicate ids) are errors: :func:`hdhkits.tables.read_table` raises a single
:class:`~hdhkits.findings.DataError` that names the file and lists them all, so a
participant fixes everything in one pass. Values outside a column's plausible range are
warnings: the official files hold some (noise-made negative lab values), so they never
stop a read. Finding and reading the files is :mod:`hdhkits.tables`.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .findings import ERROR, WARNING, Finding, error, short_list, warning, with_file

__all__ = [
    "ColumnSpec",
    "TableSchema",
    "check_column",
    "check_frame",
    "constant_column_findings",
    "empty_column_findings",
]

_KINDS = ("int", "float", "str", "code")


@dataclass(frozen=True)
class ColumnSpec:
    """What one column may hold.

    Parameters
    ----------
    name : str
        Column name, exactly as in the official file.
    kind : {"int", "float", "str", "code"}
        ``int`` and ``float`` are numeric (an ``int`` column must hold whole numbers,
        missing cells allowed when ``nullable``); ``code`` is a numeric column restricted
        to ``allowed``; ``str`` is free text.
    nullable : bool
        Whether empty cells are allowed.
    minimum, maximum : float, optional
        Inclusive bounds for numeric columns.
    allowed : tuple, optional
        The only values a ``code`` or ``str`` column may take.
    out_of_range : str
        What the kit does with values outside ``minimum``/``maximum`` in a data file
        (the ``fix`` of the warning), e.g. "the features treat them as missing".
    """

    name: str
    kind: str = "float"
    nullable: bool = True
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple | None = None
    out_of_range: str = "kept as they are; look at them before modelling"

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"column {self.name!r}: kind must be one of {_KINDS}, not {self.kind!r}")


@dataclass(frozen=True)
class TableSchema:
    """The official layout of one file.

    Parameters
    ----------
    file_name : str
        Official file name, e.g. ``"train.csv"``.
    columns : sequence of ColumnSpec
        Every column, in the official order.
    id_column : str, optional
        A column whose values must be unique.
    aliases : tuple of str
        Other names under which the file is accepted (e.g. ``test.csv`` for
        ``val_test.csv``).
    check_order : bool
        Whether a column order different from the official one is a problem.
    """

    file_name: str
    columns: tuple[ColumnSpec, ...]
    id_column: str | None = None
    aliases: tuple[str, ...] = ()
    check_order: bool = True
    description: str = field(default="", compare=False)

    @property
    def names(self) -> list[str]:
        """Column names in official order."""
        return [c.name for c in self.columns]

    def dtypes(self) -> dict[str, str]:
        """Pandas dtypes to read the file with (strings stay strings)."""
        return {c.name: "string" for c in self.columns if c.kind == "str"}


def _describe_values(values: Iterable, limit: int = 5) -> str:
    return short_list(values, limit)


def _row_numbers(index: Iterable, limit: int = 5) -> tuple[int, ...]:
    return tuple(int(i) + 1 for i in list(index)[:limit])


def _rows(index: Iterable, limit: int = 5) -> str:
    """Human row numbers: 1-based data rows, as a spreadsheet shows them minus the header."""
    return short_list([int(i) + 1 for i in index], limit, "rows", quote=False)


def check_column(series: pd.Series, spec: ColumnSpec, range_severity: str = WARNING) -> list[Finding]:
    """Findings of one column against its spec (empty list when it conforms).

    Parameters
    ----------
    series : Series
        The column, index 0..n-1.
    spec : ColumnSpec
        What it may hold.
    range_severity : {"warning", "error"}
        Severity of values outside ``minimum``/``maximum``: a warning in data files
        (plausibility), an error in submissions (a probability above 1 is invalid).

    Returns
    -------
    list of Finding
        Without a file name (the caller knows it).
    """
    found = _empty_cells(series, spec)
    present = series[~series.isna()]
    if spec.kind == "str":
        return found + _unknown_strings(present, spec)
    numeric, problems = _numeric_values(present, spec)
    return found + problems + _codes_outside(numeric, spec) + _out_of_range(numeric, spec, range_severity)


def _empty_cells(series: pd.Series, spec: ColumnSpec) -> list[Finding]:
    missing = series.isna()
    if spec.nullable or not missing.any():
        return []
    where = np.flatnonzero(missing.to_numpy())
    return [
        error(
            f"column '{spec.name}': {int(missing.sum())} empty cell(s) at data row(s) {_rows(where)}",
            column=spec.name,
            rows=_row_numbers(where),
            count=int(missing.sum()),
            kind="empty_cells",
            fix="this column may not be empty; fill it in or use the official file",
        )
    ]


def _unknown_strings(present: pd.Series, spec: ColumnSpec) -> list[Finding]:
    if spec.allowed is None:
        return []
    bad = ~present.astype(str).isin([str(a) for a in spec.allowed])
    if not bad.any():
        return []
    return [
        error(
            f"column '{spec.name}': unknown value(s) {_describe_values(pd.unique(present[bad]))} "
            f"at data row(s) {_rows(present.index[bad])}",
            column=spec.name,
            rows=_row_numbers(present.index[bad]),
            count=int(bad.sum()),
            kind="unknown_code",
            fix=f"allowed: {_describe_values(spec.allowed, 30)}",
        )
    ]


def _numeric_values(present: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, list[Finding]]:
    """The finite numbers of a column, and the errors of the cells that are not."""
    found: list[Finding] = []
    name = spec.name
    numeric = pd.to_numeric(present, errors="coerce")
    not_numeric = numeric.isna()
    if not_numeric.any():
        found.append(
            error(
                f"column '{name}': {int(not_numeric.sum())} non-numeric value(s) such as "
                f"{_describe_values(pd.unique(present[not_numeric]))} at data row(s) "
                f"{_rows(present.index[not_numeric])}",
                column=name,
                rows=_row_numbers(present.index[not_numeric]),
                count=int(not_numeric.sum()),
                kind="not_numeric",
                fix="expected numbers; check the delimiter and the decimal mark",
            )
        )
    numeric = numeric[~not_numeric].astype(float)
    infinite = ~np.isfinite(numeric.to_numpy())
    if infinite.any():
        found.append(
            error(
                f"column '{name}': {int(infinite.sum())} infinite value(s) at data row(s) "
                f"{_rows(numeric.index[infinite])}",
                column=name,
                rows=_row_numbers(numeric.index[infinite]),
                count=int(infinite.sum()),
                kind="infinite",
                fix="expected finite numbers",
            )
        )
        numeric = numeric[~infinite]
    if spec.kind in ("int", "code"):
        fractional = numeric != np.round(numeric)
        if fractional.any():
            found.append(
                error(
                    f"column '{name}': {int(fractional.sum())} non-integer value(s) such as "
                    f"{_describe_values(pd.unique(numeric[fractional]))} at data row(s) "
                    f"{_rows(numeric.index[fractional])}",
                    column=name,
                    rows=_row_numbers(numeric.index[fractional]),
                    count=int(fractional.sum()),
                    kind="not_integer",
                    fix="expected whole numbers",
                )
            )
    return numeric, found


def _codes_outside(numeric: pd.Series, spec: ColumnSpec) -> list[Finding]:
    if spec.allowed is None:
        return []
    bad = ~numeric.isin([float(a) for a in spec.allowed])
    if not bad.any():
        return []
    return [
        error(
            f"column '{spec.name}': value(s) {_describe_values(pd.unique(numeric[bad]))} outside the "
            f"allowed codes {_describe_values(spec.allowed, 30)} at data row(s) {_rows(numeric.index[bad])}",
            column=spec.name,
            rows=_row_numbers(numeric.index[bad]),
            count=int(bad.sum()),
            kind="unknown_code",
            fix="the official dictionary has no such code; check that this is the official file",
        )
    ]


def _out_of_range(numeric: pd.Series, spec: ColumnSpec, range_severity: str) -> list[Finding]:
    # A warning in data files (plausibility), an error in submissions.
    found: list[Finding] = []
    make = error if range_severity == ERROR else warning
    fix = "out of range" if range_severity == ERROR else spec.out_of_range
    name = spec.name
    bounds = (
        (spec.minimum, operator.lt, "below", "smallest", pd.Series.min, "below_minimum"),
        (spec.maximum, operator.gt, "above", "largest", pd.Series.max, "above_maximum"),
    )
    for bound, beyond, side, most, extreme_of, kind in bounds:
        if bound is None:
            continue
        outside = beyond(numeric, bound)
        if not outside.any():
            continue
        extreme = float(extreme_of(numeric[outside]))
        found.append(
            make(
                f"column '{name}': {int(outside.sum())} value(s) {side} {bound:g} "
                f"({most} {extreme:g}) at data row(s) {_rows(numeric.index[outside])}",
                column=name,
                rows=_row_numbers(numeric.index[outside]),
                count=int(outside.sum()),
                extreme=extreme,
                kind=kind,
                fix=fix,
            )
        )
    return found


def _close_name(name: str, candidates: Sequence[str]) -> list[str]:
    """Candidates that look like a renaming of ``name`` (case, spacing, typos)."""
    folded = {c.casefold().strip(): c for c in candidates}
    if name.casefold() in folded:
        return [folded[name.casefold()]]
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.8)
    return [folded[c] for c in close]


def _other_delimiter(present: Sequence[str], expected: Sequence[str]) -> str | None:
    """``;``, tab or ``|`` when a one-column header is the expected header split by it."""
    if len(present) != 1:
        return None
    for sep in (";", "\t", "|"):
        parts = [c.strip() for c in present[0].split(sep)]
        if sep in present[0] and len(set(parts) & set(expected)) >= min(2, len(expected)):
            return sep
    return None


def check_frame(df: pd.DataFrame, schema: TableSchema, file: str | None = None) -> list[Finding]:
    """Every finding of a table against its schema.

    Parameters
    ----------
    df : DataFrame
        The table as read (index 0..n-1).
    schema : TableSchema
        The expected layout.
    file : str, optional
        File name put on the findings (default: the schema's official name).

    Returns
    -------
    list of Finding
        Errors (layout) and warnings (plausibility); empty when the table conforms.
    """
    file = schema.file_name if file is None else file
    found: list[Finding] = []
    expected = schema.names
    present = [str(c) for c in df.columns]
    delimiter = _other_delimiter(present, expected)
    if delimiter:  # every column would look missing: say the one thing that matters
        names = present[0].split(delimiter)
        return with_file(
            [
                error(
                    f"the file looks {delimiter!r}-separated: its header is one column holding "
                    f"{len(names):,} names joined by {delimiter!r} "
                    f"({short_list(names[:3], quote=False)}, …)",
                    kind="delimiter",
                    fix="use the official file as downloaded (comma-separated); a spreadsheet "
                    "may have saved it with ';': export as CSV with ',' instead",
                )
            ],
            file,
        )
    if len(df) == 0 and present:
        found.append(
            error(
                "holds a header and no data rows",
                kind="no_rows",
                fix="download the file again; the notebooks cannot train or predict on it",
            )
        )
    duplicated_names = sorted({c for c in present if present.count(c) > 1})
    if duplicated_names:
        found.append(
            error(
                f"duplicated column name(s): {_describe_values(duplicated_names)}",
                kind="duplicated_column",
                fix="every column name must appear once",
            )
        )
    missing = [c for c in expected if c not in present]
    extra = [c for c in present if c not in expected]
    for col in missing:
        close = _close_name(col, extra)
        if close:
            found.append(
                error(
                    f"column '{col}' is missing; found '{close[0]}' instead",
                    column=col,
                    kind="renamed_column",
                    fix=f"rename it back to '{col}'",
                )
            )
        else:
            found.append(
                error(
                    f"column '{col}' is missing",
                    column=col,
                    kind="missing_column",
                    fix="use the official file as downloaded",
                )
            )
    unmatched_extra = [c for c in extra if not _close_name(c, missing)]
    if unmatched_extra:
        found.append(
            error(
                f"unexpected column(s) {_describe_values(unmatched_extra)}; the official file has "
                f"{len(expected)} columns",
                kind="extra_column",
                fix="remove them",
            )
        )
    if schema.check_order and not missing and not extra and not duplicated_names and present != expected:
        first = next(i for i, (a, b) in enumerate(zip(present, expected)) if a != b)
        found.append(
            error(
                f"columns are not in the official order: position {first + 1} holds '{present[first]}' "
                f"where '{expected[first]}' is expected",
                column=present[first],
                kind="column_order",
                fix="write the columns in the official order",
            )
        )
    for spec in schema.columns:
        if spec.name in present and spec.name not in duplicated_names:
            found.extend(check_column(df[spec.name], spec))
    if schema.id_column and schema.id_column in present and schema.id_column not in duplicated_names:
        ids = df[schema.id_column]
        dup = ids.duplicated(keep=False) & ids.notna()
        if dup.any():
            where = np.flatnonzero(dup.to_numpy())
            found.append(
                error(
                    f"column '{schema.id_column}': {int(ids[dup].nunique())} duplicated id(s) such as "
                    f"{_describe_values(pd.unique(ids[dup]))} at data row(s) {_rows(where)}",
                    column=schema.id_column,
                    rows=_row_numbers(where),
                    count=int(dup.sum()),
                    kind="duplicate_id",
                    fix="every id must appear once",
                )
            )
    return with_file(found, file)


def _value(value) -> str:
    value = value.item() if hasattr(value, "item") else value
    return f"{value:g}" if isinstance(value, float) else str(value)


def empty_column_findings(
    frame: pd.DataFrame, columns: Sequence[str], file: str, fix: str, what: str = "column"
) -> list[Finding]:
    """One warning naming the columns of ``columns`` that hold no value at all (kind ``empty_column``).

    A file can pass the layout check with a column a filter emptied, or a variable the
    cohort never measured; the notebooks then meet a step without data. One finding per
    file, the columns cut with a count of the rest.

    Parameters
    ----------
    frame : DataFrame
        The table as read.
    columns : sequence of str
        The columns to look at (those absent from ``frame`` are skipped).
    file : str
        The file named on the finding.
    fix : str
        What the kit does without them.
    what : str
        The word for one column in the sentence (``"column"``, ``"SNP column"``).

    Returns
    -------
    list of Finding
        Empty, or one warning (``column`` is the first empty column, ``count`` how many).
    """
    empty = [c for c in columns if c in frame.columns and frame[c].isna().all()]
    if not empty or len(frame) == 0:
        return []
    return [
        warning(
            f"{len(empty)} {what}(s) hold no value in any row: {short_list(empty)}",
            file=file,
            column=empty[0],
            count=len(empty),
            kind="empty_column",
            fix=fix,
        )
    ]


def constant_column_findings(
    frame: pd.DataFrame, columns: Sequence[str], file: str, fix: str, what: str = "column"
) -> list[Finding]:
    """One warning naming the columns of ``columns`` that hold a single value (kind ``constant_column``).

    Empty cells are not a value; entirely empty columns are left to
    :func:`empty_column_findings`. A file of one row holds nothing but constants: it is
    not judged.

    Parameters
    ----------
    frame : DataFrame
        The table as read.
    columns : sequence of str
        The columns to look at.
    file : str
        The file named on the finding.
    fix : str
        What the kit does with them.
    what : str
        The word for one column in the sentence.

    Returns
    -------
    list of Finding
        Empty, or one warning naming the columns with their one value.
    """
    if len(frame) < 2:
        return []
    constant = [c for c in columns if c in frame.columns and frame[c].nunique(dropna=True) == 1]
    if not constant:
        return []
    shown = short_list([f"{c} = {_value(frame[c].dropna().iloc[0])}" for c in constant], quote=False)
    return [
        warning(
            f"{len(constant)} {what}(s) hold one value in every row that has one: {shown}",
            file=file,
            column=constant[0],
            count=len(constant),
            kind="constant_column",
            fix=fix,
        )
    ]
