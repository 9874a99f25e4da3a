"""hdhkits.install: the repository's address as one setting, the badge and the setup cell made from it, the
setup cell's search run as in Colab (a stand-in ``google.colab``, pip replaced), and tools/sync_install_cell.py.

The real installs (pip, the wheel, Colab's stack) are in tests/test_colab.py; here the
cell's choices are checked in-process, in milliseconds.
"""

import email.message
import functools
import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import hdhkits
import pytest
from hdhkits.install import (
    DRIVE,
    INSTALL_SPEC,
    RELEASE_TAG,
    REPOSITORY,
    WHEEL_FILE,
    badge_line,
    badge_url,
    project_repository,
    setup_cell_source,
)
from hdhkits.problem import KITS, NOTEBOOKS

REPO = Path(__file__).resolve().parents[1]
PATHS = [REPO / "kits" / kit / nb for kit in KITS for nb in NOTEBOOKS]
OTHER = "https://github.com/someone-else/a-fork"


def _tool():
    spec = importlib.util.spec_from_file_location("sync_install_cell", REPO / "tools" / "sync_install_cell.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The one setting


def test_the_address_is_pyprojects_repository_url():
    urls = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Repository"] == REPOSITORY
    assert REPOSITORY not in {v for k, v in urls.items() if k != "Repository"}, "a second copy of the address"


def test_the_address_is_written_nowhere_else():
    """Code, tools and docs derive it; only pyproject.toml and the generated notebook lines hold it."""
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    files = [*(REPO / "shared").rglob("*.py"), *(REPO / "tools").glob("*.py"), REPO / "bootstrap.py"]
    files += [*REPO.glob("*.md"), *(REPO / "kits").glob("*/README.md"), *(REPO / "docs").glob("*.py")]
    files += [*(REPO / "docs").glob("*.md"), *(REPO / "tests").rglob("*.py")]
    holding = [str(p.relative_to(REPO)) for p in files if owner_repo in p.read_text(encoding="utf-8")]
    assert not holding, f"the repository's address is written in {holding}; derive it from hdhkits.install"


def _metadata_with(url: str | None):
    message = email.message.Message()
    if url:
        message["Project-URL"] = "Homepage, https://example.org/home"
        message["Project-URL"] = f"Repository, {url}"
    return lambda name: message


def test_an_installed_copy_reads_the_address_from_its_metadata_a_clone_from_pyproject(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.metadata, "metadata", _metadata_with("https://github.com/o/installed"))
    assert project_repository(None) == "https://github.com/o/installed"
    clone = tmp_path / "pyproject.toml"  # a clone's own setting, not its last install's metadata (maybe stale)
    clone.write_text('[project]\nname = "hdhkits"\nurls = {Repository = "https://github.com/o/clone"}\n')
    assert project_repository(clone) == "https://github.com/o/clone"
    clone.write_text('[project]\nname = "hdhkits"\nurls = {Homepage = "https://github.com/o/clone"}\n')
    with pytest.raises(LookupError, match=rf"^{re.escape(str(clone))}: no repository address"):
        project_repository(clone)


def test_no_address_is_refused_in_a_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.metadata, "metadata", _metadata_with(None))
    with pytest.raises(LookupError, match=r"missing.toml: no repository address \(\[project.urls\] Repository\); add"):
        project_repository(tmp_path / "missing.toml")
    with pytest.raises(LookupError, match=r"^the installed hdhkits package's metadata: no repository address.*; add "):
        project_repository(None)
    monkeypatch.setattr(importlib.metadata, "metadata", _metadata_with("http://github.com/o/r.git"))
    with pytest.raises(LookupError, match=r"is 'http://github.com/o/r.git'; give the repository's https:// address"):
        project_repository(None)


def test_release_tag_spec_and_wheel_follow_the_version():
    assert f"v{hdhkits.__version__}" == RELEASE_TAG
    assert re.fullmatch(r"v\d+\.\d+\.\d+([ab]|rc)?\d*", RELEASE_TAG), "a PEP 440 release, as git tags name it"
    assert f"hdhkits @ git+{REPOSITORY}@{RELEASE_TAG}" == INSTALL_SPEC
    assert not INSTALL_SPEC.endswith(("@main", "@master")) and INSTALL_SPEC.count("@") == 2
    assert f"hdhkits-{hdhkits.__version__}-py3-none-any.whl" == WHEEL_FILE
    dynamic = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["dynamic"]
    assert dynamic["version"] == {"attr": "hdhkits.__version__"}, "the wheel is named by the version the cell seeks"


