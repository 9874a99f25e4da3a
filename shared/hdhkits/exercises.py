"""Exercises in the notebooks: the check a learner's notebook runs, and what a kit declares.

An exercise is a code cell whose answer sits between nbgrader's solution markers, then a
check::

    ### BEGIN SOLUTION
    fib4_by_hand = visit["Age"] * visit["ast"] / (visit["plt"] * np.sqrt(visit["alt"]))
    ### END SOLUTION
    check_answer("annitia 1", fib4_by_hand, visit)

The student version (:func:`hdhkits.workshop.authoring.student_source`) replaces each
solution block by ``# your turn`` and a fallback that assigns ``None`` to every name the
solution assigned; :func:`check_answer` then prints "not attempted yet" instead of
failing, so a student notebook runs end to end and no later cell depends on an exercise
being solved.

An exercise must not hand out its answer. A check names its exercise by an opaque key
(``"annitia 1"``: the kit and a number, nothing about the answer) and passes the data the
exercise works on; the checker finds the :class:`Exercise` of that key in the kit's
``teaching`` module (:meth:`hdhkits.problem.Problem.teaching`) and computes the expected
value itself, out of sight (:func:`hdhkits.workshop.authoring.answer_leaks` finds the
notebooks that break the rule). A wrong answer is told "not yet" without the expected
value. With the environment variable :data:`EXPECTED_LOG` set to a file,
:func:`check_answer` appends each check's expected value there, so the tests can verify
that no output above an exercise prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "CORRECT",
    "EXPECTED_LOG",
    "KEY",
    "NOT_ATTEMPTED",
    "NOT_YET",
    "Exercise",
    "Teaching",
    "Verdict",
    "check_answer",
    "find_exercise",
    "register",
]

CORRECT = "✔ correct"
NOT_YET = "✘ not yet"
NOT_ATTEMPTED = "… not attempted yet"
#: Environment variable naming a file where :func:`check_answer` appends each expected value (tests).
EXPECTED_LOG = "HDHKITS_EXPECTED_LOG"


#: What an exercise key looks like: the kit's name and a number (``"cardihack 2"``).
KEY = re.compile(r"^[a-z][a-z0-9_]* \d+$")


@dataclass(frozen=True)
class Exercise:
    """One exercise of a kit's notebooks: what a facilitator plans and what the check computes.

    Parameters
    ----------
    notebook : str
        Notebook file name (``01_exploration.ipynb``).
    title : str
        What the learner does, in a few words (printed by the check).
    minutes : int
        Time a learner needs, typically 5-15.
    key : str
        The opaque key the notebook's check names it by: the kit and a number
        (``"cardihack 2"``), nothing that describes the answer.
    expected : callable, optional
        ``expected(*inputs)``: the right answer, from the data the check passes.
    test : callable, optional
        ``test(*inputs)`` returns ``ok(answer) -> bool``, for answers with many right forms
        (a table, a list of findings). One of ``expected`` and ``test`` is given.
    teaches : tuple of str
        The package functions whose call computes the answer (``"weighted_kappa"``): a
        student notebook must call none of them (:func:`hdhkits.workshop.authoring.answer_leaks`).
    rtol, atol : float
        Tolerances when ``expected`` gives numbers.
    """

    notebook: str
    title: str
    minutes: int
    key: str = ""
    expected: Callable[..., Any] | None = None
    test: Callable[..., Callable[[Any], bool]] | None = None
    teaches: tuple[str, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-9


@dataclass(frozen=True)
class Teaching:
    """What a facilitator needs to run a workshop on a kit (its :meth:`hdhkits.problem.Problem.teaching`).

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


