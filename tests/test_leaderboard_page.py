"""The page: self-contained, escaped, and its sentences say who is tied with the first."""

from __future__ import annotations

import re

import numpy as np
from hdhkits.leaderboard.figures import FIGURE_LIMIT
from hdhkits.leaderboard.page import reading, render_page, verdict

from .leaderboard_support import synthetic_leaderboard


def test_page_is_self_contained_and_holds_every_part():
    lb = synthetic_leaderboard(n=6)
    page = render_page(lb)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)=['"]?(https?:|//)""", page)
    assert page.count("<img") == 4 and page.count("data:image/png;base64,") == 4
    for text in (
        "Ranking",
        "How to read this page",
        "Figures",
        "How it was built",
        "broken0",
        "is empty; write the file again",
        "Blob plot",
        "Significance map",
        "shake-up",
        "P(best)",
    ):
        assert text in page
    assert verdict(lb) in page.replace("&quot;", '"').replace("&#x27;", "'")


def test_names_are_escaped():
    lb = synthetic_leaderboard(n=2, names=["<b>bold</b>", "a&b"])
    page = render_page(lb)
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page and "a&amp;b" in page


def test_verdict_names_the_submissions_tied_with_the_first():
    lb = synthetic_leaderboard(n=6)
    tied = lb.tied_with_first()
    assert tied[0] == lb.order[0]
    sentence = verdict(lb)
    assert f"“{lb.order[0]}” is first" in sentence
    if len(tied) > 1:
        assert all(f"“{name}”" in sentence for name in tied[1:]) and f"these {len(tied)} submissions" in sentence
    valid = lb.table["valid"]
    lb.table.loc[valid, "p_vs_first"] = [np.nan] + [0.001] * (valid.sum() - 1)  # now the first beats everyone
    assert "its first place is clear" in verdict(lb) and "over its 5 comparisons" in verdict(lb)
    lb.table.loc[valid, "p_vs_first"] = [np.nan, 0.2] + [0.001] * (valid.sum() - 2)
    assert f"higher than “{lb.order[1]}” (one-sided" in verdict(lb) and "these 2 submissions" in verdict(lb)


def test_verdict_for_one_and_for_no_valid_submission():
    assert "only valid submission" in verdict(synthetic_leaderboard(n=1))
    assert verdict(synthetic_leaderboard(n=0, invalid=1)) == "No submission is valid: nothing was ranked."
    assert "No valid submission" in render_page(synthetic_leaderboard(n=0, invalid=1))


def test_reading_says_what_was_left_out_and_what_the_figures_show():
    lb = synthetic_leaderboard(n=FIGURE_LIMIT + 2)
    lb.settings["resamples_used"] = lb.settings["n_boot"] - 7
    text = " ".join(reading(lb))
    assert "7 resamples where the metric was undefined" in text and "1 file(s) were not scored" in text
    assert "Spearman" in text and f"for the {(FIGURE_LIMIT + 2) * (FIGURE_LIMIT + 1)} ordered pairs" in text
    assert f"The figures show the first {FIGURE_LIMIT}" in render_page(lb)


def test_ranked_submissions_with_a_warning_show_it_and_are_counted():
    lb = synthetic_leaderboard(n=3)
    assert not any("carry a warning" in p for p in reading(lb)) and "<th class=l>warning</th>" not in render_page(lb)
    note = "columns in another order than the official a,b; scored by name here"
    lb.table.loc[lb.table["submission"].isin(["team00", "team02"]), "warning"] = note
    assert any(p.startswith("2 ranked submission(s) carry a warning") for p in reading(lb))
    page = render_page(lb)
    assert "<th class=l>warning</th>" in page and page.count(note) == 2
