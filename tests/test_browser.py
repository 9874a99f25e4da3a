"""The kits work in JupyterLab as a participant uses them: opened in a real browser, run from the menu.

``test_submission_notebook_in_jupyterlab`` starts JupyterLab from this environment and
drives headless Chromium through it: for CYTOLOGIA (every kit with ``HDHKITS_BROWSER_KITS=all``)
it opens ``<kit>/03_submission.ipynb``,
runs every cell with *Run > Run All Cells*, waits for the kernel, and checks what the page
shows (no error, every cell run, the last result on screen, the model ``02_baseline``
saved reloaded: the session's run of it, ``tests/notebook_runs.py``) and that
``submission.csv`` was written. It is marked ``browser`` (``pytest -m browser`` runs only it) and skips,
saying why, when Chromium or chromedriver is missing. Each kit's screenshot is saved under
the test's temporary folder and its path printed (``pytest -s`` shows it).

The other two tests need no browser: the notebooks' kernel name resolves to this
environment's interpreter, and ``python3 bootstrap.py lab`` serves ``kits/`` and prints
its URL.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from hdhkits.problem import KITS

from .browser_support import NotebookPage, find_browser, free_port, start_chromium, start_lab

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "03_submission.ipynb"
KIT_TIMEOUT = 15 * 60  # seconds for one kit's notebook: CYTOLOGIA trains its model when none is saved
#: The kits driven through JupyterLab: CYTOLOGIA's 03 (images drawn inline, the largest
#: outputs) by default; the three kits' cells run the same notebook machinery, and nbval runs
#: every notebook. HDHKITS_BROWSER_KITS=all (or a comma-separated list) drives the others too.
BROWSER_KITS = (
    KITS
    if os.environ.get("HDHKITS_BROWSER_KITS", "") == "all"
    else tuple(k for k in os.environ.get("HDHKITS_BROWSER_KITS", "cytologia").split(",") if k in KITS)
)


@pytest.fixture(scope="module")
def browser_paths() -> tuple[str, str]:
    """Chromium and chromedriver, or skip with the reason."""
    pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[test]')")
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (pip install -e '.[lab]')")
    found = find_browser()
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture(scope="module")
def lab_scratch(tmp_path_factory, notebook_runs) -> Path:
    """The server's folder: a copy of each kit's submission notebook, throw-away cache and outputs.

    The notebooks are copies because JupyterLab saves what it runs (autosave): the
    committed notebooks must keep the test run's outputs. Each kit's output folder starts
    as the session's run of ``01_exploration`` and ``02_baseline`` left it (models, scores,
    stamps; no submission), as a participant's does when they open ``03_submission``:
    the notebook reloads the saved model instead of training it again.
    """
    scratch = tmp_path_factory.mktemp("jupyterlab")
    for kit in BROWSER_KITS:
        (scratch / "kits" / kit).mkdir(parents=True)
        shutil.copy2(ROOT / "kits" / kit / NOTEBOOK, scratch / "kits" / kit / NOTEBOOK)
        notebook_runs.run(kit, "02_baseline.ipynb")
        notebook_runs.copy_outputs(kit, scratch / "outputs" / kit, frozenset({"executed", "submission.csv"}))
    return scratch


@pytest.fixture(scope="module")
def lab_server(browser_paths, lab_scratch):
    """A JupyterLab server on the copies: default settings as committed, throw-away cache, its own output folder.

    The cache is the test session's (conftest.py), so twins other tests made are reused.
    """
    env = {
        "HDHKITS_QUICK": "0",
        "HDHKITS_CACHE": os.environ.get("HDHKITS_CACHE", str(lab_scratch / "cache")),
        "HDHKITS_OUTPUT_DIR": str(lab_scratch / "outputs"),
    }
    with start_lab(lab_scratch / "kits", lab_scratch, env) as server:
        yield server


@pytest.fixture(scope="module")
def browser(browser_paths, lab_scratch):
    """Headless Chromium with a new empty profile, shared by the kits and always closed."""
    with start_chromium(*browser_paths, profile=lab_scratch / "chromium-profile") as driver:
        yield driver


def _code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _last_checked_text(cells: list) -> tuple[int, str] | None:
    """The last ``NBVAL_CHECK_OUTPUT`` cell holding stdout: its index and committed text."""
    for index in range(len(cells) - 1, -1, -1):
        cell = cells[index]
        stdout = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
        if "NBVAL_CHECK_OUTPUT" in cell.source and stdout.strip():
            return index, stdout
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _problems(outputs: list[list[dict]]) -> list[str]:
    """Each cell's error output, as the page shows it (errors render as stderr holding a traceback)."""
    found = []
    for index, cell in enumerate(outputs):
        for out in cell:
            broken_widget = "Error displaying widget" in out["text"]  # e.g. a tqdm bar without its model
            if "error" in out["mime"] or ("stderr" in out["mime"] and "Traceback" in out["text"]) or broken_widget:
                found.append(f"code cell {index + 1}: {out['text'][-1500:]}")
    return found


