"""Repeated cross-validation of each outcome's models and of pairs, and the nested score of a choice.

Every model is cross-validated on the same folds (:func:`cv_folds`), so any SEVERITY model's
out-of-fold predictions and any MACE model's combine into one submission's
(:func:`combine`); :func:`nested_choice` measures what choosing per outcome is worth.

The training file has 347 patients and 29 early MACE, so a single split's score moves
by several points from one seed to the next. Scores here are averaged over repeated
stratified K-fold cross-validation (strata: both outcomes), and each comes with a 95 %
percentile bootstrap interval over patients (:mod:`hdhkits.cardihack.comparison`, on
:func:`hdhkits.evaluation.bootstrap_score`, resampling within the strata), the bootstrap
metric being the same average over repeats of the out-of-fold predictions
(:meth:`CVResult.parts`, :meth:`OutcomeCV.value`). The folds are
:func:`hdhkits.evaluation.out_of_fold`'s: the kit writes only its splits and scorers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from ..evaluation import out_of_fold
from .baselines import ConstantClass, ConstantProbability
from .candidates import choose_per_outcome, mace_candidates, severity_candidates
from .metric import (
    MACE_CLASS_WEIGHTS,
    MACE_CLASSES,
    PROBABILITY_CLIP,
    SEVERITY_CLASS_WEIGHTS,
    combined_score,
    rescale_logloss,
    rescaled_severity,
    weighted_kappa,
)
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY

__all__ = [
    "MIN_PATIENTS_PER_SIDE",
    "CVResult",
    "NestedChoice",
    "OutcomeCV",
    "candidates_for",
    "combine",
    "cross_validate_outcome",
    "cross_validate_pair",
    "cv_folds",
    "modelling_limits",
    "nested_choice",
    "strata",
]

#: The metric part each outcome's models are judged on.
_OUTCOME_PART = {OUTCOME_SEVERITY: "severity_rescaled", OUTCOME_MACE: "kappa_mace"}
#: Fewest patients on each side of an outcome (severe / not; an event / none) for its models to be
#: cross-validated: below it a fold's training rows may hold one side only, and a model has nothing
#: to learn from.
MIN_PATIENTS_PER_SIDE: int = 10


_KAPPA_WEIGHTS = np.asarray([MACE_CLASS_WEIGHTS[c] for c in MACE_CLASSES], dtype=float)
_DISAGREEMENT = (
    np.subtract.outer(np.arange(len(MACE_CLASSES)), np.arange(len(MACE_CLASSES))) ** 2 / (len(MACE_CLASSES) - 1) ** 2
)


def _kappa(y: np.ndarray, pred: np.ndarray) -> float:
    """:func:`~hdhkits.cardihack.metric.weighted_kappa` for valid integer codes, without its checks.

    The bootstraps score thousands of resamples; this is the same formula on a 3 x 3 matrix
    (``tests/cardihack/test_evaluation.py`` checks it against the metric's to 1e-12).
    """
    k = len(MACE_CLASSES)
    observed = np.bincount(k * y + pred, weights=_KAPPA_WEIGHTS[y], minlength=k * k).reshape(k, k)
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    den = float((_DISAGREEMENT * expected).sum())
    return float("nan") if den == 0 else float(1 - (_DISAGREEMENT * observed).sum() / den)


def _logloss(y: np.ndarray, p: np.ndarray) -> float:
    """:func:`~hdhkits.cardihack.metric.weighted_logloss` for 0/1 ``y`` and finite ``p``, without its checks."""
    p = np.clip(p, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
    w = np.where(y == 1, SEVERITY_CLASS_WEIGHTS[1], SEVERITY_CLASS_WEIGHTS[0])
    return float(np.sum(w * -(y * np.log(p) + (1 - y) * np.log(1 - p))) / np.sum(w))


def _rescaled(y: np.ndarray, predictions: np.ndarray) -> float:
    """Rescaled SEVERITY part averaged over the rows of ``predictions`` (repeats); NaN for one class."""
    if y.min() == y.max():
        return float("nan")
    dummy = _logloss(y, np.full(len(y), y.mean()))
    worst = _logloss(y, np.where(y == 1, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP))
    return float(np.mean([rescale_logloss(_logloss(y, p), dummy, worst) for p in predictions]))


def _p_severe(fitted, X: pd.DataFrame) -> np.ndarray:
    """P(severe): column 1 of ``predict_proba``."""
    return fitted.predict_proba(X)[:, 1]


def strata(train: pd.DataFrame) -> np.ndarray:
    """Stratification label: the six (SEVERITY, MACE) combinations."""
    return 3 * train[OUTCOME_SEVERITY].to_numpy(int) + train[OUTCOME_MACE].to_numpy(int)


def cv_folds(train: pd.DataFrame, n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified K-fold splits on both outcomes, for any training table.

    The strata are the six (SEVERITY, MACE) combinations (:func:`strata`). A combination with
    fewer patients than folds (a MACE class almost absent, very few severe patients) is merged
    into the largest one, so the splits exist whatever the outcome mix; on the official file
    and the twin no stratum is that small and the splits are plain stratified K-fold.
    """
    label = strata(train)
    values, counts = np.unique(label, return_counts=True)
    rare = values[counts < n_splits]
    if len(rare):
        label = np.where(np.isin(label, rare), values[np.argmax(counts)], label)
    return list(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(np.zeros(len(train)), label))


def modelling_limits(train: pd.DataFrame, n_splits: int = 5) -> dict[str, str | None]:
    """Whether each outcome has enough patients on both sides to cross-validate its models.

    Parameters
    ----------
    train : DataFrame
        The training table.
    n_splits : int
        Folds of the cross-validation.

    Returns
    -------
    dict
        ``{OUTCOME_SEVERITY: sentence or None, OUTCOME_MACE: sentence or None}``: ``None``
        when the outcome can be modelled, else a sentence saying why not and what the kit does
        instead (a constant: the weighted prevalence for SEVERITY, class 0 for MACE).
    """
    need = max(MIN_PATIENTS_PER_SIDE, 2 * n_splits)
    sev = train[OUTCOME_SEVERITY].to_numpy(int)
    events = train[OUTCOME_MACE].to_numpy(int) >= 1
    out: dict[str, str | None] = {OUTCOME_SEVERITY: None, OUTCOME_MACE: None}
    n_sev, n_event = int(sev.sum()), int(events.sum())
    if min(n_sev, len(sev) - n_sev) < need:
        out[OUTCOME_SEVERITY] = (
            f"only {min(n_sev, len(sev) - n_sev)} training patients are "
            f"{'severe' if n_sev <= len(sev) - n_sev else 'not severe'} (fewer than {need}): "
            "too few to fit and cross-validate a SEVERITY model; the kit predicts the weighted "
            "prevalence for everyone"
        )
    if min(n_event, len(events) - n_event) < need:
        out[OUTCOME_MACE] = (
            f"only {min(n_event, len(events) - n_event)} training patients "
            f"{'have a MACE' if n_event <= len(events) - n_event else 'are free of MACE'} "
            f"(fewer than {need}): too few to fit and cross-validate a MACE model; the kit predicts "
            "class 0 for everyone, which reads no SNP and so breaks the MACE rule"
        )
    return out


@dataclass
class CVResult:
    """Out-of-fold predictions of one model pair over the repeats.

    Attributes
    ----------
    name : str
        Model pair name.
    severity : ndarray, shape (n_repeats, n)
        Out-of-fold P(severe).
    mace : ndarray, shape (n_repeats, n)
        Out-of-fold MACE classes.
    y_severity, y_mace : ndarray, shape (n,)
        The truth.
    """

    name: str
    severity: np.ndarray
    mace: np.ndarray
    y_severity: np.ndarray
    y_mace: np.ndarray
    per_repeat: pd.DataFrame = field(default=None)

    def parts(self, idx: np.ndarray | None = None) -> dict[str, float]:
        """Metric parts averaged over repeats, on rows ``idx`` (all by default)."""
        idx = np.arange(len(self.y_mace)) if idx is None else idx
        k = float(np.mean([_kappa(self.y_mace[idx], m[idx]) for m in self.mace]))
        r = _rescaled(self.y_severity[idx], self.severity[:, idx])
        return {"score": combined_score(k, r), "kappa_mace": k, "severity_rescaled": r}


def cross_validate_pair(
    name: str,
    severity_model,
    mace_model,
    train: pd.DataFrame,
    n_splits: int = 5,
    n_repeats: int = 5,
    seed: int = 0,
) -> CVResult:
    """Repeated stratified K-fold out-of-fold predictions of a (SEVERITY, MACE) pair.

    Parameters
    ----------
    name : str
        Name shown in tables.
    severity_model : classifier
        Has ``fit(train, y)`` and ``predict_proba`` (column 1 = P(severe)); cloned per fold.
    mace_model : classifier
        Has ``fit(train, y)`` and ``predict`` returning classes 0/1/2; cloned per fold.
    train : DataFrame
        The training table (official columns); models select their own columns.
    n_splits, n_repeats : int
        Folds and repeats.
    seed : int
        Seed of the fold assignment (the same seed gives every pair the same folds).

    Returns
    -------
    CVResult
    """
    sev = cross_validate_outcome(name, severity_model, train, OUTCOME_SEVERITY, n_splits, n_repeats, seed)
    mace = cross_validate_outcome(name, mace_model, train, OUTCOME_MACE, n_splits, n_repeats, seed)
    # Both models of a repeat see the same folds (cv_folds with the same seed), so the pair is
    # scored as one submission.
    return combine(sev, mace, name)


@dataclass
class OutcomeCV:
    """Out-of-fold predictions of one outcome's model over the repeats.

    Attributes
    ----------
    name : str
        Model name.
    outcome : str
        ``OUTCOME SEVERITY`` (predictions: P(severe)) or ``OUTCOME MACE`` (classes 0/1/2).
    predictions : ndarray, shape (n_repeats, n)
    y : ndarray, shape (n,)
        The truth.
    """

    name: str
    outcome: str
    predictions: np.ndarray
    y: np.ndarray

    @property
    def part(self) -> str:
        """The metric part that judges this outcome: ``severity_rescaled`` or ``kappa_mace``."""
        return _OUTCOME_PART[self.outcome]

    def value(self, idx: np.ndarray | None = None, repeat: int | None = None) -> float:
        """The part, averaged over repeats (or of one ``repeat``), on rows ``idx`` (all by default)."""
        idx = np.arange(len(self.y)) if idx is None else idx
        preds = self.predictions if repeat is None else self.predictions[repeat : repeat + 1]
        if self.outcome == OUTCOME_MACE:
            return float(np.mean([_kappa(self.y[idx], p[idx].astype(int)) for p in preds]))
        return _rescaled(self.y[idx], preds[:, idx])


def cross_validate_outcome(
    name: str, model, train: pd.DataFrame, outcome: str, n_splits: int = 5, n_repeats: int = 5, seed: int = 0
) -> OutcomeCV:
    """Repeated stratified K-fold out-of-fold predictions of one outcome's model.

    The folds are :func:`cv_folds` with seeds ``seed, seed + 1, ...``: the same for every
    model and both outcomes, so any SEVERITY model and any MACE model combine into one
    cross-validated submission (:func:`combine`).

    Parameters
    ----------
    name : str
        Name shown in tables.
    model : estimator
        SEVERITY: ``fit(train, y)`` and ``predict_proba`` (column 1 = P(severe)); MACE:
        ``fit(train, y)`` and ``predict`` (classes 0/1/2). Cloned per fold.
    train : DataFrame
        The training table (official columns); models select their own columns.
    outcome : str
        ``OUTCOME_SEVERITY`` or ``OUTCOME_MACE``.
    n_splits, n_repeats : int
        Folds and repeats.
    seed : int
        Seed of the first repeat's folds.

    Returns
    -------
    OutcomeCV
    """
    if outcome not in _OUTCOME_PART:
        raise ValueError(f"outcome must be {OUTCOME_SEVERITY!r} or {OUTCOME_MACE!r}, not {outcome!r}")
    y = train[outcome].to_numpy(int)
    preds = np.zeros((n_repeats, len(train)))
    for r in range(n_repeats):
        folds = cv_folds(train, n_splits, seed + r)
        preds[r] = (
            out_of_fold(model, train, y, folds, method=_p_severe)
            if outcome == OUTCOME_SEVERITY
            else out_of_fold(model, train, y, folds, method="predict")
        )
    return OutcomeCV(name, outcome, preds if outcome == OUTCOME_SEVERITY else preds.astype(int), y)


def combine(severity: OutcomeCV, mace: OutcomeCV, name: str) -> CVResult:
    """One submission's cross-validated predictions: a SEVERITY model's and a MACE model's, repeat by repeat."""
    if severity.predictions.shape != mace.predictions.shape:
        raise ValueError("the two models were cross-validated with different repeats or rows")
    rows = []
    for r in range(severity.predictions.shape[0]):
        k, res = weighted_kappa(mace.y, mace.predictions[r]), rescaled_severity(severity.y, severity.predictions[r])
        rows.append({"repeat": r, "score": combined_score(k, res), "kappa_mace": k, "severity_rescaled": res})
    return CVResult(name, severity.predictions, mace.predictions.astype(int), severity.y, mace.y, pd.DataFrame(rows))


@dataclass
class NestedChoice:
    """The score of choosing per outcome, measured by nested cross-validation.

    Attributes
    ----------
    result : CVResult
        Outer out-of-fold predictions (one repeat): each fold predicted by the SEVERITY and
        MACE models chosen on that fold's training rows alone.
    choices : DataFrame
        One row per outer fold: ``fold``, ``SEVERITY`` and ``MACE`` (the names chosen there).
    """

    result: CVResult
    choices: pd.DataFrame


def _inner_choice(
    severity_models: dict, mace_models: dict, rows: pd.DataFrame, inner_splits: int, seed: int, enforce_rules: bool
) -> tuple[str, str]:
    """The per-outcome choice ``02_baseline`` makes, made on ``rows`` alone (one inner cross-validation)."""
    scores = []
    for models, outcome in ((severity_models, OUTCOME_SEVERITY), (mace_models, OUTCOME_MACE)):
        # one candidate: nothing to choose, nothing to cross-validate
        scores.append(
            {
                name: (
                    0.0
                    if len(models) == 1
                    else cross_validate_outcome(name, model, rows, outcome, inner_splits, 1, seed).value()
                )
                for name, model in models.items()
            }
        )
    return choose_per_outcome(scores[0], scores[1], severity_models, mace_models, enforce_rules=enforce_rules)


def nested_choice(
    severity_models: dict,
    mace_models: dict,
    train: pd.DataFrame,
    n_splits: int = 5,
    inner_splits: int = 3,
    seed: int = 0,
    outer: dict[str, OutcomeCV] | None = None,
    progress=None,
    enforce_rules: bool = True,
) -> NestedChoice:
    """Nested cross-validation of the per-outcome choice: how well *choosing* does on new patients.

    Choosing the best of several noisy cross-validated scores flatters the winner: its score
    was picked for being high. Here each outer fold is predicted by the models chosen
    (:func:`~hdhkits.cardihack.candidates.choose_per_outcome`) on an inner cross-validation of
    the other folds only, so no patient helps choose the model that predicts them.

    Parameters
    ----------
    severity_models, mace_models : dict
        The candidates by name, unfitted.
    train : DataFrame
        The training table.
    n_splits : int
        Outer folds (:func:`cv_folds` with ``seed``: the first repeat of
        :func:`cross_validate_outcome` with the same settings).
    inner_splits : int
        Folds of the inner cross-validation (one repeat).
    seed : int
        Seed of the outer folds (and of the inner ones).
    outer : dict of OutcomeCV, optional
        The candidates' cross-validation by name (both outcomes), made with the same
        ``n_splits`` and ``seed``: its first repeat holds each candidate's predictions of
        every outer fold already, fitted on the other folds, so they are reused rather than
        fitted again.
    progress : callable, optional
        Wraps the outer folds (e.g. ``tqdm``).
    enforce_rules : bool
        Passed to :func:`~hdhkits.cardihack.candidates.choose_per_outcome`.

    Returns
    -------
    NestedChoice
    """
    folds = cv_folds(train, n_splits, seed)
    n = len(train)
    sev, mace = np.zeros((1, n)), np.zeros((1, n), dtype=int)
    rows = []
    for k, (fit_idx, held_idx) in enumerate(progress(folds) if progress else folds):
        fit_rows = train.iloc[fit_idx].reset_index(drop=True)
        chosen = _inner_choice(severity_models, mace_models, fit_rows, inner_splits, seed, enforce_rules)
        rows.append({"fold": k + 1, "SEVERITY": chosen[0], "MACE": chosen[1]})
        for target, name, models, outcome in (
            (sev, chosen[0], severity_models, OUTCOME_SEVERITY),
            (mace, chosen[1], mace_models, OUTCOME_MACE),
        ):
            if outer is not None and name in outer and outer[name].outcome == outcome:
                target[0, held_idx] = outer[name].predictions[0, held_idx]
                continue
            fitted = clone(models[name]).fit(fit_rows, fit_rows[outcome].to_numpy(int))
            held = train.iloc[held_idx]
            target[0, held_idx] = _p_severe(fitted, held) if outcome == OUTCOME_SEVERITY else fitted.predict(held)
    y_sev, y_mace = train[OUTCOME_SEVERITY].to_numpy(int), train[OUTCOME_MACE].to_numpy(int)
    result = combine(
        OutcomeCV("nested", OUTCOME_SEVERITY, sev, y_sev),
        OutcomeCV("nested", OUTCOME_MACE, mace, y_mace),
        "choice per outcome, nested CV",
    )
    return NestedChoice(result, pd.DataFrame(rows))


def candidates_for(train: pd.DataFrame, n_splits: int = 5, seed: int = 0) -> tuple[dict, dict, dict]:
    """The candidates ``02_baseline`` compares and ``03_submission`` falls back on, for this training table.

    :func:`~hdhkits.cardihack.candidates.severity_candidates` and
    :func:`~hdhkits.cardihack.candidates.mace_candidates`, except for an outcome
    :func:`modelling_limits` says cannot be modelled: that outcome gets one constant (the
    weighted prevalence for SEVERITY, class 0 for MACE).

    Returns
    -------
    severity_models, mace_models, limits : (dict, dict, dict)
        The candidates by name, and :func:`modelling_limits`' sentences.
    """
    limits = modelling_limits(train, n_splits)
    severity_models = severity_candidates(seed)
    mace_models = mace_candidates(seed)
    if limits[OUTCOME_SEVERITY]:
        severity_models = {"weighted prevalence (constant)": ConstantProbability("weighted")}
    if limits[OUTCOME_MACE]:
        mace_models = {"no event (constant)": ConstantClass(0)}
    return severity_models, mace_models, limits
