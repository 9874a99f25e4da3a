"""The papermill runner, on a toy kit whose notebooks the test writes."""

import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from hdhkits.problem import NOTEBOOKS
from hdhkits.runner import (
    data_source_record,
    format_summary,
    kits_root,
    read_run_record,
    run_kit,
    run_kits,
    write_run_record,
)

from .test_datasource import Toy


def _notebook(*sources: str, parameters: bool = True):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if parameters:
        cell = nbformat.v4.new_code_cell("data_dir = None\noutput_dir = 'outputs'\nseed = 0\nquick = False")
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


@pytest.fixture
def kits(tmp_path):
    root = tmp_path / "kits"
    (root / "toy").mkdir(parents=True)
    return root


def write(kits, name, nb):
    nbformat.write(nb, kits / "toy" / name)


def test_runs_in_order_passes_parameters_and_reads_scores(kits, tmp_path):
    write(
        kits,
        "01_exploration.ipynb",
        _notebook(
            "import json, pathlib\n"
            "out = pathlib.Path(output_dir); out.mkdir(parents=True, exist_ok=True)\n"
            "(out / 'params.json').write_text(json.dumps([data_dir, seed, quick, str(pathlib.Path.cwd())]))"
        ),
    )
    write(
        kits,
        "02_baseline.ipynb",
        _notebook(
            "from hdhkits.notebook import record_score\nrecord_score(output_dir, '02_baseline', 'CV score', 0.8123)"
        ),
    )
    write(kits, "03_submission.ipynb", _notebook("print('done')"))
    runs = run_kit(Toy(), tmp_path / "out", quick=True, seed=7, kits_dir=kits)
    assert [r.status for r in runs] == ["ok", "ok", "ok"]
    data_dir, seed, quick, cwd = json.loads((tmp_path / "out" / "toy" / "params.json").read_text())
    assert (data_dir, seed, quick) == (None, 7, True)
    assert cwd == str(kits / "toy")  # notebooks run from their own folder
    assert runs[1].key_score == "CV score: 0.812"
    assert all(r.executed.is_file() for r in runs)
    table = format_summary(runs)
    assert table.splitlines()[0].split() == ["kit", "notebook", "status", "seconds", "key", "score"]
    assert "02_baseline.ipynb" in table


def test_failure_names_the_cell_keeps_the_copy_and_skips_the_rest(kits, tmp_path):
    write(kits, "01_exploration.ipynb", _notebook("x = 1", "raise ValueError('broken on purpose')"))
    write(kits, "02_baseline.ipynb", _notebook("print(1)"))
    write(kits, "03_submission.ipynb", _notebook("print(1)"))
    runs = run_kit(Toy(), tmp_path / "out", kits_dir=kits)
    assert [r.status for r in runs] == ["failed", "skipped", "skipped"]
    failed = runs[0]
    assert "ValueError" in failed.error and "broken on purpose" in failed.error
    assert failed.error.startswith("cell ")
    assert failed.executed is not None and failed.executed.is_file()
    assert "broken on purpose" in failed.executed.read_text()


def test_missing_notebook_is_a_failure(kits, tmp_path):
    runs = run_kit(Toy(), tmp_path / "out", kits_dir=kits, notebooks=["01_exploration.ipynb"])
    assert runs[0].status == "failed" and "not found" in runs[0].error


def test_kits_root_looks_upward_then_beside_the_package(kits, tmp_path):
    write(kits, "01_exploration.ipynb", _notebook("pass"))
    inside = kits / "toy" / "deeper"
    inside.mkdir()
    assert kits_root(inside) == kits
    repo_kits = kits_root(tmp_path / "kits" / "..")  # tmp_path itself has a kits/ folder
    assert repo_kits == kits
    # from a folder with no kits/ above it, the clone the package is installed from
    fallback = kits_root(Path("/"))
    assert (fallback / "annitia" / "01_exploration.ipynb").is_file()


class Slow(Toy):
    """A second toy kit (its own name), to run two kits at once."""

    name = "slow"


def _kit(kits, kit, *sources):
    (kits / kit).mkdir(exist_ok=True)
    for name in ("01_exploration.ipynb", "02_baseline.ipynb", "03_submission.ipynb"):
        nbformat.write(_notebook(*sources), kits / kit / name)


