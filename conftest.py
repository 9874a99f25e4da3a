"""Test-wide settings, shared by the unit tests and the notebooks nbval runs.

Notebooks run by nbval read these environment variables in their parameters cell:
quick mode, and a throw-away cache and output folder, so a test run never writes into
the working tree or the user's cache.
"""

import os
import tempfile
from pathlib import Path

import pytest

_SCRATCH = Path(tempfile.mkdtemp(prefix="hdhkits-tests-"))
os.environ["HDHKITS_QUICK"] = "1"
os.environ["HDHKITS_TEXT_PROGRESS"] = "1"  # nbval runs headless: text progress bars, as committed
os.environ["HDHKITS_CACHE"] = str(_SCRATCH / "cache")
os.environ["HDHKITS_OUTPUT_DIR"] = str(_SCRATCH / "outputs")
# Official-data variables from the developer's shell must not leak into the tests.
for _var in ("ANNITIA_DATA_DIR", "CARDIHACK_DATA_DIR", "CYTOLOGIA_DATA_DIR"):
    os.environ.pop(_var, None)


@pytest.fixture(scope="session")
def twin():
    """Factory for cached synthetic twins: ``twin("annitia", size="quick", seed=0)``.

    Returns the :class:`hdhkits.datasource.DataSource`; the twin is generated once per
    session and kit/size/seed.
    """
    from hdhkits.datasource import resolve_data

    def make(kit: str, size: str = "quick", seed: int = 0):
        return resolve_data(kit, None, seed=seed, size=size, verbose=False)

    return make
