"""The ANNITIA metric: ``0.7 × C(hepatic) + 0.3 × C(death)``, Harrell's C for each outcome.

:func:`harrell_c` reproduces scikit-survival's ``concordance_index_censored`` exactly
(the official implementation), vectorised with NumPy: a pair (i, j) is comparable when
i has an event and j is still at risk after i's time (``time_j > time_i``, or equal
times with j censored); it counts 1 when i's risk is higher, 0.5 when the two risks are
within ``1e-8`` of each other. Pairs of events at the same time are not comparable.

Why the kit keeps its own Harrell's C instead of calling scikit-survival: this module is
copied into the Codabench scoring program (``hdhkits bundle``), whose image holds only
NumPy, pandas, scikit-learn and SciPy (``hdhkits.bundle.vendor.ALLOWED_PACKAGES``), so it
must not import scikit-survival. ``tests/annitia/test_metric.py`` holds
``sksurv.metrics.concordance_index_censored`` as the reference: a parity test to 1e-12 on
random and edge inputs (ties in time and in risk, all censored, a single event).

Entry points: :func:`score` on official-format tables (what
``PROBLEM.score_submission`` calls), :func:`score_risks` on arrays (cross-validation and
bootstrap resamples).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..findings import DataError
from ..problem import Score, UnitMetric
from .columns import RISK_DEATH, RISK_HEPATIC, TEST_ID
from .targets import SurvivalTargets, survival_targets

__all__ = [
    "WEIGHTS",
    "AnnitiaUnitMetric",
    "concordance_pairs",
    "harrell_c",
    "score",
    "score_parts",
    "score_risks",
    "unit_metric",
]

#: Weights of the two concordances in the official metric.
WEIGHTS = {"c_hepatic": 0.7, "c_death": 0.3}

# Rows of events processed at once: bounds memory at ~chunk × n booleans.
_CHUNK = 512


def harrell_c(event: npt.ArrayLike, time: npt.ArrayLike, risk: npt.ArrayLike, tied_tol: float = 1e-8) -> float:
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
    hdhkits.findings.DataError
        Inputs of different lengths, non-finite times or risks, no event, or no
        comparable pair (a ``ValueError``, as scikit-survival raises).
    """
    event = np.asarray(event).astype(bool).ravel()
    time = np.asarray(time, dtype=float).ravel()
    risk = np.asarray(risk, dtype=float).ravel()
    if not (len(event) == len(time) == len(risk)):
        raise DataError(
            "<risks>", [f"event, time and risk must have the same length ({len(event)}, {len(time)}, {len(risk)})"]
        )
    if not np.isfinite(time).all():
        raise DataError("<targets>", ["times must be finite numbers"])
    if not np.isfinite(risk).all():
        raise DataError("<risks>", ["risks must be finite numbers (no NaN or inf)"])
    if not event.any():
        raise DataError("<targets>", ["all samples are censored: the concordance needs at least one event"])
    events = np.flatnonzero(event)
    numerator = 0.0
    denominator = 0
    for start in range(0, len(events), _CHUNK):
        comparable, concordant, ties = _pairs(event, time, risk, events[start : start + _CHUNK], tied_tol)
        numerator += np.count_nonzero(concordant & comparable) + 0.5 * np.count_nonzero(ties & comparable)
        denominator += int(np.count_nonzero(comparable))
    if denominator == 0:
        raise DataError("<targets>", ["no comparable pair: every event happens at the last time or all at one time"])
    return float(numerator / denominator)


