"""Repeated stratified cross-validation of two-outcome models, with bootstrap intervals.

:func:`cv_folds` makes the kit's folds (stratified on the (liver event, death) strata of
:func:`~hdhkits.annitia.targets.outcome_strata`, one seed per repeat); :func:`cv_risks`
runs every model on them, :func:`cv_summary`, :func:`compare_models`,
:func:`paired_difference` and :func:`submission_summary` score them with intervals.
What each feature family and liver piece adds is measured in :mod:`hdhkits.annitia.ablation`.

With about 40 liver events, one 5-fold split moves C(hepatic) by a couple of points
depending on which patients share a fold; repeating the split with other seeds and
averaging gives a steadier estimate. Every model of a comparison sees the same splits, so
their differences are paired (:func:`paired_difference`).

The loops are the shared ones: each fold is :func:`hdhkits.evaluation.out_of_fold` on its
split, and every interval is :func:`hdhkits.evaluation.bootstrap_score` resampling
patients within the (liver event, death) strata. Repeated risks are stored
(n_repeats, n, 2); the scorers see them patient-first, (n, n_repeats, 2), the axis the
bootstrap resamples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from ..evaluation import bootstrap_score, out_of_fold
from ..findings import DataError
from ..problem import Score
from ..stats import Interval
from .baselines import TwoOutcomeModel, as_frame
from .columns import RISK_DEATH, RISK_HEPATIC, TEST_ID
from .metric import WEIGHTS, score_parts, score_risks
from .targets import SurvivalTargets, outcome_strata, survival_targets

__all__ = [
    "ISSUE8_MODEL",
    "OFFICIAL_CV",
    "compare_baselines",
    "compare_models",
    "cross_val_predict_risks",
    "cv_folds",
    "cv_risks",
    "cv_summary",
    "fit_models",
    "mean_parts",
    "paired_difference",
    "patients_first",
    "repeated_cv_risks",
    "score_with_interval",
    "submission_summary",
]

#: Row label of the leaderboard model before issue #20 (``make_leaderboard_model(pieces=())``),
#: the reference of :func:`~hdhkits.annitia.ablation.liver_ablation`.
ISSUE8_MODEL = "leaderboard model (issue #8)"
#: What ``02_baseline`` printed on the official train file (one 5-fold cross-validation,
#: reported in issue #20, the leaderboard model being the issue #8 one): model ->
#: (official score, C(hepatic), C(death)). A record of the official files, not of the twin.
OFFICIAL_CV: dict[str, tuple[float, float, float]] = {
    "Cox (ridge)": (0.833, 0.799, 0.911),
    "clinical model": (0.821, 0.835, 0.790),
    ISSUE8_MODEL: (0.864, 0.822, 0.962),
}


def _fit_predict(
    model: TwoOutcomeModel, X: pd.DataFrame, y: SurvivalTargets, train_idx: np.ndarray, test_idx: np.ndarray
) -> np.ndarray:
    # One fold per joblib task (the pool balances folds of unequal cost); out_of_fold on
    # that single split is the shared loop, its other rows stay NaN and are dropped here.
    return out_of_fold(model, X, y, [(train_idx, test_idx)])[test_idx]


def cv_folds(X: pd.DataFrame, y: SurvivalTargets, n_splits: int, n_repeats: int, seed: int) -> list:
    """The kit's folds: ``n_repeats`` stratified K-folds of the patients, one seed per repeat.

    Repeat ``r`` is ``StratifiedKFold(n_splits, shuffle=True, random_state=seed + r)`` on
    the (liver event, death) strata (:func:`~hdhkits.annitia.targets.outcome_strata`);
    :func:`cross_val_predict_risks` uses repeat 0.

    Returns
    -------
    list of (repeat, train_idx, test_idx)
        Every fold of every repeat, positions into the rows of ``X`` and ``y``.
    """
    return [
        (r, train_idx, test_idx)
        for r in range(n_repeats)
        for train_idx, test_idx in StratifiedKFold(n_splits, shuffle=True, random_state=seed + r).split(
            X, outcome_strata(y)
        )
    ]


def cv_risks(
    models: dict[str, TwoOutcomeModel],
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int,
    n_repeats: int,
    seed: int,
    n_jobs: int,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Out-of-fold risks of every model on the same folds (:func:`cv_folds`), (n_repeats, n, 2) each.

    Every (model, repeat, fold) is one task of a single joblib pool of ``n_jobs``
    processes; ``progress`` shows a bar (:func:`hdhkits.notebook.tqdm`).
    """
    # Every (model, repeat, fold) is one task of a single joblib pool: the two workers stay
    # busy until the end instead of waiting for the slowest fold of each model.
    from joblib import Parallel, delayed

    X = as_frame(X).reset_index(drop=True)
    splits = cv_folds(X, y, n_splits, n_repeats, seed)
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


