"""hdhkits workshop: the pack's layout, student versions, relative paths, the schedule,
atomic writing, and (once the kits' teaching modules and exercises exist) every student
and solution notebook of a real pack run end to end from their own folder."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from hdhkits import workshop
from hdhkits.cli import CommandError
from hdhkits.exercises import BEGIN, CORRECT, END, EXPECTED_LOG, NOT_ATTEMPTED, NOT_YET, YOUR_TURN, Exercise, Teaching
from hdhkits.problem import KITS, NOTEBOOKS, get_problem
from hdhkits.workshop import (
    MINUTES,
    build_workshop,
    facilitator_markdown,
    plan_schedule,
    set_parameters,
    student_notebook,
)

KIT = "cardihack"  # the fastest quick twin: the fake notebooks below run on it
SOLUTION_LINE = "answer_{i} = 6 * 7 + {i} - {i}"


def _fake_notebook(kit: str, i: int) -> nbformat.NotebookNode:
    """A notebook of the template's shape with one exercise; it reads its data_dir and checks an answer."""
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {kit} · 0{i}\n\nPurpose.\n\n[![Open In Colab](https://colab.research."
            f"google.com/assets/colab-badge.svg)](https://colab.research.google.com/x.ipynb)"
        ),
        nbformat.v4.new_code_cell('import sys\nif "google.colab" in sys.modules:  # Colab only\n    pass'),
        nbformat.v4.new_code_cell(
            "from hdhkits.datasource import resolve_data\nfrom hdhkits.exercises import check_answer\n"
            "from hdhkits.notebook import default_output_dir, env_flag"
        ),
        nbformat.v4.new_code_cell(
            f"data_dir = None  # folder with the official files (None: ${kit.upper()}_DATA_DIR, else the twin)\n"
            f"output_dir = str(default_output_dir(\"{kit}\"))  # models go here (a '#' in a comment stays)\n"
            "seed = 0\n"
            'quick = env_flag("HDHKITS_QUICK")  # smaller twin and lighter models (tests, workshops)\n'
            'label = "a # in a string"  # kit-specific parameter',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell(
            'source = resolve_data("%s", data_dir, verbose=False)\n'
            'print("synthetic:", source.synthetic, "quick:", quick)' % kit
        ),
        nbformat.v4.new_markdown_cell(f"### Exercise {i}: exercise {i}\n\nMultiply."),
        nbformat.v4.new_code_cell(
            f'{BEGIN}\n{SOLUTION_LINE.format(i=i)}\n{END}\ncheck_answer("exercise {i}", answer_{i}, expected=42)'
        ),
        nbformat.v4.new_code_cell('print("the end")'),
    ]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="stale output\n")]
            cell.execution_count = 1
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _fake_teaching(kit: str, minutes: int = 10, seconds: float = 20.0) -> Teaching:
    exercises = tuple(Exercise(nb, f"exercise {i}", minutes) for i, nb in enumerate(NOTEBOOKS, start=1))
    return Teaching(
        goals=(f"{kit} goal one.", f"{kit} goal two."),
        traps=(f"{kit} trap.",),
        exercises=exercises,
        quick_seconds={nb: seconds for nb in NOTEBOOKS},
        slow_machine=f"{kit}: run 02 in the break.",
    )


