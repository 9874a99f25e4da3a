"""A data folder's CSV tables: find them, read them, and the file-level findings of every kit.

:func:`read_csv` is the one CSV reader of the kits: whatever keeps a file from being read
(absent, a folder, not UTF-8, cut in the middle of a line, not parsable as CSV) becomes a
:class:`~hdhkits.findings.DataError` that names the file and the fix, never a traceback
from inside pandas. :func:`read_table` reads a file and checks it against its
:class:`~hdhkits.schema.TableSchema`. :func:`check_files` is the file-level part of every
kit's ``check_data``: each table found, read and checked, the kit's own findings added on
tables without error, and row counts compared with the official files' (or those a twin
was written with, :data:`TWIN_MARKER`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from .files import text_file_problem
from .findings import WARNING, DataError, Finding, error, errors, short_list, warning, with_file
from .schema import TableSchema, check_frame

__all__ = [
    "CSV_ERRORS",
    "TWIN_MARKER",
    "ContentCheck",
    "check_files",
    "count_rows",
    "cut_last_line",
    "find_file",
    "read_csv",
    "read_table",
    "read_twin_marker",
    "row_count_findings",
]

#: What pandas raises on a file it cannot read as CSV (bad quoting, no column, an
#: encoding error past the sample :func:`~hdhkits.files.text_file_problem` looks at, a
#: value a dtype cannot hold): the one list every reader catches.
CSV_ERRORS = (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError)

#: The kit's own check :func:`check_files` calls on a table without error: ``(frame, schema, file) -> findings``.
ContentCheck = Callable[[pd.DataFrame, TableSchema, str], list[Finding]]


def find_file(folder: str | Path, schema: TableSchema) -> Path:
    """Locate a schema's file in a folder, under its official name or an alias.

    Raises
    ------
    DataError
        When no file of that name exists, naming every name tried.
    """
    folder = Path(folder)
    for name in (schema.file_name, *schema.aliases):
        candidate = folder / name
        if candidate.is_file():
            return candidate
        if candidate.exists() or candidate.is_symlink():  # a folder, or a link to nothing
            what, _, fix = (text_file_problem(candidate) or "cannot be read; copy the file again").partition("; ")
            raise DataError(
                folder,
                [
                    error(
                        f"'{name}' {what}",
                        kind="unreadable_file",
                        file=schema.file_name,
                        fix=fix or "put the official file there",
                    )
                ],
            )
    tried = " or ".join(repr(n) for n in (schema.file_name, *schema.aliases))
    listing = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    hint = f" (the folder holds: {short_list(listing, 10)})" if listing else " (the folder is empty or absent)"
    raise DataError(
        folder,
        [
            error(
                f"no file named {tried}{hint}",
                kind="missing_file",
                file=schema.file_name,
                fix="put the official file there or pass the right data_dir",
            )
        ],
    )


def _fields(line: str) -> int | None:
    try:
        return len(next(csv.reader(io.StringIO(line)), []))
    except csv.Error:  # e.g. a NUL byte: not a line the comparison can judge
        return None


def cut_last_line(path: str | Path, tail_bytes: int = 65536) -> Finding | None:
    """An error when a CSV's last line holds fewer fields than its header: a cut download.

    pandas reads such a line without a word, padding it with empty cells, so a file cut
    in the middle of a line would load with a half-empty last row. Only the header and
    the file's last ``tail_bytes`` are read.

    Parameters
    ----------
    path : str or Path
        A CSV file.
    tail_bytes : int
        How much of the end of the file to read for its last line.

    Returns
    -------
    Finding or None
        The error (kind ``cut_file``; ``unreadable_file`` for a file that is not UTF-8
        text at all: empty, UTF-16, compressed, binary, another encoding), or None when
        the last line is whole.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return None  # the reader says "not found" itself
    problem = text_file_problem(path)
    if problem is not None and problem.startswith("cannot be read"):
        return None  # permission or I/O: the reader's own error names it (the CLI: an unreadable input)
    if problem is not None:  # UTF-16, gzip, empty, binary...: say what it is, not that it looks cut
        what, _, fix = problem.partition("; ")
        return error(what, file=path.name, kind="unreadable_file", fix=fix or "download the file again")
    try:
        with path.open("rb") as fh:
            header = fh.readline().decode("utf-8-sig", errors="replace")
            size = fh.seek(0, 2)
            fh.seek(max(0, size - tail_bytes))
            tail = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return None  # the reader reports an unreadable file itself
    lines = [line for line in tail.splitlines() if line.strip()]
    if len(lines) < 2 and size <= tail_bytes:
        return None  # header only, or nothing: the reader says so
    expected, got = _fields(header), _fields(lines[-1])
    if expected is None or got is None or got >= expected:
        return None
    return error(
        f"the last line has {got} of the header's {expected} fields: the file looks cut (an interrupted download?)",
        file=path.name,
        kind="cut_file",
        fix="download the file again; the kit does not guess the missing values",
    )