def test_the_badge_opens_the_notebook_on_the_repositorys_main():
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    assert badge_url("annitia", "01_exploration.ipynb") == (
        f"https://colab.research.google.com/github/{owner_repo}/blob/main/kits/annitia/01_exploration.ipynb"
    )
    line = badge_line("annitia", "01_exploration.ipynb", OTHER)
    assert line.startswith("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](")
    assert line.endswith(
        "(https://colab.research.google.com/github/someone-else/a-fork/blob/main/kits/annitia/01_exploration.ipynb)"
    )
    with pytest.raises(ValueError, match="Colab opens notebooks from GitHub only"):
        badge_url("annitia", "01_exploration.ipynb", "https://gitlab.com/o/r")


# The setup cell


def test_the_setup_cell_is_plain_python_that_says_where_it_looks():
    source = setup_cell_source()
    compile(source, "setup cell", "exec")  # no IPython magic: it runs in any Python, and its steps can be tested
    lines = source.splitlines()
    assert lines[:3] == [
        "import sys",
        "",  # as ruff's import sorting, which reads the notebooks, wants it
        'if "google.colab" in sys.modules:  # Colab only: install hdhkits, the kits\' helper package',
    ]
    assert all(line.startswith("    ") for line in lines[3:]), "everything else only in Colab"
    comment = " ".join(line.strip("# ") for line in lines if line.strip().startswith("#"))
    for said in (WHEEL_FILE, "a folder above it", "workshop pack's root", DRIVE, "2 folder levels", "release"):
        assert said in comment
    assert f'"{INSTALL_SPEC}"' in source and not source.endswith("\n")
    assert setup_cell_source(OTHER) == source.replace(REPOSITORY, OTHER)
    assert len(lines) <= 25, "a participant reads this cell first"


class FakePip:
    """``subprocess.run`` for the cell: records what pip was asked to install, answers ``returncode``."""

    def __init__(self, returncode: int = 0, stderr: str = ""):
        self.returncode, self.stderr, self.installed = returncode, stderr, []

    def __call__(self, cmd, **kwargs):
        assert cmd[:4] == [sys.executable, "-m", "pip", "install"] and "-q" in cmd
        self.installed.append(cmd[-1])
        return subprocess.CompletedProcess(cmd, self.returncode, "", self.stderr)


@pytest.fixture
def colab(monkeypatch):
    """Run a setup cell as Colab would, in ``cwd``: returns ``(what pip installed, SystemExit message or None)``."""
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))

    def run(cwd: Path, drive: Path, pip: FakePip | None = None, repository: str = REPOSITORY):
        pip = pip or FakePip()
        monkeypatch.chdir(cwd)
        monkeypatch.setattr(subprocess, "run", pip)
        try:
            exec(setup_cell_source(repository, str(drive)), {})
        except SystemExit as stop:
            return pip.installed, str(stop)
        return pip.installed, None

    return run


@pytest.fixture
def pack(tmp_path) -> Path:
    """A workshop pack's layout with the wheel at its root: pack/<kit>/student/, pack/<kit>/solutions/."""
    for kind in ("student", "solutions"):
        (tmp_path / "pack" / "annitia" / kind).mkdir(parents=True)
    (tmp_path / "pack" / WHEEL_FILE).write_bytes(b"wheel")
    return tmp_path / "pack"


def test_outside_colab_the_cell_does_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", pip := FakePip())
    monkeypatch.chdir(tmp_path)
    (tmp_path / WHEEL_FILE).write_bytes(b"wheel")
    exec(setup_cell_source(), {})
    assert pip.installed == [] and capsys.readouterr().out == ""


def test_colab_installs_the_wheel_of_the_packs_root_from_a_notebook_folder(colab, pack, tmp_path, capsys):
    for kind in ("student", "solutions"):
        installed, stop = colab(pack / "annitia" / kind, tmp_path / "no-drive")
        assert (installed, stop) == ([str(pack / WHEEL_FILE)], None)
    assert f"Installing hdhkits {hdhkits.__version__} from {pack / WHEEL_FILE}" in capsys.readouterr().out


