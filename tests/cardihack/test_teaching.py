"""The kit's teaching notes match its notebooks: exercises by key, their checks, their student versions, the traps' numbers."""

import ast
import contextlib
import io
import re
from pathlib import Path
from types import SimpleNamespace

import hdhkits.cardihack as kit
import nbformat
import numpy as np
import pytest
from hdhkits.cardihack.teaching import TEACHING
from hdhkits.exercises import (
    CORRECT,
    NOT_ATTEMPTED,
    NOT_YET,
    check_answer,
    find_exercise,
)
from hdhkits.workshop.authoring import answer_leaks, has_solution, solution_names, student_source

KIT = Path(__file__).resolve().parents[2] / "kits" / "cardihack"
NOTEBOOKS = sorted(p.name for p in KIT.glob("[0-9][0-9]_*.ipynb"))
_KEY = re.compile(r'check_answer\(\s*"([^"]+)"')


def _cells(notebook: str) -> list:
    return nbformat.read(KIT / notebook, as_version=4).cells


def _exercise_cells() -> list[tuple[str, int, str]]:
    """(notebook, cell index, check_answer key) of every exercise cell, in notebook order."""
    found = []
    for notebook in NOTEBOOKS:
        for i, cell in enumerate(_cells(notebook)):
            if cell.cell_type == "code" and has_solution(cell.source):
                keys = _KEY.findall(cell.source)
                assert len(keys) == 1, f"{notebook} cell {i}: one check_answer per exercise cell"
                found.append((notebook, i, keys[0]))
    return found


def _output_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def _printed(cells) -> str:
    """Everything the code cells printed or displayed as text."""
    return "\n".join(
        _output_text(c) + "".join(str(o.get("data", {}).get("text/plain", "")) for o in c.get("outputs", []))
        for c in cells
        if c.cell_type == "code"
    )


def test_teaching_lists_exactly_the_notebooks_exercises_by_key_in_order():
    listed = [(e.notebook, e.key) for e in TEACHING.exercises]
    assert listed == [(nb, key) for nb, _, key in _exercise_cells()]
    assert [e.key for e in TEACHING.exercises] == [f"cardihack {n}" for n in range(1, len(listed) + 1)]
    assert 3 <= len(listed) <= 5
    assert all(5 <= e.minutes <= 20 and e.teaches for e in TEACHING.exercises)
    assert all((e.expected is None) != (e.test is None) for e in TEACHING.exercises)
    assert 4 <= len(TEACHING.goals) <= 6 and TEACHING.traps and TEACHING.slow_machine
    assert set(TEACHING.quick_seconds) == set(NOTEBOOKS) and all(s > 0 for s in TEACHING.quick_seconds.values())


def test_each_exercise_is_introduced_by_its_numbered_heading():
    for notebook, i, key in _exercise_cells():
        heading = _cells(notebook)[i - 1]
        n, title = key.split()[1], find_exercise(key).title
        assert heading.cell_type == "markdown"
        assert heading.source.splitlines()[0] == f"### Exercise {n}: {title}", f"{notebook} cell {i - 1}"
        assert len(heading.source.splitlines()) >= 3, "the heading says the task"


def test_the_metric_and_its_exercises_sit_in_01():
    cells = _cells("01_exploration.ipynb")
    headings = [c.source.splitlines()[0] for c in cells if c.cell_type == "markdown"]
    metric, after = headings.index("## The metric"), headings.index("## Next")
    for key in ("cardihack 2", "cardihack 3"):
        assert f"### Exercise {key.split()[1]}: {find_exercise(key).title}" in headings[metric:after]
    assert not any(h.startswith("## The metric") for h in _headings("02_baseline.ipynb"))


def _headings(notebook: str) -> list[str]:
    return [c.source.splitlines()[0] for c in _cells(notebook) if c.cell_type == "markdown"]


def test_committed_solutions_print_correct():
    for notebook, i, key in _exercise_cells():
        title = find_exercise(key).title
        lines = [line for line in _output_text(_cells(notebook)[i]).splitlines() if line.startswith(f"{title}:")]
        assert lines == [f"{title}: {CORRECT}"], f"{notebook} cell {i}: {lines}"


