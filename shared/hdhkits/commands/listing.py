"""The ``hdhkits list`` subcommand: the kits, their official files, metric and notebooks.

::

    hdhkits list

The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli`.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..problem import KITS, NOTEBOOKS, available_kits, get_problem

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``list`` to ``subparsers`` (what ``add_subparsers()`` returned) and return its parser."""
    p = subparsers.add_parser("list", help="the kits and their notebooks")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits list``: print each kit, or say it is not built yet.

    Returns the exit code (``args``: the parsed arguments): 0.
    """
    ready = set(available_kits())
    for kit in KITS:
        if kit not in ready:
            print(f"{kit:<10} (not built yet)")
            continue
        p = get_problem(kit)
        print(f"{kit:<10} {p.title}: {p.task}")
        print(f"{'':<10} files: {', '.join(p.official_files)}   data: ${p.env_var}")
        print(f"{'':<10} metric: {p.metric}")
        print(f"{'':<10} notebooks: {', '.join(NOTEBOOKS)}")
    return 0
