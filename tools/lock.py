"""Write ``requirements/lock.txt``: every pin of the environment with the sha256 of each file pip may take.

Usage::

    .venv/bin/python tools/lock.py                            # the same pins, their hashes read anew
    .venv/bin/python tools/lock.py --add pydata-sphinx-theme  # a new requirement and what it needs
    .venv/bin/python tools/lock.py --add numpy==2.4.7         # move one pin (NAME alone: its newest fitting release)

The versions are the lock's own: the current file is read and every pin kept as it is. uv
(the test extra) resolves them, with the ``--add`` requirements, into a universal lock in a
temporary folder (``uv lock``: every platform and Python the pins support). From it come the
file names and sha256 of every wheel and sdist of each pinned version, what the pins need on
other platforms or Pythons (a line with a marker, such as colorama on Windows) and what an
added requirement brings. Wheels and sdists in pip's own ``find-links`` folders whose name and
version match a pin are hashed too: pip takes them on this machine (torch's CPU build).

torch is locked as a CPU build (:data:`CPU_BUILDS`): the registry's Linux wheels of torch are
CUDA builds, whose CUDA libraries the lock does not carry, so their hashes are left out and
nothing enters the lock through torch's own dependencies. Were one of those hashes listed,
pip would prefer that wheel to the CPU wheel of its find-links, whose hash it only learns once
it has taken it.

Exit status: 0 when the lock was written; 1 when uv or the registry failed (the lock is left
as it was).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

__all__ = [
    "CPU_BUILDS",
    "HEADER",
    "REQUIRES_PYTHON",
    "Pin",
    "find_links_files",
    "local_hashes",
    "locked",
    "main",
    "needed_markers",
    "read_pins",
    "registry_hashes",
    "render",
    "uv_lock",
]

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"

# The pins need 3.11.5 at least (soupsieve 4.1.3); the universal lock covers every later Python.
REQUIRES_PYTHON = ">=3.11.5"
# Packages whose Linux wheels on the registry are CUDA builds: the lock keeps their CPU builds only.
CPU_BUILDS = frozenset({"torch"})
# The temporary project whose dependencies are the pins (a name no pin can take).
_ROOT_NAME = "hdhkits-lock-pins"

HEADER = """\
# Every package of the project's environment at the version the tests ran with (Python 3.11, Linux x86_64,
# 2 CPU cores), each with the sha256 of every file pip may install for it.
# Written by tools/lock.py from this file's own pins: do not edit it by hand. Regenerate with
#     .venv/bin/python tools/lock.py                  (same versions, hashes read anew from the registry)
#     .venv/bin/python tools/lock.py --add NAME       (a new requirement, or NAME==VERSION to move a pin)
# bootstrap.py installs it with --require-hashes --no-deps (the file is closed: no resolver), then the
# package itself (editable), then runs pip check.
# Platforms: the hashes are those of every wheel and sdist the registry offers for each version (CPython
# 3.11.5 and newer on Linux, macOS and Windows); a line with a marker is a package that another platform or
# Python needs and this one does not (such as colorama on Windows and appnope on macOS).
# torch is a CPU build: the registry's Linux wheels of torch are CUDA builds whose CUDA libraries this file
# does not carry, so their hashes are left out. Its hashes are the registry's macOS and Windows wheels and
# the CPU wheels in pip's find-links folders where the file was written (the project's machines: CPython
# 3.11 on Linux x86_64). On another Linux machine pip refuses torch (no hash of the file it finds): put
# torch's CPU wheel for that Python in a folder named by PIP_FIND_LINKS and regenerate (tools/lock.py needs
# only uv and packaging: python3 -m pip install uv packaging, in any environment).
"""


@dataclass(frozen=True)
class Pin:
    """One line of the lock: ``name==version``, under a marker when only some platforms need it.

    Attributes
    ----------
    name : str
        The name as the lock spells it (``Jinja2``, ``ast_serialize``).
    version : str
        The exact version.
    marker : str
        The environment marker (``sys_platform == "win32"``), empty when every platform needs it.
    hashes : tuple of str
        The ``sha256:...`` digests of the files pip may install, sorted.
    """

    name: str
    version: str
    marker: str = ""
    hashes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """The PEP 503 normal name."""
        return canonicalize_name(self.name)

    def requirement(self) -> str:
        """``name==version``, followed by ``; marker`` when there is one."""
        return f"{self.name}=={self.version}" + (f" ; {self.marker}" if self.marker else "")


def read_pins(text: str) -> dict[str, Pin]:
    """The pins of a lock file, by normal name (its comments, hashes and line continuations read through).

    Parameters
    ----------
    text : str
        The lock's text: ``name==version`` lines, each possibly followed by ``; marker`` and
        ``--hash=sha256:...`` options, on one line or continued with a backslash.

    Returns
    -------
    dict of str to Pin
    """
    pins: dict[str, Pin] = {}
    logical = re.sub(r"\\\n", " ", text)
    for raw in logical.splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        hashes = tuple(sorted(re.findall(r"--hash=(\S+)", line)))
        requirement = Requirement(re.sub(r"\s*--hash=\S+", "", line))
        versions = [s.version for s in requirement.specifier if s.operator == "=="]
        if len(versions) != 1 or len(requirement.specifier) != 1:
            raise ValueError(f"{raw.strip()!r} is not pinned with == alone")
        marker = str(requirement.marker) if requirement.marker else ""
        pin = Pin(requirement.name, versions[0], marker, hashes)
        pins[pin.key] = pin
    return pins


def _project(pins: dict[str, Pin], added: list[Requirement]) -> str:
    """The temporary project's pyproject.toml: the pins (an added name replacing its pin) as dependencies."""
    replaced = {canonicalize_name(r.name) for r in added}
    lines = [p.requirement() for key, p in sorted(pins.items()) if key not in replaced]
    lines += [str(r) for r in added]
    dependencies = "".join(f"    {_toml_string(line)},\n" for line in lines)
    return (
        f'[project]\nname = "{_ROOT_NAME}"\nversion = "0"\nrequires-python = "{REQUIRES_PYTHON}"\n'
        f"dependencies = [\n{dependencies}]\n"
    )


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def uv_lock(project: str) -> dict:
    """Run ``uv lock`` on a temporary project and return its ``uv.lock`` as parsed TOML.

    Parameters
    ----------
    project : str
        The project's ``pyproject.toml``.

    Returns
    -------
    dict
        ``uv.lock``'s tables (``package`` holds one entry per package and version).

    Raises
    ------
    RuntimeError
        When uv cannot resolve the pins or reach the registry (its message attached).
    """
    from uv import find_uv_bin  # the test extra's; imported here so the module loads without it

    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", UV_NO_CONFIG="1")
    with tempfile.TemporaryDirectory(prefix="hdhkits-lock-") as folder:
        Path(folder, "pyproject.toml").write_text(project)
        cmd = [find_uv_bin(), "lock", "--python", sys.executable, "--directory", folder]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"uv lock failed:\n{result.stderr.strip()}")
        return tomllib.loads(Path(folder, "uv.lock").read_text())


