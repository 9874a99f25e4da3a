"""How the models are evaluated: grouped folds, the CNN's inner split, out-of-fold classes, intervals.

The folds (:func:`cv_folds`) are stratified by class and grouped by duplicate group, so
a validation score never sees a training picture; the first pair is ``02_baseline``'s
hold-out split (fold 0). The CNN chooses its epoch on an *inner* split of the training
part (:func:`inner_split`), never on the fold it is reported on.
:func:`out_of_fold_classes` names every box out of fold with any classifier of the crop
features. :func:`score_interval` gives the reconstructed score and its parts with 95 %
bootstrap intervals that resample whole images, and :func:`paired_difference` the
difference between two predictions of the same boxes, bootstrapped paired
(:func:`hdhkits.evaluation.bootstrap_difference`). :func:`f1_by_class` gives the F1 of
each class for several predictions of the same boxes, matched as the metric matches them.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

from ..evaluation import bootstrap_difference, bootstrap_score, folds_from_labels, out_of_fold
from ..findings import DataError
from ..stats import Interval
from .classes import CLASSES
from .metric import match_boxes, per_class_f1, resampled_parts

__all__ = [
    "cv_folds",
    "f1_by_class",
    "inner_split",
    "out_of_fold_classes",
    "paired_difference",
    "score_interval",
    "subsample_train",
]

#: The parts of the score :func:`score_interval` gives, in order.
SCORE_PARTS = ("score", "giou_term", "mean_giou", "macro_f1")


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


def _fold_labels(train: pd.DataFrame, n_splits: int, seed: int) -> np.ndarray:
    """A fold number per box, stratified by class and grouped by duplicate group."""
    if (train["class"].value_counts() < n_splits).all():
        # too few boxes of every class to stratify (one box per class, a handful of images):
        # folds grouped only, so duplicates and the cells of an image still stay together
        splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    else:
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    fold = np.full(len(train), -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rare classes with fewer boxes than folds
        for k, (_, val) in enumerate(splitter.split(train, train["class"], groups=train["group"])):
            fold[val] = k
    return fold


def cv_folds(
    train: pd.DataFrame, n_splits: int = 5, n_repeats: int = 1, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train rows, validation rows)`` pairs over the boxes, stratified by class, grouped by duplicate group.

    Duplicated images (same perceptual-hash group) and the cells of one image always
    fall on the same side of a split, so a validation score never sees a training
    picture. When no class has ``n_splits`` boxes (one box per class, say), the folds are
    grouped only. The first pair is ``02_baseline``'s hold-out split: its validation
    rows are the hold-out fold (fold 0).

    Parameters
    ----------
    train : DataFrame
        The box table the notebook trains on (``read_dataset(...).train``, or its
        :func:`subsample_train`): columns ``class`` and ``group``.
    n_splits : int
        Folds per repeat.
    n_repeats : int
        Repeats, each with other folds (repeat ``r`` shuffles with seed ``seed + r``).
    seed : int
        Seed of the first repeat.

    Returns
    -------
    list of (ndarray, ndarray)
        ``n_splits * n_repeats`` pairs of sorted row positions of ``train``, repeat after
        repeat, fold after fold; the validation rows of one repeat cover every box once.
    """
    if n_splits < 2 or n_repeats < 1:
        raise DataError(
            "<cv_folds>",
            [
                f"n_splits must be at least 2 and n_repeats at least 1 (got {n_splits}, {n_repeats}); use the defaults 5 and 1"
            ],
        )
    folds: list[tuple[np.ndarray, np.ndarray]] = []
    for repeat in range(n_repeats):
        folds += folds_from_labels(_fold_labels(train, n_splits, seed + repeat))
    return folds


