"""The ANNITIA metric: ``0.7 × C(hepatic) + 0.3 × C(death)``, Harrell's C for each outcome.

:func:`harrell_c` reproduces scikit-survival's ``concordance_index_censored`` exactly
(the official implementation), vectorised with NumPy: a pair (i, j) is comparable when
i has an event and j is still at risk after i's time (``time_j > time_i``, or equal
times with j censored); it counts 1 when i's risk is higher, 0.5 when the two risks are
within ``1e-8`` of each other. Pairs of events at the same time are not comparable.
"""
from __future__ import annotations

import numpy as np

from ..problem import Score
from .data import SurvivalTargets

__all__ = ["WEIGHTS", "harrell_c", "official_score", "score_parts"]

#: Weights of the two concordances in the official metric.
WEIGHTS = {"c_hepatic": 0.7, "c_death": 0.3}

# Rows of events processed at once: bounds memory at ~chunk × n booleans.
_CHUNK = 512


def harrell_c(event: np.ndarray, time: np.ndarray, risk: np.ndarray, tied_tol: float = 1e-8) -> float:
    """Harrell's concordance index, identical to ``sksurv.metrics.concordance_index_censored``.

    Parameters
    ----------
    event : array of shape (n,)
        Event indicator (bool or 0/1).
    time : array of shape (n,)
        Event or censoring time.
    risk : array of shape (n,)
        Predicted risk; higher means an earlier event.
    tied_tol : float
        Risks closer than this count as tied (half a concordant pair).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Inputs of different lengths, non-finite times or risks, no event, or no
        comparable pair.
    """
    event = np.asarray(event).astype(bool).ravel()
    time = np.asarray(time, dtype=float).ravel()
    risk = np.asarray(risk, dtype=float).ravel()
    if not (len(event) == len(time) == len(risk)):
        raise ValueError(f"event, time and risk must have the same length ({len(event)}, {len(time)}, {len(risk)})")
    if not np.isfinite(time).all():
        raise ValueError("times must be finite numbers")
    if not np.isfinite(risk).all():
        raise ValueError("risks must be finite numbers (no NaN or inf)")
    if not event.any():
        raise ValueError("all samples are censored: the concordance needs at least one event")
    events = np.flatnonzero(event)
    numerator = 0.0
    denominator = 0
    for start in range(0, len(events), _CHUNK):
        i = events[start:start + _CHUNK]
        t_i = time[i][:, None]
        # j is comparable to event i: still at risk strictly after, or censored at the same time.
        comparable = (time[None, :] > t_i) | ((time[None, :] == t_i) & ~event[None, :])
        diff = risk[None, :] - risk[i][:, None]
        ties = np.abs(diff) <= tied_tol
        concordant = (diff < 0) & ~ties
        numerator += np.count_nonzero(concordant & comparable) + 0.5 * np.count_nonzero(ties & comparable)
        denominator += np.count_nonzero(comparable)
    if denominator == 0:
        raise ValueError("no comparable pair: every event happens at the last time or all at one time")
    return float(numerator / denominator)


def score_parts(targets: SurvivalTargets, risk_hepatic: np.ndarray, risk_death: np.ndarray) -> dict[str, float]:
    """C(hepatic) on every row and C(death) on rows with known death status."""
    risk_hepatic = np.asarray(risk_hepatic, dtype=float)
    risk_death = np.asarray(risk_death, dtype=float)
    if len(risk_hepatic) != len(targets) or len(risk_death) != len(targets):
        raise ValueError(f"{len(targets)} patients but {len(risk_hepatic)} hepatic and {len(risk_death)} death risks")
    known = targets.death_known
    return {
        "c_hepatic": harrell_c(targets.hepatic_event, targets.hepatic_time, risk_hepatic),
        "c_death": harrell_c(targets.death_event[known], targets.death_time[known], risk_death[known]),
    }


def official_score(targets: SurvivalTargets, risk_hepatic: np.ndarray, risk_death: np.ndarray) -> Score:
    """The official metric ``0.7 × C(hepatic) + 0.3 × C(death)`` with its parts.

    Parameters
    ----------
    targets : SurvivalTargets
        Truth, from :func:`hdhkits.annitia.data.survival_targets`.
    risk_hepatic, risk_death : arrays of shape (n,)
        Predicted risks (any real numbers; higher = earlier event).

    Returns
    -------
    hdhkits.problem.Score
        ``value`` and ``parts`` (``c_hepatic``, ``c_death``).
    """
    parts = score_parts(targets, risk_hepatic, risk_death)
    value = sum(WEIGHTS[k] * v for k, v in parts.items())
    return Score(float(value), parts)
