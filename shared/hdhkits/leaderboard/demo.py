"""``hdhkits leaderboard KIT --demo N``: see the leaderboard before the challenge ends.

Builds (or reuses, from the cache) the kit's synthetic twin, writes ``N`` plausible
submissions for its test file into ``DIR/submissions/`` — one of them zipped as Codabench
stores them, plus two broken files to show how invalid ones are listed — and ranks them
exactly as ``hdhkits leaderboard`` ranks an organiser's folder. The submissions come from
the kit itself (:meth:`hdhkits.problem.Problem.demo_submissions`, completed by
:func:`~.field.demo_field`), so this module lists no kit.
Everything lands in ``DIR`` at once (:func:`hdhkits.files.atomic_dir`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from ..datasource import resolve_data
from ..files import atomic_dir
from ..findings import DataError
from ..problem import Problem
from .build import Leaderboard, build_leaderboard
from .field import demo_field
from .outputs import write_files

__all__ = ["DemoRun", "run_demo", "write_demo_submissions"]


@dataclass(frozen=True)
class DemoRun:
    """What the demo built: the leaderboard, and the files an organiser would pass by hand."""

    leaderboard: Leaderboard
    submissions: Path
    truth: Path
    data_dir: Path


def write_demo_submissions(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write the tables as ``<name>.csv`` (the second one zipped, as Codabench keeps uploads) and two broken files.

    Returns the paths written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (name, table) in enumerate(tables.items()):
        csv = folder / f"{name}.csv"
        table.to_csv(csv, index=False)
        if i == 1:
            with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(csv, "submission.csv")
            csv.unlink()
            csv = folder / f"{name}.zip"
        paths.append(csv)
    first = next(iter(tables.values()))
    broken = folder / "broken_header.csv"
    first.rename(columns={first.columns[-1]: "prediction"}).to_csv(broken, index=False)
    empty = folder / "empty_upload.csv"
    empty.write_bytes(b"")
    return paths + [broken, empty]


def run_demo(
    problem: Problem,
    n: int,
    out: str | Path,
    *,
    seed: int = 0,
    size: str = "default",
    n_boot: int = 1000,
    public_share: float = 0.5,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> DemoRun:
    """Build a twin, ``n`` submissions and their leaderboard in ``out``.

    Parameters
    ----------
    problem : Problem
        The kit.
    n : int
        Number of plausible submissions (two broken files come on top).
    out : str or Path
        Folder written atomically: ``submissions/`` and the leaderboard's three files.
    seed, size
        The twin's seed and size; ``seed`` also seeds the submissions' noise and the resamples.
    n_boot, public_share, jobs, progress
        As :func:`~.build.build_leaderboard`.

    Raises
    ------
    DataError
        The kit has no demo submissions (:meth:`~hdhkits.problem.Problem.demo_submissions`).
    """
    source = resolve_data(problem.name, None, seed=seed, size=size, verbose=False)
    truth_path = source.truth_path
    if truth_path is None:  # the environment variable named official files: they have no truth to rank against
        raise DataError(
            "--demo",
            [
                f"ranks submissions against the twin's truth, but {source.describe()} has none; "
                f"unset ${problem.env_var} for the demo"
            ],
        )
    truth = problem.read_truth(truth_path)
    try:
        with threadpool_limits(1):  # small fits: threads only fight over busy cores
            tables = demo_field(problem, source.data_dir, truth, n, seed)
    except NotImplementedError as exc:
        raise DataError("--demo", [str(exc)]) from None
    out = Path(out)
    with atomic_dir(out) as tmp:
        write_demo_submissions(tables, tmp / "submissions")
        lb = build_leaderboard(
            problem,
            tmp / "submissions",
            truth_path,
            data_dir=source.data_dir,
            n_boot=n_boot,
            seed=seed,
            public_share=public_share,
            jobs=jobs,
            progress=progress,
        )
        lb.settings["submissions_folder"] = "submissions"
        lb.settings["demo"] = {"n": n, "twin_seed": seed, "twin_size": size}
        lb.settings["command"] = (
            f"hdhkits leaderboard {problem.name} --demo {n} --size {size} --seed {seed} "
            f"--boot {n_boot} --public-share {public_share:g}"
        )
        write_files(lb, tmp)
    return DemoRun(lb, out / "submissions", truth_path, source.data_dir)