def _packages(lock: dict) -> dict[str, dict]:
    """uv.lock's packages by normal name; a name resolved to two versions (a fork) is refused."""
    packages: dict[str, dict] = {}
    for package in lock["package"]:
        key = canonicalize_name(package["name"])
        if key in packages:
            raise RuntimeError(f"uv resolved {key} to several versions (a fork by platform or Python): pin it")
        packages[key] = package
    return packages


# A marker in disjunctive form: the package is needed where any of the conjunctions holds; a
# conjunction is a frozenset of uv's edge markers. {frozenset()} stands for "always".
_Markers = set[frozenset[str]]


def _add(markers: _Markers, new: frozenset[str]) -> bool:
    """Add a conjunction, dropping those it makes redundant; whether anything changed."""
    if any(old <= new for old in markers):
        return False
    markers.difference_update({old for old in markers if new <= old})
    markers.add(new)
    return True


def needed_markers(lock: dict, pinned: set[str]) -> dict[str, _Markers]:
    """Where each package of a uv lock is needed, from the temporary project's dependencies down.

    Parameters
    ----------
    lock : dict
        ``uv.lock`` as parsed TOML.
    pinned : set of str
        The normal names pinned already: a package of :data:`CPU_BUILDS` leads only to these
        (its other dependencies are the CUDA libraries of its Linux builds).

    Returns
    -------
    dict of str to set of frozenset of str
        By normal name, the conjunctions of uv's markers under which the package is needed;
        ``{frozenset()}`` when it always is. The temporary project itself is left out.
    """
    packages = _packages(lock)
    needed: dict[str, _Markers] = {}
    queue = [(_ROOT_NAME, frozenset[str]())]
    while queue:
        parent, condition = queue.pop()
        for edge in _edges(packages, parent):
            child = canonicalize_name(edge["name"])
            if parent in CPU_BUILDS and child not in pinned:
                continue
            reached = condition | {edge["marker"]} if edge.get("marker") else condition
            if _add(needed.setdefault(child, set()), reached):
                queue.append((child, reached))
    return needed


def _edges(packages: dict[str, dict], name: str) -> list[dict]:
    """A package's dependencies, an edge to ``pkg[extra]`` followed by the edges of that extra (same marker)."""
    edges = []
    pending = list(packages[name].get("dependencies", []))
    while pending:
        edge = pending.pop()
        edges.append(edge)
        optional = packages[canonicalize_name(edge["name"])].get("optional-dependencies", {})
        for extra in edge.get("extra", []):
            pending += [{**e, "marker": _both(edge.get("marker"), e.get("marker"))} for e in optional[extra]]
    return edges


def _both(first: str | None, second: str | None) -> str | None:
    parts = [f"({m})" for m in (first, second) if m]
    return " and ".join(parts) if len(parts) > 1 else (first or second)


def _marker_text(markers: _Markers) -> str:
    """A package's marker for the lock line, empty when it is always needed."""
    if frozenset() in markers:
        return ""
    terms = []
    for conjunction in sorted(markers, key=sorted):
        atoms = [f"({a})" if " or " in a else a for a in sorted(conjunction)]
        terms.append(" and ".join(atoms))
    text = " or ".join(f"({t})" if " and " in t and len(terms) > 1 else t for t in terms)
    return str(Marker(text))


