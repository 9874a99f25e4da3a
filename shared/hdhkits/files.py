"""Atomic file and folder writing: a reader never sees a half-written output."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

__all__ = ["atomic_path", "atomic_dir", "write_csv", "write_json", "display_path"]


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; move it onto ``target`` on success.

    An existing ``target`` is replaced only once the new folder is complete.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        if target.exists():
            old = target.with_name(f".{target.name}.old.{os.getpid()}")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_csv(df: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Write a DataFrame as CSV atomically (no index unless asked). Returns the path."""
    kwargs.setdefault("index", False)
    with atomic_path(path) as tmp:
        df.to_csv(tmp, **kwargs)
    return Path(path)


def write_json(obj: Any, path: str | Path) -> Path:
    """Write an object as indented JSON atomically. Returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")
    return Path(path)


def display_path(path: str | Path) -> str:
    """A short, machine-independent rendering of a path for notebook outputs.

    Paths under the cache or output folders are shown from ``$HDHKITS_CACHE`` or
    ``$HDHKITS_OUTPUT_DIR`` when those are set, paths under the working folder relative
    to it, others from ``~``, so committed outputs hold no absolute
    machine paths.
    """
    path = Path(path).resolve()
    anchors = []
    for var in ("HDHKITS_CACHE", "HDHKITS_OUTPUT_DIR"):
        if os.environ.get(var):
            anchors.append((Path(os.environ[var]).resolve(), f"${var}"))
    anchors.append((Path.cwd().resolve(), "."))
    anchors.append((Path.home().resolve(), "~"))
    for anchor, label in anchors:
        try:
            rel = path.relative_to(anchor)
        except ValueError:
            continue
        return label if str(rel) == "." else f"{label}/{rel.as_posix()}"
    return path.as_posix()
