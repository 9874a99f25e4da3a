"""ANNITIA model families on the default twin: Cox baseline, clinical and leaderboard models.

    .venv/bin/python benchmarks/bench_annitia_models.py [--repeats 3] [--splits 5] [--n-boot 200] [--n-jobs 2]
        [--effort default|full]

Runs a repeated stratified K-fold (the same splits for every model) on the twin's train
file and prints, per model, the official score and both concordances with bootstrap 95 %
intervals, the paired difference with the Cox baseline, and the seconds taken; then the
feature-family ablation (a ridge Cox model, families added one at a time).

Target: on the default twin the leaderboard model beats the Cox baseline by at
least 0.02 combined. The clinical model is printed beside it: it reads first-visit biology
only, so it shows what the metric gives without the follow-up trap.
"""

from __future__ import annotations

import argparse
import time

from hdhkits.annitia import build_features, compare_models, make_baselines, paired_difference, survival_targets
from hdhkits.annitia.ablation import family_ablation
from hdhkits.annitia.models import make_clinical_model, make_leaderboard_model
from hdhkits.annitia.twin import twin_frames

#: Required gain of the leaderboard model over the Cox baseline (combined score).
TARGET_GAIN = 0.02


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="twin seed")
    parser.add_argument("--size", default="default", choices=["quick", "default", "full"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--n-boot", type=int, default=200)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--effort",
        default="default",
        choices=["default", "full"],
        help="search effort of the clinical and leaderboard models (their liver pieces)",
    )
    args = parser.parse_args()
    train, _, _ = twin_frames(seed=args.seed, size=args.size)
    X, y = build_features(train), survival_targets(train)
    quick = args.size == "quick"
    models = {
        "Cox (ridge)": make_baselines(quick=quick)["Cox (ridge)"],
        "clinical": make_clinical_model(quick=quick, effort=args.effort),
        "leaderboard": make_leaderboard_model(quick=quick, effort=args.effort),
    }
    print(
        f"twin seed {args.seed}, size {args.size}, effort {args.effort}: {len(y)} patients, "
        f"{int(y.hepatic_event.sum())} liver events, {int(y.death_event.sum())} deaths; {args.repeats} x {args.splits}-fold CV, "
        f"{args.n_boot} bootstrap resamples"
    )
    print(
        f"{'model':<12} {'combined':>8} {'95% interval':>13} {'C liver':>8} {'95% interval':>13} "
        f"{'C death':>8} {'95% interval':>13} {'vs Cox':>7} {'95% interval':>15} {'seconds':>8}"
    )
    oof = {}
    for name, model in models.items():
        start = time.perf_counter()
        table, risks = compare_models(
            {name: model}, X, y, n_splits=args.splits, n_repeats=args.repeats, n_boot=args.n_boot, n_jobs=args.n_jobs
        )
        seconds = time.perf_counter() - start
        oof[name] = risks[name]
        r = table.loc[name]
        diff = paired_difference(y, oof[name], oof["Cox (ridge)"], n_boot=args.n_boot)
        print(
            f"{name:<12} {r['score']:8.3f} {r['low']:6.3f}–{r['high']:.3f} {r['c_hepatic']:8.3f} "
            f"{r['c_hepatic_low']:6.3f}–{r['c_hepatic_high']:.3f} {r['c_death']:8.3f} "
            f"{r['c_death_low']:6.3f}–{r['c_death_high']:.3f} {diff.estimate:+7.3f} "
            f"{diff.low:+7.3f}–{diff.high:+.3f} {seconds:8.1f}",
            flush=True,
        )
    gain = paired_difference(y, oof["leaderboard"], oof["Cox (ridge)"], n_boot=0).estimate
    verdict = "met" if gain >= TARGET_GAIN else "NOT met"
    print(f"leaderboard − Cox: {gain:+.3f} (target ≥ +{TARGET_GAIN}): {verdict}")
    start = time.perf_counter()
    ablation = family_ablation(X, y, n_splits=args.splits, n_jobs=args.n_jobs)
    print(
        f"\nfeature-family ablation (ridge Cox, one {args.splits}-fold split, families added in order; "
        f"{time.perf_counter() - start:.1f} s)"
    )
    print(ablation.round(3).to_string())


if __name__ == "__main__":
    main()
