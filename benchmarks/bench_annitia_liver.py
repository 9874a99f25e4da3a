"""ANNITIA: the twin's visits, the liver pieces, and the cost of each effort.

    .venv/bin/python benchmarks/bench_annitia_liver.py [--seeds 0 1 2] [--parts signal visits ablation timing]
        [--n-boot 200] [--n-jobs 2] [--pieces ...] [--write-record [PATH]]

Four parts, each printing a table:

* ``signal``: Harrell's C of each variable alone (:func:`~hdhkits.annitia.signal.univariate_c`),
  averaged over the default twins of the seeds, beside the official train file's
  (:func:`~hdhkits.annitia.signal.official_univariate_c`): the mean and largest absolute gap
  per endpoint, and the liver rows; then the joint figures
  (:func:`~hdhkits.annitia.signal.joint_figures`) averaged over the seeds, beside the
  official ones. Targets: liver gaps at most 0.03 on average, none above 0.08.

* ``visits``: :func:`~hdhkits.annitia.visits.visit_figures` of the default twin of each seed
  beside the official train file's (gaps between visits, within-patient SDs).
  Targets: gaps above 4 years within 1 point of 2.6 %, BMI within-patient SD within 0.2
  of 1.18.
* ``ablation``: :func:`~hdhkits.annitia.ablation.liver_ablation` on the default twin of
  each seed (5-fold, the same splits for every row): the leaderboard model without liver
  pieces, then each liver piece added alone, then each effort's set of pieces, with
  C(hepatic) paired against the first row; then the mean over seeds. The pieces kept by each
  effort are those that helped across seeds. With ``--write-record`` the per-seed table is
  written, with today's date and the twin version, into the record ``02_baseline`` prints
  (:func:`~hdhkits.annitia.ablation.measured_liver_ablation`; default: the package's
  ``hdhkits/annitia/liver_ablation.json``). Eight seeds take about 40 minutes on 2 cores.
* ``timing``: seconds of what ``02_baseline`` fits at default size (its cross-validation
  of five models, the default "Your model", the family ablation, the refit on all of train),
  with ``effort="default"``; then the cross-validation and the refit of the leaderboard
  model alone with ``effort="full"``. The machine's load average is printed beside
  (other jobs share the cores). Target: ``02_baseline`` within 90 s on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime
import os
import time
from pathlib import Path

import pandas as pd
from hdhkits.annitia import (
    TwoOutcomeModel,
    build_features,
    compare_models,
    fit_models,
    make_baselines,
    survival_targets,
)
from hdhkits.annitia.ablation import LiverRecord, family_ablation, liver_ablation, write_liver_record
from hdhkits.annitia.models import LIVER_PIECES, make_clinical_model, make_leaderboard_model
from hdhkits.annitia.problem import PROBLEM
from hdhkits.annitia.signal import OFFICIAL_JOINT_FIGURES, joint_figures, univariate_c, univariate_gaps
from hdhkits.annitia.twin import twin_frames
from hdhkits.annitia.visits import OFFICIAL_VISIT_FIGURES, visit_figures

#: 02_baseline's budget at default size on 2 cores (seconds).
BUDGET_SECONDS = 90


def signal_tables(seeds: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Univariate C gaps (mean table over the default twins of ``seeds``) and joint figures beside the official."""
    tables, joints = [], []
    for seed in seeds:
        train = twin_frames(seed=seed)[0]
        tables.append(univariate_c(train).set_index(["variable", "endpoint"])["c_index"])
        joints.append(joint_figures(train))
    mean = pd.concat(tables, axis=1).mean(axis=1).rename("c_index").reset_index()
    joint = pd.DataFrame({"official": pd.Series(OFFICIAL_JOINT_FIGURES), "twin": pd.DataFrame(joints).mean()})
    return univariate_gaps(mean), joint


