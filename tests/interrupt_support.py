"""Start a command the way a terminal does, so that a test's Ctrl-C reaches it.

A shell without job control (``nohup python3 bootstrap.py test &``, a CI runner, a
shared server's batch job) starts pytest with SIGINT ignored, and a child inherits an
ignored signal: Python then installs no KeyboardInterrupt handler, the test's Ctrl-C is
lost and the command runs to its end. :func:`start` gives the child the default SIGINT
action, as a terminal's foreground process has, in a session of its own so that
:func:`ctrl_c` can signal the whole group (the command, its workers and kernels).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence

__all__ = ["ctrl_c", "start"]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(argv: Sequence[str], env: dict | None = None) -> subprocess.Popen:
    """Start ``argv`` in its own session with SIGINT at its default action; text pipes for its output."""
    return subprocess.Popen(
        [str(a) for a in argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint if os.name == "posix" else None,
        env=env,
    )


def ctrl_c(proc: subprocess.Popen) -> None:
    """Send SIGINT to the process group of ``proc``, as a terminal's Ctrl-C does."""
    os.killpg(proc.pid, signal.SIGINT)
