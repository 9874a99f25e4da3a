"""Exercises in the notebooks: checks that tell learners where they stand, and student versions.

An exercise is a code cell whose answer sits between nbgrader's markers::

    ### BEGIN SOLUTION
    fib4 = age * ast / (platelets * np.sqrt(alt))
    ### END SOLUTION
    check_answer("fib4", fib4, expected=helper_fib4)

so educators who use nbgrader can take the notebooks as they are. The student version
(:func:`student_source`) replaces each solution block by ``# your turn`` and a fallback
that assigns ``None`` to every name the solution assigned; :func:`check_answer` then
prints "not attempted yet" instead of failing, so a student notebook runs end to end and
no later cell depends on an exercise being solved.

An exercise must not hand out its answer. The ``expected`` value (or the ``test``) of a
check comes from the package: a kit function (``fib4(...)``, ``harrell_c(...)``) or a
hidden helper of the kit's ``teaching`` module that does the task itself; never an
expression in plain sight that computes the answer, nor a literal. :func:`answer_leaks`
says where a check breaks that rule (the tests run it on every notebook), and a wrong
answer is told "not yet" without the expected value. With the environment variable
:data:`EXPECTED_LOG` set to a file, :func:`check_answer` appends each check's expected
value there, so the tests can verify that no output above an exercise prints it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "BEGIN",
    "CORRECT",
    "END",
    "EXPECTED_LOG",
    "NOT_ATTEMPTED",
    "NOT_YET",
    "YOUR_TURN",
    "Exercise",
    "Teaching",
    "Verdict",
    "answer_leaks",
    "check_answer",
    "has_solution",
    "solution_names",
    "student_source",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
YOUR_TURN = "# your turn"
CORRECT = "✔ correct"
NOT_YET = "✘ not yet"
NOT_ATTEMPTED = "… not attempted yet"
#: Environment variable naming a file where :func:`check_answer` appends each expected value (tests).
EXPECTED_LOG = "HDHKITS_EXPECTED_LOG"


@dataclass(frozen=True)
class Exercise:
    """One exercise of a kit's notebooks, as a facilitator plans it.

    Parameters
    ----------
    notebook : str
        Notebook file name (``01_exploration.ipynb``).
    title : str
        What the learner does, in a few words (the ``check_answer`` name).
    minutes : int
        Time a learner needs, typically 5-15.
    """

    notebook: str
    title: str
    minutes: int


@dataclass(frozen=True)
class Teaching:
    """What a facilitator needs to run a workshop on a kit (``hdhkits.<kit>.teaching.TEACHING``).

    Parameters
    ----------
    goals : tuple of str
        Learning goals, one sentence each.
    traps : tuple of str
        The data's traps to stress, one sentence each.
    exercises : tuple of Exercise
        Every exercise in the notebooks, in order.
    quick_seconds : dict
        Measured run time of each notebook in quick mode (seconds, 2 cores), for the schedule.
    slow_machine : str
        What to do when a learner's machine is slow.
    """

    goals: tuple[str, ...]
    traps: tuple[str, ...]
    exercises: tuple[Exercise, ...]
    quick_seconds: dict[str, float] = field(default_factory=dict)
    slow_machine: str = ""


_BLOCK = re.compile(
    rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n(.*?)^[ \t]*{re.escape(END)}[^\n]*(\n|$)", re.MULTILINE | re.DOTALL
)


def _close(answer: Any, expected: Any, rtol: float, atol: float) -> bool:
    if isinstance(expected, str) or isinstance(answer, str):
        return str(answer).strip().lower() == str(expected).strip().lower()
    try:
        a = np.asarray(answer, dtype=float)
        e = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return answer == expected
    if a.shape != e.shape:
        return False
    return bool(np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True))


class Verdict:
    """Whether an exercise is solved: true or false like a bool, and shown as nothing.

    ``check_answer`` prints its sentence itself; a plain ``True`` as the cell's last value
    would also be displayed under it (``;`` does not always hide it: nbval and some front
    ends run cells without storing history, where IPython cannot see the semicolon).
    """

    __slots__ = ("ok",)

    def __init__(self, ok: bool):
        self.ok = bool(ok)

    def __bool__(self) -> bool:
        return self.ok

    def __eq__(self, other: object) -> bool:
        return self.ok == bool(other) if isinstance(other, (bool, Verdict)) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Verdict({self.ok})"

    def _ipython_display_(self) -> None:
        # The sentence is already printed; display nothing more.
        return None


def check_answer(
    name: str,
    answer: Any,
    expected: Any = None,
    test: Callable[[Any], bool] | None = None,
    hint: str = "",
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> Verdict:
    """Tell a learner whether an exercise is solved; never raises.

    Parameters
    ----------
    name : str
        Exercise name, printed first.
    answer : object
        The learner's answer (``None``: not attempted).
    expected : object, optional
        The reference value (numbers and arrays compare with a tolerance, strings without
        case); ignored when ``test`` is given.
    test : callable, optional
        ``test(answer)`` is True when the answer is right (for answers with many right
        forms).
    hint : str
        Printed when the answer is not right yet.
    rtol, atol : float
        Tolerances for numbers.

    Returns
    -------
    Verdict
        Whether the answer is right (true or false like a bool; displays nothing).
    """
    _log_expected(name, expected if test is None else None)
    if answer is None:
        print(f"{name}: {NOT_ATTEMPTED}" + (f" (hint: {hint})" if hint else ""))
        return Verdict(False)
    try:
        ok = bool(test(answer)) if test is not None else _close(answer, expected, rtol, atol)
    except Exception as exc:  # a learner's half-done answer must not stop the notebook
        print(f"{name}: {NOT_YET}: the check could not use this answer ({type(exc).__name__}: {exc})")
        return Verdict(False)
    if ok:
        print(f"{name}: {CORRECT}")
        return Verdict(True)
    # the expected value is not shown: a learner who types anything would read the answer
    shown = "" if test is not None else f": got {_short(answer)}{_shape_note(answer, expected)}"
    print(f"{name}: {NOT_YET}{shown}" + (f" (hint: {hint})" if hint else ""))
    return Verdict(False)


def _shape_note(answer: Any, expected: Any) -> str:
    """What a learner may know without the answer: that its shape is not the expected one."""
    try:
        a, e = np.shape(answer), np.shape(expected)
    except (TypeError, ValueError):
        return ""
    return f" (shape {a}, a shape {e} is expected)" if a != e else ""


def _log_expected(name: str, expected: Any) -> None:
    """Append ``name`` and a plain form of ``expected`` to the file :data:`EXPECTED_LOG` names, if set."""
    import json
    import os

    path = os.environ.get(EXPECTED_LOG)
    if not path:
        return
    value = expected.item() if isinstance(expected, np.generic) else expected
    if not isinstance(value, (bool, int, float, str)) or value is None:
        value = None  # arrays, tables, callables: only scalars can be looked for in the outputs
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"name": name, "expected": value}) + "\n")


def _short(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def has_solution(source: str) -> bool:
    """Whether a cell's source holds a solution block."""
    return bool(_BLOCK.search(source))


