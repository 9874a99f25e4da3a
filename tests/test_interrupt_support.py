"""The Ctrl-C tests reach their command however the suite was started.

Started by a shell without job control (``nohup python3 bootstrap.py test &``), pytest
runs with SIGINT ignored and its children inherit that: a plain ``Popen`` child sleeps
through the test's Ctrl-C. :func:`tests.interrupt_support.start` gives the child the
default action back, so the interrupt tests of ``test_cli``, ``test_faults`` and
``test_runner_pool`` pass the same from a terminal and from a batch job.
"""

import signal
import subprocess
import sys
import time

import pytest

from .interrupt_support import ctrl_c, start

#: Says it is ready, then sleeps; prints "slept" only if no Ctrl-C stopped it.
SLEEPER = "import time; print('ready', flush=True); time.sleep(4); print('slept', flush=True)"


@pytest.fixture
def sigint_ignored():
    """SIGINT ignored in this process, as under ``nohup ... &``; restored afterwards."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupt(proc: subprocess.Popen) -> tuple[int, str]:
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.2)
    ctrl_c(proc)
    out, _ = proc.communicate(timeout=30)
    return proc.returncode, out


def test_a_started_command_stops_on_ctrl_c_when_the_suite_ignores_sigint(sigint_ignored):
    code, out = _interrupt(start([sys.executable, "-c", SLEEPER]))
    assert "slept" not in out and code in (-signal.SIGINT, 1, 130), (code, out)


def test_a_plain_child_of_such_a_suite_sleeps_through_it(sigint_ignored):
    """Why start() is needed: without it the child inherits the ignored signal."""
    plain = subprocess.Popen([sys.executable, "-c", SLEEPER], stdout=subprocess.PIPE, text=True, start_new_session=True)
    code, out = _interrupt(plain)
    assert "slept" in out and code == 0, (code, out)
