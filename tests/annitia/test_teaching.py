"""The ANNITIA exercises and teaching notes: what TEACHING lists is what the notebooks hold."""

import ast
import re
from pathlib import Path

import nbformat
import pytest
from hdhkits.annitia.teaching import TEACHING
from hdhkits.exercises import CORRECT
from hdhkits.workshop.authoring import BEGIN, END, YOUR_TURN, has_solution, solution_names, student_source

KIT = Path(__file__).resolve().parents[2] / "kits" / "annitia"
NOTEBOOKS = sorted(p.name for p in KIT.glob("[0-9][0-9]_*.ipynb"))
_CHECK = re.compile(r"check_answer\(\s*(\"[^\"]*\"|'[^']*')")


def _cells(name):
    return nbformat.read(KIT / name, as_version=4).cells


def _exercise_cells(name):
    """(key, cell index, cell) of every code cell calling check_answer, in order."""
    found = []
    for i, cell in enumerate(_cells(name)):
        if cell.cell_type == "code":
            found += [(ast.literal_eval(m.group(1)), i, cell) for m in _CHECK.finditer(cell.source)]
    return found


def _stream_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def test_teaching_lists_exactly_the_notebooks_exercises():
    listed = [(e.notebook, e.key) for e in TEACHING.exercises]
    in_notebooks = [(name, key) for name in NOTEBOOKS for key, _, _ in _exercise_cells(name)]
    assert listed == in_notebooks
    assert [key for _, key in listed] == [f"annitia {n}" for n in range(1, len(listed) + 1)], "keys in notebook order"
    assert 3 <= len(listed) <= 5
    assert {nb for nb, _ in listed} == set(NOTEBOOKS), "at least one exercise per notebook"
    assert all(5 <= e.minutes <= 15 for e in TEACHING.exercises)
    assert all(e.teaches for e in TEACHING.exercises)


def test_teaching_notes_are_complete():
    assert 4 <= len(TEACHING.goals) <= 6
    assert TEACHING.traps and TEACHING.slow_machine
    assert set(TEACHING.quick_seconds) == set(NOTEBOOKS)
    assert all(0 < s < 600 for s in TEACHING.quick_seconds.values())


