"""The shared notebook runs (tests/notebook_runs.py) still fail where nbval failed.

A toy ``kits/cardihack/01_exploration.ipynb`` in a scratch folder holds a cell whose
committed output matches, one whose committed output differs (a changed score), an
unchecked cell whose output differs (``--nbval-lax`` ignores it), a cell that raises
and a cell after it. A pytest run on that folder, through the plugin, must pass the
first and the unchecked one and fail the other three, saying why; a second request for
the same notebook in the session reads the first run's record instead of executing it
again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from .notebook_runs import NotebookRuns

ROOT = Path(__file__).resolve().parents[1]


def _cell(source: str, printed: str | None, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {})
    cell.execution_count = 1
    if printed is not None:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    return cell


def _toy_kit(root: Path) -> Path:
    """A kit folder whose first notebook covers each way a cell passes or fails."""
    nb = nbformat.v4.new_notebook(
        cells=[
            _cell("data_dir = None\noutput_dir = None\nseed = 0\nquick = False", None, ("parameters",)),
            _cell("# NBVAL_CHECK_OUTPUT\nprint(6 * 7)", "42\n"),
            _cell("# NBVAL_CHECK_OUTPUT\nprint('score', round(0.5, 3))", "score 0.25\n"),
            _cell("print('unchecked output')", "another text\n"),
            _cell("raise ValueError('a broken module')", None),
            _cell("# NBVAL_CHECK_OUTPUT\nprint('after the error')", "after the error\n"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    kit_dir = root / "kits" / "cardihack"
    kit_dir.mkdir(parents=True)
    nbformat.write(nb, kit_dir / "01_exploration.ipynb")
    return kit_dir / "01_exploration.ipynb"


@pytest.mark.slow
def test_a_changed_output_an_error_and_the_cells_after_it_fail(tmp_path, twin):
    twin("cardihack", "default")  # made here, under the session's lock: the run below only reads it
    notebook = _toy_kit(tmp_path / "repo")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "HDHKITS_TEST_SCRATCH": str(tmp_path / "scratch"),
        "HDHKITS_OUTPUT_DIR": str(tmp_path / "outputs"),
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.notebook_runs",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            "-rA",
            "--rootdir",
            str(tmp_path / "repo"),
            str(notebook),
        ],
        cwd=tmp_path / "repo",
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    for cell in (0, 1, 3):
        assert f"PASSED kits/cardihack/01_exploration.ipynb::Cell {cell}" in out, out
    for cell in (2, 4, 5):
        assert f"FAILED kits/cardihack/01_exploration.ipynb::Cell {cell}" in out, out
    assert "Cell outputs differ" in out and "score 0.25" in out and "score 0.5" in out, out
    assert "ValueError: a broken module" in out, out
    assert "not run:" in out, out

    # the session's record serves the next request: same run, no second execution
    runs = NotebookRuns(tmp_path / "scratch", tmp_path / "outputs")
    record = runs.records / "cardihack" / "01_exploration.ipynb.json"
    stamp = record.stat().st_mtime_ns
    run = runs.run("cardihack", "01_exploration.ipynb", kits_dir=notebook.parent.parent)
    assert run.status == "failed" and "a broken module" in run.error
    assert record.stat().st_mtime_ns == stamp


def test_a_test_using_a_slow_fixture_needs_its_marker():
    """The collection check of the root conftest: a slow fixture without ``@pytest.mark.slow`` is named."""
    from types import SimpleNamespace

    from conftest import unmarked_slow_tests

    def item(name, fixtures, slow):
        marker = pytest.mark.slow.mark if slow else None
        return SimpleNamespace(
            nodeid=f"tests/test_x.py::{name}[a]",
            fixturenames=fixtures,
            path=Path("tests/test_x.py"),
            get_closest_marker=lambda _name: marker,
        )

    items = [item("test_marked", ["notebook_runs"], True), item("test_cheap", ["tmp_path"], False)]
    assert unmarked_slow_tests(items) == []
    items.append(item("test_forgot", ["tmp_path", "real_pack"], False))
    assert unmarked_slow_tests(items) == ["tests/test_x.py::test_forgot"]
