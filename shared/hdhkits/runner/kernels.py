"""The Jupyter kernels a run starts: their peak memory, and stopping them after Ctrl-C.

Peak memory is the kernel's: while a notebook runs, a thread reads ``VmHWM`` (the
peak resident set size the Linux kernel keeps for a process) of the kernel process,
a child of the runner, every 0.2 s; the last reading is the notebook's peak. Where
``/proc`` is absent, psutil's current RSS is polled instead (a lower bound).
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

__all__ = ["KernelMemory", "is_kernel", "stop_kernels"]


def is_kernel(process: Any) -> bool:
    """Whether a child process is a Jupyter kernel (``python -m ipykernel_launcher ...``).

    Other children of the runner (a worker pool left by the caller, a helper process of
    multiprocessing) must not count as the notebook's memory.

    Parameters
    ----------
    process : psutil.Process
        A child process of the runner.

    Returns
    -------
    bool
        False also for a process that ended or cannot be read.
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

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._before: set[int] = set()

    def _children(self) -> list[int]:
        try:
            import psutil

            return [c.pid for c in psutil.Process().children(recursive=False) if is_kernel(c)]
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

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def stop_kernels(before: set[int], grace: float = 5.0) -> None:
    """Shut down the kernels this process started after ``before`` was taken.

    nbclient stops its kernel on the way out of an interrupted execution, but not always
    (the interrupt can land in its own clean-up); a kernel left running would outlive
    the command.

    Parameters
    ----------
    before : set of int
        Process ids of the kernels that were running before (left alone).
    grace : float
        Seconds a kernel is given to end before it is killed.
    """
    try:
        import psutil

        kernels = [c for c in psutil.Process().children(recursive=False) if c.pid not in before and is_kernel(c)]
        for k in kernels:
            with contextlib.suppress(psutil.Error):
                k.terminate()
        _, alive = psutil.wait_procs(kernels, timeout=grace)
        for k in alive:
            with contextlib.suppress(psutil.Error):
                k.kill()
    except Exception:  # psutil missing or the process table unreadable: the kernel's parent poller ends it
        pass
