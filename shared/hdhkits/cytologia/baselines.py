"""The models: the stain detector with a classifier of the cells it finds, fitted one way; and the oracle.

A fitted CYTOLOGIA model is a :class:`Baseline`: the stain detector
(:class:`~hdhkits.cytologia.detector.StainDetector`) and a classifier of its boxes. The
classifier is the small CNN (:mod:`.cnn`, reached through
:func:`~hdhkits.cytologia.optional_torch.cnn_module`: torch is optional; its unfitted form
is a :class:`~hdhkits.cytologia.cnn.training.TrainConfig`) or any scikit-learn classifier
of the hand-made crop features (:func:`~hdhkits.cytologia.features.crop_features`): the
kit's random forest (:func:`~hdhkits.cytologia.classical.make_classical`) or the
participant's own ("Your model" in ``02_baseline``).

One recipe fits them all (:func:`fit_baseline`, what ``PROBLEM.fit_model`` runs): the train
boxes (:func:`~hdhkits.cytologia.evaluation.subsample_train`), the grouped folds
(:func:`~hdhkits.cytologia.evaluation.cv_folds`), the detector calibrated on the training
part of the hold-out split (fold 0 held out), then the classifier: a features classifier on
every train box, the CNN on the training part minus the inner split it stops on
(:func:`~hdhkits.cytologia.evaluation.inner_split`). :func:`train_baseline` is
``02_baseline``'s comparison: every model fitted on the training part only and its
predictions of the detector's boxes of the hold-out images; :meth:`BaselineRun.final`
then gives the model to save, the same as :func:`fit_baseline` makes.
"""

from __future__ import annotations

import copy
import dataclasses
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from ..findings import DataError
from ..problem import Score
from .detector import StainDetector
from .evaluation import cv_folds, inner_split, subsample_train
from .features import box_size_features, crop_features, extract_crops
from .metric import score
from .optional_torch import cnn_module
from .reader import CytologiaData

if TYPE_CHECKING:  # types only: at run time the CNN is reached through cnn_module (torch is optional)
    import torch

    from .cnn import CellNet

__all__ = [
    "LEARNING_SETTINGS",
    "SETTINGS",
    "Baseline",
    "BaselineRun",
    "fit_baseline",
    "full_settings",
    "is_cnn",
    "oracle_score",
    "train_baseline",
    "unfitted_copy",
]

#: The notebooks' ``settings`` (the same dict in ``02_baseline`` and ``03_submission``), with
#: their defaults outside quick mode (None for ``max_train_images``: every train image).
SETTINGS: dict[str, Any] = {
    "max_train_images": 3000,
    "epochs": 10,
    "n_folds": 5,
    "images_dir": "images",
    "device": "auto",
    "num_workers": 0,
    "resume": True,
}
#: The defaults quick mode changes: a tenth of the train images and more epochs over them. With
#: about 170 training crops (7 per class) a CNN trained from scratch needs some 20 to 30 epochs
#: to leave chance; at 5 it stayed there (``benchmarks/bench_cytologia_cnn_quick.py``).
QUICK_SETTINGS: dict[str, Any] = {"max_train_images": 300, "epochs": 30}
#: The settings that change what a model learns (stamped); the others say how fast, or on what device.
LEARNING_SETTINGS: tuple[str, ...] = ("max_train_images", "epochs", "n_folds", "images_dir")
#: Side of the crops the features are computed on (:func:`~hdhkits.cytologia.features.extract_crops`'s default).
CROP_SIZE = 72


def full_settings(settings: dict | None = None, quick: bool = False) -> dict:
    """Every setting: those given, else quick mode's default, else :data:`SETTINGS`'.

    Raises
    ------
    DataError
        A key that is not a setting of the kit.
    """
    given = dict(settings or {})
    unknown = sorted(set(given) - set(SETTINGS))
    if unknown:
        raise DataError(
            "<settings>",
            [f"unknown setting(s) {unknown}; the CYTOLOGIA settings are {', '.join(SETTINGS)}"],
        )
    return {**SETTINGS, **(QUICK_SETTINGS if quick else {}), **given}


