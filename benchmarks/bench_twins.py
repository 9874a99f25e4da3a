"""Time the synthetic twins' generation for every kit and size, and print a table.

    .venv/bin/python benchmarks/bench_twins.py [--sizes quick default] [--kits annitia cardihack]

Targets (2 CPU cores): every default-size twin in under a minute.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from hdhkits.datasource import write_twin
from hdhkits.problem import KITS, SIZES, get_problem


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kits", nargs="+", default=list(KITS))
    parser.add_argument("--sizes", nargs="+", default=["quick", "default"], choices=SIZES)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'kit':<10} {'size':<8} {'seconds':>8} {'files':>7} {'MB':>8}")
    for kit in args.kits:
        problem = get_problem(kit)
        for size in args.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                write_twin(problem, Path(tmp) / "data", Path(tmp) / "truth", seed=args.seed, size=size)
                seconds = time.perf_counter() - start
                n, nbytes = folder_size(Path(tmp) / "data")
            print(f"{kit:<10} {size:<8} {seconds:8.1f} {n:7d} {nbytes / 1e6:8.1f}", flush=True)


if __name__ == "__main__":
    main()