def inner_split(
    train: pd.DataFrame, train_rows: np.ndarray, n_splits: int = 5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Split the training rows of a fold into rows to fit on and rows to stop on.

    The early-stopping rows are the first validation fold of :func:`cv_folds` over the
    training rows (stratified by class, grouped by duplicate group), so the fold held
    out stays untouched: a score reported on it has not chosen the epoch.

    Parameters
    ----------
    train : DataFrame
        The box table of :func:`cv_folds`.
    train_rows : int array
        The training rows of one of its pairs (the hold-out split's: ``cv_folds(train)[0][0]``).
    n_splits, seed
        As for :func:`cv_folds`.

    Returns
    -------
    fit_idx, stop_idx : int arrays
        Row numbers of ``train``; together they are ``train_rows``.
    """
    part = np.sort(np.asarray(train_rows))
    fit, stop = cv_folds(train.iloc[part], n_splits, seed=seed)[0]
    return part[fit], part[stop]


def out_of_fold_classes(
    model: Any, features: pd.DataFrame | np.ndarray, labels: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """The class of every box named by a copy of ``model`` fitted on the other folds.

    :func:`hdhkits.evaluation.out_of_fold` over the folds of :func:`cv_folds` (one
    repeat): each box is named by a classifier that never saw it.

    Parameters
    ----------
    model : classifier
        Unfitted scikit-learn classifier of the crop features (``fit``, ``predict``).
    features : DataFrame or ndarray
        One row per box (:func:`~hdhkits.cytologia.features.crop_features`).
    labels : array of str
        The true class of each box.
    folds : list of (train rows, validation rows)
        :func:`cv_folds`' pairs of one repeat.

    Returns
    -------
    ndarray of str
        The predicted class of each box (object array).
    """
    # the classifier learns the class codes themselves; each prediction comes back as the
    # code's number in the sorted classes, which out_of_fold's float output holds exactly
    labels = np.asarray(labels).astype(str)
    classes = np.unique(labels)

    def class_numbers(fitted: Any, rows: Any) -> np.ndarray:
        return np.searchsorted(classes, np.asarray(fitted.predict(rows)).astype(str))

    predicted = out_of_fold(model, features, labels, folds, method=class_numbers)
    return classes.astype(object)[predicted.astype(int)]


def score_interval(
    truth: pd.DataFrame, predictions: pd.DataFrame, n_boot: int = 200, seed: int = 0
) -> dict[str, Interval]:
    """The reconstructed score and its parts with 95 % percentile bootstrap intervals that resample images.

    The boxes of one image are not independent (one detection, one stain, one
    laboratory), so the bootstrap draws whole images with replacement
    (:func:`hdhkits.evaluation.bootstrap_score` over the images): an image drawn twice
    brings all its truth boxes twice. The boxes are matched once; each resample then
    only sums per-image counts (:func:`~hdhkits.cytologia.metric.resampled_parts`), so
    200 resamples of a few thousand boxes take milliseconds.

    Parameters
    ----------
    truth : DataFrame
        The annotations: ``NAME, x1, y1, x2, y2, class``, one row per cell (the
        hold-out boxes, or a twin's ``test_truth.csv``).
    predictions : DataFrame
        A prediction of the same images, same columns (a submission, or the detector's
        boxes classified by a model).
    n_boot : int
        Number of resamples.
    seed : int
        Seed of the resampling.

    Returns
    -------
    dict of str to Interval
        ``score``, ``giou_term``, ``mean_giou`` and ``macro_f1``; each ``estimate`` is
        the value of :func:`~hdhkits.cytologia.metric.score_details` on all the images.

    Raises
    ------
    DataError
        If the truth lacks a column, is empty or holds fewer than two images.
    """
    names, parts = resampled_parts(truth, predictions)
    images = np.arange(len(names))  # resampling image numbers draws whole images
    return {
        name: bootstrap_score(lambda idx, p=name: parts(idx)[p], images, n_boot=n_boot, seed=seed)
        for name in SCORE_PARTS
    }


def paired_difference(
    truth: pd.DataFrame, predictions: pd.DataFrame, reference: pd.DataFrame, n_boot: int = 200, seed: int = 0
) -> Interval:
    """Score of ``predictions`` minus that of ``reference``, with a paired bootstrap interval over images.

    Both are scored on the same resamples of the truth's images
    (:func:`hdhkits.evaluation.bootstrap_difference`), so what the two share (the same
    detector boxes, the same hard images) cancels out: the interval of the difference
    is narrower than the two intervals of :func:`score_interval` side by side suggest.

    Parameters
    ----------
    truth : DataFrame
        The annotations, as for :func:`score_interval`.
    predictions, reference : DataFrame
        Two predictions of the same images.
    n_boot, seed
        As for :func:`score_interval`.

    Returns
    -------
    Interval
        ``estimate`` is ``score(predictions) - score(reference)`` on all the images.
    """
    names, parts = resampled_parts(truth, predictions)
    reference_names, reference_parts = resampled_parts(truth, reference)
    if not np.array_equal(np.asarray(names), np.asarray(reference_names)):  # both follow the truth's rows
        raise DataError("truth", ["the two predictions were matched to different images"])
    return bootstrap_difference(
        lambda idx: parts(idx)["score"],
        lambda idx: reference_parts(idx)["score"],
        np.arange(len(names)),
        n_boot=n_boot,
        seed=seed,
    )


def f1_by_class(
    truth: pd.DataFrame, predictions: Mapping[str, pd.DataFrame], classes: tuple[str, ...] = CLASSES
) -> pd.DataFrame:
    """The F1 of every class for each prediction of the truth's boxes, matched as the metric matches them.

    Each truth box takes the class of the predicted box of its image with the highest GIoU
    (:func:`~hdhkits.cytologia.metric.match_boxes`), then the F1 of each class is
    :func:`~hdhkits.cytologia.metric.per_class_f1`'s. A class without a truth box has no
    F1 (NaN), which a figure can tell from an F1 of 0 (a class present and never named).

    Parameters
    ----------
    truth : DataFrame
        The annotations: ``NAME, x1, y1, x2, y2, class``.
    predictions : mapping of str to DataFrame
        Predictions of the same images (same columns), by the label of their column.
    classes : tuple of str
        The rows, in order (default: the 23 codes).

    Returns
    -------
    DataFrame
        Indexed by class: ``boxes`` (the truth's boxes of the class), then one F1 column
        per prediction.
    """
    boxes = truth["class"].astype(str).value_counts().reindex(list(classes), fill_value=0)
    table = pd.DataFrame({"boxes": boxes.to_numpy()}, index=pd.Index(list(classes), name="class"))
    for label, prediction in predictions.items():
        matched = match_boxes(truth, prediction)
        f1 = per_class_f1(matched["class"].astype(str), matched["pred_class"].astype(str))["f1"]
        table[label] = f1.reindex(list(classes)).where(boxes > 0)
    return table
