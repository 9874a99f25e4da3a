"""hdhkits.runner.pool: several kits, in worker processes, and Ctrl-C."""

import nbformat
import pytest
from hdhkits.problem import NOTEBOOKS
from hdhkits.runner.pool import run_kits

from .runner_support import Dies, Slow, interrupt_cli_run, notebook, toy_kits, write_kit, write_notebook, write_slow_kit
from .test_datasource import Toy


@pytest.fixture
def kits(tmp_path):
    return toy_kits(tmp_path)


@pytest.mark.slow
def test_run_kits_returns_kits_in_the_order_given_whatever_the_jobs(kits, tmp_path):
    # The slow kit's last notebook waits until the toy kit's last one has run and the runner
    # has kept its executed copy (the toy kit's worker is then reporting it done), then 3 s
    # more: the order of finishing depends on the two kits running at once, not on how fast
    # a kernel starts or shuts down on a busy machine (a fixed sleep made this test flaky).
    # Run one after the other, the slow kit would wait out its 60 s and finish first: the
    # test fails.
    flag = tmp_path / "toy_done"
    kept = tmp_path / "out" / "toy" / "executed" / "03_submission.ipynb"
    wait = (
        f"import pathlib, time\nflag, kept = pathlib.Path({str(flag)!r}), pathlib.Path({str(kept)!r})\n"
        "deadline = time.time() + 60\n"
        "while not (flag.exists() and kept.exists()) and time.time() < deadline:\n    time.sleep(0.05)\n"
        "time.sleep(3)"
    )
    write_kit(kits, "slow", "pass")
    nbformat.write(notebook(wait), kits / "slow" / "03_submission.ipynb")
    write_notebook(kits, "01_exploration.ipynb", notebook("pass"))
    write_notebook(kits, "02_baseline.ipynb", notebook("pass"))
    write_notebook(kits, "03_submission.ipynb", notebook(f"import pathlib; pathlib.Path({str(flag)!r}).touch()"))
    finished = []
    runs = run_kits(
        [Slow(), Toy()],
        tmp_path / "out",
        jobs=2,
        kits_dir=kits,
        on_kit_done=lambda kit, kit_runs: finished.append(kit.name),
    )
    assert [(r.kit, r.notebook) for r in runs] == [(k, n) for k in ("slow", "toy") for n in NOTEBOOKS]
    assert finished == ["toy", "slow"]  # the slow kit ran beside the fast one and finished last
    assert all(r.status == "ok" for r in runs)
    serial = run_kits([Slow(), Toy()], tmp_path / "out1", jobs=1, kits_dir=kits)
    assert [(r.kit, r.notebook, r.status) for r in serial] == [(r.kit, r.notebook, r.status) for r in runs]


@pytest.mark.slow
def test_a_worker_that_dies_is_a_failure_not_a_traceback(kits, tmp_path):
    write_kit(kits, "dies", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)  # the worker running the kit")
    write_kit(kits, "toy", "pass")
    runs = run_kits([Dies(), Toy()], tmp_path / "out", jobs=2, kits_dir=kits)
    assert [(r.kit, r.status) for r in runs][:3] == [("dies", "failed"), ("dies", "skipped"), ("dies", "skipped")]
    assert "the process running dies stopped" in runs[0].error
    assert [r.kit for r in runs[3:]] == ["toy"] * 3  # reported too, whether its worker finished or not


@pytest.mark.slow
def test_ctrl_c_stops_parallel_workers_quietly(kits, tmp_path):
    for kit in ("annitia", "cardihack"):
        write_slow_kit(kits, kit)
    out = tmp_path / "out"
    code, err, alive = interrupt_cli_run(kits, out, "all", "--quick", "--jobs", "2")
    assert code == 130, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("interrupted; kept the notebooks that finished: ")
    assert "Traceback" not in err and not list(out.rglob(".*.partial.ipynb"))
    assert alive == []  # workers and their kernels
