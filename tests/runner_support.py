"""Shared by the runner tests: a toy kit whose notebooks each test writes, and a Ctrl-C sent to `hdhkits run`."""

from __future__ import annotations

from pathlib import Path

import nbformat

from .interrupt_support import ctrl_c, start
from .test_datasource import Toy

__all__ = ["Dies", "Slow", "interrupt_cli_run", "notebook", "toy_kits", "write_kit", "write_notebook", "write_slow_kit"]


def toy_kits(tmp_path: Path) -> Path:
    """A ``kits/`` folder under ``tmp_path`` with an empty ``toy`` kit."""
    root = tmp_path / "kits"
    (root / "toy").mkdir(parents=True)
    return root


def notebook(*sources: str, parameters: bool = True) -> nbformat.NotebookNode:
    """A notebook of ``sources`` (one code cell each), after a ``parameters`` cell unless told otherwise."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if parameters:
        cell = nbformat.v4.new_code_cell("data_dir = None\noutput_dir = 'outputs'\nseed = 0\nquick = False")
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def write_notebook(kits: Path, name: str, nb: nbformat.NotebookNode) -> None:
    """Write ``nb`` as the toy kit's notebook ``name``."""
    nbformat.write(nb, kits / "toy" / name)


class Slow(Toy):
    """A second toy kit (its own name), to run two kits at once."""

    name = "slow"


class Dies(Toy):
    """A toy kit whose worker process is killed by its notebook."""

    name = "dies"


def write_kit(kits: Path, kit: str, *sources: str) -> None:
    """A kit folder whose three notebooks each run ``sources``."""
    (kits / kit).mkdir(exist_ok=True)
    for name in ("01_exploration.ipynb", "02_baseline.ipynb", "03_submission.ipynb"):
        nbformat.write(notebook(*sources), kits / kit / name)


def write_slow_kit(kits: Path, kit: str) -> None:
    """A kit whose second notebook sleeps two minutes (to be interrupted)."""
    (kits / kit).mkdir(exist_ok=True)
    nbformat.write(notebook("print('quick')"), kits / kit / "01_exploration.ipynb")
    nbformat.write(notebook("print('starts')", "import time; time.sleep(120)"), kits / kit / "02_baseline.ipynb")
    nbformat.write(notebook("print('never')"), kits / kit / "03_submission.ipynb")


def interrupt_cli_run(kits_dir: Path, out: Path, *argv: str) -> tuple[int, str, list]:
    """`hdhkits run ... --kits-dir` in a subprocess, Ctrl-C once a second notebook is running."""
    import sys
    import time

    import psutil

    proc = start([sys.executable, "-m", "hdhkits.cli", "run", *argv, "--out", str(out), "--kits-dir", str(kits_dir)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob("*/executed/.02_baseline.partial.ipynb")):
        time.sleep(0.1)
    time.sleep(1.0)
    children = psutil.Process(proc.pid).children(recursive=True)
    ctrl_c(proc)
    _, err = proc.communicate(timeout=120)
    _, alive = psutil.wait_procs(children, timeout=15)
    return proc.returncode, err, alive
