"""The ``hdhkits`` command: list kits, write twins, run notebooks, validate and score.

Organisers script against these subcommand names; keep them stable::

    hdhkits list
    hdhkits data KIT --out DIR [--seed N] [--size quick|default|full] [--truth-out DIR]
    hdhkits check KIT DIR [--strict] [--deep]
    hdhkits run KIT|all [--out DIR] [--quick] [--seed N] [--data DIR] [--jobs N]
    hdhkits run --report-only DIR
    hdhkits validate KIT FILE [--data DIR]
    hdhkits score KIT FILE --truth FILE [--json]
    hdhkits bundle KIT --out FILE.zip [--seed N] [--size quick|default|full]
    hdhkits bundle --check FILE.zip
    hdhkits workshop KIT|all --out DIR [--minutes 90|120|180] [--seed N] [--force]
    hdhkits leaderboard KIT SUBMISSIONS --truth FILE [--data DIR] --out DIR [--boot N] [--seed N]
                        [--public-share F] [--jobs N] [--force]
    hdhkits leaderboard KIT --demo N --out DIR [--size quick|default|full] [--seed N]

Exit codes: 0 success, 1 invalid submission/data or failed notebook, 2 usage or
input error, 3 an unexpected internal error (one line asking to report it; the traceback
with ``--debug``), 130 interrupted (Ctrl-C). Errors are one readable message, never a traceback. ``check`` and
``validate`` print errors (layout: they block) and warnings (plausibility: the data
loads and the kit handles them); warnings alone exit 0, unless ``check --strict``.

Every error has one shape, ``error: <file or argument>: <what is wrong>; <the fix>``
(a data error listing several problems adds one such line per problem). Ctrl-C prints
one line, ``interrupted`` (for ``run``: with the notebooks kept), and leaves no
half-written output: twins and reports are written atomically, executed notebooks are
renamed into place when they finish.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import os
import re
import sys
from pathlib import Path

from . import __version__, bundle, leaderboard, workshop
from .arguments import CommandError, shaped_message
from .commands import check, data, listing, run, score, validate
from .datasource import cache_root
from .findings import DataError
from .problem import KITS, get_problem
from .runner import RunInterrupted

__all__ = ["build_parser", "format_data_error", "format_interrupt", "format_os_error", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="hdhkits",
        description="Starter kits for the Health Data Hub challenges "
        f"({', '.join(get_problem(k).title for k in KITS)}).",
    )
    parser.add_argument("--version", action="version", version=f"hdhkits {__version__}")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # A new subcommand: its own module with add_parser and run, in hdhkits.commands or in the package
    # that holds its subject (bundle, workshop, leaderboard); none imports this module. Then it in this tuple.
    for add in (
        listing.add_parser,
        data.add_parser,
        check.add_parser,
        run.add_parser,
        validate.add_parser,
        score.add_parser,
        bundle.add_parser,
        workshop.add_parser,
        leaderboard.add_parser,
    ):
        add(sub)
    return parser


def format_data_error(exc: DataError, limit: int = 12) -> str:
    """A :class:`DataError` in the CLI's shape: one ``error: <file>: <what>; <fix>`` line per problem.

    A problem that names a file of the folder in error is shown with that file's path;
    several problems get a first line saying how many, and only the first ``limit`` are shown.
    """
    lines = []
    for finding in exc.findings[:limit]:
        where = exc.path / finding.file if finding.file else exc.path
        what = str(dataclasses.replace(finding, file=""))  # message and fix, cut at MAX_CHARS like every finding
        lines.append(f"error: {shaped_message(where, what, 'fix it and run the command again')}")
    if len(exc.findings) > 1:
        lines.insert(0, f"error: {exc.path}: {len(exc.findings)} problems; fix each one listed below")
    if len(exc.findings) > limit:  # a wrong delimiter makes one per column: the first ones tell the story
        lines.append(f"  ... and {len(exc.findings) - limit} more (`hdhkits check` on the folder lists them all)")
    return "\n".join(lines)


#: What to do about a refused file operation, by ``errno``.
_OS_FIXES = {
    errno.ENOSPC: ("the disk is full", "free some space there or choose a folder on another disk"),
    errno.EDQUOT: ("the disk quota is used up", "free some space there or choose a folder on another disk"),
    errno.EACCES: (
        "permission denied",
        "give yourself access to it (read for inputs, write for the output folder) or choose another path",
    ),
    errno.EPERM: ("operation not permitted", "choose a folder you can write to, or fix its permissions"),
    errno.EROFS: ("the file system is read-only", "choose a folder on a writable disk"),
    errno.ENOTDIR: ("a part of this path is a file, not a folder", "choose another path"),
    errno.EISDIR: ("is a folder, where a file was expected", "pass a file path"),
    errno.ENOENT: ("no such file or folder", "check the path"),
}


def _output_place(args: argparse.Namespace) -> str:
    """The folder a command writes when an OSError names no file (a full disk during a write)."""
    if getattr(args, "out", None):
        return str(args.out)
    return str(cache_root())  # validate without --data generates the twin there


_TEMPORARY = re.compile(r"^\.(?P<name>.+?)(\.[A-Za-z0-9_]{6,}\.tmp|\.partial\.ipynb)$")


def _visible(filename: str | bytes) -> str:
    """The file the user asked for, where an error names the hidden temporary it was written through."""
    path = Path(os.fsdecode(filename))
    for part in (path, *path.parents):
        match = _TEMPORARY.match(part.name)
        if match:
            name = match["name"] + (".ipynb" if part.name.endswith(".partial.ipynb") else "")
            return str(part.with_name(name) / path.relative_to(part))
    return str(path)


def format_os_error(exc: OSError, args: argparse.Namespace) -> str:
    """A refused file operation in the CLI's shape, naming the file (or the command's output)."""
    where = _visible(exc.filename) if exc.filename else _output_place(args)
    what, fix = _OS_FIXES.get(
        exc.errno or 0, (exc.strerror or str(exc), "check the path, its permissions and the free space")
    )
    return f"error: {where}: {what}; {fix}"


def format_interrupt(exc: KeyboardInterrupt) -> str:
    """The one line Ctrl-C prints: ``interrupted``, and for a run the notebooks kept."""
    if not isinstance(exc, RunInterrupted):
        return "interrupted"
    if not exc.finished:
        return "interrupted; no notebook had finished: nothing kept (partial copies removed)"
    return f"interrupted; kept the notebooks that finished: {', '.join(exc.finished)} (partial copies removed)"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hdhkits`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CommandError, workshop.WorkshopError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(format_data_error(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(format_interrupt(exc), file=sys.stderr)
        return 130
    except OSError as exc:  # the file system refused: name the file and the reason, no traceback
        if args.debug:
            raise
        print(format_os_error(exc, args), file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of ours: one line to report, the traceback on demand
        if args.debug:
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {exc}. This is a bug in hdhkits {__version__}: please "
            f"report it with the output of the same command run with --debug (hdhkits --debug ...)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
