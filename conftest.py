"""Test-wide settings, shared by the unit tests and the notebooks nbval runs.

Notebooks run by nbval read these environment variables in their parameters cell:
quick mode, and a throw-away cache and output folder, so a test run never writes into
the working tree or the user's cache. Under pytest-xdist the workers share the
controller's scratch folder (``$HDHKITS_TEST_SCRATCH``), so a twin or a notebook run made by
one serves them all (``tests/notebook_runs.py``).
"""

import os
import tempfile
from pathlib import Path

import pytest

pytest_plugins = ("tests.notebook_runs",)  # nbval's kit notebooks: one execution per session

if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("HDHKITS_TEST_SCRATCH"):
    _SCRATCH = Path(os.environ["HDHKITS_TEST_SCRATCH"])  # the controller's, inherited
else:
    _SCRATCH = Path(tempfile.mkdtemp(prefix="hdhkits-tests-"))
os.environ["HDHKITS_TEST_SCRATCH"] = str(_SCRATCH)
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
    session and kit/size/seed (once for all the xdist workers).
    """
    from tests.notebook_runs import ensure_twin

    def make(kit: str, size: str = "quick", seed: int = 0):
        return ensure_twin(kit, size=size, seed=seed)

    return make
