"""Repeated stratified cross-validation of two-outcome models, with bootstrap intervals.

:func:`cv_folds` makes the kit's folds (stratified on the (liver event, death) strata of
:func:`~hdhkits.annitia.targets.outcome_strata`, one seed per repeat); :func:`cv_risks`
runs every model on them; :func:`score_interval` gives the official score and both
concordances of out-of-fold risks with 95 % intervals, :func:`paired_difference` the
paired interval of the difference between two models, and :func:`compare_models` does
both steps for a dict of models (one row each, :func:`interval_table`). What each
feature family and liver piece adds is measured in :mod:`hdhkits.annitia.ablation`.

With about 40 liver events, one 5-fold split moves C(hepatic) by a couple of points
depending on which patients share a fold; repeating the split with other seeds and
averaging gives a steadier estimate. Every model of a comparison sees the same splits, so
their differences are paired (:func:`paired_difference`).

The loops are the shared ones: each fold is :func:`hdhkits.evaluation.out_of_fold` on its
split, every interval is :func:`hdhkits.evaluation.bootstrap_score` and every paired
difference :func:`hdhkits.evaluation.bootstrap_difference`, resampling patients within
the (liver event, death) strata. Repeated risks are stored (n_repeats, n, 2); the scorers
see them patient-first, (n, n_repeats, 2), the axis the bootstrap resamples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from ..evaluation import bootstrap_difference, bootstrap_score, out_of_fold
from ..findings import DataError
from ..stats import Interval
from .baselines import TwoOutcomeModel, as_frame
from .columns import RISK_DEATH, RISK_HEPATIC, TEST_ID
from .metric import WEIGHTS, score_parts
from .models import NO_LIVER_PIECES
from .targets import SurvivalTargets, outcome_strata, survival_targets

__all__ = [
    "OFFICIAL_CV",
    "PARTS",
    "compare_models",
    "cv_folds",
    "cv_risks",
    "fit_models",
    "interval_table",
    "mean_parts",
    "paired_difference",
    "paired_gains",
    "patients_first",
    "score_interval",
    "submission_risks",
]

#: What ``02_baseline`` printed on the official train file (one 5-fold cross-validation,
#: reported by a participant; the leaderboard model was then the one without liver
#: pieces): model -> (official score, C(hepatic), C(death)). A record of the official
#: files, not of the twin.
OFFICIAL_CV: dict[str, tuple[float, float, float]] = {
    "Cox (ridge)": (0.833, 0.799, 0.911),
    "clinical model": (0.821, 0.835, 0.790),
    NO_LIVER_PIECES: (0.864, 0.822, 0.962),
}
#: What :func:`score_interval` and :func:`paired_gains` report: the official score, then its parts.
PARTS = ("score", *WEIGHTS)


def _fit_predict(
    model: TwoOutcomeModel, X: pd.DataFrame, y: SurvivalTargets, train_idx: np.ndarray, test_idx: np.ndarray
) -> np.ndarray:
    # One fold per joblib task (the pool balances folds of unequal cost); out_of_fold on
    # that single split is the shared loop, its other rows stay NaN and are dropped here.
    return out_of_fold(model, X, y, [(train_idx, test_idx)])[test_idx]


def _splits(y: SurvivalTargets, n_splits: int, n_repeats: int, seed: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    # (repeat, train rows, validation rows): StratifiedKFold reads only the strata and the row count.
    strata = outcome_strata(y)
    return [
        (r, train_idx, test_idx)
        for r in range(n_repeats)
        for train_idx, test_idx in StratifiedKFold(n_splits, shuffle=True, random_state=seed + r).split(
            np.zeros(len(strata)), strata
        )
    ]


def cv_folds(
    train: pd.DataFrame | SurvivalTargets, n_splits: int = 5, n_repeats: int = 1, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The kit's folds: ``n_repeats`` stratified K-folds of the patients, one seed per repeat.

    Repeat ``r`` is ``StratifiedKFold(n_splits, shuffle=True, random_state=seed + r)`` on
    the (liver event, death) strata (:func:`~hdhkits.annitia.targets.outcome_strata`):
    the folds every model of :func:`cv_risks` and :func:`compare_models` is scored on.

    Parameters
    ----------
    train : DataFrame or SurvivalTargets
        ``train.csv`` as :func:`~hdhkits.annitia.schema.read_train` returns it (or its
        :func:`~hdhkits.annitia.targets.survival_targets`).
    n_splits : int
        Folds per repeat.
    n_repeats : int
        Repeats, each with its own seed.
    seed : int
        Seed of the first repeat.

    Returns
    -------
    list of (train_rows, validation_rows)
        Row positions into ``train``, repeat after repeat.
    """
    y = train if isinstance(train, SurvivalTargets) else survival_targets(train)
    return [(train_idx, test_idx) for _, train_idx, test_idx in _splits(y, n_splits, n_repeats, seed)]


