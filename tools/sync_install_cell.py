"""Write every notebook's setup cell and Colab badge from the one setting, the repository's address.

Usage::

    python tools/sync_install_cell.py            # every notebook under kits/
    python tools/sync_install_cell.py --check    # exit 1 listing the notebooks out of sync
    python tools/sync_install_cell.py /tmp/kits-copy   # other folders or notebooks

The address is ``[project.urls] Repository`` in ``pyproject.toml`` (read by
:mod:`hdhkits.install`). Two places of each notebook come from it:

- the setup cell, the code cell that tests ``"google.colab" in sys.modules``
  (CONTRIBUTING.md, notebook template), becomes ``hdhkits.install.setup_cell_source()``;
- the badge line of the first cell, ``[![Open In Colab](...)](...)``, becomes
  ``hdhkits.install.badge_line(<kit>, <notebook>)``, the kit being the notebook's folder.

Nothing else changes: the setup cell's outputs and metadata, the first cell's other lines
(byte for byte), the other cells and the file's JSON layout, so a sync shows in ``git
diff`` as those lines alone. Each notebook is written atomically (a reader never sees half
a file) and only when something differs. Run it after changing the address or bumping the
version; ``tests/test_install.py`` fails until then.

Exit status: 0 when every notebook is (now) in sync; 1 with ``--check`` when some are out
of sync, or in either mode when a notebook has no setup cell or cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from pathlib import Path

from hdhkits.files import atomic_path
from hdhkits.install import REPOSITORY, badge_line, setup_cell_source

REPO = Path(__file__).resolve().parents[1]
# What marks the setup cell; the same test test_notebook_template.py applies.
_MARKER = '"google.colab" in sys.modules'
# A badge line of the first cell: "[![Open In Colab](<image>)](<target>)", alone on its line.
_BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")


class NotebookProblem(Exception):
    """A notebook the tool cannot sync: unreadable, or without a setup cell."""


def notebooks(paths: list[Path]) -> list[Path]:
    """The notebooks named by ``paths``: files as given, folders searched recursively.

    Jupyter's ``.ipynb_checkpoints`` copies are skipped: they are not the notebooks.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb" and path.is_file():
            found.append(path)
        else:
            raise NotebookProblem(f"{path}: not a notebook or a folder; give .ipynb files or folders holding them")
    return found


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookProblem(f"{path}: cannot be read as a notebook ({exc}); fix or restore it from git") from exc


def setup_cell(nb: dict, path: Path) -> dict:
    """The notebook's setup cell (first code cell testing ``"google.colab" in sys.modules``)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and _MARKER in _source(cell):
            return cell
    raise NotebookProblem(
        f"{path}: no setup cell (a code cell testing {_MARKER!r}); "
        "add one before the imports cell, as CONTRIBUTING.md's notebook template shows"
    )


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _badge_index(lines: list[str], path: Path) -> int:
    """The index of the first cell's badge line in ``lines`` (Jupyter's list of lines)."""
    for i, line in enumerate(lines):
        if _BADGE.fullmatch(line.rstrip("\r\n").strip()):
            return i
    raise NotebookProblem(
        f"{path}: no Colab badge line in the first cell ([![Open In Colab](...)](...) on a line of its own); "
        "add one under the title paragraph, as CONTRIBUTING.md's notebook template shows"
    )


def _lines(cell: dict) -> list[str]:
    source = cell.get("source", "")
    return list(source) if isinstance(source, list) else source.splitlines(keepends=True)


def _dump(nb: dict) -> str:
    # nbformat's own layout, so an untouched cell's bytes stay identical
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def sync(path: Path, source: str, write: bool) -> list[str]:
    """Bring one notebook's setup cell to ``source`` and its badge to :func:`hdhkits.install.badge_line`.

    Parameters
    ----------
    path
        The notebook; its folder's name is the kit the badge names.
    source
        The setup cell's expected source.
    write
        Rewrite the notebook when something differs (else only report).

    Returns
    -------
    list of str
        What differed: ``"setup cell"``, ``"badge"``, both or none.

    Raises
    ------
    NotebookProblem
        The notebook is unreadable, or has no setup cell or no badge line in its first cell.
    """
    nb = _load(path)
    cell = setup_cell(nb, path)
    first = nb["cells"][0] if nb.get("cells") else {}
    lines = _lines(first)
    at = _badge_index(lines, path)
    old = lines[at]
    ending = old[len(old.rstrip("\r\n")) :]
    badge = old[: len(old) - len(old.lstrip())] + badge_line(path.parent.name, path.name) + ending
    differing = [name for name, same in (("setup cell", _source(cell) == source), ("badge", old == badge)) if not same]
    if differing and write:
        # stored as Jupyter stores it: a list of lines, each but the last keeping its newline
        cell["source"] = source.splitlines(keepends=True)
        lines[at] = badge
        first["source"] = lines if isinstance(first.get("source"), list) else "".join(lines)
        mode = stat.S_IMODE(path.stat().st_mode)
        with atomic_path(path) as tmp:
            tmp.write_text(_dump(nb), encoding="utf-8")
            os.chmod(tmp, mode)  # mkstemp makes 0600; keep the notebook's own mode
    return differing


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, default=[REPO / "kits"], help="notebooks or folders to search (default: kits/)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 listing the notebooks whose setup cell or badge is out of sync",
    )
    args = parser.parse_args(argv)
    source = setup_cell_source()
    try:
        paths = notebooks(args.paths)
    except NotebookProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not paths:
        print(f"error: no notebooks under {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 1
    differing, problems = {}, []
    for path in paths:
        try:
            if parts := sync(path, source, write=not args.check):
                differing[path] = parts
        except NotebookProblem as exc:
            problems.append(str(exc))
    for message in problems:
        print(f"error: {message}", file=sys.stderr)
    verb = "out of sync" if args.check else "updated"
    for path, parts in differing.items():
        print(f"{verb}: {_shown(path)} ({', '.join(parts)})")
    if args.check and differing:
        print(
            f"{len(differing)} of {len(paths)} notebook(s) out of sync; run: python tools/sync_install_cell.py",
            file=sys.stderr,
        )
    elif not args.check:
        print(
            f"{len(differing)} of {len(paths)} notebook(s) updated; setup cell and badge from "
            f"pyproject.toml's [project.urls] Repository ({REPOSITORY})"
        )
    return 1 if problems or (args.check and differing) else 0


if __name__ == "__main__":
    sys.exit(main())
