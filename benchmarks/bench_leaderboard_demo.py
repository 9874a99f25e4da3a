"""Time of ``hdhkits leaderboard KIT --demo N`` for every kit, once its twin is cached.

Usage::

    python benchmarks/bench_leaderboard_demo.py [--n 16] [--size default] [--boot 1000] [--kits annitia ...]

Target, the project's own: about 30 s per kit at the default
size, the twin already cached, so an organiser tries the page in the time of a coffee. Each kit runs in its own
process, so its peak resident memory (``ru_maxrss``) is its own; the twin is built (or
found in the cache) before the clock starts. ``field s`` is the kit's
``Problem.demo_submissions`` (fitting the kit's models, simulating teams), ``demo s`` the
whole ``run_demo``: the field, writing the files, validating, scoring, resampling and the
page. Wall-clock seconds on a shared machine: the load average is printed beside them.
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

TARGET_SECONDS = 30.0


def _case(kit: str, n: int, size: str, n_boot: int) -> dict:
    """Run one kit's demo in this process and return its timings."""
    from hdhkits.datasource import resolve_data
    from hdhkits.leaderboard.demo import run_demo
    from hdhkits.problem import get_problem

    resolve_data(kit, None, seed=0, size=size, verbose=False)  # build or find the twin: not timed
    problem = get_problem(kit)
    hook = problem.demo_submissions
    timing = {}

    def timed(*args):
        start = time.perf_counter()
        tables = hook(*args)
        timing["field"] = time.perf_counter() - start
        return tables

    problem.demo_submissions = timed  # the instance's attribute: this process only
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        run = run_demo(problem, n, f"{tmp}/demo", size=size, n_boot=n_boot)
    return {
        "kit": kit,
        "n": n,
        "size": size,
        "field": timing["field"],
        "demo": time.perf_counter() - start,
        "valid": int(run.leaderboard.table["valid"].sum()),
        "load": load,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    """Run every kit (each in a subprocess) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--size", default="default")
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--kits", nargs="*")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one kit, in the child process
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(_case(args.case, args.n, args.size, args.boot)))
        return 0
    from hdhkits.problem import KITS

    print(
        f"{'kit':<11} {'twin':<8} {'N':>3} {'valid':>5} {'field s':>8} {'demo s':>7} {'peak MB':>8} "
        f"{'load':>5} {'target':>7}"
    )
    for kit in args.kits or KITS:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--case",
                kit,
                "--n",
                str(args.n),
                "--size",
                args.size,
                "--boot",
                str(args.boot),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print(f"{kit:<11} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        verdict = "ok" if r["demo"] <= TARGET_SECONDS else "slow"
        print(
            f"{kit:<11} {r['size']:<8} {r['n']:>3} {r['valid']:>5} {r['field']:>8.1f} {r['demo']:>7.1f} "
            f"{r['peak_mb']:>8.0f} {r['load']:>5.1f} {verdict:>7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