def visits_table(seeds: list[int]) -> pd.DataFrame:
    """Visit figures of the default twin of each seed, and the official file's (first row)."""
    rows = {"official train file": OFFICIAL_VISIT_FIGURES}
    for seed in seeds:
        rows[f"twin seed {seed}"] = visit_figures(twin_frames(seed=seed)[0])
    table = pd.DataFrame(rows).T
    table["gap_share_above_4"] *= 100
    return table.rename(columns={"gap_share_above_4": "gap_%_above_4"})


def ablation_tables(seeds: list[int], n_boot: int, n_jobs: int, pieces: tuple[str, ...]) -> pd.DataFrame:
    """:func:`liver_ablation` of each seed, stacked (index: seed, step)."""
    tables = {}
    for seed in seeds:
        train = twin_frames(seed=seed)[0]
        start = time.perf_counter()
        table = liver_ablation(
            build_features(train), survival_targets(train), n_boot=n_boot, n_jobs=n_jobs, pieces=pieces
        )
        print(
            f"\ntwin seed {seed} ({time.perf_counter() - start:.0f} s): C(hepatic), and its paired change "
            "against the leaderboard model without liver pieces (95 % interval)"
        )
        print(_shown(table).to_string(), flush=True)
        tables[seed] = table
    return pd.concat(tables, names=["seed", "step"])


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    shown = table[["score", "c_hepatic", "vs_no_pieces"]].round(3)
    shown["95% interval"] = [
        f"{lo:+.3f} to {hi:+.3f}" for lo, hi in zip(table["vs_no_pieces_low"], table["vs_no_pieces_high"])
    ]
    return shown


def record_of(stacked: pd.DataFrame, n_boot: int) -> LiverRecord:
    """The per-seed ablation (:func:`ablation_tables`) as the record ``02_baseline`` prints, dated today."""
    rows = stacked.reset_index()  # one row per (seed, step), seed after seed
    order = {step: k for k, step in enumerate(dict.fromkeys(rows["step"]))}
    rows = rows.assign(order=rows["step"].map(order)).sort_values(["order", "seed"], kind="stable")
    names = {"vs_no_pieces": "change", "vs_no_pieces_low": "low", "vs_no_pieces_high": "high"}
    per_seed = rows.rename(columns=names).set_index(["step", "seed"])[["c_hepatic", "change", "low", "high"]]
    return LiverRecord(
        per_seed=per_seed,
        twin_version=PROBLEM.twin_version,
        date=datetime.date.today().isoformat(),
        date_is="measurement",
        size="default",
        n_splits=5,
        n_boot=n_boot,
        note="Written by benchmarks/bench_annitia_liver.py --parts ablation --write-record on the date above.",
        what=(
            "C(hepatic) of the leaderboard model's liver blend with each liver piece added alone and with each "
            "effort's pieces, and its change against the leaderboard model without liver pieces (the first step), "
            "paired on the same splits: hdhkits.annitia.ablation.liver_ablation, run by "
            "benchmarks/bench_annitia_liver.py"
        ),
    )


def default_your_model(seed: int = 0) -> TwoOutcomeModel:
    """The default of ``02_baseline``'s "Your model" cell: extremely randomised survival trees per outcome."""
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sksurv.ensemble import ExtraSurvivalTrees

    def extra_trees():
        forest = ExtraSurvivalTrees(
            n_estimators=200, min_samples_leaf=10, max_features="sqrt", low_memory=True, random_state=seed
        )
        return make_pipeline(SimpleImputer(strategy="median"), forest)

    return TwoOutcomeModel(hepatic=extra_trees(), death=extra_trees())


def _timed(label: str, run) -> tuple[str, float]:
    start = time.perf_counter()
    run()
    return label, time.perf_counter() - start


