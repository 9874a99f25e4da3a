"""Each kit notebook executed once per test session, shared by nbval's cells and the tests that read it.

nbval (``--nbval-lax``) collects one item per code cell of every notebook and runs the
cells in a kernel of its own; ``tests/test_end_to_end.py`` then ran the same notebooks
again with papermill. This plugin (loaded by the root ``conftest.py``) keeps nbval's
items, names and comparison, and gives them one execution to read instead:

* :class:`NotebookRuns` (the ``notebook_runs`` fixture) executes a kit's notebook with
  the kits' own runner (:func:`hdhkits.runner.run_kit`: papermill, default settings on the default twin, seed 0,
  output folder ``$HDHKITS_OUTPUT_DIR/<kit>``, which is the notebooks' default there, so
  the run is the one nbval made) the first time a test asks for it, and records the
  outcome on disk. Later requests, from this process or another pytest-xdist worker of
  the session, read that record; a lock per kit makes the others wait for a run in
  progress. A kit's notebooks run in order: a request for ``03_submission`` runs
  ``01_exploration`` and ``02_baseline`` first when they have not run (``03`` reloads the
  model ``02`` saved, as in a participant's session and in the committed outputs).
* For a kit notebook, the collector nbval returns is replaced by a :class:`SharedNotebook`
  holding the same :class:`SharedCell` items (``kits/<kit>/0N_*.ipynb::Cell N``). A cell
  fails when it raised in the run, when an earlier cell raised (it never ran), or when
  its output differs from the committed one: the comparison is nbval's own
  (``IPyNbCell.compare_outputs``, after nbval's stream coalescing), made on the cells nbval
  compares (``# NBVAL_CHECK_OUTPUT`` under ``--nbval-lax``, every cell under ``--nbval``).

Every kit notebook's cells are marked ``slow`` but those of :data:`FAST_NOTEBOOKS`, the
cheap notebook path ``python3 bootstrap.py test --fast`` keeps. Other notebooks (none
under ``testpaths`` today) stay nbval's. ``--nbval-lax`` selects notebooks as before:
``pytest --nbval-lax kits/annitia/02_baseline.ipynb`` (which runs ``01_exploration`` first).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams

try:  # POSIX: runs and twins are shared by pytest-xdist workers through a lock file
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process, nothing to share
    fcntl = None

__all__ = ["NotebookRuns", "SharedCell", "SharedNotebook", "file_lock"]

#: The kit notebooks the fast loop runs (``-m "not slow"``): Cardi-HACK's exploration, the
#: cheapest notebook, so a module every kit imports that breaks still fails a notebook.
FAST_NOTEBOOKS = {("cardihack", "01_exploration.ipynb")}
INJECTED = "injected-parameters"  # papermill's tag on the cell holding the injected parameters


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) for the ``with`` block.

    Processes of one test session (pytest-xdist workers) wait for each other here;
    within a process the callers are sequential anyway.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


class NotebookRuns:
    """The session's notebook executions, one per kit, notebook and size, shared on disk.

    Parameters
    ----------
    root : Path
        The session's scratch folder (shared by the xdist workers): records and locks go
        in ``root/notebook-runs``.
    out_dir : Path
        The output root of the runs (``$HDHKITS_OUTPUT_DIR``): kit ``k`` writes into
        ``out_dir/k``, its notebooks' default output folder in the tests.
    timeout : float
        Per-cell timeout in seconds.
    """

    def __init__(self, root: Path, out_dir: Path, timeout: float = 3600):
        self.records = Path(root) / "notebook-runs"
        self.out_dir = Path(out_dir)
        self.timeout = timeout

    def run(self, kit: str, notebook: str, size: str = "default", kits_dir: Path | None = None):
        """The :class:`hdhkits.runner.NotebookRun` of ``kit``'s ``notebook``: executed on first request.

        The run is a participant's first run, the one the committed outputs show: default
        settings on the default twin. ``kits_dir`` is the ``kits/`` folder holding it
        (default: the repository's).
        """
        if size != "default":
            raise ValueError(f"the committed outputs are a participant's first run (default settings), not {size!r}")
        from hdhkits.problem import NOTEBOOKS
        from hdhkits.runner import NotebookRun, run_kit

        if notebook in NOTEBOOKS:  # the kit's earlier notebooks first, as a participant runs them
            for before in NOTEBOOKS[: NOTEBOOKS.index(notebook)]:
                self.run(kit, before, size, kits_dir)
        record = self.records / kit / f"{notebook}.json"
        with file_lock(self.records / f"{kit}.lock"):
            if not record.is_file():
                ensure_twin(kit, "default")  # made once, under its own lock, before a kernel looks for it
                (result,) = run_kit(
                    kit,
                    self.out_dir,
                    quick=False,
                    seed=0,
                    kits_dir=kits_dir,
                    notebooks=[notebook],
                    timeout=int(self.timeout),
                )
                fields = dataclasses.asdict(result)
                fields["executed"] = str(result.executed) if result.executed else None
                record.parent.mkdir(parents=True, exist_ok=True)
                tmp = record.with_suffix(".tmp")
                tmp.write_text(json.dumps(fields, default=str))
                os.replace(tmp, record)
            fields = json.loads(record.read_text())
        fields["executed"] = Path(fields["executed"]) if fields["executed"] else None
        return NotebookRun(**fields)

    def kit(self, kit: str, size: str = "default") -> list:
        """The runs of ``kit``'s notebooks, in order (``hdhkits.problem.NOTEBOOKS``)."""
        from hdhkits.problem import NOTEBOOKS

        return [self.run(kit, name, size) for name in NOTEBOOKS]

    def copy_outputs(self, kit: str, dest: Path, leave_out: frozenset[str] = frozenset()) -> Path:
        """Copy ``kit``'s output folder to ``dest`` (names in ``leave_out`` skipped) under the kit's lock.

        The lock keeps a run of the kit's next notebook in another worker from writing into
        the folder while it is copied.
        """
        import shutil

        with file_lock(self.records / f"{kit}.lock"):
            shutil.copytree(self.output_dir(kit), dest, ignore=lambda folder, names: leave_out & set(names))
        return Path(dest)

    def output_dir(self, kit: str) -> Path:
        """The folder ``kit``'s runs write into (models, ``submission.csv``, ``executed/``)."""
        return self.out_dir.resolve() / kit


def scratch() -> Path:
    """The session's scratch folder (the root ``conftest.py`` sets ``$HDHKITS_TEST_SCRATCH``)."""
    return Path(os.environ["HDHKITS_TEST_SCRATCH"])


#: The twins this process has resolved (and checked), by kit, size, seed and cache folder.
_TWINS: dict[tuple[str, str, int, str], object] = {}


def ensure_twin(kit: str, size: str = "quick", seed: int = 0):
    """The cached twin of ``kit`` (a :class:`hdhkits.datasource.DataSource`), made once per session.

    The lock keeps two xdist workers from writing the same twin at once (the second
    would replace the folder while the first's notebooks read it). It is one lock per
    twin: a worker asking for a small twin does not wait while another writes a large one.
    A process checks each twin once (``resolve_data`` runs the kit's check, 0.1 to 0.2 s,
    and the tests ask for the twins hundreds of times); a twin folder gone from the cache
    is made and checked again.
    """
    from hdhkits.datasource import cache_root, resolve_data

    key = (kit, size, seed, str(cache_root()))
    known = _TWINS.get(key)
    if known is not None and known.data_dir.is_dir() and known.truth_dir.is_dir():
        return known
    with file_lock(scratch() / "twins" / f"{kit}-{size}-seed{seed}.lock"):
        _TWINS[key] = resolve_data(kit, None, seed=seed, size=size, verbose=False)
    return _TWINS[key]


_RUNS: NotebookRuns | None = None


def session_runs(config: pytest.Config) -> NotebookRuns:
    """The process's :class:`NotebookRuns` (its records are shared by the session's workers)."""
    global _RUNS
    if _RUNS is None:
        timeout = getattr(config.option, "nbval_cell_timeout", 3600) or 3600
        _RUNS = NotebookRuns(scratch(), Path(os.environ["HDHKITS_OUTPUT_DIR"]), timeout)
    return _RUNS


@pytest.fixture(scope="session")
def notebook_runs(pytestconfig) -> NotebookRuns:
    """The session's shared notebook executions: ``notebook_runs.kit("annitia")``."""
    return session_runs(pytestconfig)


def _kit_notebook(path: Path) -> tuple[str, str] | None:
    """``(kit, notebook)`` when ``path`` is ``kits/<kit>/<notebook>`` of a known kit, else None."""
    from hdhkits.problem import KITS, NOTEBOOKS

    if path.parent.parent.name == "kits" and path.parent.name in KITS and path.name in NOTEBOOKS:
        return path.parent.name, path.name
    return None


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent):
    """Swap nbval's collector of a kit notebook for one that reads the shared run."""
    collected = yield
    if file_path.suffix != ".ipynb":
        return collected
    found = _kit_notebook(file_path)
    if found is None:
        return collected
    swapped = []
    for collector in collected or []:
        if type(collector) is IPyNbFile:
            collector = SharedNotebook.from_parent(parent, path=file_path)
            collector.kit, collector.notebook = found
        swapped.append(collector)
    return swapped


