"""Write a leaderboard: ``leaderboard.csv``, ``leaderboard.json`` and ``leaderboard.html``, atomically.

:func:`write_leaderboard` builds the three files in a temporary folder beside ``DIR`` and
moves it into place only when all three are complete (:func:`hdhkits.files.atomic_dir`):
an interrupted or failed run leaves ``DIR`` as it was.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..files import atomic_dir
from .build import Leaderboard
from .page import reading, render_page, verdict

__all__ = ["FILES", "to_json", "write_files", "write_leaderboard"]

#: The files written, in ``DIR``.
FILES = ("leaderboard.csv", "leaderboard.json", "leaderboard.html")


def _clean(value: Any) -> Any:
    """JSON-ready: NaN and infinities become null, numpy scalars and arrays plain Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(lb: Leaderboard) -> dict:
    """The JSON document: ``settings``, ``rows`` (the CSV's), ``pairwise``, ``summary``."""
    return _clean(
        {
            "settings": lb.settings,
            "rows": lb.table.to_dict(orient="records"),
            "pairwise": {
                "order": lb.order,
                "beats": lb.beats,
                "p_value": lb.p_value,
                "p_holm": lb.p_holm,
                "rank_share": lb.rank_share,
                "about": (
                    "matrices over 'order' (the valid submissions by rank): beats[a][b] is the share of resamples "
                    "where a scores higher than b (ties half); p_value[a][b] the one-sided p-value of 'a scores "
                    "higher than b'; p_holm the same after Holm's correction over every ordered pair; "
                    "rank_share[a][r] the share of resamples where a takes rank r + 1"
                ),
            },
            "summary": {"verdict": verdict(lb), "tied_with_first": lb.tied_with_first(), "reading": reading(lb)},
        }
    )


def write_files(lb: Leaderboard, folder: str | Path) -> list[Path]:
    """Write the three files into an existing folder (each is complete when the call returns)."""
    folder = Path(folder)
    csv = folder / FILES[0]
    lb.table.to_csv(csv, index=False)
    (folder / FILES[1]).write_text(json.dumps(to_json(lb), indent=1, allow_nan=False) + "\n", encoding="utf-8")
    (folder / FILES[2]).write_text(render_page(lb), encoding="utf-8")
    return [folder / name for name in FILES]


def write_leaderboard(lb: Leaderboard, out: str | Path) -> list[Path]:
    """Write the three files into ``out`` atomically (``out`` is replaced as a whole)."""
    out = Path(out)
    with atomic_dir(out) as tmp:
        write_files(lb, tmp)
    return [out / name for name in FILES]
