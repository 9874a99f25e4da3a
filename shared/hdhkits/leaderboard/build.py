"""Build a leaderboard: every submission of a folder checked, scored and resampled, then summarised.

:func:`build_leaderboard` is what ``hdhkits leaderboard`` runs:

1. the truth is read and split into test units (:meth:`hdhkits.problem.Problem.unit_metric`);
2. one set of resamples (:mod:`.resampling`) and one public/private split (:mod:`.split`)
   are drawn from the seed, shared by every submission;
3. each file is read, checked by the kit's validator, scored by the kit's official
   metric, reduced to its per-unit terms and scored on the full set, both parts and
   every resample (:func:`score_file`). Files are processed a few at a time (in
   ``jobs`` processes when asked), and only their scores are kept: memory grows with
   submissions x resamples, never with submissions x resamples x units;
4. the scores are summarised (:func:`summarise`): intervals, ranks, P(best), pairwise
   shares and tests.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from .. import __version__
from ..files import file_digest
from ..findings import DataError, warnings_of
from ..problem import Problem, UnitMetric, get_problem
from .inputs import (
    MAX_SUBMISSION_BYTES,
    SubmissionFile,
    SubmissionProblem,
    find_submissions,
    first_error,
    read_submission_file,
    read_truth_file,
    validation_folder,
)
from .resampling import WeightPlan, make_plan, score_rows
from .split import public_mask, rank_correlation, shakeup
from .statistics import (
    beat_shares,
    holm,
    min_ranks,
    p_best,
    paired_pvalues,
    rank_frequencies,
    rank_interval,
    score_interval,
)

__all__ = [
    "ALPHA",
    "COLUMNS",
    "Context",
    "FileResult",
    "Leaderboard",
    "build_leaderboard",
    "score_file",
    "summarise",
]

#: The leaderboard table's first columns, in order (the metric's parts, ``warnings``,
#: ``warning`` and ``file`` follow).
COLUMNS = (
    "submission",
    "valid",
    "score",
    "low",
    "high",
    "rank",
    "rank_low",
    "rank_high",
    "rank_median",
    "p_best",
    "public_score",
    "private_score",
    "public_rank",
    "private_rank",
    "shakeup",
    "p_vs_first",
    "error",
)
#: Significance level of the pairwise tests (after Holm's correction).
ALPHA = 0.05
#: Files read and scored before their scores are summarised and their tables dropped.
_CHUNK = 8


@dataclass
class FileResult:
    """What one submission file gave.

    ``rows`` holds its scores on the full set, the public part, the private part and
    each resample (:func:`~.resampling.score_rows`); None for an invalid file.
    """

    name: str
    file: str
    valid: bool
    error: str | None = None
    score: float = float("nan")
    parts: dict[str, float] = field(default_factory=dict)
    warnings: int = 0
    warning: str | None = None
    rows: np.ndarray | None = None
    digest: str | None = None


@dataclass(frozen=True)
class Context:
    """Everything :func:`score_file` needs, picklable for worker processes."""

    kit: str
    truth: pd.DataFrame
    metric: UnitMetric
    data_dir: Path
    plan: WeightPlan
    cap: int = MAX_SUBMISSION_BYTES


@dataclass
class Leaderboard:
    """A built leaderboard.

    Attributes
    ----------
    table : DataFrame
        One row per submission: the valid ones by rank, then the invalid ones by name.
    order : list of str
        The valid submissions, in the table's order (the axes of the matrices below).
    beats, p_value, p_holm : ndarray (V, V)
        Share of resamples where row beats column; one-sided p-value of "row scores
        higher"; the same after Holm's correction over every ordered pair.
    rank_share : ndarray (V, V)
        Share of resamples where row takes rank column + 1 (the blob plot).
    settings : dict
        How it was built (kit, resamples, seed, split, test, truth file, timings, ...).
    """

    table: pd.DataFrame
    order: list[str]
    beats: np.ndarray
    p_value: np.ndarray
    p_holm: np.ndarray
    rank_share: np.ndarray
    settings: dict

    def tied_with_first(self, alpha: float = ALPHA) -> list[str]:
        """The first submission and those it does not score significantly higher than.

        The family is the first's own comparisons: ``p_vs_first``, its one-sided p-values
        against each other valid submission, Holm-corrected over those ``V - 1`` tests
        (not over every pair, as the significance map is: with 200 submissions that family
        holds 39,800 tests and could never single out a winner).
        """
        valid = self.table[self.table["valid"].astype(bool)]
        return [name for name, p in zip(valid["submission"], valid["p_vs_first"]) if not p < alpha]


def _digest(terms: tuple[np.ndarray, ...]) -> str:
    h = hashlib.sha1()
    for array in terms:
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def score_file(entry: SubmissionFile, context: Context, known: dict[str, np.ndarray] | None = None) -> FileResult:
    """Read, check, score and resample one submission file; never raises for a bad file.

    ``known`` maps the digest of per-unit terms already resampled to their rows, so an
    identical submission is not resampled twice (and ties exactly).
    """
    problem = get_problem(context.kit)
    result = FileResult(entry.name, entry.path.name, valid=False)
    try:
        table = read_submission_file(entry, context.cap)
        findings = problem.validate_submission(table, context.data_dir)
        result.error = first_error(findings)
        notes = warnings_of(findings)
        result.warnings, result.warning = len(notes), (str(notes[0]) if notes else None)
        if result.error is None:
            score = problem.score_submission(table, context.truth)
            result.score, result.parts = float(score.value), dict(score.parts)
            terms = context.metric.unit_terms(table)
            result.digest = _digest(terms)
            cached = None if known is None else known.get(result.digest)
            result.rows = cached if cached is not None else score_rows(context.metric, terms, context.plan)
            result.valid = bool(np.isfinite(result.score))
            if not result.valid:
                result.error = "the metric is undefined for this submission (NaN); it cannot be ranked"
    except SubmissionProblem as exc:
        result.error = str(exc)
    except DataError as exc:
        result.error = f"cannot be scored: {exc.problems[0]}"
    except Exception as exc:  # one broken file must not stop the others: say what happened, go on
        result.error = (
            f"cannot be scored ({type(exc).__name__}: {exc}); run `hdhkits validate {context.kit} "
            f"{entry.path.name}` to list its problems"
        )
    if not result.valid:
        result.rows = None
    return result


_WORKER: Context | None = None


def _init_worker(context: Context) -> None:
    global _WORKER
    _WORKER = context
    threadpool_limits(1, "blas")  # the workers share the cores: one BLAS thread each


def _score_in_worker(entry: SubmissionFile) -> FileResult:
    assert _WORKER is not None
    return score_file(entry, _WORKER)


def _score_all(
    files: list[SubmissionFile], context: Context, jobs: int, progress: Callable[[int, int], None] | None
) -> list[FileResult]:
    """Every file's result, in file order, at most ``_CHUNK`` x ``jobs`` tables in memory at once."""
    results: list[FileResult] = []
    known: dict[str, np.ndarray] = {}

    def keep(result: FileResult) -> None:
        if result.valid and result.digest is not None and result.rows is not None:
            if result.digest in known:  # identical terms: identical scores, bit for bit
                result.rows = known[result.digest]
            else:
                known[result.digest] = result.rows
        results.append(result)
        if progress is not None:
            progress(len(results), len(files))

    if jobs <= 1 or len(files) < 2:
        for entry in files:
            keep(score_file(entry, context, known))
        return results
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(context,)) as pool:
        step = _CHUNK * jobs
        for start in range(0, len(files), step):
            for result in pool.map(_score_in_worker, files[start : start + step]):
                keep(result)
    return results