def test_colab_takes_the_nearest_wheel_then_drive_then_the_release(colab, pack, tmp_path):
    student, drive = pack / "annitia" / "student", tmp_path / "drive" / "MyDrive"
    (drive / "Teaching" / "pack").mkdir(parents=True)
    (drive / "Teaching" / "pack" / WHEEL_FILE).write_bytes(b"on Drive, two levels down")
    (drive / "b" / "c" / "d").mkdir(parents=True)
    (drive / "b" / "c" / "d" / WHEEL_FILE).write_bytes(b"three levels down: not searched")
    (student / WHEEL_FILE).write_bytes(b"beside the notebook")
    assert colab(student, drive)[0] == [str(student / WHEEL_FILE)]
    (student / WHEEL_FILE).unlink()
    assert colab(student, drive)[0] == [str(pack / WHEEL_FILE)], "the pack's root comes before Drive"
    elsewhere = tmp_path / "content"  # not under the pack: Drive's shallow search finds it
    elsewhere.mkdir()
    assert colab(elsewhere, drive)[0] == [str(drive / "Teaching" / "pack" / WHEEL_FILE)]
    (drive / "Teaching" / "pack" / WHEEL_FILE).unlink()
    (drive / f"{WHEEL_FILE}.part").write_bytes(b"a half download, not the wheel")
    assert colab(elsewhere, drive)[0] == [INSTALL_SPEC]


