"""The ``hdhkits bundle`` subcommand: build a kit's practice competition, or check one.

::

    hdhkits bundle KIT --out FILE.zip [--seed N] [--size quick|default|full] [--force]
    hdhkits bundle --check FILE.zip

The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli`. Argument problems raise :class:`hdhkits.arguments.CommandError` in the
CLI's one shape (``<file or argument>: <what is wrong>; <the fix>``).
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path
from typing import Any

from ..arguments import CommandError, command_error, kit_problem, output_folder, seed_number, shaped_message
from ..problem import SIZES, available_kits

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``bundle`` to the ``hdhkits`` subcommands (``subparsers``: argparse's ``add_subparsers()``).

    Parameters
    ----------
    subparsers : argparse action
        What ``ArgumentParser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser.
    """
    p = subparsers.add_parser(
        "bundle", help="a practice competition: a Codabench bundle built from a fresh twin, or --check one"
    )
    p.add_argument("kit", nargs="?", help=f"one of {', '.join(available_kits())}")
    p.add_argument("--out", help="the bundle zip to write")
    p.add_argument("--seed", type=seed_number, default=0, help="twin seed")
    p.add_argument("--size", choices=SIZES, default="default", help="twin size")
    p.add_argument("--kits-dir", help="the repository's kits/ folder (notebooks and README; default: found from here)")
    p.add_argument("--force", action="store_true", help="replace an existing zip")
    p.add_argument(
        "--check",
        metavar="FILE.zip",
        help="unpack a bundle and run its scoring program as Codabench does, on its solution and a broken file",
    )
    p.set_defaults(func=run)
    return p


def _check(args: argparse.Namespace) -> int:
    """``hdhkits bundle --check FILE.zip``."""
    from .check import BundleCheckError, check_bundle

    if args.kit or args.out:
        raise command_error("--check", "takes only the bundle", "run `hdhkits bundle --check FILE.zip`")
    if not Path(args.check).is_file():
        raise CommandError(f"{args.check}: file not found; build one with `hdhkits bundle KIT --out FILE.zip`")
    if not zipfile.is_zipfile(args.check):
        raise CommandError(f"{args.check}: not a zip file; a bundle is the zip `hdhkits bundle` writes")
    try:
        report = check_bundle(args.check)
    except BundleCheckError as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    print(
        f"{args.check}: the {report.kit} bundle passes the check (scoring program run as Codabench runs it, "
        "without the hdhkits package)"
    )
    for line in report.lines:
        print(f"  {line}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits bundle``: build the zip and say how to check it, or check one.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments.

    Returns
    -------
    int
        0, or 1 for a bundle that fails its check (argument errors raise
        :class:`hdhkits.arguments.CommandError`, which the CLI prints).
    """
    from .build import BundleError, build_bundle

    if args.check:
        return _check(args)
    if not args.kit or not args.out:
        raise command_error(
            "KIT" if not args.kit else "--out",
            "missing",
            "name a kit and the zip to write: "
            "`hdhkits bundle KIT --out FILE.zip`, or check one: `hdhkits bundle --check FILE.zip`",
        )
    problem = kit_problem(args.kit)
    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        raise CommandError(f"{out}: a bundle is a zip; name the file FILE.zip")
    if out.exists() and not args.force:
        raise command_error(out, "exists", "choose another file or pass --force to replace it")
    output_folder(out.parent, "--out")
    try:
        info = build_bundle(problem, out, seed=args.seed, size=args.size, kits_dir=args.kits_dir)
    except BundleError as exc:
        raise CommandError(
            shaped_message(
                f"bundle {problem.name}", str(exc), "report it with the output of `hdhkits --debug bundle ...`"
            )
        ) from None
    print(
        f"{problem.title} practice competition (twin seed {info.seed}, size {info.size}) written in "
        f"{info.seconds:.1f} s: {out} ({info.bytes / 1e6:.1f} MB)"
    )
    print(f"  leaderboard: {', '.join(info.leaderboard_keys)}; the sample submission scores {info.sample_score:.4f}")
    print(f"  check it without a server: hdhkits bundle --check {out}")
    print("  then upload the zip to Codabench to create the competition")
    return 0
