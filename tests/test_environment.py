"""The three descriptions of the environment agree: pyproject.toml, the lock and environment.yml.

- every requirement pyproject.toml declares (dependencies and every extra) is pinned in
  ``requirements/lock.txt`` at a version its range allows;
- ``environment.yml`` lists each of them at the lock's version (conda's ``=`` or pip's
  ``==``), and nothing the lock does not pin at that version;
- ``.pre-commit-config.yaml`` pins the hooks' ruff at the lock's version, so the hook and
  ``tests/test_style.py`` apply the same rules;
- ``bootstrap.py`` makes a ``.venv/`` copied from another clone again, rather than run
  one clone's tests against the other's package.
"""

import os
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from the pip name (after normalisation), conda -> pip.
CONDA_TO_PIP = {"pytorch": "torch"}
# Entries of environment.yml that are no PyPI package pinned in the lock.
NOT_IN_LOCK = {"python", "pip"}


def normal(name: str) -> str:
    """PEP 503 normal form: ``Jupyter_Client`` and ``jupyter-client`` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(text: str) -> dict[str, str]:
    """``{normal name: version}`` of a pip lock file's ``name==version`` lines (markers and hashes left out)."""
    pins = {}
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0].split(" --hash=", 1)[0].split(";", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements/lock.txt: {line!r} is not pinned with =="
            pins[normal(name)] = version.strip()
    return pins


def environment_pins(spec: dict) -> dict[str, str]:
    """``{pip name: version}`` of an environment.yml's conda and pip entries (``-e .`` left out)."""
    pins: dict[str, str] = {}
    entries = []
    for entry in spec["dependencies"]:
        if isinstance(entry, dict):
            entries += [(item, "==") for item in entry["pip"] if not item.startswith("-e")]
        else:
            entries.append((entry, "="))
    for item, separator in entries:
        name, _, version = item.partition(separator)
        name = CONDA_TO_PIP.get(normal(name), normal(name))
        assert name not in pins, f"environment.yml lists {name} twice"
        pins[name] = version.strip()
    return pins


def declared() -> dict[str, Requirement]:
    """Every requirement of pyproject.toml, by normal name (dependencies and all extras)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return {normal(r.name): r for r in map(Requirement, requirements)}


@pytest.fixture(scope="module")
def lock():
    return lock_pins((ROOT / "requirements" / "lock.txt").read_text())


@pytest.fixture(scope="module")
def environment():
    return environment_pins(yaml.safe_load((ROOT / "environment.yml").read_text()))


def test_every_declared_requirement_is_pinned_in_the_lock_within_its_range(lock):
    problems = []
    for name, requirement in declared().items():
        if name not in lock:
            problems.append(f"{requirement} is declared in pyproject.toml but not pinned in requirements/lock.txt")
        elif not requirement.specifier.contains(lock[name], prereleases=True):
            problems.append(f"{name}=={lock[name]} (lock) is outside pyproject.toml's range {requirement}")
    assert not problems, "\n".join(problems)


def test_environment_yml_pins_every_declared_requirement_at_the_lock_version(lock, environment):
    missing = [f"{name}={lock.get(name, '?')}" for name in declared() if name not in environment]
    assert not missing, f"environment.yml lacks (conda-forge names, or under pip:): {', '.join(missing)}"


def test_environment_yml_pins_nothing_else_than_the_lock(lock, environment):
    problems = []
    for name, version in environment.items():
        if name in NOT_IN_LOCK:
            continue
        if name not in lock:
            problems.append(f"{name} is in environment.yml but not in requirements/lock.txt")
        elif version != lock[name]:
            problems.append(f"{name}: environment.yml has {version or 'no version'}, the lock {lock[name]}")
    assert not problems, "\n".join(problems)


def test_environment_yml_python_is_one_the_package_supports(environment):
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Requirement(f"python{requires}").specifier.contains(environment["python"] + ".0")


def test_pre_commit_runs_the_locked_ruff(lock):
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    pins = {
        dependency
        for repo in config["repos"]
        for hook in repo["hooks"]
        for dependency in hook.get("additional_dependencies", [])
        if normal(Requirement(dependency).name) == "ruff"
    }
    assert pins == {f"ruff=={lock['ruff']}"}, f".pre-commit-config.yaml pins {pins}; the lock has ruff=={lock['ruff']}"


def test_a_version_mismatch_and_a_conda_name_are_read_as_such():
    spec = {"dependencies": ["python=3.11", "jupyter_client=8.10.0", {"pip": ["torch==2.13.0", "-e ."]}]}
    assert environment_pins(spec) == {"python": "3.11", "jupyter-client": "8.10.0", "torch": "2.13.0"}
    assert environment_pins({"dependencies": ["pytorch=2.13.0"]}) == {"torch": "2.13.0"}
    with pytest.raises(AssertionError, match="twice"):
        environment_pins({"dependencies": ["numpy=2.4.6", {"pip": ["numpy==2.4.6"]}]})


def _bootstrap_in(monkeypatch, root: Path):
    """bootstrap.py with its folders moved under ``root`` (a clone that owns ``root/.venv``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bootstrap_under_test", ROOT / "bootstrap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", root)
    monkeypatch.setattr(module, "VENV", root / ".venv")
    monkeypatch.setattr(module, "STAMP", root / ".venv" / ".hdhkits-installed")
    return module


def test_a_venv_copied_from_another_clone_is_made_again(tmp_path, monkeypatch):
    """A .venv/ whose editable install or stamp names another clone is not reused.

    Its editable ``hdhkits`` would import the other clone's package: a run against one
    clone's notebooks and another's code.
    """
    clone = tmp_path / "clone"
    bootstrap = _bootstrap_in(monkeypatch, clone)
    assert bootstrap.venv_made_elsewhere() is None  # no .venv/ yet
    site = clone / ".venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    pth = site / "__editable__.hdhkits-0.1.0.pth"
    pth.write_text(f"{clone / 'shared'}\n")
    assert bootstrap.venv_made_elsewhere() is None
    pth.write_text("/elsewhere/main/shared\n")
    assert bootstrap.venv_made_elsewhere() == "/elsewhere/main"
    pth.write_text(f"{clone / 'shared'}\n")
    bootstrap.STAMP.write_text("fingerprint\n/elsewhere/main\n")
    assert bootstrap.venv_made_elsewhere() == "/elsewhere/main"
    bootstrap.STAMP.write_text(f"fingerprint\n{clone}\n")
    assert bootstrap.venv_made_elsewhere() is None


def test_setup_installs_the_lock_checking_every_hash(tmp_path, monkeypatch):
    """bootstrap.py setup: the lock with --require-hashes and no resolver, then the package, then pip check."""
    clone = tmp_path / "clone"
    bootstrap = _bootstrap_in(monkeypatch, clone)
    (clone / ".venv").mkdir(parents=True)
    (clone / "pyproject.toml").write_text("[project]\n")
    lock = clone / "requirements" / "lock.txt"
    lock.parent.mkdir()
    lock.write_text("six==1.17.0 --hash=sha256:" + "0" * 64 + "\n")
    monkeypatch.setattr(bootstrap, "LOCK", lock)
    monkeypatch.setattr(bootstrap, "PYTHON", Path(sys.executable))
    calls = []
    monkeypatch.setattr(bootstrap, "_call", lambda cmd, hint="": calls.append([str(c) for c in cmd]))
    bootstrap.setup()
    assert [c[2:4] for c in calls] == [["pip", "install"], ["pip", "install"], ["pip", "check"]]
    assert {"--require-hashes", "--no-deps"} <= set(calls[0]) and calls[0][-2:] == ["-r", str(lock)]
    assert calls[1][-2:] == ["-e", str(clone)]
    assert bootstrap.STAMP.read_text().splitlines()[1] == str(clone)


def test_the_version_has_one_source():
    """pyproject.toml reads the version from ``hdhkits.__version__``; the installed metadata agrees."""
    from importlib.metadata import version

    import hdhkits

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "hdhkits.__version__"}
    assert version("hdhkits") == hdhkits.__version__


def test_the_commands_write_the_bytecode_setup_leaves_out(tmp_path, monkeypatch):
    """Setup installs without bytecode; run/test/lab/docs must be free to write it on first import."""
    bootstrap = _bootstrap_in(monkeypatch, tmp_path)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = bootstrap.command_environment()
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["PATH"] == os.environ["PATH"]
    assert '"--no-compile", "-r", LOCK' in (ROOT / "bootstrap.py").read_text()
