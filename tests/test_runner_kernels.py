"""hdhkits.runner.kernels: the peak memory of the kernels a run starts."""

import pytest
from hdhkits.runner.execute import run_kit

from .runner_support import notebook, toy_kits, write_notebook
from .test_datasource import Toy


@pytest.fixture
def kits(tmp_path):
    return toy_kits(tmp_path)


@pytest.mark.slow
def test_peak_memory_is_the_kernels(kits, tmp_path):
    write_notebook(kits, "01_exploration.ipynb", notebook("pass"))
    write_notebook(kits, "02_baseline.ipynb", notebook("import numpy as np\nx = np.ones(40_000_000)  # 320 MB\ndel x"))
    runs = run_kit(Toy(), tmp_path / "out", kits_dir=kits, notebooks=["01_exploration.ipynb", "02_baseline.ipynb"])
    small, big = runs[0].peak_mb, runs[1].peak_mb
    assert small is not None and 20 < small < 1000
    assert big - small > 250  # the array shows although it was freed: a peak, not a last reading


def test_peak_memory_ignores_children_that_are_not_kernels():
    # a worker pool or helper process of the caller must not count as a notebook's memory
    import subprocess
    import sys

    from hdhkits.runner.kernels import KernelMemory

    code = "import numpy as np, time; x = np.ones(20_000_000); time.sleep(3)"
    with KernelMemory(interval=0.1) as memory:
        child = subprocess.Popen([sys.executable, "-c", code])
        child.wait(timeout=60)
    assert memory.peak_mb is None
