"""The record of a run (``run.json``): settings, data sources, library versions and every notebook's outcome.

:func:`write_run_record` saves what the HTML report needs beside the executed
notebooks; :func:`read_run_record` reads it back for ``hdhkits run --report-only``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from dataclasses import asdict
from pathlib import Path

from ..datasource import locate_data
from ..files import file_digest, write_json
from ..problem import get_problem
from .execute import NotebookRun

__all__ = ["RUN_RECORD", "data_source_record", "library_versions", "read_run_record", "write_run_record"]

#: The file in the output folder that records a run for ``hdhkits run --report-only``.
RUN_RECORD = "run.json"


def _fingerprint(folder: Path) -> list[dict]:
    """Name, size and sha256 of each file of an official folder; a sub-folder as one combined entry."""
    out = []
    for item in sorted(folder.iterdir()):
        if item.name.startswith("."):
            continue
        if item.is_file():
            out.append({"name": item.name, "bytes": item.stat().st_size, "sha256": file_digest(item)})
        elif item.is_dir():
            files = sorted(p for p in item.rglob("*") if p.is_file())
            combined = hashlib.sha256()
            for p in files:  # one line per file, so the digest changes when any file or name does
                combined.update(f"{p.relative_to(item).as_posix()} {file_digest(p)}\n".encode())
            out.append(
                {
                    "name": item.name + "/",
                    "files": len(files),
                    "bytes": sum(p.stat().st_size for p in files),
                    "sha256": combined.hexdigest(),
                }
            )
    return out


def data_source_record(kit: str, data_dir: str | Path | None, quick: bool, seed: int) -> dict:
    """Where a kit's notebooks read their data: the twin (seed, size, version) or an official folder.

    An official folder is named by its last path component only, with each file's
    sha256 (no absolute path goes into the record).
    """
    problem = get_problem(kit)
    folder, origin = locate_data(problem, data_dir)
    if folder is None:
        return {
            "kind": "twin",
            "seed": int(seed),
            "size": "quick" if quick else "default",
            "twin_version": problem.twin_version,
        }
    return {
        "kind": "official",
        "origin": "--data" if origin == "parameter" else f"${problem.env_var}",
        "folder": folder.resolve().name,
        "files": _fingerprint(folder) if folder.is_dir() else [],
    }


def library_versions() -> dict[str, str]:
    """Python, hdhkits and the libraries the kits use, by distribution name."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    out = {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "hdhkits": __version__,
    }
    for dist in (
        "numpy",
        "pandas",
        "scipy",
        "scikit-learn",
        "scikit-survival",
        "lifelines",
        "torch",
        "matplotlib",
        "seaborn",
        "pillow",
        "papermill",
        "nbconvert",
        "ipykernel",
    ):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def write_run_record(out_dir: str | Path, runs: list[NotebookRun], settings: dict, sources: dict[str, dict]) -> Path:
    """Save ``run.json``: settings, data sources, versions and every run (paths relative to ``out_dir``)."""
    out = Path(out_dir).resolve()
    rows = []
    for r in runs:
        row = asdict(r)
        if r.executed is not None:
            try:
                row["executed"] = Path(r.executed).resolve().relative_to(out).as_posix()
            except ValueError:
                row["executed"] = Path(r.executed).name
        rows.append(row)
    record = {
        "settings": settings,
        "data_sources": sources,
        "versions": library_versions(),
        "runs": rows,
        "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return write_json(record, out / RUN_RECORD)


def read_run_record(out_dir: str | Path) -> dict:
    """The ``run.json`` of an output folder.

    Raises
    ------
    FileNotFoundError
        With a sentence naming the folder, when it holds no run record.
    """
    path = Path(out_dir) / RUN_RECORD
    if not path.is_file():
        raise FileNotFoundError(
            f"{out_dir}: holds no {RUN_RECORD}, so it is not the output folder of an "
            "`hdhkits run` (of this version); run the kits again with --out pointing there"
        )
    return json.loads(path.read_text())
