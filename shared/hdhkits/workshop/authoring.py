"""Authoring exercises: the student version of a notebook's cells, and the leaks it must not have.

An exercise's answer sits between nbgrader's markers (:data:`BEGIN`, :data:`END`), so
educators who use nbgrader can take the notebooks as they are. :func:`student_source`
replaces each solution block by ``# your turn`` and a fallback that assigns ``None`` to
every name the solution assigned (:func:`solution_names`), so that the check which follows
(:func:`hdhkits.exercises.check_answer`, what a learner's notebook runs) prints "not
attempted yet" and the notebook goes on. :func:`answer_leaks` says where a student version
shows an answer: a check given its expected value, a key that is not opaque, or any call of
a function an exercise teaches (``fib4``, ``weighted_kappa``...), which a learner would
copy; the workshop builder and the tests run it on every student notebook.
"""

from __future__ import annotations

import ast
import re

from ..exercises import KEY

__all__ = ["BEGIN", "END", "YOUR_TURN", "answer_leaks", "has_solution", "solution_names", "student_source"]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
YOUR_TURN = "# your turn"

_BLOCK = re.compile(
    rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n(.*?)^[ \t]*{re.escape(END)}[^\n]*(\n|$)", re.MULTILINE | re.DOTALL
)


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


# What a check may pass as the data of its exercise: plain data, never a computation.
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
    ast.UnaryOp,
    ast.USub,
)


def _clipped(node: ast.AST, limit: int = 70) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _called_name(node: ast.Call) -> str | None:
    """The name a call calls: ``f`` for ``f(...)``, ``kit.metric.f(...)`` and ``f(...)[0]`` alike."""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _check_leaks(node: ast.Call) -> list[str]:
    """Why one ``check_answer`` call shows or computes what it checks (empty: it does not)."""
    key = node.args[0] if node.args else None
    title = ast.unparse(key) if key is not None else "?"
    found = []
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and KEY.match(key.value)):
        found.append(f"check {title}: the key must be a literal '<kit> <number>', nothing that describes the answer")
    for kw in node.keywords:
        if kw.arg in ("expected", "test"):
            found.append(f"check {title}: {kw.arg}= in plain sight; the checker computes it from the key and the data")
    for value in node.args[2:]:
        bad = [type(n).__name__ for n in ast.walk(value) if isinstance(n, ast.expr) and not isinstance(n, _SAFE_NODES)]
        if bad:
            found.append(f"check {title}: computes {_clipped(value)!r} in plain sight ({', '.join(sorted(set(bad)))})")
    return found


def answer_leaks(cells: list[str], teaches: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Where a notebook's student version shows, or lets a learner copy, an exercise's answer.

    Every ``check_answer`` call names its exercise by a literal opaque key and passes plain
    data (names, attributes, items, constants): no ``expected=`` or ``test=``, no
    arithmetic, no call. And no cell calls a function an exercise of the notebook teaches
    (``teaches``): a learner would copy that call.

    Parameters
    ----------
    cells : list of str
        The sources of the notebook's code cells, in order (solution blocks are left out
        as the student version leaves them out).
    teaches : sequence of str
        The names of the functions the notebook's exercises teach
        (:attr:`hdhkits.exercises.Exercise.teaches`).

    Returns
    -------
    list of str
        One sentence per leak; empty when the student version shows no answer.
    """
    found = []
    taught = set(teaches)
    for i, source in enumerate(cells):
        if not _parses(source):
            continue
        for node in ast.walk(ast.parse(student_source(source))):
            if not isinstance(node, ast.Call):
                continue
            called = _called_name(node)
            if called == "check_answer":
                found += _check_leaks(node)
            elif called in taught:
                found.append(
                    f"cell {i} calls {_clipped(node.func)}(), which an exercise of this notebook teaches: "
                    "a learner would copy it"
                )
    return found


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:  # IPython magics (%pip) in the Colab cell
        return False
    return True
