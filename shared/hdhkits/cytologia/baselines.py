"""The baselines: the stain detector with the small CNN or the forest, and the oracle.

Two classifiers compete on the same detector boxes: the small CNN (:mod:`.cnn`, reached
through :func:`~hdhkits.cytologia.optional_torch.cnn_module`: torch is optional) and a
random forest on hand-made features (:mod:`~hdhkits.cytologia.classical`, :mod:`~hdhkits.cytologia.features`).
:func:`train_baseline` fits both on the training part of the grouped folds
(:func:`~hdhkits.cytologia.evaluation.cv_folds`), scores both on the hold-out fold
(fold 0) and keeps the one that scores higher there
(:func:`~hdhkits.cytologia.evaluation.choose_model`); the CNN chooses its epoch on an
*inner* validation split of the training part
(:func:`~hdhkits.cytologia.evaluation.inner_split`), never on the fold it is reported on.
:func:`hdhkits.cytologia.saved.save_model` writes what it chose into ``output_dir``;
``03_submission`` calls :func:`hdhkits.cytologia.saved.load_or_train`, which reloads it
or trains it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

from ..problem import Score
from .classical import make_classical
from .detector import StainDetector
from .evaluation import choose_model, cv_folds, inner_split, subsample_train
from .features import box_size_features, crop_features, extract_crops
from .metric import score
from .optional_torch import cnn_module
from .reader import CytologiaData

if TYPE_CHECKING:  # types only: at run time the CNN is reached through cnn_module (torch is optional)
    import torch

    from .cnn import CellNet, TrainConfig

__all__ = ["Baseline", "BaselineRun", "oracle_score", "train_baseline"]


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


@dataclass
class Baseline:
    """Detector + classifier (the CNN or the forest, ``meta["model"]``), ready to predict a submission."""

    detector: StainDetector
    model: CellNet | RandomForestClassifier
    meta: dict

    @property
    def kind(self) -> str:
        """``"cnn"`` or ``"forest"``."""
        return self.meta.get("model", "cnn")

    def predict(
        self, data: CytologiaData, table: pd.DataFrame, progress: bool = False, device: torch.device | str | None = None
    ) -> pd.DataFrame:
        """Fill ``x1, y1, x2, y2, class`` for every row of a table with ``NAME``
        (e.g. ``test.csv``: one row per cell to find).
        """
        boxes = self.detector.predict(data, table, progress=progress)
        crops = extract_crops(data, boxes, size=int(self.meta.get("crop_size", 72)), progress=progress)
        if self.kind == "forest":
            boxes["class"] = self.model.predict(crop_features(crops, boxes, progress=progress)) if len(boxes) else []
            return boxes
        cnn = cnn_module()
        proba = cnn.predict_proba(
            self.model,
            crops,
            box_size_features(boxes),
            cnn.pick_device(device or "auto"),
            crop=int(self.meta.get("crop", 64)),
        )
        boxes["class"] = np.asarray(self.meta["classes"])[proba.argmax(1)]
        return boxes


@dataclass
class BaselineRun:
    """What :func:`train_baseline` fitted, scored and chose."""

    baseline: Baseline  # the chosen model, with the detector
    choice: dict  # as saved in cytologia_choice.json
    history: pd.DataFrame  # the CNN's training curves (on the inner validation split)
    holdout: pd.DataFrame  # the hold-out annotations
    predictions: dict[str, pd.DataFrame] = field(default_factory=dict)  # hold-out predictions per model
    candidates: dict[str, Baseline] = field(default_factory=dict)  # both models, as scored


def _fit_models(
    data: CytologiaData,
    train: pd.DataFrame,
    fold: np.ndarray,
    out: Path,
    cfg: TrainConfig,
    device: Any,
    n_folds: int,
    seed: int,
    resume: bool,
    make_forest: Callable[[int], Any],
    progress: bool,
) -> tuple:
    """Train the CNN (stopping on the inner split) and the forest on the training folds."""
    cnn_package = cnn_module()
    crops = extract_crops(data, train, progress=progress)
    labels = train["class"].to_numpy()
    fit_idx, stop_idx = inner_split(train, fold, 0, n_folds, seed)
    cnn, history = cnn_package.train_cnn(
        crops,
        box_size_features(train),
        labels,
        fit_idx,
        stop_idx,
        cfg,
        device=device,
        progress=progress,
        checkpoint=out / cnn_package.CHECKPOINT_FILE,
        resume=resume,
    )
    features = crop_features(crops, train, progress=progress)
    forest = make_forest(seed).fit(features[fold != 0], labels[fold != 0])
    return cnn, history, forest, features, labels, (len(fit_idx), len(stop_idx))


def train_baseline(
    data: CytologiaData,
    output_dir: str | Path,
    max_train_images: int | None = None,
    epochs: int = 12,
    n_folds: int = 5,
    seed: int = 0,
    config: TrainConfig | None = None,
    device: torch.device | str | None = "auto",
    num_workers: int = 0,
    resume: bool = True,
    detector: StainDetector | None = None,
    n_boot: int = 200,
    progress: bool = True,
    make_forest: Callable[[int], Any] | None = None,
) -> BaselineRun:
    """Fit the detector, the CNN and the forest, score both on the hold-out fold, keep the better.

    Fold 0 of :func:`~hdhkits.cytologia.evaluation.cv_folds` is the hold-out fold; the
    detector calibration and the forest are fitted on the other folds; the CNN trains on
    them too, minus the inner split it stops on
    (:func:`~hdhkits.cytologia.evaluation.inner_split`). Both classify the detector's
    boxes of the hold-out images; the higher reconstructed score wins
    (:func:`~hdhkits.cytologia.evaluation.choose_model`). When the forest wins, it is
    refitted on all the train boxes (a refit takes seconds; the CNN submitted is the one
    scored, since a refit would cost a second training).

    The CNN writes its per-epoch checkpoint in ``output_dir``, from which an interrupted
    training resumes; :func:`hdhkits.cytologia.saved.save_model` writes the run's models
    and choice there.

    Parameters
    ----------
    data : CytologiaData
    output_dir : str or Path
        Where the CNN's training checkpoint goes.
    max_train_images : int, optional
        Train images used (:func:`~hdhkits.cytologia.evaluation.subsample_train`; ``None``: all).
    epochs, n_folds, seed
    config : TrainConfig, optional
        Default ``TrainConfig(epochs=epochs, seed=seed, num_workers=num_workers)``.
    device : str or torch.device
        For the CNN (:func:`~hdhkits.cytologia.cnn.device.pick_device`).
    num_workers : int
        DataLoader workers for the CNN.
    resume : bool
        Continue the CNN's training from its checkpoint in ``output_dir`` when there is one
        of the same settings.
    detector : StainDetector, optional
        Already fitted on the training part (``02_baseline`` fits it in its own section).
    n_boot : int
        Bootstrap resamples for the hold-out intervals.
    progress : bool
    make_forest : callable, optional
        ``make_forest(seed)`` returns the unfitted classical classifier (default
        :func:`~hdhkits.cytologia.classical.make_classical`; ``02_baseline`` writes one out
        in a cell a learner can edit).

    Returns
    -------
    BaselineRun
    """
    cnn_package = cnn_module()
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = cnn_package.pick_device(device)
    make_forest = make_forest or make_classical
    train = subsample_train(data.train, max_train_images, seed)
    fold = cv_folds(train, n_folds, seed)
    holdout = train[fold == 0].reset_index(drop=True)
    if detector is None:
        detector = StainDetector().fit(data, names=train.loc[fold != 0, "NAME"].unique().tolist(), seed=seed)
    cfg = config or cnn_package.TrainConfig(epochs=epochs, seed=seed, num_workers=num_workers)
    cnn, history, forest, features, labels, (n_fit, n_stop) = _fit_models(
        data, train, fold, out, cfg, device, n_folds, seed, resume, make_forest, progress
    )
    settings = {"seed": seed, "max_train_images": max_train_images, "n_folds": n_folds, "holdout_fold": 0}
    candidates = _candidates(detector, cnn, history, cfg, forest, fold, settings, n_fit, n_stop)

    detected = detector.predict(data, holdout[["NAME"]], progress=progress)
    hold_crops = extract_crops(data, detected)
    predictions = {
        "cnn": detected.assign(
            **{
                "class": np.asarray(candidates["cnn"].meta["classes"])[
                    cnn_package.predict_proba(
                        cnn, hold_crops, box_size_features(detected), device, crop=cfg.crop
                    ).argmax(1)
                ]
            }
        ),
        "forest": detected.assign(**{"class": forest.predict(crop_features(hold_crops, detected))}),
    }
    choice = choose_model(holdout, predictions, n_boot=n_boot, seed=seed)
    choice["settings"] = {**settings, "epochs": cfg.epochs}
    chosen = candidates[choice["model"]]
    if choice["model"] == "forest":
        refit = make_forest(seed).fit(features, labels)  # all train boxes: the choice is made, refit is cheap
        chosen = Baseline(detector, refit, {**chosen.meta, "n_fit_boxes": int(len(train)), "refit_on_all": True})
        choice["forest_meta"] = chosen.meta
    return BaselineRun(chosen, choice, history, holdout, predictions, candidates)


def _candidates(
    detector: StainDetector,
    cnn: CellNet,
    history: pd.DataFrame,
    cfg: TrainConfig,
    forest: Any,
    fold: np.ndarray,
    settings: dict,
    n_fit: int,
    n_stop: int,
) -> dict[str, Baseline]:
    """The two fitted baselines with their metadata (the CNN's as :func:`~hdhkits.cytologia.cnn.save_cnn` writes it)."""
    cnn_meta = {
        "model": "cnn",
        "crop_size": 72,
        "crop": cfg.crop,
        "width": cfg.width,
        "epochs_run": int(len(history)),
        "best_epoch": int(history["val_macro_f1"].idxmax() + 1),
        "best_val_macro_f1": float(history["val_macro_f1"].max()),
        "n_fit_boxes": int(n_fit),
        "n_stop_boxes": int(n_stop),
        "device": history.attrs.get("device"),
        **settings,
    }
    forest_meta = {
        "model": "forest",
        "crop_size": 72,
        "classes": [str(c) for c in forest.classes_],
        "n_fit_boxes": int((fold != 0).sum()),
        **settings,
    }
    return {
        "cnn": Baseline(detector, cnn, cnn_module().cnn_meta(cnn, cnn_meta)),
        "forest": Baseline(detector, forest, forest_meta),
    }
