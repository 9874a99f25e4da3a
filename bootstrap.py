#!/usr/bin/env python3
"""Set up the project's virtual environment and run the kits or the tests.

    python3 bootstrap.py run     # set up .venv/, then run every kit headless on synthetic data
    python3 bootstrap.py test    # set up .venv/, then run the whole test suite
    python3 bootstrap.py test --fast  # the development loop: the suite without its `slow` tests
    python3 bootstrap.py setup   # set up .venv/ only
    python3 bootstrap.py lab     # set up .venv/, then open the kits in JupyterLab (prints the URL)
    python3 bootstrap.py docs    # set up .venv/, then build the HTML reference into docs/_build/html/
    python3 bootstrap.py wheel   # set up .venv/, then write the package's wheel into dist/ (prints its path)

Setting up creates ``.venv/`` at the repository root with the interpreter running this
script (Python 3.11 or newer: scikit-learn 1.9, scikit-survival 0.28 and lifelines 0.30
need it), installs the pinned versions in ``requirements/lock.txt`` (every package, no resolver,
each file checked against the lock's sha256 with ``--require-hashes``: ``pip check`` then confirms
the set is whole) and the helper package itself (editable). It is
skipped when nothing changed since the last setup; a ``.venv/`` copied or moved from
another folder is made again (a virtual environment is not relocatable). Extra arguments go to the command:
``python3 bootstrap.py run --quick``, ``python3 bootstrap.py test -k annitia``,
``python3 bootstrap.py lab --no-browser --port 8890`` (options of ``jupyter lab``).
``test --fast`` leaves out the tests marked ``slow`` (notebook executions but one cheap
notebook, JupyterLab, the Colab environment, workshop packs, default-size models) and
runs the rest on one worker more than the cores: the development loop, about 3 minutes on 2 cores.

``wheel`` writes ``dist/hdhkits-<version>-py3-none-any.whl`` (``dist/`` is git-ignored),
the file the notebooks' setup cell installs in Colab when it finds it beside the notebook,
in a folder above it or in Google Drive (``hdhkits.install``). It is built with the
``.venv/``'s own pip and setuptools (``pip wheel --no-deps --no-build-isolation
--no-index``): no network beyond the first setup. Every workshop pack carries the same
wheel at its root.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements" / "lock.txt"
STAMP = VENV / ".hdhkits-installed"
KITS_DIR = ROOT / "kits"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _call(cmd: list[str], hint: str = "") -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"bootstrap: command failed with exit code {result.returncode}: {' '.join(map(str, cmd))}{hint}")


def venv_made_elsewhere() -> str | None:
    """The folder a copied or moved ``.venv/`` was made for, or None when it is this one's.

    A virtual environment is not relocatable: its scripts start with the absolute path of
    its interpreter, and the editable install of ``hdhkits`` points at the ``shared/`` folder
    of the clone that made it. A ``.venv/`` copied along with a clone would run the tests
    against the other clone's package: it is made again instead.
    """
    if not VENV.is_dir():
        return None
    lines = STAMP.read_text().splitlines() if STAMP.is_file() else []
    if len(lines) >= 2 and lines[1].strip() != str(ROOT):
        return lines[1].strip()
    for pth in VENV.glob("lib*/python*/site-packages/__editable__*hdhkits*.pth"):
        target = pth.read_text().strip()
        if target and Path(target) != ROOT / "shared":
            return str(Path(target).parent)
    return None


def setup() -> None:
    """Create .venv/ and install the pinned requirements and the package, if needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (bootstrap runs under any python3 to say which is needed)
        sys.exit(
            f"bootstrap: Python 3.11 or newer is needed (this is {sys.version.split()[0]}); run it with python3.11"
        )
    elsewhere = venv_made_elsewhere()
    if elsewhere is not None:
        print(f"The .venv/ here was made for {elsewhere}; making it again for {ROOT} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    elif not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    fingerprint = _fingerprint()
    if STAMP.is_file() and STAMP.read_text().splitlines()[:2] == [fingerprint, str(ROOT)]:
        print("Environment up to date (.venv/).", flush=True)
        return
    # The lock pins every package the environment holds: no resolver (--no-deps), then pip
    # check says which requirement a pin breaks, should the lock ever miss one.
    # --require-hashes: each file pip takes must have one of its pin's sha256 (tools/lock.py writes them).
    # --no-compile: half the setup time goes into byte-compiling every file of every package;
    # the modules the kits and tests import are compiled once, when first imported (main()
    # lets the commands write their bytecode).
    _call(
        [PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        + ["--require-hashes", "--no-deps", "--no-compile", "-r", LOCK],
        hint=f"\n(if pip said a file does not match the hashes: {LOCK.relative_to(ROOT)}'s header says which files they cover)",
    )
    _call([PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", "-e", ROOT])
    _call([PYTHON, "-m", "pip", "check", "--disable-pip-version-check"])
    STAMP.write_text(f"{fingerprint}\n{ROOT}\n")
    print("Environment ready (.venv/).", flush=True)


# The server's own log line giving its address, e.g. "http://localhost:8888/lab?token=...".
_URL = re.compile(r"https?://(?:localhost|127\.0\.0\.1|\[::1\]|[\w.-]+):\d+/\S*")


def lab(extra: list[str]) -> int:
    """Start JupyterLab from .venv/ with kits/ as its root folder; return its exit code.

    The notebooks name the kernel ``python3``; the venv's own kernelspec of that name
    starts the venv's interpreter, so the kits find ``hdhkits`` and the pinned libraries.
    Its log goes through unchanged, and once it gives its URL that URL is repeated on
    one line of its own.
    """
    env = command_environment()
    # A "python3" kernelspec in the user's own Jupyter folder (another Python) must not
    # shadow the venv's: look in the venv first.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    options = [f"--ServerApp.root_dir={KITS_DIR}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.append("--allow-root")  # containers and CI run as root; the server refuses it otherwise
    cmd = [PYTHON, "-m", "jupyterlab", *options, *extra]
    print("+", " ".join(str(c) for c in cmd), flush=True)
    # Only stderr (the server's log) is read; stdout and stdin stay the terminal's, so
    # the server's own Ctrl-C prompt ("Shutdown this Jupyter server (y/[n])?") works.
    proc = subprocess.Popen(
        [str(c) for c in cmd], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True, errors="replace", bufsize=1
    )
    # `kill` or `timeout` on this script must stop the server too, not orphan it.
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    announced = False
    while True:
        try:
            for line in proc.stderr:
                sys.stderr.write(line)
                match = None if announced else _URL.search(line)
                if match:
                    announced = True
                    print(
                        f"\nJupyterLab is serving {KITS_DIR.relative_to(ROOT)}/ at {match.group(0)}\n"
                        "(open it in a browser; Ctrl-C here stops the server)\n",
                        flush=True,
                    )
            break
        except KeyboardInterrupt:
            continue  # the server got the same Ctrl-C: it asks to confirm, or stops
    return proc.wait()


def pytest_arguments(extra: list[str]) -> list[str]:
    """Pytest's arguments for ``bootstrap.py test EXTRA``.

    On two cores or more the suite runs on one pytest-xdist worker more than the cores, at
    most 8 (``--dist loadfile``: a test file's module fixtures are built once): the tests
    spend about a tenth of their time waiting on kernels, servers and subprocesses, and the
    extra worker fills it (on 2 cores, three workers took 415 and 459 s against 486 and 489 s
    for two). ``--fast`` also selects ``-m "not slow"``.
    """
    cores = os.cpu_count() or 1
    workers = ["-n", str(min(cores + 1, 8)), "--dist", "loadfile"] if cores >= 2 else []
    if "--fast" not in extra:
        return [*workers, *extra]  # an -n in extra comes later and wins (-n 0: one process)
    rest = [a for a in extra if a != "--fast"]
    return ["-m", "not slow", *workers, *rest]  # a -m or -n in rest comes later and wins


DOCS_OUT = ROOT / "docs" / "_build"


def docs(extra: list[str]) -> int:
    """Build the HTML reference (Sphinx) into docs/_build/html/; return sphinx-build's exit code.

    The source folder is the repository root and the configuration ``docs/conf.py``: the
    package's API pages are generated from its docstrings, the kits' notebooks rendered
    from their committed outputs (never executed). Any warning fails the build, and every
    warning is listed first (``-W --keep-going``).
    """
    cmd = [PYTHON, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-c", ROOT / "docs"]
    cmd += ["-d", DOCS_OUT / "doctrees", *extra, ROOT, DOCS_OUT / "html"]
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=command_environment()).returncode
    if code == 0:
        print(f"\nThe reference is in {(DOCS_OUT / 'html' / 'index.html').relative_to(ROOT)}", flush=True)
    return code


DIST = ROOT / "dist"
# Run by the venv's interpreter: the package builds its own wheel (hdhkits.wheel), so that
# this script and `hdhkits workshop` build it the same way.
_WHEEL_SCRIPT = """
import sys
from hdhkits.wheel import WheelError, build_wheel
try:
    print(build_wheel(sys.argv[1]))
except WheelError as exc:
    sys.exit(f"bootstrap: {exc}")
"""


def wheel() -> int:
    """Write the package's wheel into dist/ (atomically) and print its path; return the exit code."""
    cmd = [PYTHON, "-c", _WHEEL_SCRIPT, DIST]
    print(f"+ {PYTHON} -c 'build_wheel(...)' {DIST}  (pip wheel --no-deps --no-build-isolation --no-index)", flush=True)
    code = subprocess.run([str(c) for c in cmd], cwd=ROOT).returncode
    if code == 0:
        print(
            "Upload it beside a notebook in Colab (or keep it at a workshop pack's root): the setup cell installs it.",
            flush=True,
        )
    return code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("setup", "run", "test", "lab", "docs", "wheel"):
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    setup()
    if command == "setup":
        return 0
    if command == "lab":
        return lab(extra)
    if command == "docs":
        return docs(extra)
    if command == "wheel":
        return wheel()
    if command == "run":
        cmd = [BIN / "hdhkits", "run", "all", *extra]
    else:
        cmd = [PYTHON, "-m", "pytest", *pytest_arguments(extra)]
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=command_environment()).returncode


def command_environment() -> dict[str, str]:
    """The environment of ``run``, ``test``, ``lab`` and ``docs``: this one, bytecode written in ``.venv/``.

    Setup installs the packages without their bytecode (``--no-compile``), so each module is
    compiled when first imported and its ``.pyc`` written beside it. A shell that sets
    ``PYTHONDONTWRITEBYTECODE`` would make every process, every notebook kernel, compile
    pandas, scikit-learn and torch again: the variable is left out for these commands.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
