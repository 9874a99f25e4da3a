"""hdhkits.runner.kits: where the kits' notebooks are."""

from pathlib import Path

import pytest
from hdhkits.runner.kits import kits_root

from .runner_support import notebook, toy_kits, write_notebook


@pytest.fixture
def kits(tmp_path):
    return toy_kits(tmp_path)


def test_kits_root_looks_upward_then_beside_the_package(kits, tmp_path):
    write_notebook(kits, "01_exploration.ipynb", notebook("pass"))
    inside = kits / "toy" / "deeper"
    inside.mkdir()
    assert kits_root(inside) == kits
    repo_kits = kits_root(tmp_path / "kits" / "..")  # tmp_path itself has a kits/ folder
    assert repo_kits == kits
    # from a folder with no kits/ above it, the clone the package is installed from
    fallback = kits_root(Path("/"))
    assert (fallback / "annitia" / "01_exploration.ipynb").is_file()