def cross_val_predict_risks(
    model: TwoOutcomeModel, X: pd.DataFrame, y: SurvivalTargets, n_splits: int = 5, seed: int = 0
) -> np.ndarray:
    """Out-of-fold risks (n, 2) from a stratified, seeded K-fold.

    Each patient's risks come from a model that never saw them. Scores computed on
    the pooled out-of-fold risks compare across folds only for models whose scale is
    stable between folds (all of these are). The loop is
    :func:`hdhkits.evaluation.out_of_fold` on the first repeat of :func:`cv_folds`.
    """
    X = as_frame(X).reset_index(drop=True)
    return out_of_fold(model, X, y, [(train, test) for _, train, test in cv_folds(X, y, n_splits, 1, seed)])


def _score_rows(y: SurvivalTargets, risks: np.ndarray) -> Score:
    # The scorer bootstrap_score resamples: rows of targets and of the (n, 2) risks.
    return score_risks(y, risks[:, 0], risks[:, 1])


def score_with_interval(
    y: SurvivalTargets, risks: np.ndarray, n_boot: int = 200, seed: int = 0
) -> tuple[Score, Interval]:
    """Official score of risks (n, 2) and its bootstrap 95 % interval (resampling patients).

    The interval is :func:`hdhkits.evaluation.bootstrap_score`, resampling patients
    within the (liver event, death) strata.
    """
    risks = np.asarray(risks, dtype=float)
    score = _score_rows(y, risks)
    interval = bootstrap_score(_score_rows, y, risks, n_boot=n_boot, seed=seed, strata=outcome_strata(y))
    return score, interval


