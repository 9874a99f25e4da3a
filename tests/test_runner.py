"""The papermill runner, on a toy kit whose notebooks the test writes."""
import json
from pathlib import Path

import nbformat
import pytest

from hdhkits.runner import format_summary, kits_root, run_kit

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
    write(kits, "01_exploration.ipynb", _notebook(
        "import json, pathlib\n"
        "out = pathlib.Path(output_dir); out.mkdir(parents=True, exist_ok=True)\n"
        "(out / 'params.json').write_text(json.dumps([data_dir, seed, quick, str(pathlib.Path.cwd())]))"))
    write(kits, "02_baseline.ipynb", _notebook(
        "from hdhkits.notebook import record_score\nrecord_score(output_dir, '02_baseline', 'CV score', 0.8123)"))
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