def oracle_score(truth: pd.DataFrame) -> Score:
    """The truth scored against itself: the *truth (sanity check)*, 1 by construction.

    The kit contract's ``oracle_score`` (the metric applied to a twin's true generating
    predictions) coincides with it here: CYTOLOGIA's twin draws each cell's class and box
    outright, so its generating prediction is the truth itself. The notebooks call the
    number what it is, a check that the metric and the files line up.

    Parameters
    ----------
    truth : DataFrame
        ``test_truth.csv`` (``trustii_id, NAME, x1, y1, x2, y2, class``).

    Returns
    -------
    Score
        Every box its own best match and every class right: value 1 and every part 1.
    """
    return score(truth, truth)


def is_cnn(model: Any) -> bool:
    """Whether ``model`` is the CNN's unfitted form, a :class:`~hdhkits.cytologia.cnn.training.TrainConfig`.

    Never imports torch: without the CNN's module loaded, nothing can be one.
    """
    training = sys.modules.get(f"{__package__}.cnn.training")
    return training is not None and isinstance(model, training.TrainConfig)


def unfitted_copy(model: Any) -> Any:
    """A fresh copy of a classifier: scikit-learn's ``clone``, else a deep copy (a class without ``get_params``)."""
    try:
        return clone(model)
    except TypeError:
        return copy.deepcopy(model)


@dataclass
class Baseline:
    """A fitted model: the detector and its classifier (``meta["model"]``: ``"cnn"`` or ``"features"``)."""

    detector: StainDetector
    model: CellNet | Any
    meta: dict

    @property
    def kind(self) -> str:
        """``"cnn"`` (the CNN on crops) or ``"features"`` (a classifier of the crop features)."""
        return self.meta.get("model", "cnn")

    def classify(
        self,
        boxes: pd.DataFrame,
        crops: np.ndarray,
        features: pd.DataFrame | None = None,
        device: torch.device | str | None = None,
    ) -> np.ndarray:
        """The class of each box, from its crop (``crops``: :func:`~hdhkits.cytologia.features.extract_crops`).

        ``features`` (:func:`~hdhkits.cytologia.features.crop_features` of the crops) are
        computed when not given; the CNN runs on ``device`` (default ``"auto"``).
        """
        if not len(boxes):
            return np.array([], dtype=object)
        if self.kind != "cnn":
            classifier: Any = self.model  # a scikit-learn classifier of the crop features, not a CellNet
            return np.asarray(classifier.predict(crop_features(crops, boxes) if features is None else features))
        cnn = cnn_module()
        proba = cnn.predict_proba(
            self.model, crops, box_size_features(boxes), cnn.pick_device(device or "auto"), crop=int(self.meta["crop"])
        )
        return np.asarray(self.meta["classes"])[proba.argmax(1)]

    def predict(
        self, data: CytologiaData, table: pd.DataFrame, progress: bool = False, device: torch.device | str | None = None
    ) -> pd.DataFrame:
        """Fill ``x1, y1, x2, y2, class`` for every row of a table with ``NAME``
        (e.g. ``test.csv``: one row per cell to find).
        """
        boxes = self.detector.predict(data, table, progress=progress)
        crops = extract_crops(data, boxes, size=int(self.meta.get("crop_size", CROP_SIZE)), progress=progress)
        features = crop_features(crops, boxes, progress=progress) if self.kind != "cnn" and len(boxes) else None
        boxes["class"] = self.classify(boxes, crops, features, device)
        return boxes


def training_boxes(data: CytologiaData, settings: dict, seed: int = 0) -> tuple[pd.DataFrame, list]:
    """The train boxes the models learn from (:func:`subsample_train`) and their folds (:func:`cv_folds`)."""
    train = subsample_train(data.train, settings["max_train_images"], seed)
    return train, cv_folds(train, settings["n_folds"], seed=seed)


def calibrated_detector(data: CytologiaData, train: pd.DataFrame, rows: np.ndarray, seed: int = 0) -> StainDetector:
    """The detector calibrated on the images of the boxes ``rows`` of ``train`` (the hold-out split's training part)."""
    return StainDetector().fit(data, names=train.iloc[np.sort(rows)]["NAME"].unique().tolist(), seed=seed)


def _fit_features_model(
    model: Any, detector: StainDetector, features: pd.DataFrame, labels: np.ndarray, meta: dict
) -> Baseline:
    """A copy of ``model`` fitted on the crop features of the given boxes, with the detector."""
    fitted = unfitted_copy(model).fit(features, labels)
    classes = getattr(fitted, "classes_", None)
    info = {
        "model": "features",
        "classifier": type(fitted).__name__,
        "crop_size": CROP_SIZE,
        "classes": None if classes is None else [str(c) for c in classes],
        "n_fit_boxes": len(labels),
    }
    return Baseline(detector, fitted, {**info, **meta})


