"""The ``hdhkits score`` subcommand: score a submission against an organiser truth file.

::

    hdhkits score KIT FILE --truth FILE [--json]

The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli`. Argument problems raise :class:`hdhkits.arguments.CommandError` in the
CLI's one shape.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..arguments import CommandError, command_error, input_file, kit_problem, submission_argument
from ..tables import CSV_ERRORS

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``score`` to ``subparsers`` (what ``add_subparsers()`` returned) and return its parser."""
    p = subparsers.add_parser("score", help="score a submission against an organiser truth file")
    p.add_argument("kit")
    p.add_argument("file", help="submission CSV")
    p.add_argument("--truth", required=True, help="truth CSV written by `hdhkits data` (or its folder)")
    p.add_argument("--json", action="store_true", help='print {"score": ..., "parts": {...}}')
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits score``: print the score and its parts (or them as JSON).

    Returns the exit code (``args``: the parsed arguments): 0 (a file that cannot be scored
    raises :class:`hdhkits.arguments.CommandError`).
    """
    problem = kit_problem(args.kit)
    submission = submission_argument(args.file)
    truth_path = Path(args.truth)
    truth_path = truth_path / problem.truth_file if truth_path.is_dir() else truth_path
    input_file(
        truth_path,
        f"pass the truth file `hdhkits data {problem.name}` wrote (--truth-out folder)",
        kind="the truth file",
    )
    try:
        truth = problem.read_truth(truth_path)
    except CSV_ERRORS as exc:
        raise command_error(
            truth_path,
            f"cannot be read as a truth file ({exc})",
            f"pass the truth file `hdhkits data {problem.name}` wrote, unchanged",
        ) from None
    id_col = truth.columns[0]
    if id_col not in submission.columns:
        raise CommandError(
            f"{args.file}: no '{id_col}' column; run `hdhkits validate {problem.name} {args.file}` "
            "to list every problem"
        )
    got, want = set(pd.to_numeric(submission[id_col], errors="coerce")), set(truth[id_col])
    if got != want or len(submission) != len(truth):
        raise CommandError(
            f"{args.file}: its {id_col} values do not match the truth's "
            f"({len(want - got)} missing, {len(got - want)} unknown, {len(submission)} rows for "
            f"{len(truth)}); run `hdhkits validate {problem.name} {args.file}` to list every problem"
        )
    try:
        score = problem.score_submission(submission, truth)
    except (ValueError, KeyError, TypeError) as exc:
        raise CommandError(
            f"{args.file}: cannot be scored ({exc}); run `hdhkits validate {problem.name} "
            f"{args.file}` to list every problem"
        ) from None
    if args.json:
        print(json.dumps(score.as_dict()))
    else:
        print(f"{problem.title} score: {score.value:.4f}")
        for k, v in score.parts.items():
            print(f"  {k}: {v:.4f}")
    return 0
