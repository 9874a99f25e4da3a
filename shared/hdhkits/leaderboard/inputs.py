"""The leaderboard's inputs: the submission files of a folder, read safely, and the truth.

A folder of submissions as an organiser holds it on the last day: ``*.csv`` files, or
``*.zip`` archives each holding one CSV (Codabench stores submissions that way). The
file's stem is the submission's name. Every file is read on its own, and whatever is
wrong with it (empty, binary, cut, a zip of two CSVs, larger than
:data:`MAX_SUBMISSION_BYTES`) becomes one sentence for the table: one broken file never
stops the others.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..files import text_file_problem
from ..findings import DataError, errors
from ..problem import Problem
from ..submission import read_submission
from ..tables import cut_last_line

__all__ = [
    "MAX_SUBMISSION_BYTES",
    "SubmissionFile",
    "SubmissionProblem",
    "find_submissions",
    "first_error",
    "read_submission_file",
    "read_truth_file",
    "validation_folder",
]

#: Largest submission read, compressed or not (64 MiB). The largest official submission,
#: CYTOLOGIA's 22,689 boxes, is about 1.5 MB: a file 40 times larger is not a submission
#: (a wrong upload, an image, a zip bomb) and is listed, never loaded.
MAX_SUBMISSION_BYTES = 64 * 2**20

_SUFFIXES = (".csv", ".zip")


class SubmissionProblem(ValueError):
    """A submission file cannot be read: the message is one sentence, ``what is wrong; the fix``."""


@dataclass(frozen=True)
class SubmissionFile:
    """One submission file of the folder.

    Attributes
    ----------
    name : str
        The submission's name: the file's stem (its whole name when two files share a stem).
    path : Path
        The ``.csv`` or ``.zip`` file.
    """

    name: str
    path: Path


def find_submissions(folder: str | Path) -> tuple[list[SubmissionFile], list[str]]:
    """The ``*.csv`` and ``*.zip`` files of a folder (not its subfolders), sorted by name.

    Parameters
    ----------
    folder : str or Path
        The folder of submissions.

    Returns
    -------
    submissions : list of SubmissionFile
        One per file; names are file stems, or whole file names where stems collide
        (``team.csv`` and ``team.zip``).
    ignored : list of str
        The other visible files, by name (a README beside the submissions).
    """
    folder = Path(folder)
    files, ignored = [], []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        if path.suffix.lower() in _SUFFIXES and not path.is_dir():
            files.append(path)
        else:
            ignored.append(path.name)
    stems = [p.stem for p in files]
    return [SubmissionFile(p.stem if stems.count(p.stem) == 1 else p.name, p) for p in files], ignored


def read_submission_file(entry: SubmissionFile, cap: int = MAX_SUBMISSION_BYTES) -> pd.DataFrame:
    """The submission table of one file (a CSV, or the one CSV of a zip).

    Raises
    ------
    SubmissionProblem
        The file cannot be read as a submission; the message says why and what to do.
    """
    path = entry.path
    if not path.is_file():
        raise SubmissionProblem(text_file_problem(path) or "is not a regular file; pass the submission file itself")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SubmissionProblem(f"cannot be read ({exc.strerror or exc}); copy the file again") from None
    if size > cap:
        raise SubmissionProblem(
            f"is {_size(size)}, larger than the {_size(cap)} read for a submission; it is not "
            "a submission file (check what was uploaded)"
        )
    if path.suffix.lower() == ".zip":
        with _zip_member(path, cap) as member:
            return _read_csv(member)
    return _read_csv(path)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV through the same checks as ``hdhkits validate`` (text, cut last line, parse)."""
    problem = text_file_problem(path)
    if problem is not None:
        raise SubmissionProblem(problem)
    cut = cut_last_line(path)
    if cut is not None:
        raise SubmissionProblem(str(cut) if cut.fix else f"{cut.message}; write or copy the file again")
    try:
        return read_submission(path)
    except DataError as exc:
        raise SubmissionProblem(
            f"{exc.problems[0]}; write it comma-separated, UTF-8, with the official header"
        ) from None


@contextlib.contextmanager
def _zip_member(path: Path, cap: int) -> Iterator[Path]:
    """The one CSV of a zip, extracted to a temporary file (at most ``cap`` bytes read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir()
                and m.filename.lower().endswith(".csv")
                and not any(part.startswith((".", "__MACOSX")) for part in m.filename.split("/"))
            ]
            if len(members) != 1:
                names = ", ".join(m.filename for m in members[:3])
                raise SubmissionProblem(
                    f"holds {len(members)} CSV files{f' ({names})' if members else ''}; zip exactly one submission CSV"
                )
            member = members[0]
            if member.file_size > cap:
                raise SubmissionProblem(
                    f"holds {member.filename} of {_size(member.file_size)}, larger than the "
                    f"{_size(cap)} read for a submission; zip the submission CSV only"
                )
            tmp = Path(tempfile.mkdtemp(prefix="hdhkits-lb-"))
            try:
                target = tmp / "submission.csv"
                # zipfile stops at the size the archive declares (checked above) and fails the CRC
                # of a member that claims less than it holds: a zip bomb never unpacks past the cap
                with archive.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                yield target
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError) as exc:
        raise SubmissionProblem(f"is not a readable zip archive ({exc}); zip the submission CSV again") from None


def first_error(findings) -> str | None:
    """The validator's first error as one sentence (``what; fix``), or None when there is none."""
    blocking = errors(findings)
    return str(blocking[0]) if blocking else None


@contextlib.contextmanager
def validation_folder(problem: Problem, truth: pd.DataFrame, data_dir: str | Path | None) -> Iterator[Path]:
    """The folder the kit's validator checks submissions against.

    ``data_dir`` when given (the official test file, and CYTOLOGIA's images for the box
    checks). Otherwise a temporary folder whose test file is the truth table itself: the
    validator reads only the ids (and image names) from it, which the truth holds.

    Raises
    ------
    DataError
        No ``data_dir`` and the kit names no test file among its official files.
    """
    if data_dir is not None:
        yield Path(data_dir)
        return
    test_files = [f for f in problem.official_files if "test" in f.lower() and not f.endswith("/")]
    if not test_files:
        raise DataError(
            "--data",
            [f"the {problem.title} kit names no test file; pass --data with the folder holding the official test file"],
        )
    tmp = Path(tempfile.mkdtemp(prefix="hdhkits-lb-data-"))
    try:
        truth.to_csv(tmp / test_files[0], index=False)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_truth_file(problem: Problem, path: str | Path) -> tuple[Path, pd.DataFrame]:
    """The truth file (a file, or the folder holding the kit's ``truth_file``) and its table.

    Raises
    ------
    DataError
        Missing, unreadable or not a CSV table; the message names the file and the fix.
    """
    path = Path(path)
    path = path / problem.truth_file if path.is_dir() else path
    fix = f"pass the truth file `hdhkits data {problem.name}` writes ({problem.truth_file}), or yours in its layout"
    what = text_file_problem(path)
    if what is not None:
        raise DataError(path, [f"{what.partition('; ')[0]}; {fix}"])
    cut = cut_last_line(path)
    if cut is not None:
        raise DataError(path, [f"{cut.message}; copy the truth file again"])
    try:
        return path, problem.read_truth(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(path, [f"cannot be read as a truth file ({exc}); {fix}"]) from None
