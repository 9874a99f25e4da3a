"""The ``hdhkits workshop`` subcommand: its arguments and what it prints.

The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli`, and :class:`~hdhkits.workshop.pack.WorkshopError` reaches the CLI,
which prints it as its ``error:`` line.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..arguments import seed_number
from ..problem import available_kits
from .markdown import kit_title
from .pack import build_workshop
from .schedule import MINUTES

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``workshop`` to the ``hdhkits`` subcommands (``subparsers``: argparse's ``add_subparsers()``)."""
    p = subparsers.add_parser(
        "workshop",
        help="a workshop pack: student and solution notebooks, quick twins, FACILITATOR.md with the schedule",
    )
    p.add_argument("kit", help=f"one of {', '.join(available_kits())}, or all")
    p.add_argument("--out", required=True, help="the pack's folder (created)")
    p.add_argument("--minutes", type=int, choices=MINUTES, default=120, help="length of the session (default 120)")
    p.add_argument("--seed", type=seed_number, default=0, help="twin seed")
    p.add_argument("--kits-dir", help="the repository's kits/ folder (default: found from here)")
    p.add_argument("--force", action="store_true", help="replace an existing non-empty folder")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits workshop``: write the pack, print where, warn about what does not fit.

    Returns
    -------
    int
        0 (errors raise :class:`~hdhkits.workshop.pack.WorkshopError`, which the CLI prints).
    """
    info = build_workshop(
        args.kit,
        args.out,
        minutes=args.minutes,
        seed=args.seed,
        force=args.force,
        kits_dir=getattr(args, "kits_dir", None),
    )
    titles = ", ".join(kit_title(k) for k in info.kits)
    print(
        f"Workshop pack for {titles} ({info.minutes} minutes, twin seed {info.seed}) written in "
        f"{info.seconds:.1f} s: {info.out}"
    )
    print(f"  learners: {info.out / 'README.md'}; open {info.kits[0]}/student/01_exploration.ipynb first")
    print(f"  facilitator: {info.out / 'FACILITATOR.md'} (schedule: {info.schedule.used} of {info.minutes} min)")
    print(f"  keep {info.out / 'truth'} away from learners (the twins' answers)")
    for warning in info.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
