"""Repeated stratified cross-validation of two-outcome models, with bootstrap intervals.

With about 40 liver events, one 5-fold split moves C(hepatic) by a couple of points
depending on which patients share a fold; repeating the split with other seeds and
averaging gives a steadier estimate. Every model of a comparison sees the same splits, so
their differences are paired (:func:`paired_difference`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from ..stats import Interval, bootstrap_interval
from .baselines import TwoOutcomeModel, _as_frame, _strata
from .data import SurvivalTargets
from .metric import WEIGHTS, score_parts
from .models import FAMILIES, Component

__all__ = ["repeated_cv_risks", "cv_summary", "compare_models", "paired_difference", "family_ablation"]


def _fit_predict(model: TwoOutcomeModel, X: pd.DataFrame, y: SurvivalTargets, train_idx: np.ndarray,
                 test_idx: np.ndarray) -> np.ndarray:
    return clone(model).fit(X.iloc[train_idx], y.subset(train_idx)).predict(X.iloc[test_idx])


def repeated_cv_risks(model: TwoOutcomeModel, X: pd.DataFrame, y: SurvivalTargets, n_splits: int = 5,
                      n_repeats: int = 1, seed: int = 0, n_jobs: int = 1) -> np.ndarray:
    """Out-of-fold risks of each repeat of a stratified K-fold, shape (n_repeats, n, 2).

    Repeat ``r`` uses ``StratifiedKFold(shuffle=True, random_state=seed + r)`` on the
    (liver event, death) strata, the split of :func:`~hdhkits.annitia.baselines.cross_val_predict_risks`
    for ``r = 0``. Folds run in ``n_jobs`` processes (joblib).
    """
    from joblib import Parallel, delayed

    X = _as_frame(X).reset_index(drop=True)
    tasks = [(r, train_idx, test_idx) for r in range(n_repeats)
             for train_idx, test_idx in StratifiedKFold(n_splits, shuffle=True, random_state=seed + r).split(
                 X, _strata(y))]
    outputs = Parallel(n_jobs=n_jobs)(delayed(_fit_predict)(model, X, y, tr, te) for _, tr, te in tasks)
    risks = np.full((n_repeats, len(X), 2), np.nan)
    for (r, _, test_idx), out in zip(tasks, outputs):
        risks[r, test_idx] = out
    return risks


def _mean_parts(y: SurvivalTargets, risks: np.ndarray, idx: np.ndarray) -> dict[str, float]:
    # Score of each repeat on the rows idx, averaged over repeats.
    sub = y.subset(idx)
    parts = [score_parts(sub, r[idx, 0], r[idx, 1]) for r in risks]
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
    risks = np.asarray(risks, dtype=float)
    if risks.ndim == 2:
        risks = risks[None]
    out: dict[str, float] = {}
    for key, low_key, high_key in (("score", "low", "high"), ("c_hepatic", "c_hepatic_low", "c_hepatic_high"),
                                   ("c_death", "c_death_low", "c_death_high")):
        interval = bootstrap_interval(lambda idx, k=key: _mean_parts(y, risks, idx)[k], len(y), n_boot=n_boot,
                                      seed=seed, strata=_strata(y))
        out.update({key: interval.estimate, low_key: interval.low, high_key: interval.high})
    return out


def compare_models(models: dict[str, TwoOutcomeModel], X: pd.DataFrame, y: SurvivalTargets, n_splits: int = 5,
                   n_repeats: int = 1, seed: int = 0, n_boot: int = 200, n_jobs: int = 1,
                   progress: bool = False) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Repeated cross-validation of every model on the same splits.

    Returns
    -------
    table : DataFrame
        One row per model, the columns of :func:`cv_summary`.
    oof : dict
        Out-of-fold risks (n_repeats, n, 2) per model.
    """
    items = list(models.items())
    if progress:
        from ..notebook import tqdm

        items = tqdm(items, desc=f"{n_repeats} x {n_splits}-fold CV")
    rows, oof = [], {}
    for name, model in items:
        oof[name] = repeated_cv_risks(model, X, y, n_splits=n_splits, n_repeats=n_repeats, seed=seed, n_jobs=n_jobs)
        rows.append({"model": name, **cv_summary(y, oof[name], n_boot=n_boot, seed=seed)})
    return pd.DataFrame(rows).set_index("model"), oof


def paired_difference(y: SurvivalTargets, risks_a: np.ndarray, risks_b: np.ndarray, n_boot: int = 200,
                      seed: int = 0) -> Interval:
    """Official score of ``risks_a`` minus that of ``risks_b`` (same splits), with a paired interval.

    Both are (n_repeats, n, 2) out-of-fold risks; each bootstrap resample scores both on
    the same patients, so the interval is that of the difference, narrower than the two
    separate intervals suggest.
    """
    a, b = (np.asarray(r, float) if np.ndim(r) == 3 else np.asarray(r, float)[None] for r in (risks_a, risks_b))
    return bootstrap_interval(lambda idx: _mean_parts(y, a, idx)["score"] - _mean_parts(y, b, idx)["score"],
                              len(y), n_boot=n_boot, seed=seed, strata=_strata(y))


def family_ablation(X: pd.DataFrame, y: SurvivalTargets, n_splits: int = 5, seed: int = 0,
                    n_boot: int = 0, families: tuple[str, ...] = FAMILIES, n_jobs: int = 1) -> pd.DataFrame:
    """What each feature family adds: a ridge Cox model on families added one at a time.

    The first row reads ``families[0]``; each next row adds one family (the default
    order ends with the clinical set after two rows, then adds what only the leaderboard
    model reads). A Cox model keeps this cheap; trees gain more from some families.

    Returns
    -------
    DataFrame
        Index ``+ <family>``; columns ``score``, ``c_hepatic``, ``c_death``, ``gain`` (score
        minus the previous row's) and ``n_features``; with ``n_boot`` > 0 also the intervals.
    """
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    from .models import add_followup_features, family_columns

    X = add_followup_features(_as_frame(X))
    rows = []
    for k in range(1, len(families) + 1):
        used = tuple(families[:k])
        model = TwoOutcomeModel(Component(CoxPHSurvivalAnalysis(alpha=100.0), used))
        risks = repeated_cv_risks(model, X, y, n_splits=n_splits, seed=seed, n_jobs=n_jobs)
        if n_boot:
            summary = cv_summary(y, risks, n_boot=n_boot, seed=seed)
        else:
            summary = _mean_parts(y, risks, np.arange(len(y)))
        rows.append({"family": ("" if k == 1 else "+ ") + families[k - 1], **summary,
                     "n_features": len(family_columns(list(X.columns), used))})
    table = pd.DataFrame(rows).set_index("family")
    table.insert(1, "gain", table["score"].diff())
    first = ["score", "gain", "c_hepatic", "c_death", "n_features"]
    return table[first + [c for c in table.columns if c not in first]]
