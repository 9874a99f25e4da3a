"""The kit contract of CONTRIBUTING.md, enforced: same modules and verbs in every kit,
the base class's signatures, docstrings on the public surface, short functions, one
exception type for data problems.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path

import hdhkits
import pytest
from hdhkits.findings import DataError
from hdhkits.problem import KITS, Problem, get_problem

#: The verbs every kit module offers, and the parameters they take first.
VERBS = {
    "schema": {
        "check_data": ["data_dir", "deep"],
        "read_train": ["data_dir", "check"],
        "read_test": ["data_dir", "check"],
    },
    "twin": {"make_twin": ["data_dir", "truth_dir", "seed", "size"]},
    "metric": {"score": ["truth", "submission"]},
    "baselines": {"oracle_score": []},
    "quirks": {},
}
#: Methods of the scikit-learn and PyTorch protocols: their meaning is the protocol's,
#: documented on the class, so they need no docstring of their own.
PROTOCOL_METHODS = {
    "fit",
    "transform",
    "fit_transform",
    "predict",
    "predict_proba",
    "decision_function",
    "get_feature_names_out",
    "forward",
    "score",
}
CONTRACT_METHODS = (
    "make_twin",
    "check_data",
    "validate_submission",
    "score_submission",
    "read_truth",
    "sample_submission",
    "unit_metric",
    "demo_submissions",
    "make_model",
    "fit_model",
    "unfitted",
    "stamped_settings",
    "model_file",
    "save_model_file",
    "load_model_file",
    "teaching",
    "demo_noise",
    "quirks",
    "fidelity_table",
    "signal_table",
)
MAX_BODY_LINES = 60


def kit_package(kit: str) -> str:
    """The package a kit lives in (``hdhkits.annitia``, or its own distribution's): where its Problem is defined."""
    return type(get_problem(kit)).__module__.rpartition(".")[0]


def _package_modules(prefix: str = "hdhkits") -> list[str]:
    package = importlib.import_module(prefix)
    names = [prefix] if prefix != "hdhkits" else []
    for info in pkgutil.walk_packages(package.__path__, prefix + "."):
        names.append(info.name)
    return names


def _body_lines(node: ast.FunctionDef) -> int:
    # Lines on which a statement starts (the def line included, the docstring not): the
    # count does not change when the formatter spreads one call over several lines.
    starts = {s.lineno for s in ast.walk(node) if isinstance(s, ast.stmt)}
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        starts.discard(first.lineno)
    return len(starts)


def long_functions(path: Path, limit: int = MAX_BODY_LINES) -> list[str]:
    """``name (N lines)`` for every function of a source file longer than ``limit`` (docstring excluded)."""
    tree = ast.parse(path.read_text())
    return [
        f"{path.name}:{node.lineno} {node.name} ({_body_lines(node)} lines)"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _body_lines(node) > limit
    ]


def _public_undocumented(module) -> list[str]:
    missing = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            if not (obj.__doc__ or "").strip():
                missing.append(name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or attr in PROTOCOL_METHODS or not inspect.isfunction(member):
                    continue
                if not (member.__doc__ or "").strip():
                    missing.append(f"{name}.{attr}")
    return missing


@pytest.mark.parametrize("kit", KITS)
@pytest.mark.parametrize("module", list(VERBS))
def test_every_kit_has_the_core_modules_and_verbs(kit, module):
    mod = importlib.import_module(f"{kit_package(kit)}.{module}")
    for verb, params in VERBS[module].items():
        assert callable(getattr(mod, verb, None)), f"{kit_package(kit)}.{module} has no {verb}()"
        got = list(inspect.signature(getattr(mod, verb)).parameters)[: len(params)]
        assert got == params, f"{kit_package(kit)}.{module}.{verb}{inspect.signature(getattr(mod, verb))}"
    if module == "quirks":
        assert isinstance(mod.QUIRKS, (tuple, list))


@pytest.mark.parametrize("kit", KITS)
def test_problem_methods_keep_the_base_signatures(kit):
    problem = get_problem(kit)
    for method in CONTRACT_METHODS:
        base = inspect.signature(getattr(Problem, method))
        mine = inspect.signature(getattr(type(problem), method))
        assert [(p.name, p.kind, p.default) for p in mine.parameters.values()] == [
            (p.name, p.kind, p.default) for p in base.parameters.values()
        ], f"{kit}: {method}{mine}"
        assert (inspect.getdoc(getattr(type(problem), method)) or "").strip(), f"{kit}: {method} has no docstring"


@pytest.mark.parametrize("kit", KITS)
def test_public_surface_is_documented(kit):
    missing = {}
    for name in _package_modules(kit_package(kit)):
        undocumented = _public_undocumented(importlib.import_module(name))
        if undocumented:
            missing[name] = undocumented
    assert not missing, f"public names without a docstring: {missing}"


@pytest.mark.parametrize("kit", KITS)
def test_no_long_functions_in_a_kit(kit):
    package = Path(importlib.import_module(kit_package(kit)).__file__).parent
    offenders = [f for path in sorted(package.rglob("*.py")) for f in long_functions(path)]
    assert not offenders, f"split these into named steps: {offenders}"


def test_no_long_functions_in_the_base_package():
    base = Path(hdhkits.__file__).parent
    kits = {Path(importlib.import_module(kit_package(k)).__file__).parent for k in KITS}
    offenders = [
        f
        for path in sorted(base.rglob("*.py"))
        if not any(k in path.parents for k in kits)
        for f in long_functions(path)
    ]
    assert not offenders, f"split these into named steps: {offenders}"


def test_the_length_rule_can_fail(tmp_path):
    # The count is the def line plus the body, docstring excluded.
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_BODY_LINES))
    (tmp_path / "long.py").write_text(f'def f():\n    """Doc."""\n{body}\n')
    assert long_functions(tmp_path / "long.py") == [f"long.py:1 f ({MAX_BODY_LINES + 1} lines)"]
    short = "\n".join(body.splitlines()[:-1])
    (tmp_path / "short.py").write_text(f'def f():\n    """Doc\n\n    more.\n    """\n{short}\n')
    assert long_functions(tmp_path / "short.py") == []


