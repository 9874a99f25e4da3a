import json

import numpy as np
import pytest
from hdhkits.exercises import (
    CORRECT,
    EXPECTED_LOG,
    NOT_ATTEMPTED,
    NOT_YET,
    Exercise,
    check_answer,
    find_exercise,
    register,
)
from hdhkits.problem import KITS, get_problem
from hdhkits.workshop.authoring import student_source

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


def test_student_notebook_cell_runs_and_reports_not_attempted(capsys):
    scope = {"check_answer": check_answer}
    exec(student_source(CELL), scope)
    assert capsys.readouterr().out.strip() == f"double the ages: {NOT_ATTEMPTED}"
    exec(CELL, scope)
    assert capsys.readouterr().out.strip() == f"double the ages: {CORRECT}"


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
