"""Every kit notebook follows the template (CONTRIBUTING.md) and the parameter contract."""

import re
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


#: The most names a notebook cell imports from the package (a kit as one module counts one).
MAX_IMPORTED_NAMES = 12
_FROM_IMPORT = re.compile(r"from hdhkits[\w.]* import \(([^)]*)\)|from hdhkits[\w.]* import ([^\n(]+)")


def imported_names(source: str) -> int:
    """How many names a cell's source imports from the package (``from hdhkits... import ...``)."""
    return sum(
        len([name for name in re.split(r"[,\s]+", m.group(1) or m.group(2)) if name and name != "as"])
        - len(re.findall(r"\bas\b", m.group(1) or m.group(2)))
        for m in _FROM_IMPORT.finditer(source)
    )


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_cell_imports_more_than_a_dozen_names(path):
    nb = nbformat.read(path, as_version=4)
    wide = {
        i: n
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (n := imported_names(c.source)) > MAX_IMPORTED_NAMES
    }
    assert not wide, f"cells importing more than {MAX_IMPORTED_NAMES} names (import the kit as one module): {wide}"


def test_the_import_count_can_fail():
    assert imported_names("from hdhkits import annitia as kit\nfrom hdhkits.notebook import a, b") == 3
    assert imported_names("from hdhkits.annitia import (\n    a, b,\n    c,\n)") == 3


@pytest.mark.parametrize("kit", KITS)
def test_the_loop_is_the_same_in_every_kit(kit):
    baseline = nbformat.read(KITS_DIR / kit / "02_baseline.ipynb", as_version=4)
    tagged = [i for i, c in enumerate(baseline.cells) if "your-model" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "02_baseline has exactly one cell tagged 'your-model'"
    cell = baseline.cells[tagged[0]]
    assert cell.cell_type == "code" and cell.source.startswith("# Your model")
    headings = [c.source.splitlines()[0] for c in baseline.cells[: tagged[0]] if c.cell_type == "markdown"]
    assert headings and headings[-1] == "## Your model", "the cell sits in the section '## Your model'"
    later = "\n".join(c.source for c in baseline.cells[tagged[0] + 1 :] if c.cell_type == "code")
    for verb in ("kit.save_model(", "kit.save_choice(", "kit.paired_difference("):
        assert verb in later, f"02_baseline calls {verb}...) after the 'Your model' cell"
    submission = nbformat.read(KITS_DIR / kit / "03_submission.ipynb", as_version=4)
    params = next(c for c in submission.cells if "parameters" in c.metadata.get("tags", []))
    assert {p.name: p.default for p in PythonTranslator.inspect(params)}.get("model") == "None"
    code = "\n".join(c.source for c in submission.cells if c.cell_type == "code")
    for verb in ("kit.chosen_model(", "kit.load_or_train(", "kit.make_submission(", "show_submission("):
        assert verb in code, f"03_submission calls {verb}...)"