def _run_all(page: NotebookPage, server, n_cells: int) -> float:
    """Run > Run All Cells, then wait for the kernel to finish; return the seconds it took."""
    start = time.monotonic()
    page.menu("Run", "Run All Cells")

    def finished() -> bool:
        kernels = server.kernels()
        if not kernels or any(k["execution_state"] != "idle" for k in kernels):
            return False
        counts = page.execution_counts()
        # Run All stops at an error, leaving the later cells unrun: done as well.
        stopped = "*" not in "".join(page.prompts()) and _problems(page.outputs())
        return (len(counts) == n_cells and None not in counts) or bool(stopped)

    page.wait(finished, KIT_TIMEOUT, "every cell to run and the kernel to be idle", every=2)
    return time.monotonic() - start


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("kit", BROWSER_KITS)
def test_submission_notebook_in_jupyterlab(kit, lab_server, browser, lab_scratch, tmp_path):
    cells = _code_cells(lab_scratch / "kits" / kit / NOTEBOOK)
    submission = lab_scratch / "outputs" / kit / "submission.csv"  # hdhkits.notebook.default_output_dir
    page = NotebookPage(browser, lab_server)
    shot = tmp_path / f"{kit}-{Path(NOTEBOOK).stem}.png"
    try:
        page.open(f"{kit}/{NOTEBOOK}")
        page.wait(lambda: len(page.prompts()) == len(cells), 120, f"the {len(cells)} code cells of {kit}")
        # The kernel the notebook asks for ("python3") must start by itself, no dialog.
        page.wait(
            lambda: [(k["name"], k["execution_state"]) for k in lab_server.kernels()] == [("python3", "idle")],
            120,
            f"{kit}'s python3 kernel to start",
        )
        seconds = _run_all(page, lab_server, len(cells))
        outputs, counts = page.outputs(), page.execution_counts()
        last = browser.execute_script(
            "const cells = document.querySelectorAll(arguments[0] + ' .jp-CodeCell');"
            "const out = cells[cells.length - 1].querySelector('.jp-OutputArea');"
            "out.scrollIntoView({block: 'center'}); return out;",
            page.NOTEBOOK,
        )
        time.sleep(1)  # let the scroll settle before the screenshot
    finally:
        browser.save_screenshot(str(shot))
        print(f"\n{kit}: screenshot {shot}")
        lab_server.shutdown_kernels()
    print(f"{kit}: ran {len(cells)} code cells in {seconds:.0f} s through the UI")

    problems = _problems(outputs)
    assert not problems, f"{kit}/{NOTEBOOK} failed in JupyterLab:\n" + "\n".join(problems)
    assert None not in counts, f"code cells left unrun in {kit}/{NOTEBOOK} (None): {counts}"
    assert submission.is_file(), f"{kit}/{NOTEBOOK} ran but wrote no {submission}"
    assert len(submission.read_text().splitlines()) > 1, f"{submission} holds no rows"
    shown = " ".join(o["text"] for cell in outputs for o in cell).lower()
    assert "reloaded" in shown, f"{kit}/{NOTEBOOK} did not reload the model the session's 02_baseline saved"

    # The last cell's result is on screen, and a checked result reads as in the test run.
    assert last.is_displayed() and (last.text.strip() or last.find_elements("css selector", "img")), (
        f"the last code cell of {kit}/{NOTEBOOK} shows no output"
    )
    checked = _last_checked_text(cells)
    if checked is not None:
        index, expected = checked
        shown = " ".join(o["text"] for o in outputs[index])
        assert _squash(expected) in _squash(shown), (
            f"{kit}/{NOTEBOOK}, code cell {index + 1}: the page shows\n{shown}\nthe committed output is\n{expected}"
        )


