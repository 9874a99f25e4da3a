"""Run a kit's notebooks headless with papermill, in order, and summarise.

Every notebook receives the same parameters (``data_dir``, ``output_dir``, ``seed``,
``quick``); executed copies go to ``<out>/<kit>/executed/`` beside the kit's models and
``submission.csv``. A failing notebook stops its kit, keeps the failed executed copy
and is reported with the failing cell.

An executed copy appears only when its notebook has finished: papermill saves after
every cell, so it writes into a hidden ``.<name>.partial.ipynb`` that is renamed at the
end. Ctrl-C removes the partial copy, shuts the notebook's kernel down and raises
:class:`RunInterrupted`, which names the notebooks that finished (their copies are
kept); worker processes of a parallel run stop the same way, without a traceback.

:func:`run_kits` runs several kits, in parallel processes when asked (a kit's
notebooks stay in order), and returns the runs in the order of the kits given, so the
summary does not depend on the number of jobs. :func:`write_run_record` saves what
the HTML report needs (``run.json``) beside the executed notebooks.

Peak memory is the kernel's: while a notebook runs, a thread reads ``VmHWM`` (the
peak resident set size the Linux kernel keeps for a process) of the kernel process,
a child of the runner, every 0.2 s; the last reading is the notebook's peak. Where
``/proc`` is absent, psutil's current RSS is polled instead (a lower bound).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .datasource import locate_data
from .files import file_digest, make_parents, remove_empty, write_json
from .notebook import read_scores
from .problem import NOTEBOOKS, Problem, get_problem

__all__ = [
    "RUN_RECORD",
    "KernelMemory",
    "NotebookRun",
    "RunInterrupted",
    "data_source_record",
    "format_summary",
    "kits_root",
    "library_versions",
    "read_run_record",
    "run_kit",
    "run_kits",
    "write_run_record",
]

#: The file in the output folder that records a run for ``hdhkits run --report-only``.
RUN_RECORD = "run.json"


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
    peak_mb: float | None = None  # peak resident memory of the kernel process (see the module docstring)
    score: dict = field(default_factory=dict)  # the notebook's recorded score: name, value (, low, high)


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run, after the partial outputs were removed and the kernels shut down.

    Parameters
    ----------
    finished : list of str
        The notebooks that finished before the interrupt, as ``kit/notebook``; their
        executed copies are kept.
    """

    def __init__(self, finished: Iterable[str] = ()):
        # the list is the only argument, so the exception survives pickling from a worker process
        super().__init__(list(finished))

    @property
    def finished(self) -> list[str]:
        """The notebooks that finished (``kit/notebook``)."""
        return list(self.args[0]) if self.args else []


def _is_kernel(process) -> bool:
    """Whether a child process is a Jupyter kernel (``python -m ipykernel_launcher ...``).

    Other children of the runner (a worker pool left by the caller, a helper process of
    multiprocessing) must not count as the notebook's memory.
    """
    try:
        return any("ipykernel" in part for part in process.cmdline())
    except Exception:  # the process ended or cannot be read: not a kernel we can measure
        return False


class KernelMemory:
    """Peak resident memory of the kernel processes started while it runs (a context manager).

    Kernels are the runner's child processes running ``ipykernel`` that appear after
    entering; their ``VmHWM`` is read every ``interval`` seconds and the largest value
    kept.
    """

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._before: set[int] = set()

    def _children(self) -> list[int]:
        try:
            import psutil

            return [c.pid for c in psutil.Process().children(recursive=False) if _is_kernel(c)]
        except Exception:  # psutil missing or the process table unreadable: no reading this time
            return []

    @staticmethod
    def _peak_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
        try:
            import psutil

            return int(psutil.Process(pid).memory_info().rss // 1024)
        except Exception:  # the kernel ended between listing and reading
            return 0

    def _poll(self) -> None:
        while True:
            for pid in self._children():
                if pid not in self._before:
                    self.peak_kb = max(self.peak_kb, self._peak_kb(pid))
            if self._stop.wait(self.interval):
                return

    @property
    def before(self) -> set[int]:
        """The kernel processes that were already running on entering (not this block's)."""
        return set(self._before)

    @property
    def peak_mb(self) -> float | None:
        """The peak in MB (10^6 bytes), None when no kernel was seen."""
        return round(self.peak_kb * 1024 / 1e6, 1) if self.peak_kb else None

    def __enter__(self) -> KernelMemory:
        self._before = set(self._children())
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


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
            runs.append(_run_notebook(problem, kit_dir / name, executed_dir / name, params, timeout, log_output))
            failed = runs[-1].status == "failed"
    except KeyboardInterrupt:
        raise RunInterrupted(f"{r.kit}/{r.notebook}" for r in runs if r.status == "ok") from None
    finally:
        remove_empty(created)  # folders this run made and nothing was kept in
    return runs


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
    _drop_dead_kernel_lines()
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
                kernel_manager_class=_quiet_kernel_manager(kernel_log),
            )
        os.replace(partial, target)
    except KeyboardInterrupt:
        _quiet_after_interrupt()
        _stop_kernels(memory.before)
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    except Exception as exc:  # papermill wraps every kernel-side error; report, keep the copy
        message, details = _failure_message(exc)
        details["kernel_log"] = _tail(kernel_log)
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
    if score and _interval(score):
        key += " [{:.3f}, {:.3f}]".format(*_interval(score))
    return NotebookRun(problem.name, name, "ok", seconds, target, key, peak_mb=peak_mb, score=dict(score or {}))


