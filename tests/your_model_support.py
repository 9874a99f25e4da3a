"""The participant's loop, run as a participant would: edit "Your model" in 02, run 02 then 03.

Every kit's ``02_baseline`` has one cell tagged :data:`YOUR_MODEL_TAG`, where a
participant writes a model. :func:`run_with_your_model` copies a kit's ``02_baseline``
and ``03_submission`` into a temporary ``kits/<kit>/`` folder, replaces that cell's source
with the test's, executes ``02`` then ``03`` with papermill (quick mode, the session's
cached twin) and returns the output folder, where ``submission.csv`` is. The kits' tests
(``tests/<kit>/test_saved_yours.py``) then check that the submission is that model's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

#: The tag of the one "Your model" cell of every kit's ``02_baseline``.
YOUR_MODEL_TAG = "your-model"
KITS_DIR = Path(__file__).resolve().parents[1] / "kits"

__all__ = ["KITS_DIR", "YOUR_MODEL_TAG", "run_with_your_model", "your_model_cells"]


def your_model_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """Indices of the cells tagged :data:`YOUR_MODEL_TAG`."""
    return [i for i, c in enumerate(notebook.cells) if YOUR_MODEL_TAG in c.get("metadata", {}).get("tags", [])]


def _execute(source: Path, target: Path, parameters: dict) -> None:
    import papermill as pm

    pm.execute_notebook(
        str(source),
        str(target),
        parameters=parameters,
        cwd=str(source.parent),
        kernel_name="python3",
        progress_bar=False,
    )


def run_with_your_model(
    kit: str,
    your_cell: str,
    work: Path,
    baseline_parameters: dict | None = None,
    submission_parameters: dict | None = None,
    data_dir: Path | None = None,
) -> Path:
    """Write ``your_cell`` into the kit's "Your model" cell, run ``02`` then ``03``; the output folder.

    Parameters
    ----------
    kit : str
        The kit.
    your_cell : str
        The new source of the "Your model" cell.
    work : Path
        A scratch folder: the notebooks' copies, their executed versions and the output
        folder go there.
    baseline_parameters, submission_parameters : dict, optional
        Papermill parameters of ``02`` and ``03`` on top of ``output_dir`` and
        ``quick=True`` (``03`` gets ``model="yours"`` unless given another).
    data_dir : Path, optional
        A folder of official-format files for both notebooks (a participant's download,
        say; ``twin(kit, seed=1).data_dir`` passed as a folder has no truth beside it).

    Returns
    -------
    Path
        The output folder (``submission.csv``, the saved models, the choice).
    """
    folder = work / "kits" / kit
    folder.mkdir(parents=True)
    for name in ("02_baseline.ipynb", "03_submission.ipynb"):
        shutil.copy(KITS_DIR / kit / name, folder / name)
    notebook = nbformat.read(folder / "02_baseline.ipynb", as_version=4)
    (index,) = your_model_cells(notebook)
    notebook.cells[index].source = your_cell
    nbformat.write(notebook, folder / "02_baseline.ipynb")
    output_dir = work / "outputs"
    common = {"output_dir": str(output_dir), "quick": True}
    if data_dir is not None:
        common["data_dir"] = str(data_dir)
    _execute(folder / "02_baseline.ipynb", work / "02_executed.ipynb", {**common, **(baseline_parameters or {})})
    _execute(
        folder / "03_submission.ipynb",
        work / "03_executed.ipynb",
        {**common, "model": "yours", **(submission_parameters or {})},
    )
    return output_dir
