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
import json
import os
import re
import sys
import time
from pathlib import Path

import pandas as pd

from . import __version__, bundle, leaderboard, workshop
from .arguments import CommandError, command_error, kit_problem, output_folder, seed_number, shaped_message
from .datasource import cache_root, resolve_data, write_twin
from .files import text_file_problem
from .findings import DataError, errors, format_findings, warnings_of
from .problem import KITS, NOTEBOOKS, SIZES, Problem, available_kits, get_problem
from .runner import (
    NotebookRun,
    RunInterrupted,
    data_source_record,
    format_summary,
    kits_root,
    run_kits,
    write_run_record,
)
from .submission import read_submission
from .tables import CSV_ERRORS, cut_last_line

__all__ = ["build_parser", "format_data_error", "format_interrupt", "format_os_error", "main"]


def _input_folder(folder: str | Path | None, flag: str, holds: str) -> None:
    """Refuse a ``--data``-like argument that is not an existing folder."""
    if folder is None:
        return
    folder = Path(folder)
    if folder.is_file():
        raise command_error(folder, f"is a file, not a folder ({flag})", f"pass the folder holding {holds}")
    if not folder.is_dir():
        raise command_error(folder, f"folder not found ({flag})", f"pass the folder holding {holds}")


def _input_file(path: str | Path, fix_missing: str, kind: str = "the submission CSV") -> Path:
    """Refuse a submission or truth file the CSV reader cannot open, saying why and how to fix it."""
    path = Path(path)
    problem = text_file_problem(path)
    if problem is not None:
        what, _, fix = problem.partition("; ")
        if what.startswith("file not found"):
            fix = fix_missing
        elif what.startswith("is a folder"):
            fix = f"pass {kind} itself"
        raise command_error(path, what, fix)
    return path


def _read_submission(path: str | Path) -> pd.DataFrame:
    """The submission as read, or a :class:`CommandError` in the CLI's shape."""
    path = _input_file(path, "check the path (03_submission writes <output_dir>/submission.csv)")
    cut = cut_last_line(path)
    if cut is not None:  # pandas would pad the cut row with empty cells and blame the values
        raise command_error(path, cut.message, "write or copy the file again")
    try:
        return read_submission(path)
    except DataError as exc:
        raise command_error(
            path,
            "; ".join(exc.problems),
            "write it comma-separated, UTF-8, with the header the "
            "kit's README shows (pandas: to_csv(path, index=False))",
        ) from None


def cmd_list(args: argparse.Namespace) -> int:
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


def cmd_data(args: argparse.Namespace) -> int:
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


def _write_both(problem, out: Path, truth: Path, seed: int, size: str) -> None:
    """Write the twin; when it fails half-way, remove whichever of the two folders it had created.

    Each folder is written atomically, but one after the other: the truth folder can be in
    place when writing the participant files fails (a full disk), and a truth without its
    data is a half-written output.
    """
    import shutil

    new = [folder for folder in (out, truth) if not folder.exists()]
    try:
        write_twin(problem, out, truth, seed=seed, size=size)
    except BaseException:
        for folder in new:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def cmd_check(args: argparse.Namespace) -> int:
    problem = kit_problem(args.kit)
    folder = Path(args.dir)
    _input_folder(folder, "DIR", ", ".join(problem.official_files))
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


