"""The Colab path, checked: Colab's preinstalled stack, then the package as a Colab user installs it.

A session-wide fixture builds a fresh Python 3.13 virtual environment (Colab's runtime),
installs ``requirements/colab.txt`` (Colab's preinstalled versions), then the package
from a copy of the working tree with pyproject's LOOSE ranges (``pip install <copy>``, not
the lock), as the notebooks' setup cell does on Colab. In that environment the tests
import every module of the package, write and check a CYTOLOGIA twin, and run
``kits/cardihack/01_exploration.ipynb`` headless with papermill on a kernel of that venv.

What pip changes on Colab's stack (measured when this test was written; the test asserts
it so a new range shows here): ``scikit-learn`` 1.6.1 is upgraded to 1.9.x, because
pyproject requires ``scikit-learn>=1.9,<1.10`` (scikit-survival 0.28's range; the
ANNITIA metric and models use scikit-survival). Everything else Colab ships is kept
(numpy 2.1, pandas 2.2, scipy, matplotlib, ...). Added, as Colab does not preinstall
them: scikit-survival, lifelines, papermill and their dependencies. On Colab the upgrade
happens in the setup cell, before the notebook imports scikit-learn, so it takes effect
without restarting the runtime; an upgrade of numpy or pandas would not (Colab's kernel
has them loaded), which is why the test fails if pyproject starts moving them.

torch is not installed (requirements/colab.txt says why): the test checks that only the
modules documented as needing it (CYTOLOGIA's CNN and the pipeline that trains it) fail
to import, and only for want of torch.

The venv lives for one pytest session and is removed at its end; pip's own cache makes
a second session faster. Skipped, with the reason, when no Python 3.13 is found.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

pytestmark = pytest.mark.colab

REPO = Path(__file__).resolve().parents[1]
REQUIREMENTS = REPO / "requirements" / "colab.txt"
NOTEBOOK = REPO / "kits" / "cardihack" / "01_exploration.ipynb"
KERNEL = "hdhkits-colab-py313"
COLAB_PYTHON = (3, 13)
# Colab's packages that installing hdhkits may move, and why (see the module docstring).
EXPECTED_CHANGES = {"scikit-learn"}
# The modules that may need torch: CYTOLOGIA's CNN package and its modules, which every other
# module reaches only through hdhkits.cytologia.optional_torch.cnn_module (imported on first
# use). Every other module must import without torch.
TORCH_ONLY = {"hdhkits.cytologia.cnn"} | {
    f"hdhkits.cytologia.cnn.{name}"
    for name in ("augmentation", "batches", "device", "network", "persistence", "training")
}
# Variables that would make the venv's Python or Jupyter look outside the venv, or behave unlike Colab's.
_LEAKY_VARS = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "VIRTUAL_ENV",
    "JUPYTER_PATH",
    "JUPYTER_DATA_DIR",
    "JUPYTER_CONFIG_DIR",
    "IPYTHONDIR",
    # Colab writes bytecode; without it every process of the venv would compile what it imports
    # again (the venv is installed with --no-compile), which was a third of these tests' time.
    "PYTHONDONTWRITEBYTECODE",
)
# Top-level folders that are not part of the package build; copying them would only slow the test.
_NOT_BUILT_TOP = {".git", ".venv", "kits", "tests", "benchmarks", "outputs", "build", ".pytest_cache"}


def _not_built(folder: str, names: list[str]) -> set[str]:
    """``shutil.copytree`` filter: leave out what a clone would not hold, or the build does not use."""
    skip = {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or n == ".ipynb_checkpoints"}
    return skip | (_NOT_BUILT_TOP & set(names) if Path(folder) == REPO else set())


def _python313() -> str | None:
    """A working Python 3.13 executable: ``python3.13`` on PATH, else pyenv's 3.13.x."""
    candidates = [shutil.which("python3.13")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        # pyenv's shim fails when 3.13 is installed but not selected; its real binary does not
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
        candidates += sorted(glob.glob(f"{root}/versions/3.13*/bin/python3.13"), reverse=True)
    probe = "import sys; print(sys.executable); print(*sys.version_info[:2])"
    for exe in filter(None, candidates):
        done = subprocess.run([exe, "-c", probe], capture_output=True, text=True)
        lines = done.stdout.splitlines()
        if done.returncode == 0 and len(lines) == 2 and lines[1] == "3 13":
            return lines[0]
    return None


def _run(cmd: list, env: dict, timeout: float = 600, cwd: Path | None = None) -> str:
    """Run a command; on failure, fail the test with its output's end."""
    done = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        # this machine's pip config adds local index folders; pip warns for each project missing there
        err = "\n".join(line for line in done.stderr.splitlines() if "is ignored: it is neither" not in line)
        pytest.fail(f"{' '.join(map(str, cmd))} exited {done.returncode}\n{done.stdout[-3000:]}\n{err[-3000:]}")
    return done.stdout


def _freeze(python: Path, env: dict) -> dict[str, str]:
    out = _run([python, "-m", "pip", "list", "--format=json"], env)
    return {p["name"].lower(): p["version"] for p in json.loads(out)}


@pytest.fixture(scope="session")
def colab_venv():
    """The Colab-like venv: Colab's stack, then the package with its loose ranges; removed at session end."""
    base = _python313()
    if base is None:
        pytest.skip("no Python 3.13 interpreter (python3.13 not on PATH, no pyenv 3.13.x): Colab check skipped")
    root = Path(tempfile.mkdtemp(prefix="hdhkits-colab-"))
    venv = root / "venv"
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY_VARS}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )  # ipykernel's debugger warns about frozen modules on 3.13
    python = venv / "bin" / "python"
    timings = {}
    try:
        start = time.perf_counter()
        _run([base, "-m", "venv", venv], env)
        # --no-compile: byte-compiling every installed module is a third of pip's time here,
        # and the tests import a small part of them
        _run([python, "-m", "pip", "install", "-q", "--no-compile", "-r", REQUIREMENTS], env)
        colab = _freeze(python, env)
        timings["venv + colab.txt"] = time.perf_counter() - start

        start = time.perf_counter()
        # A copy, as pip's git+ install builds from a fresh clone: an in-tree build would
        # write build/ and egg-info into the shared checkout, racing other builds there.
        source = root / "src"
        shutil.copytree(REPO, source, ignore=_not_built)
        _run([python, "-m", "pip", "install", "-q", "--no-compile", source], env)
        installed = _freeze(python, env)
        # A kernel of this venv by a name no other environment uses; its kernel.json holds the
        # venv's absolute python, so papermill cannot start another interpreter by PATH.
        _run([python, "-m", "ipykernel", "install", "--prefix", venv, "--name", KERNEL, "--display-name", KERNEL], env)
        timings["pip install hdhkits + kernel"] = time.perf_counter() - start
        yield SimpleNamespace(
            root=root, python=python, bin=venv / "bin", env=env, colab=colab, installed=installed, timings=timings
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_colab_stack_then_loose_install(colab_venv):
    colab, installed = colab_venv.colab, colab_venv.installed
    assert colab["numpy"].startswith("2.1.") and colab["pandas"].startswith("2.2.")
    assert colab["scikit-learn"].startswith("1.6.")
    assert "torch" not in installed, (
        "torch came in through a dependency: the Colab check would no longer test without it"
    )
    assert "hdhkits" in installed
    changed = {name for name, version in colab.items() if installed.get(name) != version}
    assert changed == EXPECTED_CHANGES, (
        f"installing hdhkits changes Colab's {sorted(changed)} (expected {sorted(EXPECTED_CHANGES)}): "
        "a moved numpy or pandas needs a runtime restart on Colab; update the docstring and EXPECTED_CHANGES "
        "only if that is intended"
    )
    assert installed["scikit-learn"].startswith("1.9.")
    print("\nColab venv:", ", ".join(f"{n} {installed[n]}" for n in sorted(installed)))
    print("timings:", ", ".join(f"{k} {v:.0f} s" for k, v in colab_venv.timings.items()))


_IMPORT_ALL = """
import importlib, importlib.util, json, pkgutil, sys
import hdhkits
from hdhkits.problem import discover_kits
report = {"version": list(sys.version_info[:2]), "file": hdhkits.__file__, "failures": {}, "modules": [],
          "torch": importlib.util.find_spec("torch") is not None}
for info in pkgutil.walk_packages(hdhkits.__path__, "hdhkits."):
    report["modules"].append(info.name)
    try:
        importlib.import_module(info.name)
    except ModuleNotFoundError as exc:
        report["failures"][info.name] = exc.name
    except Exception as exc:
        report["failures"][info.name] = repr(exc)
report["kits"] = list(discover_kits())
report["kit_packages"] = sorted(i.name for i in pkgutil.iter_modules(hdhkits.__path__)
                                if i.ispkg and importlib.util.find_spec(f"hdhkits.{i.name}.problem"))
try:
    hdhkits.cytologia.pick_device
except ModuleNotFoundError as exc:
    report["lazy"] = exc.name
print(json.dumps(report))
"""


def test_every_module_imports_without_torch(colab_venv, tmp_path):
    # from a folder holding no hdhkits, so the import finds the installed copy only
    report = json.loads(_run([colab_venv.python, "-c", _IMPORT_ALL], colab_venv.env, cwd=tmp_path))
    assert tuple(report["version"]) == COLAB_PYTHON
    assert Path(report["file"]).is_relative_to(colab_venv.root / "venv"), report["file"]
    assert report["torch"] is False
    assert len(report["modules"]) > 30 and "hdhkits.install" in report["modules"]
    failures = report["failures"]
    unexpected = {name: error for name, error in failures.items() if name not in TORCH_ONLY or error != "torch"}
    assert not unexpected, f"these modules must import on Colab's stack without torch: {unexpected}"
    assert "hdhkits.cytologia.cnn" in failures, "the CNN imported: torch is in the venv after all"
    assert sorted(report["kits"]) == report["kit_packages"] == ["annitia", "cardihack", "cytologia"]
    assert report.get("lazy") == "torch", "a torch-only name must fail naming torch"


def test_cytologia_twin_and_check_without_torch(colab_venv, tmp_path):
    env = {**colab_venv.env, "HDHKITS_CACHE": str(tmp_path / "cache")}
    hdhkits = colab_venv.bin / "hdhkits"
    _run([hdhkits, "data", "cytologia", "--size", "quick", "--out", tmp_path / "data"], env, timeout=300)
    out = _run([hdhkits, "check", "cytologia", tmp_path / "data"], env, timeout=300)
    assert "match the official CYTOLOGIA layout" in out


def _key_outputs(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The printed text of the ``# NBVAL_CHECK_OUTPUT`` cells, by cell source."""
    texts = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "# NBVAL_CHECK_OUTPUT" in cell.source:
            texts[cell.source] = "".join(
                out.get("text", "")
                if out.output_type == "stream" and out.get("name") == "stdout"
                else out.get("data", {}).get("text/plain", "")
                if out.output_type == "execute_result"
                else ""
                for out in cell.outputs
            )
    return texts


def test_notebook_runs_on_colab_python(colab_venv, tmp_path):
    executed = tmp_path / NOTEBOOK.name
    env = {
        **colab_venv.env,
        "HDHKITS_QUICK": "1",
        "HDHKITS_CACHE": str(tmp_path / "cache"),
        "HDHKITS_OUTPUT_DIR": str(tmp_path / "outputs"),
    }
    _run(
        [
            colab_venv.python,
            "-m",
            "papermill",
            "--no-progress-bar",
            "-k",
            KERNEL,
            "--cwd",
            NOTEBOOK.parent,
            NOTEBOOK,
            executed,
        ],
        env,
        timeout=600,
    )
    nb = nbformat.read(executed, as_version=4)
    version = nb.metadata["language_info"]["version"]
    assert tuple(int(p) for p in version.split(".")[:2]) == COLAB_PYTHON, f"the kernel ran Python {version}"
    assert nb.metadata["papermill"]["exception"] is None
    expected = _key_outputs(nbformat.read(NOTEBOOK, as_version=4))
    assert expected and _key_outputs(nb) == expected, "key facts differ on Colab's stack from the committed outputs"