def _quiet_kernel_manager(log) -> type:
    """A kernel manager class whose kernels write their own stderr to ``log``, not the terminal's.

    The kernel process inherits the runner's stderr, where it prints start-up notices and,
    when shut down mid-cell (Ctrl-C), a traceback from its message loop: neither is the
    notebook's output (that travels in the notebook), and both would bury the runner's one line.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw.setdefault("stderr", log)
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def _tail(log, lines: int = 20) -> list[str]:
    """The last lines of a kernel's stderr log (for a failed notebook's details)."""
    with contextlib.suppress(OSError, ValueError):
        log.flush()
        log.seek(0)
        return log.read().decode("utf-8", errors="replace").splitlines()[-lines:]
    return []


class _DeadKernelFilter:
    """Drops nbclient's "Kernel died while waiting for execute reply" log line.

    A dead kernel is reported anyway: in the run's summary as a failed notebook, or, when
    it died under a Ctrl-C (the terminal sends SIGINT to the kernels too), not at all. The
    line itself would reach the terminal before the runner's own sentence, in either case.
    """

    def filter(self, record) -> bool:
        return not str(record.getMessage()).startswith("Kernel died while waiting")


def _drop_dead_kernel_lines() -> None:
    import logging

    for name in ("papermill", "nbclient", "traitlets"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DeadKernelFilter) for f in logger.filters):
            logger.addFilter(_DeadKernelFilter())


def _quiet_after_interrupt() -> None:
    """Silence the loggers that report the stopped kernel, once the run is being interrupted.

    nbclient logs "Kernel died while waiting for execute reply" and asyncio "Task exception
    was never retrieved" (DeadKernelError) when the kernel goes away under a pending cell,
    some of it only when the task is collected: noise after a Ctrl-C the user asked for,
    which would bury the one line the command prints. The process is ending, so nothing
    is restored.
    """
    import logging
    import sys
    import warnings

    for name in ("asyncio", "papermill", "nbclient", "jupyter_client", "traitlets"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    # "coroutine ... was never awaited" and "Exception ignored in ..." from the cut event loop
    warnings.simplefilter("ignore")
    sys.unraisablehook = lambda unraisable: None


def _stop_kernels(before: set[int], grace: float = 5.0) -> None:
    """Shut down the kernels this process started after ``before`` was taken.

    nbclient stops its kernel on the way out of an interrupted execution, but not always
    (the interrupt can land in its own clean-up); a kernel left running would outlive
    the command.
    """
    try:
        import psutil

        kernels = [c for c in psutil.Process().children(recursive=False) if c.pid not in before and _is_kernel(c)]
        for k in kernels:
            with contextlib.suppress(psutil.Error):
                k.terminate()
        _, alive = psutil.wait_procs(kernels, timeout=grace)
        for k in alive:
            with contextlib.suppress(psutil.Error):
                k.kill()
    except Exception:  # psutil missing or the process table unreadable: the kernel's parent poller ends it
        pass


def _interval(score: dict) -> tuple[float, float] | None:
    """A recorded score's interval: ``low``/``high`` or ``interval: [low, high]`` in scores.json, when there."""
    if "low" in score and "high" in score:
        return float(score["low"]), float(score["high"])
    if isinstance(score.get("interval"), (list, tuple)) and len(score["interval"]) == 2:
        return float(score["interval"][0]), float(score["interval"][1])
    return None


