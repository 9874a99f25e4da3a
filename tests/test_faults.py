"""Fault injection: broken inputs, refused writes and Ctrl-C, driven through the CLI as a user drives it.

Every case breaks one thing in a copy of a kit's quick twin (or in the file system, by
patching a write) and asserts what the user sees: the exit code, a line naming the file
(or argument) with the fix after ``;``, no traceback, and no partial output left
behind. Ctrl-C cases run the command in a subprocess and send SIGINT to its process
group, as a terminal does. The cases that write a twin only to refuse or interrupt the
writing draw CYTOLOGIA's quick twin with 34 images instead of 340 (:data:`SMALL_QUICK`):
what they test is the writing, and the images took most of their time.

Adding a case: write a function ``fault(folder, kit) -> str`` that breaks a copy and
returns the file the message must name, and add a row to the matching table
(``DATA_FAULTS`` for ``check``, ``SUBMISSION_FAULTS`` for ``validate``, ``IMAGE_FAULTS``
for CYTOLOGIA's images); the test functions below pick it up for every kit.

``GAPS`` lists the cases whose sentence needs a change outside the CLI (the shared reader,
a kit's check): they are strict xfails, so the marker must go when the change lands.
"""

from __future__ import annotations

import builtins
import errno
import gzip
import io
import os
import re
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hdhkits.cli import main
from hdhkits.findings import MAX_CHARS
from hdhkits.problem import KITS, get_problem
from hdhkits.quirks import copy_data

from .interrupt_support import ctrl_c, start

TEST_FILE = {kit: get_problem(kit).official_files[1] for kit in KITS}

_READER = (
    "hdhkits/tables.py cut_last_line, which every kit's check runs on its CSVs, must first return an "
    "unreadable_file error from hdhkits.files.text_file_problem(path) (and _fields must catch csv.Error)"
)
_PATH = re.compile(r"/\S+")
#: (kit or "*", fault name) -> the change outside the CLI the case waits for.
GAPS: dict[tuple[str, str], str] = {}


def cases(table: list[tuple], kits=KITS) -> list:
    """``table`` rows for every kit, as pytest params, the known gaps marked as strict xfails."""
    out = []
    for kit in kits:
        for row in table:
            name = row[0].__name__
            reason = GAPS.get((kit, name)) or GAPS.get(("*", name))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(kit, *row, id=f"{kit}-{name}", marks=marks))
    return out


# -- helpers -------------------------------------------------------------------------------


