"""The session plan of a workshop: which notebooks fit the minutes, in which slots.

Every slot is a notebook (walk-through, exercises, measured quick-mode run time); a
welcome and a wrap-up frame the session, and a long one gets a break
(:func:`plan_schedule`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..exercises import Teaching
from ..problem import NOTEBOOKS

__all__ = [
    "BREAK_FROM_MINUTES",
    "BREAK_MINUTES",
    "MINUTES",
    "UNMEASURED_SECONDS",
    "WALKTHROUGH_MINUTES",
    "WELCOME_MINUTES",
    "WRAP_UP_MINUTES",
    "Schedule",
    "Slot",
    "plan_schedule",
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
