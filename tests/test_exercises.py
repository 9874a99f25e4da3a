import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hdhkits.exercises import (
    CORRECT,
    EXPECTED_LOG,
    NOT_ATTEMPTED,
    NOT_YET,
    YOUR_TURN,
    Exercise,
    answer_leaks,
    check_answer,
    find_exercise,
    has_solution,
    register,
    solution_names,
    student_source,
)
from hdhkits.problem import KITS, NOTEBOOKS, get_problem

KITS_DIR = Path(__file__).resolve().parents[1] / "kits"

# Exercises a test declares, as a teacher's own notebook would (a kit's live in its teaching module).
register(Exercise("x.ipynb", "double the ages", 5, key="test 1", expected=lambda ages: ages * 2))
register(Exercise("x.ipynb", "a word", 5, key="test 2", expected=lambda: "yes"))
register(Exercise("x.ipynb", "two numbers, any order", 5, key="test 3", test=lambda: lambda a: sorted(a) == [1, 3]))
register(Exercise("x.ipynb", "a number", 5, key="test 4", expected=lambda: 1.0))

CELL = """import numpy as np
ages = np.array([50.0, 60.0])
### BEGIN SOLUTION
doubled = ages * 2
low, high = doubled.min(), doubled.max()
### END SOLUTION
check_answer("test 1", doubled, ages)
"""


def test_check_answer_computes_the_expected_value_from_the_key_and_the_data(capsys):
    ages = np.array([50.0, 60.0])
    assert check_answer("test 1", ages * 2 + 1e-9, ages)
    assert not check_answer("test 1", None, ages, hint="multiply")
    assert not check_answer("test 1", np.array([1.0, 2.0]), ages)
    assert not check_answer("test 1", np.ones(3), ages)
    assert check_answer("test 2", "Yes")
    assert check_answer("test 3", [3, 1])
    assert not check_answer("test 3", "oops")  # a broken answer never raises
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"double the ages: {CORRECT}"
    assert out[1] == f"double the ages: {NOT_ATTEMPTED} (hint: multiply)"
    assert out[2] == f"double the ages: {NOT_YET}: got array([1., 2.])"  # never the expected value
    assert out[3] == f"double the ages: {NOT_YET}: got array([1., 1., 1.]) (shape (3,), a shape (2,) is expected)"
    assert out[6] == f"two numbers, any order: {NOT_YET}"


def test_a_key_names_a_registered_exercise_or_one_of_a_kits_teaching():
    assert find_exercise("test 2").title == "a word"
    for kit in KITS:
        teaching = get_problem(kit).teaching()
        for exercise in teaching.exercises:
            assert find_exercise(exercise.key) is exercise
            assert exercise.key.startswith(f"{kit} ") and (exercise.expected is None) != (exercise.test is None)
    with pytest.raises(KeyError, match="no exercise has the key 'cardihack 99'"):
        find_exercise("cardihack 99")
    with pytest.raises(KeyError, match="no exercise has the key 'nokit 1'.*none"):
        check_answer("nokit 1", 1)
    with pytest.raises(ValueError, match="write it as '<kit> <number>'"):
        register(Exercise("x.ipynb", "t", 5, key="constant log-loss", expected=lambda: 1))
    with pytest.raises(ValueError, match="exactly one of expected and test"):
        register(Exercise("x.ipynb", "t", 5, key="test 9"))


def test_student_source_replaces_solutions_with_a_fallback():
    assert has_solution(CELL)
    student = student_source(CELL)
    assert "BEGIN SOLUTION" not in student and "* 2" not in student
    assert f"{YOUR_TURN}: replace the None below with your answer\ndoubled = None\nlow = None\nhigh = None\n" in student
    assert student.endswith('check_answer("test 1", doubled, ages)\n')
    assert not has_solution(student) and student_source(student) == student


def test_student_notebook_cell_runs_and_reports_not_attempted(capsys):
    scope = {"check_answer": check_answer}
    exec(student_source(CELL), scope)
    assert capsys.readouterr().out.strip() == f"double the ages: {NOT_ATTEMPTED}"
    exec(CELL, scope)
    assert capsys.readouterr().out.strip() == f"double the ages: {CORRECT}"


def test_indented_blocks_and_functions():
    cell = "if True:\n    ### BEGIN SOLUTION\n    x = 1\n    ### END SOLUTION\n    print(x)\n"
    student = student_source(cell)
    assert "    x = None\n    print(x)" in student
    exec(student, {})
    assert solution_names("def giou(a, b):\n    return 1\nw: int = 3\nw += 1\n") == ["giou", "w"]
    assert "pass" in student_source("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION\n")


def test_the_verdict_is_a_bool_that_displays_nothing():
    from hdhkits.exercises import Verdict
    from IPython.core.interactiveshell import InteractiveShell

    assert Verdict(True) and not Verdict(False) and Verdict(True)
    shell = InteractiveShell.instance()
    shown = []
    shell.displayhook.write_format_data = lambda data, md=None: shown.append(data)
    shell.run_cell(
        "from hdhkits.exercises import check_answer\ncheck_answer('test 4', 1.0)", store_history=False
    )  # as nbval runs cells: ';' could not hide a plain True here
    assert shown == []


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


def test_every_exercise_says_what_it_teaches():
    for kit in KITS:
        for exercise in get_problem(kit).teaching().exercises:
            assert exercise.teaches, f"{exercise.key} ({exercise.title}): name the functions it teaches"


def test_expected_values_are_logged_for_the_tests(tmp_path, monkeypatch):
    log = tmp_path / "expected.jsonl"
    monkeypatch.setenv(EXPECTED_LOG, str(log))
    check_answer("test 4", None)
    check_answer("test 2", 1)
    check_answer("test 3", 1)
    check_answer("test 1", 1, np.ones(3))
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert rows == [
        {"key": "test 4", "name": "a number", "expected": 1.0},
        {"key": "test 2", "name": "a word", "expected": "yes"},
        {"key": "test 3", "name": "two numbers, any order", "expected": None},
        {"key": "test 1", "name": "double the ages", "expected": None},
    ]
    monkeypatch.delenv(EXPECTED_LOG)
    check_answer("test 4", 1)
    assert len(log.read_text().splitlines()) == 4
