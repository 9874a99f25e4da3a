"""hdhkits.wheel: the package's wheel from the clone, with no network and nothing written into the clone;
its refusals in a sentence; and ``python3 bootstrap.py wheel``."""

import importlib.util
import os
import pickle
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from hdhkits.install import REPOSITORY, WHEEL_FILE
from hdhkits.wheel import WheelError, build_wheel, source_root

REPO = Path(__file__).resolve().parents[1]
# Any download would go through these and fail at once (port 9: discard, nothing listens).
NO_NETWORK = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "PIP_INDEX_URL": "http://127.0.0.1:9",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built with every download route closed; the clone's top-level listing is checked around it."""
    before = sorted(p.name for p in REPO.iterdir())
    saved = {k: os.environ.get(k) for k in NO_NETWORK}
    os.environ.update(NO_NETWORK)
    try:
        path = build_wheel(tmp_path_factory.mktemp("dist") / "new" / "dist")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    after = sorted(p.name for p in REPO.iterdir())
    assert after == before, "the build wrote into the clone (build/, dist/ or an egg-info)"
    return path


def test_the_wheel_is_the_package_with_its_metadata(wheel):
    assert wheel.name == WHEEL_FILE and [p.name for p in wheel.parent.iterdir()] == [WHEEL_FILE], "no partial file"
    names = zipfile.ZipFile(wheel).namelist()
    package = sorted(
        str(p.relative_to(REPO / "shared"))
        for p in (REPO / "shared" / "hdhkits").rglob("*.py")
        if "__pycache__" not in p.parts
    )
    assert sorted(n for n in names if n.endswith(".py")) == package
    assert "hdhkits/annitia/liver_ablation.json" in names  # package data
    assert not any(n.startswith(("tests/", "kits/", "tools/")) for n in names)
    dist_info = WHEEL_FILE.split("-py3")[0] + ".dist-info"
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert f"Project-URL: Repository, {REPOSITORY}" in metadata.splitlines(), "an installed copy reads the address here"
    assert (
        "Requires-Dist: scikit-survival>=0.28" in metadata and 'Requires-Dist: torch>=2.2; extra == "torch"' in metadata
    )
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    assert "hdhkits = hdhkits.cli:main" in entry_points
    kits = entry_points.split("[hdhkits.kits]")[1].split("[")[0]  # the kits an installed copy finds
    assert "annitia = hdhkits.annitia.problem:PROBLEM" in kits and kits.count(":PROBLEM") == 3


def test_a_new_build_replaces_the_wheel_whole(wheel, tmp_path):
    target = tmp_path / WHEEL_FILE
    target.write_bytes(b"an old, broken download")
    assert build_wheel(tmp_path) == target
    assert zipfile.is_zipfile(target) and sorted(p.name for p in tmp_path.iterdir()) == [WHEEL_FILE]


def _clone_copy(tmp_path: Path, pyproject_edit=None) -> Path:
    copy = tmp_path / "clone"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, copy / name)
    shutil.copytree(REPO / "shared", copy / "shared", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    if pyproject_edit:
        text = (copy / "pyproject.toml").read_text()
        (copy / "pyproject.toml").write_text(pyproject_edit(text))
    return copy


def test_a_missing_build_backend_is_refused_with_the_fix(tmp_path):
    clone = _clone_copy(
        tmp_path, lambda t: t.replace('requires = ["setuptools>=77"]', 'requires = ["setuptools>=9999"]')
    )
    with pytest.raises(WheelError) as caught:
        build_wheel(tmp_path / "dist", root=clone)
    message = str(caught.value)
    assert message.startswith(f"{clone / 'pyproject.toml'}: pip could not build the wheel with {sys.executable}")
    assert "setuptools>=9999" in message and "; install the build backend" in message
    assert not (tmp_path / "dist").exists()


def test_a_version_other_than_the_packages_is_refused(tmp_path):
    """A clone of another release builds that release's wheel, not the one this package seeks."""
    clone = _clone_copy(tmp_path)
    init = clone / "shared" / "hdhkits" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "', '__version__ = "9.', 1))
    with pytest.raises(WheelError, match=r"builds hdhkits-9\..*, not hdhkits-.* \(hdhkits.__version__\); "):
        build_wheel(tmp_path / "dist", root=clone)
    assert not (tmp_path / "dist").exists()


def test_an_installed_copy_has_no_source_to_build_from(monkeypatch, tmp_path):
    assert source_root() == REPO
    monkeypatch.setattr("hdhkits.install.__file__", str(tmp_path / "site-packages" / "hdhkits" / "install.py"))
    with pytest.raises(
        WheelError, match=r"is an installed copy of hdhkits, not a clone.*; run python3 bootstrap.py wheel in a clone"
    ):
        source_root()
    error = WheelError("x", "what", "fix")
    assert str(pickle.loads(pickle.dumps(error))) == "x: what; fix"


def test_bootstrap_wheel_writes_dist_and_prints_the_path(monkeypatch, tmp_path, capfd):
    """``python3 bootstrap.py wheel``, its environment set up already: the package's build_wheel into dist/."""
    spec = importlib.util.spec_from_file_location("bootstrap", REPO / "bootstrap.py")
    bootstrap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bootstrap)
    monkeypatch.setattr(bootstrap, "DIST", tmp_path / "dist")
    monkeypatch.setattr(bootstrap, "PYTHON", Path(sys.executable))
    calls = []
    monkeypatch.setattr(bootstrap, "setup", lambda: calls.append("setup"))
    assert bootstrap.main(["wheel"]) == 0
    assert calls == ["setup"] and (tmp_path / "dist" / WHEEL_FILE).is_file()
    out = capfd.readouterr().out.splitlines()
    assert f"{tmp_path / 'dist' / WHEEL_FILE}" in out and "Upload it beside a notebook in Colab" in out[-1]
    assert "python3 bootstrap.py wheel" in bootstrap.__doc__ and "dist/" in bootstrap.__doc__
    assert "dist/" in (REPO / ".gitignore").read_text().splitlines()