def _valid_matrix(results: list[FileResult]) -> tuple[list[FileResult], np.ndarray]:
    valid = [r for r in results if r.valid and r.rows is not None]  # a valid file has its rows
    rows = np.vstack([r.rows for r in valid if r.rows is not None]) if valid else np.zeros((0, 3))
    return valid, rows


def summarise(results: list[FileResult], level: float = 0.95) -> tuple[pd.DataFrame, dict, dict]:
    """The table, the pairwise matrices and a few numbers for the settings, from the files' results.

    A resample where the metric is undefined for any valid submission is left out for all.

    Returns
    -------
    table : DataFrame
        One row per file (:data:`COLUMNS`, then the metric's parts, ``warnings``, ``warning``, ``file``);
        ``p_vs_first`` is the Holm-corrected one-sided p-value of "the first scores higher
        than this one", over the first's ``V - 1`` comparisons.
    matrices : dict
        ``order``, ``beats``, ``p_value``, ``p_holm``, ``rank_share``.
    numbers : dict
        ``resamples_used``, ``decomposition_max_diff`` (full-set score of the per-unit
        terms against the official score), ``public_private_spearman``.
    """
    valid, rows = _valid_matrix(results)
    boots = rows[:, 3:]
    usable = np.isfinite(boots).all(0)
    boots = boots[:, usable]
    estimates = np.array([r.score for r in valid])
    stats = _per_submission(estimates, rows, boots, level)
    table = _table(results, valid, stats)
    order = table.loc[table["valid"], "submission"].tolist()
    position = {r.name: i for i, r in enumerate(valid)}
    idx = np.array([position[name] for name in order], dtype=int)
    matrices = {"order": order, **{k: v[np.ix_(idx, idx)] for k, v in stats["pairs"].items()}}
    ranks_sorted = stats["ranks"][idx] if len(idx) else stats["ranks"]
    matrices["rank_share"] = (
        rank_frequencies(ranks_sorted) if len(idx) and boots.shape[1] else np.zeros((len(idx),) * 2)
    )
    if len(idx):  # the first against each other one, Holm over those comparisons only
        table.loc[table["valid"], "p_vs_first"] = np.r_[np.nan, holm(matrices["p_value"][0, 1:])]
    numbers = {
        "resamples_used": int(usable.sum()),
        "decomposition_max_diff": float(np.nanmax(np.abs(rows[:, 0] - estimates))) if len(valid) else 0.0,
        "public_private_spearman": rank_correlation(stats["public_rank"], stats["private_rank"]),
    }
    return table, matrices, numbers


