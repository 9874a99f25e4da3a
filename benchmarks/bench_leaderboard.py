"""Speed and memory of ``hdhkits leaderboard`` at the official test sizes.

Usage::

    python benchmarks/bench_leaderboard.py [--boot 1000] [--jobs 1 2] [--quick]

Targets, on 2 cores:

* 200 ANNITIA submissions (423 patients) x 1,000 resamples within 60 s;
* 200 Cardi-HACK submissions (149 patients) x 1,000 resamples within 60 s;
* 30 CYTOLOGIA submissions of the official test size (22,689 boxes, 20,751 images) x
  1,000 resamples within 5 minutes;
* memory bounded whatever the number of submissions: the ANNITIA case also runs with 50
  submissions, and its peak memory must not grow with the 150 more.

ANNITIA and Cardi-HACK use their default twins (the official test sizes) and submissions
made from the twin's true risks plus noise; CYTOLOGIA uses a truth table of the official
size (``bench_cytologia_metric.make_tables``) and noisy copies of it, checked against the
truth's ids (no images). Every case runs in its own process, so its peak resident memory
(``ru_maxrss``) is its own (with ``--jobs 2``, ``worker MB`` is the largest worker's); the time is the whole ``build_leaderboard`` call: reading,
validating, official scores, per-unit terms, resamples and statistics. Wall-clock seconds
on a shared machine: run it when the cores are idle.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

#: (case, kit, submissions, target seconds)
CASES = (
    ("annitia-50", "annitia", 50, 60.0),
    ("annitia-200", "annitia", 200, 60.0),
    ("cardihack-200", "cardihack", 200, 60.0),
    ("cytologia-30", "cytologia", 30, 300.0),
)


def _annitia_field(folder: Path, n: int, rng: np.random.Generator) -> tuple[Path, Path]:
    from hdhkits.datasource import resolve_data
    from hdhkits.problem import get_problem

    source = resolve_data("annitia", None, size="default", verbose=False)
    truth = get_problem("annitia").read_truth(source.truth_path)
    for i in range(n):
        noise = 0.3 + 2.5 * i / n
        pd.DataFrame(
            {
                "trustii_id": truth["trustii_id"],
                "risk_hepatic_event": truth["true_risk_hepatic"] + rng.normal(0, noise, len(truth)),
                "risk_death": truth["true_risk_death"] + rng.normal(0, noise, len(truth)),
            }
        ).to_csv(folder / f"team{i:03d}.csv", index=False)
    return source.truth_path, source.data_dir


def _cardihack_field(folder: Path, n: int, rng: np.random.Generator) -> tuple[Path, Path]:
    from hdhkits.datasource import resolve_data
    from hdhkits.problem import get_problem

    source = resolve_data("cardihack", None, size="default", verbose=False)
    truth = get_problem("cardihack").read_truth(source.truth_path)
    for i in range(n):
        flip = rng.random(len(truth)) < 0.1 + 0.6 * i / n
        mace = np.where(flip, rng.integers(0, 3, len(truth)), truth["OUTCOME MACE"])
        severity = np.clip(
            0.35 + (truth["OUTCOME SEVERITY"] - 0.35) * 0.6 + rng.normal(0, 0.1 + 0.3 * i / n, len(truth)), 0.01, 0.99
        )
        pd.DataFrame({"trustii_id": truth["trustii_id"], "OUTCOME MACE": mace, "OUTCOME SEVERITY": severity}).to_csv(
            folder / f"team{i:03d}.csv", index=False
        )
    return source.truth_path, source.data_dir


def _cytologia_field(folder: Path, n: int, rng: np.random.Generator) -> tuple[Path, None]:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_cytologia_metric import make_tables
    from hdhkits.cytologia.classes import CLASSES

    truth, _ = make_tables()
    truth_path = folder.parent / "test_truth.csv"
    truth.to_csv(truth_path, index=False)
    for i in range(n):
        pred = truth.copy()
        pred[["x1", "y1", "x2", "y2"]] += rng.normal(0, 4 + 10 * i / n, (len(pred), 4)).round()
        pred["x2"] = np.maximum(pred["x2"], pred["x1"] + 1)
        pred["y2"] = np.maximum(pred["y2"], pred["y1"] + 1)
        wrong = rng.random(len(pred)) < 0.05 + 0.4 * i / n
        pred.loc[wrong, "class"] = np.asarray(CLASSES)[rng.integers(0, len(CLASSES), int(wrong.sum()))]
        pred.to_csv(folder / f"team{i:02d}.csv", index=False)
    return truth_path, None


def run_case(case: str, boot: int, jobs: int) -> dict:
    """Build the case's folder, time ``build_leaderboard`` on it, return the numbers (runs in a child process)."""
    from hdhkits.leaderboard.build import build_leaderboard
    from hdhkits.problem import get_problem

    name, kit, n, target = next(c for c in CASES if c[0] == case)
    makers = {"annitia": _annitia_field, "cardihack": _cardihack_field, "cytologia": _cytologia_field}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        truth, data_dir = makers[kit](folder, n, np.random.default_rng(0))
        start = time.perf_counter()
        lb = build_leaderboard(get_problem(kit), folder, truth, data_dir=data_dir, n_boot=boot, seed=0, jobs=jobs)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "case": name,
        "kit": kit,
        "submissions": n,
        "valid": len(lb.order),
        "units": lb.settings["n_units"],
        "resamples": boot,
        "jobs": jobs,
        "seconds": round(seconds, 1),
        "peak MB": round(peak_mb),
        "worker MB": round(worker_mb) if jobs > 1 else "",
        "target s": target,
        "ok": "ok" if seconds <= target * boot / 1000 else "SLOW",
        "top": f"{lb.table.iloc[0]['score']:.3f}",
        "tied with first": len(lb.tied_with_first()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: run one case in this process
    parser.add_argument("--quick", action="store_true", help="ANNITIA and Cardi-HACK only, jobs 1")
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.boot, args.jobs[0])))
        return 0
    cases = [c[0] for c in CASES if not (args.quick and c[1] == "cytologia")]
    rows = []
    for jobs in [1] if args.quick else args.jobs:
        for case in cases:
            done = subprocess.run(
                [sys.executable, __file__, "--case", case, "--boot", str(args.boot), "--jobs", str(jobs)],
                capture_output=True,
                text=True,
                env=dict(os.environ),
            )
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"  {case} jobs {jobs}: {rows[-1]['seconds']} s", flush=True)
    table = pd.DataFrame(rows)
    print(f"hdhkits leaderboard: {args.boot} resamples, wall-clock seconds and peak memory of the whole build")
    print(table.to_string(index=False))
    grows = (
        table[table["case"].str.startswith("annitia")].groupby("jobs")["peak MB"].agg(lambda s: s.iloc[-1] - s.iloc[0])
    )
    print(f"peak memory, ANNITIA 200 vs 50 submissions: {', '.join(f'+{v} MB (jobs {k})' for k, v in grows.items())}")
    return 0 if (table["ok"] == "ok").all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
