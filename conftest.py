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


#: Tests the fast loop leaves out (``python3 bootstrap.py test --fast`` is ``-m "not slow"``),
#: by function name (a test file may be renamed; the name stays): those that execute notebooks,
#: start JupyterLab, interrupt subprocesses or write default-size twins, measured at more than
#: about 2 s each on 2 cores. The full suite runs them all. ``tests/test_notebook_runs.py``
#: fails when a name here matches no test any more.
SLOW_TESTS = frozenset(
    {
        # notebooks executed (test_end_to_end's other test reads the shared runs: notebook_runs)
        "test_notebooks_run_on_extreme_folders",
        "test_the_notebooks_run_to_the_end_on_odd_data",
        "test_fake_pack_notebooks_run_from_their_folder",
        "test_a_changed_output_an_error_and_the_cells_after_it_fail",
        "test_runs_in_order_passes_parameters_and_reads_scores",
        "test_run_kits_returns_kits_in_the_order_given_whatever_the_jobs",
        "test_peak_memory_is_the_kernels",
        "test_a_worker_that_dies_is_a_failure_not_a_traceback",
        "test_ctrl_c_keeps_finished_notebooks_and_removes_the_partial_one",
        "test_ctrl_c_stops_parallel_workers_quietly",
        # JupyterLab started
        "test_bootstrap_lab_serves_the_kits",
        # default-size twins written, or the command line interrupted in a subprocess
        "test_default_twin_holds_the_quirk",
        "test_ctrl_c_during_data",
        "test_ctrl_c_during_validate",
        "test_ctrl_c_during_run",
        "test_data_force_on_a_full_disk_keeps_the_old_twin",
        "test_data_on_a_refusing_disk_leaves_nothing",
        "test_validate_on_a_full_cache_disk_leaves_no_partial_twin",
        # a kit's models trained for a demo field, a fourth kit registered in a subprocess
        "test_demo_ranks_n_valid_submissions_and_lists_the_broken_ones",
        "test_demo_from_the_command_line",
        "test_a_fourth_kit_is_seen_by_the_command_line",
        "test_the_shared_parametrised_tests_see_a_fourth_kit",
        # models trained or cross-validated at default size (several seconds each)
        "test_liver_ablation",
        "test_versus_no_liver_pieces_shares_the_death_blend",
        # the participant's loop: "Your model" edited, 02_baseline then 03_submission executed
        "test_your_model_reaches_the_submission",
    }
)
#: Fixtures whose tests are slow: the session's notebook runs, a workshop pack run end to
#: end, two runs of the runner for the report, the Colab venv, a JupyterLab server, the
#: kits' demo fields and their calibration against the official files (default-size twins).
SLOW_FIXTURES = frozenset(
    {"notebook_runs", "real_pack", "two_runs", "colab_venv", "lab_server", "field", "default_twin_cv", "twins"}
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark ``slow`` the tests of :data:`SLOW_TESTS` and those using :data:`SLOW_FIXTURES`."""
    for item in items:
        name = getattr(item, "originalname", None)
        if name in SLOW_TESTS or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
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