def test_no_later_cell_reads_a_name_an_exercise_assigns():
    for notebook, i, key in _exercise_cells():
        cells = _cells(notebook)
        block = cells[i].source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        names = set(solution_names(block))
        for j, later in enumerate(cells[i + 1 :], start=i + 1):
            if later.cell_type != "code":
                continue
            source = "\n".join(line for line in later.source.splitlines() if not line.lstrip().startswith(("%", "!")))
            read = {
                n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            }
            assert not names & read, f"{notebook} cell {j} reads {names & read}, set by the exercise {key}"


def test_no_notebook_lets_a_learner_copy_an_answer():
    for notebook in NOTEBOOKS:
        teaches = tuple(t for e in TEACHING.exercises if e.notebook == notebook for t in e.teaches)
        code = [c.source for c in _cells(notebook) if c.cell_type == "code"]
        assert answer_leaks(code, teaches) == [], notebook


@pytest.fixture(scope="module")
def train(twin):
    """The twin's training table (the quick twin has the default twin's patients: the official counts)."""
    return kit.read_train(twin("cardihack").data_dir)


@pytest.fixture(scope="module")
def namespace(train):
    """What the exercise cells read from the cells above them."""
    return {"kit": kit, "np": np, "check_answer": check_answer, "train": train}


@pytest.mark.parametrize("index", range(len(TEACHING.exercises)))
def test_student_cells_run_and_say_not_attempted(index, namespace):
    notebook, i, key = _exercise_cells()[index]
    source = student_source(_cells(notebook)[i].source)
    assert "### BEGIN SOLUTION" not in source and "# your turn" in source
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, f"{notebook} cell {i} (student)", "exec"), dict(namespace))
    assert f"{find_exercise(key).title}: {NOT_ATTEMPTED}" in out.getvalue()


def test_the_checker_computes_each_answer_from_the_data_passed(train, capsys):
    y = train[kit.OUTCOME_SEVERITY].to_numpy()
    assert check_answer("cardihack 1", y.mean(), train)
    assert check_answer("cardihack 2", kit.weighted_logloss(y, y.mean()), train)
    assert not check_answer("cardihack 2", kit.weighted_logloss(y, 0.3), train)
    t, p = np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0])
    assert check_answer("cardihack 3", kit.weighted_kappa(t, p), t, p)
    assert not check_answer("cardihack 3", 1 - kit.weighted_kappa(t, p), t, p)
    assert f"{kit.weighted_kappa(t, p):.4g}" not in capsys.readouterr().out  # a wrong answer never shows the right one


def test_exercise_4_wants_a_feature_rule_finding_naming_fevg(capsys):
    def finding(kind, message):
        return SimpleNamespace(kind=kind, message=message)

    assert check_answer("cardihack 4", [finding("feature_rule", "SEVERITY model reads 'FEVG'; ...")])
    assert not check_answer("cardihack 4", [finding("feature_rule", "SEVERITY model reads 'BMI'; ...")])
    assert not check_answer("cardihack 4", [finding("missing_column", "'FEVG' is missing")])
    assert not check_answer("cardihack 4", [])
    assert capsys.readouterr().out.count(NOT_YET) == 3


def _given(source: str) -> dict:
    """The names an exercise cell defines above its solution (the data it hands the learner)."""
    scope = {"np": np}
    exec(source.split("### BEGIN SOLUTION")[0], scope)
    return scope


def test_no_output_above_an_exercise_prints_its_answer(train):
    """The committed outputs (default run) show no exercise's expected value above its check."""
    for notebook, i, key in _exercise_cells():
        exercise = find_exercise(key)
        if exercise.expected is None:
            continue
        given = _given(_cells(notebook)[i].source)
        value = float(
            exercise.expected(*((given["small_true"], given["small_pred"]) if "small_true" in given else (train,)))
        )
        above = _printed(_cells(notebook)[:i])
        for form in (f"{value:.3f}", f"{value:.4f}", f"{100 * value:.1f} %", f"{100 * value:.1f}%"):
            assert not re.search(rf"(?<![\w.]){re.escape(form)}(?!\w)", above), f"{key} printed above as {form}"


def test_traps_quote_numbers_the_notebooks_print():
    printed = _printed([c for nb in NOTEBOOKS for c in _cells(nb)])
    for trap in TEACHING.traps:
        for number in re.findall(r"-?\d+\.\d{2,}", trap):
            assert number in printed, f"trap quotes {number}, which no committed output prints: {trap}"
