"""hdhkits.workshop.markdown: FACILITATOR.md's schedule table, goals, traps, exercises and the general sections."""

import pytest
from hdhkits.install import WHEEL_FILE
from hdhkits.problem import KITS, NOTEBOOKS
from hdhkits.workshop.markdown import facilitator_markdown, learner_readme
from hdhkits.workshop.schedule import MINUTES, plan_schedule

from .workshop_support import fake_teaching, schedule_rows


@pytest.mark.parametrize("minutes", MINUTES)
@pytest.mark.parametrize("exercise_minutes", [5, 10, 15])
def test_schedule_fits_the_minutes_and_names_every_exercise(minutes, exercise_minutes):
    teachings = {kit: fake_teaching(kit, exercise_minutes, seconds=50.0) for kit in KITS}
    schedule = plan_schedule(teachings, minutes)
    text = facilitator_markdown(teachings, minutes, seed=0, schedule=schedule)
    rows = schedule_rows(text)
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
    # the wheel at the pack's root is how the notebooks get the package, offline and in Colab
    assert f'pip install "./{WHEEL_FILE}[torch]" jupyterlab' in text and "the wheel at this folder's root" in text
    assert "git+" not in text, "no install from a repository the learners may not reach"
    assert WHEEL_FILE in learner_readme(list(KITS))
