"""Copy the code a kit's validation and metric run into a self-contained package.

A Codabench scoring program runs in a generic image that has the standard library,
NumPy, pandas and scikit-learn, not this package. Rather than a second, hand-written
copy of the metric (which would drift), the bundle carries the kit's own source,
pruned to what validating and scoring a submission reaches:

* start from a few names (the kit's ``PROBLEM``, ``read_submission``, ...);
* a name defined by a top-level statement brings that statement, and every name the
  statement reads brings its own definition, across modules of the package (relative
  imports are followed to the module that defines the name);
* classes are copied whole, except the problem classes (the kit's ``Problem`` subclass
  and its bases), which keep only the methods the scoring program calls, so the twin
  generator and the data reader's image code stay out;
* the kept statements are copied verbatim, in their order, into modules of the same
  names under a new top-level package; imports are re-emitted for the kept names only.

A package outside the standard library and :data:`ALLOWED_PACKAGES` that the kept code
imports at load time is an error, raised at build time: the scoring program would fail
on the platform. When only functions use it (CYTOLOGIA's image-size reader, which
validation calls only when an images folder is there), its import is moved into those
functions, so the copy loads without it; ``bundle --check`` runs the program behind an
import guard, so a scoring path that does call such a function fails the check.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ALLOWED_PACKAGES", "VendorError", "VendoredModule", "vendor_package"]

#: Third-party packages a scoring program may import in Codabench's default image
#: (scipy and joblib come with scikit-learn, which requires them).
ALLOWED_PACKAGES: frozenset[str] = frozenset({"numpy", "pandas", "sklearn", "scipy", "joblib"})


class VendorError(RuntimeError):
    """The kept code cannot be made self-contained (says which module and import)."""


@dataclass
class VendoredModule:
    """One module of the generated package: its dotted name and source text."""

    name: str
    path: Path
    source: str
    kept: list[ast.stmt] = field(default_factory=list)


def _module_file(root: Path, dotted: str) -> Path | None:
    base = root.joinpath(*dotted.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _loaded_names(node: ast.AST, skip_annotations: bool) -> set[str]:
    """Every name a statement reads (over-approximated: locals count too)."""
    names: set[str] = set()
    stack: list[ast.AST] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            names.add(n.id)
        for name, child in ast.iter_fields(n):
            # with `from __future__ import annotations`, annotations are strings never evaluated
            if skip_annotations and name in ("annotation", "returns"):
                continue
            if isinstance(child, list):
                stack.extend(c for c in child if isinstance(c, ast.AST))
            elif isinstance(child, ast.AST):
                stack.append(child)
    return names


def _bound_names(stmt: ast.stmt) -> set[str]:
    """The module-level names a top-level statement binds or mutates."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    targets: list[ast.AST] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute):
        targets = [stmt.value.func.value]  # NAME.update(...) mutates NAME
    elif isinstance(stmt, (ast.If, ast.Try, ast.For, ast.With)):
        out: set[str] = set()
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                out.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
                out.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                out |= {(a.asname or a.name).split(".")[0] for a in sub.names}
        return out
    out = set()
    for t in targets:
        while isinstance(t, (ast.Attribute, ast.Subscript)):
            t = t.value
        for sub in ast.walk(t):
            if isinstance(sub, ast.Name):
                out.add(sub.id)
    return out


