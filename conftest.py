"""Test-wide settings, shared by the unit tests and the notebooks nbval runs.

Notebooks run by nbval read these environment variables in their parameters cell:
quick mode, and a throw-away cache and output folder, so a test run never writes into
the working tree or the user's cache. Under pytest-xdist the workers share the
controller's scratch folder (``$HDHKITS_TEST_SCRATCH``), so a twin or a notebook run made by
one serves them all (``tests/notebook_runs.py``).
"""

import os
import tempfile
from pathlib import Path

import pytest

pytest_plugins = ("tests.notebook_runs",)  # nbval's kit notebooks: one execution per session

if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("HDHKITS_TEST_SCRATCH"):
    _SCRATCH = Path(os.environ["HDHKITS_TEST_SCRATCH"])  # the controller's, inherited
else:
    _SCRATCH = Path(tempfile.mkdtemp(prefix="hdhkits-tests-"))
os.environ["HDHKITS_TEST_SCRATCH"] = str(_SCRATCH)
os.environ["HDHKITS_QUICK"] = "1"
os.environ["HDHKITS_HEADLESS"] = "1"  # nbval runs headless: no progress bars, as committed
os.environ["HDHKITS_CACHE"] = str(_SCRATCH / "cache")
os.environ["HDHKITS_OUTPUT_DIR"] = str(_SCRATCH / "outputs")
# One BLAS/OpenMP thread per process: the suite already keeps both cores busy with its two
# pytest-xdist workers (and their notebook kernels), and two-thread pools on top of that
# only spin. Measured on 2 cores: 8 % less CPU time for the whole suite, every output the
# same. CYTOLOGIA's CNN sets torch's own thread count (2 here); its OpenMP threads wait
# passively instead of spinning on the core the other worker uses: CYTOLOGIA's
# 02_baseline took 22 s instead of 34 s beside a busy core, with the same outputs (the
# number of threads, and so every sum, is unchanged). A variable the developer set wins.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# Official-data variables from the developer's shell must not leak into the tests.
for _var in ("ANNITIA_DATA_DIR", "CARDIHACK_DATA_DIR", "CYTOLOGIA_DATA_DIR"):
    os.environ.pop(_var, None)


@pytest.fixture(scope="session")
def twin():
    """Factory for cached synthetic twins: ``twin("annitia", size="quick", seed=0)``.

    Returns the :class:`hdhkits.datasource.DataSource`; the twin is generated once per
    session and kit/size/seed (once for all the xdist workers).
    """
    from tests.notebook_runs import ensure_twin

    def make(kit: str, size: str = "quick", seed: int = 0):
        return ensure_twin(kit, size=size, seed=seed)

    return make


#: Fixtures whose tests are slow: the session's notebook runs, a workshop pack run end to
#: end, two runs of the runner for the report, the Colab venv, a JupyterLab server, the
#: kits' demo fields and their calibration against the official files (default-size twins).
#: A test that uses one carries ``@pytest.mark.slow`` itself; collection stops when one does not.
SLOW_FIXTURES = frozenset(
    {"notebook_runs", "real_pack", "two_runs", "colab_venv", "lab_server", "field", "default_twin_cv", "twins"}
)


def unmarked_slow_tests(items) -> list[str]:
    """Test functions that use a fixture of :data:`SLOW_FIXTURES` but carry no ``slow`` marker.

    The fast loop (``python3 bootstrap.py test --fast``, ``-m "not slow"``) selects by the
    marker a test carries (``@pytest.mark.slow``: those that execute notebooks, start
    JupyterLab, interrupt subprocesses or write default-size twins, more than about 2 s on
    2 cores); a test that uses a slow fixture without it would join the fast loop unseen.
    The notebooks' cells are marked by ``tests/notebook_runs.py``.
    """
    return sorted(
        {
            item.nodeid.split("[")[0]
            for item in items
            if SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
            and item.get_closest_marker("slow") is None
            and not str(item.path).endswith(".ipynb")
        }
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Refuse slow tests without their marker; put the files with the most slow tests first."""
    unmarked = unmarked_slow_tests(items)
    if unmarked:
        raise pytest.UsageError(
            "these tests use a slow fixture (conftest.SLOW_FIXTURES) but carry no @pytest.mark.slow: "
            + ", ".join(unmarked)
        )
    # The files with the most slow tests first (a test's order within its file kept): the
    # pytest-xdist workers take whole files as they come free, so the long ones start early
    # and the run does not end with one worker alone on a notebook file.
    slow_per_file: dict[str, int] = {}
    for item in items:
        slow_per_file.setdefault(str(item.path), 0)
        if item.get_closest_marker("slow") or str(item.path).endswith(".ipynb"):
            slow_per_file[str(item.path)] += 1
    first_seen = {path: i for i, path in enumerate(slow_per_file)}
    items.sort(key=lambda item: (-slow_per_file[str(item.path)], first_seen[str(item.path)]))
