"""Run every kit's notebooks headless and print, per notebook, seconds, peak memory and key score.

    .venv/bin/python benchmarks/bench_kits.py [--kits annitia cardihack] [--quick] [--seed N]

This is the table the README quotes. Peak memory is the kernel process's peak resident
set (``VmHWM``, polled by :class:`hdhkits.runner.KernelMemory`); key scores are the ones
the notebooks record with ``record_score``, with their 95 % interval when recorded.

Targets (2 CPU cores, default size): every notebook under 2 GB of peak memory; ANNITIA's
02_baseline under 90 s; Cardi-HACK's 02_baseline under 60 s. A notebook over its target
is marked ``OVER`` in the last column (this script reports, it does not fail).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from hdhkits.problem import KITS
from hdhkits.runner import NotebookRun, run_kits

#: Peak memory target of any notebook, in MB.
MEMORY_TARGET_MB = 2000.0
#: Seconds targets at default size: per (kit, notebook), or per kit with notebook None.
TIME_TARGETS: dict[tuple[str, str | None], float] = {
    ("annitia", "02_baseline.ipynb"): 90.0,
    ("cardihack", "02_baseline.ipynb"): 60.0,
}


def _score(run: NotebookRun) -> str:
    score = run.score
    if not score:
        return ""
    text = f"{score['name']}: {score['value']:.3f}"
    if "low" in score and "high" in score:
        text += f" [{score['low']:.3f}, {score['high']:.3f}]"
    return text


def _flags(run: NotebookRun, quick: bool) -> str:
    flags = []
    if run.peak_mb is not None and run.peak_mb > MEMORY_TARGET_MB:
        flags.append(f"OVER memory ({MEMORY_TARGET_MB:.0f} MB)")
    if not quick:
        limit = TIME_TARGETS.get((run.kit, run.notebook))
        if limit is not None and run.seconds > limit:
            flags.append(f"OVER time ({limit:.0f} s)")
    if run.status == "failed":
        flags.append(f"FAILED: {run.error[:60]}")
    return "; ".join(flags)


def format_table(runs: list[NotebookRun], quick: bool = False) -> str:
    """The benchmark table: one row per notebook, then one per kit with its total time."""
    kit_seconds: dict[str, float] = {}
    for r in runs:
        kit_seconds[r.kit] = kit_seconds.get(r.kit, 0.0) + r.seconds
    header = f"{'kit':<10} {'notebook':<22} {'status':<7} {'seconds':>8} {'peak MB':>8}  {'key score':<62} flags"
    lines = [header, "-" * len(header)]
    for r in runs:
        peak = f"{r.peak_mb:8.0f}" if r.peak_mb is not None else f"{'-':>8}"
        lines.append(
            f"{r.kit:<10} {r.notebook:<22} {r.status:<7} {r.seconds:8.1f} {peak}  {_score(r):<62} {_flags(r, quick)}"
        )
    lines.append("")
    for kit, seconds in kit_seconds.items():
        limit = None if quick else TIME_TARGETS.get((kit, None))
        over = f"  OVER time ({limit:.0f} s)" if limit is not None and seconds > limit else ""
        peaks = [r.peak_mb for r in runs if r.kit == kit and r.peak_mb is not None]
        peak = f", peak {max(peaks):.0f} MB" if peaks else ""
        lines.append(f"{kit:<10} all notebooks: {seconds:.1f} s{peak}{over}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kits", nargs="+", default=list(KITS))
    parser.add_argument("--quick", action="store_true", help="quick twins and light models")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="keep the outputs here (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        runs = run_kits(
            args.kits,
            out,
            jobs=1,
            quick=args.quick,
            seed=args.seed,
            on_kit_done=lambda kit, r: print(f"{kit}: done", flush=True),
        )
        print()
        print(format_table(runs, quick=args.quick))


if __name__ == "__main__":
    main()
