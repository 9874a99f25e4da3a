"""How the baselines are evaluated: grouped folds, the CNN's inner split, out-of-fold classes, the choice.

The folds (:func:`cv_folds`) are stratified by class and grouped by duplicate group, so
a validation score never sees a training picture; fold 0 is ``02_baseline``'s hold-out
fold. The CNN chooses its epoch on an *inner* split of the training part
(:func:`inner_split`), never on the fold it is reported on.
:func:`cross_validate_classical` names every box out of fold with the classical model;
:func:`choose_model` scores the models' hold-out predictions with bootstrap intervals
(:func:`~hdhkits.cytologia.metric.score_interval`) and keeps the higher score.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

from ..evaluation import folds_from_labels, out_of_fold
from .classical import make_classical
from .metric import score_difference_interval, score_interval

__all__ = [
    "MODEL_NAMES",
    "choose_model",
    "cross_validate_classical",
    "cv_folds",
    "inner_split",
    "subsample_train",
]

#: The competing classifiers, as named in the choice file and the notebooks.
MODEL_NAMES = {"cnn": "detector + CNN", "forest": "detector + features/forest"}


def subsample_train(train: pd.DataFrame, max_images: int | None, seed: int = 0) -> pd.DataFrame:
    """Keep the boxes of at most ``max_images`` train images (``None`` keeps all).

    Images are drawn at random by duplicate group, so duplicates stay together.
    """
    if max_images is None or train["NAME"].nunique() <= max_images:
        return train.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    per_group = train.drop_duplicates("NAME").groupby("group")["NAME"].apply(list)
    order = rng.permutation(len(per_group))
    keep, n = [], 0
    for i in order:
        names = per_group.iloc[i]
        if n + len(names) > max_images:
            continue
        keep += names
        n += len(names)
        if n >= max_images:
            break
    return train[train["NAME"].isin(keep)].reset_index(drop=True)


def cv_folds(train: pd.DataFrame, n_folds: int = 5, seed: int = 0) -> np.ndarray:
    """A fold number per train box: stratified by class, grouped by duplicate group.

    Duplicated images (same perceptual-hash group) and the cells of one image always
    fall in the same fold, so a validation score never sees a training picture. When no
    class has ``n_folds`` boxes (one box per class, say), the folds are grouped only.
    """
    if (train["class"].value_counts() < n_folds).all():
        # too few boxes of every class to stratify (one box per class, a handful of images):
        # folds grouped only, so duplicates and the cells of an image still stay together
        splitter = GroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    else:
        splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    fold = np.full(len(train), -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rare classes with fewer boxes than folds
        for k, (_, val) in enumerate(splitter.split(train, train["class"], groups=train["group"])):
            fold[val] = k
    return fold


def inner_split(
    train: pd.DataFrame, fold: np.ndarray, holdout: int = 0, n_folds: int = 5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Split the training part (``fold != holdout``) into rows to fit on and rows to stop on.

    The early-stopping rows are one of ``n_folds`` grouped folds of the training part
    (:func:`cv_folds`, stratified by class, grouped by duplicate group), so the
    hold-out fold stays untouched: a score reported on it has not chosen the epoch.

    Returns
    -------
    fit_idx, stop_idx : int arrays
        Row numbers of ``train``; together they are the training part.
    """
    part = np.flatnonzero(np.asarray(fold) != holdout)
    inner = cv_folds(train.iloc[part], n_folds, seed)
    return part[inner != 0], part[inner == 0]


def cross_validate_classical(
    features: pd.DataFrame | np.ndarray, labels: np.ndarray, fold: np.ndarray, seed: int = 0
) -> np.ndarray:
    """Out-of-fold classes of :func:`~hdhkits.cytologia.classical.make_classical` over the folds of :func:`cv_folds`.

    Each box is named by a forest fitted on the other folds
    (:func:`hdhkits.evaluation.out_of_fold`, folds in the order of their numbers).

    Parameters
    ----------
    features : DataFrame or ndarray
        One row per box (:func:`~hdhkits.cytologia.features.crop_features`).
    labels : array of str
        The true class of each box.
    fold : int array
        Fold number of each box.
    seed : int
        The forest's seed.

    Returns
    -------
    ndarray of str
        The predicted class of each box (object array).
    """
    # the forest encodes string classes by their sorted order: fitting it on those codes
    # grows the same trees, and out_of_fold's float output holds codes exactly
    classes, codes = np.unique(np.asarray(labels).astype(str), return_inverse=True)
    predicted = out_of_fold(make_classical(seed), features, codes, folds_from_labels(fold), method="predict")
    return classes.astype(object)[predicted.astype(int)]


def choose_model(truth: pd.DataFrame, predictions: dict[str, pd.DataFrame], n_boot: int = 200, seed: int = 0) -> dict:
    """Score each model's hold-out predictions and keep the highest score.

    Parameters
    ----------
    truth : DataFrame
        The hold-out annotations.
    predictions : dict
        Model name (``"cnn"``, ``"forest"``) to its predictions of the same boxes.
    n_boot, seed
        Bootstrap over hold-out images (:func:`~hdhkits.cytologia.metric.score_interval`).

    Returns
    -------
    dict
        ``model`` (the winner), ``reason`` (a sentence), ``scores`` (per model:
        ``score``, ``giou_term``, ``macro_f1``, each ``estimate, low, high``),
        ``difference`` (winner minus runner-up, paired bootstrap over the same
        resamples), ``n_images``, ``n_boxes``.
    """
    intervals = {name: score_interval(truth, pred, n_boot=n_boot, seed=seed) for name, pred in predictions.items()}
    ranked = sorted(intervals, key=lambda name: -intervals[name]["score"].estimate)
    best = ranked[0]
    scores = {
        name: {part: iv[part].as_dict() for part in ("score", "giou_term", "macro_f1")}
        for name, iv in intervals.items()
    }
    choice = {
        "model": best,
        "scores": scores,
        "n_images": int(truth["NAME"].nunique()),
        "n_boxes": int(len(truth)),
        "n_boot": n_boot,
        "difference": None,
    }
    label = MODEL_NAMES.get(best, best)
    if len(ranked) == 1:
        choice["reason"] = f"{label} is the only model: hold-out score {intervals[best]['score']}"
        return choice
    second = ranked[1]
    diff = score_difference_interval(truth, predictions[best], predictions[second], n_boot=n_boot, seed=seed)
    choice["difference"] = diff.as_dict()
    clear = diff.low > 0
    choice["reason"] = (
        f"{label} scores higher on the {choice['n_images']} hold-out images: {intervals[best]['score']} against "
        f"{intervals[second]['score']} for {MODEL_NAMES.get(second, second)}; difference {diff} (paired bootstrap), "
        + (
            "clearly above 0"
            if clear
            else "an interval that holds 0, so the hold-out fold hardly tells them apart; the higher estimate is kept"
        )
    )
    return choice
