"""The ``hdhkits leaderboard`` subcommand: arguments, checks, and what it prints.

::

    hdhkits leaderboard KIT SUBMISSIONS --truth TRUTH [--data DATA_DIR] --out DIR
                        [--boot 1000] [--seed 0] [--public-share 0.5] [--jobs N] [--force]
    hdhkits leaderboard KIT --demo N --out DIR [--size quick|default|full] [--seed 0] ...

The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli`. Argument problems raise :class:`hdhkits.arguments.CommandError` in the CLI's one shape
(``<file or argument>: <what is wrong>; <the fix>``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..arguments import command_error, seed_number
from ..problem import SIZES, KitNotAvailable, available_kits, get_problem
from .inputs import find_submissions

if TYPE_CHECKING:  # the build and the page (matplotlib) load when the command runs, not with every `hdhkits` call
    import pandas as pd

    from .build import Leaderboard

__all__ = ["MIN_BOOT", "add_parser", "check_arguments", "run", "summary_lines"]

#: Fewest resamples accepted: below that a 95 % interval is a guess.
MIN_BOOT = 100


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``leaderboard`` to the ``hdhkits`` subcommands (``subparsers``: argparse's ``add_subparsers()``)."""
    p = subparsers.add_parser(
        "leaderboard",
        help="rank a folder of submissions with intervals, rank "
        "distributions, pairwise tests and the public/private shake-up",
    )
    p.add_argument("kit", help=f"one of {', '.join(available_kits())}")
    p.add_argument("submissions", nargs="?", help="folder of submission files (*.csv, or *.zip holding one CSV)")
    p.add_argument("--truth", help="the truth file (as `hdhkits data` writes it) or its folder")
    p.add_argument("--data", help="folder with the official test file (default: the truth's ids are expected)")
    p.add_argument("--out", required=True, help="folder for leaderboard.csv, .json and .html (created)")
    p.add_argument("--boot", type=int, default=1000, help="bootstrap resamples of the test units (default 1000)")
    p.add_argument("--seed", type=seed_number, default=0, help="seed of the resamples and of the public/private split")
    p.add_argument("--public-share", type=float, default=0.5, help="share of test units on the public part (0.5)")
    p.add_argument("--jobs", type=int, default=1, help="processes reading and scoring files (default 1)")
    p.add_argument("--demo", type=int, metavar="N", help="build a twin and N plausible submissions, and rank them")
    p.add_argument("--size", choices=SIZES, default="default", help="twin size for --demo (default: default)")
    p.add_argument("--force", action="store_true", help="replace a non-empty --out folder")
    p.set_defaults(func=run)
    return p


def _check_numbers(args: argparse.Namespace) -> None:
    if args.boot < MIN_BOOT:
        raise command_error(
            "--boot",
            f"{args.boot} resamples are too few for a 95 % interval",
            f"give {MIN_BOOT} or more (1000 is the default)",
        )
    if not 0 < args.public_share < 1:
        raise command_error(
            "--public-share",
            f"{args.public_share:g} is not strictly between 0 and 1",
            "give the public share of the test set, such as 0.5 or 0.3",
        )
    if args.jobs < 1:
        raise command_error("--jobs", f"{args.jobs} processes is not possible", "give 1 or more")
    if args.demo is not None and args.demo < 2:
        raise command_error("--demo", f"{args.demo} submission(s) make no ranking", "give 2 or more, such as 20")


def _check_out(out: Path, force: bool, submissions: Path | None) -> None:
    blocking = next((a for a in (out, *out.parents) if a.exists() and not a.is_dir()), None)
    if blocking is not None:
        where = "it is a file" if blocking == out else f"{blocking} is a file"
        raise command_error(out, f"cannot be a folder: {where}", "give --out a folder path (it is created)")
    if submissions is not None:
        subs, target = submissions.resolve(), out.resolve()
        if target == subs or target in subs.parents:
            raise command_error(
                out,
                "holds the submissions folder, which writing the leaderboard would replace",
                "choose an --out folder outside SUBMISSIONS",
            )
    if not force and out.exists() and any(out.iterdir()):
        raise command_error(out, "exists and is not empty", "choose another folder or pass --force to replace it")


def check_arguments(args: argparse.Namespace):
    """The kit's :class:`~hdhkits.problem.Problem`, once every argument is usable; raises the CLI's error otherwise."""
    try:
        problem = get_problem(args.kit)
    except KitNotAvailable as exc:
        raise command_error("KIT", str(exc), f"choose one of {', '.join(available_kits())}") from None
    _check_numbers(args)
    if args.demo is not None:
        if args.submissions or args.truth or args.data:
            raise command_error(
                "--demo",
                "builds its own twin and submissions",
                "drop SUBMISSIONS, --truth and --data, or drop --demo to rank your own folder",
            )
        _check_out(Path(args.out), args.force, None)
        return problem
    if not args.submissions:
        raise command_error(
            "SUBMISSIONS",
            "missing",
            f"name the folder of submission files, or try `hdhkits leaderboard {problem.name} --demo 20 --out DIR`",
        )
    if not args.truth:
        raise command_error(
            "--truth",
            "missing",
            f"pass the truth file (`hdhkits data {problem.name}` writes {problem.truth_file} in its truth folder)",
        )
    truth = Path(args.truth)
    if not truth.exists():
        raise command_error(
            truth,
            "not found (--truth)",
            f"pass the truth file (`hdhkits data {problem.name}` writes {problem.truth_file} in its truth folder)",
        )
    folder = Path(args.submissions)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.is_file() else "folder not found"
        raise command_error(folder, what, "pass the folder holding the submission files (*.csv or *.zip)")
    if not find_submissions(folder)[0]:
        raise command_error(folder, "holds no .csv or .zip file", "put each submission there as NAME.csv or NAME.zip")
    if args.data is not None and not Path(args.data).is_dir():
        raise command_error(args.data, "folder not found (--data)", "pass the folder holding the official test file")
    _check_out(Path(args.out), args.force, folder)
    return problem


