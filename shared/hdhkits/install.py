"""Where the helper package is installed from: the repository's address, the Colab badge and the setup cell.

The repository's address is one setting: the ``Repository`` entry of ``[project.urls]`` in
``pyproject.toml``. From a clone it is read there; an installed copy (a wheel, ``pip
install``) reads it from the package's metadata, which the build wrote from the same
entry. The notebooks' Colab badges (:func:`badge_line`) and their setup cell
(:func:`setup_cell_source`) are generated from it, and ``tools/sync_install_cell.py``
writes both into every notebook under ``kits/``; ``tests/test_install.py`` checks that
they agree.

The setup cell installs the package in Colab only, from the first place that has it:

1. the wheel :data:`WHEEL_FILE` in the notebook's working folder or a folder above it
   (a workshop pack's root, once the pack is on Drive or unzipped in ``/content``), else
   in Google Drive, once mounted (:data:`DRIVE` and :data:`DRIVE_DEPTH` folder levels
   below it, no deeper: a fixed, small number of folder listings);
2. else this version's release, :data:`INSTALL_SPEC` (the tag :data:`RELEASE_TAG`);
3. else it stops with one sentence naming the wheel to upload and where to get it.

The wheel is written by ``python3 bootstrap.py wheel`` (:func:`hdhkits.wheel.build_wheel`)
and every workshop pack carries it at its root.

Releasing: bump the version (``hdhkits.__version__``, its one source), run
``tools/sync_install_cell.py``, commit, and push the tag :data:`RELEASE_TAG`.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from . import __version__

__all__ = [
    "DRIVE",
    "DRIVE_DEPTH",
    "INSTALL_SPEC",
    "RELEASE_TAG",
    "REPOSITORY",
    "URL_LABEL",
    "WHEEL_FILE",
    "badge_line",
    "badge_url",
    "clone_root",
    "project_repository",
    "setup_cell_source",
]

#: The ``[project.urls]`` entry of ``pyproject.toml`` that holds the repository's address.
URL_LABEL = "Repository"


def clone_root() -> Path | None:
    """The clone this package runs from, or None for an installed copy (a wheel, ``pip install``).

    Returns
    -------
    Path or None
        The folder holding ``pyproject.toml`` and ``shared/hdhkits`` (this package's folder).
    """
    package = Path(__file__).resolve().parent
    root = package.parents[1]
    return root if package == root / "shared" / "hdhkits" and (root / "pyproject.toml").is_file() else None


def _from_pyproject(path: Path) -> str | None:
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if project.get("name") != "hdhkits":
        return None
    url = project.get("urls", {}).get(URL_LABEL)
    return url if isinstance(url, str) else None


def _from_metadata() -> str | None:
    try:
        entries = importlib.metadata.metadata("hdhkits").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip() == URL_LABEL and url.strip():
            return url.strip()
    return None


#: The clone's ``pyproject.toml``, where the address is set, or None for an installed copy.
_PYPROJECT = None if (_root := clone_root()) is None else _root / "pyproject.toml"


def project_repository(pyproject: Path | None = _PYPROJECT) -> str:
    """The repository's address: ``pyproject.toml``'s ``[project.urls] Repository``.

    Parameters
    ----------
    pyproject : Path, optional
        The clone's ``pyproject.toml``, read when given (default: the one beside this
        package's source when it runs from a clone). When None (an installed copy: a
        wheel, ``pip install``), the package's metadata is read instead (``Project-URL:
        Repository, ...``), which the build wrote from the same entry. A clone never
        falls back to the metadata of its last install, which may be stale.

    Returns
    -------
    str
        An ``https://`` address, without a final ``/`` or ``.git``.

    Raises
    ------
    LookupError
        The entry is missing, or it is no plain ``https://`` address.
    """
    where = str(pyproject) if pyproject is not None else "the installed hdhkits package's metadata"
    url = _from_pyproject(pyproject) if pyproject is not None else _from_metadata()
    if url is None:
        raise LookupError(
            f"{where}: no repository address ([project.urls] {URL_LABEL}); add "
            f'{URL_LABEL} = "https://github.com/<owner>/<repository>" under [project.urls] in pyproject.toml '
            "(and reinstall an installed copy)"
        )
    if not url.startswith("https://") or url.endswith(("/", ".git")):
        raise LookupError(
            f"{where}: [project.urls] {URL_LABEL} is {url!r}; give the repository's https:// "
            "address without a final / or .git"
        )
    return url


#: The public repository: the Colab badges' source and the release's home.
REPOSITORY: str = project_repository()

#: The git tag of this version's release.
RELEASE_TAG: str = f"v{__version__}"

#: The pip requirement of this release: a direct reference pinned to :data:`RELEASE_TAG`.
INSTALL_SPEC: str = f"hdhkits @ git+{REPOSITORY}@{RELEASE_TAG}"

#: The wheel of this version (pure Python), as ``python3 bootstrap.py wheel`` names it.
WHEEL_FILE: str = f"hdhkits-{__version__}-py3-none-any.whl"

#: Where Colab mounts Google Drive (``drive.mount("/content/drive")``): the setup cell's last place to look.
DRIVE = "/content/drive/MyDrive"

#: How many folder levels below :data:`DRIVE` the setup cell looks for the wheel.
DRIVE_DEPTH = 2

_COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def badge_url(kit: str, notebook: str, repository: str = REPOSITORY) -> str:
    """Where a notebook's *Open in Colab* badge points: the notebook on the repository's ``main``.

    Parameters
    ----------
    kit : str
        The kit's folder under ``kits/``.
    notebook : str
        The notebook's file name.
    repository : str
        The repository's address (default: :data:`REPOSITORY`).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        The repository is not on GitHub: Colab opens notebooks from GitHub only.
    """
    owner_repo = repository.removeprefix("https://github.com/")
    if owner_repo == repository or owner_repo.count("/") != 1:
        raise ValueError(
            f"pyproject.toml: [project.urls] {URL_LABEL} is {repository!r}, and Colab opens notebooks from "
            "GitHub only; give https://github.com/<owner>/<repository>"
        )
    return f"https://colab.research.google.com/github/{owner_repo}/blob/main/kits/{kit}/{notebook}"


def badge_line(kit: str, notebook: str, repository: str = REPOSITORY) -> str:
    """The badge's Markdown line in a notebook's first cell (no newline).

    Parameters
    ----------
    kit, notebook, repository : str
        As in :func:`badge_url`.

    Returns
    -------
    str
        ``[![Open In Colab](<badge image>)](<badge_url>)``.
    """
    return f"[![Open In Colab]({_COLAB_BADGE})]({badge_url(kit, notebook, repository)})"


# The condition test_notebook_template.py looks for; outside Colab the cell does nothing,
# so a local or CI run never installs over the developer's environment.
_COLAB_ONLY = 'if "google.colab" in sys.modules:'


def setup_cell_source(repository: str = REPOSITORY, drive: str = DRIVE) -> str:
    """The exact source of every notebook's setup cell (second cell, before the imports).

    Parameters
    ----------
    repository : str
        Where the release is installed from when no wheel is found (default:
        :data:`REPOSITORY`; the tests give an address that fails at once).
    drive : str
        Google Drive's folder in Colab (default: :data:`DRIVE`; the tests give a folder of theirs).

    Returns
    -------
    str
        Plain Python (no IPython magic), no trailing newline (as Jupyter stores a cell).
        In Colab only, it installs :data:`WHEEL_FILE` from the working folder, a folder
        above it or Drive (:data:`DRIVE_DEPTH` levels), else :data:`INSTALL_SPEC`, with
        pip (dependencies from PyPI, quietly), and prints where from; when neither
        installs, it stops with one sentence (``SystemExit``: no traceback).

    Examples
    --------
    >>> print(setup_cell_source().splitlines()[2])
    if "google.colab" in sys.modules:  # Colab only: install hdhkits, the kits' helper package
    """
    spec = f"hdhkits @ git+{repository}@{RELEASE_TAG}"
    patterns = ", ".join(["wheel"] + [f'"{"*/" * depth}" + wheel' for depth in range(1, DRIVE_DEPTH + 1)])
    return "\n".join(
        [
            "import sys",
            "",
            f"{_COLAB_ONLY}  # Colab only: install hdhkits, the kits' helper package",
            f"    # From the first place that has it: the wheel {WHEEL_FILE} in the working",
            "    # folder or a folder above it (a workshop pack's root, after a %cd to the notebook's folder),",
            f"    # else in Google Drive if mounted ({drive} and {DRIVE_DEPTH} folder levels below); else the release.",
            "    import subprocess",
            "    from pathlib import Path",
            f'    here, drive, wheel = Path.cwd(), Path("{drive}"), "{WHEEL_FILE}"',
            "    found = [folder / wheel for folder in (here, *here.parents) if (folder / wheel).is_file()]",
            f"    found += [path for pattern in ({patterns}) for path in sorted(drive.glob(pattern))]",
            f'    source = str(found[0]) if found else "{spec}"',
            f'    print(f"Installing hdhkits {__version__} from {{source}} (dependencies from PyPI) ...")',
            '    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", source], capture_output=True, text=True)',
            "    if pip.returncode != 0 and found:",
            '        raise SystemExit(f"pip could not install {source}: " + pip.stderr.strip().split("\\n")[-1])',
            "    if pip.returncode != 0:",
            "        raise SystemExit(",
            '            f"hdhkits is not installed: no {wheel} in {here}, the folders above it or Drive, and the release "',
            f'            f"{RELEASE_TAG} is not reachable; upload {{wheel}} to {{here}} (it is at a workshop pack\'s root, or "',
            '            "python3 bootstrap.py wheel writes it from a clone of the repository), then run this cell again"',
            "        )",
        ]
    )
