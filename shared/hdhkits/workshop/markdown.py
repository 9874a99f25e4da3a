"""The pack's Markdown: FACILITATOR.md (schedule, goals, traps, slow machines, offline, Colab) and README.md."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..exercises import Teaching
from ..install import DRIVE, DRIVE_DEPTH, RELEASE_TAG, WHEEL_FILE
from ..problem import NOTEBOOKS, get_problem
from .schedule import WALKTHROUGH_MINUTES, Schedule, plan_schedule

__all__ = ["facilitator_markdown", "kit_title", "learner_readme"]


def _clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def kit_title(kit: str) -> str:
    """The kit's title as the pack prints it (``"Cardi-HACK"`` for ``"cardihack"``).

    Parameters
    ----------
    kit : str
        Kit name.

    Returns
    -------
    str
    """
    return get_problem(kit).title


def _schedule_table(schedule: Schedule) -> list[str]:
    lines = [
        "| time | kit | notebook | what learners do | exercise minutes | run time (quick mode) |",
        "|---|---|---|---|---|---|",
    ]
    for s in schedule.slots:
        run_time = (
            ""
            if not s.notebook
            else ("not measured (1 min allowed)" if s.run_seconds is None else f"{s.run_seconds:.0f} s")
        )
        kit = kit_title(s.kit) if s.kit else ""
        notebook = f"`{s.notebook}`" if s.notebook else ""
        lines.append(
            f"| {_clock(s.start)}–{_clock(s.end)} ({s.minutes} min) | {kit} | {notebook} | {s.activity} "
            f"| {s.exercise_minutes or ''} | {run_time} |"
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
            lines.append(f"| {kit_title(kit)} | {need} | {where} |")
        fitting = [kit_title(k) for k, need in schedule.kit_minutes.items() if need <= n]
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
            lines.append(f"- {kit_title(kit)} `{nb}`: {names}")
    return lines


def _kit_section(kit: str, teaching: Teaching) -> list[str]:
    lines = ["", f"## {kit_title(kit)}", "", "### Learning goals", ""]
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
        "Before the day, on every machine, from this folder (this needs PyPI once, for the dependencies):",
        "",
        "```bash",
        f'pip install "./{WHEEL_FILE}{extra}" jupyterlab',
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
        "`%cd` first. Each learner adds a cell at the top of the notebook, before the setup cell:",
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
        f"The notebooks' setup cell then installs the helper package from `{WHEEL_FILE}`, the wheel at this "
        "folder's root: it looks in the notebook's folder and the folders above it, then in Drive "
        f"(`{DRIVE}` and {DRIVE_DEPTH} folder levels below), and Colab downloads its dependencies from PyPI "
        "(Colab has torch already). Keep the wheel in the folder you upload.",
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
    titles = ", ".join(kit_title(k) for k in kits)
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
        f"# Workshop: {', '.join(kit_title(k) for k in kits)}",
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
        "one `%cd` cell to add at the top; the notebooks' first code cell then installs the kits' helper package from "
        f"`{WHEEL_FILE}`, at this folder's root: keep it there.",
    ]
    return "\n".join(lines) + "\n"
