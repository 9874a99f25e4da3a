"""The ``hdhkits data`` subcommand: write a kit's synthetic twin and its organiser truth.

::

    hdhkits data KIT --out DIR [--seed N] [--size quick|default|full] [--truth-out DIR] [--force]

The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli`. Argument problems raise :class:`hdhkits.arguments.CommandError` in the
CLI's one shape.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path
from typing import Any

from ..arguments import kit_problem, output_folder, seed_number
from ..datasource import write_twin
from ..problem import KITS, SIZES, Problem

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``data`` to ``subparsers`` (what ``add_subparsers()`` returned) and return its parser."""
    p = subparsers.add_parser("data", help="write a kit's synthetic twin (participant files + organiser truth)")
    p.add_argument("kit", help=f"one of {', '.join(KITS)}")
    p.add_argument("--out", required=True, help="folder for the participant files")
    p.add_argument("--truth-out", help="folder for the organiser-side truth (default: <out>_truth)")
    p.add_argument("--seed", type=seed_number, default=0)
    p.add_argument("--size", choices=SIZES, default="default")
    p.add_argument("--force", action="store_true", help="replace existing folders")
    p.set_defaults(func=run)
    return p


def _write_both(problem: Problem, out: Path, truth: Path, seed: int, size: str) -> None:
    """Write the twin; when it fails half-way, remove whichever of the two folders it had created.

    Each folder is written atomically, but one after the other: the truth folder can be in
    place when writing the participant files fails (a full disk), and a truth without its
    data is a half-written output.
    """
    new = [folder for folder in (out, truth) if not folder.exists()]
    try:
        write_twin(problem, out, truth, seed=seed, size=size)
    except BaseException:
        for folder in new:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits data``: write the participant files and the truth, and say where.

    Returns the exit code (``args``: the parsed arguments): 0 (argument errors raise
    :class:`hdhkits.arguments.CommandError`, which the CLI prints).
    """
    problem = kit_problem(args.kit)
    out = Path(args.out)
    truth = Path(args.truth_out) if args.truth_out else out.with_name(out.name + "_truth")
    for folder, flag in ((out, "--out"), (truth, "--truth-out" if args.truth_out else "--out")):
        output_folder(folder, flag, force=bool(args.force))
    start = time.perf_counter()
    _write_both(problem, out, truth, args.seed, args.size)
    seconds = time.perf_counter() - start
    print(f"{problem.title} synthetic twin (seed {args.seed}, size {args.size}) written in {seconds:.1f} s")
    print(f"  participant files: {out}  ({', '.join(sorted(p.name for p in out.iterdir()))})")
    print(f"  organiser truth:   {truth}  ({problem.truth_file}; keep it away from participants)")
    return 0
