"""01_exploration on a folder with a layout error stops in its first data cell, with the
sentences ``hdhkits check`` prints and no traceback from inside pandas or PIL.

(On a folder holding only plausibility warnings the three notebooks run to the end and
show them: ``tests/test_quirks.py``.)
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest
from hdhkits.findings import errors
from hdhkits.problem import KITS, NOTEBOOKS, get_problem
from hdhkits.quirks import copy_data

ROOT = Path(__file__).resolve().parents[1]


def _cut_train(folder: Path) -> None:
    text = (folder / "train.csv").read_text()
    (folder / "train.csv").write_text(text[: len(text) // 2])  # a download cut in the middle of a line


@pytest.mark.parametrize("kit", KITS)
def test_exploration_stops_in_the_first_data_cell_with_the_check_sentences(kit, twin, tmp_path):
    folder = copy_data(twin(kit, "quick").data_dir, tmp_path / "data")
    _cut_train(folder)
    sentences = [f.message for f in errors(get_problem(kit).check_data(folder))]
    assert sentences, "the cut file must be an error of the check"
    source = ROOT / "kits" / kit / NOTEBOOKS[0]
    out = tmp_path / "executed.ipynb"
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(
            str(source),
            str(out),
            parameters={"data_dir": str(folder), "quick": True},
            cwd=str(source.parent),
            progress_bar=False,
            kernel_name="python3",
        )
    exc = info.value
    assert exc.ename == "DataError"
    for sentence in sentences:
        assert sentence in exc.evalue
    assert len(exc.traceback) == 1 and exc.traceback[0].startswith("DataError: "), exc.traceback  # no frames
    shown = "\n".join(exc.traceback)
    assert "site-packages" not in shown and "pandas" not in shown and "PIL" not in shown, shown
    nb = nbformat.read(out, as_version=4)
    failed = next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))
    )
    first_data = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "resolve_data(" in c.source)
    assert failed == first_data, f"stopped in cell {failed}, not the first data cell {first_data}"
