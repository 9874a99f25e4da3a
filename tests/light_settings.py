"""Lighter settings than quick mode's, for test runs that check a notebook goes through, not its scores.

Each kit's notebooks have these parameters (papermill injects them beside the others); a
parameter a notebook does not declare is set in its namespace and ignored.
"""

from __future__ import annotations

__all__ = ["LIGHT"]

#: Per kit: the notebook parameters that make a quick-mode run cheaper still.
LIGHT: dict[str, dict[str, int]] = {
    "annitia": {"n_boot": 20, "n_jobs": 1},  # one process: the suite's workers already fill the cores
    "cytologia": {"epochs": 1},
    "cardihack": {"n_repeats": 1, "n_boot": 20, "n_permutations": 5},
}
