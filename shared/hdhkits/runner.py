"""Run a kit's notebooks headless with papermill, in order, and summarise.

Every notebook receives the same parameters (``data_dir``, ``output_dir``, ``seed``,
``quick``); executed copies go to ``<out>/<kit>/executed/`` beside the kit's models and
``submission.csv``. A failing notebook stops its kit, keeps the failed executed copy
and is reported with the failing cell.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .notebook import read_scores
from .problem import NOTEBOOKS, Problem, get_problem

__all__ = ["NotebookRun", "kits_root", "run_kit", "format_summary"]


@dataclass
class NotebookRun:
    """The outcome of one notebook execution."""

    kit: str
    notebook: str
    status: str  # "ok", "failed" or "skipped"
    seconds: float = 0.0
    executed: Path | None = None
    key_score: str = ""
    error: str = ""
    details: dict = field(default_factory=dict)


def kits_root(start: Path | None = None) -> Path:
    """The repository's ``kits/`` folder.

    Looked for upward from ``start`` (default: the working folder), then beside the
    installed package (an editable install from a clone).

    Raises
    ------
    FileNotFoundError
        When no ``kits/`` folder with notebooks is found.
    """
    candidates = []
    here = (start or Path.cwd()).resolve()
    candidates += [p / "kits" for p in (here, *here.parents)]
    candidates.append(Path(__file__).resolve().parents[2] / "kits")
    for c in candidates:
        if c.is_dir() and any(c.glob("*/01_exploration.ipynb")):
            return c
    raise FileNotFoundError(
        "no kits/ folder with notebooks found; run from a clone of the repository "
        "(the notebooks are not part of the installed package) or pass --kits-dir"
    )


def _failure_message(exc: Exception) -> tuple[str, dict]:
    """A one-line reason and details from a papermill execution error."""
    details: dict = {}
    cell = getattr(exc, "cell_index", None)
    if cell is not None:
        details = {
            "cell_index": cell,
            "exec_count": getattr(exc, "exec_count", None),
            "ename": getattr(exc, "ename", type(exc).__name__),
            "evalue": getattr(exc, "evalue", str(exc)),
        }
        return f"cell {cell} (execution count {details['exec_count']}): {details['ename']}: {details['evalue']}", details
    return f"{type(exc).__name__}: {exc}", details


def run_kit(
    kit: str | Problem,
    out_dir: str | Path,
    quick: bool = False,
    seed: int = 0,
    data_dir: str | Path | None = None,
    kits_dir: str | Path | None = None,
    notebooks: Iterable[str] = NOTEBOOKS,
    timeout: int | None = 3600,
    log_output: bool = False,
) -> list[NotebookRun]:
    """Execute a kit's notebooks in order.

    Parameters
    ----------
    kit : str or Problem
        Kit name or problem definition.
    out_dir : str or Path
        Output root; the kit writes into ``<out_dir>/<kit>/``.
    quick : bool
        Passed to the notebooks' ``quick`` parameter.
    seed : int
        Passed to the notebooks' ``seed`` parameter.
    data_dir : str or Path, optional
        Folder with the official files (None: the notebooks resolve the data).
    kits_dir : str or Path, optional
        The repository's ``kits/`` folder (default: found by :func:`kits_root`).
    notebooks : iterable of str
        Notebook file names, in order.
    timeout : int, optional
        Per-cell timeout in seconds.
    log_output : bool
        Stream the notebooks' output to the terminal.

    Returns
    -------
    list of NotebookRun
        One entry per notebook; after a failure the rest are ``skipped``.
    """
    import papermill as pm

    problem = kit if isinstance(kit, Problem) else get_problem(kit)
    kit_dir = (Path(kits_dir) if kits_dir else kits_root()) / problem.name
    kit_out = Path(out_dir).resolve() / problem.name
    executed_dir = kit_out / "executed"
    executed_dir.mkdir(parents=True, exist_ok=True)
    params = {
        "data_dir": str(Path(data_dir).resolve()) if data_dir else None,
        "output_dir": str(kit_out),
        "seed": int(seed),
        "quick": bool(quick),
    }
    runs: list[NotebookRun] = []
    failed = False
    for name in notebooks:
        if failed:
            runs.append(NotebookRun(problem.name, name, "skipped"))
            continue
        source = kit_dir / name
        target = executed_dir / name
        start = time.perf_counter()
        try:
            if not source.is_file():
                raise FileNotFoundError(f"notebook {source} not found")
            pm.execute_notebook(
                str(source), str(target), parameters=params, cwd=str(kit_dir),
                kernel_name="python3", progress_bar=False, log_output=log_output,
                execution_timeout=timeout,
            )
        except Exception as exc:  # papermill wraps every kernel-side error; report, keep the copy
            message, details = _failure_message(exc)
            runs.append(NotebookRun(problem.name, name, "failed", time.perf_counter() - start,
                                    target if target.exists() else None, error=message, details=details))
            failed = True
            continue
        stem = Path(name).stem
        score = read_scores(kit_out).get(stem)
        key = f"{score['name']}: {score['value']:.3f}" if score else ""
        runs.append(NotebookRun(problem.name, name, "ok", time.perf_counter() - start, target, key))
    return runs


def format_summary(runs: list[NotebookRun]) -> str:
    """A plain-text table: kit, notebook, status, seconds, key score."""
    header = ("kit", "notebook", "status", "seconds", "key score")
    rows = [(r.kit, r.notebook, r.status, f"{r.seconds:.1f}" if r.status != "skipped" else "-",
             r.key_score or ("" if r.status != "failed" else r.error[:80])) for r in runs]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = "  ".join("{:<%d}" % w for w in widths)
    out = [line.format(*header), line.format(*("-" * w for w in widths))]
    out += [line.format(*row) for row in rows]
    return "\n".join(out)
