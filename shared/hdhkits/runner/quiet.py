"""Keeping the terminal to the runner's own lines: kernel stderr to a log, dead-kernel and post-Ctrl-C noise dropped."""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from typing import IO, Any

__all__ = ["DeadKernelFilter", "drop_dead_kernel_lines", "log_tail", "quiet_after_interrupt", "quiet_kernel_manager"]


def quiet_kernel_manager(log: IO[bytes]) -> type:
    """A kernel manager class whose kernels write their own stderr to ``log``, not the terminal's.

    The kernel process inherits the runner's stderr, where it prints start-up notices and,
    when shut down mid-cell (Ctrl-C), a traceback from its message loop: neither is the
    notebook's output (that travels in the notebook), and both would bury the runner's one line.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> Any:
            kw.setdefault("stderr", log)
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def log_tail(log: IO[bytes], lines: int = 20) -> list[str]:
    """The last lines of a kernel's stderr log (for a failed notebook's details).

    Parameters
    ----------
    log : binary file
        The log :func:`quiet_kernel_manager` wrote into.
    lines : int
        How many lines to keep, from the end.

    Returns
    -------
    list of str
        The lines (empty when the log cannot be read).
    """
    with contextlib.suppress(OSError, ValueError):
        log.flush()
        log.seek(0)
        return log.read().decode("utf-8", errors="replace").splitlines()[-lines:]
    return []


class DeadKernelFilter:
    """Drops nbclient's "Kernel died while waiting for execute reply" log line.

    A dead kernel is reported anyway: in the run's summary as a failed notebook, or, when
    it died under a Ctrl-C (the terminal sends SIGINT to the kernels too), not at all. The
    line itself would reach the terminal before the runner's own sentence, in either case.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether ``record`` may pass (every line but the dead-kernel one)."""
        return not str(record.getMessage()).startswith("Kernel died while waiting")


def drop_dead_kernel_lines() -> None:
    """Add a :class:`DeadKernelFilter` to papermill's, nbclient's and traitlets' loggers (once)."""
    for name in ("papermill", "nbclient", "traitlets"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, DeadKernelFilter) for f in logger.filters):
            logger.addFilter(DeadKernelFilter())


def quiet_after_interrupt() -> None:
    """Silence the loggers that report the stopped kernel, once the run is being interrupted.

    nbclient logs "Kernel died while waiting for execute reply" and asyncio "Task exception
    was never retrieved" (DeadKernelError) when the kernel goes away under a pending cell,
    some of it only when the task is collected: noise after a Ctrl-C the user asked for,
    which would bury the one line the command prints. The process is ending, so nothing
    is restored.
    """
    for name in ("asyncio", "papermill", "nbclient", "jupyter_client", "traitlets"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    # "coroutine ... was never awaited" and "Exception ignored in ..." from the cut event loop
    warnings.simplefilter("ignore")
    sys.unraisablehook = lambda unraisable: None
