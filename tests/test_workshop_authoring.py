"""The student version of a notebook's cells and the answer leaks it must not have."""

import re
from pathlib import Path

import nbformat
import pytest
from hdhkits.problem import KITS, NOTEBOOKS, get_problem
from hdhkits.workshop.authoring import YOUR_TURN, answer_leaks, has_solution, solution_names, student_source

KITS_DIR = Path(__file__).resolve().parents[1] / "kits"

CELL = """import numpy as np
ages = np.array([50.0, 60.0])
### BEGIN SOLUTION
doubled = ages * 2
low, high = doubled.min(), doubled.max()
### END SOLUTION
check_answer("test 1", doubled, ages)
"""


def test_student_source_replaces_solutions_with_a_fallback():
    assert has_solution(CELL)
    student = student_source(CELL)
    assert "BEGIN SOLUTION" not in student and "* 2" not in student
    assert f"{YOUR_TURN}: replace the None below with your answer\ndoubled = None\nlow = None\nhigh = None\n" in student
    assert student.endswith('check_answer("test 1", doubled, ages)\n')
    assert not has_solution(student) and student_source(student) == student


def test_indented_blocks_and_functions():
    cell = "if True:\n    ### BEGIN SOLUTION\n    x = 1\n    ### END SOLUTION\n    print(x)\n"
    student = student_source(cell)
    assert "    x = None\n    print(x)" in student
    exec(student, {})
    assert solution_names("def giou(a, b):\n    return 1\nw: int = 3\nw += 1\n") == ["giou", "w"]
    assert "pass" in student_source("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION\n")


def _cell(check: str) -> str:
    return f"### BEGIN SOLUTION\nanswer = 6 * 7\n### END SOLUTION\n{check}\n"


@pytest.mark.parametrize(
    "check",
    [
        'check_answer("annitia 1", answer, visit)',
        'check_answer("annitia 2", answer, five["event"], five.time, -1, hint="a hint may say anything")',
        'check_answer("cytologia 2", answer, a, b)',
    ],
)
def test_answer_leaks_accepts_a_key_and_plain_data(check):
    assert answer_leaks(["from hdhkits import annitia as kit", _cell(check)], ("fib4", "harrell_c")) == []


@pytest.mark.parametrize(
    "check, why",
    [
        ('check_answer("annitia 1", answer, expected=kit.fib4(a, b, c, d))', "expected= in plain sight"),
        ('check_answer("annitia 3", answer, test=km_table_check(times, events))', "test= in plain sight"),
        ('check_answer("annitia 1", answer, int((per_image >= 2).sum()))', "computes 'int((per_image >= 2).sum())'"),
        ('check_answer("annitia 1", answer, ages * 2)', "in plain sight (BinOp)"),
        ('check_answer("constant-probability log-loss", answer, train)', "the key must be a literal"),
        ("check_answer(key, answer, train)", "the key must be a literal"),
    ],
)
def test_answer_leaks_finds_answers_in_plain_sight(check, why):
    found = answer_leaks([_cell(check)])
    assert len(found) == 1 and why in found[0], found


def test_answer_leaks_flags_any_call_of_a_function_an_exercise_teaches():
    # a planted leak: the cell above the exercise computes what the exercise asks for
    cells = [
        "from hdhkits import cardihack as kit",
        "print(kit.weighted_kappa(small_true, small_pred))",
        "print(kit.metric.weighted_kappa(a, b)[0], weighted_kappa(a, b))",
        _cell('check_answer("cardihack 3", answer, small_true, small_pred)'),
    ]
    found = answer_leaks(cells, ("weighted_kappa",))
    assert len(found) == 3 and all("which an exercise of this notebook teaches" in f for f in found), found
    assert found[0].startswith("cell 1 calls kit.weighted_kappa()")
    assert answer_leaks(cells) == []  # nothing taught: the calls are fine
    solution = _cell('check_answer("cardihack 3", answer, t, p)').replace(
        "answer = 6 * 7", "answer = weighted_kappa(t, p)"
    )
    assert answer_leaks([solution], ("weighted_kappa",)) == []  # inside the solution: the student version drops it


def _student_cells(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("kit, name", [(k, n) for k in KITS for n in NOTEBOOKS], ids=lambda v: str(v))
def test_no_student_notebook_shows_or_lets_a_learner_copy_an_answer(kit, name):
    """The student version of every notebook: checks by key, plain data, no call of what an exercise teaches."""
    nb = nbformat.read(KITS_DIR / kit / name, as_version=4)
    teaching = get_problem(kit).teaching()
    teaches = tuple(t for ex in teaching.exercises if ex.notebook == name for t in ex.teaches)
    assert answer_leaks(_student_cells(nb), teaches) == []
    keys = {ex.key for ex in teaching.exercises if ex.notebook == name}
    checked = {
        key
        for source in _student_cells(nb)
        for key in keys
        if re.search(rf'check_answer\(\s*"{re.escape(key)}"', source)
    }
    assert checked == keys, f"exercises of {name} without their check: {keys - checked}"
