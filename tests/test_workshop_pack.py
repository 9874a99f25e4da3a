"""hdhkits.workshop.pack: the pack's layout (the package's wheel at its root, found by the setup cell
from every notebook folder), student versions, relative paths, atomic writing, refusals in a sentence,
and a fake pack's notebooks run from their own folder (a real pack's run, with a participant's own model:
``tests/test_participant_session.py``)."""

import re
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import nbformat
import pytest
from hdhkits.exercises import CORRECT, NOT_ATTEMPTED, Exercise, Teaching
from hdhkits.install import WHEEL_FILE, setup_cell_source
from hdhkits.problem import NOTEBOOKS, Problem, get_problem
from hdhkits.wheel import WheelError
from hdhkits.workshop.authoring import BEGIN, END, YOUR_TURN
from hdhkits.workshop.pack import WorkshopError, WorkshopInfo, build_workshop

from .workshop_support import (
    KIT,
    SOLUTION_LINE,
    check_lines,
    fake_notebook,
    fake_teaching,
    run_from_its_folder,
    write_fake_kits,
)


@pytest.fixture(scope="module")
def fake_kits(tmp_path_factory) -> Path:
    return write_fake_kits(tmp_path_factory.mktemp("repo") / "kits")


@pytest.fixture(scope="module")
def pack(fake_kits, tmp_path_factory) -> WorkshopInfo:
    out = tmp_path_factory.mktemp("packs") / "pack"
    return build_workshop(KIT, out, minutes=90, seed=3, kits_dir=fake_kits, teachings={KIT: fake_teaching(KIT)})


def _params(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))


def test_pack_layout(pack):
    out = pack.out
    problem = get_problem(KIT)
    assert (out / "README.md").is_file() and (out / "FACILITATOR.md").is_file()
    for kind in ("student", "solutions"):
        assert sorted(p.name for p in (out / KIT / kind).iterdir()) == sorted(NOTEBOOKS)
    for name in problem.official_files:
        assert (out / "data" / KIT / name).exists(), name
    assert (out / "truth" / KIT / problem.truth_file).is_file()
    assert not (out / "data" / KIT / problem.truth_file).exists()  # the truth stays out of the learners' data
    assert (out / "outputs" / KIT).is_dir()
    assert pack.notebooks == 2 * len(NOTEBOOKS) and pack.kits == (KIT,) and pack.seed == 3
    assert [p.name for p in out.parent.iterdir()] == ["pack"]  # no temporary folder left beside it
    assert "student/01_exploration.ipynb" in (out / "README.md").read_text()
    assert zipfile.is_zipfile(out / WHEEL_FILE) and "hdhkits/install.py" in zipfile.ZipFile(out / WHEEL_FILE).namelist()


def test_the_setup_cell_finds_the_packs_wheel_from_every_notebook_folder(pack, tmp_path, monkeypatch):
    """In Colab, from <kit>/student or <kit>/solutions (after the %cd FACILITATOR.md gives), the wheel above."""
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    installed = []

    def fake_pip(cmd, **kwargs):
        installed.append(cmd[-1])
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_pip)
    for kind in ("student", "solutions"):
        monkeypatch.chdir(pack.out / KIT / kind)
        exec(setup_cell_source(drive=str(tmp_path / "no-drive")), {})
    assert installed == [str(pack.out / WHEEL_FILE)] * 2
    for name in ("FACILITATOR.md", "README.md"):
        assert WHEEL_FILE in (pack.out / name).read_text(), f"{name} does not say the wheel is at the pack's root"


def test_a_wheel_that_cannot_be_built_is_refused_in_a_sentence_and_leaves_nothing(fake_kits, tmp_path, monkeypatch):
    def no_backend(root):
        raise WheelError("pyproject.toml", "pip could not build the wheel (no setuptools)", "install setuptools")

    monkeypatch.setattr("hdhkits.workshop.pack.build_wheel", no_backend)
    with pytest.raises(
        WorkshopError, match=r"^pyproject.toml: pip could not build the wheel \(no setuptools\); install"
    ):
        build_workshop(KIT, tmp_path / "pack", kits_dir=fake_kits, teachings={KIT: fake_teaching(KIT)})
    assert list(tmp_path.iterdir()) == []


def test_student_notebooks_hold_no_solution(pack):
    for i, name in enumerate(NOTEBOOKS, start=1):
        student = (pack.out / KIT / "student" / name).read_text()
        solution = (pack.out / KIT / "solutions" / name).read_text()
        for text in (student, solution):
            assert "stale output" not in text and "colab-badge" not in text
        assert BEGIN not in student and END not in student
        assert SOLUTION_LINE.format(i=i) not in student and "6 * 7" not in student
        assert YOUR_TURN in student and f"answer_{i} = None" in student
        assert SOLUTION_LINE.format(i=i) in solution and BEGIN in solution  # nbgrader can take them as they are


def test_parameters_point_at_the_pack_with_relative_paths(pack):
    for kind in ("student", "solutions"):
        for name in NOTEBOOKS:
            folder = pack.out / KIT / kind
            source = _params(folder / name)
            assert re.search(rf'^data_dir = "../../data/{KIT}"  # folder with the official files', source, re.M)
            assert re.search(
                rf"^output_dir = \"../../outputs/{KIT}\"  # models go here \(a '#' in a comment stays\)$", source, re.M
            )
            assert re.search(r"^quick = True  # smaller twin", source, re.M)
            assert "seed = 0" in source and 'label = "a # in a string"  # kit-specific parameter' in source
            assert (folder / f"../../data/{KIT}").resolve() == (pack.out / "data" / KIT).resolve()


