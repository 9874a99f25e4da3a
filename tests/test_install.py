"""The install URL in one place: hdhkits.install, the notebooks' setup cell, tools/sync_install_cell.py."""

import importlib.util
import json
import re
import shutil
from pathlib import Path

import hdhkits
import pytest
from hdhkits.install import INSTALL_SPEC, RELEASE_TAG, REPOSITORY, setup_cell_source
from hdhkits.problem import KITS, NOTEBOOKS

REPO = Path(__file__).resolve().parents[1]
PATHS = [REPO / "kits" / kit / nb for kit in KITS for nb in NOTEBOOKS]


def _tool():
    spec = importlib.util.spec_from_file_location("sync_install_cell", REPO / "tools" / "sync_install_cell.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _setup_source(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join(_tool().setup_cell(nb, path)["source"])


def test_release_tag_is_the_package_version():
    assert f"v{hdhkits.__version__}" == RELEASE_TAG
    assert re.fullmatch(r"v\d+\.\d+\.\d+([ab]|rc)?\d*", RELEASE_TAG), "a PEP 440 release, as git tags name it"


def test_install_spec_is_pinned_to_the_release():
    assert f"hdhkits @ git+{REPOSITORY}@{RELEASE_TAG}" == INSTALL_SPEC
    assert not INSTALL_SPEC.endswith(("@main", "@master")) and INSTALL_SPEC.count("@") == 2
    assert REPOSITORY.startswith("https://") and not REPOSITORY.endswith((".git", "/"))


def test_setup_cell_installs_the_spec_in_colab_only():
    lines = setup_cell_source().splitlines()
    assert lines[0] == "import sys"
    assert lines[1].startswith('if "google.colab" in sys.modules:')
    assert lines[2] == f'    %pip install -q "{INSTALL_SPEC}"'
    assert not setup_cell_source().endswith("\n"), "Jupyter stores a cell without a final newline"


def test_colab_badges_point_at_the_repository():
    for path in PATHS:
        title = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
        badge_repo = REPOSITORY.removeprefix("https://github.com/")
        assert f"colab.research.google.com/github/{badge_repo}/" in "".join(title["source"]), path


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_setup_cell_is_in_sync(path):
    assert _setup_source(path) == setup_cell_source(), (
        f"{path.relative_to(REPO)}: the setup cell does not install {INSTALL_SPEC!r}; "
        "run: python tools/sync_install_cell.py"
    )


@pytest.fixture
def kits_copy(tmp_path):
    """Two kits' notebooks copied out of the tree, so the tool is tried on copies only."""
    for kit in KITS[:2]:
        shutil.copytree(REPO / "kits" / kit, tmp_path / kit, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return tmp_path


def _unsync(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = _tool().setup_cell(nb, path)
    cell["source"] = [
        "import sys\n",
        'if "google.colab" in sys.modules:\n',
        '    %pip install -q "hdhkits @ git+https://example.org/old"',
    ]
    path.write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_sync_tool_check_lists_out_of_sync_then_rewrites_only_the_setup_cell(kits_copy, capsys):
    tool = _tool()
    paths = tool.notebooks([kits_copy])
    for path in paths:
        _unsync(path)
    before = {p: json.loads(p.read_text(encoding="utf-8")) for p in paths}
    assert tool.main(["--check", str(kits_copy)]) == 1
    out = capsys.readouterr().out
    assert all(f"out of sync: {p}" in out for p in paths)
    assert {p: json.loads(p.read_text(encoding="utf-8")) for p in paths} == before, "--check changed a file"

    assert tool.main([str(kits_copy)]) == 0
    for path in paths:
        after = json.loads(path.read_text(encoding="utf-8"))
        assert "".join(tool.setup_cell(after, path)["source"]) == setup_cell_source()
        old = before[path]
        changed = [i for i, (a, b) in enumerate(zip(old["cells"], after["cells"])) if a != b]
        assert len(changed) == 1 and after["cells"][changed[0]]["outputs"] == old["cells"][changed[0]]["outputs"]
        assert after["metadata"] == old["metadata"]
        assert not list(path.parent.glob(".*.tmp")), "a temporary file was left beside the notebook"
    assert tool.main(["--check", str(kits_copy)]) == 0


def test_sync_tool_keeps_the_file_bytes_of_a_synced_notebook(kits_copy):
    tool = _tool()
    path = tool.notebooks([kits_copy])[0]
    tool.main([str(path)])
    synced = path.read_bytes()
    assert tool.sync(path, setup_cell_source(), write=True) is False
    assert path.read_bytes() == synced


def test_sync_tool_names_a_notebook_without_setup_cell(kits_copy, capsys):
    tool = _tool()
    path = tool.notebooks([kits_copy])[0]
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if '"google.colab" in sys.modules' not in "".join(c["source"])]
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert tool.main(["--check", str(kits_copy)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: no setup cell" in err and "CONTRIBUTING.md" in err


def test_sync_tool_names_an_unreadable_notebook(tmp_path, capsys):
    bad = tmp_path / "cut.ipynb"
    bad.write_text('{"cells": [', encoding="utf-8")
    assert _tool().main([str(bad)]) == 1
    assert f"{bad}: cannot be read as a notebook" in capsys.readouterr().err