def _report_only(args: argparse.Namespace) -> int:
    """``hdhkits run --report-only DIR``: rebuild a previous run's report."""
    from .report import build_report

    if args.kit:
        raise command_error(
            "--report-only",
            f"takes only the output folder, not the kit {args.kit!r}",
            "run `hdhkits run --report-only DIR`",
        )
    _input_folder(args.report_only, "--report-only", "the outputs of an `hdhkits run` (run.json)")
    try:
        report = build_report(args.report_only)
    except FileNotFoundError as exc:
        raise CommandError(
            shaped_message(args.report_only, str(exc), "pass the --out folder of an `hdhkits run`")
        ) from None
    print(f"Report: {report}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .report import build_report

    if args.report_only:
        return _report_only(args)
    if not args.kit:
        raise command_error("KIT", "missing", f"name a kit ({', '.join(KITS)}) or all: `hdhkits run KIT|all`")
    if args.jobs < 1:
        raise command_error("--jobs", f"{args.jobs} kits at a time is not possible", "give 1 or more")
    kits = available_kits() if args.kit == "all" else [kit_problem(args.kit).name]
    _input_folder(args.data, "--data", "the official files")
    if args.kits_dir:
        _input_folder(args.kits_dir, "--kits-dir", "the kits' notebooks (the repository's kits/ folder)")
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


def cmd_validate(args: argparse.Namespace) -> int:
    problem = kit_problem(args.kit)
    _input_file(args.file, "check the path (03_submission writes <output_dir>/submission.csv)")
    _input_folder(args.data, "--data", f"the test file ({', '.join(problem.official_files)})")
    source = resolve_data(problem, args.data, seed=args.seed, size=args.size, verbose=False)
    submission = _read_submission(args.file)
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


def cmd_score(args: argparse.Namespace) -> int:
    problem = kit_problem(args.kit)
    submission = _read_submission(args.file)
    truth_path = Path(args.truth)
    truth_path = truth_path / problem.truth_file if truth_path.is_dir() else truth_path
    _input_file(
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


def _add_list(sub) -> None:
    p = sub.add_parser("list", help="the kits and their notebooks")
    p.set_defaults(func=cmd_list)


def _add_data(sub) -> None:
    p = sub.add_parser("data", help="write a kit's synthetic twin (participant files + organiser truth)")
    p.add_argument("kit", help=f"one of {', '.join(KITS)}")
    p.add_argument("--out", required=True, help="folder for the participant files")
    p.add_argument("--truth-out", help="folder for the organiser-side truth (default: <out>_truth)")
    p.add_argument("--seed", type=seed_number, default=0)
    p.add_argument("--size", choices=SIZES, default="default")
    p.add_argument("--force", action="store_true", help="replace existing folders")
    p.set_defaults(func=cmd_data)


def _add_check(sub) -> None:
    p = sub.add_parser("check", help="check a data folder: layout errors block, plausibility warnings are shown")
    p.add_argument("kit")
    p.add_argument("dir", help="folder holding the official files")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too (values outside plausible ranges)")
    p.add_argument(
        "--deep",
        action="store_true",
        help="also decode every image (CYTOLOGIA; slower); the default reads image headers only",
    )
    p.set_defaults(func=cmd_check)


def _add_run(sub) -> None:
    p = sub.add_parser(
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
    p.set_defaults(func=cmd_run)


def _add_validate(sub) -> None:
    p = sub.add_parser("validate", help="check a submission's format; list every problem")
    p.add_argument("kit")
    p.add_argument("file", help="submission CSV")
    p.add_argument("--data", help="folder with the test file (default: $<KIT>_DATA_DIR, else the twin)")
    p.add_argument("--seed", type=seed_number, default=0, help="twin seed, when checking against the twin")
    p.add_argument("--size", choices=SIZES, default="default", help="twin size, when checking against the twin")
    p.set_defaults(func=cmd_validate)


def _add_score(sub) -> None:
    p = sub.add_parser("score", help="score a submission against an organiser truth file")
    p.add_argument("kit")
    p.add_argument("file", help="submission CSV")
    p.add_argument("--truth", required=True, help="truth CSV written by `hdhkits data` (or its folder)")
    p.add_argument("--json", action="store_true", help='print {"score": ..., "parts": {...}}')
    p.set_defaults(func=cmd_score)


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
    # A new subcommand: an _add_<name>(sub) beside the others, or the add_parser of the package that
    # holds its subject (bundle, workshop, leaderboard: they never import this module); then it in this tuple.
    for add in (
        _add_list,
        _add_data,
        _add_check,
        _add_run,
        _add_validate,
        _add_score,
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
