"""Does the CYTOLOGIA CNN learn at quick mode's size? Its hold-out macro-F1 against chance, by recipe and seed.

Usage::

    python benchmarks/bench_cytologia_cnn_quick.py [--seeds 0 1 2 3 4 5 6 7] [--recipes 5:4 20:5 30:7]

Quick mode trains on the quick twin's 300 train images (about 170 training crops, 7 per
class, once the hold-out fold and the CNN's inner split are set apart). For each recipe
(``epochs:patience``) and seed, the CNN is trained as ``02_baseline`` trains it
(:func:`hdhkits.cytologia.train_baseline`: the same folds, detector and inner split) and
its hold-out macro-F1 printed with its 95 % interval over images, beside a random guess
among the hold-out classes (1 / their number), the best epoch and the training time.
Quick mode's recipe is ``30:7`` (:data:`hdhkits.cytologia.baselines.QUICK_SETTINGS`,
:func:`hdhkits.cytologia.problem.cnn_patience`); it used to be ``5:4``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import time

os.environ.setdefault("HDHKITS_HEADLESS", "1")  # no progress bars

from hdhkits import cytologia as kit  # after the headless switch
from hdhkits.cytologia.baselines import full_settings
from hdhkits.datasource import resolve_data


def run(epochs: int, patience: int, seed: int, data, out: str) -> str:
    """One training at quick size; the line to print."""
    settings = full_settings({"epochs": epochs}, quick=True)
    config = dataclasses.replace(kit.PROBLEM.make_model("cnn", seed, True, settings), patience=patience)
    started = time.perf_counter()
    result = kit.train_baseline(data, {"cnn": config}, out, settings, seed=seed, quick=True, progress=False)
    seconds = time.perf_counter() - started
    f1 = kit.score_interval(result.holdout, result.predictions["cnn"], seed=seed)["macro_f1"]
    meta = result.candidates["cnn"].meta
    chance = 1 / result.holdout["class"].nunique()
    return (
        f"| {epochs}:{patience} | {seed} | {f1} | {chance:.3f} | {meta['best_epoch']} of {meta['epochs_run']} "
        f"| {meta['n_fit_boxes']} | {seconds:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(8)))
    parser.add_argument("--recipes", nargs="+", default=["5:4", "20:5", "30:7"], help="epochs:patience")
    args = parser.parse_args()
    source = resolve_data("cytologia", None, seed=0, size="quick", verbose=False)
    data = kit.read_dataset(source.data_dir, progress=False)
    print(
        "| epochs:patience | seed | hold-out macro-F1 [95 % interval] | random guess | best epoch | crops | seconds |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        for recipe in args.recipes:
            epochs, patience = (int(v) for v in recipe.split(":"))
            for seed in args.seeds:
                print(run(epochs, patience, seed, data, os.path.join(scratch, f"{recipe}-{seed}")), flush=True)


if __name__ == "__main__":
    main()
