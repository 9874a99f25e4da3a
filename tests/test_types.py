"""The package type-checks clean under mypy, configured in pyproject.toml.

Every module of ``hdhkits`` is in the check (``[tool.mypy]``), the three kits' subpackages
included.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_is_clean_on_the_package():
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"mypy found problems:\n{done.stdout}{done.stderr}"