def run(capsys, *argv) -> tuple[int, str, str]:
    """``hdhkits ARGV`` in this process: exit code, stdout, stderr (never a traceback, no line too long)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, out + err
    for line in (out + err).splitlines():
        # a line a person reads: at most MAX_CHARS besides the paths it names (the ';' case quoted
        # a 300-column header, about 2,400 characters)
        assert len(_PATH.sub("", line)) <= MAX_CHARS + 30, line
    return code, out, err


def listing(folder: Path) -> list[str]:
    """Every file and folder under ``folder`` (hidden ones too), relative and sorted."""
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def assert_names(text: str, where: str, *words: str) -> str:
    """``text`` names ``where`` and a line holding every word (any case) gives a fix after ``;``.

    The line must name ``where`` itself, unless ``where`` heads the report (``validate``
    names the submission once, then lists its problems).
    """
    lines = text.splitlines()
    assert any(where in line for line in lines), f"{where!r} is named nowhere in:\n{text}"
    matching = [line for line in lines if all(w.lower() in line.lower() for w in words)]
    named = [line for line in matching if where in line]
    if not named:
        assert where in lines[0] and matching, f"no line about {where!r} says {words}:\n{text}"
    line = (named or matching)[0]
    tail = line.split(where, 1)[1] if where in line else line
    assert "; " in tail, f"no fix after the problem: {line}"
    return line


def refuse_opening(monkeypatch, target: Path) -> None:
    """Reading ``target`` raises PermissionError, as chmod 000 would for a user (tests run as root)."""
    real, target = builtins.open, target.resolve()

    def guarded(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file).resolve() == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)  # Path.open goes through io.open


def refuse_replace(monkeypatch, code: int, only_temporary: bool = False) -> None:
    """``os.replace`` (the commit of every atomic write) fails with ``code``, naming no file."""
    real = os.replace

    def failing(src, dst, *args, **kwargs):
        if only_temporary and not str(src).endswith(".tmp"):
            return real(src, dst, *args, **kwargs)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", failing)


def refuse_csv_writes(monkeypatch, code: int = errno.ENOSPC) -> None:
    """Writing any CSV fails half-way with ``code`` (a disk that fills up during the write)."""
    real = pd.DataFrame.to_csv

    def failing(self, path_or_buf=None, *args, **kwargs):
        if path_or_buf is None:
            return real(self, path_or_buf, *args, **kwargs)
        Path(path_or_buf).write_text("half a fi")
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)


#: CYTOLOGIA's quick twin (train, test images) in the cases that write a twin only to refuse
#: or interrupt the writing (the official layout, classes and quirks are all still drawn).
SMALL_QUICK = (24, 10)


@pytest.fixture
def small_twins(monkeypatch, twin):
    """CYTOLOGIA's ``--size quick`` draws :data:`SMALL_QUICK` images in this test's process.

    The session's quick twin is made first, at its real size: the cache the other tests
    read must never receive a small one.
    """
    from hdhkits.cytologia.twin import TWIN_SIZES

    twin("cytologia", "quick")
    monkeypatch.setitem(TWIN_SIZES, "quick", SMALL_QUICK)


@pytest.fixture
def broken(twin, tmp_path):
    """``broken(kit)``: a fresh copy of the kit's quick twin, to break."""

    def make(kit: str) -> Path:
        return copy_data(twin(kit, "quick").data_dir, tmp_path / "data")

    return make


# -- faults of a data folder (``hdhkits check``) -------------------------------------------