def run_kits(
    kits: Iterable[str | Problem],
    out_dir: str | Path,
    jobs: int = 1,
    on_kit_done: Callable[[str | Problem, list[NotebookRun]], None] | None = None,
    **kwargs,
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
    kits = list(kits)
    if jobs <= 1 or len(kits) <= 1:
        results = _run_serial(kits, out_dir, on_kit_done, kwargs)
    else:
        results = _run_parallel(kits, out_dir, min(jobs, len(kits)), on_kit_done, kwargs)
    return [r for kit in kits for r in results[kit]]


def _finished_names(results: dict) -> list[str]:
    """``kit/notebook`` of every notebook that ended well in ``results`` (kit -> runs)."""
    return [f"{r.kit}/{r.notebook}" for runs in results.values() for r in runs if r.status == "ok"]


def _run_serial(kits: list, out_dir, on_kit_done, kwargs: dict) -> dict:
    """The kits one after the other in this process; Ctrl-C names what finished."""
    results: dict = {}
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
    signal.signal(signal.SIGINT, _worker_interrupt)


def _worker_interrupt(signum, frame) -> None:
    global _STOPPING
    if _BUSY and not _STOPPING:  # a second Ctrl-C must not cut the clean-up of the first
        _STOPPING = True
        raise KeyboardInterrupt


def _run_kit_in_worker(kit, out_dir, **kwargs):
    """:func:`run_kit` in a worker: the runs, or ``("interrupted", finished)`` after Ctrl-C."""
    global _BUSY
    _BUSY = True
    try:
        return run_kit(kit, out_dir, **kwargs)
    except KeyboardInterrupt as exc:
        return ("interrupted", exc.finished if isinstance(exc, RunInterrupted) else [])
    finally:
        _BUSY = False


def _kit_result(kit, future, kwargs: dict) -> list[NotebookRun]:
    """A finished future's runs; a worker that died or was interrupted alone is a failed kit."""
    try:
        value = future.result()
        if not (isinstance(value, tuple) and value[0] == "interrupted"):
            return value
        reason = "the process running {name} was interrupted"
    except Exception as exc:  # the worker died (memory, signal): the kit failed, the others go on
        reason = f"the process running {{name}} stopped: {type(exc).__name__}: {exc}"
    name = kit.name if isinstance(kit, Problem) else get_problem(kit).name
    notebooks = list(kwargs.get("notebooks", NOTEBOOKS))
    return [NotebookRun(name, notebooks[0], "failed", error=reason.format(name=name))] + [
        NotebookRun(name, n, "skipped") for n in notebooks[1:]
    ]


def _run_parallel(kits: list, out_dir, workers: int, on_kit_done, kwargs: dict) -> dict:
    """The kits in ``workers`` processes; Ctrl-C stops every worker cleanly and names what finished."""
    import multiprocessing as mp
    from concurrent.futures import as_completed

    results: dict = {}
    # spawn: a fresh interpreter per worker (forking a process that runs threads is unsafe)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_worker_init)
    futures: dict = {}
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


def _stop_pool(pool: ProcessPoolExecutor, futures: dict, results: dict, grace: float = 60.0) -> list[str]:
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


def _fingerprint(folder: Path) -> list[dict]:
    """Name, size and sha256 of each file of an official folder; a sub-folder as one combined entry."""
    out = []
    for item in sorted(folder.iterdir()):
        if item.name.startswith("."):
            continue
        if item.is_file():
            out.append({"name": item.name, "bytes": item.stat().st_size, "sha256": file_digest(item)})
        elif item.is_dir():
            files = sorted(p for p in item.rglob("*") if p.is_file())
            combined = hashlib.sha256()
            for p in files:  # one line per file, so the digest changes when any file or name does
                combined.update(f"{p.relative_to(item).as_posix()} {file_digest(p)}\n".encode())
            out.append(
                {
                    "name": item.name + "/",
                    "files": len(files),
                    "bytes": sum(p.stat().st_size for p in files),
                    "sha256": combined.hexdigest(),
                }
            )
    return out


def data_source_record(kit: str, data_dir: str | Path | None, quick: bool, seed: int) -> dict:
    """Where a kit's notebooks read their data: the twin (seed, size, version) or an official folder.

    An official folder is named by its last path component only, with each file's
    sha256 (no absolute path goes into the record).
    """
    problem = get_problem(kit)
    folder, origin = locate_data(problem, data_dir)
    if folder is None:
        return {
            "kind": "twin",
            "seed": int(seed),
            "size": "quick" if quick else "default",
            "twin_version": problem.twin_version,
        }
    return {
        "kind": "official",
        "origin": "--data" if origin == "parameter" else f"${problem.env_var}",
        "folder": folder.resolve().name,
        "files": _fingerprint(folder) if folder.is_dir() else [],
    }


def library_versions() -> dict[str, str]:
    """Python, hdhkits and the libraries the kits use, by distribution name."""
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    out = {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "hdhkits": __version__,
    }
    for dist in (
        "numpy",
        "pandas",
        "scipy",
        "scikit-learn",
        "scikit-survival",
        "lifelines",
        "torch",
        "matplotlib",
        "seaborn",
        "pillow",
        "papermill",
        "nbconvert",
        "ipykernel",
    ):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def write_run_record(out_dir: str | Path, runs: list[NotebookRun], settings: dict, sources: dict[str, dict]) -> Path:
    """Save ``run.json``: settings, data sources, versions and every run (paths relative to ``out_dir``)."""
    out = Path(out_dir).resolve()
    rows = []
    for r in runs:
        row = asdict(r)
        if r.executed is not None:
            try:
                row["executed"] = Path(r.executed).resolve().relative_to(out).as_posix()
            except ValueError:
                row["executed"] = Path(r.executed).name
        rows.append(row)
    record = {
        "settings": settings,
        "data_sources": sources,
        "versions": library_versions(),
        "runs": rows,
        "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return write_json(record, out / RUN_RECORD)


def read_run_record(out_dir: str | Path) -> dict:
    """The ``run.json`` of an output folder.

    Raises
    ------
    FileNotFoundError
        With a sentence naming the folder, when it holds no run record.
    """
    path = Path(out_dir) / RUN_RECORD
    if not path.is_file():
        raise FileNotFoundError(
            f"{out_dir}: holds no {RUN_RECORD}, so it is not the output folder of an "
            "`hdhkits run` (of this version); run the kits again with --out pointing there"
        )
    return json.loads(path.read_text())


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