def _per_submission(estimates: np.ndarray, rows: np.ndarray, boots: np.ndarray, level: float) -> dict:
    """Every per-submission statistic and pairwise matrix, in the order of ``rows``."""
    n = len(estimates)
    nan = np.full(n, np.nan)
    out: dict[str, Any] = {
        "rank": min_ranks(estimates),
        "public_score": rows[:, 1],
        "private_score": rows[:, 2],
        "public_rank": min_ranks(rows[:, 1]),
        "private_rank": min_ranks(rows[:, 2]),
    }
    if n and boots.shape[1]:
        ranks = min_ranks(boots)
        out["ranks"] = ranks
        out["rank_median"], out["rank_low"], out["rank_high"] = rank_interval(ranks, level)
        out["low"], out["high"] = score_interval(boots, level)
        out["p_best"] = p_best(ranks)
        p = paired_pvalues(estimates, boots)
        out["pairs"] = {"beats": beat_shares(boots), "p_value": p, "p_holm": holm(p)}
    else:
        out["ranks"] = np.zeros((n, 0))
        out.update({k: nan for k in ("rank_median", "rank_low", "rank_high", "low", "high", "p_best")})
        out["pairs"] = {k: np.full((n, n), np.nan) for k in ("beats", "p_value", "p_holm")}
    out["shakeup"] = shakeup(out["public_rank"], out["private_rank"])
    return out


def _table(results: list[FileResult], valid: list[FileResult], stats: dict) -> pd.DataFrame:
    """One row per file: valid submissions by rank (then P(best), name), then invalid ones by name."""
    columns = COLUMNS[COLUMNS.index("score") : COLUMNS.index("p_vs_first")]  # the resampled statistics
    part_names = list(dict.fromkeys(k for r in valid for k in r.parts))
    records = []
    position = {id(r): i for i, r in enumerate(valid)}
    for r in results:
        i = position.get(id(r))
        record = {"submission": r.name, "valid": r.valid}
        for c in columns:
            record[c] = (r.score if c == "score" else float(stats[c][i])) if i is not None else np.nan
        record["p_vs_first"] = np.nan
        record["error"] = r.error or ""
        record.update({k: r.parts.get(k, np.nan) for k in part_names})
        record.update({"warnings": r.warnings, "warning": r.warning or "", "file": r.file})
        records.append(record)
    table = pd.DataFrame.from_records(records, columns=[*COLUMNS, *part_names, "warnings", "warning", "file"])
    table["_invalid"] = ~table["valid"].astype(bool)
    table = (
        table.sort_values(
            ["_invalid", "rank", "p_best", "submission"],
            ascending=[True, True, False, True],
            na_position="last",
            kind="stable",
        )
        .drop(columns="_invalid")
        .reset_index(drop=True)
    )
    return table


