"""What a check finds in a data folder or a submission, and how serious it is.

One policy for every kit:

* an **error** is a layout problem that stops the kit: a missing or unreadable file,
  missing, renamed, extra or duplicated columns, a column order the platform needs
  (a submission's official columns in another order only warn: the kits read them by name),
  values that cannot be parsed (text in a number column, fractions in a code column,
  codes outside the official dictionary), empty cells where the file never has any,
  duplicate ids. The data is refused with every error listed at once.
* a **warning** is a plausibility problem: values outside a physiological or geometric
  range (a negative lab value, a box past the image border, an image of an unexpected
  size). The official files hold such values; the data loads, the warning is shown, and
  the kit handles the values in a stated way (the ``fix`` of the finding says how).

:class:`Finding` carries the severity, the file, the column, the first rows, the count,
the extreme value and the fix, so a notebook, the command line and the tests read the
same facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

__all__ = [
    "ERROR",
    "MAX_CHARS",
    "WARNING",
    "DataError",
    "Finding",
    "clip",
    "error",
    "errors",
    "findings_frame",
    "format_findings",
    "raise_for_errors",
    "short_list",
    "warning",
    "warnings_of",
    "with_file",
]

ERROR = "error"
WARNING = "warning"
_SEVERITIES = (ERROR, WARNING)

#: The most characters a finding prints (file, message and fix): a line a person reads. Lists
#: (columns, rows, images) are cut where they are written, with a count of the rest
#: (:func:`short_list`); :meth:`Finding.__str__` cuts whatever still runs longer.
MAX_CHARS = 300
# One value quoted in a list (a column name, an image name, a header read as one column).
_VALUE_CHARS = 40


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, saying how many were left out (exactly)."""
    text = str(text)
    if len(text) <= limit:
        return text
    keep = limit
    while keep > 0:
        kept = text[:keep].rstrip()
        tail = f"… (+{len(text) - len(kept):,} characters)"
        if len(kept) + len(tail) <= limit:
            return kept + tail
        keep = min(keep - 1, limit - len(tail))  # the count may grow a digit as less is kept
    return text[:limit]


def _quoted(value) -> str:
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        if len(value) > _VALUE_CHARS:
            return repr(value[: _VALUE_CHARS - 10]) + f"… ({len(value):,} characters)"
        return repr(value)
    return clip(str(value), _VALUE_CHARS)


def short_list(values: Iterable, limit: int = 5, what: str = "in all", quote: bool = True) -> str:
    """The first ``limit`` values, comma-separated, then ``… (N in all)`` when there are more.

    Parameters
    ----------
    values : iterable
        Values to show (strings are quoted; a string longer than 40 characters is cut and
        its length given).
    limit : int
        How many to show.
    what : str
        The words after the total (``"in all"``, ``"rows"``, ``"images"``).
    quote : bool
        Quote strings (``'alt_v1'``); False prints them as they are (row numbers, names).

    Returns
    -------
    str
    """
    values = list(values)
    shown = ", ".join(_quoted(v) if quote else clip(str(v), _VALUE_CHARS) for v in values[:limit])
    return shown + (f" … ({len(values):,} {what})" if len(values) > limit else "")


