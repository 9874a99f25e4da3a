"""Repeated cross-validation of each outcome's models and of pairs, their intervals, and the nested score of a choice.

Every model is cross-validated on the same folds (:func:`cv_folds`), so any SEVERITY model's
out-of-fold predictions and any MACE model's combine into one submission's
(:func:`combine`), and a whole pair (:func:`cross_validate_pair`: yours, the organisers'
dummy) is scored on the very same patients; :func:`nested_choice` measures what choosing per
outcome is worth. :func:`score_interval` gives the metric and its parts with their bootstrap
intervals, :func:`paired_difference` the paired bootstrap interval of the difference
between two pairs.

The training file has 347 patients and 29 early MACE, so a single split's score moves
by several points from one seed to the next. Scores here are averaged over repeated
stratified K-fold cross-validation (strata: both outcomes), and each comes with a 95 %
percentile bootstrap interval over patients (:mod:`hdhkits.cardihack.comparison`, on
:func:`hdhkits.evaluation.bootstrap_score`, resampling within the strata), the bootstrap
metric being the same average over repeats of the out-of-fold predictions
(:meth:`CVResult.parts`, :meth:`OutcomeCV.value`). The loops are
:func:`hdhkits.evaluation.out_of_fold`'s and the resampling
:func:`hdhkits.evaluation.bootstrap_score`'s and :func:`hdhkits.evaluation.bootstrap_difference`'s:
the kit writes only its splits and scorers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import StratifiedKFold

from ..evaluation import bootstrap_difference, bootstrap_score, out_of_fold
from ..stats import Interval
from .candidates import choose_per_outcome
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
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY, TEST_ID

__all__ = [
    "CVResult",
    "NestedChoice",
    "OutcomeCV",
    "combine",
    "cross_validate_outcome",
    "cross_validate_pair",
    "cv_folds",
    "features_only",
    "nested_choice",
    "paired_difference",
    "score_interval",
    "strata",
]

#: The metric part each outcome's models are judged on.
_OUTCOME_PART = {OUTCOME_SEVERITY: "severity_rescaled", OUTCOME_MACE: "kappa_mace"}


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


def _p_severe(fitted: BaseEstimator, X: pd.DataFrame) -> np.ndarray:
    """P(severe): column 1 of ``predict_proba``."""
    return fitted.predict_proba(X)[:, 1]


def _both_outcomes(fitted: BaseEstimator, X: pd.DataFrame) -> np.ndarray:
    """A fitted pair's P(severe) and MACE class, shape (n, 2)."""
    return np.column_stack([fitted.predict_severity(X), fitted.predict_mace(X)])


def strata(train: pd.DataFrame) -> np.ndarray:
    """Stratification label: the six (SEVERITY, MACE) combinations."""
    return 3 * train[OUTCOME_SEVERITY].to_numpy(int) + train[OUTCOME_MACE].to_numpy(int)


