"""The ``hdhkits check`` subcommand: check a data folder against a kit's official layout.

::

    hdhkits check KIT DIR [--strict] [--deep]

Layout errors block (exit 1); plausibility warnings are shown and exit 0 unless ``--strict``.
The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..arguments import input_folder, kit_problem
from ..findings import errors, format_findings, warnings_of

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``check`` to ``subparsers`` (what ``add_subparsers()`` returned) and return its parser."""
    p = subparsers.add_parser("check", help="check a data folder: layout errors block, plausibility warnings are shown")
    p.add_argument("kit")
    p.add_argument("dir", help="folder holding the official files")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too (values outside plausible ranges)")
    p.add_argument(
        "--deep",
        action="store_true",
        help="also decode every image (CYTOLOGIA; slower); the default reads image headers only",
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits check``: print what the folder holds against the layout, error by error.

    Returns the exit code (``args``: the parsed arguments): 0, or 1 for errors (or warnings with
    ``--strict``).
    """
    problem = kit_problem(args.kit)
    folder = Path(args.dir)
    input_folder(folder, "DIR", ", ".join(problem.official_files))
    findings = problem.check_data(folder, deep=args.deep)
    blocking, notes = errors(findings), warnings_of(findings)
    if blocking:
        print(
            f"{folder}: {len(blocking)} error(s), {len(notes)} warning(s); the kit cannot read these files "
            "until the errors are fixed"
        )
    else:
        print(
            f"{folder}: the files match the official {problem.title} layout"
            + (
                f"; {len(notes)} warning(s) about what they hold (the data loads; each line says how the kit "
                "handles it)"
                if notes
                else ""
            )
        )
    if findings:
        print(format_findings(findings))
    if blocking or (notes and args.strict):
        if not blocking:
            print("--strict: warnings count as failures", file=sys.stderr)
        return 1
    return 0
