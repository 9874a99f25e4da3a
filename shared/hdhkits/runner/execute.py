"""Executing one kit's notebooks with papermill, in order, into ``<out>/<kit>/executed/``.

Every notebook receives the same parameters (``data_dir``, ``output_dir``, ``seed``,
``quick``). A failing notebook stops its kit, keeps the failed executed copy and is
reported with the failing cell. An executed copy appears only when its notebook has
finished: papermill saves after every cell, so it writes into a hidden
``.<name>.partial.ipynb`` that is renamed at the end. Ctrl-C removes the partial copy,
shuts the notebook's kernel down and raises :class:`RunInterrupted`, which names the
notebooks that finished (their copies are kept).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import make_parents, remove_empty
from ..notebook import HEADLESS, read_scores
from ..problem import NOTEBOOKS, Problem, get_problem
from .kernels import KernelMemory, stop_kernels
from .kits import kits_root
from .quiet import drop_dead_kernel_lines, log_tail, quiet_after_interrupt, quiet_kernel_manager

__all__ = ["NotebookRun", "RunInterrupted", "format_summary", "run_kit", "score_interval"]


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
    peak_mb: float | None = None  # peak resident memory of the kernel process (see :mod:`.kernels`)
    score: dict = field(default_factory=dict)  # the notebook's recorded score: name, value (, low, high)


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run, after the partial outputs were removed and the kernels shut down.

    Parameters
    ----------
    finished : list of str
        The notebooks that finished before the interrupt, as ``kit/notebook``; their
        executed copies are kept.
    """

    def __init__(self, finished: Iterable[str] = ()) -> None:
        # the list is the only argument, so the exception survives pickling from a worker process
        super().__init__(list(finished))

    @property
    def finished(self) -> list[str]:
        """The notebooks that finished (``kit/notebook``)."""
        return list(self.args[0]) if self.args else []


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


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
            "source": getattr(exc, "source", "") or "",
            # the kernel's traceback, without the terminal colour codes
            "traceback": [_ANSI.sub("", t) for t in (getattr(exc, "traceback", None) or [])],
        }
        return (
            f"cell {cell} (execution count {details['exec_count']}): {details['ename']}: {details['evalue']}",
            details,
        )
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
    problem = kit if isinstance(kit, Problem) else get_problem(kit)
    kit_dir = (Path(kits_dir) if kits_dir else kits_root()) / problem.name
    kit_out = Path(out_dir).resolve() / problem.name
    executed_dir = kit_out / "executed"
    created = make_parents(executed_dir)
    params = {
        "data_dir": str(Path(data_dir).resolve()) if data_dir else None,
        "output_dir": str(kit_out),
        "seed": int(seed),
        "quick": bool(quick),
    }
    runs: list[NotebookRun] = []
    failed = False
    try:
        for name in notebooks:
            if failed:
                runs.append(NotebookRun(problem.name, name, "skipped"))
                continue
            with _headless():
                runs.append(_run_notebook(problem, kit_dir / name, executed_dir / name, params, timeout, log_output))
            failed = runs[-1].status == "failed"
    except KeyboardInterrupt:
        raise RunInterrupted(f"{r.kit}/{r.notebook}" for r in runs if r.status == "ok") from None
    finally:
        remove_empty(created)  # folders this run made and nothing was kept in
    return runs


@contextlib.contextmanager
def _headless():
    """Kernels started in the block show no progress bar (:data:`hdhkits.notebook.HEADLESS`).

    Nobody watches them, and a bar would stay in the executed notebook as a frozen widget.
    The caller's environment is left as it was.
    """
    before = os.environ.get(HEADLESS)
    os.environ[HEADLESS] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(HEADLESS, None)
        else:
            os.environ[HEADLESS] = before


def _run_notebook(
    problem: Problem, source: Path, target: Path, params: dict, timeout: int | None, log_output: bool
) -> NotebookRun:
    """Execute one notebook into ``target``, through a partial copy renamed when it ends.

    A failed notebook's copy is kept (it shows the failing cell); on Ctrl-C the partial
    copy is removed and the kernel started for it shut down before the interrupt goes on.
    """
    import papermill as pm

    name = source.name
    partial = target.with_name(f".{target.stem}.partial{target.suffix}")  # papermill wants .ipynb
    start = time.perf_counter()
    memory = KernelMemory()
    kernel_log = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 (closed in the finally below)
    drop_dead_kernel_lines()
    try:
        if not source.is_file():
            raise FileNotFoundError(f"notebook {source} not found")
        with memory:
            pm.execute_notebook(
                str(source),
                str(partial),
                parameters=params,
                cwd=str(source.parent),
                kernel_name="python3",
                progress_bar=False,
                log_output=log_output,
                execution_timeout=timeout,
                kernel_manager_class=quiet_kernel_manager(kernel_log),
            )
        os.replace(partial, target)
    except KeyboardInterrupt:
        quiet_after_interrupt()
        stop_kernels(memory.before)
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    except Exception as exc:  # papermill wraps every kernel-side error; report, keep the copy
        message, details = _failure_message(exc)
        details["kernel_log"] = log_tail(kernel_log)
        if partial.exists():
            os.replace(partial, target)
        return NotebookRun(
            problem.name,
            name,
            "failed",
            time.perf_counter() - start,
            target if target.exists() else None,
            error=message,
            details=details,
            peak_mb=memory.peak_mb,
        )
    finally:
        kernel_log.close()
    return _finished(problem, name, target, time.perf_counter() - start, memory.peak_mb, params["output_dir"])


def _finished(
    problem: Problem, name: str, target: Path, seconds: float, peak_mb: float | None, kit_out: str
) -> NotebookRun:
    """The run of a notebook that ended well, with the key score it recorded."""
    score = read_scores(Path(kit_out)).get(Path(name).stem)
    key = f"{score['name']}: {score['value']:.3f}" if score else ""
    interval = score_interval(score) if score else None
    if interval is not None:
        key += " [{:.3f}, {:.3f}]".format(*interval)
    return NotebookRun(problem.name, name, "ok", seconds, target, key, peak_mb=peak_mb, score=dict(score or {}))


def score_interval(score: dict[str, Any]) -> tuple[float, float] | None:
    """A recorded score's interval: ``low``/``high`` or ``interval: [low, high]`` in scores.json, when there.

    Parameters
    ----------
    score : dict
        One notebook's entry of ``scores.json`` (:func:`hdhkits.notebook.read_scores`).

    Returns
    -------
    tuple of float or None
        ``(low, high)``, or None when the score has no interval.
    """
    if "low" in score and "high" in score:
        return float(score["low"]), float(score["high"])
    if isinstance(score.get("interval"), (list, tuple)) and len(score["interval"]) == 2:
        return float(score["interval"][0]), float(score["interval"][1])
    return None


def format_summary(runs: list[NotebookRun]) -> str:
    """A plain-text table: kit, notebook, status, seconds, key score."""
    header = ("kit", "notebook", "status", "seconds", "key score")
    rows = [
        (
            r.kit,
            r.notebook,
            r.status,
            f"{r.seconds:.1f}" if r.status != "skipped" else "-",
            r.key_score or ("" if r.status != "failed" else r.error[:80]),
        )
        for r in runs
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*header), line.format(*("-" * w for w in widths))]
    out += [line.format(*row) for row in rows]
    return "\n".join(out)
