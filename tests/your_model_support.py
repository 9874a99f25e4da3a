"""The "Your model" cell of every kit's ``02_baseline``, where a participant writes a model.

``tests/test_participant_session.py`` writes a model into that cell of a workshop pack's
student ``02_baseline``, runs ``02`` then ``03`` (``model="yours"``) and checks the
submission is that model's; ``tests/test_notebook_template.py`` checks every kit has the cell.
"""

from __future__ import annotations

import nbformat

#: The tag of the one "Your model" cell of every kit's ``02_baseline``.
YOUR_MODEL_TAG = "your-model"

__all__ = ["YOUR_MODEL_TAG", "your_model_cells"]


def your_model_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """Indices of the cells tagged :data:`YOUR_MODEL_TAG`."""
    return [i for i, c in enumerate(notebook.cells) if YOUR_MODEL_TAG in c.get("metadata", {}).get("tags", [])]
