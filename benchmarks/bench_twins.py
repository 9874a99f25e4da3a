"""Time the synthetic twins' generation for every kit and size, or measure how far the twins are from the official files.

    .venv/bin/python benchmarks/bench_twins.py [--sizes quick default] [--kits annitia cardihack]
    .venv/bin/python benchmarks/bench_twins.py --real DIR --kits annitia [--seeds 1 2 3] [--size default]
    .venv/bin/python benchmarks/bench_twins.py --against-seed 0 [--seeds 1 2 3] [--kits annitia cardihack]

Timing targets (2 CPU cores): every default-size twin in under a minute.

Fidelity (``--real DIR``: a participant's copy of one kit's official files; ``--kits``
names that kit): for the twins of each seed, how well a gradient-boosting classifier
tells twin rows from official rows (cross-validated AUC: 0.5 it cannot, 1.0 every row
gives the twin away; target: at most 0.75), on all columns and on each group of columns
alone, the columns whose missing share or distribution is furthest from the official
one, the correlations of column pairs, and each variable's signal alone per outcome
where the kit gives it (``hdhkits.fidelity``; the tables are the kit's
``Problem.fidelity_table`` and ``Problem.signal_table``). ``--against-seed S`` prints
the same figures for the twins of the other seeds against the twin of seed S, with no
official file: a sanity check whose AUC should be about 0.5. Nothing of the official
files is written anywhere; only aggregate figures are printed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from hdhkits.arguments import seed_number
from hdhkits.datasource import write_twin
from hdhkits.fidelity import (
    adversarial_auc,
    column_gaps,
    column_groups,
    comparable_columns,
    group_aucs,
    pair_gaps,
    pair_summary,
    signal_gaps,
)
from hdhkits.findings import errors, format_findings
from hdhkits.problem import KITS, SIZES, Problem, get_problem

#: How many groups and columns the fidelity report lists.
TOP = 10
#: The group of every column that is a group of its own (ANNITIA's statics, Cardi-HACK's clinical columns).
SINGLES = "(one-column groups together)"


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def timing(kits: list[str], sizes: list[str], seed: int) -> None:
    """The table of twin generation times."""
    print(f"{'kit':<10} {'size':<8} {'seconds':>8} {'files':>7} {'MB':>8}")
    for kit in kits:
        problem = get_problem(kit)
        for size in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                write_twin(problem, Path(tmp) / "data", Path(tmp) / "truth", seed=seed, size=size)
                seconds = time.perf_counter() - start
                n, nbytes = folder_size(Path(tmp) / "data")
            print(f"{kit:<10} {size:<8} {seconds:8.1f} {n:7d} {nbytes / 1e6:8.1f}", flush=True)


def twin_folder(problem: Problem, seed: int, size: str, tmp: Path) -> Path:
    """A fresh twin's participant files under ``tmp`` (not the cache: no environment variable redirects it)."""
    data = tmp / f"{problem.name}-seed{seed}" / "data"
    write_twin(problem, data, data.parent / "truth", seed=seed, size=size)
    return data


def official_folder(problem: Problem, folder: Path) -> str | None:
    """Why ``folder`` cannot be read as the kit's official files (None: it can)."""
    expected = ", ".join(problem.official_files)
    if not folder.is_dir():
        return f"--real {folder}: no such folder; point --real at the folder holding the {problem.title} files ({expected})"
    found = errors(problem.check_data(folder))
    if found:
        return (
            f"--real {folder}: not a folder of the {problem.title} official files ({len(found)} error(s)):\n"
            f"{format_findings(found)}\npoint --real at the folder holding {expected} as downloaded, "
            f"or name its kit with --kits (the kits: {', '.join(KITS)})"
        )
    return None


def groups_of(table: pd.DataFrame, ref: pd.DataFrame) -> dict[str, list[str]]:
    """The column groups by name (``hdhkits.fidelity.column_groups``), and the one-column groups together."""
    groups = column_groups(comparable_columns(table, ref))
    singles = [members[0] for members in groups.values() if len(members) == 1]
    return {**groups, SINGLES: singles} if len(singles) > 1 else groups


def measure(problem: Problem, twin: Path, reference: Path, seed: int, folds: int = 5) -> dict:
    """Every figure of one twin against the reference folder (empty when the kit gives no table)."""
    table, ref = problem.fidelity_table(twin), problem.fidelity_table(reference)
    if table is None or ref is None:
        return {}
    pairs = pair_gaps(table, ref)
    figures = {
        "rows": (len(table), len(ref)),
        "auc": adversarial_auc(table, ref, seed=seed, n_splits=folds),
        "groups": group_aucs(table, ref, groups_of(table, ref), seed=seed, n_splits=folds).set_index("group"),
        "columns": column_gaps(table, ref).set_index("column"),
        "pairs": {**pair_summary(pairs), "worst": _worst_pair(pairs)},
    }
    twin_signal, ref_signal = problem.signal_table(twin), problem.signal_table(reference)
    if twin_signal is not None and ref_signal is not None:
        figures["signal"] = signal_gaps(twin_signal, ref_signal)
    return figures


def _worst_pair(pairs: pd.DataFrame) -> str:
    if pairs.empty:
        return "-"
    top = pairs.iloc[0]
    return f"{top.column_a} x {top.column_b} ({top.r_twin:+.2f} vs {top.r_real:+.2f})"


