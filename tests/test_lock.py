"""tools/lock.py and the lock it writes: a hash on every pin, the file as the tool writes it, the
platform-only dependencies reached through markers, torch's CUDA builds left out.

The end-to-end check, ``pip install --require-hashes`` of the whole lock into a new venv (about
30 s on a warm pip cache, minutes on a cold one), is not repeated here: ``bootstrap.py setup``
installs the lock that way whenever it sets up ``.venv/`` (every fresh clone, CI's included, and
every change of the lock) and stops on a missing or wrong hash.
"""

import hashlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
lock_tool = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = lock_tool  # dataclasses look the module up while the class is made
_SPEC.loader.exec_module(lock_tool)

SHA = "sha256:" + "ab" * 32
OTHER = "sha256:" + "cd" * 32


@pytest.fixture(scope="module")
def lock_text():
    return (ROOT / "requirements" / "lock.txt").read_text()


def test_every_pin_of_the_lock_has_sha256_hashes(lock_text):
    pins = lock_tool.read_pins(lock_text)
    assert len(pins) > 150
    bare = [p.requirement() for p in pins.values() if not p.hashes]
    assert not bare, f"pins without a hash (pip --require-hashes refuses the whole file): {bare}"
    malformed = [h for p in pins.values() for h in p.hashes if not re.fullmatch(r"sha256:[0-9a-f]{64}", h)]
    assert not malformed


def test_the_lock_is_as_the_tool_writes_it_and_says_how_to_regenerate(lock_text):
    """A hand edit (a pin without its hashes, a lost header) shows here; the header names the command."""
    assert lock_text.startswith(lock_tool.HEADER)
    assert ".venv/bin/python tools/lock.py" in lock_tool.HEADER and "--require-hashes" in lock_tool.HEADER
    assert lock_tool.render(lock_tool.read_pins(lock_text)) == lock_text


def test_pins_are_read_through_markers_continuations_and_comments():
    text = (
        "# header\n"
        f"Jinja2==3.1.6 \\\n    --hash={OTHER} \\\n    --hash={SHA}\n"
        f'colorama==0.4.6 ; sys_platform == "win32" --hash={SHA}\n'
        "six==1.17.0  # a comment\n"
    )
    pins = lock_tool.read_pins(text)
    assert pins["jinja2"] == lock_tool.Pin("Jinja2", "3.1.6") and pins["jinja2"].hashes == (SHA, OTHER)
    assert pins["colorama"].marker == 'sys_platform == "win32"'
    assert pins["six"].hashes == ()
    with pytest.raises(ValueError, match="not pinned"):
        lock_tool.read_pins("numpy>=2\n")


def test_render_refuses_a_pin_without_a_hash():
    pin = lock_tool.Pin("six", "1.17.0", hashes=(SHA,))
    text = lock_tool.render({"six": pin})
    assert text.endswith(f"six==1.17.0 \\\n    --hash={SHA}\n")
    with pytest.raises(ValueError, match="no hash"):
        lock_tool.render({"six": lock_tool.Pin("six", "1.17.0")})


def _package(name, *dependencies, optional=None):
    edges = [dict(zip(("name", "marker", "extra"), d, strict=False)) for d in dependencies]
    entry = {"name": name, "version": "1", "dependencies": [{k: v for k, v in e.items() if v} for e in edges]}
    if optional:
        entry["optional-dependencies"] = optional
    return entry


def test_needed_markers_follow_markers_and_extras_and_stop_at_torchs_cuda_stack():
    lock = {
        "package": [
            _package(lock_tool._ROOT_NAME, ("ipython",), ("torch",), ("filelock",)),
            _package("ipython", ("colorama", "sys_platform == 'win32'"), ("jsonschema", None, ["format"])),
            _package("jsonschema", optional={"format": [{"name": "fqdn"}]}),
            _package("fqdn"),
            _package("colorama"),
            _package("torch", ("filelock",), ("nvidia-cublas", "sys_platform == 'linux'")),
            _package("filelock"),
            _package("nvidia-cublas"),
        ]
    }
    needed = lock_tool.needed_markers(lock, pinned={"ipython", "torch", "filelock"})
    assert set(needed) == {"ipython", "torch", "filelock", "colorama", "jsonschema", "fqdn"}
    assert needed["colorama"] == {frozenset({"sys_platform == 'win32'"})}
    assert needed["fqdn"] == needed["ipython"] == {frozenset()}
    assert lock_tool._marker_text(needed["colorama"]) == 'sys_platform == "win32"'
    assert lock_tool._marker_text(needed["fqdn"]) == ""


def test_a_package_needed_in_two_places_takes_both_markers():
    either = {frozenset({"sys_platform == 'win32'"}), frozenset({"os_name == 'nt'", "python_version >= '3.12'"})}
    text = lock_tool._marker_text(either)
    assert Requirement(f"x ; {text}").marker.evaluate({"sys_platform": "win32", "os_name": "nt"})
    assert not Requirement(f"x ; {text}").marker.evaluate({"sys_platform": "linux", "os_name": "posix"})


def test_torchs_linux_wheels_are_left_out_and_other_packages_keep_theirs():
    def files(name):
        stem = f"https://registry.invalid/{name}-1.0"
        return {
            "name": name,
            "wheels": [
                {"url": f"{stem}-cp311-cp311-manylinux_2_28_x86_64.whl", "hash": SHA},
                {"url": f"{stem}-cp311-cp311-win_amd64.whl", "hash": OTHER},
            ],
            "sdist": {"url": f"{stem}.tar.gz", "hash": "sha256:" + "ef" * 32},
        }

    assert [h for _, h in lock_tool.registry_hashes(files("torch"))] == [OTHER, "sha256:" + "ef" * 32]
    assert len(lock_tool.registry_hashes(files("numpy"))) == 3


def test_a_local_build_of_a_pinned_version_is_hashed(tmp_path):
    cpu = tmp_path / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
    cpu.write_bytes(b"wheel")
    newer = tmp_path / "torch-2.14.1-cp311-cp311-manylinux_2_28_x86_64.whl"
    newer.write_bytes(b"other")
    (tmp_path / "notes-1.0.whl").write_bytes(b"not a wheel name")
    pins = {"torch": lock_tool.Pin("torch", "2.13.0")}
    found = lock_tool.local_hashes(sorted(tmp_path.iterdir()), pins)
    assert found == {"torch": [(cpu.name, "sha256:" + hashlib.sha256(b"wheel").hexdigest())]}
