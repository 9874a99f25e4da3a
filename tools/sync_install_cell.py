"""Rewrite every notebook's setup cell to ``hdhkits.install.setup_cell_source()``.

Usage::

    python tools/sync_install_cell.py            # every notebook under kits/
    python tools/sync_install_cell.py --check    # exit 1 listing the notebooks out of sync
    python tools/sync_install_cell.py /tmp/kits-copy   # other folders or notebooks

The setup cell is the notebook's code cell that tests ``"google.colab" in sys.modules``
(CONTRIBUTING.md, notebook template). Only that cell's source changes: its outputs and
metadata, the other cells and the file's JSON layout stay as they are, so a sync shows in
``git diff`` as the install line alone. Each notebook is written atomically (a reader never
sees half a file) and only when its cell differs. Run it after bumping
``hdhkits.__version__``; ``tests/test_install.py`` fails until then.

Exit status: 0 when every notebook is (now) in sync; 1 with ``--check`` when some are out
of sync, or in either mode when a notebook has no setup cell or cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from pathlib import Path

from hdhkits.files import atomic_path
from hdhkits.install import setup_cell_source

REPO = Path(__file__).resolve().parents[1]
# What marks the setup cell; the same test test_notebook_template.py applies.
_MARKER = '"google.colab" in sys.modules'


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


def _dump(nb: dict) -> str:
    # nbformat's own layout, so an untouched cell's bytes stay identical
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def sync(path: Path, source: str, write: bool) -> bool:
    """Bring one notebook's setup cell to ``source``.

    Parameters
    ----------
    path
        The notebook.
    source
        The setup cell's expected source.
    write
        Rewrite the notebook when it differs (else only report).

    Returns
    -------
    bool
        Whether the setup cell differed from ``source``.

    Raises
    ------
    NotebookProblem
        The notebook is unreadable or has no setup cell.
    """
    nb = _load(path)
    cell = setup_cell(nb, path)
    if _source(cell) == source:
        return False
    if write:
        # stored as Jupyter stores it: a list of lines, each but the last keeping its newline
        cell["source"] = source.splitlines(keepends=True)
        mode = stat.S_IMODE(path.stat().st_mode)
        with atomic_path(path) as tmp:
            tmp.write_text(_dump(nb), encoding="utf-8")
            os.chmod(tmp, mode)  # mkstemp makes 0600; keep the notebook's own mode
    return True


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
        help="change nothing; exit 1 listing the notebooks whose setup cell is out of sync",
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
    differing, problems = [], []
    for path in paths:
        try:
            if sync(path, source, write=not args.check):
                differing.append(path)
        except NotebookProblem as exc:
            problems.append(str(exc))
    for message in problems:
        print(f"error: {message}", file=sys.stderr)
    if args.check:
        for path in differing:
            print(f"out of sync: {_shown(path)}")
        if differing:
            print(
                f"{len(differing)} of {len(paths)} notebook(s) out of sync; run: python tools/sync_install_cell.py",
                file=sys.stderr,
            )
    else:
        for path in differing:
            print(f"updated: {_shown(path)}")
        print(f"{len(differing)} of {len(paths)} notebook(s) updated; setup cell installs the release tag")
    return 1 if problems or (args.check and differing) else 0


if __name__ == "__main__":
    sys.exit(main())