def test_trap_numbers_are_those_the_notebooks_show():
    # Decimals quoted in the traps must appear in the committed outputs or the markdown, so
    # the facilitator's notes drift with the notebooks or fail here.
    shown = ""
    for name in NOTEBOOKS:
        for cell in _cells(name):
            shown += cell.source if cell.cell_type == "markdown" else _stream_text(cell)
            for out in cell.get("outputs", []):
                shown += "".join(out.get("data", {}).get("text/plain", ""))
    quoted = {n for trap in TEACHING.traps for n in re.findall(r"\d+\.\d+", trap)}
    assert quoted
    assert not sorted(n for n in quoted if n not in shown)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_exercise_has_its_statement_solution_and_passing_check(name):
    cells = _cells(name)
    exercises = {e.key: e for e in TEACHING.exercises}
    for key, i, cell in _exercise_cells(name):
        title, number = exercises[key].title, key.split()[1]
        heading = cells[i - 1]
        assert heading.cell_type == "markdown"
        assert heading.source.startswith(f"### Exercise {number}: {title}\n"), heading.source[:80]
        assert has_solution(cell.source), f"{title}: no solution block"
        # The committed outputs are a participant's first run: the solution passes its check.
        lines = [line for line in _stream_text(cell).splitlines() if line.startswith(f"{title}: ")]
        assert lines == [f"{title}: {CORRECT}"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_version_blanks_the_answers(name):
    cells = _cells(name)
    later = "\n".join(c.source for c in cells if c.cell_type == "code")
    for title, i, cell in _exercise_cells(name):
        block = cell.source.split(BEGIN, 1)[1].split(END, 1)[0]
        names = solution_names(block.split("\n", 1)[1])
        student = student_source(cell.source)
        assert BEGIN not in student and END not in student and YOUR_TURN in student
        ast.parse(student)
        for n in names:
            assert f"{n} = None" in student
        # No other cell reads what an exercise assigns: the student notebook runs on unsolved.
        others = "\n".join(c.source for j, c in enumerate(cells) if c.cell_type == "code" and j != i)
        for n in names:
            assert not re.search(rf"\b{re.escape(n)}\b", others), f"{title}: another cell uses {n!r}"
    assert later  # the notebook has code


# -- the exercises' hidden helpers -----------------------------------------------------------


def test_fib4_visit_takes_the_first_complete_visit_or_says_why_it_cannot():
    import numpy as np
    import pandas as pd
    from hdhkits.annitia.teaching import fib4_visit

    long = pd.DataFrame(
        {
            "Age": [50.0, 51.0, 52.0],
            "ast": [30.0, np.nan, 40.0],
            "alt": [20.0, 25.0, 36.0],
            "plt": [np.nan, 200.0, 250.0],
        }
    )
    visit, where = fib4_visit(long)
    assert visit.tolist() == [52.0, 40.0, 36.0, 250.0] and where.startswith("the first visit")
    visit, where = fib4_visit(long.assign(alt=np.nan))
    assert visit.notna().all() and "illustrative" in where and "alt never measured" in where
    visit, where = fib4_visit(long.assign(plt=[1.0, np.nan, np.nan], ast=[np.nan, 2.0, np.nan]))
    assert "no visit measures all four together" in where


def test_km_table_check_compares_with_lifelines():
    import numpy as np
    import pandas as pd
    from hdhkits.annitia.teaching import km_table_check

    times, events = np.array([1.0, 2.0, 2.0, 3.0, 5.0]), np.array([True, True, False, True, False])
    test = km_table_check(times, events)
    right = pd.DataFrame({"time": [1.0, 2.0, 3.0], "survival": [0.8, 0.6, 0.3]})
    assert test(right)
    assert not test(right.assign(survival=[0.8, 0.6, 0.4])) and not test(right.iloc[:2])
    assert km_table_check(times, np.zeros(5, bool))(right.iloc[:0])  # no event: an empty table is right


class _Zero:
    """A fitted model that gives every patient the risks (0, 0)."""

    def predict(self, X):
        import numpy as np

        return np.zeros((len(X), 2))


def test_shortcut_check_wants_minus_follow_up_as_death_risk(twin):
    from hdhkits.annitia import build_features, make_submission, read_test
    from hdhkits.annitia.teaching import shortcut_check

    source = twin("annitia")
    test = read_test(source.data_dir)
    X_test = build_features(test)
    submission = make_submission(_Zero(), test)
    check = shortcut_check(submission, X_test, source.data_dir)
    shortcut = submission.assign(risk_death=-X_test["followup_years"].to_numpy())
    assert check(shortcut)
    assert not check(submission) and not check(shortcut.assign(risk_hepatic_event=1.0))
    assert not check(shortcut.iloc[1:])


def test_the_checks_compute_the_expected_answers_from_the_key_and_the_data(capsys):
    import numpy as np
    import pandas as pd
    from hdhkits.exercises import NOT_YET, check_answer

    visit = pd.Series({"Age": 48.0, "ast": 36.52, "alt": 41.47, "plt": 249.2})
    by_hand = 48.0 * 36.52 / (249.2 * np.sqrt(41.47))
    assert check_answer("annitia 1", by_hand, visit) and not check_answer("annitia 1", by_hand + 0.01, visit)
    five = pd.DataFrame(
        {"time": [2.0, 5.0, 3.0, 8.0, 6.0], "event": [1, 0, 1, 1, 0], "risk": [0.9, 0.3, 0.4, 0.6, 0.1]}
    )
    assert check_answer("annitia 2", 6 / 7, five)  # 7 comparable pairs, 6 concordant
    assert not check_answer("annitia 2", 5 / 7, five)
    times, events = np.array([1.0, 2.0, 2.0, 3.0, 5.0]), np.array([True, True, False, True, False])
    table = pd.DataFrame({"time": [1.0, 2.0, 3.0], "survival": [0.8, 0.6, 0.3]})
    assert check_answer("annitia 3", table, times, events)
    out = capsys.readouterr().out
    assert f"FIB-4 by hand: {NOT_YET}" in out and f"{by_hand:.4f}"[:5] not in out.split(NOT_YET)[1]


def test_every_exercise_teaches_the_function_that_computes_its_answer():
    from hdhkits.annitia import features, metric

    teaches = {e.key: e.teaches for e in TEACHING.exercises}
    assert "fib4" in teaches["annitia 1"] and hasattr(features, "fib4")
    assert "harrell_c" in teaches["annitia 2"] and hasattr(metric, "harrell_c")
    assert teaches["annitia 3"] == ("KaplanMeierFitter",)
    assert teaches["annitia 4"] == ("followup_risk",) and hasattr(features, "followup_risk")
