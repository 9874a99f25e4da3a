"""Every kit notebook follows the template (CONTRIBUTING.md) and the parameter contract."""

from pathlib import Path

import nbformat
import pytest
from hdhkits.problem import KITS, NOTEBOOKS
from papermill.translators import PythonTranslator

KITS_DIR = Path(__file__).resolve().parents[1] / "kits"
CONTRACT = ["data_dir", "output_dir", "seed", "quick"]
PATHS = [KITS_DIR / kit / nb for kit in KITS for nb in NOTEBOOKS]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_template(path):
    nb = nbformat.read(path, as_version=4)
    kit = path.parent.name
    title = nb.cells[0]
    assert title.cell_type == "markdown" and title.source.startswith("# ")
    assert "colab.research.google.com/github/" in title.source and f"kits/{kit}/{path.name}" in title.source
    setup = nb.cells[1]
    assert setup.cell_type == "code" and 'if "google.colab" in sys.modules' in setup.source
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert nb.cells.index(params[0]) == 3, "setup, imports, then parameters"
    names = [p.name for p in PythonTranslator.inspect(params[0])]
    assert names[:4] == CONTRACT
    assigned = [
        line.split("=")[0].strip()
        for line in params[0].source.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert names == assigned, "papermill must parse every parameter line (no '=' in comments)"
    assert any(c.cell_type == "markdown" and c.source.startswith("## ") for c in nb.cells)
    assert any("# NBVAL_CHECK_OUTPUT" in c.source for c in nb.cells if c.cell_type == "code")
    assert path.stat().st_size < 1_000_000, "a notebook stays under 1 MB"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    text = path.read_text()
    for prefix in ("/tmp/", "/root/", "/home/", "/work/", "site-packages"):
        assert prefix not in text, f"machine path ({prefix}) in the notebook's outputs or metadata"


def test_submission_notebook_writes_submission_csv():
    for kit in KITS:
        source = (KITS_DIR / kit / "03_submission.ipynb").read_text()
        assert "submission.csv" in source and "write_submission" in source