def test_broken_markers_name_the_notebook(fake_kits, tmp_path):
    kits = tmp_path / "kits"
    (kits / KIT).mkdir(parents=True)
    for i, name in enumerate(NOTEBOOKS, start=1):
        nb = fake_notebook(KIT, i)
        if i == 2:
            nb.cells[7].source = nb.cells[7].source.replace(END, "### END")
        nbformat.write(nb, kits / KIT / name)
    with pytest.raises(WorkshopError, match=rf"{KIT}/02_baseline.ipynb: cell 8 holds a solution marker"):
        build_workshop(KIT, tmp_path / "pack", kits_dir=kits, teachings={KIT: fake_teaching(KIT)})
    assert not (tmp_path / "pack").exists()


def test_an_error_half_way_leaves_nothing(fake_kits, tmp_path, monkeypatch):
    def twin_then_fail(problem, data_dir, truth_dir, seed=0, size="default"):
        Path(data_dir).mkdir(parents=True)
        (Path(data_dir) / "half.csv").write_text("a\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("hdhkits.workshop.pack.write_twin", twin_then_fail)
    out = tmp_path / "new" / "pack"
    with pytest.raises(OSError):
        build_workshop(KIT, out, kits_dir=fake_kits, teachings={KIT: fake_teaching(KIT)})
    assert not (tmp_path / "new").exists()  # nor the parent it created
    old = tmp_path / "old"
    old.mkdir()
    (old / "mine.txt").write_text("keep me")
    with pytest.raises(OSError):
        build_workshop(KIT, old, force=True, kits_dir=fake_kits, teachings={KIT: fake_teaching(KIT)})
    assert [p.name for p in old.iterdir()] == ["mine.txt"] and sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_refuses_a_non_empty_folder_unless_forced(fake_kits, tmp_path):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(WorkshopError, match=r"pack: exists and is not empty; .*--force"):
        build_workshop(KIT, out, kits_dir=fake_kits, teachings={KIT: fake_teaching(KIT)})
    info = build_workshop(KIT, out, force=True, kits_dir=fake_kits, teachings={KIT: fake_teaching(KIT)})
    assert not (out / "notes.txt").exists() and (info.out / "FACILITATOR.md").is_file()
    with pytest.raises(WorkshopError, match="kits' folder"):
        build_workshop(KIT, fake_kits.parent, force=True, kits_dir=fake_kits, teachings={KIT: fake_teaching(KIT)})
    (tmp_path / "file").write_text("x")
    with pytest.raises(WorkshopError, match="cannot be a folder"):
        build_workshop(KIT, tmp_path / "file" / "pack", kits_dir=fake_kits, teachings={KIT: fake_teaching(KIT)})


def test_a_kit_without_teaching_is_refused_in_a_sentence(fake_kits, tmp_path, monkeypatch):
    monkeypatch.setattr(type(get_problem(KIT)), "teaching", Problem.teaching)  # as if the kit declared none
    with pytest.raises(
        WorkshopError,
        match=rf"the {KIT} kit: declares no teaching \(found nothing\).*; implement Problem.teaching\(\) in its "
        r"problem.py",
    ):
        build_workshop(KIT, tmp_path / "pack", kits_dir=fake_kits)
    assert not (tmp_path / "pack").exists()
    with pytest.raises(WorkshopError, match="unknown kit"):
        build_workshop("nokit", tmp_path / "pack", kits_dir=fake_kits)


def test_exercises_missing_from_the_notebooks_are_warned(fake_kits, tmp_path):
    teaching = fake_teaching(KIT)
    teaching = Teaching(
        teaching.goals,
        teaching.traps,
        teaching.exercises + (Exercise("01_exploration.ipynb", "ghost", 5),),
        teaching.quick_seconds,
    )
    info = build_workshop(KIT, tmp_path / "pack", kits_dir=fake_kits, teachings={KIT: teaching})
    assert any("'ghost' has no check_answer" in w for w in info.warnings)
    assert "ghost" in (info.out / "FACILITATOR.md").read_text()


def test_workshop_error_has_the_cli_shape_and_survives_pickling():
    import pickle

    error = WorkshopError("pack", "exists and is not empty", "pass --force")
    assert str(error) == "pack: exists and is not empty; pass --force"
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and (copy.where, copy.what, copy.fix) == (
        "pack",
        "exists and is not empty",
        "pass --force",
    )


@pytest.mark.slow
def test_fake_pack_notebooks_run_from_their_folder(pack):
    student = run_from_its_folder(pack.out / KIT / "student" / "01_exploration.ipynb")
    solution = run_from_its_folder(pack.out / KIT / "solutions" / "01_exploration.ipynb")
    assert check_lines(student) == [f"exercise 1: {NOT_ATTEMPTED}"]
    assert check_lines(solution) == [f"exercise 1: {CORRECT}"]
    shown = "".join(o.get("text", "") for o in solution.cells[4].outputs)
    assert shown == "synthetic: False quick: True\n"  # read from ../../data/<kit>, not the cached twin
