"""A demo's field of submissions: the kit's own first, then noisy copies and one duplicate.

The kit trains its own models at several settings
(:meth:`hdhkits.problem.Problem.demo_submissions`) and says how to add noise in its terms
(a probability, a risk, a box: :meth:`hdhkits.problem.Problem.demo_noise`);
:func:`demo_field` fills the field from them with :func:`fill_to`. This module knows no kit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..problem import Noise, Problem

__all__ = ["demo_field", "fill_to"]


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


def demo_field(problem: Problem, data_dir: Path, truth: pd.DataFrame, n: int, seed: int) -> dict[str, pd.DataFrame]:
    """``n`` plausible submissions of a kit for the test file in ``data_dir``, by name.

    The kit's own (:meth:`~hdhkits.problem.Problem.demo_submissions`), completed by
    :func:`fill_to` with the kit's noise (:meth:`~hdhkits.problem.Problem.demo_noise`,
    asked only when the kit's own are fewer than ``n``).

    Parameters
    ----------
    problem : Problem
        The kit.
    data_dir : Path
        The twin's participant files.
    truth : DataFrame
        The twin's truth (passed on to the kit).
    n : int
        How many submissions.
    seed : int
        Seed of the kit's models and of the noise.

    Raises
    ------
    NotImplementedError
        The kit has no demo submissions, or too few and no noise.
    """
    own = problem.demo_submissions(Path(data_dir), truth, seed)
    if len(own) >= n:
        return dict(list(own.items())[:n])
    return fill_to(own, n, problem.demo_noise(Path(data_dir)), seed)
