"""Re-execute notebooks in place so their committed outputs are a participant's first run.

Usage::

    python tools/refresh_notebooks.py kits/annitia            # every notebook of a kit
    python tools/refresh_notebooks.py kits/annitia/02_baseline.ipynb

Runs each notebook in a fresh kernel from its own folder with its default settings on the
default twin, as a participant's first run and the tests' runs do (a throw-away cache and
output folder, no progress bars), records what it ran with in the notebook's metadata
(``hdhkits.run``: ``data_dir``, ``seed``, ``quick`` and the data's description; the tests
check it), then strips volatile metadata (timings, papermill records) so diffs show real
changes only. Fails, leaving the notebook untouched, when a cell raises. ``--quick`` runs
quick mode instead, to look at what a workshop gets (never commit that).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

_VOLATILE_CELL_KEYS = ("execution", "papermill", "collapsed", "scrolled")


def _final_progress(outputs: list) -> list:
    """Keep only the last state of carriage-return progress bars (tqdm) on stderr."""
    kept: list = []
    for out in outputs:
        is_bar = out.get("output_type") == "stream" and out.get("name") == "stderr"
        if is_bar and kept and kept[-1].get("output_type") == "stream" and kept[-1].get("name") == "stderr":
            kept[-1]["text"] += out["text"]
        else:
            kept.append(out)
    for out in kept:
        if out.get("output_type") == "stream" and out.get("name") == "stderr" and "\r" in out["text"]:
            lines = [line.split("\r")[-1] for line in out["text"].split("\n")]
            out["text"] = "\n".join(line for line in lines if line.strip()) + "\n"
    return kept


def strip(nb: nbformat.NotebookNode) -> None:
    """Drop volatile metadata and intermediate progress-bar states in place."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = _final_progress(cell.outputs)


#: The last cell run, then removed: what the notebook ran with, for its metadata.
_RECORD_SOURCE = (
    "import json as _json\n"
    'print("HDHKITS-RUN " + _json.dumps({"data_dir": data_dir, "seed": seed, "quick": bool(quick), '
    '"data": source.describe()}))'
)


def _record_run(nb: nbformat.NotebookNode) -> None:
    """Move what the last (added) cell printed into ``nb.metadata["hdhkits"]["run"]`` and drop the cell."""
    cell = nb.cells.pop()
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    line = next(line for line in text.splitlines() if line.startswith("HDHKITS-RUN "))
    nb.metadata["hdhkits"] = {"run": json.loads(line.removeprefix("HDHKITS-RUN "))}


def refresh(path: Path, scratch: Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    nb.cells.append(nbformat.v4.new_code_cell(_RECORD_SOURCE))
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    _record_run(nb)
    strip(nb)
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks or kit folders")
    parser.add_argument("--timeout", type=int, default=900, help="per-cell timeout in seconds")
    parser.add_argument("--quick", action="store_true", help="quick mode, to look at a workshop's run (not to commit)")
    args = parser.parse_args(argv)
    notebooks: list[Path] = []
    for p in args.paths:
        notebooks += sorted(p.glob("[0-9][0-9]_*.ipynb")) if p.is_dir() else [p]
    scratch = Path(tempfile.mkdtemp(prefix="hdhkits-refresh-"))
    os.environ["HDHKITS_QUICK"] = "1" if args.quick else "0"
    os.environ["HDHKITS_HEADLESS"] = "1"  # no progress bars in committed outputs (no stderr, no frozen widget)
    os.environ["HDHKITS_CACHE"] = str(scratch / "cache")
    os.environ["HDHKITS_OUTPUT_DIR"] = str(scratch / "outputs")
    for var in ("ANNITIA_DATA_DIR", "CARDIHACK_DATA_DIR", "CYTOLOGIA_DATA_DIR"):
        os.environ.pop(var, None)
    for nb_path in notebooks:
        try:
            seconds = refresh(nb_path, scratch, args.timeout)
        except Exception as exc:  # report and stop: a broken notebook must not be committed
            print(f"FAILED {nb_path}: {type(exc).__name__}: {str(exc)[-2000:]}", file=sys.stderr)
            return 1
        size_kb = nb_path.stat().st_size / 1024
        print(f"ok     {nb_path}  {seconds:6.1f} s  {size_kb:6.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