class _Source:
    """A parsed module of the original package."""

    def __init__(self, root: Path, dotted: str):
        self.dotted = dotted
        path = _module_file(root, dotted)
        if path is None:
            raise VendorError(f"module {dotted} not found under {root}")
        self.path: Path = path
        self.text = self.path.read_text(encoding="utf-8")
        self.tree = ast.parse(self.text)
        self.lines = self.text.splitlines(keepends=True)
        self.is_package = self.path.name == "__init__.py"
        self.future = any(isinstance(s, ast.ImportFrom) and s.module == "__future__" for s in self.tree.body)
        self.defs: dict[str, list[int]] = {}
        for i, stmt in enumerate(self.tree.body):
            for name in _bound_names(stmt):
                self.defs.setdefault(name, []).append(i)

    def resolve(self, level: int, module: str | None, package: str) -> str | None:
        """The dotted name of an import's target module inside the package, else None."""
        if level == 0:
            if module and (module == package or module.startswith(package + ".")):
                return module
            return None
        parts = self.dotted.split(".")
        base = parts if self.is_package else parts[:-1]
        base = base[: len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    def start(self, stmt: ast.stmt) -> int:
        """0-based first line of a statement: decorators and the comment lines just above it included."""
        start = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])]) - 1
        while start > 0 and self.lines[start - 1].lstrip().startswith("#"):
            start -= 1
        return start

    def segment(self, stmt: ast.stmt) -> str:
        """The statement's source, verbatim."""
        return "".join(self.lines[self.start(stmt) : stmt.end_lineno])


