"""``hdhkits workshop``: a self-contained folder to teach one kit, or all of them.

The pack a facilitator hands out (``build_workshop``)::

    DIR/README.md                      for learners: where to start
    DIR/FACILITATOR.md                 schedule, goals, traps, slow machines, offline and Colab
    DIR/<kit>/student/0N_*.ipynb       solutions replaced by "# your turn" and a fallback
    DIR/<kit>/solutions/0N_*.ipynb     the notebooks as they are
    DIR/data/<kit>/                    a quick twin, the notebooks' data_dir
    DIR/truth/<kit>/                   its truth: for the facilitator, not the learners

Every notebook's parameters cell points at ``../../data/<kit>`` and ``../../outputs/<kit>``
(paths relative to the notebook's folder, so the pack can move: a USB stick, a shared
drive, Colab) and sets ``quick = True``; outputs are cleared. The schedule comes from each
kit's ``hdhkits.<kit>.teaching.TEACHING`` (:class:`hdhkits.exercises.Teaching`): its
exercises with their minutes and the notebooks' measured quick-mode run times.

The command line wires :func:`add_parser` and :func:`run`; this module never imports
:mod:`hdhkits.cli` (errors and the seed type come from :mod:`hdhkits.arguments`).
"""

from __future__ import annotations

import argparse
import copy
import importlib
import io
import math
import re
import time
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .arguments import command_error, seed_number
from .datasource import write_twin
from .exercises import BEGIN, END, Teaching, answer_leaks, has_solution, student_source
from .files import atomic_dir
from .install import RELEASE_TAG, REPOSITORY
from .problem import NOTEBOOKS, KitNotAvailable, available_kits, get_problem

__all__ = [
    "MINUTES",
    "Schedule",
    "Slot",
    "WorkshopInfo",
    "add_parser",
    "build_workshop",
    "facilitator_markdown",
    "learner_readme",
    "load_teaching",
    "plan_schedule",
    "run",
    "set_parameters",
    "solution_notebook",
    "student_notebook",
]

#: Session lengths the command offers, in minutes.
MINUTES: tuple[int, ...] = (90, 120, 180)

# Fixed parts of a session, in minutes. A notebook's slot is its walk-through (the
# facilitator shows it, learners open and run it) plus its exercises plus its run time.
WELCOME_MINUTES = 5
WALKTHROUGH_MINUTES = 5
WRAP_UP_MINUTES = 5
BREAK_MINUTES = 10
BREAK_FROM_MINUTES = 150  # sessions this long get one break
UNMEASURED_SECONDS = 60.0  # the run time assumed for a notebook the kit has not measured

_BADGE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)[ \t]*\n?", re.MULTILINE)
_VOLATILE_CELL_KEYS = ("execution", "papermill", "collapsed", "scrolled")


@dataclass(frozen=True)
class Slot:
    """One row of the schedule.

    Parameters
    ----------
    start, minutes : int
        Start (minutes from the beginning of the session) and length.
    kit, notebook : str
        The kit and notebook file name ("" for the welcome, a break, the wrap-up).
    activity : str
        What learners do.
    exercise_minutes : int
        Minutes of exercises in the slot.
    run_seconds : float or None
        The notebook's measured quick-mode run time (None: not measured, or no notebook).
    """

    start: int
    minutes: int
    kit: str
    notebook: str
    activity: str
    exercise_minutes: int = 0
    run_seconds: float | None = None

    @property
    def end(self) -> int:
        """Minute at which the slot ends."""
        return self.start + self.minutes


@dataclass(frozen=True)
class Schedule:
    """A session plan: the slots that fit, and what does not.

    Parameters
    ----------
    minutes : int
        Length of the session.
    slots : tuple of Slot
        In order; their minutes add up to at most ``minutes``.
    left_out : tuple of (str, str)
        ``(kit, notebook)`` pairs the session has no time for (they stay in the pack).
    kit_minutes : dict
        Minutes each kit needs on its own (welcome and wrap-up included).
    """

    minutes: int
    slots: tuple[Slot, ...]
    left_out: tuple[tuple[str, str], ...]
    kit_minutes: dict[str, int]

    @property
    def used(self) -> int:
        """Minutes the slots take."""
        return sum(s.minutes for s in self.slots)

    def warnings(self) -> list[str]:
        """One sentence per kit (or notebook) the schedule leaves out, for the terminal."""
        out = []
        for kit in dict.fromkeys(k for k, _ in self.left_out):
            notebooks = [nb for k, nb in self.left_out if k == kit]
            what = "the whole kit" if len(notebooks) == len(NOTEBOOKS) else ", ".join(notebooks)
            out.append(
                f"{kit}: {what} does not fit in {self.minutes} minutes (the kit needs "
                f"{self.kit_minutes[kit]} on its own); it is in the pack but not in the schedule: "
                "see FACILITATOR.md"
            )
        return out