_REGISTERED: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Make an exercise known to :func:`check_answer` by its key (one outside a kit's teaching).

    A teacher's own notebook, or a test, declares its exercise this way; a kit's exercises
    live in its ``Problem.teaching()`` and need no registration.

    Raises
    ------
    ValueError
        The key is not ``"<name> <number>"``, or the exercise has neither ``expected`` nor ``test``.
    """
    if not KEY.match(exercise.key):
        raise ValueError(f"exercise key {exercise.key!r}: write it as '<kit> <number>', e.g. 'cardihack 2'")
    if (exercise.expected is None) == (exercise.test is None):
        raise ValueError(f"exercise {exercise.key!r}: give exactly one of expected and test")
    _REGISTERED[exercise.key] = exercise
    return exercise


def find_exercise(key: str) -> Exercise:
    """The exercise a check's key names: a registered one, else one of its kit's teaching.

    Raises
    ------
    KeyError
        No exercise has this key (the sentence lists the kit's keys).
    """
    if key in _REGISTERED:
        return _REGISTERED[key]
    from .problem import KitNotAvailable, get_problem

    kit = key.split(" ")[0]
    try:
        teaching = get_problem(kit).teaching()
    except KitNotAvailable:
        teaching = None
    exercises = teaching.exercises if teaching is not None else ()
    for exercise in exercises:
        if exercise.key == key:
            return exercise
    known = ", ".join(repr(e.key) for e in exercises) or "none"
    raise KeyError(f"no exercise has the key {key!r} (the {kit} kit's exercises: {known})")


def check_answer(key: str, answer: Any, *inputs: Any, hint: str = "") -> Verdict:
    """Tell a learner whether an exercise is solved; never raises for an answer.

    Parameters
    ----------
    key : str
        The exercise's opaque key (``"cardihack 2"``, :func:`find_exercise`).
    answer : object
        The learner's answer (``None``: not attempted).
    *inputs : object
        The data the exercise works on; the expected value is computed from them, out of
        sight (:attr:`Exercise.expected` or :attr:`Exercise.test`).
    hint : str
        Printed when the answer is not right yet.

    Returns
    -------
    Verdict
        Whether the answer is right (true or false like a bool; displays nothing).

    Raises
    ------
    KeyError
        No exercise has this key: the notebook is wrong, not the answer.
    """
    exercise = find_exercise(key)
    name = exercise.title
    expected = exercise.expected(*inputs) if exercise.expected is not None else None
    _log_expected(exercise, expected)
    if answer is None:
        print(f"{name}: {NOT_ATTEMPTED}" + (f" (hint: {hint})" if hint else ""))
        return Verdict(False)
    try:
        if exercise.test is not None:
            ok = bool(exercise.test(*inputs)(answer))
        else:
            ok = _close(answer, expected, exercise.rtol, exercise.atol)
    except Exception as exc:  # a learner's half-done answer must not stop the notebook
        print(f"{name}: {NOT_YET}: the check could not use this answer ({type(exc).__name__}: {exc})")
        return Verdict(False)
    if ok:
        print(f"{name}: {CORRECT}")
        return Verdict(True)
    # the expected value is not shown: a learner who types anything would read the answer
    shown = "" if exercise.test is not None else f": got {_short(answer)}{_shape_note(answer, expected)}"
    print(f"{name}: {NOT_YET}{shown}" + (f" (hint: {hint})" if hint else ""))
    return Verdict(False)


def _shape_note(answer: Any, expected: Any) -> str:
    """What a learner may know without the answer: that its shape is not the expected one."""
    try:
        a, e = np.shape(answer), np.shape(expected)
    except (TypeError, ValueError):
        return ""
    return f" (shape {a}, a shape {e} is expected)" if a != e else ""


def _log_expected(exercise: Exercise, expected: Any) -> None:
    """Append the exercise's key, title and a plain form of ``expected`` to the file :data:`EXPECTED_LOG` names, if set."""
    import json
    import os

    path = os.environ.get(EXPECTED_LOG)
    if not path:
        return
    value = expected.item() if isinstance(expected, np.generic) else expected
    if not isinstance(value, (bool, int, float, str)) or value is None:
        value = None  # arrays, tables, callables: only scalars can be looked for in the outputs
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"key": exercise.key, "name": exercise.title, "expected": value}) + "\n")


def _short(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