def cv_risks(
    models: dict[str, TwoOutcomeModel],
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    n_jobs: int = 1,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Out-of-fold risks of every model on the same folds (:func:`cv_folds`), (n_repeats, n, 2) each.

    Every (model, repeat, fold) is one task of a single joblib pool of ``n_jobs``
    processes; ``progress`` shows a bar (:func:`hdhkits.notebook.tqdm`). A model's risks do
    not depend on the other models it is run with.
    """
    # Every (model, repeat, fold) is one task of a single joblib pool: the two workers stay
    # busy until the end instead of waiting for the slowest fold of each model.
    from joblib import Parallel, delayed

    X = as_frame(X).reset_index(drop=True)
    splits = _splits(y, n_splits, n_repeats, seed)
    tasks = [(name, r, tr, te) for name in models for r, tr, te in splits]
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_predict)(models[name], X, y, tr, te) for name, _, tr, te in tasks
    )
    if progress:
        from ..notebook import tqdm

        outputs = tqdm(outputs, total=len(tasks), desc=f"{n_repeats} x {n_splits}-fold CV, {len(models)} models")
    risks = {name: np.full((n_repeats, len(X), 2), np.nan) for name in models}
    for out, (name, r, _, test_idx) in zip(outputs, tasks):  # outputs first: tqdm sees the end
        risks[name][r, test_idx] = out
    return risks


def fit_models(
    models: dict[str, TwoOutcomeModel], X: pd.DataFrame, y: SurvivalTargets, n_jobs: int = 1
) -> dict[str, TwoOutcomeModel]:
    """Fit every model on all rows, ``n_jobs`` at a time; returns the fitted copies by name."""
    from joblib import Parallel, delayed

    X = as_frame(X).reset_index(drop=True)
    fitted = Parallel(n_jobs=n_jobs)(delayed(clone(model).fit)(X, y) for model in models.values())
    return dict(zip(models, fitted))


def patients_first(risks: np.ndarray) -> np.ndarray:
    """Risks (n_repeats, n, 2) or (n, 2) as (n, n_repeats, 2): rows are patients, as ``bootstrap_score`` resamples."""
    risks = np.asarray(risks, dtype=float)
    if risks.ndim == 2:
        risks = risks[None]
    return risks.transpose(1, 0, 2)


def mean_parts(y: SurvivalTargets, rows: np.ndarray) -> dict[str, float]:
    """Official score and both concordances of each repeat on these patients, averaged over repeats.

    ``rows`` is (m, n_repeats, 2) (:func:`patients_first`); returns ``score``,
    ``c_hepatic`` and ``c_death``.
    """
    parts = [score_parts(y, rows[:, r, 0], rows[:, r, 1]) for r in range(rows.shape[1])]
    mean = {k: float(np.mean([p[k] for p in parts])) for k in WEIGHTS}
    mean["score"] = sum(WEIGHTS[k] * mean[k] for k in WEIGHTS)
    return mean


def _patient_rows(truth: SurvivalTargets, predictions: np.ndarray, name: str) -> np.ndarray:
    # The risks patient-first, after checking they are one pair of risks per patient.
    risks = np.asarray(predictions, dtype=float)
    if risks.ndim not in (2, 3) or risks.shape[-2:] != (len(truth), 2):
        raise DataError(
            f"<{name}>",
            [
                f"risks must have shape ({len(truth)}, 2) or (n_repeats, {len(truth)}, 2), one pair "
                f"(liver event, death) per patient of the targets; got {risks.shape}"
            ],
        )
    return patients_first(risks)


def score_interval(
    truth: SurvivalTargets, predictions: np.ndarray, n_boot: int = 200, seed: int = 0
) -> dict[str, Interval]:
    """Official score and both concordances of risks, each with its 95 % bootstrap interval.

    Every value is the mean over repeats of the pooled out-of-fold score; the intervals
    resample patients within the (liver event, death) strata, in one bootstrap pass
    (:func:`hdhkits.evaluation.bootstrap_score` on the official score; the parts of each
    resample it draws give theirs), so the three share their resamples.

    Parameters
    ----------
    truth : SurvivalTargets
        The patients' targets (:func:`~hdhkits.annitia.targets.survival_targets`).
    predictions : array of shape (n, 2) or (n_repeats, n, 2)
        Risks (liver event, death) of these patients, e.g. out-of-fold risks of
        :func:`cv_risks` or a submission's (:func:`submission_risks`).
    n_boot : int
        Bootstrap resamples.
    seed : int
        Seed of the resampling.

    Returns
    -------
    dict of str to Interval
        ``score``, ``c_hepatic``, ``c_death`` (:data:`PARTS`).
    """
    rows = _patient_rows(truth, predictions, "predictions")
    seen: list[dict[str, float]] = []

    def combined(y_rows: SurvivalTargets, risk_rows: np.ndarray) -> float:
        seen.append(mean_parts(y_rows, risk_rows))
        return seen[-1]["score"]

    interval = bootstrap_score(combined, truth, rows, n_boot=n_boot, seed=seed, strata=outcome_strata(truth))
    out = {"score": interval}
    full, resamples = seen[0], seen[1:]  # bootstrap_score scores all rows first
    for key in WEIGHTS:
        values = [r[key] for r in resamples]
        ok = np.isfinite(interval.low) and len(values) > 0
        low, high = np.quantile(values, [0.025, 0.975]) if ok else (np.nan, np.nan)
        out[key] = Interval(full[key], float(low), float(high))
    return out


def interval_table(
    truth: SurvivalTargets, oof: dict[str, np.ndarray], n_boot: int = 200, seed: int = 0
) -> pd.DataFrame:
    """:func:`score_interval` of each model's risks, one row per model.

    Returns
    -------
    DataFrame
        Index ``model``; columns ``score``, ``low``, ``high``, then ``c_hepatic``,
        ``c_death`` each with ``_low`` and ``_high``.
    """
    rows = []
    for name, risks in oof.items():
        intervals = score_interval(truth, risks, n_boot=n_boot, seed=seed)
        row: dict[str, str | float] = {"model": name}
        for part, interval in intervals.items():
            prefix = "" if part == "score" else f"{part}_"
            row.update({part: interval.estimate, f"{prefix}low": interval.low, f"{prefix}high": interval.high})
        rows.append(row)
    return pd.DataFrame(rows).set_index("model")


def compare_models(
    models: dict[str, TwoOutcomeModel],
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    n_boot: int = 200,
    n_jobs: int = 1,
    progress: bool = False,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Repeated cross-validation of every model on the same folds, with intervals.

    Returns
    -------
    table : DataFrame
        One row per model, the columns of :func:`interval_table`.
    oof : dict
        Out-of-fold risks (n_repeats, n, 2) per model (:func:`cv_risks`).
    """
    oof = cv_risks(models, X, y, n_splits, n_repeats, seed, n_jobs, progress=progress)
    return interval_table(y, oof, n_boot=n_boot, seed=seed), oof


def _part_difference(
    truth: SurvivalTargets, predictions: np.ndarray, reference: np.ndarray, part: str, n_boot: int, seed: int
) -> Interval:
    # One part of the metric, predictions minus reference, on the same resamples (the one paired bootstrap).
    a = _patient_rows(truth, predictions, "predictions")
    b = _patient_rows(truth, reference, "reference")
    if a.shape != b.shape:
        raise DataError("<reference>", [f"the two sets of risks differ in shape ({a.shape} and {b.shape})"])

    def mine(y_rows: SurvivalTargets, a_rows: np.ndarray, b_rows: np.ndarray) -> float:
        return mean_parts(y_rows, a_rows)[part]

    def theirs(y_rows: SurvivalTargets, a_rows: np.ndarray, b_rows: np.ndarray) -> float:
        return mean_parts(y_rows, b_rows)[part]

    return bootstrap_difference(mine, theirs, truth, a, b, n_boot=n_boot, seed=seed, strata=outcome_strata(truth))


def paired_difference(
    truth: SurvivalTargets, predictions: np.ndarray, reference: np.ndarray, n_boot: int = 200, seed: int = 0
) -> Interval:
    """Official score of ``predictions`` minus that of ``reference`` (same folds), with a paired interval.

    Each bootstrap resample scores both on the same patients
    (:func:`hdhkits.evaluation.bootstrap_difference`), so the interval is that of the
    difference, narrower than the two separate intervals suggest. :func:`paired_gains`
    gives the same for each concordance.

    Parameters
    ----------
    truth : SurvivalTargets
        The patients' targets.
    predictions, reference : arrays of shape (n, 2) or (n_repeats, n, 2)
        Two models' risks of these patients, on the same folds (:func:`cv_risks`).
    n_boot : int
        Bootstrap resamples.
    seed : int
        Seed of the resampling.

    Returns
    -------
    Interval
        ``estimate`` is the difference on all patients.
    """
    return _part_difference(truth, predictions, reference, "score", n_boot, seed)


def paired_gains(
    truth: SurvivalTargets,
    predictions: np.ndarray,
    reference: np.ndarray,
    n_boot: int = 200,
    seed: int = 0,
    parts: tuple[str, ...] = PARTS,
) -> pd.DataFrame:
    """:func:`paired_difference` of the official score and of each concordance, one row per part.

    Parameters
    ----------
    truth, predictions, reference, n_boot, seed
        As for :func:`paired_difference`.
    parts : tuple of str
        Which of :data:`PARTS` to compare.

    Returns
    -------
    DataFrame
        Index ``part``; columns ``gain`` (``predictions`` minus ``reference``), ``low``,
        ``high`` (paired 95 % interval; all three 0 where the two agree on every patient).
    """
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"parts must be among {PARTS}, not {sorted(unknown)}")
    rows = []
    for part in parts:
        gap = _part_difference(truth, predictions, reference, part, n_boot, seed)
        rows.append({"part": part, "gain": gap.estimate, "low": gap.low, "high": gap.high})
    return pd.DataFrame(rows).set_index("part")


def submission_risks(truth: pd.DataFrame, submission: pd.DataFrame) -> np.ndarray:
    """A submission's risks in the rows of a truth table, (n, 2): for :func:`score_interval`.

    A test file holds few events (13 liver events in the quick twin's ``val_test``), so one
    local score moves a lot with the patients drawn: give these risks and
    ``survival_targets(truth)`` to :func:`score_interval` for its intervals.

    Parameters
    ----------
    truth : DataFrame
        The twin's truth table (``PROBLEM.read_truth``).
    submission : DataFrame
        ``trustii_id,risk_hepatic_event,risk_death``, validated, any row order.

    Raises
    ------
    hdhkits.findings.DataError
        A truth id has no risk in the submission.
    """
    merged = truth[[TEST_ID]].merge(submission[[TEST_ID, RISK_HEPATIC, RISK_DEATH]], on=TEST_ID, how="left")
    absent = merged.loc[merged[[RISK_HEPATIC, RISK_DEATH]].isna().any(axis=1), TEST_ID]
    if len(absent):
        raise DataError(
            "<submission>", [f"no risk for truth id(s) {absent.head(5).tolist()}; validate the submission first"]
        )
    return merged[[RISK_HEPATIC, RISK_DEATH]].to_numpy(float)
