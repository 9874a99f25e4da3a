"""The package type-checks clean under mypy, configured in pyproject.toml.

ANNITIA's subpackage is left out of the check (see ``[tool.mypy]``); everything else of
``hdhkits``, the CYTOLOGIA and Cardi-HACK kits included, is in it.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_is_clean_on_the_package():
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"mypy found problems:\n{done.stdout}{done.stderr}"