def _fit_cnn(
    config: Any,
    detector: StainDetector,
    train: pd.DataFrame,
    folds: list,
    crops: np.ndarray,
    settings: dict,
    meta: dict,
    checkpoint: Path | None,
    progress: bool,
) -> tuple[Baseline, pd.DataFrame]:
    """The CNN trained on the hold-out split's training part, stopping on its inner split; and its history."""
    cnn = cnn_module()
    cfg = dataclasses.replace(config, num_workers=int(settings["num_workers"]))
    fit_idx, stop_idx = inner_split(train, folds[0][0], settings["n_folds"], seed=meta["seed"])
    model, history = cnn.train_cnn(
        crops,
        box_size_features(train),
        train["class"].to_numpy(),
        fit_idx,
        stop_idx,
        cfg,
        device=cnn.pick_device(settings["device"]),
        progress=progress,
        checkpoint=checkpoint,
        resume=bool(settings["resume"]),
    )
    info = {
        "model": "cnn",
        "crop_size": CROP_SIZE,
        "crop": cfg.crop,
        "config": dataclasses.asdict(config),
        "epochs_run": len(history),
        "best_epoch": int(history["val_macro_f1"].idxmax() + 1),
        "best_val_macro_f1": float(history["val_macro_f1"].max()),
        "n_fit_boxes": len(fit_idx),
        "n_stop_boxes": len(stop_idx),
        "device": history.attrs.get("device"),
    }
    return Baseline(detector, model, cnn.cnn_meta(model, {**info, **meta})), history


def fit_baseline(
    model: Any,
    data: CytologiaData,
    settings: dict | None = None,
    seed: int = 0,
    quick: bool = False,
    checkpoint: str | Path | None = None,
    progress: bool = True,
) -> Baseline:
    """Fit the detector and a classifier on the train boxes: the one recipe of every model.

    The detector is calibrated on the training part of the hold-out split (fold 0 of
    :func:`~hdhkits.cytologia.evaluation.cv_folds` held out, as ``02_baseline`` scores it); a
    features classifier is then fitted on every train box, and the CNN on the training
    part minus the inner split it stops on (a second training on every box would double
    its cost: the CNN submitted is the one ``02_baseline`` scored).

    Parameters
    ----------
    model : TrainConfig or classifier
        Unfitted: the CNN's :class:`~hdhkits.cytologia.cnn.training.TrainConfig`, or a
        scikit-learn classifier of :func:`~hdhkits.cytologia.features.crop_features`
        (copied, never fitted in place).
    data : CytologiaData
        :func:`~hdhkits.cytologia.reader.read_dataset`'s result.
    settings : dict, optional
        The notebooks' settings (:func:`full_settings` fills the others).
    seed : int
    quick : bool
        Quick mode (its defaults for the settings not given).
    checkpoint : str or Path, optional
        The CNN's training checkpoint (resumed when ``settings["resume"]``).
    progress : bool

    Returns
    -------
    Baseline
    """
    s = full_settings(settings, quick)
    train, folds = training_boxes(data, s, seed)
    detector = calibrated_detector(data, train, folds[0][0], seed)
    crops = extract_crops(data, train, progress=progress)
    meta = {"seed": seed, "max_train_images": s["max_train_images"], "n_folds": s["n_folds"], "holdout_fold": 0}
    if is_cnn(model):
        ckpt = Path(checkpoint) if checkpoint is not None else None
        return _fit_cnn(model, detector, train, folds, crops, s, meta, ckpt, progress)[0]
    features = crop_features(crops, train, progress=progress)
    return _fit_features_model(model, detector, features, train["class"].to_numpy(), {**meta, "refit_on_all": True})