class _Shaker:
    """Walks definitions from the entry names; see :func:`vendor_package`."""

    def __init__(
        self, root: Path, package: str, prune_classes: dict[tuple[str, str], set[str]], allowed: frozenset[str]
    ):
        self.root, self.package, self.prune, self.allowed = root, package, prune_classes, allowed
        self.sources: dict[str, _Source] = {}
        self.kept: dict[str, set[int]] = {}
        self.needed: dict[str, set[str]] = {}
        self.todo: list[tuple[str, str]] = []
        # id(function node) -> {name: import statement} to put inside that function
        self.deferred: dict[int, dict[str, ast.Import | ast.ImportFrom]] = {}

    def source(self, dotted: str) -> _Source:
        if dotted not in self.sources:
            if _module_file(self.root, dotted) is None:
                raise VendorError(f"module {dotted} not found under {self.root}")
            self.sources[dotted] = _Source(self.root, dotted)
        return self.sources[dotted]

    def need_module(self, dotted: str) -> None:
        """A module is imported: it and its parent packages exist in the copy."""
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            self.source(name)
            self.kept.setdefault(name, set())
            self.needed.setdefault(name, set())

    def need(self, dotted: str, name: str) -> None:
        if _module_file(self.root, f"{dotted}.{name}") is not None and name not in self.source(dotted).defs:
            self.need_module(f"{dotted}.{name}")  # `from . import submodule`
        else:
            self.todo.append((dotted, name))

    def check_external(self, src: _Source, module: str, at_load: bool = True) -> None:
        """Refuse an import of the package itself, or of a package the image lacks when it runs at load time."""
        top = module.split(".")[0]
        if top == self.package:
            raise VendorError(f"{src.dotted}: absolute import of {module!r}; the copy needs a relative import")
        if at_load and top and top != "__future__" and top not in sys.stdlib_module_names and top not in self.allowed:
            raise VendorError(
                f"{src.dotted} imports {module!r}, which Codabench's default image lacks; the scoring "
                f"program may use only the standard library and {', '.join(sorted(self.allowed))}"
            )

    def follow_import(self, src: _Source, stmt: ast.Import | ast.ImportFrom, name: str) -> None:
        """``name`` is bound by an import statement: find where it comes from."""
        for a in stmt.names:
            if (a.asname or a.name).split(".")[0] != name:
                continue
            if isinstance(stmt, ast.ImportFrom):
                target = src.resolve(stmt.level, stmt.module, self.package)
                if target is None:
                    self.check_external(src, stmt.module or "")
                else:
                    self.need_module(target)
                    self.need(target, a.name)
            else:
                self.check_external(src, a.name)

    def nested_imports(self, src: _Source, stmt: ast.stmt) -> None:
        """Imports inside functions run when called: follow the package's; the check's guard tests the others."""
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.ImportFrom):
                target = src.resolve(sub.level, sub.module, self.package)
                if target is None:
                    self.check_external(src, sub.module or "", at_load=False)
                    continue
                if sub.level == 0:
                    raise VendorError(
                        f"{src.dotted}: absolute import of {sub.module!r} inside a function; the copy "
                        "needs a relative import"
                    )
                self.need_module(target)
                for a in sub.names:
                    self.need(target, a.name)
            elif isinstance(sub, ast.Import):
                for a in sub.names:
                    self.check_external(src, a.name, at_load=False)

    def parts(self, src: _Source, stmt: ast.stmt) -> list[ast.AST]:
        """The pieces of a kept statement that are copied (a pruned class: its kept members only)."""
        if not isinstance(stmt, ast.ClassDef):
            return [stmt]
        members = self.prune.get((src.dotted, stmt.name))
        return [*stmt.bases, *stmt.keywords, *stmt.decorator_list] + [
            s
            for s in stmt.body
            if members is None or not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) or s.name in members
        ]

    def outside_import(self, src: _Source, name: str) -> ast.Import | ast.ImportFrom | None:
        """The top-level import binding ``name`` when it brings a package the image lacks."""
        for i in src.defs.get(name, []):
            stmt = src.tree.body[i]
            if isinstance(stmt, ast.ImportFrom) and src.resolve(stmt.level, stmt.module, self.package) is None:
                modules = [stmt.module or ""]
            elif isinstance(stmt, ast.Import):
                modules = [a.name for a in stmt.names if (a.asname or a.name).split(".")[0] == name]
            else:
                continue
            top = modules[0].split(".")[0]
            if top and top != "__future__" and top not in sys.stdlib_module_names and top not in self.allowed:
                return stmt
        return None

    def run(self) -> None:
        while self.todo:
            dotted, name = self.todo.pop()
            src = self.source(dotted)
            self.need_module(dotted)
            if name in self.needed[dotted]:
                continue
            self.needed[dotted].add(name)
            if name not in src.defs:
                raise VendorError(f"{dotted} defines no {name!r}")
            for i in src.defs[name]:
                stmt = src.tree.body[i]
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    self.kept[dotted].add(i)
                    self.follow_import(src, stmt, name)
                    continue
                if i in self.kept[dotted]:
                    continue
                self.kept[dotted].add(i)
                for part in self.parts(src, stmt):
                    if isinstance(part, ast.stmt):
                        self.nested_imports(src, part)
                    for read in _loaded_names(part, src.future):
                        outside = self.outside_import(src, read)
                        if outside is None:
                            if read in src.defs:
                                self.todo.append((dotted, read))
                        elif isinstance(part, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            # needed only when the function runs: the copy imports it there, not at load time
                            self.deferred.setdefault(id(part), {})[read] = outside
                        else:
                            self.check_external(src, getattr(outside, "module", None) or read)

    def render(self, dotted: str, new_name: str, note: str) -> str:
        """The pruned module's source."""
        src = self.sources[dotted]
        body = src.tree.body
        out: list[str] = []
        first = 0
        head = body[0] if body else None
        if isinstance(head, ast.Expr) and isinstance(head.value, ast.Constant) and isinstance(head.value.value, str):
            out.append(src.segment(head))
            first = 1
        out.append(f"# {note}\n")
        if src.future:
            out.append("from __future__ import annotations\n")
        out.append("\n")
        for i in sorted(self.kept[dotted]):
            if i < first:
                continue
            stmt = body[i]
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                continue
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                out.append(self._render_import(stmt, dotted, new_name))
                continue
            if out and not out[-1].endswith("\n\n"):
                out.append("\n")  # a blank line after the imports and between constants
            members = self.prune.get((dotted, getattr(stmt, "name", "")))
            methods_deferred = isinstance(stmt, ast.ClassDef) and any(id(s) in self.deferred for s in stmt.body)
            if isinstance(stmt, ast.ClassDef) and (members is not None or methods_deferred):
                out.append("".join(src.lines[src.start(stmt) : src.start(stmt.body[0])]))
                for sub in stmt.body:
                    if (
                        members is None
                        or not isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef))
                        or sub.name in members
                    ):
                        out.append(self._function(src, sub))
                out.append("\n\n")
                continue
            out.append(self._function(src, stmt))
            out.append("\n\n" if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) else "")
        return "".join(out).rstrip() + "\n"

    def _function(self, src: _Source, stmt: ast.stmt) -> str:
        """A statement's source; a function with deferred imports gets them as its first lines."""
        text = src.segment(stmt)
        deferred = self.deferred.get(id(stmt))
        if not deferred or not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return text  # imports are deferred into functions only
        body = stmt.body
        has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant)
        anchor = body[1] if has_doc and len(body) > 1 else body[0]
        if anchor.lineno == stmt.lineno or (has_doc and len(body) == 1):
            raise VendorError(f"{src.dotted}.{stmt.name}: cannot move its import of {sorted(deferred)} inside it")
        lines = text.splitlines(keepends=True)
        at = src.start(anchor) - src.start(stmt)
        indent = " " * anchor.col_offset
        imports = []
        for name, node in sorted(deferred.items()):
            alias = [a for a in node.names if (a.asname or a.name).split(".")[0] == name]
            copy = (
                ast.ImportFrom(node.module, alias, node.level)
                if isinstance(node, ast.ImportFrom)
                else ast.Import(alias)
            )
            imports.append(
                f"{indent}{ast.unparse(copy)}  # moved here by hdhkits bundle: only this function needs it\n"
            )
        return "".join(lines[:at] + imports + lines[at:])

    def _render_import(self, stmt: ast.Import | ast.ImportFrom, dotted: str, new_name: str) -> str:
        names = [a for a in stmt.names if (a.asname or a.name).split(".")[0] in self.needed[dotted]]
        if not names:
            return ""
        node: ast.stmt
        if isinstance(stmt, ast.ImportFrom):
            module = stmt.module
            if stmt.level == 0 and module and module.split(".")[0] == self.package:
                module = new_name + module[len(self.package) :]
            node = ast.ImportFrom(module=module, names=names, level=stmt.level)
        else:
            node = ast.Import(names=names)
        return ast.unparse(node) + "\n"


