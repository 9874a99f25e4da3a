"""Atomic file and folder writing: a reader never sees a half-written output."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "atomic_dir",
    "atomic_path",
    "display_path",
    "file_digest",
    "make_parents",
    "remove_empty",
    "text_file_problem",
    "write_csv",
    "write_json",
]


def make_parents(folder: str | Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return the ones created, deepest first.

    A caller that fails later removes them with :func:`remove_empty`, so an interrupted
    or refused write leaves no empty folder behind.
    """
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Remove the folders given (deepest first) that are empty; leave the others."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception (Ctrl-C and a full disk included) the temporary file is removed,
    ``target`` is left as it was and the folders created for it are removed again.
    """
    target = Path(target)
    created = make_parents(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except BaseException:
        remove_empty(created)
        raise
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        _default_mode(tmp_path, 0o666)
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        remove_empty(created)
        raise
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; move it onto ``target`` on success.

    An existing ``target`` is replaced only once the new folder is complete; when the
    final move fails (a full disk, a refused rename) the old folder is put back. On any
    exception the temporary folder and the parents created for it are removed.
    """
    target = Path(target)
    created = make_parents(target.parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except BaseException:
        remove_empty(created)
        raise
    try:
        yield tmp
        _default_mode(tmp, 0o777)
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        remove_empty(created)
        raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _default_mode(path: Path, mode: int) -> None:
    """Give ``path`` the permissions a plain ``open``/``mkdir`` would (mkstemp and mkdtemp make them private)."""
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        path.chmod(mode & ~umask)


def _replace_dir(new: Path, target: Path) -> None:
    """Move ``new`` onto ``target``; an existing ``target`` comes back when the move fails."""
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.old.{os.getpid()}")
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)  # the reader keeps the complete old folder rather than none
        raise
    shutil.rmtree(old, ignore_errors=True)


#: Leading bytes that say what a file is when it is not UTF-8 text.
_MAGIC = (
    (b"\xff\xfe", "is UTF-16 encoded", "save it as UTF-8 (in a spreadsheet: CSV UTF-8)"),
    (b"\xfe\xff", "is UTF-16 encoded", "save it as UTF-8 (in a spreadsheet: CSV UTF-8)"),
    (b"\x1f\x8b", "is gzip-compressed", "decompress it first (gunzip)"),
    (b"PK\x03\x04", "is a zip archive (or an .xlsx workbook)", "extract it, or export the sheet as CSV"),
    (b"\x89PNG", "is a PNG image, not a CSV", "pass the CSV file"),
    (b"\xff\xd8\xff", "is a JPEG image, not a CSV", "pass the CSV file"),
)


def text_file_problem(path: str | Path, sample_bytes: int = 1 << 20) -> str | None:
    """Why a file cannot be read as UTF-8 CSV text, as ``what is wrong; the fix``, or None.

    Looks at what is there (nothing, a folder, a broken link, an unreadable or empty
    file) and at the first ``sample_bytes`` (UTF-16, compressed or binary content,
    another 8-bit encoding such as latin-1). It does not parse the CSV: a readable
    text file gives None.

    Parameters
    ----------
    path : str or Path
        The file.
    sample_bytes : int
        How much of the file to read.

    Returns
    -------
    str or None
        One sentence with the fix after ``;``, or None when the file reads as text.
    """
    path = Path(path)
    if path.is_symlink() and not path.exists():
        return f"is a link to {os.readlink(path)}, which does not exist; point it at the file or copy the file here"
    if path.is_dir():
        return "is a folder, not a file; pass the file itself"
    if not path.exists():
        return "file not found; check the path"
    try:
        with open(path, "rb") as f:
            head = f.read(sample_bytes)
    except PermissionError:
        return "cannot be read (permission denied); give yourself read access (chmod u+r) or copy the file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc}); copy the file again"
    if not head.strip():
        return "is empty; download or write the file again"
    for magic, what, fix in _MAGIC:
        if head.startswith(magic):
            return f"{what}; {fix}"
    if b"\x00" in head:
        return "holds binary data (NUL bytes), not CSV text; pass the CSV file"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multi-byte character cut by the sample's end
            return (
                f"is not UTF-8 text (byte {exc.start}: {head[exc.start : exc.start + 1]!r}; latin-1 or a "
                "Windows code page?); save it as UTF-8 (in a spreadsheet: CSV UTF-8)"
            )
    return None


def file_digest(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, as 64 hex characters, read ``chunk_bytes`` at a time.

    Parameters
    ----------
    path : str or Path
        The file.
    chunk_bytes : int
        How much to read at once (memory stays flat on files of gigabytes).

    Returns
    -------
    str
        The hex digest, as ``sha256sum`` prints it.
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(chunk_bytes), b""):
            digest.update(block)
    return digest.hexdigest()


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