def test_run_kits_returns_kits_in_the_order_given_whatever_the_jobs(kits, tmp_path):
    # The slow kit's last notebook waits until the toy kit's last one has run, then 3 s more:
    # the order of finishing depends on the two kits running at once, not on how fast a
    # kernel starts on a busy machine (a fixed sleep made this test flaky). Run one after
    # the other, the slow kit would wait out its 60 s and finish first: the test fails.
    flag = tmp_path / "toy_done"
    wait = (
        f"import pathlib, time\nflag = pathlib.Path({str(flag)!r}); deadline = time.time() + 60\n"
        "while not flag.exists() and time.time() < deadline:\n    time.sleep(0.05)\ntime.sleep(3)"
    )
    _kit(kits, "slow", "pass")
    nbformat.write(_notebook(wait), kits / "slow" / "03_submission.ipynb")
    write(kits, "01_exploration.ipynb", _notebook("pass"))
    write(kits, "02_baseline.ipynb", _notebook("pass"))
    write(kits, "03_submission.ipynb", _notebook(f"import pathlib; pathlib.Path({str(flag)!r}).touch()"))
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


def test_peak_memory_is_the_kernels(kits, tmp_path):
    write(kits, "01_exploration.ipynb", _notebook("pass"))
    write(kits, "02_baseline.ipynb", _notebook("import numpy as np\nx = np.ones(40_000_000)  # 320 MB\ndel x"))
    runs = run_kit(Toy(), tmp_path / "out", kits_dir=kits, notebooks=["01_exploration.ipynb", "02_baseline.ipynb"])
    small, big = runs[0].peak_mb, runs[1].peak_mb
    assert small is not None and 20 < small < 1000
    assert big - small > 250  # the array shows although it was freed: a peak, not a last reading


def test_peak_memory_ignores_children_that_are_not_kernels():
    # a worker pool or helper process of the caller must not count as a notebook's memory
    import subprocess
    import sys

    from hdhkits.runner import KernelMemory

    code = "import numpy as np, time; x = np.ones(20_000_000); time.sleep(3)"
    with KernelMemory(interval=0.1) as memory:
        child = subprocess.Popen([sys.executable, "-c", code])
        child.wait(timeout=60)
    assert memory.peak_mb is None


def test_failure_details_keep_the_cell_source_and_traceback(kits, tmp_path):
    write(kits, "01_exploration.ipynb", _notebook("def f():\n    raise KeyError('deep')\nf()"))
    run = run_kit(Toy(), tmp_path / "out", kits_dir=kits, notebooks=["01_exploration.ipynb"])[0]
    assert run.details["source"].startswith("def f():")
    text = "\n".join(run.details["traceback"])
    assert "KeyError: 'deep'" in text and "\x1b[" not in text