@dataclass(frozen=True)
class WorkshopInfo:
    """What :func:`build_workshop` wrote.

    Parameters
    ----------
    out : Path
        The pack's folder.
    kits : tuple of str
        The kits in the pack.
    minutes, seed : int
        Session length and twin seed.
    schedule : Schedule
        The plan written in FACILITATOR.md.
    notebooks : int
        Notebooks written (student and solution versions).
    seconds : float
        Time taken.
    warnings : tuple of str
        What the facilitator should know (content that does not fit, exercises not found).
    """

    out: Path
    kits: tuple[str, ...]
    minutes: int
    seed: int
    schedule: Schedule
    notebooks: int
    seconds: float
    warnings: tuple[str, ...] = field(default_factory=tuple)


_error = command_error


# ---------------------------------------------------------------- teaching and notebooks


def load_teaching(kit: str) -> Teaching:
    """A kit's ``hdhkits.<kit>.teaching.TEACHING``.

    Raises
    ------
    CommandError
        The kit has no teaching module, or it defines no :class:`Teaching` named ``TEACHING``.
    """
    name = f"hdhkits.{kit}.teaching"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise _error(
            name,
            f"not found: the {kit} kit has no teaching module yet, and the pack needs its "
            "learning goals, traps and exercises",
            f"add shared/hdhkits/{kit}/teaching.py defining TEACHING = hdhkits.exercises.Teaching(...), "
            "or leave this kit out",
        ) from None
    teaching = getattr(module, "TEACHING", None)
    if not isinstance(teaching, Teaching):
        raise _error(
            name,
            f"has no TEACHING of type hdhkits.exercises.Teaching (found {type(teaching).__name__})",
            "define TEACHING = hdhkits.exercises.Teaching(goals=..., traps=..., exercises=...)",
        )
    return teaching


