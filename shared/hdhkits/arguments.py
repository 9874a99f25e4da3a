"""What every ``hdhkits`` subcommand shares: its one error shape, its argument types and checks.

The main CLI (:mod:`hdhkits.cli`) and the subcommands that live beside their subject
(:mod:`hdhkits.bundle.command`, :mod:`hdhkits.workshop.command`,
:mod:`hdhkits.leaderboard.command`) import from here, so none of them imports another
to raise an error, read a seed or check a folder (imports run one way: the CLI imports
the subcommands, never the reverse).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from .files import text_file_problem
from .findings import DataError
from .problem import KitNotAvailable, Problem, available_kits, get_problem
from .submission import read_submission
from .tables import cut_last_line

__all__ = [
    "CommandError",
    "command_error",
    "input_file",
    "input_folder",
    "kit_problem",
    "output_folder",
    "seed_number",
    "shaped_message",
    "submission_argument",
]


class CommandError(Exception):
    """A user-facing error: printed as one message, exit code 2.

    The message has the CLI's one shape, ``<file or argument>: <what is wrong>; <the fix>``.
    """


def command_error(where: object, what: str, fix: str) -> CommandError:
    """A :class:`CommandError` in the CLI's shape (``where: what; fix``).

    Parameters
    ----------
    where : object
        The file, folder or argument at fault (printed as it is).
    what : str
        What is wrong with it.
    fix : str
        What the user should do.

    Returns
    -------
    CommandError
        The error, to be raised by the caller.
    """
    return CommandError(f"{where}: {what}; {fix}")


def seed_number(text: str) -> int:
    """Argparse type of ``--seed``: a whole number from 0 (numpy's generators take no negative seed).

    Parameters
    ----------
    text : str
        The argument as typed.

    Returns
    -------
    int
        The seed.

    Raises
    ------
    argparse.ArgumentTypeError
        For text that is not a whole number, or a negative one.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give a seed such as 0 or 42") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; a seed is a whole number from 0")
    return value


def shaped_message(where: object, message: str, fix: str) -> str:
    """``message`` in the CLI's shape: ``where`` in front unless it names it, ``fix`` unless it has one.

    Parameters
    ----------
    where : object
        The file, folder or argument the message is about.
    message : str
        A sentence from elsewhere (an exception's text), with or without ``where`` and a fix.
    fix : str
        The fix to add when ``message`` has none (no ``"; "`` in it).

    Returns
    -------
    str
        ``where: what; fix``.
    """
    head = message if message.startswith(f"{where}:") else f"{where}: {message}"
    return head if "; " in message else f"{head}; {fix}"


def kit_problem(name: str) -> Problem:
    """The problem definition of the kit named on the command line.

    Parameters
    ----------
    name : str
        The ``KIT`` argument.

    Returns
    -------
    Problem

    Raises
    ------
    CommandError
        For a name that is no kit, or a kit not built yet.
    """
    try:
        return get_problem(name)
    except KitNotAvailable as exc:
        raise CommandError(shaped_message("KIT", str(exc), f"choose one of {', '.join(available_kits())}")) from None


def output_folder(folder: Path, flag: str, force: bool | None = None) -> None:
    """Refuse an output folder that cannot be one (a path through a file) or, unless forced, holds files.

    Parameters
    ----------
    folder : Path
        The folder a command is about to write (it may not exist yet).
    flag : str
        The argument that named it (``--out``), for the message.
    force : bool, optional
        False: a non-empty folder is refused; True or None: it is accepted.

    Raises
    ------
    CommandError
        When the folder cannot be used.
    """
    blocking = next((a for a in (folder, *folder.parents) if a.exists() and not a.is_dir()), None)
    if blocking is not None:
        where = "it is a file" if blocking == folder else f"{blocking} is a file"
        raise command_error(folder, f"cannot be a folder: {where}", f"give {flag} a folder path (it is created)")
    if force is False and folder.exists() and any(folder.iterdir()):
        raise command_error(folder, "exists and is not empty", "choose another folder or pass --force to replace it")


def input_folder(folder: str | Path | None, flag: str, holds: str) -> None:
    """Refuse a ``--data``-like argument that is not an existing folder.

    Parameters
    ----------
    folder : str or Path or None
        The folder as given (None: the argument was left out, nothing to check).
    flag : str
        The argument that named it (``--data``), for the message.
    holds : str
        What the folder should hold, for the fix.

    Raises
    ------
    CommandError
        For a file, or a folder that does not exist.
    """
    if folder is None:
        return
    folder = Path(folder)
    if folder.is_file():
        raise command_error(folder, f"is a file, not a folder ({flag})", f"pass the folder holding {holds}")
    if not folder.is_dir():
        raise command_error(folder, f"folder not found ({flag})", f"pass the folder holding {holds}")


def input_file(path: str | Path, fix_missing: str, kind: str = "the submission CSV") -> Path:
    """Refuse a submission or truth file the CSV reader cannot open, saying why and how to fix it.

    Parameters
    ----------
    path : str or Path
        The file as given.
    fix_missing : str
        The fix to print when the file does not exist.
    kind : str, default "the submission CSV"
        What the file should be, for the fix when the path is a folder.

    Returns
    -------
    Path
        The path, when the file can be read.

    Raises
    ------
    CommandError
        For a missing, unreadable, empty or binary file, or a folder.
    """
    path = Path(path)
    problem = text_file_problem(path)
    if problem is not None:
        what, _, fix = problem.partition("; ")
        if what.startswith("file not found"):
            fix = fix_missing
        elif what.startswith("is a folder"):
            fix = f"pass {kind} itself"
        raise command_error(path, what, fix)
    return path


def submission_argument(path: str | Path) -> pd.DataFrame:
    """The submission file named on the command line, as read.

    Parameters
    ----------
    path : str or Path
        The ``FILE`` argument.

    Returns
    -------
    pandas.DataFrame
        The submission.

    Raises
    ------
    CommandError
        For a file that cannot be read as a submission (in the CLI's shape).
    """
    path = input_file(path, "check the path (03_submission writes <output_dir>/submission.csv)")
    cut = cut_last_line(path)
    if cut is not None:  # pandas would pad the cut row with empty cells and blame the values
        raise command_error(path, cut.message, "write or copy the file again")
    try:
        return read_submission(path)
    except DataError as exc:
        raise command_error(
            path,
            "; ".join(exc.problems),
            "write it comma-separated, UTF-8, with the header the "
            "kit's README shows (pandas: to_csv(path, index=False))",
        ) from None
