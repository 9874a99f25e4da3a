"""The ``hdhkits validate`` subcommand: check a submission's format and list every problem.

::

    hdhkits validate KIT FILE [--data DIR] [--seed N] [--size quick|default|full]

Problems block (exit 1); warnings are shown and the file is scored as given. The command
line wires :func:`add_parser` and :func:`run`; this module never imports :mod:`hdhkits.cli`.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..arguments import input_file, input_folder, kit_problem, seed_number, submission_argument
from ..datasource import resolve_data
from ..findings import errors, format_findings, warnings_of
from ..problem import SIZES

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``validate`` to ``subparsers`` (what ``add_subparsers()`` returned) and return its parser."""
    p = subparsers.add_parser("validate", help="check a submission's format; list every problem")
    p.add_argument("kit")
    p.add_argument("file", help="submission CSV")
    p.add_argument("--data", help="folder with the test file (default: $<KIT>_DATA_DIR, else the twin)")
    p.add_argument("--seed", type=seed_number, default=0, help="twin seed, when checking against the twin")
    p.add_argument("--size", choices=SIZES, default="default", help="twin size, when checking against the twin")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits validate``: the submission checked against the test file (official or twin).

    Returns the exit code (``args``: the parsed arguments): 0 for a valid submission, 1 for one
    with problems.
    """
    problem = kit_problem(args.kit)
    input_file(args.file, "check the path (03_submission writes <output_dir>/submission.csv)")
    input_folder(args.data, "--data", f"the test file ({', '.join(problem.official_files)})")
    source = resolve_data(problem, args.data, seed=args.seed, size=args.size, verbose=False)
    submission = submission_argument(args.file)
    findings = problem.validate_submission(submission, source.data_dir)
    blocking, notes = errors(findings), warnings_of(findings)
    if blocking:
        print(f"{args.file}: INVALID, {len(blocking)} problem(s) (checked against {source.describe()})")
        for p in blocking:
            print(f"  - {p}")
    else:
        print(
            f"{args.file}: valid {problem.title} submission, {len(submission)} rows "
            f"(checked against {source.describe()})"
        )
    if notes:
        print(f"{len(notes)} warning(s) (the file is scored as given):")
        print(format_findings(notes))
    return 1 if blocking else 0