def _clean(nb: Any) -> Any:
    """A copy with outputs cleared, volatile metadata and the Colab badge removed."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            # The badge opens the repository's full notebook online, not this pack's copy:
            # a learner would land on the solutions with other data.
            cell.source = _BADGE.sub("", cell.source).rstrip("\n")
    return nb


def solution_notebook(nb: Any) -> Any:
    """The notebook as it is, for the pack: outputs cleared, no Colab badge.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A kit notebook (left unchanged).

    Returns
    -------
    nbformat.NotebookNode
    """
    return _clean(nb)


def student_notebook(nb: Any) -> Any:
    """The student version of a notebook: every solution block replaced, outputs cleared.

    Each code cell goes through :func:`hdhkits.exercises.student_source` (the block
    becomes ``# your turn`` and a fallback assigning ``None``, so the check prints "not
    attempted yet" and the notebook still runs end to end).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A kit notebook (left unchanged).

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        A cell keeps a solution marker after the replacement (a BEGIN without its END,
        or the reverse): the answer would leak into the student version.
    """
    nb = _clean(nb)
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and has_solution(cell.source):
            cell.source = student_source(cell.source)
        if BEGIN in cell.source or END in cell.source:
            raise ValueError(
                f"cell {index} holds a solution marker without its pair ('{BEGIN}' ... '{END}', "
                "each on its own line); fix the markers so the answer can be removed"
            )
    return nb


def _comment_at(line: str) -> int | None:
    """Column where a line's comment starts (a ``#`` inside a string is no comment)."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(line + "\n").readline):
            if token.type == tokenize.COMMENT:
                return token.start[1]
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def set_parameters(nb: Any, values: Mapping[str, str]) -> Any:
    """Rewrite assignments of the ``parameters``-tagged cell, in place, keeping their comments.

    Papermill's way, but in the cell itself rather than in an injected one: the notebook
    then runs with these values when opened by hand.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook (changed in place and returned).
    values : mapping of str to str
        Parameter name to the Python source of its new value (``'"../../data/annitia"'``).

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        No cell is tagged ``parameters``, or it has no top-level assignment of a name.
    """
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        raise ValueError("no cell tagged 'parameters'; tag the cell holding data_dir, output_dir, seed and quick")
    lines = cell.source.split("\n")
    for name, value in values.items():
        pattern = re.compile(rf"^{re.escape(name)}\s*(:[^=]*)?=")
        hits = [i for i, line in enumerate(lines) if pattern.match(line)]
        if not hits:
            raise ValueError(
                f"the parameters cell has no '{name} = ...' line; add it (CONTRIBUTING.md lists "
                "the parameters every notebook takes)"
            )
        for i in hits:
            at = _comment_at(lines[i])
            comment = "  " + lines[i][at:] if at is not None else ""
            lines[i] = f"{name} = {value}{comment}"
    cell.source = "\n".join(lines)
    return nb


def _check_titles(kit: str, notebooks: Mapping[str, Any], teaching: Teaching) -> list[str]:
    """Exercises of TEACHING whose check is not found in their notebook (one sentence each)."""
    problems = []
    for ex in teaching.exercises:
        nb = notebooks.get(ex.notebook)
        if nb is None:
            problems.append(
                f"{kit}: exercise '{ex.title}' names {ex.notebook}, not a notebook of the kit ({', '.join(NOTEBOOKS)})"
            )
            continue
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        if not re.search(rf"check_answer\(\s*[\"']{re.escape(ex.title)}[\"']", text):
            problems.append(
                f"{kit}: exercise '{ex.title}' has no check_answer(\"{ex.title}\", ...) in "
                f"{ex.notebook}; the schedule lists it anyway"
            )
    return problems


def _check_answers(kit: str, notebooks: Mapping[str, Any]) -> list[str]:
    """Exercise checks whose expected value a learner would read in the student version (one sentence each)."""
    return [
        f"{kit}/{name}: {leak}; the student version shows it (take the expected value from a package "
        "function or a hidden helper of the kit's teaching module)"
        for name, nb in notebooks.items()
        for leak in answer_leaks([c.source for c in nb.cells if c.cell_type == "code"])
    ]


# ---------------------------------------------------------------- schedule


def _notebook_slot(kit: str, notebook: str, teaching: Teaching) -> Slot:
    """A notebook's slot (start 0): walk-through, its exercises, its measured run time."""
    exercises = [e for e in teaching.exercises if e.notebook == notebook]
    exercise_minutes = sum(e.minutes for e in exercises)
    seconds = teaching.quick_seconds.get(notebook)
    run_minutes = math.ceil((UNMEASURED_SECONDS if seconds is None else seconds) / 60)
    activity = "read and run it top to bottom"
    if exercises:
        activity += "; " + "; ".join(f"exercise: {e.title} ({e.minutes} min)" for e in exercises)
    return Slot(
        0, WALKTHROUGH_MINUTES + exercise_minutes + run_minutes, kit, notebook, activity, exercise_minutes, seconds
    )


def _choose(blocks: Mapping[str, list[Slot]], budget: int) -> list[Slot]:
    """Whole kits, in order, while they fit; then the first kit left out gives its first notebooks that fit."""
    chosen: list[Slot] = []
    for slots in blocks.values():
        if sum(s.minutes for s in chosen) + sum(s.minutes for s in slots) <= budget:
            chosen += slots
    left = [slots for slots in blocks.values() if slots[0] not in chosen]
    if left:
        used = sum(s.minutes for s in chosen)
        for slot in left[0]:
            if used + slot.minutes > budget:
                break  # a later notebook builds on the earlier ones: no skipping ahead
            chosen.append(slot)
            used += slot.minutes
    order = [s for slots in blocks.values() for s in slots]
    return sorted(chosen, key=order.index)  # the kits' order, a partial kit in its place


def _with_break(content: list[Slot]) -> list[Slot]:
    """The content with one break after the slot that passes half of it (none for a single slot)."""
    if len(content) < 2:
        return content
    half, elapsed = sum(s.minutes for s in content) / 2, 0
    for i, slot in enumerate(content[:-1]):  # noqa: B007 (i is where the loop broke)
        elapsed += slot.minutes
        if elapsed >= half:
            break
    pause = Slot(0, BREAK_MINUTES, "", "", "break (machines keep running: a good time for slow ones to catch up)")
    return content[: i + 1] + [pause] + content[i + 1 :]


def plan_schedule(teachings: Mapping[str, Teaching], minutes: int) -> Schedule:
    """Plan a session of ``minutes`` over the kits of ``teachings`` (in their order).

    Every slot is a notebook: a walk-through (``WALKTHROUGH_MINUTES``), its exercises'
    minutes and its measured quick-mode run time rounded up to the minute; a welcome and
    a wrap-up frame the session, and sessions of ``BREAK_FROM_MINUTES`` or more get a break.
    Whole kits go in, in order, while they fit; then the first kit left out contributes
    its first notebooks that fit. What does not fit is listed in :attr:`Schedule.left_out`, never dropped
    silently.

    Parameters
    ----------
    teachings : mapping of str to Teaching
        Kit name to its teaching declaration, in the order to teach them.
    minutes : int
        Length of the session.

    Returns
    -------
    Schedule
        Slots whose minutes add up to at most ``minutes``.
    """
    pause = BREAK_MINUTES if minutes >= BREAK_FROM_MINUTES else 0
    fixed = WELCOME_MINUTES + WRAP_UP_MINUTES + pause
    blocks = {kit: [_notebook_slot(kit, nb, t) for nb in NOTEBOOKS] for kit, t in teachings.items()}
    kit_minutes = {kit: fixed + sum(s.minutes for s in slots) for kit, slots in blocks.items()}
    content = _choose(blocks, minutes - fixed)
    if pause:
        content = _with_break(content)
    first = content[0].kit if content else next(iter(teachings), "<kit>")
    welcome = Slot(
        0,
        WELCOME_MINUTES,
        "",
        "",
        "welcome: the challenge(s), the pack's folders, open "
        f"{first}/student/01_exploration.ipynb and run the first cells",
    )
    wrap_up = Slot(
        0,
        WRAP_UP_MINUTES,
        "",
        "",
        "wrap-up: the traps again, where the solutions are, how to point the kit at the official files",
    )
    slots, start = [], 0
    for slot in [welcome, *content, wrap_up]:
        slots.append(
            Slot(start, slot.minutes, slot.kit, slot.notebook, slot.activity, slot.exercise_minutes, slot.run_seconds)
        )
        start += slot.minutes
    placed = {(s.kit, s.notebook) for s in content}
    left_out = tuple((kit, nb) for kit in blocks for nb in NOTEBOOKS if (kit, nb) not in placed)
    return Schedule(minutes, tuple(slots), left_out, kit_minutes)


# ---------------------------------------------------------------- FACILITATOR.md and README.md


def _clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def _title(kit: str) -> str:
    return get_problem(kit).title


def _schedule_table(schedule: Schedule) -> list[str]:
    lines = [
        "| time | kit | notebook | what learners do | exercise minutes | run time (quick mode) |",
        "|---|---|---|---|---|---|",
    ]
    for s in schedule.slots:
        run = (
            ""
            if not s.notebook
            else ("not measured (1 min allowed)" if s.run_seconds is None else f"{s.run_seconds:.0f} s")
        )
        kit = _title(s.kit) if s.kit else ""
        notebook = f"`{s.notebook}`" if s.notebook else ""
        lines.append(
            f"| {_clock(s.start)}–{_clock(s.end)} ({s.minutes} min) | {kit} | {notebook} | {s.activity} "
            f"| {s.exercise_minutes or ''} | {run} |"
        )
    return lines


def _fit_section(schedule: Schedule, teachings: Mapping[str, Teaching]) -> list[str]:
    """Which kits fit the session, and everything the schedule leaves out (with its exercises)."""
    n = schedule.minutes
    lines = [
        f"The slots take {schedule.used} of the {n} minutes. Each notebook's slot is "
        f"{WALKTHROUGH_MINUTES} minutes of walk-through, its exercises, and its run time in quick mode "
        "rounded up to the minute."
    ]
    if n - schedule.used >= 10:
        lines[0] += (
            f" The {n - schedule.used} minutes left are yours: questions, the traps discussed at "
            "length, a learner's own model, or pointing the kit at the official files."
        )
    if len(teachings) > 1 or schedule.left_out:
        lines += [
            "",
            f"### Which kits fit {n} minutes",
            "",
            "| kit | minutes it needs on its own | in this schedule |",
            "|---|---|---|",
        ]
        placed = {s.kit for s in schedule.slots if s.kit}
        for kit, need in schedule.kit_minutes.items():
            partly = any(k == kit for k, _ in schedule.left_out)
            where = "no" if kit not in placed else ("partly" if partly else "yes")
            lines.append(f"| {_title(kit)} | {need} | {where} |")
        fitting = [_title(k) for k, need in schedule.kit_minutes.items() if need <= n]
        lines += [
            "",
            f"Kits that fit {n} minutes on their own: {', '.join(fitting) or 'none'}. For a session "
            f"on one kit, pick one of them and build its own pack (`hdhkits workshop KIT --out DIR "
            f"--minutes {n}`).",
        ]
    if schedule.left_out:
        lines += [
            "",
            f"### Not in this schedule: it does not fit {n} minutes",
            "",
            "The pack holds these notebooks (student and solution versions, data): use them in a second "
            "session, as homework, or with a longer `--minutes`.",
            "",
        ]
        for kit, nb in schedule.left_out:
            exercises = [e for e in teachings[kit].exercises if e.notebook == nb]
            names = "; ".join(f"{e.title} ({e.minutes} min)" for e in exercises) or "no exercise"
            lines.append(f"- {_title(kit)} `{nb}`: {names}")
    return lines


def _kit_section(kit: str, teaching: Teaching) -> list[str]:
    lines = ["", f"## {_title(kit)}", "", "### Learning goals", ""]
    lines += [f"- {g}" for g in teaching.goals]
    lines += ["", "### Traps to stress", ""] + [f"- {t}" for t in teaching.traps]
    lines += ["", "### Exercises", "", "| notebook | exercise | minutes |", "|---|---|---|"]
    lines += [f"| `{e.notebook}` | {e.title} | {e.minutes} |" for e in teaching.exercises]
    lines += [
        "",
        "Each exercise cell of the student notebooks says `# your turn`: learners replace the `None` "
        "and the check under it prints `✔ correct`, `✘ not yet` (with a hint) or `… not attempted yet`. "
        "Later cells never need an exercise solved, so a learner who skips one can go on.",
        "",
        "### Run times (quick mode, measured on 2 cores)",
        "",
    ]
    for nb in NOTEBOOKS:
        seconds = teaching.quick_seconds.get(nb)
        lines.append(f"- `{nb}`: " + ("not measured" if seconds is None else f"{seconds:.0f} s"))
    lines += [
        "",
        "### If a machine is slow",
        "",
        teaching.slow_machine or "No advice specific to this kit: see the general advice below.",
    ]
    return lines


def _general_sections(kits: Sequence[str]) -> list[str]:
    """Slow machines, offline, Colab, the truth: the same for every kit."""
    extra = "[torch]" if "cytologia" in kits else ""  # the CNN of CYTOLOGIA's baseline needs torch
    spec = f"hdhkits{extra} @ git+{REPOSITORY}@{RELEASE_TAG}"
    example = kits[0]
    return [
        "",
        "## If a machine is slow (any kit)",
        "",
        "- The notebooks already run in quick mode (`quick = True`: the small twin, light models); the run "
        "times above are those of a 2-core laptop.",
        "- Let a learner run the notebook once, then pair with a neighbour for the exercises: an exercise "
        "cell takes seconds, only whole notebooks take longer.",
        "- `03_submission` reloads the model `02_baseline` saved in `outputs/<kit>/`; on a slow machine, run "
        "`02_baseline` during the break rather than twice.",
        "- Colab (below) is the fallback for a machine that cannot install the package.",
        "",
        "## Running offline",
        "",
        "Before the day, on every machine (this needs the internet once):",
        "",
        "```bash",
        f'pip install "{spec}" jupyterlab',
        "```",
        "",
        "(or, from a clone of the repository, `python3 bootstrap.py setup`, then use `.venv/bin/jupyter`). "
        "On the day nothing is downloaded: the data are in `data/`, and the notebooks' setup cell installs "
        "only in Colab. Start JupyterLab in this folder (`jupyter lab`, from the folder holding this file) "
        f"and open `{example}/student/01_exploration.ipynb`. The notebooks find the data through paths "
        "relative to their own folder (`../../data/<kit>`), so the pack can be copied anywhere as a whole; "
        "models and submissions go to `outputs/<kit>/`.",
        "",
        "## Running in Colab",
        "",
        "Colab runs a notebook in `/content`, not in the notebook's folder, so the relative paths need one "
        "`%cd` first. Each learner adds a cell at the top of the notebook, before the parameters cell:",
        "",
        "- **Mount Google Drive** (outputs survive the session): upload this folder (without `truth/`) to "
        "Drive, open the notebook from Drive with Colab, and run",
        "",
        "  ```python",
        "  from google.colab import drive",
        '  drive.mount("/content/drive")',
        f"  %cd /content/drive/MyDrive/<this folder>/{example}/student",
        "  ```",
        "",
        "- **Upload**: zip this folder (without `truth/`), open the notebook with File > Upload notebook, "
        "upload the zip in the Files panel, and run",
        "",
        "  ```python",
        "  !unzip -q -o /content/<the zip>.zip -d /content/workshop",
        f"  %cd /content/workshop/{example}/student",
        "  ```",
        "",
        "The notebooks' setup cell then installs the helper package in Colab, pinned to this release "
        f"(`hdhkits @ git+{REPOSITORY}@{RELEASE_TAG}`; Colab has torch already). Colab needs the internet.",
        "",
        "## The truth: keep it away from learners",
        "",
        "`truth/<kit>/` holds the twins' answers, for you to score submissions: "
        "`hdhkits score <kit> outputs/<kit>/submission.csv --truth truth/<kit>`. The notebooks do not use it. "
        "Hand out the folder without it, e.g. `zip -r workshop.zip . -x 'truth/*'` from this folder.",
    ]


def facilitator_markdown(
    teachings: Mapping[str, Teaching], minutes: int, seed: int = 0, schedule: Schedule | None = None
) -> str:
    """The pack's FACILITATOR.md.

    Parameters
    ----------
    teachings : mapping of str to Teaching
        Kit name to its teaching declaration, in the order to teach them.
    minutes : int
        Length of the session.
    seed : int
        Seed of the pack's twins (stated in the file).
    schedule : Schedule, optional
        The plan (default: :func:`plan_schedule` of ``teachings`` and ``minutes``).

    Returns
    -------
    str
        Markdown: the schedule (a table whose slots add up to at most ``minutes``), which
        kits fit and what does not, then per kit the goals, traps, exercises, run times
        and slow-machine advice, then slow machines, offline, Colab and the truth.
    """
    schedule = schedule or plan_schedule(teachings, minutes)
    kits = list(teachings)
    titles = ", ".join(_title(k) for k in kits)
    lines = [
        f"# Workshop pack: {titles} ({minutes} minutes)",
        "",
        f"Written by `hdhkits workshop` (version {RELEASE_TAG}). The folder holds, per kit, the student "
        "notebooks (`<kit>/student/`, every exercise's answer removed) and the solution notebooks "
        "(`<kit>/solutions/`), a quick synthetic twin of the challenge's files (`data/<kit>/`, seed "
        f"{seed}) that every notebook reads, and its truth (`truth/<kit>/`: for you only, see the end).",
        "",
        f"## Schedule ({minutes} minutes)",
        "",
    ]
    lines += _schedule_table(schedule) + [""] + _fit_section(schedule, teachings)
    for kit, teaching in teachings.items():
        lines += _kit_section(kit, teaching)
    lines += _general_sections(kits)
    return "\n".join(lines) + "\n"


def learner_readme(kits: Sequence[str]) -> str:
    """The pack's README.md, for learners: where to start and how the exercises work."""
    first = kits[0]
    lines = [
        f"# Workshop: {', '.join(_title(k) for k in kits)}",
        "",
        f"1. Open `{first}/student/01_exploration.ipynb` first, then `02_baseline`, then `03_submission`"
        + (" (the other kits' folders work the same way)." if len(kits) > 1 else "."),
        "2. Run each notebook top to bottom. It reads the data in `data/` through a path relative to its "
        "folder: keep the folder as it is.",
        "3. At each `# your turn`, replace the `None` with your answer and run the cell again: the check "
        "under it prints `✔ correct`, or `✘ not yet` with a hint. Skipping an exercise is fine: the rest "
        "of the notebook runs without it.",
        "4. Stuck? `<kit>/solutions/` holds the same notebooks with the answers. Try first.",
        "",
        "The data are synthetic: a twin that imitates the layout and the traps of the challenge's files, "
        "not real patients. Models and submissions go to `outputs/`. In Colab, ask your facilitator for the "
        "one `%cd` cell to add at the top.",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the pack


def _kit_names(kits: str | Sequence[str]) -> list[str]:
    names = [kits] if isinstance(kits, str) else list(kits)
    if names == ["all"]:
        return available_kits()
    if not names:
        raise _error("KIT", "no kit given", f"name one of {', '.join(available_kits())}, or all")
    out = []
    for name in names:
        try:
            out.append(get_problem(name).name)
        except KitNotAvailable as exc:
            raise _error("KIT", str(exc), f"choose one of {', '.join(available_kits())}, or all") from None
    return list(dict.fromkeys(out))


def _kits_folder(kits_dir: str | Path | None) -> Path:
    if kits_dir is not None:
        return Path(kits_dir)
    from .runner import kits_root  # papermill comes with it: only when building a pack

    try:
        return kits_root()
    except FileNotFoundError as exc:
        raise _error("--kits-dir", str(exc), "pass the repository's kits/ folder") from None


def _check_out(out: Path, force: bool, kits_dir: Path) -> None:
    """Refuse an output folder that is a file, holds files (unless forced) or holds the kits themselves."""
    blocking = next((a for a in (out, *out.parents) if a.exists() and not a.is_dir()), None)
    if blocking is not None:
        raise _error(out, f"cannot be a folder: {blocking} is a file", "give --out a folder path (it is created)")
    resolved, kits = out.resolve(), kits_dir.resolve()
    if resolved == kits or resolved in kits.parents or kits in resolved.parents:
        raise _error(
            out,
            f"holds or sits inside the kits' folder {kits_dir}, which the pack would replace or fill with copies",
            "choose a folder outside the repository's kits/",
        )
    if out.exists() and any(out.iterdir()) and not force:
        raise _error(out, "exists and is not empty", "choose another folder or pass --force to replace it")


def _read_notebooks(kit: str, kits_dir: Path) -> dict[str, Any]:
    import nbformat

    folder = kits_dir / kit
    notebooks = {}
    for name in NOTEBOOKS:
        path = folder / name
        if not path.is_file():
            raise _error(path, "not found", "pass --kits-dir with the repository's kits/ folder")
        try:
            notebooks[name] = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several types for a damaged file
            raise _error(
                path,
                f"cannot be read as a notebook ({type(exc).__name__}: {exc})",
                "restore it from git (git checkout -- <file>)",
            ) from None
    return notebooks


def _pack_versions(kit: str, notebooks: Mapping[str, Any], kits_dir: Path) -> dict[str, dict[str, Any]]:
    """``{"student": {name: nb}, "solutions": {name: nb}}``, parameters set; every problem raised first."""
    values = {"data_dir": f'"../../data/{kit}"', "output_dir": f'"../../outputs/{kit}"', "quick": "True"}
    versions: dict[str, dict[str, Any]] = {"student": {}, "solutions": {}}
    for name, nb in notebooks.items():
        try:
            versions["student"][name] = set_parameters(student_notebook(nb), values)
            versions["solutions"][name] = set_parameters(solution_notebook(nb), values)
        except ValueError as exc:
            raise _error(
                kits_dir / kit / name, str(exc).split("; ")[0], str(exc).partition("; ")[2] or "fix the notebook"
            ) from None
    return versions


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_workshop(
    kits: str | Sequence[str],
    out: str | Path,
    minutes: int = 120,
    seed: int = 0,
    force: bool = False,
    *,
    kits_dir: str | Path | None = None,
    teachings: Mapping[str, Teaching] | None = None,
) -> WorkshopInfo:
    """Write a workshop pack: student and solution notebooks, quick twins, FACILITATOR.md, README.md.

    Parameters
    ----------
    kits : str or sequence of str
        A kit name, several, or ``"all"``.
    out : str or Path
        The pack's folder. Built in a temporary folder beside it and renamed at the end,
        so an error half-way leaves nothing (and an existing folder as it was).
    minutes : int
        Length of the session the schedule plans (the command offers 90, 120, 180).
    seed : int
        Seed of the twins.
    force : bool
        Replace an existing non-empty ``out``.
    kits_dir : str or Path, optional
        The repository's ``kits/`` folder (default: found from here).
    teachings : mapping of str to Teaching, optional
        A teaching declaration per kit, instead of ``hdhkits.<kit>.teaching.TEACHING``.

    Returns
    -------
    WorkshopInfo

    Raises
    ------
    CommandError
        Unknown kit, a kit with no teaching module, a notebook missing or with broken
        solution markers, an output folder that cannot be used.
    """
    started = time.perf_counter()
    names = _kit_names(kits)
    if minutes < WELCOME_MINUTES + WRAP_UP_MINUTES + WALKTHROUGH_MINUTES:
        raise _error(
            "--minutes", f"{minutes} minutes leave no time for a notebook", f"give {', '.join(map(str, MINUTES))}"
        )
    given = dict(teachings or {})
    teach = {kit: given[kit] if kit in given else load_teaching(kit) for kit in names}
    out, folder = Path(out), _kits_folder(kits_dir)
    _check_out(out, force, folder)
    notebooks = {kit: _read_notebooks(kit, folder) for kit in names}
    versions = {kit: _pack_versions(kit, notebooks[kit], folder) for kit in names}
    problems = [
        p for kit in names for p in _check_titles(kit, notebooks[kit], teach[kit]) + _check_answers(kit, notebooks[kit])
    ]
    schedule = plan_schedule(teach, minutes)
    with atomic_dir(out) as tmp:
        _write_pack(Path(tmp), versions, teach, schedule, seed)
    warnings = tuple(schedule.warnings() + problems)
    count = sum(len(nbs) for v in versions.values() for nbs in v.values())
    return WorkshopInfo(out, tuple(names), minutes, seed, schedule, count, time.perf_counter() - started, warnings)


def _write_pack(
    root: Path,
    versions: Mapping[str, Mapping[str, Mapping[str, Any]]],
    teachings: Mapping[str, Teaching],
    schedule: Schedule,
    seed: int,
) -> None:
    import nbformat

    for kit, kinds in versions.items():
        for kind, notebooks in kinds.items():
            (root / kit / kind).mkdir(parents=True)
            for name, nb in notebooks.items():
                nbformat.write(nb, root / kit / kind / name)
        (root / "outputs" / kit).mkdir(parents=True)
        write_twin(get_problem(kit), root / "data" / kit, root / "truth" / kit, seed=seed, size="quick")
    _write_text(root / "FACILITATOR.md", facilitator_markdown(teachings, schedule.minutes, seed, schedule))
    _write_text(root / "README.md", learner_readme(list(versions)))


# ---------------------------------------------------------------- command line


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``workshop`` to the ``hdhkits`` subcommands (``subparsers``: argparse's ``add_subparsers()``)."""
    p = subparsers.add_parser(
        "workshop",
        help="a workshop pack: student and solution notebooks, quick twins, FACILITATOR.md with the schedule",
    )
    p.add_argument("kit", help=f"one of {', '.join(available_kits())}, or all")
    p.add_argument("--out", required=True, help="the pack's folder (created)")
    p.add_argument("--minutes", type=int, choices=MINUTES, default=120, help="length of the session (default 120)")
    p.add_argument("--seed", type=seed_number, default=0, help="twin seed")
    p.add_argument("--kits-dir", help="the repository's kits/ folder (default: found from here)")
    p.add_argument("--force", action="store_true", help="replace an existing non-empty folder")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``hdhkits workshop``: write the pack, print where, warn about what does not fit.

    Returns
    -------
    int
        0 (errors raise :class:`hdhkits.arguments.CommandError`, which the CLI prints).
    """
    import sys

    info = build_workshop(
        args.kit,
        args.out,
        minutes=args.minutes,
        seed=args.seed,
        force=args.force,
        kits_dir=getattr(args, "kits_dir", None),
    )
    titles = ", ".join(_title(k) for k in info.kits)
    print(
        f"Workshop pack for {titles} ({info.minutes} minutes, twin seed {info.seed}) written in "
        f"{info.seconds:.1f} s: {info.out}"
    )
    print(f"  learners: {info.out / 'README.md'}; open {info.kits[0]}/student/01_exploration.ipynb first")
    print(f"  facilitator: {info.out / 'FACILITATOR.md'} (schedule: {info.schedule.used} of {info.minutes} min)")
    print(f"  keep {info.out / 'truth'} away from learners (the twins' answers)")
    for warning in info.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
