"""Every kit notebook follows the template (CONTRIBUTING.md) and the parameter contract."""

import re
from pathlib import Path

import nbformat
import pytest
from hdhkits.problem import KITS, NOTEBOOKS
from papermill.translators import PythonTranslator

from .your_model_support import YOUR_MODEL_TAG, your_model_cells

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
    tagged = your_model_cells(baseline)
    assert len(tagged) == 1, f"02_baseline has exactly one cell tagged {YOUR_MODEL_TAG!r}"
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


#: The sections every kit's notebook has, in this order (a kit adds its own between them).
SKELETON = {
    "01_exploration.ipynb": ("## The files", "## What the files hold", "## The metric", "## Next"),
    "02_baseline.ipynb": ("## Your model", "## Comparison", "## Save the models and the choice", "## Next"),
    "03_submission.ipynb": ("## The model submitted", "## Predict, validate, write", "## Local score", "## Next"),
}
#: The most words a markdown cell holds: a participant reads it between two code cells.
MAX_MARKDOWN_WORDS = 220
#: Interval forms other than the one dialect ``0.620 [0.544, 0.721]``, and "95%" for "95 %".
OTHER_DIALECTS = re.compile(r"\d\.\d{3} ?(?:–|to) ?[+-]?\d\.\d{3}|\b95%")


def _headings(nb) -> list[str]:
    return [
        line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("## ")
    ]


def _outputs(nb) -> str:
    return "".join(
        o.get("text", "") + "".join(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_committed_outputs_are_a_participants_first_run(path):
    nb = nbformat.read(path, as_version=4)
    run = nb.metadata.get("hdhkits", {}).get("run")
    assert run is not None, "refresh the outputs with tools/refresh_notebooks.py (it records what they ran with)"
    assert {k: run[k] for k in ("data_dir", "seed", "quick")} == {"data_dir": None, "seed": 0, "quick": False}
    assert run["data"].startswith("synthetic twin (seed 0, size default)"), run["data"]
    assert "size quick" not in _outputs(nb), "an output of quick mode: refresh with the default settings"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_committed_outputs_hold_no_stderr_and_one_dialect(path):
    nb = nbformat.read(path, as_version=4)
    stderr = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" for o in c.outputs if o.get("name") == "stderr"
    ]
    assert not stderr, f"cells with stderr output (progress bars, warnings): {stderr}"
    text = _outputs(nb) + "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not OTHER_DIALECTS.findall(text), "write intervals as 0.620 [0.544, 0.721] and '95 %'"
    long = {
        i: n
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and (n := len(c.source.split())) > MAX_MARKDOWN_WORDS
    }
    assert not long, f"markdown cells over {MAX_MARKDOWN_WORDS} words (move detail to the README): {long}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_kit_tells_its_story_in_the_same_sections(path):
    headings = _headings(nbformat.read(path, as_version=4))
    expected = SKELETON[path.name]
    found = [h for h in headings if h in expected]
    assert found == list(expected), f"sections {expected} in this order; found {headings}"
    assert headings[-1] == "## Next"


def test_the_dialect_check_can_fail():
    assert OTHER_DIALECTS.findall("0.526–0.694, -0.017 to +0.091, 95% interval") == [
        "0.526–0.694",
        "0.017 to +0.091",
        "95%",
    ]
    assert not OTHER_DIALECTS.findall("0.620 [0.544, 0.721], a 95 % interval, from 0.11 to 0.36")