def test_data_source_record_names_no_absolute_path(tmp_path, monkeypatch):
    monkeypatch.delenv("ANNITIA_DATA_DIR", raising=False)
    twin = data_source_record("annitia", None, quick=True, seed=3)
    assert twin["kind"] == "twin" and twin["seed"] == 3 and twin["size"] == "quick"
    folder = tmp_path / "official_annitia"
    (folder / "images").mkdir(parents=True)
    (folder / "train.csv").write_bytes(b"a,b\n1,2\n")
    (folder / "images" / "x.jpg").write_bytes(b"jpeg")
    record = data_source_record("annitia", folder, quick=False, seed=0)
    assert record["kind"] == "official" and record["folder"] == "official_annitia"
    files = {f["name"]: f for f in record["files"]}
    assert files["train.csv"]["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert files["images/"]["files"] == 1 and len(files["images/"]["sha256"]) == 64
    assert str(tmp_path) not in json.dumps(record)
    monkeypatch.setenv("ANNITIA_DATA_DIR", str(folder))
    assert data_source_record("annitia", None, quick=False, seed=0)["origin"] == "$ANNITIA_DATA_DIR"


def test_run_record_round_trip_with_relative_paths(kits, tmp_path):
    write(kits, "01_exploration.ipynb", _notebook("pass"))
    out = tmp_path / "out"
    runs = run_kit(Toy(), out, kits_dir=kits, notebooks=["01_exploration.ipynb"])
    write_run_record(out, runs, {"jobs": 1}, {"toy": {"kind": "twin", "seed": 0, "size": "quick"}})
    record = read_run_record(out)
    assert record["runs"][0]["executed"] == "toy/executed/01_exploration.ipynb"
    assert record["versions"]["hdhkits"] and record["versions"]["numpy"]
    assert str(tmp_path) not in (out / "run.json").read_text()
    with pytest.raises(FileNotFoundError, match="is not the output folder of an `hdhkits run`"):
        read_run_record(tmp_path)


class Dies(Toy):
    """A toy kit whose worker process is killed by its notebook."""

    name = "dies"


def test_a_worker_that_dies_is_a_failure_not_a_traceback(kits, tmp_path):
    _kit(kits, "dies", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)  # the worker running the kit")
    _kit(kits, "toy", "pass")
    runs = run_kits([Dies(), Toy()], tmp_path / "out", jobs=2, kits_dir=kits)
    assert [(r.kit, r.status) for r in runs][:3] == [("dies", "failed"), ("dies", "skipped"), ("dies", "skipped")]
    assert "the process running dies stopped" in runs[0].error
    assert [r.kit for r in runs[3:]] == ["toy"] * 3  # reported too, whether its worker finished or not


def test_an_executed_copy_appears_only_when_its_notebook_ends(kits, tmp_path):
    # papermill saves after every cell: the copy is written under a hidden name, renamed at the end
    write(
        kits,
        "01_exploration.ipynb",
        _notebook(
            "import pathlib\n"
            "executed = pathlib.Path(output_dir) / 'executed'\n"
            "print(sorted(p.name for p in executed.iterdir()))"
        ),
    )
    run = run_kit(Toy(), tmp_path / "out", kits_dir=kits, notebooks=["01_exploration.ipynb"])[0]
    assert run.status == "ok"
    assert "['.01_exploration.partial.ipynb']" in run.executed.read_text()  # what the notebook saw
    assert sorted(p.name for p in run.executed.parent.iterdir()) == ["01_exploration.ipynb"]


def _interrupt_cli_run(kits_dir, out, *argv):
    """`hdhkits run ... --kits-dir` in a subprocess, Ctrl-C once a second notebook is running."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    proc = subprocess.Popen(
        [sys.executable, "-m", "hdhkits.cli", "run", *argv, "--out", str(out), "--kits-dir", str(kits_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob("*/executed/.02_baseline.partial.ipynb")):
        time.sleep(0.1)
    time.sleep(1.0)
    children = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    _, alive = psutil.wait_procs(children, timeout=15)
    return proc.returncode, err, alive


def _slow_kit(kits, kit):
    (kits / kit).mkdir(exist_ok=True)
    nbformat.write(_notebook("print('quick')"), kits / kit / "01_exploration.ipynb")
    nbformat.write(_notebook("print('starts')", "import time; time.sleep(120)"), kits / kit / "02_baseline.ipynb")
    nbformat.write(_notebook("print('never')"), kits / kit / "03_submission.ipynb")


def test_ctrl_c_keeps_finished_notebooks_and_removes_the_partial_one(kits, tmp_path):
    _slow_kit(kits, "annitia")  # the CLI wants a kit's name; the notebooks are the test's
    out = tmp_path / "out"
    code, err, alive = _interrupt_cli_run(kits, out, "annitia", "--quick")
    assert code == 130, err
    assert err.strip() == (
        "interrupted; kept the notebooks that finished: annitia/01_exploration.ipynb (partial copies removed)"
    )
    assert sorted(p.name for p in (out / "annitia" / "executed").iterdir()) == ["01_exploration.ipynb"]
    assert alive == []  # runner's kernels shut down


def test_ctrl_c_stops_parallel_workers_quietly(kits, tmp_path):
    for kit in ("annitia", "cardihack"):
        _slow_kit(kits, kit)
    out = tmp_path / "out"
    code, err, alive = _interrupt_cli_run(kits, out, "all", "--quick", "--jobs", "2")
    assert code == 130, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("interrupted; kept the notebooks that finished: ")
    assert "Traceback" not in err and not list(out.rglob(".*.partial.ipynb"))
    assert alive == []  # workers and their kernels


def test_the_dead_kernel_log_line_never_reaches_the_terminal(caplog):
    import logging

    from hdhkits.runner import _drop_dead_kernel_lines

    _drop_dead_kernel_lines()
    _drop_dead_kernel_lines()  # idempotent
    assert sum(type(f).__name__ == "_DeadKernelFilter" for f in logging.getLogger("papermill").filters) == 1
    with caplog.at_level(logging.INFO):
        logging.getLogger("papermill").error("Kernel died while waiting for execute reply.")
        logging.getLogger("traitlets").error("Kernel died while waiting for execute reply.")
        logging.getLogger("papermill").error("another error")
    assert [r.getMessage() for r in caplog.records] == ["another error"]
