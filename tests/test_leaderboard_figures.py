"""The page's figures: they build for one, a few and more submissions than they show."""

from __future__ import annotations

import base64

import pytest
from hdhkits.leaderboard.figures import (
    FIGURE_LIMIT,
    blob_plot,
    data_uri,
    figures,
    forest_plot,
    shakeup_plot,
    significance_map,
)

from .leaderboard_support import synthetic_leaderboard


@pytest.mark.parametrize("n", [1, 5, FIGURE_LIMIT + 3])
def test_every_figure_builds_and_shows_at_most_the_limit(n):
    lb = synthetic_leaderboard(n=n, boot=60)
    for make in (forest_plot, blob_plot, significance_map, shakeup_plot):
        fig = make(lb)
        ax = fig.axes[0]
        labels = ax.get_yticklabels() if make is forest_plot else ax.get_xticklabels()
        if make is not shakeup_plot:
            assert len(labels) == min(n, FIGURE_LIMIT)
    uris = figures(lb)
    assert list(uris) == ["forest", "blob", "significance", "shakeup"]
    png = base64.b64decode(uris["blob"].split(",", 1)[1])
    assert png.startswith(b"\x89PNG") and len(png) < 400_000


def test_no_figure_without_a_valid_submission():
    assert figures(synthetic_leaderboard(n=0, invalid=2)) == {}


def test_data_uri_is_a_png():
    assert data_uri(forest_plot(synthetic_leaderboard(n=2))).startswith("data:image/png;base64,")
