"""The ``hdhkits run`` subcommand: execute kits' notebooks headless and write the report.

::

    hdhkits run KIT|all [--out DIR] [--quick] [--seed N] [--data DIR] [--jobs N]
    hdhkits run --report-only DIR

The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli`. Argument problems raise :class:`hdhkits.arguments.CommandError` in the
CLI's one shape; Ctrl-C reaches the CLI as :class:`hdhkits.runner.RunInterrupted`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ..arguments import (
    CommandError,
    command_error,
    input_folder,
    kit_problem,
    output_folder,
    seed_number,
    shaped_message,
)
from ..problem import KITS, Problem, available_kits
from ..runner import NotebookRun, data_source_record, format_summary, kits_root, run_kits, write_run_record

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``run`` to ``subparsers`` (what ``add_subparsers()`` returned) and return its parser."""
    p = subparsers.add_parser(
        "run", help="execute a kit's notebooks (or all kits') headless with papermill; writes report.html"
    )
    p.add_argument("kit", nargs="?", help=f"one of {', '.join(KITS)}, or all")
    p.add_argument("--out", default="outputs", help="output folder (default: outputs/)")
    p.add_argument("--quick", action="store_true", help="small twin and light models (minutes, not tens)")
    p.add_argument("--seed", type=seed_number, default=0)
    p.add_argument("--data", help="folder with the official files (default: the synthetic twin)")
    p.add_argument("--kits-dir", help="the repository's kits/ folder (default: found from here)")
    p.add_argument("--verbose", action="store_true", help="stream the notebooks' output")
    p.add_argument("--jobs", type=int, default=1, help="kits run at once, each in its own process (default 1)")
    p.add_argument("--report-only", metavar="DIR", help="rebuild DIR/report.html from a previous run's folder")
    p.set_defaults(func=run)
    return p


def _report_only(args: argparse.Namespace) -> int:
    """``hdhkits run --report-only DIR``: rebuild a previous run's report."""
    from ..report import build_report

    if args.kit:
        raise command_error(
            "--report-only",
            f"takes only the output folder, not the kit {args.kit!r}",
            "run `hdhkits run --report-only DIR`",
        )
    input_folder(args.report_only, "--report-only", "the outputs of an `hdhkits run` (run.json)")
    try:
        report = build_report(args.report_only)
    except FileNotFoundError as exc:
        raise CommandError(
            shaped_message(args.report_only, str(exc), "pass the --out folder of an `hdhkits run`")
        ) from None
    print(f"Report: {report}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits run``: the notebooks of one kit or all, a summary, ``run.json`` and the report.

    Returns the exit code (``args``: the parsed arguments): 0, or 1 when a notebook failed
    (argument errors raise :class:`hdhkits.arguments.CommandError`, which the CLI prints).
    """
    from ..report import build_report

    if args.report_only:
        return _report_only(args)
    if not args.kit:
        raise command_error("KIT", "missing", f"name a kit ({', '.join(KITS)}) or all: `hdhkits run KIT|all`")
    if args.jobs < 1:
        raise command_error("--jobs", f"{args.jobs} kits at a time is not possible", "give 1 or more")
    kits = available_kits() if args.kit == "all" else [kit_problem(args.kit).name]
    input_folder(args.data, "--data", "the official files")
    if args.kits_dir:
        input_folder(args.kits_dir, "--kits-dir", "the kits' notebooks (the repository's kits/ folder)")
    try:
        kits_dir = Path(args.kits_dir) if args.kits_dir else kits_root()
    except FileNotFoundError as exc:
        raise CommandError(shaped_message("--kits-dir", str(exc), "pass the repository's kits/ folder")) from None
    out = Path(args.out)
    output_folder(out, "--out")
    mode = "quick" if args.quick else "default"
    if args.jobs > 1 and len(kits) > 1:
        print(
            f"Running {', '.join(kits)} ({mode} settings), {min(args.jobs, len(kits))} kits at a time ...", flush=True
        )
    else:
        print(f"Running {kits[0]} ({mode} settings) ...", flush=True)

    def done(kit: str | Problem, kit_runs: list[NotebookRun]) -> None:
        name = kit if isinstance(kit, str) else kit.name
        for r in kit_runs:
            if r.status != "skipped":
                label = f"{name}/{r.notebook}" if args.jobs > 1 else r.notebook
                print(f"  {label:<{32 if args.jobs > 1 else 22}} {r.status:<7} {r.seconds:6.1f} s", flush=True)
        following = kits[kits.index(name) + 1] if kits.index(name) + 1 < len(kits) else None
        if args.jobs <= 1 and following:
            print(f"Running {following} ({mode} settings) ...", flush=True)

    start = time.perf_counter()
    runs = run_kits(
        kits,
        out,
        jobs=args.jobs,
        on_kit_done=done,
        quick=args.quick,
        seed=args.seed,
        data_dir=args.data,
        kits_dir=kits_dir,
        log_output=args.verbose,
    )
    wall = time.perf_counter() - start
    print()
    print(format_summary(runs))
    settings = {
        "kits": kits,
        "quick": bool(args.quick),
        "seed": args.seed,
        "jobs": args.jobs,
        "wall_seconds": round(wall, 1),
    }
    sources = {kit: data_source_record(kit, args.data, args.quick, args.seed) for kit in kits}
    print(f"\nOutputs (models, submissions, executed notebooks) in {out.resolve()}")
    try:
        write_run_record(out, runs, settings, sources)
        report = build_report(out)
        print(f"Report: {report.resolve()} ({wall:.0f} s in all)")
    except (OSError, ValueError) as exc:  # the runs happened and are summarised above; say why there is no report
        print(
            f"error: {out / 'report.html'}: not written ({exc}); rebuild it with `hdhkits run --report-only {out}`",
            file=sys.stderr,
        )
    failures = [r for r in runs if r.status == "failed"]
    for r in failures:
        where = f"; the failed executed notebook is {r.executed}" if r.executed else ""
        print(f"FAILED {r.kit}/{r.notebook}: {r.error}{where}", file=sys.stderr)
    return 1 if failures else 0
