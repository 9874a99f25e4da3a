"""The package as a wheel, built from a clone with no network: what Colab installs when no release is reachable.

:func:`build_wheel` copies what the build reads (the top-level files and ``shared/``) out
of the clone, runs ``pip wheel --no-deps --no-build-isolation --no-index`` on the copy
with the running interpreter's own setuptools (so nothing is downloaded, and the clone
gets no ``build/`` folder), and moves the wheel into place atomically. It is named
:data:`hdhkits.install.WHEEL_FILE`, the file the notebooks' setup cell looks for.
``python3 bootstrap.py wheel`` writes it into ``dist/``; ``hdhkits workshop`` writes it at
the root of every pack.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .files import atomic_path
from .install import WHEEL_FILE, clone_root

__all__ = ["WheelError", "build_wheel", "source_root"]


class WheelError(Exception):
    """A wheel that cannot be built, as one sentence: ``<file or folder>: <what is wrong>; <the fix>``.

    Parameters
    ----------
    where : object
        The file or folder at fault (printed as it is).
    what : str
        What is wrong with it.
    fix : str
        What to do.
    """

    def __init__(self, where: object, what: str, fix: str):
        super().__init__(f"{where}: {what}; {fix}")
        self.where, self.what, self.fix = where, what, fix

    def __reduce__(self) -> tuple[type, tuple[object, str, str]]:
        return type(self), (self.where, self.what, self.fix)


def source_root() -> Path:
    """The clone this package runs from: the folder holding ``pyproject.toml`` and ``shared/hdhkits``.

    Returns
    -------
    Path

    Raises
    ------
    WheelError
        The package is an installed copy (a wheel, ``pip install``), with no source to build from.
    """
    root = clone_root()
    if root is None:
        raise WheelError(
            Path(__file__).resolve().parent,
            "is an installed copy of hdhkits, not a clone of the repository, so there is no source to build a wheel from",
            "run python3 bootstrap.py wheel in a clone, or take the wheel from a workshop pack's root",
        )
    return root


def _not_built(folder: str, names: list[str]) -> set[str]:
    """``shutil.copytree`` filter: bytecode, earlier builds' metadata and notebook checkpoints."""
    return {n for n in names if n in ("__pycache__", ".ipynb_checkpoints", "build") or n.endswith(".egg-info")}


def _copy_sources(root: Path, copy: Path) -> None:
    """The top-level files (``pyproject.toml``, the README it names, ...) and ``shared/``, nothing else."""
    copy.mkdir()
    for path in root.iterdir():
        if path.is_file():
            shutil.copy2(path, copy / path.name)
    shutil.copytree(root / "shared", copy / "shared", ignore=_not_built)


def _pip_wheel(source: Path, out: Path, pyproject: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--check-build-dependencies"]
    cmd += ["--no-index", "--quiet", "--wheel-dir", str(out), str(source)]
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=source)
    if done.returncode != 0:
        # this machine's pip config may name local index folders; pip warns for each missing one
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip() and "is ignored:" not in line]
        reason = next((line for line in reversed(lines) if line.startswith("ERROR:")), lines[-1] if lines else "")
        raise WheelError(
            pyproject,
            f"pip could not build the wheel with {sys.executable} ({reason or f'exit code {done.returncode}'})",
            "install the build backend pyproject.toml names into this environment "
            f"({sys.executable} -m pip install 'setuptools>=77'), or take the wheel from a workshop pack's root",
        )


def build_wheel(out_dir: str | Path, root: str | Path | None = None) -> Path:
    """Write the package's wheel, :data:`hdhkits.install.WHEEL_FILE`, into ``out_dir``; no network.

    Parameters
    ----------
    out_dir : str or Path
        The folder to write it into (created). A wheel of the same name there is replaced
        only once the new one is complete.
    root : str or Path, optional
        The clone to build from (default: :func:`source_root`, the one this package runs from).

    Returns
    -------
    Path
        The wheel.

    Raises
    ------
    WheelError
        No clone to build from, no usable build backend in this environment, or a
        clone whose ``hdhkits.__version__`` is not this package's (the setup cell would not
        find the wheel by its name).
    """
    root = source_root() if root is None else Path(root)
    with tempfile.TemporaryDirectory(prefix="hdhkits-wheel-") as tmp:
        source, built = Path(tmp) / "src", Path(tmp) / "dist"
        _copy_sources(root, source)
        _pip_wheel(source, built, root / "pyproject.toml")
        wheels = sorted(p.name for p in built.glob("*.whl"))
        if wheels != [WHEEL_FILE]:
            raise WheelError(
                root / "pyproject.toml",
                f"builds {', '.join(wheels) or 'no wheel'}, not {WHEEL_FILE} (hdhkits.__version__)",
                "build from the clone whose package runs here, or install that clone's package (python3 bootstrap.py setup)",
            )
        target = Path(out_dir) / WHEEL_FILE
        with atomic_path(target) as partial:
            shutil.copyfile(built / WHEEL_FILE, partial)
    return target