def _cut_mid_line(folder, name):
    text = (folder / name).read_bytes()
    cut = text.rfind(b"\n", 0, len(text) // 2) + 1 + 5  # five bytes into a line: fewer fields than the header
    (folder / name).write_bytes(text[:cut])
    return name


def cut_train(folder, kit):
    return _cut_mid_line(folder, "train.csv")


def cut_test(folder, kit):
    return _cut_mid_line(folder, TEST_FILE[kit])


def truncated_20kb(folder, kit):
    data = (folder / "train.csv").read_bytes()
    (folder / "train.csv").write_bytes(data[: min(20_000, len(data) // 2)])  # a download stopped after 20 KB
    return "train.csv"


def latin1(folder, kit):
    lines = (folder / "train.csv").read_bytes().split(b"\n")
    lines[1] = lines[1].rsplit(b",", 1)[0] + b",\xe9"  # an accented letter written by a latin-1 tool
    (folder / "train.csv").write_bytes(b"\n".join(lines))
    return "train.csv"


def utf16(folder, kit):
    path = folder / "train.csv"
    path.write_bytes(path.read_text().encode("utf-16"))  # a spreadsheet's "Unicode text"
    return "train.csv"


def semicolons(folder, kit):
    path = folder / "train.csv"
    path.write_text(path.read_text().replace(",", ";"))  # a French-locale spreadsheet's CSV
    return "train.csv"


def missing_train(folder, kit):
    (folder / "train.csv").unlink()
    return "train.csv"


def missing_test(folder, kit):
    (folder / TEST_FILE[kit]).unlink()
    return TEST_FILE[kit]


def folder_instead(folder, kit):
    (folder / "train.csv").unlink()
    (folder / "train.csv").mkdir()  # an archive extracted into a folder of the file's name
    return "train.csv"


def broken_link(folder, kit):
    (folder / "train.csv").unlink()
    (folder / "train.csv").symlink_to(folder.parent / "downloads" / "train.csv")
    return "train.csv"


def empty_file(folder, kit):
    (folder / "train.csv").write_bytes(b"")
    return "train.csv"


def header_only(folder, kit):
    path = folder / "train.csv"
    path.write_text(path.read_text().split("\n", 1)[0] + "\n")
    return "train.csv"


def binary_garbage(folder, kit):
    (folder / "train.csv").write_bytes(bytes(range(256)) * 8)
    return "train.csv"


def gzipped(folder, kit):
    path = folder / "train.csv"
    path.write_bytes(gzip.compress(path.read_bytes()))  # train.csv.gz renamed without decompressing
    return "train.csv"


def cut_at_line_end(folder, kit):
    path = folder / "train.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: max(2, len(lines) // 4)]))  # whole lines, but a quarter of the rows
    return "train.csv"


#: (fault, extra arguments of ``check``, exit code, words the line naming the file must hold)
DATA_FAULTS = [
    (cut_train, (), 1, ("cut",)),
    (cut_test, (), 1, ("cut",)),
    (truncated_20kb, (), 1, ("cut",)),
    (cut_at_line_end, ("--strict",), 1, ("rows",)),
    (latin1, (), 1, ("utf-8",)),
    (utf16, (), 1, ("utf-16",)),
    (semicolons, (), 1, ("';'",)),
    (missing_train, (), 1, ()),
    (missing_test, (), 1, ()),
    (folder_instead, (), 1, ("is a folder",)),
    (broken_link, (), 1, ("link",)),
    (empty_file, (), 1, ("empty",)),
    (header_only, (), 1, ()),
    (binary_garbage, (), 1, ()),
    (gzipped, (), 1, ("gzip",)),
]


@pytest.mark.parametrize("kit, fault, extra, code, words", cases(DATA_FAULTS))
def test_check_names_a_broken_file(capsys, broken, kit, fault, extra, code, words):
    folder = broken(kit)
    name = fault(folder, kit)
    before = listing(folder)
    got, out, err = run(capsys, "check", kit, folder, *extra)
    assert got == code, out + err
    assert_names(out + err, name, *words)
    assert listing(folder) == before  # check writes nothing


@pytest.mark.parametrize("kit", KITS)
def test_check_names_a_file_it_may_not_read(capsys, monkeypatch, broken, kit):
    folder = broken(kit)
    refuse_opening(monkeypatch, folder / "train.csv")
    code, out, err = run(capsys, "check", kit, folder)
    assert code == 2, out + err  # an input the command cannot read
    assert_names(out + err, "train.csv", "permission")


# -- faults of a submission (``hdhkits validate``) -----------------------------------------


def _sample(kit, data_dir) -> pd.DataFrame:
    from hdhkits.bundle.samples import sample_submission

    return sample_submission(kit, data_dir)


def sub_missing(path, sample):
    return None


def sub_folder(path, sample):
    path.mkdir()


def sub_broken_link(path, sample):
    path.symlink_to(path.parent / "elsewhere" / path.name)


def sub_empty(path, sample):
    path.write_bytes(b"")


def sub_utf16(path, sample):
    path.write_bytes(sample.to_csv(index=False).encode("utf-16"))


def sub_latin1(path, sample):
    text = sample.to_csv(index=False).split("\n")
    text[1] = text[1].rsplit(",", 1)[0] + ",\xe9"
    path.write_bytes("\n".join(text).encode("latin-1"))


def sub_gzip(path, sample):
    path.write_bytes(gzip.compress(sample.to_csv(index=False).encode()))


def sub_binary(path, sample):
    path.write_bytes(bytes(range(256)) * 4)


def sub_semicolons(path, sample):
    path.write_text(sample.to_csv(index=False, sep=";"))


def sub_cut(path, sample):
    text = sample.to_csv(index=False)
    path.write_text(text[: text.rfind("\n", 0, len(text) // 2) + 4])  # a copy stopped mid-line


def sub_header_only(path, sample):
    path.write_text(",".join(sample.columns) + "\n")


def sub_excel_xlsx(path, sample):
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:  # a workbook saved with a .csv name
        zf.writestr("[Content_Types].xml", "<Types/>")


#: (fault, exit code, words the line naming the submission must hold)
SUBMISSION_FAULTS = [
    (sub_missing, 2, ("not found",)),
    (sub_folder, 2, ("folder",)),
    (sub_broken_link, 2, ("link",)),
    (sub_empty, 2, ("empty",)),
    (sub_utf16, 2, ("utf-16",)),
    (sub_latin1, 2, ("utf-8",)),
    (sub_gzip, 2, ("gzip",)),
    (sub_binary, 2, ("binary",)),
    (sub_excel_xlsx, 2, ("zip",)),
    (sub_semicolons, 1, ("';'-separated",)),
    (sub_cut, 2, ("cut",)),
    (sub_header_only, 1, ("rows",)),
]


@pytest.mark.parametrize("kit, fault, code, words", cases(SUBMISSION_FAULTS))
def test_validate_names_a_broken_submission(capsys, twin, tmp_path, kit, fault, code, words):
    data_dir = twin(kit, "quick").data_dir
    path = tmp_path / "submission.csv"
    fault(path, _sample(kit, data_dir))
    before = listing(tmp_path)
    got, out, err = run(capsys, "validate", kit, path, "--data", data_dir)
    assert got == code, out + err
    assert_names(out + err, str(path), *words)
    assert listing(tmp_path) == before


@pytest.mark.parametrize("kit", KITS)
def test_validate_names_a_submission_it_may_not_read(capsys, monkeypatch, twin, tmp_path, kit):
    data_dir = twin(kit, "quick").data_dir
    path = tmp_path / "submission.csv"
    _sample(kit, data_dir).to_csv(path, index=False)
    refuse_opening(monkeypatch, path)
    code, out, err = run(capsys, "validate", kit, path, "--data", data_dir)
    assert code == 2, out + err
    assert_names(out + err, str(path), "permission")


# -- faults of an output folder (``hdhkits data``, ``run``, ``validate`` writing the twin) ------


@pytest.mark.parametrize("kit", KITS)
def test_data_under_a_regular_file(capsys, tmp_path, kit):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    code, _, err = run(capsys, "data", kit, "--out", tmp_path / "notes.txt" / "twin", "--size", "quick")
    assert code == 2
    assert_names(err, str(tmp_path / "notes.txt" / "twin"), "is a file", "--out")
    assert listing(tmp_path) == ["notes.txt"]


@pytest.mark.parametrize("kit", KITS)
def test_run_under_a_regular_file(capsys, tmp_path, kit):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    code, _, err = run(capsys, "run", kit, "--quick", "--out", tmp_path / "notes.txt" / "out")
    assert code == 2
    assert_names(err, str(tmp_path / "notes.txt" / "out"), "is a file", "--out")
    assert listing(tmp_path) == ["notes.txt"]


@pytest.mark.parametrize(
    "refuse, words",
    [
        (lambda mp: refuse_replace(mp, errno.EACCES), ("permission",)),
        (lambda mp: refuse_replace(mp, errno.ENOSPC), ("disk is full", "free some space")),
        (lambda mp: refuse_replace(mp, errno.EROFS), ("read-only",)),
        (lambda mp: refuse_csv_writes(mp, errno.ENOSPC), ("disk is full", "free some space")),
    ],
    ids=["permission", "full_disk_on_commit", "read_only", "full_disk_mid_write"],
)
@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS)
def test_data_on_a_refusing_disk_leaves_nothing(small_twins, capsys, monkeypatch, tmp_path, kit, refuse, words):
    out = tmp_path / "out" / "twin"
    refuse(monkeypatch)
    code, _, err = run(capsys, "data", kit, "--out", out, "--size", "quick")
    assert code == 2, err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert_names(err, "twin", *words)
    assert listing(tmp_path) == []  # neither folder, nor a temporary one, nor the parent it created


@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS)
def test_data_force_on_a_full_disk_keeps_the_old_twin(small_twins, capsys, monkeypatch, tmp_path, kit):
    out = tmp_path / "twin"
    assert run(capsys, "data", kit, "--out", out, "--size", "quick", "--seed", "1")[0] == 0
    before = {p: (out.parent / p).stat().st_mtime_ns for p in listing(tmp_path)}
    refuse_replace(monkeypatch, errno.ENOSPC, only_temporary=True)  # the new twin cannot be moved in
    code, _, err = run(capsys, "data", kit, "--out", out, "--size", "quick", "--seed", "2", "--force")
    assert code == 2 and "disk is full" in err
    assert {p: (out.parent / p).stat().st_mtime_ns for p in listing(tmp_path)} == before


@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS)
def test_validate_on_a_full_cache_disk_leaves_no_partial_twin(small_twins, capsys, monkeypatch, twin, tmp_path, kit):
    sub = tmp_path / "submission.csv"
    _sample(kit, twin(kit, "quick").data_dir).to_csv(sub, index=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("HDHKITS_CACHE", str(cache))  # a cold cache: validate generates the twin there
    refuse_csv_writes(monkeypatch, errno.ENOSPC)
    code, _, err = run(capsys, "validate", kit, sub, "--size", "quick")
    assert code == 2, err
    assert_names(err, str(cache), "disk is full")
    assert listing(cache) == []


# -- CYTOLOGIA's images ---------------------------------------------------------------------


def _first_image(folder: Path) -> str:
    return str(pd.read_csv(folder / "train.csv", dtype={"NAME": "string"})["NAME"].iloc[0])


def img_zero_bytes(folder):
    name = _first_image(folder)
    (folder / "images" / name).write_bytes(b"")
    return name


def img_truncated(folder):
    name = _first_image(folder)
    data = (folder / "images" / name).read_bytes()
    (folder / "images" / name).write_bytes(data[: len(data) // 3])
    return name


def img_png_named_jpg(folder):
    from PIL import Image

    name = _first_image(folder)
    with Image.open(folder / "images" / name) as im:
        im.load()
        im.save(folder / "images" / name, format="PNG")
    return name


def img_garbage(folder):
    name = _first_image(folder)
    (folder / "images" / name).write_bytes(os.urandom(4096))
    return name


def img_oversized(folder):
    from PIL import Image

    name = _first_image(folder)
    Image.new("RGB", (6000, 5000), (200, 150, 180)).save(folder / "images" / name, format="JPEG")
    return name


def img_symlink_outside(folder):
    name = _first_image(folder)
    outside = folder.parent / "elsewhere.jpg"
    (folder / "images" / name).rename(outside)
    (folder / "images" / name).symlink_to(outside)  # a link leaving the images folder
    return name


def _rename_in_test(folder, new):
    test = pd.read_csv(folder / "test.csv", dtype={"NAME": "string"})
    test.loc[0, "NAME"] = new
    test.to_csv(folder / "test.csv", index=False)
    return new


def name_dotdot(folder):
    return _rename_in_test(folder, "../../etc/passwd")


def name_absolute(folder):
    return _rename_in_test(folder, "/etc/passwd")


#: (fault, extra arguments of ``check``, words the line naming the image must hold)
IMAGE_FAULTS = [
    (img_zero_bytes, ("--strict",), ()),
    (img_truncated, ("--strict",), ()),
    (img_png_named_jpg, ("--strict",), ("png",)),
    (img_garbage, ("--strict",), ()),
    (img_oversized, ("--strict",), ("4096",)),
    (img_symlink_outside, (), ("images",)),
    (name_dotdot, (), ("images",)),
    (name_absolute, (), ("images",)),
]


@pytest.mark.parametrize("fault, extra, words", IMAGE_FAULTS, ids=[f[0].__name__ for f in IMAGE_FAULTS])
def test_check_names_a_broken_image(capsys, broken, fault, extra, words):
    folder = broken("cytologia")
    name = fault(folder)
    before = listing(folder)
    code, out, err = run(capsys, "check", "cytologia", folder, *extra)
    assert code == 1, out + err
    assert_names(out + err, name, *words)
    assert listing(folder) == before


# -- Ctrl-C ---------------------------------------------------------------------------------

#: Runs the CLI in a subprocess with the kit's twin generation slowed down after it has
#: written its files (so Ctrl-C lands while they sit half-committed), touching a flag file
#: when it gets there; CYTOLOGIA's quick twin is :data:`SMALL_QUICK` there too.
SLOW_TWIN = f"""
import pathlib, sys, time
from hdhkits.problem import get_problem
from hdhkits.cli import main
from hdhkits.cytologia.twin import TWIN_SIZES
TWIN_SIZES["quick"] = {SMALL_QUICK}
problem = get_problem(sys.argv[1])
make = problem.make_twin
def slow(*args, **kwargs):
    make(*args, **kwargs)
    pathlib.Path(sys.argv[2]).touch()
    time.sleep(120)
problem.make_twin = slow
sys.exit(main(sys.argv[3:]))
"""


def interrupt(argv: list[str], ready, env: dict | None = None, timeout: float = 180) -> tuple[int, str, str, list]:
    """Start ``argv``, wait until ``ready()``, send Ctrl-C to its process group; return code, out, err, children."""
    import psutil

    proc = start(argv, env={**os.environ, **(env or {})})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not ready() and proc.poll() is None:
        time.sleep(0.1)
    assert proc.poll() is None, ("the command ended before the interrupt", proc.returncode, proc.communicate())
    time.sleep(1.0)
    children = psutil.Process(proc.pid).children(recursive=True)
    ctrl_c(proc)
    out, err = proc.communicate(timeout=120)
    _, alive = psutil.wait_procs(children, timeout=15)
    return proc.returncode, out, err, [" ".join(p.cmdline()) for p in alive if p.is_running()]


@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS)
def test_ctrl_c_during_data(tmp_path, kit):
    flag, work = tmp_path / "flag", tmp_path / "work"
    work.mkdir()
    code, _, err, alive = interrupt(
        [sys.executable, "-c", SLOW_TWIN, kit, str(flag), "data", kit, "--out", str(work / "twin"), "--size", "quick"],
        flag.exists,
    )
    assert code == 130, err
    assert err.strip() == "interrupted"
    assert listing(work) == [] and alive == []


@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS)
def test_ctrl_c_during_validate(twin, tmp_path, kit):
    flag, cache = tmp_path / "flag", tmp_path / "cache"
    sub = tmp_path / "submission.csv"
    _sample(kit, twin(kit, "quick").data_dir).to_csv(sub, index=False)
    code, _, err, alive = interrupt(
        [sys.executable, "-c", SLOW_TWIN, kit, str(flag), "validate", kit, str(sub), "--size", "quick"],
        flag.exists,
        env={"HDHKITS_CACHE": str(cache)},
    )
    assert code == 130, err
    assert err.strip() == "interrupted"
    assert listing(cache) == [] and alive == []  # no half-written twin in the cache


@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS)
def test_ctrl_c_during_run(twin, tmp_path, kit):
    twin(kit, "quick")  # the notebooks find it in the session's cache, as a second run would
    out = tmp_path / "out"
    executed = out / kit / "executed"
    code, stdout, err, alive = interrupt(
        [sys.executable, "-m", "hdhkits.cli", "run", kit, "--quick", "--out", str(out)],
        lambda: executed.is_dir() and any(executed.iterdir()),
    )  # a partial copy (or a finished one) is there
    assert code == 130, stdout + err
    kept = [p for p in listing(out) if p.endswith(".ipynb")]
    if kept:  # on a loaded machine the first notebook may end before the interrupt lands
        assert kept == [f"{kit}/executed/01_exploration.ipynb"], kept
        assert err.strip() == (
            f"interrupted; kept the notebooks that finished: {kit}/01_exploration.ipynb (partial copies removed)"
        )
    else:
        assert err.strip() == "interrupted; no notebook had finished: nothing kept (partial copies removed)"
    assert alive == [], alive  # the kernel was shut down with the runner