@pytest.fixture(scope="module")
def fake_kits(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("repo") / "kits"
    for kit in KITS:
        (root / kit).mkdir(parents=True)
        for i, name in enumerate(NOTEBOOKS, start=1):
            nbformat.write(_fake_notebook(kit, i), root / kit / name)
    return root


@pytest.fixture(scope="module")
def pack(fake_kits, tmp_path_factory) -> workshop.WorkshopInfo:
    out = tmp_path_factory.mktemp("packs") / "pack"
    return build_workshop(KIT, out, minutes=90, seed=3, kits_dir=fake_kits, teachings={KIT: _fake_teaching(KIT)})


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


def test_set_parameters_refuses_what_it_cannot_set():
    nb = _fake_notebook(KIT, 1)
    with pytest.raises(ValueError, match="no 'n_boot = ...' line"):
        set_parameters(nb, {"n_boot": "10"})
    nb.cells[3].metadata["tags"] = []
    with pytest.raises(ValueError, match="no cell tagged 'parameters'"):
        set_parameters(nb, {"quick": "True"})


def test_student_notebook_refuses_an_unpaired_marker():
    nb = _fake_notebook(KIT, 1)
    nb.cells[6].source = f"{BEGIN}\nanswer_1 = 42\ncheck_answer('exercise 1', answer_1, expected=42)"
    with pytest.raises(ValueError, match="cell 7 holds a solution marker without its pair"):
        student_notebook(nb)


def test_broken_markers_name_the_notebook(fake_kits, tmp_path):
    kits = tmp_path / "kits"
    (kits / KIT).mkdir(parents=True)
    for i, name in enumerate(NOTEBOOKS, start=1):
        nb = _fake_notebook(KIT, i)
        if i == 2:
            nb.cells[6].source = nb.cells[6].source.replace(END, "### END")
        nbformat.write(nb, kits / KIT / name)
    with pytest.raises(CommandError, match=rf"{KIT}/02_baseline.ipynb: cell 7 holds a solution marker"):
        build_workshop(KIT, tmp_path / "pack", kits_dir=kits, teachings={KIT: _fake_teaching(KIT)})
    assert not (tmp_path / "pack").exists()


def _schedule_rows(markdown: str) -> list[tuple[int, int, int]]:
    """(start, end, minutes) of every row of the schedule table."""
    rows = re.findall(r"^\| (\d+):(\d\d)–(\d+):(\d\d) \((\d+) min\) \|", markdown, re.M)
    return [(int(a) * 60 + int(b), int(c) * 60 + int(d), int(m)) for a, b, c, d, m in rows]


@pytest.mark.parametrize("minutes", MINUTES)
@pytest.mark.parametrize("exercise_minutes", [5, 10, 15])
def test_schedule_fits_the_minutes_and_names_every_exercise(minutes, exercise_minutes):
    teachings = {kit: _fake_teaching(kit, exercise_minutes, seconds=50.0) for kit in KITS}
    schedule = plan_schedule(teachings, minutes)
    text = facilitator_markdown(teachings, minutes, seed=0, schedule=schedule)
    rows = _schedule_rows(text)
    assert rows and sum(m for _, _, m in rows) <= minutes and rows[-1][1] <= minutes
    assert all(end - start == m for start, end, m in rows)
    assert all(rows[i][1] == rows[i + 1][0] for i in range(len(rows) - 1))  # back to back
    assert len(rows) == len(schedule.slots) and schedule.used == sum(m for _, _, m in rows)
    for _kit, teaching in teachings.items():
        for ex in teaching.exercises:
            assert ex.title in text and f"| `{ex.notebook}` | {ex.title} | {ex.minutes} |" in text
        assert teaching.goals[0] in text and teaching.traps[0] in text and teaching.slow_machine in text
    placed = {(s.kit, s.notebook) for s in schedule.slots if s.notebook}
    assert placed | set(schedule.left_out) == {(k, nb) for k in KITS for nb in NOTEBOOKS}  # nothing vanishes
    if schedule.left_out:
        assert f"does not fit {minutes} minutes" in text and schedule.warnings()
    else:
        assert not schedule.warnings()
    for needed in ("## Running offline", "## Running in Colab", "drive.mount", "%cd", "truth/"):
        assert needed in text


def test_all_kits_in_90_minutes_says_which_to_pick():
    teachings = {kit: _fake_teaching(kit, 10, seconds=40.0) for kit in KITS}
    schedule = plan_schedule(teachings, 90)
    text = facilitator_markdown(teachings, 90, schedule=schedule)
    # 16-minute notebooks, 80 minutes between welcome and wrap-up: the first kit whole, then
    # the second kit's first two notebooks fill the time left; the rest is listed, not dropped
    first, second, third = KITS
    assert [(s.kit, s.notebook) for s in schedule.slots if s.notebook] == [(first, nb) for nb in NOTEBOOKS] + [
        (second, nb) for nb in NOTEBOOKS[:2]
    ]
    assert schedule.left_out == ((second, NOTEBOOKS[2]),) + tuple((third, nb) for nb in NOTEBOOKS)
    assert f"| {get_problem(second).title} | 58 | partly |" in text
    assert "### Which kits fit 90 minutes" in text and "Kits that fit 90 minutes on their own:" in text
    assert any("does not fit in 90 minutes" in w for w in schedule.warnings())


def test_a_kit_too_long_for_the_session_gives_its_first_notebooks():
    schedule = plan_schedule({KIT: _fake_teaching(KIT, 40)}, 90)
    assert [s.notebook for s in schedule.slots if s.notebook] == ["01_exploration.ipynb"]
    assert schedule.left_out == ((KIT, "02_baseline.ipynb"), (KIT, "03_submission.ipynb"))
    assert schedule.used <= 90 and "02_baseline.ipynb" in schedule.warnings()[0]


def test_an_error_half_way_leaves_nothing(fake_kits, tmp_path, monkeypatch):
    def twin_then_fail(problem, data_dir, truth_dir, seed=0, size="default"):
        Path(data_dir).mkdir(parents=True)
        (Path(data_dir) / "half.csv").write_text("a\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workshop, "write_twin", twin_then_fail)
    out = tmp_path / "new" / "pack"
    with pytest.raises(OSError):
        build_workshop(KIT, out, kits_dir=fake_kits, teachings={KIT: _fake_teaching(KIT)})
    assert not (tmp_path / "new").exists()  # nor the parent it created
    old = tmp_path / "old"
    old.mkdir()
    (old / "mine.txt").write_text("keep me")
    with pytest.raises(OSError):
        build_workshop(KIT, old, force=True, kits_dir=fake_kits, teachings={KIT: _fake_teaching(KIT)})
    assert [p.name for p in old.iterdir()] == ["mine.txt"] and sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_refuses_a_non_empty_folder_unless_forced(fake_kits, tmp_path):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match=r"pack: exists and is not empty; .*--force"):
        build_workshop(KIT, out, kits_dir=fake_kits, teachings={KIT: _fake_teaching(KIT)})
    info = build_workshop(KIT, out, force=True, kits_dir=fake_kits, teachings={KIT: _fake_teaching(KIT)})
    assert not (out / "notes.txt").exists() and (info.out / "FACILITATOR.md").is_file()
    with pytest.raises(CommandError, match="kits' folder"):
        build_workshop(KIT, fake_kits.parent, force=True, kits_dir=fake_kits, teachings={KIT: _fake_teaching(KIT)})
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match="cannot be a folder"):
        build_workshop(KIT, tmp_path / "file" / "pack", kits_dir=fake_kits, teachings={KIT: _fake_teaching(KIT)})