def cv_folds(
    train: pd.DataFrame, n_splits: int = 5, n_repeats: int = 1, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified K-fold splits on both outcomes, repeat after repeat, for any training table.

    The strata are the six (SEVERITY, MACE) combinations (:func:`strata`). A combination with
    fewer patients than folds (a MACE class almost absent, very few severe patients) is merged
    into the largest one, so the splits exist whatever the outcome mix; on the official file
    and the twin no stratum is that small and the splits are plain stratified K-fold.

    Parameters
    ----------
    train : DataFrame
        The training table (``read_train``'s), both outcome columns included.
    n_splits : int
        Folds per repeat.
    n_repeats : int
        Repeats; repeat ``r`` shuffles with the seed ``seed + r``.
    seed : int
        Seed of the first repeat.

    Returns
    -------
    list of (ndarray, ndarray)
        ``(training rows, validation rows)`` positions, ``n_splits`` pairs per repeat, the
        repeats one after the other: the folds of every model :func:`cross_validate_outcome`
        and :func:`cross_validate_pair` score.
    """
    label = strata(train)
    values, counts = np.unique(label, return_counts=True)
    rare = values[counts < n_splits]
    if len(rare):
        label = np.where(np.isin(label, rare), values[np.argmax(counts)], label)
    return [
        fold
        for r in range(n_repeats)
        for fold in StratifiedKFold(n_splits, shuffle=True, random_state=seed + r).split(np.zeros(len(train)), label)
    ]


def features_only(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` without its outcome columns and ``trustii_id``: what a model is fitted on and predicts from.

    The train table holds the outcomes and the test table the submission's key; a model that
    reads every column (one not started by a ``ColumnSelector``) then sees the same columns
    in both, and never an outcome.
    """
    return table.drop(columns=[c for c in (OUTCOME_SEVERITY, OUTCOME_MACE, TEST_ID) if c in table.columns])


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
    per_repeat : DataFrame or None
        The metric parts of each repeat, one row per repeat (None for one table of
        predictions, which has no repeats).
    """

    name: str
    severity: np.ndarray
    mace: np.ndarray
    y_severity: np.ndarray
    y_mace: np.ndarray
    per_repeat: pd.DataFrame | None = field(default=None)

    def parts(self, idx: np.ndarray | None = None) -> dict[str, float]:
        """Metric parts averaged over repeats, on rows ``idx`` (all by default)."""
        idx = np.arange(len(self.y_mace)) if idx is None else idx
        k = float(np.mean([_kappa(self.y_mace[idx], m[idx]) for m in self.mace]))
        r = _rescaled(self.y_severity[idx], self.severity[:, idx])
        return {"score": combined_score(k, r), "kappa_mace": k, "severity_rescaled": r}


def cross_validate_pair(
    name: str, model: BaseEstimator, train: pd.DataFrame, n_splits: int = 5, n_repeats: int = 5, seed: int = 0
) -> CVResult:
    """Repeated stratified K-fold out-of-fold predictions of a whole model pair (yours, a dummy).

    The folds are :func:`cv_folds`'s, the same as every candidate's
    (:func:`cross_validate_outcome` with the same settings), so the pair is scored on the same
    patients, fold by fold, as the kit's models and combines with their rows in one table.

    Parameters
    ----------
    name : str
        Name shown in tables.
    model : estimator
        A pair in the kit's form (:class:`~hdhkits.cardihack.pair.Pair`, or any scikit-learn
        estimator with ``fit(train)``, ``predict_severity`` and ``predict_mace``), unfitted;
        cloned and fitted on the training rows of each fold (the table, outcomes included:
        it takes its two targets from there).
    train : DataFrame
        The training table (official columns).
    n_splits, n_repeats : int
        Folds and repeats.
    seed : int
        Seed of the first repeat's folds.

    Returns
    -------
    CVResult
    """
    folds = cv_folds(train, n_splits, n_repeats, seed)
    predictions = np.stack(
        [
            out_of_fold(model, train, None, folds[r * n_splits : (r + 1) * n_splits], method=_both_outcomes)
            for r in range(n_repeats)
        ]
    )  # (n_repeats, n, 2): P(severe) and the MACE class
    severity = OutcomeCV(name, OUTCOME_SEVERITY, predictions[:, :, 0], train[OUTCOME_SEVERITY].to_numpy(int))
    mace = OutcomeCV(name, OUTCOME_MACE, predictions[:, :, 1].astype(int), train[OUTCOME_MACE].to_numpy(int))
    return combine(severity, mace, name)


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
    n_splits : int
        Folds per repeat (0 when the predictions come from elsewhere, e.g. a nested choice).
    seed : int or None
        Seed of the first repeat's folds (:func:`cv_folds`); None when unknown.
    """

    name: str
    outcome: str
    predictions: np.ndarray
    y: np.ndarray
    n_splits: int = 0
    seed: int | None = None

    def made_with(self, train: pd.DataFrame, n_splits: int, n_repeats: int, seed: int) -> bool:
        """Whether these are the out-of-fold predictions of ``train`` over :func:`cv_folds` with these settings."""
        return (
            (self.n_splits, self.seed, self.predictions.shape) == (n_splits, seed, (n_repeats, len(train)))
            and self.outcome in train.columns
            and np.array_equal(self.y, train[self.outcome].to_numpy(int))
        )

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
    name: str,
    model: BaseEstimator,
    train: pd.DataFrame,
    outcome: str,
    n_splits: int = 5,
    n_repeats: int = 5,
    seed: int = 0,
) -> OutcomeCV:
    """Repeated stratified K-fold out-of-fold predictions of one outcome's model.

    The folds are :func:`cv_folds`'s (repeat ``r`` shuffled with ``seed + r``): the same for
    every model and both outcomes, so any SEVERITY model and any MACE model combine into one
    cross-validated submission (:func:`combine`).

    Parameters
    ----------
    name : str
        Name shown in tables.
    model : estimator
        SEVERITY: ``fit(train, y)`` and ``predict_proba`` (column 1 = P(severe)); MACE:
        ``fit(train, y)`` and ``predict`` (classes 0/1/2). Cloned per fold.
    train : DataFrame
        The training table (official columns); models select their own columns, and never
        see the outcomes (:func:`features_only`).
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
    X, folds = features_only(train), cv_folds(train, n_splits, n_repeats, seed)
    method = _p_severe if outcome == OUTCOME_SEVERITY else "predict"
    preds = np.stack(
        [out_of_fold(model, X, y, folds[r * n_splits : (r + 1) * n_splits], method=method) for r in range(n_repeats)]
    )
    return OutcomeCV(name, outcome, preds if outcome == OUTCOME_SEVERITY else preds.astype(int), y, n_splits, seed)


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
    progress: Callable[[list[tuple[np.ndarray, np.ndarray]]], Iterable[tuple[np.ndarray, np.ndarray]]] | None = None,
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
    folds = cv_folds(train, n_splits, 1, seed)
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


def _as_result(truth: pd.DataFrame, predictions: CVResult | pd.DataFrame) -> CVResult:
    """``predictions`` as a :class:`CVResult` on the rows of ``truth``: out-of-fold, or a table of predictions."""
    y_severity, y_mace = truth[OUTCOME_SEVERITY].to_numpy(int), truth[OUTCOME_MACE].to_numpy(int)
    if isinstance(predictions, pd.DataFrame):
        severity = predictions[OUTCOME_SEVERITY].to_numpy(float)[None, :]
        mace = predictions[OUTCOME_MACE].to_numpy(int)[None, :]
        return CVResult("predictions", severity, mace, y_severity, y_mace)
    if predictions.mace.shape[-1] != len(truth) or not (
        np.array_equal(predictions.y_severity, y_severity) and np.array_equal(predictions.y_mace, y_mace)
    ):
        raise ValueError(f"the predictions of {predictions.name!r} are not of the rows of this truth table")
    return predictions


def score_interval(
    truth: pd.DataFrame, predictions: CVResult | pd.DataFrame, n_boot: int = 200, seed: int = 0
) -> dict[str, Interval]:
    """The metric and its two parts, each with its 95 % bootstrap interval over patients.

    Patients are resampled within the six (SEVERITY, MACE) strata (:func:`strata`), and every
    resample is scored as the estimate is: kappa and rescaled log-loss averaged over the
    repeats of out-of-fold predictions, then combined.

    Parameters
    ----------
    truth : DataFrame
        The training table the predictions are of (both outcome columns), e.g. ``read_train``'s.
    predictions : CVResult or DataFrame
        Out-of-fold predictions of a pair (:func:`cross_validate_pair`, :func:`combine`), or a
        table with ``OUTCOME MACE`` and ``OUTCOME SEVERITY`` in the rows' order of ``truth``.
    n_boot : int
        Bootstrap resamples.
    seed : int
        Seed of the resampling (the same seed draws the same resamples for every model).

    Returns
    -------
    dict of str to Interval
        ``score`` (the combined metric), ``kappa_mace`` and ``severity_rescaled``.
    """
    result = _as_result(truth, predictions)
    group = strata(truth)
    cache: dict[bytes, dict] = {}

    def part_of(idx: np.ndarray, part: str) -> float:
        # The three bootstraps share their seed, hence their resamples: score each resample once.
        key = idx.tobytes()
        if key not in cache:
            cache[key] = result.parts(idx)
        return cache[key][part]

    rows = np.arange(len(truth))
    return {
        part: bootstrap_score(lambda idx, p=part: part_of(idx, p), rows, n_boot=n_boot, seed=seed, strata=group)
        for part in ("score", "kappa_mace", "severity_rescaled")
    }


def paired_difference(
    truth: pd.DataFrame,
    predictions: CVResult | pd.DataFrame,
    reference: CVResult | pd.DataFrame,
    n_boot: int = 200,
    seed: int = 0,
) -> Interval:
    """Combined score of ``predictions`` minus that of ``reference``, with its paired bootstrap interval.

    Both are scored on the same resamples of patients
    (:func:`hdhkits.evaluation.bootstrap_difference`, within the strata of :func:`strata`): the
    patients both models find hard cancel out, so the interval says whether one pair is
    better than the other on these patients, which two overlapping intervals cannot.

    Parameters
    ----------
    truth : DataFrame
        The training table both are predictions of.
    predictions, reference : CVResult or DataFrame
        As for :func:`score_interval`: out-of-fold predictions made on the same folds
        (:func:`cv_folds` with the same settings), or tables of predictions.
    n_boot, seed
        As for :func:`score_interval`.

    Returns
    -------
    Interval
        Above 0: ``predictions`` scores higher.
    """
    a, b = _as_result(truth, predictions), _as_result(truth, reference)
    return bootstrap_difference(
        lambda idx: a.parts(idx)["score"],
        lambda idx: b.parts(idx)["score"],
        np.arange(len(truth)),
        n_boot=n_boot,
        seed=seed,
        strata=strata(truth),
    )