def _settings(problem: Problem, metric: UnitMetric, plan: WeightPlan, truth_path: Path, **extra) -> dict:
    n_public = int(plan.public.sum())
    return {
        "kit": problem.name,
        "title": problem.title,
        "metric": problem.metric,
        "units": metric.unit_name,
        "n_units": metric.n_units,
        "n_public": n_public,
        "n_private": metric.n_units - n_public,
        "n_boot": plan.n_boot,
        "truth_file": truth_path.name,
        "truth_sha256": file_digest(truth_path),
        "alpha": ALPHA,
        "ties": "scores closer than 1e-12 are tied and share the best of their places ('min' rank)",
        "test": (
            "one-sided paired bootstrap z-test (difference on the full set / standard deviation of the "
            "paired bootstrap differences), Holm's correction over every ordered pair"
        ),
        "max_file_bytes": MAX_SUBMISSION_BYTES,
        "hdhkits": __version__,
        **extra,
    }


def build_leaderboard(
    problem: Problem,
    submissions: str | Path | Iterable[SubmissionFile],
    truth: str | Path,
    *,
    data_dir: str | Path | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    public_share: float = 0.5,
    jobs: int = 1,
    level: float = 0.95,
    progress: Callable[[int, int], None] | None = None,
) -> Leaderboard:
    """Rank every submission of a folder with its uncertainty.

    Parameters
    ----------
    problem : Problem
        The kit.
    submissions : str, Path or iterable of SubmissionFile
        The folder of ``*.csv`` / ``*.zip`` submissions (or the files, already found).
    truth : str or Path
        The truth file (or its folder).
    data_dir : str or Path, optional
        Folder with the official test file, for the kit's validator; by default the ids
        of the truth are the expected ones.
    n_boot, seed, public_share, level
        Resamples, seed (resamples and split), public share of the test units, coverage.
    jobs : int
        Processes reading and scoring files.
    progress : callable, optional
        ``progress(done, total)`` after each file.

    Returns
    -------
    Leaderboard

    Raises
    ------
    DataError
        The truth file cannot be read or split into units.
    """
    start = time.perf_counter()
    truth_path, truth_table = read_truth_file(problem, truth)
    try:
        metric = problem.unit_metric(truth_table)
    except DataError as exc:
        raise DataError(
            truth_path,
            [f"{exc.problems[0]}; pass the truth file `hdhkits data {problem.name}` writes, or yours in its layout"],
        ) from None
    except NotImplementedError as exc:
        raise DataError("KIT", [str(exc)]) from None
    if metric.n_units < 2:
        raise DataError(
            truth_path,
            [
                f"holds {metric.n_units} test {metric.unit_name}; a leaderboard resamples "
                "them and needs at least two: pass the whole truth file"
            ],
        )
    ignored: list[str] = []
    if isinstance(submissions, (str, Path)):
        folder = Path(submissions)
        files, ignored = find_submissions(folder)
    else:
        files, folder = list(submissions), None
    plan = make_plan(metric.n_units, n_boot, seed, public_mask(metric.n_units, public_share, seed))
    # One BLAS thread: the products are small (resamples x units x a few dozen terms), and two
    # BLAS threads on two busy cores run them several times slower; --jobs spreads the files instead.
    with validation_folder(problem, truth_table, data_dir) as checked_against, threadpool_limits(1, "blas"):
        context = Context(problem.name, truth_table, metric, checked_against, plan)
        results = _score_all(files, context, jobs, progress)
        table, matrices, numbers = summarise(results, level)
    settings = _settings(
        problem,
        metric,
        plan,
        truth_path,
        seed=seed,
        public_share=public_share,
        level=level,
        submissions_folder=folder.name if folder else None,
        n_files=len(files),
        ignored=ignored,
        validated_against="the official test file (--data)" if data_dir else "the truth's ids",
        jobs=jobs,
        seconds=round(time.perf_counter() - start, 2),
        **numbers,
    )
    return Leaderboard(
        table,
        matrices["order"],
        matrices["beats"],
        matrices["p_value"],
        matrices["p_holm"],
        matrices["rank_share"],
        settings,
    )