def test_notebooks_kernel_is_this_environment(monkeypatch):
    """The kernel the notebooks name starts this environment's interpreter (the one serving the lab)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import start_new_kernel

    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "1")  # as bootstrap.py lab sets it
    names = {nbformat.read(p, as_version=4).metadata["kernelspec"]["name"] for p in (ROOT / "kits").glob("*/*.ipynb")}
    assert names == {"python3"}, f"the kits' notebooks should all name the kernel python3, not {names}"
    specs = KernelSpecManager().find_kernel_specs()
    assert "python3" in specs, f"no python3 kernelspec for {sys.executable}: {specs}"
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=120)
    printed: list[str] = []
    try:
        client.execute_interactive(
            "import sys; print(sys.executable)",
            timeout=60,
            output_hook=lambda msg: printed.append(msg["content"]["text"]) if msg["msg_type"] == "stream" else None,
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert Path("".join(printed).strip()) == Path(sys.executable), (
        f"kernel python3 runs {''.join(printed).strip()}, not {sys.executable}"
    )


def _get_json(url: str, wait: float = 30) -> dict:
    """GET a JSON answer, waiting for the server: it logs its URL just before it listens."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                return json.load(answer)
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError) or time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.slow
def test_bootstrap_lab_serves_the_kits(tmp_path):
    """``bootstrap.py lab`` (its server part) prints the URL, serves kits/, and stops on SIGTERM."""
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (pip install -e '.[lab]')")
    if not (ROOT / ".venv").is_dir():
        pytest.skip("no .venv/ (bootstrap.py lab runs JupyterLab from it): run python3 bootstrap.py setup")
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    # bootstrap.lab, not main: main first checks the environment is set up, and may install.
    cmd = [
        sys.executable,
        "-c",
        "import sys, bootstrap; sys.exit(bootstrap.lab(sys.argv[1:]))",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=open(tmp_path / "lab.log", "w"),
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        url, deadline = None, time.monotonic() + 120
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                match = re.search(r"JupyterLab is serving kits/ at (http://\S+)", lines.get(timeout=1))
            except queue.Empty:
                continue
            url = match and match.group(1)
        assert url and f":{port}/lab?token=" in url, f"bootstrap.py lab printed no URL line (exit {proc.poll()})"
        token = url.split("token=")[1]
        listed = {item["name"] for item in _get_json(f"http://127.0.0.1:{port}/api/contents?token={token}")["content"]}
        assert set(KITS) <= listed, f"the server's root should be kits/, it lists {listed}"
        proc.send_signal(signal.SIGTERM)  # as `kill` or `timeout` would: the server must stop too
        assert proc.wait(timeout=60) is not None
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_find_browser_takes_the_build_the_environment_names(monkeypatch, tmp_path):
    """HDHKITS_CHROMIUM / HDHKITS_CHROMEDRIVER point the test at another build (a CI runner's Chrome)."""
    for name in ("chrome", "driver"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    monkeypatch.setenv("HDHKITS_CHROMIUM", str(tmp_path / "chrome"))
    monkeypatch.setenv("HDHKITS_CHROMEDRIVER", str(tmp_path / "driver"))
    assert find_browser() == (str(tmp_path / "chrome"), str(tmp_path / "driver"))
    monkeypatch.setenv("HDHKITS_CHROMEDRIVER", str(tmp_path / "absent"))
    assert find_browser() == f"HDHKITS_CHROMEDRIVER={tmp_path / 'absent'} is no executable; point it at one or unset it"
