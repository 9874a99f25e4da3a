"""Helpers for tests/test_browser.py: a JupyterLab server and headless Chromium, driven as a person would.

The server runs from the interpreter running the tests (the project's ``.venv/`` under
``bootstrap.py test``), on 127.0.0.1 with a free port and a random token, with its own
settings, workspaces and runtime folders in a temporary folder, so nothing of the
developer's Jupyter setup leaks in and nothing is written outside that folder. Chromium
starts with the flags this machine's closed network needs (no background connections).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BROWSER_FLAGS",
    "LabServer",
    "NotebookPage",
    "find_browser",
    "free_port",
    "start_chromium",
    "start_lab",
]

#: Chromium flags: headless, and no connection of its own (updates, sync, QUIC probes),
#: which a closed network refuses and which would only slow the test down.
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# Lab settings for the test: every cell attached to the page (a virtualised notebook
# leaves off-screen cells out of the DOM), and no news or update checks (network).
_LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def find_browser() -> tuple[str, str] | str:
    """Chromium and chromedriver as ``(chromium, chromedriver)``, or why they cannot be used.

    Returns
    -------
    tuple of str or str
        The two executables' paths, or a one-line reason naming what is missing and
        how to install it.
    """
    found = {}
    for name, default in (("chromium", "/usr/bin/chromium"), ("chromedriver", "/usr/bin/chromedriver")):
        # HDHKITS_CHROMIUM / HDHKITS_CHROMEDRIVER: another build, e.g. a CI runner's Chrome
        chosen = os.environ.get(f"HDHKITS_{name.upper()}")
        if chosen:
            path = shutil.which(chosen)
            if path is None:
                return f"HDHKITS_{name.upper()}={chosen} is no executable; point it at one or unset it"
        else:
            path = default if os.access(default, os.X_OK) else shutil.which(name)
        if path is None:
            return f"{name} not found (apt-get install chromium chromium-driver)"
        found[name] = path
    return found["chromium"], found["chromedriver"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab server: where it is and how to reach its REST API."""

    process: subprocess.Popen
    port: int
    token: str
    root: Path
    log: Path

    @property
    def base(self) -> str:
        """The server's base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """``path`` on the server, with the token as a query parameter."""
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        """Call the server's REST API; return the decoded JSON (None for an empty answer)."""
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's log, for failure messages."""
        text = self.log.read_text(errors="replace") if self.log.is_file() else ""
        return "\n".join(text.splitlines()[-lines:])

    def kernels(self, patience: float = 10.0) -> list[dict]:
        """The kernels the server runs (``api/kernels``).

        jupyter-server answers 500 when the list is asked for at the moment a kernel is
        being added to it (its ``last_activity`` is not set yet, seen once in a fresh-clone
        run): the request is made again for up to ``patience`` seconds, then the error is
        raised. Any other error is raised at once.
        """
        deadline = time.monotonic() + patience
        while True:
            try:
                return list(self.api("kernels") or [])
            except urllib.error.HTTPError as error:
                if error.code != 500 or time.monotonic() > deadline:
                    raise
            time.sleep(0.25)

    def shutdown_kernels(self) -> None:
        """Stop every kernel the server runs (each kit's kernel holds its models in memory)."""
        for kernel in self.kernels():
            self.api(f"kernels/{kernel['id']}", method="DELETE")


