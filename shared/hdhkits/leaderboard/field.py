"""A demo's field of submissions: the kit's models first, then noisy copies and one duplicate.

Each kit's ``demo`` module (``hdhkits.<kit>.demo``, behind
:meth:`hdhkits.problem.Problem.demo_submissions`) trains its own models at several
settings and calls :func:`fill_to` with a function that adds noise in the kit's terms
(a probability, a risk, a box); this module knows no kit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["Noise", "fill_to"]

#: ``noisy(table, level, rng)``: a copy of a submission with noise of strength ``level`` (0 to 1).
Noise = Callable[[pd.DataFrame, float, np.random.Generator], pd.DataFrame]


def fill_to(models: dict[str, pd.DataFrame], n: int, noisy: Noise, seed: int) -> dict[str, pd.DataFrame]:
    """``n`` submissions: the models first, then noisy copies of them, and one exact duplicate.

    Parameters
    ----------
    models : dict
        Named submissions, best-informed first (the duplicate copies the first).
    n : int
        How many to return: the first ``n`` models when there are that many; otherwise
        all of them, noisy copies (``<model>_noisy<k>``, cycling over the models, each
        with a level drawn in [0.15, 0.85]) and, when ``n >= 4``, the first model
        uploaded again as the last (``<model>_resubmitted``: a tie).
    noisy : callable
        ``noisy(table, level, rng)``: a copy with noise of strength ``level`` (0 to 1).
    seed : int
        Seed of the noise.
    """
    rng = np.random.default_rng([seed, 17])
    out = dict(list(models.items())[:n])
    names = list(models)
    k = 0
    while len(out) < n:
        if len(out) == n - 1 and n >= 4:  # a team that uploaded the same file twice: a tie
            out[f"{names[0]}_resubmitted"] = models[names[0]].copy()
            break
        base = names[k % len(names)]
        level = 0.15 + 0.7 * rng.random()
        out[f"{base}_noisy{k + 1:02d}"] = noisy(models[base], level, rng)
        k += 1
    return out