@dataclass
class BaselineRun:
    """What :func:`train_baseline` fitted on the training part of the hold-out split, and predicted on its hold-out fold."""

    train: pd.DataFrame  # the train boxes
    folds: list  # their cv_folds; the first pair is the hold-out split
    holdout: pd.DataFrame  # the hold-out annotations (fold 0)
    detected: pd.DataFrame  # the detector's boxes of the hold-out images
    models: dict[str, Any]  # the unfitted models, by name
    features: pd.DataFrame  # crop features of every train box (for the refits of final)
    candidates: dict[str, Baseline] = field(default_factory=dict)  # each model fitted on the training part
    predictions: dict[str, pd.DataFrame] = field(default_factory=dict)  # their hold-out predictions
    seconds: dict[str, float] = field(default_factory=dict)  # their fitting time
    history: pd.DataFrame | None = None  # the CNN's training curves (on the inner validation split)

    def final(self, name: str) -> Baseline:
        """The model ``name`` to save: a features classifier refitted on every train box (seconds), the CNN as scored.

        The same model :func:`fit_baseline` makes (what ``03_submission`` trains when no
        saved model applies).
        """
        candidate = self.candidates[name]
        if candidate.kind == "cnn":
            return candidate
        meta = {k: candidate.meta[k] for k in ("seed", "max_train_images", "n_folds", "holdout_fold")}
        return _fit_features_model(
            self.models[name],
            candidate.detector,
            self.features,
            self.train["class"].to_numpy(),
            {**meta, "refit_on_all": True},
        )


def train_baseline(
    data: CytologiaData,
    models: dict[str, Any],
    output_dir: str | Path,
    settings: dict | None = None,
    seed: int = 0,
    quick: bool = False,
    detector: StainDetector | None = None,
    progress: bool = True,
    crops: np.ndarray | None = None,
    features: pd.DataFrame | None = None,
) -> BaselineRun:
    """Fit every model on the training part of the hold-out split and classify the detector's hold-out boxes.

    ``02_baseline``'s comparison: the same train boxes, folds and detector for each
    model (:func:`fit_baseline`'s), each scored end to end on the images of the hold-out
    fold (fold 0), which neither the detector's calibration, the classifiers nor the
    CNN's early stopping saw.

    Parameters
    ----------
    data : CytologiaData
    models : dict
        Unfitted models by name (``PROBLEM.make_model``'s, your classifier of the crop features).
    output_dir : str or Path
        Where the CNN writes its per-epoch checkpoint (``cytologia_cnn_checkpoint.pt``), from
        which an interrupted training resumes.
    settings : dict, optional
        The notebooks' settings (:func:`full_settings`).
    seed, quick
    detector : StainDetector, optional
        Already calibrated on the training part (``02_baseline`` fits it in its own section).
    progress : bool
    crops, features : optional
        The crops and crop features of the training boxes (:func:`training_boxes`), when the
        caller has them already (``02_baseline`` makes them for the forest's
        cross-validation): made here otherwise.

    Returns
    -------
    BaselineRun

    Raises
    ------
    ValueError
        ``crops`` or ``features`` do not have one row per training box.
    """
    s = full_settings(settings, quick)
    train, folds = training_boxes(data, s, seed)
    fit_rows, hold_rows = folds[0]
    holdout = train.iloc[hold_rows].reset_index(drop=True)
    detector = detector or calibrated_detector(data, train, fit_rows, seed)
    for given in (crops, features):
        if given is not None and len(given) != len(train):
            raise ValueError(f"{len(given)} crops or feature rows for {len(train)} training boxes: make them from them")
    crops = extract_crops(data, train, progress=progress) if crops is None else crops
    features = crop_features(crops, train, progress=progress) if features is None else features
    detected = detector.predict(data, holdout[["NAME"]], progress=progress)
    hold_crops = extract_crops(data, detected)
    hold_features = crop_features(hold_crops, detected)
    run = BaselineRun(train, folds, holdout, detected, dict(models), features)
    meta = {"seed": seed, "max_train_images": s["max_train_images"], "n_folds": s["n_folds"], "holdout_fold": 0}
    labels = train["class"].to_numpy()
    for name, model in models.items():
        start = time.perf_counter()
        if is_cnn(model):
            checkpoint = Path(output_dir) / cnn_module().CHECKPOINT_FILE
            fitted, run.history = _fit_cnn(model, detector, train, folds, crops, s, meta, checkpoint, progress)
        else:
            fitted = _fit_features_model(model, detector, features.iloc[fit_rows], labels[fit_rows], meta)
        run.seconds[name] = time.perf_counter() - start
        run.candidates[name] = fitted
        device = s["device"] if fitted.kind == "cnn" else None
        run.predictions[name] = detected.assign(
            **{"class": fitted.classify(detected, hold_crops, hold_features, device)}
        )
    return run