def _write_settings(folder: Path) -> None:
    for name, values in _LAB_SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _wait_until_up(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {server.process.returncode}:\n{server.log_tail()}")
        try:
            server.api("status")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and whatever it started (kernels), politely first."""
    if process.poll() is None:
        process.terminate()  # the server stops its kernels on SIGTERM
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    # The server runs in a process group of its own: end what is left of it (a kernel
    # that did not stop), by that group's id only.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@contextmanager
def start_lab(root: Path, scratch: Path, env: dict[str, str], timeout: float = 120) -> Iterator[LabServer]:
    """Run a JupyterLab server on ``root`` for the duration of the ``with`` block.

    Parameters
    ----------
    root : Path
        The server's root folder (what the file browser shows).
    scratch : Path
        A folder for the server's settings, workspaces, runtime files and log.
    env : dict of str
        Extra environment variables for the server and the kernels it starts.
    timeout : float
        Seconds to wait for the server to answer.

    Yields
    ------
    LabServer
        The running server; it is stopped, with its kernels, when the block ends,
        also on an error.
    """
    settings = scratch / "lab-settings"
    _write_settings(settings)
    full_env = {
        **os.environ,
        **env,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "lab-workspaces"),
        "JUPYTER_RUNTIME_DIR": str(scratch / "jupyter-runtime"),
        "JUPYTER_PREFER_ENV_PATH": "1",  # the venv's "python3" kernelspec, as bootstrap.py lab
    }
    port, token, log = free_port(), secrets.token_hex(16), scratch / "jupyterlab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            cmd,
            cwd=root,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabServer(process, port, token, root, log)
    try:
        _wait_until_up(server, timeout)
        yield server
    finally:
        _stop(process)


@contextmanager
def start_chromium(chromium: str, chromedriver: str, profile: Path, size: tuple[int, int] = (1400, 1000)):
    """Headless Chromium driven by Selenium, with a new empty profile; always quit at the end.

    Parameters
    ----------
    chromium, chromedriver : str
        Paths of the browser and of its driver (from :func:`find_browser`).
    profile : Path
        A folder that does not exist yet: the browser's user-data-dir.
    size : tuple of int
        Window size in pixels (the screenshots' size).

    Yields
    ------
    selenium.webdriver.Chrome
        The driver.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*BROWSER_FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}"):
        options.add_argument(flag)
    profile.mkdir(parents=True)
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    try:
        yield driver
    finally:
        driver.quit()


# A code cell's prompt: "[12]:" once run, "[*]:" while queued or running, "[ ]:" never run.
_PROMPT = re.compile(r"\[\s*(\d+|\*)?\s*\]:?")


class NotebookPage:
    """One notebook open in JupyterLab, seen and driven through the page only."""

    NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

    def __init__(self, driver, server: LabServer):
        self.driver = driver
        self.server = server

    def open(self, path: str, timeout: float = 120) -> None:
        """Open ``path`` (relative to the server's root) in a fresh workspace; wait for its cells."""
        # ?reset: a clean workspace, so a previous kit's notebook does not come back.
        self.driver.get(self.server.url(f"lab/tree/{path}?reset"))
        self.wait(
            lambda: (
                self.script("return document.querySelectorAll(arguments[0] + ' .jp-Cell').length", self.NOTEBOOK) > 0
            ),
            timeout,
            f"the cells of {path} on the page",
        )

    def script(self, code: str, *args):
        """Run JavaScript in the page; return its result."""
        return self.driver.execute_script(code, *args)

    def wait(self, condition: Callable[[], bool], timeout: float, what: str, every: float = 0.5) -> None:
        """Poll ``condition`` every ``every`` seconds; raise TimeoutError naming ``what`` after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(every)
        raise TimeoutError(f"waited {timeout:.0f} s for {what}")

    def menu(self, *labels: str, timeout: float = 30) -> None:
        """Click through the menu bar: ``menu("Run", "Run All Cells")``."""
        from selenium.webdriver.common.by import By

        top, *items = labels
        bar = f"//div[contains(@class,'lm-MenuBar-itemLabel') and normalize-space()='{top}']"
        self.wait(lambda: bool(self.driver.find_elements(By.XPATH, bar)), timeout, f"the menu {top!r}")
        self.driver.find_element(By.XPATH, bar).click()
        for label in items:
            item = (
                f"//ul[contains(@class,'lm-Menu-content')]//li[contains(@class,'lm-Menu-item')]"
                f"[.//div[contains(@class,'lm-Menu-itemLabel') and normalize-space()='{label}']]"
            )
            self.wait(
                lambda: any(e.is_displayed() for e in self.driver.find_elements(By.XPATH, item)),
                timeout,
                f"the menu item {label!r}",
            )
            next(e for e in self.driver.find_elements(By.XPATH, item) if e.is_displayed()).click()

    def prompts(self) -> list[str]:
        """Each code cell's input prompt text (``[3]:``, ``[*]:``, ``[ ]:``), in order."""
        return self.script(
            "return Array.from(document.querySelectorAll(arguments[0] + ' .jp-CodeCell'))"
            ".map(c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '')",
            self.NOTEBOOK,
        )

    def execution_counts(self) -> list[int | None]:
        """Each code cell's execution count as the page shows it (None: not run or still running)."""
        counts = []
        for text in self.prompts():
            match = _PROMPT.search(text)
            counts.append(int(match.group(1)) if match and match.group(1) and match.group(1) != "*" else None)
        return counts

    def outputs(self) -> list[list[dict]]:
        """Each code cell's rendered outputs: ``{"mime": data-mime-type, "text": visible text}``."""
        return self.script(
            "return Array.from(document.querySelectorAll(arguments[0] + ' .jp-CodeCell')).map(c =>"
            " Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o =>"
            " ({mime: o.getAttribute('data-mime-type') || '', text: o.innerText || ''})))",
            self.NOTEBOOK,
        )