def _pairs(
    event: np.ndarray, time: np.ndarray, risk: np.ndarray, rows: np.ndarray, tied_tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(comparable, concordant, ties)``: boolean ``(len(rows), n)`` matrices of the pairs (event ``i``, any ``j``)."""
    t_i = time[rows][:, None]
    # j is comparable to event i: still at risk strictly after, or censored at the same time.
    comparable = (time[None, :] > t_i) | ((time[None, :] == t_i) & ~event[None, :])
    diff = risk[None, :] - risk[rows][:, None]
    ties = np.abs(diff) <= tied_tol
    concordant = (diff < 0) & ~ties
    return comparable, concordant, ties


def score_parts(targets: SurvivalTargets, risk_hepatic: np.ndarray, risk_death: np.ndarray) -> dict[str, float]:
    """C(hepatic) on every row and C(death) on rows with known death status.

    Parameters
    ----------
    targets : SurvivalTargets
        Truth, from :func:`hdhkits.annitia.targets.survival_targets`.
    risk_hepatic, risk_death : arrays of shape (n,)
        Predicted risks.

    Returns
    -------
    dict
        ``{"c_hepatic": ..., "c_death": ...}``.
    """
    risk_hepatic = np.asarray(risk_hepatic, dtype=float)
    risk_death = np.asarray(risk_death, dtype=float)
    if len(risk_hepatic) != len(targets) or len(risk_death) != len(targets):
        raise DataError(
            "<risks>",
            [
                f"{len(targets)} patients but {len(risk_hepatic)} hepatic and "
                f"{len(risk_death)} death risks; give one risk of each per patient"
            ],
        )
    known = targets.death_known
    return {
        "c_hepatic": harrell_c(targets.hepatic_event, targets.hepatic_time, risk_hepatic),
        "c_death": harrell_c(targets.death_event[known], targets.death_time[known], risk_death[known]),
    }


def score_risks(targets: SurvivalTargets, risk_hepatic: np.ndarray, risk_death: np.ndarray) -> Score:
    """The official metric ``0.7 × C(hepatic) + 0.3 × C(death)`` of risk arrays, with its parts.

    Parameters
    ----------
    targets : SurvivalTargets
        Truth, from :func:`hdhkits.annitia.targets.survival_targets`.
    risk_hepatic, risk_death : arrays of shape (n,)
        Predicted risks (any real numbers; higher = earlier event), in the rows of ``targets``.

    Returns
    -------
    hdhkits.problem.Score
        ``value`` and ``parts`` (``c_hepatic``, ``c_death``).
    """
    parts = score_parts(targets, risk_hepatic, risk_death)
    value = sum(WEIGHTS[k] * v for k, v in parts.items())
    return Score(float(value), parts)


def score(truth: pd.DataFrame, submission: pd.DataFrame) -> Score:
    """The official score of a submission table against a truth table.

    Parameters
    ----------
    truth : DataFrame
        ``trustii_id``, the four target columns, and ``Age_v1`` with ``last_visit_age``
        (the twin's truth file) or every ``Age_v*`` column.
    submission : DataFrame
        ``trustii_id,risk_hepatic_event,risk_death``, any row order; validate it first
        (``PROBLEM.validate_submission``).

    Returns
    -------
    hdhkits.problem.Score
        ``value`` and ``parts`` (``c_hepatic``, ``c_death``).

    Raises
    ------
    hdhkits.findings.DataError
        A column is missing, or a truth id has no risk in the submission.
    """
    merged = _merged(truth, submission)
    targets = survival_targets(merged)
    return score_risks(targets, merged[RISK_HEPATIC].to_numpy(float), merged[RISK_DEATH].to_numpy(float))


def _merged(truth: pd.DataFrame, submission: pd.DataFrame) -> pd.DataFrame:
    """The truth rows, in order, with the submission's two risks beside them."""
    if TEST_ID not in truth.columns:
        raise DataError("<truth>", [f"the truth has no '{TEST_ID}' column"])
    absent = [c for c in (TEST_ID, RISK_HEPATIC, RISK_DEATH) if c not in submission.columns]
    if absent:
        raise DataError("<submission>", [f"column '{c}' is missing; validate the submission first" for c in absent])
    sub = submission.copy()
    sub[TEST_ID] = pd.to_numeric(sub[TEST_ID], errors="coerce")
    merged = truth.merge(sub[[TEST_ID, RISK_HEPATIC, RISK_DEATH]], on=TEST_ID, how="left")
    if merged[[RISK_HEPATIC, RISK_DEATH]].isna().any().any():
        absent = merged.loc[merged[RISK_HEPATIC].isna() | merged[RISK_DEATH].isna(), TEST_ID].head(5).tolist()
        raise DataError("<submission>", [f"no risk for truth id(s) {absent}; validate the submission first"])
    return merged


def concordance_pairs(
    event: np.ndarray, time: np.ndarray, risk: np.ndarray, known: np.ndarray | None = None, tied_tol: float = 1e-8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pair counts behind :func:`harrell_c`, one row per event.

    Parameters
    ----------
    event, time, risk : arrays of shape (n,)
        As :func:`harrell_c`.
    known : bool array of shape (n,), optional
        Rows that take part (C(death) leaves out unknown death status); all by default.
    tied_tol : float
        As :func:`harrell_c`.

    Returns
    -------
    events : int array of shape (e,)
        Positions of the events among the known rows.
    comparable : float array of shape (e, n)
        1 where the pair (event, j) is comparable.
    credit : float array of shape (e, n)
        1 for a comparable concordant pair, 0.5 for a comparable tie in risk, else 0.

    Notes
    -----
    Weighting the rows by ``w`` (a bootstrap resample draws row ``j`` ``w_j`` times) gives
    Harrell's C of the resampled table as ``sum(w_e w_j credit) / sum(w_e w_j comparable)``:
    a row drawn twice is never compared with its copy (same time; both events, or no
    event). With every weight 1 it is :func:`harrell_c` exactly.
    """
    event = np.asarray(event).astype(bool).ravel()
    time = np.asarray(time, dtype=float).ravel()
    risk = np.asarray(risk, dtype=float).ravel()
    known = np.ones(len(event), bool) if known is None else np.asarray(known, bool).ravel()
    events = np.flatnonzero(event & known)
    comparable, concordant, ties = _pairs(event, time, risk, events, tied_tol)
    comparable &= known[None, :]
    credit = (concordant & comparable) + 0.5 * (ties & comparable)
    return events, comparable.astype(float), credit


class AnnitiaUnitMetric(UnitMetric):
    """The official metric split over the test patients (see :class:`hdhkits.problem.UnitMetric`).

    Harrell's C over a weighting ``w`` of the patients is a ratio of two quadratic forms
    over the pairs (event ``i``, patient ``j``): ``sum(w_i w_j credit_ij) / sum(w_i w_j
    comparable_ij)`` (:func:`concordance_pairs`). A submission's terms are the credit
    matrices of the two outcomes (events x patients: a few dozen x a few hundred); the
    comparable pairs depend on the truth only.

    Parameters
    ----------
    truth : DataFrame
        As :func:`score` takes it.
    """

    unit_name = "patients"

    def __init__(self, truth: pd.DataFrame) -> None:
        if TEST_ID not in truth.columns:
            raise DataError("<truth>", [f"the truth has no '{TEST_ID}' column"])
        self._truth = truth.reset_index(drop=True)
        self._targets = survival_targets(self._truth)
        t = self._targets
        self._outcomes = ((t.hepatic_event, t.hepatic_time, None), (t.death_event, t.death_time, t.death_known))
        zero = np.zeros(len(t))
        self._events, self._comparable = [], []
        for event, time, known in self._outcomes:
            events, comparable, _ = concordance_pairs(event, time, zero, known)
            self._events.append(events)
            self._comparable.append(comparable)

    @property
    def units(self) -> np.ndarray:
        """The truth's ``trustii_id`` values, in its row order."""
        return self._truth[TEST_ID].to_numpy()

    def unit_terms(self, submission: pd.DataFrame) -> tuple[np.ndarray, ...]:
        """``(credit hepatic, credit death)``: each outcome's (events x patients) credit matrix."""
        merged = _merged(self._truth, submission)
        risks = (merged[RISK_HEPATIC].to_numpy(float), merged[RISK_DEATH].to_numpy(float))
        if not all(np.isfinite(r).all() for r in risks):
            raise DataError("<submission>", ["risks must be finite numbers (no NaN or inf)"])
        return tuple(
            concordance_pairs(event, time, risk, known)[2] for (event, time, known), risk in zip(self._outcomes, risks)
        )

    def scores(self, terms: tuple[np.ndarray, ...], weights: np.ndarray) -> np.ndarray:
        """``0.7 C(hepatic) + 0.3 C(death)`` for each row of ``weights``; NaN where a C has no comparable pair."""
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        parts = []
        for credit, comparable, events in zip(terms, self._comparable, self._events):
            w_events = w[:, events]
            numerator = np.einsum("be,be->b", w_events, w @ credit.T)
            denominator = np.einsum("be,be->b", w_events, w @ comparable.T)
            with np.errstate(divide="ignore", invalid="ignore"):
                parts.append(np.where(denominator > 0, numerator / denominator, np.nan))
        return WEIGHTS["c_hepatic"] * parts[0] + WEIGHTS["c_death"] * parts[1]


def unit_metric(truth: pd.DataFrame) -> AnnitiaUnitMetric:
    """The official metric split over the test patients of ``truth`` (:class:`AnnitiaUnitMetric`)."""
    return AnnitiaUnitMetric(truth)