def test_a_kit_without_teaching_module_is_refused_in_a_sentence(fake_kits, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, f"hdhkits.{KIT}.teaching", None)  # import fails as if the file were absent
    with pytest.raises(
        CommandError,
        match=rf"hdhkits.{KIT}.teaching: not found: .* add shared/hdhkits/{KIT}/"
        r"teaching.py defining TEACHING",
    ):
        build_workshop(KIT, tmp_path / "pack", kits_dir=fake_kits)
    assert not (tmp_path / "pack").exists()
    with pytest.raises(CommandError, match="unknown kit"):
        build_workshop("nokit", tmp_path / "pack", kits_dir=fake_kits)


def test_exercises_missing_from_the_notebooks_are_warned(fake_kits, tmp_path):
    teaching = _fake_teaching(KIT)
    teaching = Teaching(
        teaching.goals,
        teaching.traps,
        teaching.exercises + (Exercise("01_exploration.ipynb", "ghost", 5),),
        teaching.quick_seconds,
    )
    info = build_workshop(KIT, tmp_path / "pack", kits_dir=fake_kits, teachings={KIT: teaching})
    assert any("'ghost' has no check_answer" in w for w in info.warnings)
    assert "ghost" in (info.out / "FACILITATOR.md").read_text()


def test_command_line(fake_kits, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(workshop, "load_teaching", lambda kit: _fake_teaching(kit))
    parser = argparse.ArgumentParser(prog="hdhkits")
    workshop.add_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "pack"
    args = parser.parse_args(
        ["workshop", KIT, "--out", str(out), "--minutes", "90", "--seed", "1", "--kits-dir", str(fake_kits)]
    )
    assert args.func(args) == 0
    printed = capsys.readouterr()
    assert "Workshop pack for Cardi-HACK (90 minutes, twin seed 1)" in printed.out and "FACILITATOR.md" in printed.out
    with pytest.raises(SystemExit):
        parser.parse_args(["workshop", KIT, "--out", str(out), "--minutes", "60"])
    with pytest.raises(CommandError, match="exists and is not empty"):
        args.func(args)


def test_the_cli_wires_workshop():
    from hdhkits import cli

    if "_add_workshop" not in vars(cli):
        pytest.skip("hdhkits.cli does not wire `workshop` yet (the maintainer adds _add_workshop)")
    assert cli.main(["workshop", "nokit", "--out", "unused"]) == 2


def _workshop_command(argv: list[str]) -> int:
    """``hdhkits workshop ARGV``: through the installed CLI once it wires the command, else its parser alone."""
    from hdhkits import cli

    if "_add_workshop" in vars(cli):
        return cli.main(["workshop", *argv])
    parser = argparse.ArgumentParser(prog="hdhkits")
    workshop.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["workshop", *argv])
    return args.func(args)


