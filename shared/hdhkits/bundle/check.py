"""Check a bundle without a server: unpack it and run its scoring program as Codabench does.

For every task, :func:`check_bundle` lays out a temporary folder the way Codabench's
worker does (``app/program`` holding the scoring program, ``app/input/ref`` the
reference data, ``app/input/res`` the submission, ``app/output``), runs the command of
``metadata.yaml`` there with the current Python, and checks:

* the solution: exit 0, a ``scores.json`` with every leaderboard key, values equal to
  what the installed package's metric gives on the same files (within 1e-9);
* a broken copy of the solution (a row lost, an empty prediction): a non-zero exit and
  a log holding every sentence ``hdhkits validate`` gives for it, no traceback.

The program runs with an import guard (a ``sitecustomize`` on an otherwise empty
``PYTHONPATH``): ``hdhkits`` cannot be imported at all, and code under the program
folder may import only the standard library, the packages of Codabench's default image
(:data:`~hdhkits.bundle.vendor.ALLOWED_PACKAGES`) and its own modules. A program that
would fail on the platform for want of a package fails here.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from ..findings import errors
from ..problem import Problem, get_problem
from ..submission import read_submission
from .samples import broken_submission
from .vendor import ALLOWED_PACKAGES

__all__ = ["REQUIRED_KEYS", "BundleCheckError", "CheckReport", "check_bundle", "check_competition_yaml"]

#: Keys ``competition.yaml`` must have, at the top and in each entry of its lists.
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "": (
        "version",
        "title",
        "description",
        "image",
        "terms",
        "pages",
        "tasks",
        "solutions",
        "phases",
        "leaderboards",
        "registration_auto_approve",
    ),
    "pages": ("title", "file"),
    "tasks": ("index", "name", "description", "input_data", "reference_data", "scoring_program"),
    "solutions": ("index", "tasks", "path"),
    "phases": ("name", "description", "start", "end", "tasks"),
    "leaderboards": ("title", "key", "columns"),
    "columns": ("title", "key", "index", "sorting"),
}
_DATE = re.compile(r"^\d{2}-\d{2}-\d{4}$")
_TOLERANCE = 1e-9

_GUARD = '''\
"""Import guard of `hdhkits bundle --check` (a sitecustomize): the scoring program must be self-contained."""
import os
import sys

_PROGRAM = os.environ["HDHKITS_GUARD_PROGRAM"]
_ALLOWED = set(os.environ["HDHKITS_GUARD_ALLOWED"].split(","))
_IMPORTLIB = os.path.dirname(os.path.abspath(__import__("importlib").__file__))


class _Guard:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top == "hdhkits":
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by the check: the scoring program "
                                      "runs without the hdhkits package)", name=name)
        if top in _ALLOWED or top in sys.stdlib_module_names:
            return None
        frame = sys._getframe(1)
        while frame is not None and (frame.f_code.co_filename.startswith("<")
                                     or os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _IMPORTLIB
                                     or frame.f_code.co_filename == __file__):
            frame = frame.f_back
        caller = os.path.abspath(frame.f_code.co_filename) if frame is not None else ""
        own = os.path.exists(os.path.join(_PROGRAM, top)) or os.path.exists(os.path.join(_PROGRAM, top + ".py"))
        if caller.startswith(_PROGRAM + os.sep) and not own:
            raise ModuleNotFoundError(f"No module named {name!r} (not in Codabench's default image)", name=name)
        return None


sys.meta_path.insert(0, _Guard())
'''


class BundleCheckError(RuntimeError):
    """The bundle fails the check; ``problems`` lists every failure."""

    def __init__(self, path: Path, problems: list[str]):
        self.path, self.problems = Path(path), problems
        super().__init__(f"{path}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass
class CheckReport:
    """What the check ran and found (every line is printed by ``hdhkits bundle --check``)."""

    path: Path
    kit: str = ""
    lines: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    broken_log: str = ""


def _entries(zf: zipfile.ZipFile) -> set[str]:
    """Every file and folder path in the zip (folders without the trailing slash)."""
    out = set()
    for name in zf.namelist():
        p = PurePosixPath(name.rstrip("/"))
        out.add(str(p))
        out.update(str(a) for a in p.parents if str(a) != ".")
    return out


def check_competition_yaml(config: dict, entries: set[str]) -> list[str]:
    """Every problem of a ``competition.yaml``: required keys, dates, sorting, and paths not in the zip."""
    problems: list[str] = []
    if not isinstance(config, dict):
        return ["competition.yaml: not a mapping"]
    for key in REQUIRED_KEYS[""]:
        if key not in config:
            problems.append(f"competition.yaml: key '{key}' is missing")
    if config.get("version") != 2:
        problems.append(f"competition.yaml: version is {config.get('version')!r}; a v2 bundle says `version: 2`")

    def items(name: str, where: list | None) -> list[dict]:
        out = []
        for i, item in enumerate(where or []):
            if not isinstance(item, dict):
                problems.append(f"competition.yaml: {name}[{i}] is not a mapping")
                continue
            missing = [k for k in REQUIRED_KEYS[name] if k not in item]
            if missing:
                problems.append(f"competition.yaml: {name}[{i}] lacks {', '.join(missing)}")
            out.append(item)
        return out

    paths = [("image", config.get("image")), ("terms", config.get("terms"))]
    paths += [(f"pages[{i}].file", p.get("file")) for i, p in enumerate(items("pages", config.get("pages")))]
    task_ids = set()
    for i, t in enumerate(items("tasks", config.get("tasks"))):
        task_ids.add(t.get("index"))
        paths += [
            (f"tasks[{i}].{k}", t.get(k))
            for k in ("input_data", "reference_data", "scoring_program", "ingestion_program")
            if k in t
        ]
    for i, s in enumerate(items("solutions", config.get("solutions"))):
        paths.append((f"solutions[{i}].path", s.get("path")))
        problems += [
            f"competition.yaml: solutions[{i}] names task {t}, which is not defined"
            for t in s.get("tasks", [])
            if t not in task_ids
        ]
    for i, ph in enumerate(items("phases", config.get("phases"))):
        for k in ("start", "end"):
            if k in ph and not _DATE.match(str(ph[k])):
                problems.append(f"competition.yaml: phases[{i}].{k} is {ph[k]!r}; write dates MM-DD-YYYY")
        paths += [(f"phases[{i}].{k}", ph.get(k)) for k in ("starting_kit", "public_data") if k in ph]
        problems += [
            f"competition.yaml: phases[{i}] names task {t}, which is not defined"
            for t in ph.get("tasks", [])
            if t not in task_ids
        ]
    for i, lb in enumerate(items("leaderboards", config.get("leaderboards"))):
        for j, col in enumerate(items("columns", lb.get("columns"))):
            if col.get("sorting") not in ("asc", "desc"):
                problems.append(
                    f"competition.yaml: leaderboards[{i}].columns[{j}].sorting is {col.get('sorting')!r}; "
                    "use asc or desc"
                )
    for where, path in paths:
        if not path:
            continue
        if str(PurePosixPath(str(path).rstrip("/"))) not in entries:
            problems.append(f"competition.yaml: {where} names '{path}', which is not in the zip")
    return problems


def _leaderboard_keys(config: dict) -> list[str]:
    return [c["key"] for lb in config.get("leaderboards", []) for c in lb.get("columns", []) if "key" in c]


def _run_program(program: Path, ref: Path, submission: Path, work: Path, timeout: float) -> tuple[int, str, Path]:
    """Lay out ``work/app`` as Codabench does and run the scoring command; (exit code, log, output folder)."""
    app = work / "app"
    shutil.copytree(program, app / "program")
    shutil.copytree(ref, app / "input" / "ref")
    (app / "input" / "res").mkdir(parents=True)
    shutil.copy2(submission, app / "input" / "res" / submission.name)
    (app / "output").mkdir()
    meta = yaml.safe_load((app / "program" / "metadata.yaml").read_text()) or {}
    command = shlex.split(str(meta.get("command", "")))
    if not command:
        return 2, "metadata.yaml has no command", app / "output"
    if re.fullmatch(r"python(3(\.\d+)?)?", command[0]):
        command[0] = sys.executable  # the current Python, with its NumPy and pandas
    guard = work / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(_GUARD)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "HDHKITS"))}
    env.update(
        PYTHONPATH=str(guard),
        PYTHONNOUSERSITE="1",
        HDHKITS_GUARD_PROGRAM=str((app / "program").resolve()),
        HDHKITS_GUARD_ALLOWED=",".join(sorted(ALLOWED_PACKAGES)),
    )
    try:
        done = subprocess.run(command, cwd=app / "program", env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout:.0f} s", app / "output"
    return done.returncode, done.stdout + done.stderr, app / "output"


def check_bundle(path: str | Path) -> CheckReport:
    """Unpack a bundle and run its scoring program on the solution and on a broken submission.

    Parameters
    ----------
    path : str or Path
        The bundle zip.

    Returns
    -------
    CheckReport
        What ran, one line each.

    Raises
    ------
    BundleCheckError
        Listing every problem found.
    """
    path = Path(path)
    if not path.is_file():
        raise BundleCheckError(path, ["file not found; build one with `hdhkits bundle KIT --out FILE.zip`"])
    report = CheckReport(path)
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise BundleCheckError(path, ["not a zip file"]) from None
    with zf, tempfile.TemporaryDirectory(prefix="hdhkits-check-") as tmp:
        entries = _entries(zf)
        if "competition.yaml" not in entries:
            raise BundleCheckError(path, ["no competition.yaml at the zip's root"])
        config = yaml.safe_load(zf.read("competition.yaml"))
        problems = check_competition_yaml(config, entries)
        if problems:
            raise BundleCheckError(path, problems)
        report.lines.append(
            f"competition.yaml: every required key, every named path in the zip ({len(entries)} entries)"
        )
        root = Path(tmp) / "bundle"
        zf.extractall(root)
        keys = _leaderboard_keys(config)
        limit = float(max([ph.get("execution_time_limit", 600) for ph in config["phases"]] or [600]))
        for task in config["tasks"]:
            problems += _check_task(root, task, config, keys, limit, Path(tmp) / f"task{task['index']}", report)
    if problems:
        raise BundleCheckError(path, problems)
    return report


def _check_task(
    root: Path, task: dict, config: dict, keys: list[str], limit: float, work: Path, report: CheckReport
) -> list[str]:
    problems: list[str] = []
    program, ref = root / task["scoring_program"], root / task["reference_data"]
    kit_file = program / "kit.json"
    if not kit_file.is_file():
        return [f"{task['scoring_program']}: no kit.json; this check knows bundles made by `hdhkits bundle` only"]
    kit = json.loads(kit_file.read_text())
    problem = get_problem(kit["kit"])
    report.kit = problem.name
    solutions = [s for s in config["solutions"] if task["index"] in s.get("tasks", [])]
    if not solutions:
        return [f"task {task['index']}: no solution names it; the platform could not check the competition"]
    for s in solutions:
        folder = root / s["path"]
        csvs = sorted(folder.rglob("*.csv")) if folder.is_dir() else []
        if len(csvs) != 1:
            problems.append(f"solution {s['path']}: holds {len(csvs)} CSV file(s), not one submission.csv")
            continue
        run = _TaskRun(problem, program, ref, kit, keys, limit, work, report)
        found, scored = run.check_solution(s, csvs[0])
        problems += found
        if scored:  # the broken-file check needs a program that runs at all
            problems += run.check_broken(s, csvs[0])
    return problems


@dataclass
class _TaskRun:
    """One task's scoring program run on a solution and on a broken copy of it."""

    problem: Problem
    program: Path
    ref: Path
    kit: dict
    keys: list[str]
    limit: float
    work: Path
    report: CheckReport

    def check_solution(self, s: dict, solution: Path) -> tuple[list[str], bool]:
        """Problems of the program's scores on the solution, and whether it wrote scores at all."""
        code, log, output = _run_program(
            self.program, self.ref, solution, self.work / f"solution{s['index']}", self.limit
        )
        if code != 0:
            return [f"solution {s['path']}: the scoring program exited {code}:\n{log.strip()}"], False
        scores_file = output / "scores.json"
        if not scores_file.is_file():
            return [f"solution {s['path']}: the scoring program wrote no scores.json"], False
        scores = json.loads(scores_file.read_text())
        problems = []
        missing = [k for k in self.keys if k not in scores]
        if missing:
            problems.append(f"scores.json lacks the leaderboard key(s) {', '.join(missing)}")
        # the same files, scored by the installed package: what `hdhkits score --json` prints
        want = self.problem.score_submission(
            read_submission(solution), self.problem.read_truth(self.ref / self.kit["truth_folder"])
        )
        for k, v in {"score": want.value, **want.parts}.items():
            got = scores.get(k)
            if got is None or not (math.isfinite(v) and abs(float(got) - v) <= _TOLERANCE):
                problems.append(f"scores.json {k} = {got!r}, but `hdhkits score` gives {v!r}")
        self.report.scores = {k: float(v) for k, v in scores.items()}
        self.report.lines.append(
            f"solution '{s['path']}': exit 0, scores.json holds {', '.join(self.keys)}; equal "
            f"to `hdhkits score` within {_TOLERANCE:g} "
            f"(score {float(scores.get('score', 'nan')):.4f})"
        )
        return problems, True

    def check_broken(self, s: dict, solution: Path) -> list[str]:
        """Problems of the program's answer to a broken submission (it must refuse it in sentences)."""
        broken = broken_submission(read_submission(solution))
        broken_file = self.work / "broken" / "submission.csv"
        broken_file.parent.mkdir(parents=True, exist_ok=True)
        broken.to_csv(broken_file, index=False)
        code, log, _ = _run_program(self.program, self.ref, broken_file, self.work / f"broken{s['index']}", self.limit)
        self.report.broken_log = log
        sentences = [
            str(f) for f in errors(self.problem.validate_submission(broken, self.ref / self.kit["data_folder"]))
        ]
        if code == 0:
            return ["a broken submission (a row lost, an empty prediction) was scored instead of refused"]
        if "Traceback" in log:
            return [f"a broken submission ends in a traceback, not a readable message:\n{log.strip()}"]
        absent = [x for x in sentences if x not in log]
        if absent or not sentences:
            return [
                "the scoring log of a broken submission lacks what `hdhkits validate` says: "
                + "; ".join(absent or ["(no sentence)"])
            ]
        self.report.lines.append(
            f"broken submission: exit {code}, the {len(sentences)} sentence(s) `hdhkits validate` prints, no traceback"
        )
        return []
