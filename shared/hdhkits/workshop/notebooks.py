"""The notebooks of a workshop pack: the student and solution versions, their parameters.

A student version has every solution block replaced (:func:`student_notebook`); both
versions have their outputs cleared and no Colab badge; :func:`set_parameters` points
their parameters cell at the pack's data. :func:`exercise_problems` and
:func:`answer_problems` say what the facilitator should know about a kit's exercises.
"""

from __future__ import annotations

import copy
import io
import re
import tokenize
from collections.abc import Mapping
from typing import Any

from ..exercises import Teaching
from ..problem import NOTEBOOKS
from .authoring import BEGIN, END, answer_leaks, has_solution, student_source

__all__ = ["answer_problems", "exercise_problems", "set_parameters", "solution_notebook", "student_notebook"]

_BADGE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)[ \t]*\n?", re.MULTILINE)
_VOLATILE_CELL_KEYS = ("execution", "papermill", "collapsed", "scrolled")


def _clean(nb: Any) -> Any:
    """A copy with outputs cleared, volatile metadata and the Colab badge removed."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            # The badge opens the repository's full notebook online, not this pack's copy:
            # a learner would land on the solutions with other data.
            cell.source = _BADGE.sub("", cell.source).rstrip("\n")
    return nb


def solution_notebook(nb: Any) -> Any:
    """The notebook as it is, for the pack: outputs cleared, no Colab badge.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A kit notebook (left unchanged).

    Returns
    -------
    nbformat.NotebookNode
    """
    return _clean(nb)


def student_notebook(nb: Any) -> Any:
    """The student version of a notebook: every solution block replaced, outputs cleared.

    Each code cell goes through :func:`hdhkits.workshop.authoring.student_source` (the block
    becomes ``# your turn`` and a fallback assigning ``None``, so the check prints "not
    attempted yet" and the notebook still runs end to end).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A kit notebook (left unchanged).

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        A cell keeps a solution marker after the replacement (a BEGIN without its END,
        or the reverse): the answer would leak into the student version.
    """
    nb = _clean(nb)
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and has_solution(cell.source):
            cell.source = student_source(cell.source)
        if BEGIN in cell.source or END in cell.source:
            raise ValueError(
                f"cell {index} holds a solution marker without its pair ('{BEGIN}' ... '{END}', "
                "each on its own line); fix the markers so the answer can be removed"
            )
    return nb


def _comment_at(line: str) -> int | None:
    """Column where a line's comment starts (a ``#`` inside a string is no comment)."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(line + "\n").readline):
            if token.type == tokenize.COMMENT:
                return token.start[1]
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def set_parameters(nb: Any, values: Mapping[str, str]) -> Any:
    """Rewrite assignments of the ``parameters``-tagged cell, in place, keeping their comments.

    Papermill's way, but in the cell itself rather than in an injected one: the notebook
    then runs with these values when opened by hand.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook (changed in place and returned).
    values : mapping of str to str
        Parameter name to the Python source of its new value (``'"../../data/annitia"'``).

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        No cell is tagged ``parameters``, or it has no top-level assignment of a name.
    """
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        raise ValueError("no cell tagged 'parameters'; tag the cell holding data_dir, output_dir, seed and quick")
    lines = cell.source.split("\n")
    for name, value in values.items():
        pattern = re.compile(rf"^{re.escape(name)}\s*(:[^=]*)?=")
        hits = [i for i, line in enumerate(lines) if pattern.match(line)]
        if not hits:
            raise ValueError(
                f"the parameters cell has no '{name} = ...' line; add it (CONTRIBUTING.md lists "
                "the parameters every notebook takes)"
            )
        for i in hits:
            at = _comment_at(lines[i])
            comment = "  " + lines[i][at:] if at is not None else ""
            lines[i] = f"{name} = {value}{comment}"
    cell.source = "\n".join(lines)
    return nb


def exercise_problems(kit: str, notebooks: Mapping[str, Any], teaching: Teaching) -> list[str]:
    """Exercises of a kit's teaching declaration whose check is not found in their notebook.

    Parameters
    ----------
    kit : str
        Kit name (it starts each sentence).
    notebooks : mapping of str to nbformat.NotebookNode
        The kit's notebooks by file name.
    teaching : Teaching
        The kit's teaching declaration.

    Returns
    -------
    list of str
        One sentence per exercise that names no notebook of the kit, or whose
        ``check_answer("<key>", ...)`` is not in its notebook.
    """
    problems = []
    for ex in teaching.exercises:
        nb = notebooks.get(ex.notebook)
        if nb is None:
            problems.append(
                f"{kit}: exercise '{ex.title}' names {ex.notebook}, not a notebook of the kit ({', '.join(NOTEBOOKS)})"
            )
            continue
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        if not re.search(rf"check_answer\(\s*[\"']{re.escape(ex.key)}[\"']", text):
            problems.append(
                f"{kit}: exercise '{ex.title}' has no check_answer(\"{ex.key}\", ...) in "
                f"{ex.notebook}; the schedule lists it anyway"
            )
    return problems


def answer_problems(kit: str, notebooks: Mapping[str, Any], teaching: Teaching) -> list[str]:
    """Where a learner would read, or copy, an exercise's answer in the student version.

    Parameters
    ----------
    kit : str
        Kit name (it starts each sentence).
    notebooks : mapping of str to nbformat.NotebookNode
        The kit's notebooks by file name.
    teaching : Teaching
        The kit's teaching declaration: what each notebook's exercises teach.

    Returns
    -------
    list of str
        One sentence per leak :func:`hdhkits.workshop.authoring.answer_leaks` finds.
    """
    return [
        f"{kit}/{name}: {leak}; the student version shows it (name the exercise by its key and pass its data: "
        "the check computes the expected value)"
        for name, nb in notebooks.items()
        for leak in answer_leaks(
            [c.source for c in nb.cells if c.cell_type == "code"],
            tuple(t for ex in teaching.exercises if ex.notebook == name for t in ex.teaches),
        )
    ]