def solution_names(block: str) -> list[str]:
    """The names a solution block assigns at its top level, in order (the fallback sets them to None)."""
    tree = ast.parse(block)
    names: list[str] = []

    def add(target: ast.AST) -> None:
        if isinstance(target, ast.Name) and target.id not in names:
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                add(t)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                add(t)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            add(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in names:
            names.append(node.name)
    return names


def student_source(source: str) -> str:
    """A cell's source with every solution block replaced by ``# your turn`` and a fallback.

    The fallback assigns ``None`` to each name the solution assigned, so the check that
    follows prints "not attempted yet" and the notebook goes on.
    """

    def replace(match: re.Match) -> str:
        indent, block = match.group(1), match.group(2)
        dedented = "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in block.splitlines())
        names = solution_names(dedented)
        lines = [f"{indent}{YOUR_TURN}: replace the None below with your answer"]
        lines += [f"{indent}{n} = None" for n in names] or [f"{indent}pass"]
        return "\n".join(lines) + match.group(3)

    return _BLOCK.sub(replace, source)


# Calls an exercise check may make to get its expected value: functions of the package only.
_SAFE_NODES = (
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Constant,
    ast.Load,
    ast.Tuple,
    ast.List,
    ast.keyword,
    ast.Slice,
)


def _package_names(imports: str) -> set[str]:
    """Names a notebook's source binds from ``hdhkits`` (``from hdhkits.x import a, b as c``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(imports)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "hdhkits":
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _clipped(node: ast.AST, limit: int = 70) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _leaks(node: ast.AST, package: set[str], top: bool) -> list[str]:
    """Why an ``expected`` / ``test`` expression computes in plain sight (empty: it asks the package)."""
    if isinstance(node, ast.Call):
        if _root(node.func) not in package:
            return [f"calls {_clipped(node.func)}(), not a function of the package"]
        return [why for arg in [*node.args, *(k.value for k in node.keywords)] for why in _leaks(arg, package, False)]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call):
        return _leaks(node.value, package, top) + _leaks(node.slice, package, False)
    if top:
        return [f"{_clipped(node)!r} is not the result of a package function"]
    bad = [type(n).__name__ for n in ast.walk(node) if isinstance(n, ast.expr) and not isinstance(n, _SAFE_NODES)]
    return [f"computes {_clipped(node)!r} in plain sight ({', '.join(sorted(set(bad)))})"] if bad else []


def answer_leaks(cells: list[str]) -> list[str]:
    """Where a notebook's exercise checks show how their expected value is made.

    Each ``check_answer`` call of a cell holding a solution block must take its
    ``expected`` (or ``test``) from a function imported from ``hdhkits``, called on plain
    data (names, attributes, items, constants): no literal answer, no arithmetic, no
    comparison, no lambda, no call to anything else.

    Parameters
    ----------
    cells : list of str
        The sources of the notebook's code cells, in order (the imports included).

    Returns
    -------
    list of str
        One sentence per offending check, naming the exercise; empty when none shows its answer.
    """
    package = set().union(*(_package_names(c) for c in cells if "hdhkits" in c and _parses(c)))
    found = []
    for source in cells:
        if not has_solution(source):
            continue
        for node in ast.walk(ast.parse(student_source(source))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check_answer"):
                continue
            title = ast.unparse(node.args[0]) if node.args else "?"
            given = {k.arg: k.value for k in node.keywords if k.arg in ("expected", "test")}
            given.update({("expected", "test")[i - 2]: a for i, a in enumerate(node.args) if 2 <= i <= 3})
            if not given:
                found.append(f"exercise {title}: no expected value and no test")
            found += [
                f"exercise {title}: {key} {why}" for key, value in given.items() for why in _leaks(value, package, True)
            ]
    return found


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:  # IPython magics (%pip) in the Colab cell
        return False
    return True