def read_csv(
    path: str | Path, dtype: Mapping[str, str] | None = None, missing_fix: str = "check the path"
) -> pd.DataFrame:
    """Read a CSV file; whatever keeps it from being read raises a :class:`~hdhkits.findings.DataError`.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    dtype : mapping, optional
        Pandas dtypes of some columns (``TableSchema.dtypes()``: strings stay strings).
    missing_fix : str
        What to do when there is no such file (the fix of the ``missing_file`` error).

    Returns
    -------
    DataFrame
        The file as pandas reads it; values are not checked (:func:`read_table` does).

    Raises
    ------
    DataError
        One finding: the file is absent (``missing_file``), a folder, a broken link or
        unreadable (``unreadable_file``), cut (:func:`cut_last_line`), or not parsable as
        CSV (``unreadable_file``).
    """
    path = Path(path)
    if not path.is_file():
        if path.exists() or path.is_symlink():  # a folder, or a link to nothing
            what, _, fix = (text_file_problem(path) or "cannot be read; copy the file again").partition("; ")
            raise DataError(
                path, [error(f"'{path.name}' {what}", kind="unreadable_file", fix=fix or "put the official file there")]
            )
        raise DataError(path, [error(f"{path.name} not found", kind="missing_file", fix=missing_fix)])
    cut = cut_last_line(path)
    if cut is not None:
        raise DataError(path, [cut])
    types: dict[Hashable, str] = {name: kind for name, kind in (dtype or {}).items()}  # pandas keys: Hashable
    try:
        return pd.read_csv(path, dtype=types, low_memory=False)
    except CSV_ERRORS as exc:
        raise DataError(
            path,
            [
                error(
                    f"cannot be read as CSV: {exc}",
                    file=path.name,
                    kind="unreadable_file",
                    fix="download the file again; it may be cut or not a CSV",
                )
            ],
        ) from None


def read_table(
    path: str | Path,
    schema: TableSchema,
    check: bool = True,
    stop: Collection[str] | None = None,
    missing_fix: str = "check the path",
) -> pd.DataFrame:
    """Read a CSV file and check it against its schema.

    Parameters
    ----------
    path : str or Path
        A CSV file, or a folder holding it under its official name (or an alias).
    schema : TableSchema
        The expected layout.
    check : bool
        Run :func:`~hdhkits.schema.check_frame` and raise on its errors (warnings do not
        stop the read; :func:`~hdhkits.schema.check_frame` lists them).
    stop : collection of str, optional
        The kinds of error that stop the read (``"missing_column"``...), for a reader that
        handles the others itself (leaves those rows out); None: every error stops it.
    missing_fix : str
        What to do when there is no such file (the fix of the ``missing_file`` error).

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        The file is missing, unreadable, cut (:func:`cut_last_line`) or does not match
        the layout; every error is listed.
    """
    path = Path(path)
    if path.is_dir():
        path = find_file(path, schema)
    df = read_csv(path, schema.dtypes(), missing_fix)
    if check:
        blocking = [f for f in errors(check_frame(df, schema, file=path.name)) if stop is None or f.kind in stop]
        if blocking:
            raise DataError(path, blocking)
    return df


def _table_findings(
    data_dir: Path, schema: TableSchema, lenient: Mapping[str, str], content: ContentCheck | None
) -> tuple[list[Finding], str | None]:
    """The findings of one table of a folder, and the name it was found under (None when it was not read)."""
    try:
        path = find_file(data_dir, schema)
        frame = read_csv(path, schema.dtypes())
    except DataError as exc:
        return with_file(exc.findings, schema.file_name), (exc.path.name if exc.path.is_file() else None)
    found = [
        replace(f, severity=WARNING, fix=lenient[f.kind]) if f.is_error and f.kind in lenient else f
        for f in check_frame(frame, schema, file=path.name)
    ]
    if content is not None and not errors(found):
        found += content(frame, schema, path.name)
    return found, path.name


