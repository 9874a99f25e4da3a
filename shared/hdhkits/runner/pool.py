"""Running several kits, one after the other or in worker processes, with a clean Ctrl-C.

:func:`run_kits` returns the runs in the order of the kits given, so the summary does
not depend on the number of jobs; worker processes of a parallel run stop on Ctrl-C
without a traceback, and the interrupt names the notebooks that finished.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import FrameType
from typing import Any

from ..problem import NOTEBOOKS, Problem, get_problem
from .execute import NotebookRun, RunInterrupted, run_kit

__all__ = ["run_kits"]

Kit = str | Problem
Results = dict[Kit, list[NotebookRun]]
OnKitDone = Callable[[Kit, list[NotebookRun]], None] | None
#: What a worker returns: the kit's runs, or ``("interrupted", finished notebooks)`` after Ctrl-C.
WorkerValue = list[NotebookRun] | tuple[str, list[str]]


def run_kits(
    kits: Iterable[str | Problem],
    out_dir: str | Path,
    jobs: int = 1,
    on_kit_done: OnKitDone = None,
    **kwargs: Any,
) -> list[NotebookRun]:
    """Run several kits, ``jobs`` at a time, each kit's notebooks in order.

    Parameters
    ----------
    kits : iterable of str or Problem
        Kit names (or problem definitions), in the order the results are returned (the
        registry's, for ``all``).
    out_dir : str or Path
        Output root, as :func:`run_kit`.
    jobs : int
        Kits run at once, each in its own process (1: one after the other, in this
        process).
    on_kit_done : callable, optional
        Called with the kit and its runs as each kit finishes (in finishing order).
    **kwargs
        Passed to :func:`run_kit` (``quick``, ``seed``, ``data_dir``, ``kits_dir``, ...).

    Returns
    -------
    list of NotebookRun
        Every kit's runs, kits in the order given, whatever ``jobs``.
    """
    order = list(kits)
    if jobs <= 1 or len(order) <= 1:
        results = _run_serial(order, out_dir, on_kit_done, kwargs)
    else:
        results = _run_parallel(order, out_dir, min(jobs, len(order)), on_kit_done, kwargs)
    return [r for kit in order for r in results[kit]]


def _finished_names(results: Results) -> list[str]:
    """``kit/notebook`` of every notebook that ended well in ``results`` (kit -> runs)."""
    return [f"{r.kit}/{r.notebook}" for runs in results.values() for r in runs if r.status == "ok"]


def _run_serial(kits: list[Kit], out_dir: str | Path, on_kit_done: OnKitDone, kwargs: dict[str, Any]) -> Results:
    """The kits one after the other in this process; Ctrl-C names what finished."""
    results: Results = {}
    try:
        for kit in kits:
            results[kit] = run_kit(kit, out_dir, **kwargs)
            if on_kit_done:
                on_kit_done(kit, results[kit])
    except KeyboardInterrupt as exc:
        partial = exc.finished if isinstance(exc, RunInterrupted) else []
        raise RunInterrupted(_finished_names(results) + partial) from None
    return results


# A worker process of a parallel run: Ctrl-C (sent to the whole process group by the
# terminal) must stop the kit it runs, cleanly, and be ignored while it waits for work,
# where Python's default handler would print a traceback from the pool's internals.
_BUSY = False
_STOPPING = False


def _worker_init() -> None:
    """Set the worker's Ctrl-C handler (the pool's initializer)."""
    signal.signal(signal.SIGINT, _worker_interrupt)


def _worker_interrupt(signum: int, frame: FrameType | None) -> None:
    """Stop the kit being run on the first Ctrl-C; ignore it while idle or already stopping."""
    global _STOPPING
    if _BUSY and not _STOPPING:  # a second Ctrl-C must not cut the clean-up of the first
        _STOPPING = True
        raise KeyboardInterrupt


def _run_kit_in_worker(kit: Kit, out_dir: str | Path, **kwargs: Any) -> WorkerValue:
    """:func:`run_kit` in a worker: the runs, or ``("interrupted", finished)`` after Ctrl-C."""
    global _BUSY
    _BUSY = True
    try:
        return run_kit(kit, out_dir, **kwargs)
    except KeyboardInterrupt as exc:
        return ("interrupted", exc.finished if isinstance(exc, RunInterrupted) else [])
    finally:
        _BUSY = False


def _kit_result(kit: Kit, future: Future[WorkerValue], kwargs: dict[str, Any]) -> list[NotebookRun]:
    """A finished future's runs; a worker that died or was interrupted alone is a failed kit."""
    try:
        value = future.result()
        if not isinstance(value, tuple):
            return value
        reason = "the process running {name} was interrupted"
    except Exception as exc:  # the worker died (memory, signal): the kit failed, the others go on
        reason = f"the process running {{name}} stopped: {type(exc).__name__}: {exc}"
    name = kit.name if isinstance(kit, Problem) else get_problem(kit).name
    notebooks = list(kwargs.get("notebooks", NOTEBOOKS))
    return [NotebookRun(name, notebooks[0], "failed", error=reason.format(name=name))] + [
        NotebookRun(name, n, "skipped") for n in notebooks[1:]
    ]


def _run_parallel(
    kits: list[Kit], out_dir: str | Path, workers: int, on_kit_done: OnKitDone, kwargs: dict[str, Any]
) -> Results:
    """The kits in ``workers`` processes; Ctrl-C stops every worker cleanly and names what finished."""
    import multiprocessing as mp
    from concurrent.futures import as_completed

    results: Results = {}
    # spawn: a fresh interpreter per worker (forking a process that runs threads is unsafe)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_worker_init)
    futures: dict[Future[WorkerValue], Kit] = {}
    try:
        futures = {pool.submit(_run_kit_in_worker, kit, out_dir, **kwargs): kit for kit in kits}
        for future in as_completed(futures):
            kit = futures[future]
            results[kit] = _kit_result(kit, future, kwargs)
            if on_kit_done:
                on_kit_done(kit, results[kit])
    except KeyboardInterrupt:
        raise RunInterrupted(_stop_pool(pool, futures, results)) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _stop_pool(
    pool: ProcessPoolExecutor, futures: dict[Future[WorkerValue], Kit], results: Results, grace: float = 60.0
) -> list[str]:
    """After Ctrl-C: cancel the kits not started, stop the running ones, return what finished."""
    from concurrent.futures import wait

    for future in futures:
        future.cancel()
    # the terminal sent Ctrl-C to the workers too; a SIGINT aimed at this process alone is relayed
    for process in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGINT)
    wait(futures, timeout=grace)
    finished = _finished_names(results)
    for future, kit in futures.items():
        if kit in results or not future.done() or future.cancelled() or future.exception() is not None:
            continue
        value = future.result()
        finished += value[1] if isinstance(value, tuple) else _finished_names({kit: value})
    return finished
