import numpy as np

from hdhkits.exercises import (CORRECT, NOT_ATTEMPTED, NOT_YET, YOUR_TURN, check_answer, has_solution,
                               solution_names, student_source)

CELL = """import numpy as np
ages = np.array([50.0, 60.0])
### BEGIN SOLUTION
fib4 = ages * 2 / np.sqrt(4.0)
low, high = fib4.min(), fib4.max()
### END SOLUTION
check_answer("FIB-4", fib4, expected=ages)
"""


def test_check_answer_says_where_the_learner_stands(capsys):
    assert check_answer("a", 1.0000001, expected=1.0)
    assert not check_answer("b", None, expected=1.0, hint="use the formula")
    assert not check_answer("c", 2.0, expected=1.0)
    assert not check_answer("d", np.ones(3), expected=np.ones(2))
    assert check_answer("e", "Yes", expected="yes")
    assert check_answer("f", [3, 1], test=lambda a: sorted(a) == [1, 3])
    assert not check_answer("g", "oops", test=lambda a: a.nope)  # a broken answer never raises
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"a: {CORRECT}"
    assert out[1] == f"b: {NOT_ATTEMPTED} (hint: use the formula)"
    assert out[2] == f"c: {NOT_YET}: got 2, expected 1"
    assert out[3].startswith(f"d: {NOT_YET}")
    assert out[6].startswith(f"g: {NOT_YET}: the check could not use this answer (AttributeError")


def test_student_source_replaces_solutions_with_a_fallback():
    assert has_solution(CELL)
    student = student_source(CELL)
    assert "BEGIN SOLUTION" not in student and "* 2" not in student
    assert f"{YOUR_TURN}: replace the None below with your answer\nfib4 = None\nlow = None\nhigh = None\n" in student
    assert student.endswith('check_answer("FIB-4", fib4, expected=ages)\n')
    assert not has_solution(student) and student_source(student) == student


def test_student_notebook_cell_runs_and_reports_not_attempted(capsys):
    scope = {"check_answer": check_answer}
    exec(student_source(CELL), scope)
    assert capsys.readouterr().out.strip() == f"FIB-4: {NOT_ATTEMPTED}"
    exec(CELL, scope)
    assert capsys.readouterr().out.strip() == f"FIB-4: {CORRECT}"


def test_indented_blocks_and_functions():
    cell = "if True:\n    ### BEGIN SOLUTION\n    x = 1\n    ### END SOLUTION\n    print(x)\n"
    student = student_source(cell)
    assert "    x = None\n    print(x)" in student
    exec(student, {})
    assert solution_names("def giou(a, b):\n    return 1\nw: int = 3\nw += 1\n") == ["giou", "w"]
    assert "pass" in student_source("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION\n")


def test_the_verdict_is_a_bool_that_displays_nothing():
    from IPython.core.interactiveshell import InteractiveShell

    from hdhkits.exercises import Verdict

    assert Verdict(True) and not Verdict(False) and Verdict(True) == True  # noqa: E712
    shell = InteractiveShell.instance()
    shown = []
    shell.displayhook.write_format_data = lambda data, md=None: shown.append(data)
    shell.run_cell("from hdhkits.exercises import check_answer\ncheck_answer('x', 1, expected=1)",
                   store_history=False)  # as nbval runs cells: ';' could not hide a plain True here
    assert shown == []