@pytest.mark.parametrize("kit", KITS)
def test_data_problems_raise_data_error(kit, tmp_path):
    schema = importlib.import_module(f"{kit_package(kit)}.schema")
    for reader in (schema.read_train, schema.read_test):
        with pytest.raises(DataError):
            reader(tmp_path)
    findings = get_problem(kit).check_data(tmp_path)
    assert findings and all(f.file or f.kind for f in findings if f.is_error)
    with pytest.raises(DataError):
        get_problem(kit).read_truth(tmp_path)


# --- The house: one vocabulary, one-way imports, small modules ----------------

#: Modules every kit holds for the concepts the three share, and the names each offers.
SHARED_CONCEPTS = {
    "evaluation": ("cv_folds", "score_interval", "paired_difference"),
    "problem": ("make_submission",),
    "plausibility": ("PLAUSIBLE_RANGES", "plausibility_findings", "plausible_values"),
}
#: One shape behind each shared name: the parameters (name, kind, default) and the return
#: annotation every kit's function has, whatever the types of ``truth`` or ``test`` it takes.
SHARED_SIGNATURES = {
    ("evaluation", "cv_folds"): "(train, n_splits=5, n_repeats=1, seed=0) -> list[tuple[np.ndarray, np.ndarray]]",
    ("evaluation", "score_interval"): "(truth, predictions, n_boot=200, seed=0) -> dict[str, Interval]",
    ("evaluation", "paired_difference"): "(truth, predictions, reference, n_boot=200, seed=0) -> Interval",
    ("problem", "make_submission"): "(model, test) -> pd.DataFrame",
}
#: The loop of every kit lives once, in :mod:`hdhkits.saved`; each kit offers it as its own.
LOOP_NAMES = (
    "YOURS",
    "save_model",
    "load_or_train",
    "save_choice",
    "load_choice",
    "chosen_model",
    "choose_best",
    "model_label",
)
MAX_MODULE_LINES = 600
#: What a kit's ``__all__`` holds at most: the names its notebooks, README and docs use.
MAX_PUBLIC_NAMES = 40
PACKAGE_ROOT = Path(hdhkits.__file__).parent