def _run(path: Path, timeout: int = 900) -> nbformat.NotebookNode:
    """Execute a notebook UNCHANGED from its own folder (no parameters injected), as a learner would."""
    import papermill

    executed = path.with_name(f".executed-{path.name}")
    papermill.execute_notebook(
        str(path),
        str(executed),
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=timeout,
    )
    return nbformat.read(executed, as_version=4)


def _check_lines(nb: nbformat.NotebookNode) -> list[str]:
    """Every line check_answer printed."""
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    return [line for line in text.splitlines() if any(m in line for m in (CORRECT, NOT_YET, NOT_ATTEMPTED))]


def test_fake_pack_notebooks_run_from_their_folder(pack):
    student = _run(pack.out / KIT / "student" / "01_exploration.ipynb")
    solution = _run(pack.out / KIT / "solutions" / "01_exploration.ipynb")
    assert _check_lines(student) == [f"exercise 1: {NOT_ATTEMPTED}"]
    assert _check_lines(solution) == [f"exercise 1: {CORRECT}"]
    shown = "".join(o.get("text", "") for o in solution.cells[4].outputs)
    assert shown == "synthetic: False quick: True\n"  # read from ../../data/<kit>, not the cached twin


def _teaching_ready() -> str | None:
    """Why the end-to-end test cannot run yet, or None."""
    for kit in KITS:
        if importlib.util.find_spec(f"hdhkits.{kit}.teaching") is None:
            return f"hdhkits.{kit}.teaching does not exist yet"
    return None


#: Kits whose student notebooks print an exercise's expected value above it, and why
#: (strict xfails: remove the entry when the fix lands).
PRINTS_ANSWER: dict[str, str] = {}


@pytest.fixture(scope="module")
def real_pack(tmp_path_factory):
    """`hdhkits workshop all --out DIR --minutes 120`, then every student notebook run unchanged.

    Each run logs the expected value of every exercise check (``hdhkits.exercises.EXPECTED_LOG``)
    so that one run serves both tests below.
    """
    reason = _teaching_ready()
    if reason is not None:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("real") / "pack"
    started = time.perf_counter()
    assert _workshop_command(["all", "--out", str(out), "--minutes", "120"]) == 0
    timings, executed, expected = {"pack": time.perf_counter() - started}, {}, {}
    for kit in KITS:
        for name in NOTEBOOKS:
            log = out / f".expected-{kit}-{name}.jsonl"
            os.environ[EXPECTED_LOG] = str(log)  # the kernel papermill starts inherits it
            try:
                started = time.perf_counter()
                executed[kit, name] = _run(out / kit / "student" / name)
                timings[f"student/{kit}/{name}"] = time.perf_counter() - started
            finally:
                os.environ.pop(EXPECTED_LOG, None)
            expected[kit, name] = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return {"out": out, "timings": timings, "executed": executed, "expected": expected}