def compare_baselines(
    models: dict[str, TwoOutcomeModel],
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int = 5,
    seed: int = 0,
    n_boot: int = 200,
    progress: bool = False,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Cross-validated official score of every model, with intervals and parts.

    Returns
    -------
    table : DataFrame
        One row per model: ``score``, ``low``, ``high``, ``c_hepatic``, ``c_death``.
    oof : dict
        Out-of-fold risks (n, 2) per model.
    """
    items = list(models.items())
    if progress:
        # hdhkits.notebook's tqdm: text bars in headless runs (HDHKITS_TEXT_PROGRESS), widgets in Jupyter.
        from ..notebook import tqdm

        items = tqdm(items, desc="cross-validation")
    rows, oof = [], {}
    for name, model in items:
        risks = cross_val_predict_risks(model, X, y, n_splits=n_splits, seed=seed)
        score, interval = score_with_interval(y, risks, n_boot=n_boot, seed=seed)
        oof[name] = risks
        rows.append({"model": name, "score": score.value, "low": interval.low, "high": interval.high, **score.parts})
    return pd.DataFrame(rows).set_index("model"), oof


def repeated_cv_risks(
    model: TwoOutcomeModel,
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    n_jobs: int = 1,
) -> np.ndarray:
    """Out-of-fold risks of each repeat of a stratified K-fold, shape (n_repeats, n, 2).

    Repeat ``r`` uses ``StratifiedKFold(shuffle=True, random_state=seed + r)`` on the
    (liver event, death) strata, the split of :func:`cross_val_predict_risks`
    for ``r = 0``. Folds run in ``n_jobs`` processes (joblib).
    """
    return cv_risks({"model": model}, X, y, n_splits, n_repeats, seed, n_jobs)["model"]


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


def cv_summary(y: SurvivalTargets, risks: np.ndarray, n_boot: int = 200, seed: int = 0) -> dict[str, float]:
    """Official score and both concordances of repeated out-of-fold risks, with 95 % intervals.

    Parameters
    ----------
    y : SurvivalTargets
    risks : array of shape (n_repeats, n, 2)
        From :func:`repeated_cv_risks`.
    n_boot, seed : bootstrap resamples (patients, stratified by outcome) and their seed.

    Returns
    -------
    dict
        ``score``, ``low``, ``high``, and ``c_hepatic``, ``c_death`` each with ``_low`` and
        ``_high``: every value is the mean over repeats of the pooled out-of-fold score.
    """
    rows = patients_first(risks)
    # One bootstrap pass: the combined score drives bootstrap_score, and the parts of
    # every resample it scores are kept, so the three intervals share their resamples.
    seen: list[dict[str, float]] = []

    def combined(y_rows: SurvivalTargets, risk_rows: np.ndarray) -> float:
        seen.append(mean_parts(y_rows, risk_rows))
        return seen[-1]["score"]

    interval = bootstrap_score(combined, y, rows, n_boot=n_boot, seed=seed, strata=outcome_strata(y))
    out = {"score": interval.estimate, "low": interval.low, "high": interval.high}
    full, resamples = seen[0], seen[1:]  # bootstrap_score scores all rows first
    for key in ("c_hepatic", "c_death"):
        values = [r[key] for r in resamples]
        ok = np.isfinite(interval.low) and len(values) > 0
        low, high = np.quantile(values, [0.025, 0.975]) if ok else (np.nan, np.nan)
        out.update({key: full[key], f"{key}_low": float(low), f"{key}_high": float(high)})
    return out


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
    """Repeated cross-validation of every model on the same splits.

    Returns
    -------
    table : DataFrame
        One row per model, the columns of :func:`cv_summary`.
    oof : dict
        Out-of-fold risks (n_repeats, n, 2) per model.
    """
    oof = cv_risks(models, X, y, n_splits, n_repeats, seed, n_jobs, progress=progress)
    rows = [{"model": name, **cv_summary(y, oof[name], n_boot=n_boot, seed=seed)} for name in models]
    return pd.DataFrame(rows).set_index("model"), oof


def paired_difference(
    y: SurvivalTargets, risks_a: np.ndarray, risks_b: np.ndarray, n_boot: int = 200, seed: int = 0, part: str = "score"
) -> Interval:
    """Official score of ``risks_a`` minus that of ``risks_b`` (same splits), with a paired interval.

    Both are (n_repeats, n, 2) out-of-fold risks; each bootstrap resample scores both on
    the same patients, so the interval is that of the difference, narrower than the two
    separate intervals suggest. ``part`` picks what is compared: ``"score"`` (the official
    combination), ``"c_hepatic"`` or ``"c_death"``.
    """
    if part not in ("score", *WEIGHTS):
        raise ValueError(f"part must be 'score' or one of {tuple(WEIGHTS)}, not {part!r}")

    def difference(y_rows: SurvivalTargets, a: np.ndarray, b: np.ndarray) -> float:
        return mean_parts(y_rows, a)[part] - mean_parts(y_rows, b)[part]

    return bootstrap_score(
        difference,
        y,
        patients_first(risks_a),
        patients_first(risks_b),
        n_boot=n_boot,
        seed=seed,
        strata=outcome_strata(y),
    )


def submission_summary(
    truth: pd.DataFrame, submission: pd.DataFrame, n_boot: int = 200, seed: int = 0
) -> dict[str, float]:
    """Official score of a submission against a truth table, both concordances, with 95 % intervals.

    A test file holds few events (13 liver events in the quick twin's ``val_test``), so one
    local score moves a lot with the patients drawn: the intervals resample test
    patients within the (liver event, death) strata, as :func:`cv_summary` does.

    Parameters
    ----------
    truth : DataFrame
        The twin's truth table (``PROBLEM.read_truth``).
    submission : DataFrame
        ``trustii_id,risk_hepatic_event,risk_death``, validated, any row order.
    n_boot, seed : bootstrap resamples and their seed.

    Returns
    -------
    dict
        The keys of :func:`cv_summary`.

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
    risks = merged[[RISK_HEPATIC, RISK_DEATH]].to_numpy(float)
    return cv_summary(survival_targets(truth), risks, n_boot=n_boot, seed=seed)
