"""hdhkits.workshop.schedule: which notebooks fit the session, and what is left out."""

from hdhkits.problem import KITS, NOTEBOOKS, get_problem
from hdhkits.workshop.markdown import facilitator_markdown
from hdhkits.workshop.schedule import plan_schedule

from .workshop_support import KIT, fake_teaching


def test_all_kits_in_90_minutes_says_which_to_pick():
    teachings = {kit: fake_teaching(kit, 10, seconds=40.0) for kit in KITS}
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
    schedule = plan_schedule({KIT: fake_teaching(KIT, 40)}, 90)
    assert [s.notebook for s in schedule.slots if s.notebook] == ["01_exploration.ipynb"]
    assert schedule.left_out == ((KIT, "02_baseline.ipynb"), (KIT, "03_submission.ipynb"))
    assert schedule.used <= 90 and "02_baseline.ipynb" in schedule.warnings()[0]