class SharedNotebook(IPyNbFile):
    """nbval's collector of one notebook, whose cells read the session's run instead of a kernel."""

    kit: str = ""
    notebook: str = ""
    run = None
    executed_cells: list | None = None

    def collect(self):
        """nbval's items (one per code cell), as :class:`SharedCell`."""
        slow = (self.kit, self.notebook) not in FAST_NOTEBOOKS
        for item in super().collect():
            cell = SharedCell.from_parent(
                self, name=item.name, cell_num=item.cell_num, cell=item.cell, options=item.options
            )
            if slow:
                cell.add_marker(pytest.mark.slow)
            yield cell

    def setup(self):
        """Execute the notebook (or read the session's execution of it); no kernel of nbval's."""
        self.setup_sanitize_files()
        kits_dir = Path(self.path).resolve().parent.parent
        self.run = session_runs(self.config).run(self.kit, self.notebook, kits_dir=kits_dir)
        self.executed_cells = None
        if self.run.executed is not None and Path(self.run.executed).is_file():
            executed = nbformat.read(self.run.executed, as_version=4)
            self.executed_cells = [
                c for c in executed.cells if c.cell_type == "code" and INJECTED not in c.metadata.get("tags", [])
            ]

    def teardown(self):
        """Nothing to stop: the run's kernel ended with it."""


