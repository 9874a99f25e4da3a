"""The kit's teaching notes match its notebooks: exercises, their checks, their student versions, the traps' numbers."""

import ast
import contextlib
import io
import re
from pathlib import Path

import hdhkits.cardihack as kit
import nbformat
import numpy as np
import pytest
from hdhkits.cardihack.teaching import TEACHING, exercise_answer, rule_check
from hdhkits.exercises import CORRECT, NOT_ATTEMPTED, check_answer, has_solution, solution_names, student_source

KIT = Path(__file__).resolve().parents[2] / "kits" / "cardihack"
NOTEBOOKS = sorted(p.name for p in KIT.glob("[0-9][0-9]_*.ipynb"))
_TITLE = re.compile(r'check_answer\(\s*"([^"]+)"')


def _cells(notebook: str) -> list:
    return nbformat.read(KIT / notebook, as_version=4).cells


def _exercise_cells() -> list[tuple[str, int, str]]:
    """(notebook, cell index, check_answer title) of every exercise cell, in notebook order."""
    found = []
    for notebook in NOTEBOOKS:
        for i, cell in enumerate(_cells(notebook)):
            if cell.cell_type == "code" and has_solution(cell.source):
                titles = _TITLE.findall(cell.source)
                assert len(titles) == 1, f"{notebook} cell {i}: one check_answer per exercise cell"
                found.append((notebook, i, titles[0]))
    return found


def _output_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def test_teaching_lists_exactly_the_notebooks_exercises():
    listed = [(e.notebook, e.title) for e in TEACHING.exercises]
    assert listed == [(nb, title) for nb, _, title in _exercise_cells()]
    assert 3 <= len(listed) <= 5
    assert {nb for nb, _ in listed} == set(NOTEBOOKS), "at least one exercise per notebook"
    assert all(5 <= e.minutes <= 20 for e in TEACHING.exercises)
    assert 4 <= len(TEACHING.goals) <= 6 and TEACHING.traps and TEACHING.slow_machine
    assert set(TEACHING.quick_seconds) == set(NOTEBOOKS) and all(s > 0 for s in TEACHING.quick_seconds.values())


def test_each_exercise_is_introduced_by_its_numbered_heading():
    for n, (notebook, i, title) in enumerate(_exercise_cells(), start=1):
        heading = _cells(notebook)[i - 1]
        assert heading.cell_type == "markdown"
        assert heading.source.splitlines()[0] == f"### Exercise {n}: {title}", f"{notebook} cell {i - 1}"
        assert len(heading.source.splitlines()) >= 3, "the heading says the task"


def test_committed_solutions_print_correct():
    for notebook, i, title in _exercise_cells():
        lines = [line for line in _output_text(_cells(notebook)[i]).splitlines() if line.startswith(f"{title}:")]
        assert lines == [f"{title}: {CORRECT}"], f"{notebook} cell {i}: {lines}"


def test_no_later_cell_reads_a_name_an_exercise_assigns():
    for notebook, i, title in _exercise_cells():
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
            assert not names & read, f"{notebook} cell {j} reads {names & read}, set by the exercise '{title}'"


@pytest.fixture(scope="module")
def namespace(twin):
    """What the exercise cells read from the cells above them, on the quick twin."""
    train = kit.read_train(twin("cardihack").data_dir)
    y_sev = train[kit.OUTCOME_SEVERITY].to_numpy()
    weights = np.where(y_sev == 1, 1.0, kit.SEVERITY_CLASS_WEIGHTS[0])
    return {
        "kit": kit,
        "np": np,
        "check_answer": check_answer,
        "exercise_answer": exercise_answer,
        "rule_check": rule_check,
        "train": train,
        "y_sev": y_sev,
        "weighted_prev": float(np.sum(weights * y_sev) / np.sum(weights)),
    }


@pytest.mark.parametrize("index", range(len(TEACHING.exercises)))
def test_student_cells_run_and_say_not_attempted(index, namespace):
    notebook, i, title = _exercise_cells()[index]
    source = student_source(_cells(notebook)[i].source)
    assert "### BEGIN SOLUTION" not in source and "# your turn" in source
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, f"{notebook} cell {i} (student)", "exec"), dict(namespace))
    assert f"{title}: {NOT_ATTEMPTED}" in out.getvalue()


def test_traps_quote_numbers_the_notebooks_print():
    printed = "\n".join(
        _output_text(c) + "".join(str(o.get("data", {}).get("text/plain", "")) for o in c.get("outputs", []))
        for nb in NOTEBOOKS
        for c in _cells(nb)
        if c.cell_type == "code"
    )
    for trap in TEACHING.traps:
        for number in re.findall(r"-?\d+\.\d{2,}", trap):
            assert number in printed, f"trap quotes {number}, which no committed output prints: {trap}"


def test_expected_answers_come_from_the_package_not_the_notebook(namespace):
    train = namespace["train"]
    assert exercise_answer("prevalence of the severe phenotype", train) == pytest.approx(
        (train[kit.OUTCOME_SEVERITY] == 1).mean()
    )
    y = namespace["y_sev"]
    assert exercise_answer("constant-probability log-loss", train) == pytest.approx(kit.weighted_logloss(y, y.mean()))
    with pytest.raises(KeyError, match="no stored answer"):
        exercise_answer("weighted kappa by hand", train)
    for notebook, i, title in _exercise_cells():
        source = _cells(notebook)[i].source
        check = source.split("### END SOLUTION")[1]
        if title in ("prevalence of the severe phenotype", "constant-probability log-loss"):
            assert f'expected=exercise_answer("{title}", train)' in check, f"{notebook} cell {i}"
        # the cell above the exercise does not print its answer
        above = "".join(_output_text(c) for c in _cells(notebook)[max(0, i - 3) : i] if c.cell_type == "code")
        if title == "prevalence of the severe phenotype":
            assert f"{exercise_answer(title, train):.3f}" not in above


def test_rule_check_wants_a_feature_rule_finding_naming_the_column():
    from types import SimpleNamespace as F

    test = rule_check("FEVG")
    assert test([F(kind="feature_rule", message="SEVERITY model reads 'FEVG'; ...")])
    assert not test([F(kind="feature_rule", message="SEVERITY model reads 'BMI'; ...")])
    assert not test([F(kind="missing_column", message="'FEVG' is missing")])
    assert not test([])
