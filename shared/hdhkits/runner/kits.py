"""Where the kits' notebooks are: the repository's ``kits/`` folder."""

from __future__ import annotations

from pathlib import Path

__all__ = ["kits_root"]


def kits_root(start: Path | None = None) -> Path:
    """The repository's ``kits/`` folder.

    Looked for upward from ``start`` (default: the working folder), then beside the
    installed package (an editable install from a clone).

    Raises
    ------
    FileNotFoundError
        When no ``kits/`` folder with notebooks is found.
    """
    candidates = []
    here = (start or Path.cwd()).resolve()
    candidates += [p / "kits" for p in (here, *here.parents)]
    candidates.append(Path(__file__).resolve().parents[3] / "kits")  # shared/hdhkits/runner/kits.py
    for c in candidates:
        if c.is_dir() and any(c.glob("*/01_exploration.ipynb")):
            return c
    raise FileNotFoundError(
        "no kits/ folder with notebooks found; run from a clone of the repository "
        "(the notebooks are not part of the installed package) or pass --kits-dir"
    )
