#!/usr/bin/env python3
"""Set up the project's virtual environment and run the kits or the tests.

    python3 bootstrap.py run     # set up .venv/, then run every kit headless on synthetic data
    python3 bootstrap.py test    # set up .venv/, then run the whole test suite
    python3 bootstrap.py setup   # set up .venv/ only

Setting up creates ``.venv/`` at the repository root with the interpreter running this
script (Python 3.11 or newer: scikit-learn 1.9, scikit-survival 0.28 and lifelines 0.30
need it), installs the pinned versions in ``requirements/lock.txt`` and the helper
package itself (editable). It is
skipped when nothing changed since the last setup. Extra arguments go to the command:
``python3 bootstrap.py run --quick``, ``python3 bootstrap.py test -k annitia``.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements" / "lock.txt"
STAMP = VENV / ".hdhkits-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _call(cmd: list[str]) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"bootstrap: command failed with exit code {result.returncode}: {' '.join(map(str, cmd))}")


def setup() -> None:
    """Create .venv/ and install the pinned requirements and the package, if needed."""
    if sys.version_info < (3, 11):
        sys.exit(f"bootstrap: Python 3.11 or newer is needed (this is {sys.version.split()[0]}); "
                 "run it with python3.11")
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    fingerprint = _fingerprint()
    if STAMP.is_file() and STAMP.read_text().strip() == fingerprint:
        print("Environment up to date (.venv/).", flush=True)
        return
    _call([PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", LOCK])
    _call([PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", "-e", ROOT])
    STAMP.write_text(fingerprint + "\n")
    print("Environment ready (.venv/).", flush=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("setup", "run", "test"):
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    setup()
    if command == "setup":
        return 0
    if command == "run":
        cmd = [BIN / "hdhkits", "run", "all", *extra]
    else:
        cmd = [PYTHON, "-m", "pytest", *extra]
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