def _sources() -> list[Path]:
    return sorted(PACKAGE_ROOT.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str, list[tuple[str, str | None]]]]:
    """``(line, absolute module, [(name, asname)])`` for every import of a source file, in functions too."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, [("", a.asname)]) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module, [(a.name, a.asname) for a in node.names]))
    return found


def _project_edges() -> dict[str, set[str]]:
    """Module -> the project modules it imports (a package's ``__init__`` only when named itself)."""
    known = {_module_name(p) for p in _sources()}
    edges: dict[str, set[str]] = {}
    for path in _sources():
        me = _module_name(path)
        for _, module, names in _imports(path):
            if not module.startswith("hdhkits"):
                continue
            targets = {f"{module}.{n}" for n, _ in names if f"{module}.{n}" in known}
            if len(targets) < len([n for n, _ in names if n]) or not targets:
                targets.add(module)  # names taken from the module itself
            edges.setdefault(me, set()).update(t for t in targets if t in known and t != me)
    return edges


def import_circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return circles


@pytest.mark.parametrize("kit", KITS)
@pytest.mark.parametrize("concept", list(SHARED_CONCEPTS))
def test_every_kit_names_the_shared_concepts_alike(kit, concept):
    mod = importlib.import_module(f"{kit_package(kit)}.{concept}")
    missing = [name for name in SHARED_CONCEPTS[concept] if not hasattr(mod, name)]
    assert not missing, f"{kit_package(kit)}.{concept} has no {missing}"
    assert set(SHARED_CONCEPTS[concept]) <= set(mod.__all__), f"{kit_package(kit)}.{concept}.__all__"
    package = importlib.import_module(kit_package(kit))
    assert all(getattr(package, n, None) is getattr(mod, n) for n in SHARED_CONCEPTS[concept] if n.islower()), (
        f"{kit_package(kit)} offers the shared names of its {concept} module as they are"
    )
    if concept == "plausibility":
        assert isinstance(mod.PLAUSIBLE_RANGES, dict) and mod.PLAUSIBLE_RANGES
        params = list(inspect.signature(mod.plausibility_findings).parameters)[:2]
        assert params == ["frame", "file"], f"{kit_package(kit)}.plausibility.plausibility_findings{params}"


def signature_text(function) -> str:
    """``(a, b=1, *, c=2) -> T``: the parameters' names, kinds and defaults and the return annotation, no types."""
    sig = inspect.signature(function)
    bare = sig.replace(
        parameters=[p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()],
        return_annotation=inspect.Signature.empty,
    )
    returned = sig.return_annotation
    if returned is inspect.Signature.empty:
        return f"{bare} -> (no return annotation)"
    return f"{bare} -> {returned if isinstance(returned, str) else inspect.formatannotation(returned)}"


def misshaped(kit: str) -> list[str]:
    """Every shared name of ``kit`` whose shape is not :data:`SHARED_SIGNATURES`', as sentences."""
    out = []
    for (module, name), expected in SHARED_SIGNATURES.items():
        function = getattr(importlib.import_module(f"{kit_package(kit)}.{module}"), name, None)
        if function is None:
            out.append(f"{kit_package(kit)}.{module} has no {name}")
        elif (got := signature_text(function)) != expected:
            out.append(f"{kit_package(kit)}.{module}.{name}{got}; the contract: {name}{expected}")
    return out


@pytest.mark.parametrize("kit", KITS)
def test_every_kit_gives_each_shared_name_one_shape(kit):
    assert misshaped(kit) == []


def test_a_misshaped_kit_function_fails_the_contract(monkeypatch):
    kit = KITS[0]
    module = importlib.import_module(f"{kit_package(kit)}.evaluation")

    def cv_folds(train, n_splits=5, seed=0, n_repeats=1):  # the order of another kit's older shape
        return []

    monkeypatch.setattr(module, "cv_folds", cv_folds)
    problems = misshaped(kit)
    assert len(problems) == 1 and f"{kit_package(kit)}.evaluation.cv_folds(train, n_splits=5, seed=0" in problems[0]


@pytest.mark.parametrize("kit", KITS)
def test_every_kit_offers_the_one_loop(kit):
    import hdhkits.saved

    package = importlib.import_module(kit_package(kit))
    for name in LOOP_NAMES:
        assert getattr(package, name, None) is getattr(hdhkits.saved, name), f"{kit_package(kit)}.{name}"
        assert name in package.__all__, f"{kit_package(kit)}.__all__ lacks {name}"
    problem = get_problem(kit)
    assert problem.models and "yours" not in problem.models, f"{kit}: Problem.models names the kit's own models"


@pytest.mark.parametrize("kit", KITS)
def test_a_kits_public_face_is_small(kit):
    package = importlib.import_module(kit_package(kit))
    assert len(package.__all__) <= MAX_PUBLIC_NAMES, (
        f"{kit_package(kit)}.__all__ holds {len(package.__all__)} names: keep what the notebooks, READMEs and docs "
        "use, and reach the rest through its module"
    )


def test_no_module_is_over_600_lines():
    long = {
        str(p.relative_to(PACKAGE_ROOT)): n
        for p in _sources()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules by concern: {long}"


def test_imports_run_one_way():
    assert import_circles(_project_edges()) == []


def test_no_kit_imports_the_leaderboard():
    kits = tuple(kit_package(k) + "." for k in KITS)
    reach = {
        f"{module} -> {target}"
        for module, targets in _project_edges().items()
        if module.startswith(kits)
        for target in targets
        if target.startswith("hdhkits.leaderboard")
    }
    assert not reach, f"the leaderboard asks kits through their Problem; a kit never imports it: {sorted(reach)}"


def kit_module_strings(source: str, kits: tuple[str, ...]) -> list[str]:
    """Strings of ``source`` (docstrings aside) that name a kit's module, or build one's name from a variable."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    named = re.compile(r"\bhdhkits(_scoring)?\.(" + "|".join(map(re.escape, kits)) + r")\b")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if named.search(node.value):
                found.append(f"{node.lineno}: {node.value!r}")
        elif isinstance(node, ast.JoinedStr):
            for part, after in zip(node.values, node.values[1:]):
                text = part.value if isinstance(part, ast.Constant) else ""
                if isinstance(text, str) and text.endswith(("hdhkits.", "hdhkits_scoring.")):
                    if isinstance(after, ast.FormattedValue):
                        found.append(f"{node.lineno}: f-string {text!r}...")
    return sorted(found)


def test_the_base_names_no_kit_module_in_a_string():
    kits = {Path(importlib.import_module(kit_package(k)).__file__).parent for k in KITS}
    found = {
        str(path.relative_to(PACKAGE_ROOT)): hits
        for path in _sources()
        if not any(k in path.parents for k in kits)
        if (hits := kit_module_strings(path.read_text(), tuple(KITS)))
    }
    assert not found, f"reach a kit through its Problem (hdhkits.problem.get_problem), not by module name: {found}"


def test_the_kit_module_string_finder_can_fail():
    source = '"""hdhkits.annitia in a docstring is fine."""\nimport importlib\n'
    source += (
        'a = importlib.import_module(f"hdhkits.{kit}.demo")\nb = "hdhkits.annitia.quirks"\nc = "hdhkits.annitias"\n'
    )
    assert kit_module_strings(source, ("annitia",)) == ["3: f-string 'hdhkits.'...", "4: 'hdhkits.annitia.quirks'"]


def test_the_circle_finder_can_fail():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_circles(edges) == [["a", "b", "c"]]


def test_no_aliased_or_private_project_imports():
    aliased, private = [], []
    for path in _sources():
        for line, module, names in _imports(path):
            if not module.startswith("hdhkits"):
                continue
            where = f"{path.relative_to(PACKAGE_ROOT)}:{line}"
            aliased += [f"{where} {module} {n} as {a}" for n, a in names if a]
            private += [f"{where} {module}.{n}" for n, _ in names if n.startswith("_") and not n.startswith("__")]
    assert not aliased, f"import project names under their own name: {aliased}"
    assert not private, f"make these public in the module that owns them: {private}"


@pytest.mark.parametrize("kit", KITS)
def test_kit_test_files_are_named_after_modules(kit):
    package = Path(importlib.import_module(kit_package(kit)).__file__).parent
    modules = {p.stem for p in package.rglob("*.py") if p.stem != "__init__"} | {
        p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    tests = Path(__file__).parent / kit
    stray = [
        t.name
        for t in sorted(tests.glob("test_*.py"))
        if not any(t.stem == f"test_{m}" or t.stem.startswith(f"test_{m}_") for m in modules)
    ]
    assert not stray, f"name these tests after the module they test (test_<module>[_<aspect>].py): {stray}"