@dataclass(frozen=True)
class Finding:
    """One thing a check found.

    Parameters
    ----------
    severity : {"error", "warning"}
        ``error`` blocks (layout); ``warning`` is shown and handled (plausibility).
    message : str
        What is wrong, one sentence without the file name (``column 'ggt_v1': 4 value(s)
        below 0 (smallest -10.77) at data row(s) 406, 728``).
    file : str
        The file it concerns, relative to the data folder (``train.csv``,
        ``images/a.jpg``); empty for the folder itself.
    column : str, optional
        The column it concerns.
    rows : tuple of int
        The first data rows concerned, 1-based as a spreadsheet shows them under the
        header (at most a handful; ``count`` says how many in all).
    count : int
        How many values, rows, boxes or images are concerned (0 when not countable).
    extreme : float, optional
        The most extreme offending value, for range findings.
    kind : str
        A short stable code (``below_minimum``, ``missing_column``, ``box_past_border``
        …) that tests and notebooks can select on.
    fix : str
        For an error, what to do; for a warning, what the kit does with the values.
    """

    severity: str
    message: str
    file: str = ""
    column: str | None = None
    rows: tuple[int, ...] = ()
    count: int = 0
    extreme: float | None = None
    kind: str = ""
    fix: str = ""

    def __post_init__(self) -> None:
        if self.severity not in _SEVERITIES:
            raise ValueError(f"severity must be one of {_SEVERITIES}, not {self.severity!r}")

    @property
    def is_error(self) -> bool:
        """Whether this finding blocks."""
        return self.severity == ERROR

    def __str__(self) -> str:
        head = f"{clip(self.file, 80)}: " if self.file else ""
        tail = f"; {self.fix}" if self.fix else ""
        if len(head) + len(self.message) + len(tail) > MAX_CHARS:
            # the fix is what to do: keep as much of it as the message leaves room for
            tail = clip(tail, max(100, MAX_CHARS - len(head) - min(len(self.message), 160)))
            return f"{head}{clip(self.message, MAX_CHARS - len(head) - len(tail))}{tail}"
        return f"{head}{self.message}{tail}"

    def __contains__(self, text: str) -> bool:
        # lets callers and tests search the sentence as they would a string
        return text in str(self)

    def line(self) -> str:
        """The sentence with its severity in front, as ``hdhkits check`` prints it."""
        return f"{self.severity}: {self}"


def error(message: str, **fields) -> Finding:
    """An error :class:`Finding` (keyword arguments as the class)."""
    return Finding(ERROR, message, **fields)


def warning(message: str, **fields) -> Finding:
    """A warning :class:`Finding` (keyword arguments as the class)."""
    return Finding(WARNING, message, **fields)


class DataError(ValueError):
    """A data file does not match what the kit expects.

    Parameters
    ----------
    path : str or Path
        The offending file (or folder).
    problems : sequence of str or Finding
        Every problem found, one sentence (or finding) each.
    """

    def __init__(self, path: str | Path, problems: Sequence[str | Finding]):
        self.path = Path(path)
        self.findings = [p if isinstance(p, Finding) else error(str(p)) for p in problems]
        self.problems = [str(p) for p in problems]
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{self.path}: {len(self.problems)} problem(s)\n{lines}")

    def _render_traceback_(self) -> list[str]:
        # IPython and Jupyter show this instead of a traceback: the sentences name the file
        # and the fix, and frames from inside pandas or PIL would only hide them.
        return [f"{type(self).__name__}: {self}"]


def errors(findings: Iterable[Finding | str]) -> list[Finding]:
    """The findings that block (a bare string, from an older kit, counts as an error)."""
    return [
        f if isinstance(f, Finding) else error(str(f)) for f in findings if not isinstance(f, Finding) or f.is_error
    ]


def warnings_of(findings: Iterable[Finding | str]) -> list[Finding]:
    """The findings that are shown and handled."""
    return [f for f in findings if isinstance(f, Finding) and not f.is_error]


def with_file(findings: Iterable[Finding], file: str) -> list[Finding]:
    """The findings with ``file`` set where they name none."""
    return [f if f.file else replace(f, file=file) for f in findings]


def format_findings(findings: Sequence[Finding], indent: str = "  - ") -> str:
    """Errors first, then warnings, one line each with the severity in front."""
    ordered = errors(findings) + warnings_of(findings)
    return "\n".join(f"{indent}{f.line()}" for f in ordered)


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """The findings as a table (severity, file, column, count, extreme, first rows, message, fix)."""
    columns = ["severity", "file", "column", "kind", "count", "extreme", "first rows", "message", "fix"]
    rows = [
        (f.severity, f.file, f.column or "", f.kind, f.count, f.extreme, ", ".join(map(str, f.rows)), f.message, f.fix)
        for f in findings
    ]
    return pd.DataFrame(rows, columns=columns)


def raise_for_errors(path: str | Path, findings: Sequence[Finding]) -> list[Finding]:
    """Raise :class:`DataError` listing every error; return the warnings.

    Parameters
    ----------
    path : str or Path
        The folder or file the findings are about (named in the error).
    findings : sequence of Finding
        What a check returned.

    Returns
    -------
    list of Finding
        The warnings, when there is no error.
    """
    blocking = errors(findings)
    if blocking:
        raise DataError(path, blocking)
    return warnings_of(findings)
