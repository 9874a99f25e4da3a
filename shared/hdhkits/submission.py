"""Submission files: check every problem at once, write atomically.

Kits describe their submission with a :class:`SubmissionSpec` and add their own rules
on top of :func:`check_submission` (e.g. CYTOLOGIA's image names, Cardi-HACK's feature
rules).

Columns are read by name everywhere (validation, every kit's metric, the leaderboard,
the bundle's scoring program): a file with exactly the official columns in another
order is scored as the same file in the official order, with a ``column_order``
warning, since the challenge platform may read them by position.
:func:`write_submission` writes them in the official order when given the kit's spec.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .files import write_csv
from .findings import ERROR, DataError, Finding, error, warning
from .schema import ColumnSpec, check_column
from .tables import CSV_ERRORS

__all__ = [
    "SubmissionError",
    "SubmissionSpec",
    "check_submission",
    "column_order_warning",
    "official_order",
    "read_submission",
    "write_submission",
]


class SubmissionError(DataError):
    """A submission breaks the format; every problem is listed."""


@dataclass(frozen=True)
class SubmissionSpec:
    """The columns of a submission file.

    Parameters
    ----------
    columns : tuple of ColumnSpec
        Every column in official order; the first is the id column. Value columns are
        checked as non-nullable: a missing or infinite value is always a problem.
    """

    columns: tuple[ColumnSpec, ...]

    @property
    def id_column(self) -> str:
        return self.columns[0].name

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def official_order(columns: Iterable, spec: SubmissionSpec) -> list[str] | None:
    """The official order of ``columns`` when they are exactly the spec's columns, else None.

    Parameters
    ----------
    columns : iterable
        Column names, in any order.
    spec : SubmissionSpec
        The kit's submission columns.

    Returns
    -------
    list of str or None
        ``spec.names`` when ``columns`` holds each of them once and nothing else.
    """
    names = [str(c) for c in columns]
    return spec.names if len(names) == len(spec.names) and set(names) == set(spec.names) else None


def column_order_warning(spec: SubmissionSpec) -> Finding:
    """The ``column_order`` warning: the official columns in another order, scored by name."""
    header = ",".join(spec.names)
    return warning(
        f"columns in another order than the official {header}",
        kind="column_order",
        fix=(
            f"scored by name here, but the challenge platform may require the official order: write the header {header}"
        ),
    )


def _ids(values: Iterable, limit: int = 5) -> str:
    values = list(values)
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f" … ({len(values)} in all)" if len(values) > limit else "")


def check_submission(df: pd.DataFrame, spec: SubmissionSpec, expected_ids: Iterable) -> list[Finding]:
    """Every format problem of a submission.

    Checks missing and extra columns, the row count, ids missing, duplicated or
    unknown, empty, NaN or infinite cells, wrong types and out-of-range values. The
    official columns in another order are read by name: a ``column_order`` warning
    (:func:`column_order_warning`), since the challenge platform may need the official order.

    Parameters
    ----------
    df : DataFrame
        The submission as read.
    spec : SubmissionSpec
        The expected columns.
    expected_ids : iterable
        The ids of the test file, one per expected row.

    Returns
    -------
    list of Finding
        One error per problem (a submission has no "plausibility": every such problem
        makes it invalid), and the ``column_order`` warning; empty when the submission
        is valid in the official order.
    """
    problems: list[Finding] = []
    expected_ids = pd.Index(pd.unique(np.asarray(list(expected_ids))))
    present = [str(c) for c in df.columns]
    delimiter = _other_delimiter(present, spec)
    if delimiter:
        # every other problem would follow from the delimiter: say the one that matters
        return [
            error(
                f"the file looks {delimiter!r}-separated: its header is one column {present[0]!r}",
                kind="delimiter",
                fix=f"write it comma-separated, header {','.join(spec.names)} (pandas: to_csv(path, index=False))",
            )
        ]
    missing = [c for c in spec.names if c not in present]
    extra = [c for c in present if c not in spec.names]
    if missing:
        problems.append(
            error(
                f"missing column(s): {', '.join(repr(c) for c in missing)} (expected header: {','.join(spec.names)})",
                kind="missing_column",
                fix=f"write the header {','.join(spec.names)}",
            )
        )
    if extra:
        problems.append(
            error(f"unexpected column(s): {', '.join(repr(c) for c in extra)}", kind="extra_column", fix="remove them")
        )
    if present != spec.names and official_order(present, spec) is not None:
        problems.append(column_order_warning(spec))
    if len(df) != len(expected_ids):
        problems.append(
            error(
                f"{len(df)} rows where the test file has {len(expected_ids)}",
                kind="row_count",
                fix=f"one row per test id ({len(expected_ids)} rows)",
            )
        )
    id_col = spec.id_column
    if id_col in present:
        raw = df[id_col]
        numeric_ids = pd.api.types.is_numeric_dtype(expected_ids.dtype)
        ids = pd.to_numeric(raw, errors="coerce") if numeric_ids else raw.astype("string")
        bad = ids.isna() & raw.notna()
        if bad.any():
            problems.append(error(f"column '{id_col}': {int(bad.sum())} id(s) that are not numbers: {_ids(raw[bad])}"))
        if raw.isna().any():
            problems.append(error(f"column '{id_col}': {int(raw.isna().sum())} empty id(s)"))
        ids = ids[ids.notna()]
        dup = ids[ids.duplicated()]
        if len(dup):
            problems.append(error(f"column '{id_col}': duplicated id(s) {_ids(pd.unique(dup))}"))
        got = pd.Index(pd.unique(ids))
        if numeric_ids:
            got = got.astype(float)
            expected_cmp = expected_ids.astype(float)
        else:
            expected_cmp = expected_ids.astype(str)
        absent = expected_cmp.difference(got)
        unknown = got.difference(expected_cmp)
        if len(absent):
            problems.append(
                error(f"column '{id_col}': {len(absent)} test id(s) missing, such as {_ids(_clean(absent))}")
            )
        if len(unknown):
            problems.append(
                error(f"column '{id_col}': {len(unknown)} id(s) not in the test file, such as {_ids(_clean(unknown))}")
            )
    for spec_col in spec.columns[1:]:
        if spec_col.name in present:
            strict = ColumnSpec(
                spec_col.name, spec_col.kind, False, spec_col.minimum, spec_col.maximum, spec_col.allowed
            )
            problems.extend(check_column(df[spec_col.name].reset_index(drop=True), strict, range_severity=ERROR))
    return problems


def _other_delimiter(columns: list[str], spec: SubmissionSpec) -> str | None:
    """``;``, tab or ``|`` when a one-column header is the expected header split by it."""
    if len(columns) != 1:
        return None
    for sep in (";", "\t", "|"):
        if sep in columns[0] and spec.id_column in [c.strip() for c in columns[0].split(sep)]:
            return sep
    return None


def _clean(values: pd.Index) -> list:
    return [int(v) if isinstance(v, float) and float(v).is_integer() else v for v in sorted(values)]


def read_submission(path: str | Path) -> pd.DataFrame:
    """Read a submission CSV; unreadable files raise :class:`SubmissionError`."""
    path = Path(path)
    if path.is_dir():
        raise SubmissionError(path, ["is a folder, not a file; pass the submission CSV itself"])
    if not path.is_file():
        raise SubmissionError(path, ["file not found"])
    try:
        return pd.read_csv(path, dtype={"NAME": "string"})
    except CSV_ERRORS as exc:
        raise SubmissionError(path, [f"cannot be read as CSV: {exc}"]) from None


def write_submission(
    df: pd.DataFrame, path: str | Path, problems: list | None = None, spec: SubmissionSpec | None = None
) -> Path:
    """Write a submission atomically, refusing one with known problems.

    Parameters
    ----------
    df : DataFrame
        The submission, written as given (the kits' ``make_submission`` builds the official
        order), or in the official order of ``spec`` when its columns are exactly the spec's.
    path : str or Path
        Target file; an existing file is replaced only when writing succeeds.
    problems : list of Finding or str, optional
        Result of the kit's validation; when it holds an error (or a plain string)
        nothing is written. Warnings (a ``column_order`` one included) do not stop the write.
    spec : SubmissionSpec, optional
        The kit's submission columns, to write them in the official order
        (:func:`official_order`).

    Raises
    ------
    SubmissionError
        When ``problems`` holds an error.
    """
    blocking = [p for p in (problems or []) if not isinstance(p, Finding) or p.is_error]
    if blocking:
        raise SubmissionError(path, blocking)
    order = official_order(df.columns, spec) if spec is not None else None
    return write_csv(df if order is None else df.rename(columns=str)[order], path)