def test_colab_stops_with_one_sentence_when_nothing_installs(colab, tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    missing = f"file://{tmp_path}/no-such-repository"
    installed, stop = colab(folder, tmp_path / "no-drive", FakePip(1, "ERROR: could not clone"), repository=missing)
    assert installed == [f"hdhkits @ git+{missing}@{RELEASE_TAG}"]
    assert stop is not None and "\n" not in stop and stop.count(";") == 1
    assert stop.startswith(f"hdhkits is not installed: no {WHEEL_FILE} in {folder}")
    assert f"release {RELEASE_TAG} is not reachable; upload {WHEEL_FILE} to {folder}" in stop
    assert "it is at a workshop pack's root" in stop and "python3 bootstrap.py wheel" in stop


def test_colab_names_the_wheel_and_pips_reason_when_the_wheel_fails(colab, pack, tmp_path):
    pip = FakePip(1, "Looking in indexes ...\nERROR: No matching distribution found for lifelines>=0.29\n")
    installed, stop = colab(pack / "annitia" / "student", tmp_path / "no-drive", pip)
    assert installed == [str(pack / WHEEL_FILE)]
    assert (
        stop == f"pip could not install {pack / WHEEL_FILE}: ERROR: No matching distribution found for lifelines>=0.29"
    )


# The notebooks and the sync tool


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_setup_cell_and_badge_are_in_sync(path):
    differing = _tool().sync(path, setup_cell_source(), write=False)
    assert not differing, (
        f"{path.relative_to(REPO)}: {' and '.join(differing)} out of sync with hdhkits.install (the address "
        f"{REPOSITORY} of pyproject.toml's [project.urls] Repository, version {hdhkits.__version__}); "
        "run: python tools/sync_install_cell.py"
    )


@pytest.fixture
def kits_copy(tmp_path):
    """Two kits' notebooks copied out of the tree, so the tool is tried on copies only."""
    for kit in KITS[:2]:
        shutil.copytree(REPO / "kits" / kit, tmp_path / kit, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return tmp_path


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _unsync(path: Path) -> None:
    nb = _nb(path)
    cell = _tool().setup_cell(nb, path)
    cell["source"] = [
        "import sys\n",
        'if "google.colab" in sys.modules:\n',
        '    %pip install -q "hdhkits @ git+https://example.org/old"',
    ]
    title = nb["cells"][0]["source"]
    at = next(i for i, line in enumerate(title) if line.startswith("[![Open In Colab]"))
    title[at] = title[at].replace("colab.research.google.com/github/", "colab.research.google.com/github/old/")
    path.write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_sync_tool_check_lists_out_of_sync_then_rewrites_setup_cell_and_badge_only(kits_copy, capsys):
    tool = _tool()
    paths = tool.notebooks([kits_copy])
    for path in paths:
        _unsync(path)
    before = {p: _nb(p) for p in paths}
    assert tool.main(["--check", str(kits_copy)]) == 1
    out = capsys.readouterr().out
    assert all(f"out of sync: {p} (setup cell, badge)" in out for p in paths)
    assert {p: _nb(p) for p in paths} == before, "--check changed a file"

    assert tool.main([str(kits_copy)]) == 0
    for path in paths:
        after, old = _nb(path), before[path]
        assert "".join(tool.setup_cell(after, path)["source"]) == setup_cell_source()
        changed = [i for i, (a, b) in enumerate(zip(old["cells"], after["cells"])) if a != b]
        assert changed == [0, 1], "only the first cell (badge) and the setup cell change"
        assert after["cells"][1]["outputs"] == old["cells"][1]["outputs"]
        new_title, old_title = after["cells"][0]["source"], old["cells"][0]["source"]
        diff = [i for i, (a, b) in enumerate(zip(old_title, new_title)) if a != b]
        assert len(new_title) == len(old_title) and len(diff) == 1, "one line of the first cell, the badge's"
        assert new_title[diff[0]].rstrip("\n") == badge_line(path.parent.name, path.name)
        assert new_title[diff[0]].endswith("\n") == old_title[diff[0]].endswith("\n")
        assert after["metadata"] == old["metadata"]
        assert not list(path.parent.glob(".*.tmp")), "a temporary file was left beside the notebook"
    assert tool.main(["--check", str(kits_copy)]) == 0


def test_sync_tool_writes_what_the_setting_gives(kits_copy, monkeypatch, capsys):
    """Another address in the one setting: the tool writes it into both places, then --check holds them."""
    tool = _tool()
    path = tool.notebooks([kits_copy])[0]
    tool.main([str(path)])
    monkeypatch.setattr(tool, "setup_cell_source", functools.partial(setup_cell_source, OTHER))
    monkeypatch.setattr(tool, "badge_line", functools.partial(badge_line, repository=OTHER))
    assert tool.main([str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert (
        f"git+{OTHER}@{RELEASE_TAG}" in text
        and "colab.research.google.com/github/someone-else/a-fork/blob/main" in text
    )
    assert REPOSITORY not in text
    assert tool.main(["--check", str(path)]) == 0
    monkeypatch.undo()
    assert tool.main(["--check", str(path)]) == 1
    assert f"out of sync: {path} (setup cell, badge)" in capsys.readouterr().out


def test_sync_tool_keeps_the_file_bytes_of_a_synced_notebook(kits_copy):
    tool = _tool()
    path = tool.notebooks([kits_copy])[0]
    tool.main([str(path)])
    synced = path.read_bytes()
    assert tool.sync(path, setup_cell_source(), write=True) == []
    assert path.read_bytes() == synced


def test_sync_tool_names_a_notebook_without_setup_cell_or_badge(kits_copy, capsys):
    tool = _tool()
    first, second = tool.notebooks([kits_copy])[:2]
    nb = _nb(first)
    nb["cells"] = [c for c in nb["cells"] if '"google.colab" in sys.modules' not in "".join(c["source"])]
    first.write_text(json.dumps(nb), encoding="utf-8")
    nb = _nb(second)
    nb["cells"][0]["source"] = [line for line in nb["cells"][0]["source"] if "Open In Colab" not in line]
    second.write_text(json.dumps(nb), encoding="utf-8")
    assert tool.main(["--check", str(kits_copy)]) == 1
    err = capsys.readouterr().err
    assert f"{first}: no setup cell" in err and f"{second}: no Colab badge line in the first cell" in err
    assert err.count("CONTRIBUTING.md") == 2


def test_sync_tool_names_an_unreadable_notebook(tmp_path, capsys):
    bad = tmp_path / "cut.ipynb"
    bad.write_text('{"cells": [', encoding="utf-8")
    assert _tool().main([str(bad)]) == 1
    assert f"{bad}: cannot be read as a notebook" in capsys.readouterr().err
