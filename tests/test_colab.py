"""The Colab path, checked: Colab's preinstalled stack, then the package as the notebooks' setup cell installs it.

A session-wide fixture builds a fresh Python 3.13 virtual environment (Colab's runtime),
installs ``requirements/colab.txt`` (Colab's preinstalled versions), then runs the
notebooks' setup cell itself (``hdhkits.install.setup_cell_source()``, the source every
notebook holds) in that venv as Colab would: a stand-in ``google.colab`` module imported
first, the working folder a workshop pack's notebook folder (``pack/cardihack/student``)
and the package's wheel at the pack's root (``hdhkits.wheel.build_wheel``), with git
refused every protocol but ``file`` (no GitHub access, whatever the machine's network).
The cell finds the wheel in a folder above and installs it with pyproject's LOOSE ranges
(not the lock), the dependencies from PyPI. In that environment the tests import every
module of the package, write and check a CYTOLOGIA twin, and run
``kits/cardihack/01_exploration.ipynb`` headless with papermill on a kernel of that venv.
Two more runs of the cell check that a wheel beside the notebook comes first, and that
with no wheel anywhere and a release that cannot be reached (a ``file://`` address of a
missing repository, which fails at once) the cell stops with its one sentence, as IPython
shows it: no traceback.

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
from hdhkits.install import RELEASE_TAG, WHEEL_FILE, setup_cell_source
from hdhkits.wheel import build_wheel

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
# How the setup cell runs "in Colab": Colab's kernel has google.colab loaded before any cell runs.
# The stand-in's folder goes on sys.path of this process only, not PYTHONPATH: pip, which the
# cell starts, must not see it.
_COLAB_DRIVER = """
import sys
sys.path.insert(0, sys.argv[1])
import google.colab
exec(compile(open(sys.argv[2], encoding="utf-8").read(), "setup cell", "exec"), {})
"""


def _colab_module(root: Path) -> Path:
    """A folder holding a stand-in ``google.colab`` (a namespace ``google``, as Colab's is)."""
    folder = root / "fake-colab"
    (folder / "google" / "colab").mkdir(parents=True)
    (folder / "google" / "colab" / "__init__.py").write_text('"""A stand-in for Colab\'s own module."""\n')
    return folder


def _setup_cell(colab, cwd: Path, source: str, ipython: bool = False) -> subprocess.CompletedProcess:
    """Run a setup cell in Colab mode in the venv, from ``cwd``; plain Python, or IPython as a kernel shows it."""
    cell = colab.root / "cell.py"
    cell.write_text(source, encoding="utf-8")
    fake = colab.root / "fake-colab"
    if ipython:
        code = f"import sys; sys.path.insert(0, {str(fake)!r}); import google.colab\n{source}"
        cmd = [colab.python, "-m", "IPython", "--quick", "--no-banner", "--colors=NoColor", "-c", code]
    else:
        cmd = [colab.python, "-c", _COLAB_DRIVER, fake, cell]
    env = {**colab.env, "GIT_ALLOW_PROTOCOL": "file"}  # no GitHub: git refuses https and ssh at once
    return subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


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
        # A workshop pack's layout: the wheel at its root, the notebook two folders down.
        build_wheel(root / "pack")
        student = root / "pack" / "cardihack" / "student"
        student.mkdir(parents=True)
        _colab_module(root)
        # As --no-compile above, for the cell's pip: only what the tests import gets compiled, on
        # import. pip reads a --no-X option's variable inverted: "0" is --no-compile (measured).
        env["PIP_NO_COMPILE"] = "0"
        done = _setup_cell(SimpleNamespace(root=root, python=python, env=env), student, setup_cell_source())
        if done.returncode != 0:
            pytest.fail(f"the setup cell failed in Colab mode\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        installed = _freeze(python, env)
        # A kernel of this venv by a name no other environment uses; its kernel.json holds the
        # venv's absolute python, so papermill cannot start another interpreter by PATH.
        _run([python, "-m", "ipykernel", "install", "--prefix", venv, "--name", KERNEL, "--display-name", KERNEL], env)
        timings["wheel + setup cell (pip) + kernel"] = time.perf_counter() - start
        yield SimpleNamespace(
            root=root,
            python=python,
            bin=venv / "bin",
            env=env,
            colab=colab,
            installed=installed,
            timings=timings,
            cell_output=done.stdout,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
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
    # the setup cell found the wheel at the pack's root from the notebook's folder, two levels down
    assert colab_venv.cell_output.splitlines() == [
        f"Installing hdhkits {installed['hdhkits']} from {colab_venv.root / 'pack' / WHEEL_FILE} (dependencies from PyPI) ..."
    ]
    print("\nColab venv:", ", ".join(f"{n} {installed[n]}" for n in sorted(installed)))
    print("timings:", ", ".join(f"{k} {v:.0f} s" for k, v in colab_venv.timings.items()))


@pytest.mark.slow
def test_setup_cell_takes_the_wheel_beside_the_notebook_first(colab_venv):
    """A wheel beside the notebook and one at the pack's root: the cell installs the one beside it."""
    solutions = colab_venv.root / "pack" / "cardihack" / "solutions"
    solutions.mkdir(parents=True, exist_ok=True)
    shutil.copy(colab_venv.root / "pack" / WHEEL_FILE, solutions / WHEEL_FILE)
    done = _setup_cell(colab_venv, solutions, setup_cell_source())
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == [
        f"Installing hdhkits {colab_venv.installed['hdhkits']} from {solutions / WHEEL_FILE} (dependencies from PyPI) ..."
    ]


@pytest.mark.slow
def test_setup_cell_stops_in_one_sentence_with_no_wheel_and_no_release(colab_venv, tmp_path):
    """No wheel in the folder, above it or in Drive, and a release that cannot be reached: one sentence, no traceback.

    The release's address is a ``file://`` repository that does not exist, given to the
    setting's generator (the cell's only difference from the notebooks'): pip fails at once,
    where an unreachable github.com could take a network timeout to fail.
    """
    content = tmp_path / "content"
    content.mkdir()
    missing = f"file://{tmp_path}/no-such-repository"
    source = setup_cell_source(missing, str(tmp_path / "drive" / "MyDrive"))
    done = _setup_cell(colab_venv, content, source, ipython=True)
    shown = done.stdout + done.stderr
    assert "Traceback" not in shown and "most recent call last" not in shown, shown
    stops = [line for line in shown.splitlines() if line.startswith("SystemExit: ")]
    assert len(stops) == 1, shown
    sentence = stops[0].removeprefix("SystemExit: ")
    assert sentence == (
        f"hdhkits is not installed: no {WHEEL_FILE} in {content}, the folders above it or Drive, and the release "
        f"{RELEASE_TAG} is not reachable; upload {WHEEL_FILE} to {content} (it is at a workshop pack's root, or "
        "python3 bootstrap.py wheel writes it from a clone of the repository), then run this cell again"
    )
    assert f"Installing hdhkits {colab_venv.installed['hdhkits']} from hdhkits @ git+{missing}@{RELEASE_TAG}" in shown
    print(f"\nthe stop as IPython shows it:\n{shown}")


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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_notebook_runs_on_colab_python(colab_venv, tmp_path):
    executed = tmp_path / NOTEBOOK.name
    env = {
        **colab_venv.env,
        "HDHKITS_QUICK": "0",  # the committed outputs are a participant's first run
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