def check_files(
    data_dir: str | Path,
    schemas: Sequence[TableSchema],
    official_rows: Mapping[str, int] | None = None,
    content: ContentCheck | None = None,
    lenient: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every file-level finding of a folder's tables, each naming its file: the start of a kit's ``check_data``.

    For each schema, in order: the file is found (its official name or an alias,
    :func:`find_file`), read (:func:`read_csv`: absent, unreadable, cut or unparsable is
    one error) and checked against its layout (:func:`~hdhkits.schema.check_frame`);
    ``content`` adds the kit's own findings on a table without error. Last, the row
    count of each file present is compared with ``official_rows`` (:func:`row_count_findings`).

    Parameters
    ----------
    data_dir : str or Path
        The data folder.
    schemas : sequence of TableSchema
        The tables to check.
    official_rows : mapping, optional
        Official file name -> data rows; None compares no row count.
    content : callable, optional
        ``content(frame, schema, file)`` returns the kit's findings of a table as read
        (plausibility, coverage, outcomes), ``file`` the name it was found under.
    lenient : mapping, optional
        Finding kind -> fix: layout errors of these kinds are warnings with that fix
        (e.g. ``{"unknown_code": "the reader leaves those rows out"}``).

    Returns
    -------
    list of Finding
        Empty when every table is fine.
    """
    folder = Path(data_dir)
    found: list[Finding] = []
    expected_rows: dict[str, int] = {}
    for schema in schemas:
        table_findings, name = _table_findings(folder, schema, lenient or {}, content)
        found += table_findings
        if official_rows is not None and name is not None and schema.file_name in official_rows:
            expected_rows[name] = official_rows[schema.file_name]
    if official_rows is None:
        return found
    return found + row_count_findings(folder, expected_rows)


#: A hidden file ``write_twin`` puts in a twin's participant folder: the kit, seed, size
#: and the row count of each file, so a cut or partial twin is recognised as such and a
#: smaller twin (``quick``) is not mistaken for a partial download of the official files.
TWIN_MARKER = ".hdhkits-twin.json"


def count_rows(path: str | Path) -> int:
    """Data rows of a CSV file (lines after the header, a last line without newline counted)."""
    n, last = 0, b"\n"
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        n += 1  # a last line without a newline
    return max(0, n - 1)


def read_twin_marker(data_dir: str | Path) -> dict | None:
    """The twin marker of a folder (None for a folder that is not a twin, or an unreadable marker)."""
    try:
        return json.loads((Path(data_dir) / TWIN_MARKER).read_text())
    except (OSError, ValueError):
        return None


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        if size == 0:
            return True
        fh.seek(size - 1)
        return fh.read(1) in (b"\n", b"\r")


def row_count_findings(data_dir: str | Path, official_rows: dict[str, int], tolerance: float = 0.01) -> list[Finding]:
    """Warnings for files whose row count is far from the official one (a partial download?).

    A twin folder (with :data:`TWIN_MARKER`) is compared with the counts its generator
    wrote, other folders with the official counts. Fewer rows than expected by more than
    ``tolerance`` is a warning (the data loads; the kit uses the rows it has); so is a lot
    more. Missing files are left to the layout check.

    Parameters
    ----------
    data_dir : str or Path
        The data folder.
    official_rows : dict
        Official file name -> data rows (e.g. ``{"train.csv": 1253}``).
    tolerance : float
        Relative difference accepted silently.

    Returns
    -------
    list of Finding
    """
    marker = read_twin_marker(data_dir)
    expected = dict(official_rows)
    what = "the official file has"
    if marker and isinstance(marker.get("rows"), dict):
        expected = {k: int(v) for k, v in marker["rows"].items() if k in official_rows}
        what = f"the twin (seed {marker.get('seed')}, size {marker.get('size')}) was written with"
    found = []
    for name, want in expected.items():
        path = Path(data_dir) / name
        if not path.is_file() or want <= 0:
            continue
        got = count_rows(path)
        if abs(got - want) <= tolerance * want:
            continue
        kind = "fewer_rows" if got < want else "more_rows"
        fix = (
            "a partial download? download the file again; the kit uses the rows it has"
            if got < want
            else "is this the file of another challenge or release? the kit uses the rows it has"
        )
        cut = ""
        if got < want and not _ends_with_newline(path):
            # a cut inside the last field leaves as many fields as the header: only this tells
            cut = " and the last line ends without a line break: the file looks cut"
        found.append(warning(f"{got:,} data rows where {what} {want:,}{cut}", file=name, count=got, kind=kind, fix=fix))
    return found
