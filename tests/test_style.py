"""The repository is clean under ruff's linter and formatter, configured in pyproject.toml.

The README's test command runs this, so a change that breaks the style fails the suite
like any other regression; ``ruff check --fix . && ruff format .`` mends most of it.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    beside = Path(sys.executable).with_name("ruff")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed: it is in requirements/lock.txt; run python3 bootstrap.py setup")
    return [found]


@pytest.mark.parametrize(
    "args", [["check", "--output-format", "concise"], ["format", "--check"]], ids=["lint", "format"]
)
def test_ruff_is_clean(args):
    done = subprocess.run([*_ruff(), *args, "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"ruff {' '.join(args)} found problems:\n{done.stdout}{done.stderr}"