def report_aucs(by_seed: dict[int, dict]) -> None:
    """The overall AUC per seed, then the groups with the highest mean AUC."""
    aucs = [f["auc"] for f in by_seed.values()]
    cells = "  ".join(f"seed {s} {f['auc']:.3f}" for s, f in by_seed.items())
    print(f"  adversarial AUC, all columns: {cells}  (mean {sum(aucs) / len(aucs):.3f})")
    groups = pd.DataFrame({f"seed {s}": f["groups"]["auc"] for s, f in by_seed.items()})
    groups.insert(0, "columns", next(iter(by_seed.values()))["groups"]["columns"])
    groups["mean"] = groups.filter(like="seed").mean(axis=1)
    groups = groups.sort_values("mean", ascending=False)
    print(f"  by column group alone, highest mean first ({min(TOP, len(groups))} of {len(groups)}):")
    print(_indent(groups.head(TOP).to_string(float_format="{:.3f}".format)))


def report_columns(by_seed: dict[int, dict]) -> None:
    """The columns whose missing share or distribution is furthest from the reference's, mean over the seeds."""
    frames = [f["columns"] for f in by_seed.values()]
    numbers = ["missing_twin", "missing_real", "missing_gap", "shape", "gap"]
    mean = sum(f[numbers] for f in frames) / len(frames)
    mean.insert(0, "kind", frames[0]["kind"])
    mean = mean.sort_values("gap", ascending=False).head(TOP)
    print(
        "  worst columns, mean over the seeds (missing: share of missing values, gap twin minus reference; "
        "shape: KS distance for numbers, total variation for codes, where each table holds 100 values):"
    )
    print(_indent(mean.to_string(float_format="{:.3f}".format)))


def report_pairs(by_seed: dict[int, dict]) -> None:
    """Per seed: how far the pairs' correlations are from the reference's."""
    print("  column-pair trends (Pearson on the rows holding both; pairs with at least 100 such rows in each table):")
    table = pd.DataFrame({f"seed {s}": f["pairs"] for s, f in by_seed.items()}).T
    table = table.rename(columns={"mean_gap": "mean |dr|", "max_gap": "max |dr|", "share_off": "share |dr|>0.1"})
    table["pairs"] = table["pairs"].astype(int)
    table = table.rename(columns={"similarity": "CorrelationSimilarity", "worst": "worst pair (twin vs reference)"})
    print(_indent(table.to_string(float_format="{:.3f}".format)))


def report_signal(problem: Problem, by_seed: dict[int, dict]) -> None:
    """Per seed: the gaps of each variable's signal alone per outcome, or why there are none."""
    if not any("signal" in f for f in by_seed.values()):
        print(f"  signal gaps: {problem.name}: no signal table to compare (Problem.signal_table gives none)")
        return
    print("  signal gaps (each variable alone per outcome, |twin - reference|):")
    for seed, figures in by_seed.items():
        gaps = figures["signal"]
        worst = gaps.rows.iloc[0] if len(gaps.rows) else None
        where = f", largest at {worst.variable} ({worst.endpoint})" if worst is not None else ""
        print(
            f"    seed {seed}: {len(gaps.rows)} rows, mean {gaps.mean:.3f}, max {gaps.max:.3f}{where}; "
            f"{gaps.unmatched} reference row(s) the twin lacks"
        )


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def fidelity(
    problem: Problem, seeds: list[int], size: str, real: Path | None, against: int | None, folds: int = 5
) -> None:
    """Print every fidelity figure of the kit's twins of ``seeds`` against ``real`` or the twin of seed ``against``."""
    with tempfile.TemporaryDirectory() as tmp:
        if real is not None:
            reference, label = real, f"the official files in {real}"
        else:
            reference, label = twin_folder(problem, against, size, Path(tmp)), f"the twin of seed {against}"
            seeds = [s for s in seeds if s != against]
        print(f"{problem.name}: twins of seed(s) {' '.join(map(str, seeds))} (size {size}) against {label}", flush=True)
        by_seed = {}
        for seed in seeds:
            figures = measure(problem, twin_folder(problem, seed, size, Path(tmp)), reference, seed, folds)
            if not figures:
                print(f"  {problem.name}: no table to compare (Problem.fidelity_table gives none)")
                return
            by_seed[seed] = figures
    if not by_seed:
        print("  no twin to compare: give --seeds other than --against-seed")
        return
    twins = ", ".join(f"{f['rows'][0]} (seed {s})" for s, f in by_seed.items())
    print(f"  rows: reference {next(iter(by_seed.values()))['rows'][1]}, twins {twins}")
    report_aucs(by_seed)
    report_columns(by_seed)
    report_pairs(by_seed)
    report_signal(problem, by_seed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kits", nargs="+", default=list(KITS), choices=list(KITS))
    parser.add_argument("--sizes", nargs="+", default=["quick", "default"], choices=SIZES, help="timing table")
    parser.add_argument("--seed", type=seed_number, default=0, help="timing table's twin seed")
    comparison = parser.add_mutually_exclusive_group()
    comparison.add_argument("--real", type=Path, metavar="DIR", help="a folder of one kit's official files")
    comparison.add_argument("--against-seed", type=seed_number, metavar="S", help="compare with the twin of seed S")
    parser.add_argument("--seeds", nargs="+", type=seed_number, default=[1, 2, 3], help="twins to compare")
    parser.add_argument("--size", default="default", choices=SIZES, help="size of the twins compared")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds of the classifier")
    args = parser.parse_args(argv)
    if args.real is None and args.against_seed is None:
        timing(args.kits, args.sizes, args.seed)
        return
    if args.real is not None:
        if len(args.kits) != 1:
            parser.error(
                f"--real DIR holds one kit's files: name that kit alone with --kits (one of {', '.join(KITS)})"
            )
        problem = get_problem(args.kits[0])
        problem_text = official_folder(problem, args.real)
        if problem_text:
            parser.error(problem_text)
    for kit in args.kits:
        fidelity(get_problem(kit), args.seeds, args.size, args.real, args.against_seed, args.folds)


if __name__ == "__main__":
    main()
