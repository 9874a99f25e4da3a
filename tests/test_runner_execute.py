"""hdhkits.runner.execute: one kit's notebooks through papermill, on a toy kit whose notebooks the test writes."""

import json

import pytest
from hdhkits.runner.execute import format_summary, run_kit

from .runner_support import interrupt_cli_run, notebook, toy_kits, write_notebook, write_slow_kit
from .test_datasource import Toy


@pytest.fixture
def kits(tmp_path):
    return toy_kits(tmp_path)


@pytest.mark.slow
def test_runs_in_order_passes_parameters_and_reads_scores(kits, tmp_path):
    write_notebook(
        kits,
        "01_exploration.ipynb",
        notebook(
            "import json, pathlib\n"
            "out = pathlib.Path(output_dir); out.mkdir(parents=True, exist_ok=True)\n"
            "(out / 'params.json').write_text(json.dumps([data_dir, seed, quick, str(pathlib.Path.cwd())]))"
        ),
    )
    write_notebook(
        kits,
        "02_baseline.ipynb",
        notebook(
            "from hdhkits.notebook import record_score\nrecord_score(output_dir, '02_baseline', 'CV score', 0.8123)"
        ),
    )
    write_notebook(kits, "03_submission.ipynb", notebook("print('done')"))
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
    write_notebook(kits, "01_exploration.ipynb", notebook("x = 1", "raise ValueError('broken on purpose')"))
    write_notebook(kits, "02_baseline.ipynb", notebook("print(1)"))
    write_notebook(kits, "03_submission.ipynb", notebook("print(1)"))
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


def test_failure_details_keep_the_cell_source_and_traceback(kits, tmp_path):
    write_notebook(kits, "01_exploration.ipynb", notebook("def f():\n    raise KeyError('deep')\nf()"))
    run = run_kit(Toy(), tmp_path / "out", kits_dir=kits, notebooks=["01_exploration.ipynb"])[0]
    assert run.details["source"].startswith("def f():")
    text = "\n".join(run.details["traceback"])
    assert "KeyError: 'deep'" in text and "\x1b[" not in text


def test_an_executed_copy_appears_only_when_its_notebook_ends(kits, tmp_path):
    # papermill saves after every cell: the copy is written under a hidden name, renamed at the end
    write_notebook(
        kits,
        "01_exploration.ipynb",
        notebook(
            "import pathlib\n"
            "executed = pathlib.Path(output_dir) / 'executed'\n"
            "print(sorted(p.name for p in executed.iterdir()))"
        ),
    )
    run = run_kit(Toy(), tmp_path / "out", kits_dir=kits, notebooks=["01_exploration.ipynb"])[0]
    assert run.status == "ok"
    assert "['.01_exploration.partial.ipynb']" in run.executed.read_text()  # what the notebook saw
    assert sorted(p.name for p in run.executed.parent.iterdir()) == ["01_exploration.ipynb"]


@pytest.mark.slow
def test_ctrl_c_keeps_finished_notebooks_and_removes_the_partial_one(kits, tmp_path):
    write_slow_kit(kits, "annitia")  # the CLI wants a kit's name; the notebooks are the test's
    out = tmp_path / "out"
    code, err, alive = interrupt_cli_run(kits, out, "annitia", "--quick")
    assert code == 130, err
    assert err.strip() == (
        "interrupted; kept the notebooks that finished: annitia/01_exploration.ipynb (partial copies removed)"
    )
    assert sorted(p.name for p in (out / "annitia" / "executed").iterdir()) == ["01_exploration.ipynb"]
    assert alive == []  # runner's kernels shut down