def test_end_to_end_every_student_and_solution_notebook_runs(real_pack, capsys):
    """Every student notebook of a real pack runs from its own folder, every check "not attempted yet".

    The solution notebooks are the kits' own notebooks with the pack's parameters: their
    code is compared cell by cell here, and nbval executes the kits' notebooks, where every
    exercise cell is checked to print "correct" (``NBVAL_CHECK_OUTPUT``). Running them
    again here would double the test's time for no new failure it could show.
    """
    out, timings = real_pack["out"], real_pack["timings"]
    facilitator = (out / "FACILITATOR.md").read_text()
    assert sum(m for _, _, m in _schedule_rows(facilitator)) <= 120
    for kit in KITS:
        assert all(e.title in facilitator for e in workshop.load_teaching(kit).exercises)
    root = Path(__file__).resolve().parents[1] / "kits"
    for kit in KITS:
        teaching = workshop.load_teaching(kit)
        for name in NOTEBOOKS:
            solution = nbformat.read(out / kit / "solutions" / name, as_version=4)
            original = nbformat.read(root / kit / name, as_version=4)
            code = [
                (c.source, "parameters" in c.metadata.get("tags", [])) for c in original.cells if c.cell_type == "code"
            ]
            packed = [c.source for c in solution.cells if c.cell_type == "code"]
            assert len(packed) == len(code), f"solutions/{kit}/{name}"
            assert [s for (s, param), s2 in zip(code, packed) if not param] == [
                s2 for (s, param), s2 in zip(code, packed) if not param
            ], f"solutions/{kit}/{name}"
            nb = real_pack["executed"][kit, name]
            titles = [e.title for e in teaching.exercises if e.notebook == name]
            got = sorted(line.split(" (hint:")[0] for line in _check_lines(nb))  # a hint may follow
            assert got == sorted(f"{t}: {NOT_ATTEMPTED}" for t in titles), f"student/{kit}/{name}"
            # the solution checks are those nbval compares in the kits' notebooks
            checked = [c for c in original.cells if c.cell_type == "code" and "BEGIN SOLUTION" in c.source]
            assert (checked and all("NBVAL_CHECK_OUTPUT" in c.source for c in checked)) or not titles
    with capsys.disabled():
        print(
            "\nworkshop end to end, seconds:",
            {k: round(v, 1) for k, v in timings.items()},
            "total",
            round(sum(timings.values()), 1),
        )


def _shown_forms(value) -> list[str]:
    """How a notebook would print an expected value (numbers rounded as the kits round them)."""
    if isinstance(value, str):
        return [value] if len(value) >= 4 else []
    if isinstance(value, bool) or not isinstance(value, float) or value.is_integer():
        return []  # small whole numbers turn up everywhere: nothing to tell from an answer
    forms = [f"{value:.{d}f}" for d in (3, 4, 5)]
    return forms + ([f"{100 * value:.1f}%", f"{100 * value:.1f} %"] if 0 < value < 1 else [])


def _outputs_text(cells) -> str:
    texts = []
    for cell in cells:
        for o in cell.get("outputs", []):
            texts.append(o.get("text", "") if isinstance(o.get("text", ""), str) else "".join(o["text"]))
            texts.append(str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


@pytest.mark.parametrize(
    "kit",
    [
        pytest.param(
            k,
            marks=[pytest.mark.xfail(strict=True, raises=AssertionError, reason=PRINTS_ANSWER[k])]
            if k in PRINTS_ANSWER
            else [],
        )
        for k in KITS
    ],
)
def test_no_student_notebook_prints_an_expected_answer(real_pack, kit):
    """No output above an exercise shows the value its check expects (issue 18: exercises keep their answer)."""
    shown = []
    for name in NOTEBOOKS:
        nb = real_pack["executed"][kit, name]
        for entry in real_pack["expected"][kit, name]:
            at = next(
                i
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code"
                and re.search(rf"check_answer\(\s*[\"']{re.escape(entry['name'])}[\"']", c.source)
            )
            above = _outputs_text(nb.cells[:at])
            for form in _shown_forms(entry["expected"]):
                if re.search(rf"(?<![\w.]){re.escape(form)}(?![\w])", above):
                    shown.append(
                        f"{kit}/{name}: exercise {entry['name']!r} expects {entry['expected']!r}, "
                        f"printed above it as {form!r}"
                    )
    assert real_pack["expected"], "no exercise logged its expected value"
    assert not shown, shown
