"""The leaderboard page's figures, as PNG data URIs (no file beside the page, no JavaScript).

Four figures, in the spirit of challengeR (Wiesenfarth et al., Scientific Reports 2021):

* **forest plot**: each submission's score with its 95 % bootstrap interval;
* **blob plot**: for each submission, how often it takes each rank over the resamples
  (the area of a blob), with its median rank and 95 % rank interval;
* **significance map**: which submission (row) scores significantly higher than which
  (column), one-sided paired test with Holm's correction;
* **shake-up**: each submission's public rank against its private rank.

Figures show the first :data:`FIGURE_LIMIT` submissions of the ranking (the table shows
them all): beyond that a blob plot or a significance map is unreadable.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from matplotlib.figure import Figure

from .build import ALPHA, Leaderboard

__all__ = ["FIGURE_LIMIT", "blob_plot", "data_uri", "figures", "forest_plot", "shakeup_plot", "significance_map"]

#: Most submissions a figure shows.
FIGURE_LIMIT = 40
_DPI = 90
_TIED = "#d95f02"
_OTHER = "#1b6ca8"
_LABEL = 28


def _label(name: str) -> str:
    return name if len(name) <= _LABEL else name[: _LABEL - 1] + "…"


def data_uri(fig: Figure) -> str:
    """A figure as a ``data:image/png;base64,...`` URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _shown(lb: Leaderboard) -> tuple[list[str], np.ndarray]:
    """The names shown and their rows in the table (the first :data:`FIGURE_LIMIT` valid ones)."""
    names = lb.order[:FIGURE_LIMIT]
    return names, np.arange(len(names))


def forest_plot(lb: Leaderboard) -> Figure:
    """Score and 95 % interval of each shown submission, best at the top; the ones tied with the first in orange."""
    names, rows = _shown(lb)
    table = lb.table.iloc[rows]
    tied = set(lb.tied_with_first())
    fig = Figure(figsize=(7.5, 1.2 + 0.26 * len(names)))
    ax = fig.add_subplot()
    y = np.arange(len(names))[::-1]
    colours = [_TIED if n in tied else _OTHER for n in names]
    ax.hlines(y, table["low"], table["high"], colors=colours, linewidth=2)
    ax.scatter(table["score"], y, c=colours, zorder=3, s=22)
    ax.set_yticks(y, [f"{int(r)}. {_label(n)}" for r, n in zip(table["rank"], names)], fontsize=8)
    ax.set_xlabel(f"{lb.settings['title']} score (95 % bootstrap interval)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Score and interval (orange: not significantly below the first)", fontsize=10)
    return fig


def blob_plot(lb: Leaderboard) -> Figure:
    """How often each shown submission takes each rank (blob area), with its median and 95 % rank interval."""
    names, rows = _shown(lb)
    n = len(names)
    table = lb.table.iloc[rows]
    fig = Figure(figsize=(max(5.0, 1.5 + 0.3 * n), max(3.5, 1.5 + 0.22 * n)))
    ax = fig.add_subplot()
    share = lb.rank_share[:n, :n] if len(lb.rank_share) else np.zeros((n, n))
    xs, ranks = np.nonzero(share)
    ax.scatter(xs, ranks + 1, s=share[xs, ranks] * 400, color=_OTHER, alpha=0.55, linewidths=0)
    ax.vlines(np.arange(n), table["rank_low"], table["rank_high"], colors="black", linewidth=1)
    ax.scatter(np.arange(n), table["rank_median"], marker="_", color="black", s=80)
    ax.plot([0, n - 1], [1, n], color="grey", linestyle="--", linewidth=0.8)
    ax.set_xticks(np.arange(n), [_label(x) for x in names], rotation=60, ha="right", fontsize=8)
    ax.set_ylim(n + 0.5 if n else 1.5, 0.5)
    ax.set_ylabel("rank over the resamples")
    ax.set_title("Blob plot: rank distribution (area = share of resamples), median and 95 % interval", fontsize=10)
    return fig


def significance_map(lb: Leaderboard) -> Figure:
    """Row scores significantly higher than column (Holm-corrected one-sided paired test) in yellow."""
    names, _ = _shown(lb)
    n = len(names)
    significant = np.where(np.isnan(lb.p_holm[:n, :n]), np.nan, lb.p_holm[:n, :n] < ALPHA)
    fig = Figure(figsize=(max(4.0, 1.8 + 0.26 * n), max(3.6, 1.6 + 0.26 * n)))
    ax = fig.add_subplot()
    from matplotlib.colors import ListedColormap

    ax.imshow(significant, cmap=ListedColormap(["#253494", "#fed976"]), vmin=0, vmax=1)
    ax.set_xticks(np.arange(n), [_label(x) for x in names], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(np.arange(n), [_label(x) for x in names], fontsize=7)
    ax.set_title(f"Significance map: row better than column (yellow: Holm-corrected p < {ALPHA})", fontsize=10)
    return fig


def shakeup_plot(lb: Leaderboard) -> Figure:
    """Public rank (left) to private rank (right) of each shown submission; green moved up, red down."""
    names, rows = _shown(lb)
    table = lb.table.iloc[rows]
    n = max(len(names), 1)
    fig = Figure(figsize=(6.0, max(3.0, 1.2 + 0.26 * n)))
    ax = fig.add_subplot()
    labels: dict[float, list[str]] = {}
    for name, pub, priv in zip(names, table["public_rank"], table["private_rank"]):
        if np.isnan(pub) or np.isnan(priv):
            continue
        colour = "#1a9850" if priv < pub else "#d73027" if priv > pub else "grey"
        ax.plot([0, 1], [pub, priv], color=colour, marker="o", markersize=3, linewidth=1)
        labels.setdefault(priv, []).append(_label(name))
    for priv, tied in labels.items():  # submissions tied on the private part share one label
        ax.text(
            1.03,
            priv,
            " = ".join(tied) if len(tied) < 3 else f"{tied[0]} (+{len(tied) - 1} tied)",
            va="center",
            fontsize=7,
        )
    top = np.nanmax(np.concatenate([table["public_rank"], table["private_rank"], [1.0]]))
    ax.set_ylim(top + 0.5, 0.5)
    ax.set_xlim(-0.1, 1.6)
    ax.set_xticks(
        [0, 1],
        [
            f"public ({lb.settings['n_public']} {lb.settings['units']})",
            f"private ({lb.settings['n_private']} {lb.settings['units']})",
        ],
    )
    ax.set_ylabel("rank")
    ax.set_title("Shake-up: public rank to private rank", fontsize=10)
    return fig


def figures(lb: Leaderboard) -> dict[str, str]:
    """Every figure as a data URI, by name (none when no submission is valid)."""
    if not lb.order:
        return {}
    makers = {"forest": forest_plot, "blob": blob_plot, "significance": significance_map, "shakeup": shakeup_plot}
    return {name: data_uri(make(lb)) for name, make in makers.items()}