def vendor_package(
    root: Path,
    package: str,
    entry: dict[str, set[str]],
    prune_classes: dict[tuple[str, str], set[str]],
    new_name: str,
    note: str = "",
    allowed: frozenset[str] = ALLOWED_PACKAGES,
) -> list[VendoredModule]:
    """The pruned copy of ``package`` that defines the ``entry`` names.

    Parameters
    ----------
    root : Path
        Folder holding the package folder (``shared/``).
    package : str
        Top-level package name (``hdhkits``).
    entry : dict
        Module (dotted) to the names the generated code must define there.
    prune_classes : dict
        ``(module, class name)`` to the methods to keep; the other methods of those
        classes are left out (class attributes and the docstring stay).
    new_name : str
        Top-level name of the generated package.
    note : str
        A comment line put under each module's docstring (e.g. where it comes from).
    allowed : frozenset of str
        Third-party top-level packages the kept code may import.

    Returns
    -------
    list of VendoredModule
        Every module of the generated package (``__init__`` modules included), with
        paths relative to the generated package's parent folder.

    Raises
    ------
    VendorError
        A kept statement imports a package outside the standard library and
        ``allowed``, or a name is not where an import says it is.
    """
    shaker = _Shaker(Path(root), package, prune_classes, allowed)
    for dotted, names in entry.items():
        shaker.need_module(dotted)
        for name in sorted(names):
            shaker.todo.append((dotted, name))
    shaker.run()
    out = []
    for dotted in sorted(shaker.kept):
        src = shaker.sources[dotted]
        rel = src.path.relative_to(Path(root) / package)
        text = shaker.render(dotted, new_name, note or f"pruned copy of {package}/{rel.as_posix()}")
        out.append(
            VendoredModule(
                new_name + dotted[len(package) :],
                Path(new_name, rel),
                text,
                [src.tree.body[i] for i in sorted(shaker.kept[dotted])],
            )
        )
    return out
