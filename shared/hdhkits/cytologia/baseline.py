"""The baseline pipeline: subsample, split by duplicate group, detect, crop, classify.

The notebooks call these steps; ``03_submission`` calls :func:`load_or_train_baseline`,
which reloads what ``02_baseline`` saved in ``output_dir`` or trains it again.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedGroupKFold

from .cnn import CellNet, TrainConfig, default_device, load_model, predict_proba, save_model, train_cnn
from .detector import StainDetector
from .features import box_size_features, extract_crops
from .reader import CytologiaData

__all__ = ["DETECTOR_FILE", "subsample_train", "grouped_folds", "make_classical", "Baseline", "train_baseline",
           "load_or_train_baseline"]

DETECTOR_FILE = "cytologia_detector.json"


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


def grouped_folds(train: pd.DataFrame, n_folds: int = 5, seed: int = 0) -> np.ndarray:
    """A fold number per train box: stratified by class, grouped by duplicate group.

    Duplicated images (same perceptual-hash group) and the cells of one image always
    fall in the same fold, so a validation score never sees a training picture.
    """
    splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    fold = np.full(len(train), -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rare classes with fewer boxes than folds
        for k, (_, val) in enumerate(splitter.split(train, train["class"], groups=train["group"])):
            fold[val] = k
    return fold


def make_classical(seed: int = 0, n_jobs: int | None = None) -> RandomForestClassifier:
    """The classical classifier for :func:`~hdhkits.cytologia.features.crop_features`.

    A random forest with class-balanced weights: seconds to fit on a laptop, no scaling
    of the features needed.
    """
    return RandomForestClassifier(n_estimators=300, min_samples_leaf=2, max_features="sqrt",
                                  class_weight="balanced_subsample", n_jobs=n_jobs, random_state=seed)


@dataclass
class Baseline:
    """Detector + CNN, ready to predict a submission."""

    detector: StainDetector
    model: CellNet
    meta: dict

    def predict(self, data: CytologiaData, table: pd.DataFrame, progress: bool = False,
                device: torch.device | str | None = None) -> pd.DataFrame:
        """Fill ``x1, y1, x2, y2, class`` for every row of a table with ``NAME``
        (e.g. ``test.csv``: one row per cell to find)."""
        boxes = self.detector.predict(data, table, progress=progress)
        crops = extract_crops(data, boxes, size=int(self.meta.get("crop_size", 72)), progress=progress)
        proba = predict_proba(self.model, crops, box_size_features(boxes), device or default_device(),
                              crop=int(self.meta.get("crop", 64)))
        boxes["class"] = np.asarray(self.meta["classes"])[proba.argmax(1)]
        return boxes


def train_baseline(data: CytologiaData, output_dir: str | Path, max_train_images: int | None = None,
                   epochs: int = 12, n_folds: int = 5, seed: int = 0, config: TrainConfig | None = None,
                   progress: bool = True) -> tuple[Baseline, pd.DataFrame]:
    """Fit the detector calibration and the CNN (validation = fold 0), and save both.

    Returns
    -------
    Baseline
    history : DataFrame
        The CNN's training curves.
    """
    train = subsample_train(data.train, max_train_images, seed)
    fold = grouped_folds(train, n_folds, seed)
    names_fit = train.loc[fold != 0, "NAME"].unique().tolist()
    detector = StainDetector().fit(data, names=names_fit, seed=seed)
    crops = extract_crops(data, train, progress=progress)
    cfg = config or TrainConfig(epochs=epochs, seed=seed)
    model, history = train_cnn(crops, box_size_features(train), train["class"].to_numpy(),
                               np.flatnonzero(fold != 0), np.flatnonzero(fold == 0), cfg, progress=progress)
    meta = {"crop_size": 72, "crop": cfg.crop, "width": cfg.width, "epochs_run": int(len(history)),
            "best_val_macro_f1": float(history["val_macro_f1"].max()), "n_train_boxes": int((fold != 0).sum()),
            "seed": seed, "max_train_images": max_train_images}
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_model(model, out, meta)
    detector.save(out / DETECTOR_FILE)
    meta = json.loads((out / "cytologia_cnn.json").read_text())
    return Baseline(detector, model, meta), history


def load_or_train_baseline(data: CytologiaData, output_dir: str | Path, verbose: bool = True, **train_kwargs) -> Baseline:
    """Reload the baseline saved in ``output_dir`` by ``02_baseline``, else train it.

    ``train_kwargs`` go to :func:`train_baseline`.
    """
    out = Path(output_dir)
    loaded = load_model(out)
    if loaded is not None and (out / DETECTOR_FILE).is_file():
        model, meta = loaded
        if verbose:
            print("Reloaded the saved detector and CNN.")
        return Baseline(StainDetector.load(out / DETECTOR_FILE), model, meta)
    if verbose:
        print("No saved model: training the baseline (as 02_baseline does).")
    baseline, _ = train_baseline(data, out, **train_kwargs)
    return baseline

