"""What every ``hdhkits`` subcommand shares: its one error shape and its argument types.

The main CLI (:mod:`hdhkits.cli`) and the subcommands that live beside their subject
(:mod:`hdhkits.workshop`, :mod:`hdhkits.leaderboard.command`) import from here, so none of
them imports another to raise an error or read a seed (no import circle).
"""

from __future__ import annotations

import argparse

__all__ = ["CommandError", "command_error", "seed_number"]


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
