"""Evaluation helpers every kit shares: out-of-fold predictions and bootstrap intervals.

The three kits cross-validate different things (two survival models, a pair of
classifiers, a crop classifier), but the loop is the same: for each split, clone the
estimator, fit it on the training rows, predict the held-out rows, and put the
predictions back in place. The interval around a score is the same too: resample rows
(within strata), score again. Both live here so a kit writes only what is its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from .stats import Interval, bootstrap_interval

__all__ = ["bootstrap_difference", "bootstrap_score", "folds_from_labels", "out_of_fold", "take_rows"]


def take_rows(data: Any, idx: np.ndarray) -> Any:
    """Rows ``idx`` of a table, an array, a list or any object with ``subset(idx)``.

    Parameters
    ----------
    data : DataFrame, Series, ndarray, list or object with ``subset``
        What to index. Objects that hold several aligned arrays (ANNITIA's survival
        targets) expose ``subset(idx)``.
    idx : int array
        Row positions (repeats allowed, as in a bootstrap resample).

    Returns
    -------
    Same kind as ``data``
    """
    if data is None:
        return None
    if hasattr(data, "subset"):
        return data.subset(idx)
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return data.iloc[idx]
    if isinstance(data, list):
        return [data[i] for i in idx]
    return np.asarray(data)[idx]


def _predict(fitted: Any, X: Any, method: str | Callable) -> np.ndarray:
    if callable(method):
        return np.asarray(method(fitted, X))
    return np.asarray(getattr(fitted, method)(X))


def out_of_fold(
    estimator: Any,
    X: Any,
    y: Any,
    folds: Iterable[tuple[np.ndarray, np.ndarray]],
    method: str | Callable[[Any, Any], np.ndarray] = "predict",
) -> np.ndarray:
    """Out-of-fold predictions of any estimator over any splits.

    Each row's prediction comes from a clone of ``estimator`` fitted on the other folds'
    rows: the row was never seen by the model that scored it.

    Parameters
    ----------
    estimator : estimator
        Anything ``sklearn.base.clone`` accepts, with ``fit(X, y)``.
    X, y : table, array or object with ``subset``
        Training data, indexed with :func:`take_rows`.
    folds : iterable of (train_idx, test_idx)
        E.g. ``StratifiedKFold(...).split(X, strata)``; the test parts should cover the
        rows once each. Rows no split tests stay NaN.
    method : str or callable
        Name of the prediction method (``"predict"``, ``"predict_proba"``), or
        ``method(fitted, X_test)`` returning the predictions.

    Returns
    -------
    ndarray of shape (n_rows, ...)
        Float predictions in row order; the trailing shape is that of one fold's output.
    """
    n = len(X)
    out: np.ndarray | None = None
    for train_idx, test_idx in folds:
        fitted = clone(estimator).fit(take_rows(X, train_idx), take_rows(y, train_idx))
        pred = _predict(fitted, take_rows(X, test_idx), method)
        if out is None:
            out = np.full((n, *pred.shape[1:]), np.nan)
        out[test_idx] = pred
    if out is None:
        raise ValueError("no folds were given")
    return out


def folds_from_labels(fold: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Turn a fold number per row into ``(train_idx, test_idx)`` pairs, in fold order.

    Rows with a negative fold number are never tested (and always trained on).
    """
    fold = np.asarray(fold)
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in np.unique(fold[fold >= 0])]


def bootstrap_score(
    scorer: Callable[..., Any],
    *data: Any,
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
    strata: np.ndarray | None = None,
) -> Interval:
    """Percentile bootstrap interval of any scorer, resampling the rows of aligned data.

    Parameters
    ----------
    scorer : callable
        ``scorer(*rows)`` where each of ``rows`` is :func:`take_rows` of the matching
        ``data`` argument; returns a float or anything with a ``value`` attribute (a
        :class:`~hdhkits.problem.Score`). A resample it cannot score (``ValueError`` or
        NaN, e.g. no event drawn) is skipped.
    *data : tables, arrays or objects with ``subset``
        Aligned, same number of rows.
    n_boot, seed, level, strata
        As in :func:`hdhkits.stats.bootstrap_interval`.

    Returns
    -------
    Interval
        ``estimate`` is the scorer on all rows.
    """
    if not data:
        raise ValueError("bootstrap_score needs at least one array to resample")
    n = len(data[0])
    if any(len(d) != n for d in data[1:]):
        raise ValueError(f"bootstrap_score: the arrays have different lengths {[len(d) for d in data]}")

    def metric(idx: np.ndarray) -> float:
        value = scorer(*(take_rows(d, idx) for d in data))
        return float(getattr(value, "value", value))

    return bootstrap_interval(metric, n, n_boot=n_boot, seed=seed, level=level, strata=strata)


def bootstrap_difference(
    score_a: Callable[..., Any],
    score_b: Callable[..., Any],
    *data: Any,
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
    strata: np.ndarray | None = None,
) -> Interval:
    """Paired bootstrap interval of ``score_a - score_b``: both scored on the same resamples.

    The one paired difference of every kit (their ``paired_difference``): what the two
    share (the same hard patients, the same images) cancels out, so the interval of the
    difference is narrower than the two intervals side by side suggest.

    Parameters
    ----------
    score_a, score_b : callable
        ``score(*rows)`` as for :func:`bootstrap_score` (a float or a
        :class:`~hdhkits.problem.Score`).
    *data, n_boot, seed, level, strata
        As for :func:`bootstrap_score`.

    Returns
    -------
    Interval
        ``estimate`` is the difference on all rows.
    """

    def difference(*rows: Any) -> float:
        a, b = score_a(*rows), score_b(*rows)
        return float(getattr(a, "value", a)) - float(getattr(b, "value", b))

    return bootstrap_score(difference, *data, n_boot=n_boot, seed=seed, level=level, strata=strata)