class SharedCell(IPyNbCell):
    """One code cell: did it run without error in the session's run, and does its output match."""

    def runtest(self):
        """Fail as nbval would: an exception in the cell, or outputs that differ from the committed ones."""
        if self.options["skip"]:
            pytest.skip()
        notebook: SharedNotebook = self.parent
        run, cells = notebook.run, notebook.executed_cells
        if cells is None:
            self.raise_cell_error(f"the notebook did not run: {run.error or run.status}")
        if len(cells) <= self.cell_num or cells[self.cell_num].source != self.cell.source:
            self.raise_cell_error("the executed copy does not match the notebook's code cells")
        outs = [nbformat.from_dict(o) for o in cells[self.cell_num].outputs]
        errors = [o for o in outs if o.output_type == "error"]
        if errors and not self.options["check_exception"]:
            self.raise_cell_error(
                "Cell execution caused an exception", "\n" + "\n".join(errors[0].get("traceback", []))
            )
        status = cells[self.cell_num].metadata.get("papermill", {}).get("status")
        if status != "completed" and not errors:  # papermill left it "pending": an earlier cell stopped the run
            self.raise_cell_error(f"not run: {run.error or 'the run stopped before this cell'}")
        outs = coalesce_streams(outs)
        unrun = self.cell.execution_count is None
        if unrun and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        if self.options["check"] and not unrun:
            if not self.compare_outputs(outs, coalesce_streams(self.cell.outputs)):
                self.raise_cell_error("Cell outputs differ", "\n".join(self.comparison_traceback))