def summary_lines(lb: Leaderboard, top: int = 10) -> list[str]:
    """What the command prints: the first places, the invalid files, the verdict."""
    from .page import verdict

    table = lb.table
    valid = table[table["valid"].astype(bool)]
    lines = [f"{'rank':>4}  {'submission':<32} {'score':>8}  {'95 % interval':<18}  {'ranks':<9} {'P(best)':>7}"]
    for _, r in valid.head(top).iterrows():
        interval = f"[{r['low']:.4f}, {r['high']:.4f}]"
        ranks = f"[{r['rank_low']:g}, {r['rank_high']:g}]"
        lines.append(
            f"{r['rank']:>4g}  {str(r['submission'])[:32]:<32} {r['score']:>8.4f}  {interval:<18}  "
            f"{ranks:<9} {r['p_best']:>7.3f}"
        )
    if len(valid) > top:
        lines.append(f"  ... and {len(valid) - top} more valid submission(s) (leaderboard.csv lists them all)")
    for _, r in table[~table["valid"].astype(bool)].iterrows():
        lines.append(f"not scored: {r['file']}: {r['error']}")
    lines += _warning_lines(valid)
    lines.append(verdict(lb))
    return lines


def _warning_lines(valid: pd.DataFrame, shown: int = 3) -> list[str]:
    """The ranked files with a warning: how many, and the first few with their first warning."""
    noted = valid[valid["warning"].fillna("").astype(str).str.len() > 0]
    if noted.empty:
        return []
    lines = [f"{len(noted)} ranked submission(s) with a warning (the warning column of the table lists each):"]
    lines += [f"  warning: {r['file']}: {r['warning']}" for _, r in noted.head(shown).iterrows()]
    if len(noted) > shown:
        lines.append(f"  ... and {len(noted) - shown} more")
    return lines


def _command_line(args: argparse.Namespace) -> str:
    """The command as typed (folder names only, no machine path), for the page's *How it was built*."""
    words = ["hdhkits leaderboard", args.kit, Path(args.submissions).name, "--truth", Path(args.truth).name]
    if args.data:
        words += ["--data", Path(args.data).name]
    words += [
        "--out",
        Path(args.out).name,
        "--boot",
        str(args.boot),
        "--seed",
        str(args.seed),
        "--public-share",
        f"{args.public_share:g}",
    ]
    return " ".join(words)


def _progress(done: int, total: int) -> None:
    if total >= 20 and (done == total or done % max(1, total // 10) == 0):
        print(f"  {done}/{total} files scored", flush=True)


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits leaderboard``: build, write atomically, print the first places and the verdict.

    Returns
    -------
    int
        0, or 1 when no submission is valid (the files are written all the same); argument
        and input errors raise, and the CLI prints them.
    """
    from .build import build_leaderboard
    from .outputs import FILES, write_leaderboard

    problem = check_arguments(args)
    out = Path(args.out)
    start = time.perf_counter()
    if args.demo is not None:
        from .demo import run_demo

        print(
            f"Building the {problem.title} twin ({args.size}, seed {args.seed}) and {args.demo} demo submissions ...",
            flush=True,
        )
        demo = run_demo(
            problem,
            args.demo,
            out,
            seed=args.seed,
            size=args.size,
            n_boot=args.boot,
            public_share=args.public_share,
            jobs=args.jobs,
            progress=_progress,
        )
        lb = demo.leaderboard
    else:
        print(f"Ranking the submissions in {args.submissions} ({args.boot} resamples) ...", flush=True)
        lb = build_leaderboard(
            problem,
            args.submissions,
            args.truth,
            data_dir=args.data,
            n_boot=args.boot,
            seed=args.seed,
            public_share=args.public_share,
            jobs=args.jobs,
            progress=_progress,
        )
        lb.settings["command"] = _command_line(args)
        write_leaderboard(lb, out)
    print("\n".join(summary_lines(lb)))
    print(f"Written in {time.perf_counter() - start:.1f} s: {', '.join(str(out / f) for f in FILES)}")
    if args.demo is not None:
        print(
            f"  the demo submissions are in {demo.submissions}; the same leaderboard by hand:\n"
            f"  hdhkits leaderboard {problem.name} {demo.submissions} --truth {demo.truth} --data {demo.data_dir} "
            f"--out DIR"
        )
    return 0 if lb.order else 1