def timing_table(n_jobs: int, seed: int = 0) -> pd.DataFrame:
    """Seconds of 02_baseline's model fitting (effort default) and of the full-effort leaderboard model."""
    train = twin_frames(seed=seed)[0]
    X, y = build_features(train), survival_targets(train)
    baselines = make_baselines(seed=seed)
    models = {name: baselines[name] for name in ("FIB-4 (last visit)", "FibroScan (last)", "Cox (ridge)")}
    models["clinical model"] = make_clinical_model(seed=seed)
    models["leaderboard model"] = make_leaderboard_model(seed=seed)
    refit = {name: models[name] for name in ("leaderboard model", "clinical model", "Cox (ridge)")}
    full = {"leaderboard model, full": make_leaderboard_model(seed=seed, effort="full")}
    rows = [
        _timed(
            "02: cross-validation of five models (5-fold, 200 resamples)",
            lambda: compare_models(models, X, y, n_splits=5, seed=seed, n_boot=200, n_jobs=n_jobs),
        ),
        _timed(
            "02: your model (the default of its cell)",
            lambda: compare_models(
                {"your model": default_your_model(seed)}, X, y, n_splits=5, seed=seed, n_boot=200, n_jobs=n_jobs
            ),
        ),
        _timed("02: family ablation", lambda: family_ablation(X, y, n_splits=5, seed=seed, n_jobs=n_jobs)),
        _timed("02: refit of three models on all of train", lambda: fit_models(refit, X, y, n_jobs=n_jobs)),
    ]
    total = sum(seconds for _, seconds in rows)
    rows.append(("02 model fitting, effort default (total)", total))
    rows += [
        _timed(
            "full effort: leaderboard model, 5-fold cross-validation",
            lambda: compare_models(full, X, y, n_splits=5, seed=seed, n_boot=200, n_jobs=n_jobs),
        ),
        _timed("full effort: leaderboard model, fit on all of train", lambda: fit_models(full, X, y, n_jobs=n_jobs)),
    ]
    return pd.DataFrame(rows, columns=["step", "seconds"]).set_index("step")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["signal", "visits", "ablation", "timing"],
        choices=["signal", "visits", "ablation", "timing"],
    )
    parser.add_argument("--n-boot", type=int, default=200)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--pieces", nargs="+", default=list(LIVER_PIECES), choices=list(LIVER_PIECES))
    parser.add_argument(
        "--write-record",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="write the ablation's per-seed table as the record 02_baseline prints (default: the package's file)",
    )
    args = parser.parse_args()
    if "signal" in args.parts:
        gaps, joint = signal_tables(args.seeds)
        print(f"signal: univariate C, mean over the default twins of seeds {args.seeds}, against the official file")
        for endpoint, part in gaps.groupby(level="endpoint", sort=False):
            size = part["gap"].abs()
            print(f"  {endpoint}: mean |gap| {size.mean():.3f}, largest {size.max():.3f} ({size.idxmax()[0]})")
        print(gaps.xs("liver", level="endpoint").round(3).to_string())
        print("\njoint figures (mean over the seeds)")
        print(joint.round(3).to_string(), flush=True)
    if "visits" in args.parts:
        print(
            "visits: the official train file and the default twin (SDs: median over patients of the within-patient SD)"
        )
        print(visits_table(args.seeds).round(3).to_string(), flush=True)
    if "ablation" in args.parts:
        stacked = ablation_tables(args.seeds, args.n_boot, args.n_jobs, tuple(args.pieces))
        mean = stacked.groupby(level="step", sort=False)[["score", "c_hepatic", "vs_no_pieces"]].mean()
        wins = stacked["vs_no_pieces"].gt(0).groupby(level="step", sort=False).sum()
        mean["seeds above no pieces"] = [f"{int(w)} of {len(args.seeds)}" for w in wins]
        print(f"\nmean over seeds {args.seeds}")
        print(mean.round(4).to_string(), flush=True)
        if args.write_record is not None:
            path = write_liver_record(
                record_of(stacked, args.n_boot), Path(args.write_record) if args.write_record else None
            )
            print(f"record written: {path}")
    if "timing" in args.parts:
        load = os.getloadavg()[0]
        table = timing_table(args.n_jobs)
        print(
            f"\ntiming (default size, n_jobs={args.n_jobs}; load average {load:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores)"
        )
        print(table.round(1).to_string())
        total = table.loc["02 model fitting, effort default (total)", "seconds"]
        print(f"02 model fitting within {BUDGET_SECONDS} s: {'yes' if total <= BUDGET_SECONDS else 'NO'}")


if __name__ == "__main__":
    main()
