"""The CYTOLOGIA exercises: TEACHING matches the notebooks, solutions pass, student cells run."""

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest
from hdhkits import exercises
from hdhkits.cytologia.teaching import TEACHING
from hdhkits.exercises import CORRECT, NOT_ATTEMPTED, check_answer, find_exercise
from hdhkits.workshop.authoring import BEGIN, YOUR_TURN, has_solution, student_source

KIT = Path(__file__).resolve().parents[2] / "kits" / "cytologia"
NOTEBOOKS = sorted(p.name for p in KIT.glob("0*.ipynb"))


def _cells(notebook: str) -> list[dict]:
    return json.loads((KIT / notebook).read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _keys(source: str) -> list[str]:
    """The keys of the check_answer calls of a cell (first argument, a string literal)."""
    return [
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "check_answer"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def _exercise_cells() -> list[tuple[str, int, dict]]:
    return [
        (nb, i, cell)
        for nb in NOTEBOOKS
        for i, cell in enumerate(_cells(nb))
        if cell["cell_type"] == "code" and has_solution(_source(cell))
    ]


def test_every_exercise_is_in_its_notebook_and_the_other_way_round():
    listed = {(e.notebook, e.key) for e in TEACHING.exercises}
    found = {(nb, key) for nb, _, cell in _exercise_cells() for key in _keys(_source(cell))}
    assert listed == found
    # numbered in notebook order, each with what it teaches and a callable that computes the answer
    assert [e.key for e in TEACHING.exercises] == [f"cytologia {n}" for n in range(1, len(TEACHING.exercises) + 1)]
    assert all(e.teaches and e.expected is not None for e in TEACHING.exercises)
    assert 3 <= len(listed) <= 5 and {nb for nb, _ in listed} == set(NOTEBOOKS)
    assert set(TEACHING.quick_seconds) == set(NOTEBOOKS) and all(s > 0 for s in TEACHING.quick_seconds.values())
    assert 4 <= len(TEACHING.goals) <= 6 and TEACHING.traps and TEACHING.slow_machine


def test_each_exercise_is_announced_by_a_numbered_markdown_cell():
    number = 0
    for nb in NOTEBOOKS:
        cells = _cells(nb)
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code" and has_solution(_source(cell)):
                number += 1
                exercise = find_exercise(_keys(_source(cell))[0])
                assert exercise.key == f"cytologia {number}"
                heading = _source(cells[i - 1]).splitlines()[0]
                assert heading == f"### Exercise {number}: {exercise.title}", (nb, i)


@pytest.mark.parametrize("nb, index, cell", _exercise_cells(), ids=lambda v: v if isinstance(v, str) else None)
def test_committed_solution_prints_correct(nb, index, cell):
    lines = [
        line
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
        for line in "".join(out["text"]).splitlines()
        if line.split(": ")[0] in [find_exercise(key).title for key in _keys(_source(cell))]
    ]
    assert lines and all(line.endswith(CORRECT) for line in lines), lines


def test_later_cells_never_use_what_an_exercise_assigns():
    for nb in NOTEBOOKS:
        cells = _cells(nb)
        for i, cell in enumerate(cells):
            if cell["cell_type"] != "code" or not has_solution(_source(cell)):
                continue
            block = _source(cell).split(BEGIN, 1)[1].split("### END SOLUTION", 1)[0]
            assigned = {
                t.id
                for node in ast.parse(block).body
                if isinstance(node, ast.Assign)
                for t in node.targets
                if isinstance(t, ast.Name)
            }
            for later in cells[i + 1 :]:
                if later["cell_type"] == "code":
                    code = "\n".join(
                        line for line in _source(later).splitlines() if not line.lstrip().startswith(("%", "!"))
                    )  # IPython magics
                    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
                    assert not assigned & used, (nb, i, assigned & used)


@pytest.mark.parametrize("nb, index, cell", _exercise_cells(), ids=lambda v: v if isinstance(v, str) else None)
def test_student_cell_runs_and_says_not_attempted(nb, index, cell, capsys, monkeypatch):
    student = student_source(_source(cell))
    assert YOUR_TURN in student and "BEGIN SOLUTION" not in student
    # stand-ins are no data to compute an expected value from: the check of the real key computes none here
    # (the workshop pack's test runs the student notebooks on real data)
    real = exercises.find_exercise
    monkeypatch.setattr(
        exercises, "find_exercise", lambda key: dataclasses.replace(real(key), expected=lambda *a: None)
    )
    # the names the cell reads besides the solution's, as harmless stand-ins: the cell must run with them
    scope = {"check_answer": check_answer, "__builtins__": __builtins__}
    tree = ast.parse(student)
    stand_in = _StandIn()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id not in scope
            and not hasattr(__builtins__, node.id)
            and node.id not in (__builtins__ if isinstance(__builtins__, dict) else {})
        ):
            scope[node.id] = stand_in
    exec(compile(student, f"{nb}[{index}]", "exec"), scope)
    out = capsys.readouterr().out
    assert NOT_ATTEMPTED in out


class _StandIn:
    """Anything a cell reads: indexing, calls and arithmetic give stand-ins again."""

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __ge__(self, other):
        return self

    def __int__(self):
        return 0

    def __float__(self):
        return 0.0

    def __format__(self, spec):
        return "stand-in"


def _outputs(notebook: str) -> str:
    return "".join(
        "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
        for cell in _cells(notebook)
        if cell["cell_type"] == "code"
        for out in cell.get("outputs", [])
    )


def test_what_the_traps_quote_is_in_the_committed_outputs():
    """A trap that quotes a notebook's line ('...') quotes the committed run (default settings)."""
    quoted = [
        (nb, text)
        for trap in TEACHING.traps
        for nb in NOTEBOOKS
        if nb.removesuffix(".ipynb") in trap
        for text in re.findall(r"'([^']+)'", trap)
    ]
    assert quoted, "no trap quotes a notebook"
    for nb, text in quoted:
        assert text in _outputs(nb), (nb, text)


# -- the exercises' hidden helpers -----------------------------------------------------------


def test_images_with_cells_counts_images_by_their_boxes():
    import pandas as pd
    from hdhkits.cytologia.teaching import images_with_cells

    boxes = pd.DataFrame({"NAME": ["a", "a", "b", "c", "c", "c"]})
    assert images_with_cells(boxes) == 2 and images_with_cells(boxes, at_least=3) == 1
    assert images_with_cells(boxes, at_least=1) == 3


def test_inverted_box_kind_is_what_the_validator_says(cyto_source):
    import pandas as pd
    from hdhkits.cytologia import PROBLEM
    from hdhkits.cytologia.teaching import inverted_box_kind

    truth = PROBLEM.read_truth(cyto_source.truth_dir)
    submission = truth[["trustii_id", "NAME", "x1", "y1", "x2", "y2", "class"]]
    before = submission.copy()
    assert inverted_box_kind(submission, cyto_source.data_dir) == "inverted_box"
    pd.testing.assert_frame_equal(submission, before)  # the submission itself is left valid


def test_the_giou_and_macro_f1_of_the_exercises_are_the_metrics():
    from hdhkits.cytologia.teaching import giou_of_pair, macro_f1_of

    assert giou_of_pair([0, 0, 10, 10], [0, 0, 10, 10]) == 1.0
    assert giou_of_pair([0, 0, 10, 10], [0, 0, 10, 5]) == 0.5  # half the box, and the hull is the box
    assert giou_of_pair([0, 0, 10, 10], [20, 0, 30, 10]) == -1 / 3  # apart: IoU 0, a third of the hull empty
    assert macro_f1_of(["PNN", "PNN", "LY", "LY", "EO"], ["PNN", "LY", "LY", "LY", "PNN"]) == (0.5 + 0.8 + 0) / 3