def _file_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("#", 1)[0]


def registry_hashes(package: dict) -> list[tuple[str, str]]:
    """``(file name, sha256:...)`` of a uv lock package's wheels and sdist, less torch's CUDA builds.

    Parameters
    ----------
    package : dict
        One ``[[package]]`` table of ``uv.lock``.

    Returns
    -------
    list of (str, str)
        A package of :data:`CPU_BUILDS` has its Linux wheels left out.
    """
    files = list(package.get("wheels", []))
    if "sdist" in package:
        files.append(package["sdist"])
    found = []
    for entry in files:
        name = _file_name(entry["url"])
        if canonicalize_name(package["name"]) in CPU_BUILDS and name.endswith(".whl") and "linux" in name:
            continue
        found.append((name, entry["hash"]))
    return found


def find_links_files() -> list[Path]:
    """The wheels and sdists in the local folders of pip's ``find-links`` setting (its config and environment)."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    )
    folders: list[str] = []
    for line in result.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.endswith("find-links"):
            folders += value.strip().strip("'\"").split()
    if os.environ.get("PIP_FIND_LINKS"):
        folders += os.environ["PIP_FIND_LINKS"].split()
    files = set()
    for folder in folders:
        path = Path(folder.removeprefix("file://"))
        if path.is_dir():
            files |= {p for p in path.iterdir() if p.name.endswith((".whl", ".tar.gz", ".zip"))}
    return sorted(files)


def local_hashes(files: list[Path], pins: dict[str, Pin]) -> dict[str, list[tuple[str, str]]]:
    """``{normal name: [(file name, sha256:...)]}`` of the local files that match a pin's name and version.

    Parameters
    ----------
    files : list of Path
        Wheels and sdists (pip's find-links folders).
    pins : dict of str to Pin
        The pins by normal name. A local version label (``2.13.0+cpu``) matches the pin
        ``2.13.0``, as it does for pip.

    Returns
    -------
    dict of str to list of (str, str)
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for path in files:
        try:
            if path.name.endswith(".whl"):
                name, version, _, _ = parse_wheel_filename(path.name)
            else:
                name, version = parse_sdist_filename(path.name)
        except ValueError:
            continue
        pin = pins.get(canonicalize_name(name))
        if pin is not None and Version(version.public) == Version(pin.version):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found.setdefault(pin.key, []).append((path.name, f"sha256:{digest}"))
    return found


def render(pins: dict[str, Pin]) -> str:
    """The lock's text: :data:`HEADER`, then one pin a line (sorted by name), each hash on a line of its own."""
    blocks = []
    for _, pin in sorted(pins.items()):
        if not pin.hashes:
            raise ValueError(f"{pin.requirement()} has no hash: pip would refuse the whole file")
        hashes = "".join(f" \\\n    --hash={h}" for h in pin.hashes)
        blocks.append(pin.requirement() + hashes + "\n")
    return HEADER + "".join(blocks)


def locked(current: dict[str, Pin], added: list[Requirement]) -> dict[str, Pin]:
    """The new pins with their hashes: the current ones kept, the added ones and what they need resolved.

    Parameters
    ----------
    current : dict of str to Pin
        The lock's pins (their versions kept, but for a name that ``added`` names).
    added : list of Requirement
        Requirements to add or move.

    Returns
    -------
    dict of str to Pin
    """
    lock = uv_lock(_project(current, added))
    packages = _packages(lock)
    markers = needed_markers(lock, set(current))
    pins: dict[str, Pin] = {}
    for key, where in markers.items():
        package = packages[key]
        name = current[key].name if key in current else package["name"]
        pins[key] = Pin(name, package["version"], _marker_text(where))
    local = local_hashes(find_links_files(), pins)
    for key, pin in pins.items():
        files = registry_hashes(packages[key]) + local.get(key, [])
        pins[key] = Pin(pin.name, pin.version, pin.marker, tuple(sorted({h for _, h in files})))
    return pins


def main(argv: list[str] | None = None) -> int:
    """Rewrite the lock from its own pins and the ``--add`` requirements; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", action="append", default=[], metavar="REQUIREMENT", type=Requirement)
    parser.add_argument("--lock", type=Path, default=LOCK, help="the lock file (default: %(default)s)")
    args = parser.parse_args(argv)
    current = read_pins(args.lock.read_text())
    try:
        pins = locked(current, args.add)
    except RuntimeError as exc:
        print(f"lock: {exc}", file=sys.stderr)
        return 1
    args.lock.write_text(render(pins))
    moved = [
        f"{current[k].requirement()} -> {p.requirement()}" for k, p in pins.items() if k in current and current[k] != p
    ]
    new = [pins[k].requirement() for k in sorted(set(pins) - set(current))]
    print(f"{args.lock}: {len(pins)} pins, {sum(len(p.hashes) for p in pins.values())} hashes")
    for line in [*(f"  new {n}" for n in new), *(f"  changed {m}" for m in moved)]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
