"""The baseline pipeline: subsample, split by duplicate group, detect, crop, classify, choose.

Two classifiers compete on the same detector boxes: the small CNN (:mod:`.cnn`) and a
random forest on hand-made features (:mod:`~hdhkits.cytologia.features`). :func:`train_baseline` fits
both on the training part of the grouped folds, scores both on the hold-out fold
(fold 0) and keeps the one that scores higher there; the CNN chooses its epoch on an
*inner* validation split of the training part (:func:`inner_split`), never on the fold
it is reported on. The choice, with both scores and their intervals, is saved in
``cytologia_choice.json``; ``03_submission`` calls :func:`load_or_train_baseline`,
which reloads what ``02_baseline`` saved in ``output_dir`` or trains it again.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

from ..evaluation import folds_from_labels, out_of_fold
from ..fingerprint import TrainingStamp, data_fingerprint, stale_reason, write_stamp
from ..problem import Score
from .detector import StainDetector
from .features import box_size_features, crop_features, extract_crops
from .metric import score, score_difference_interval, score_interval
from .reader import CytologiaData

if TYPE_CHECKING:  # torch is optional: .cnn is imported inside the functions that train or run the CNN
    import torch

    from .cnn import CellNet, TrainConfig

__all__ = [
    "CHOICE_FILE",
    "DETECTOR_FILE",
    "FOREST_FILE",
    "MODEL_NAMES",
    "Baseline",
    "BaselineRun",
    "baseline_stamp",
    "choose_model",
    "cross_validate_classical",
    "grouped_folds",
    "inner_split",
    "load_choice",
    "load_or_train_baseline",
    "make_classical",
    "oracle_score",
    "subsample_train",
    "train_baseline",
]

DETECTOR_FILE = "cytologia_detector.json"
CHOICE_FILE = "cytologia_choice.json"
FOREST_FILE = "cytologia_forest.joblib"
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


def grouped_folds(train: pd.DataFrame, n_folds: int = 5, seed: int = 0) -> np.ndarray:
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
    (:func:`grouped_folds`, stratified by class, grouped by duplicate group), so the
    hold-out fold stays untouched: a score reported on it has not chosen the epoch.

    Returns
    -------
    fit_idx, stop_idx : int arrays
        Row numbers of ``train``; together they are the training part.
    """
    part = np.flatnonzero(np.asarray(fold) != holdout)
    inner = grouped_folds(train.iloc[part], n_folds, seed)
    return part[inner != 0], part[inner == 0]


def make_classical(seed: int = 0, n_jobs: int | None = None) -> RandomForestClassifier:
    """The classical classifier for :func:`~hdhkits.cytologia.features.crop_features`.

    A random forest with class-balanced weights: seconds to fit on a laptop, no scaling
    of the features needed.
    """
    return RandomForestClassifier(
        n_estimators=300,
        min_samples_leaf=2,
        max_features="sqrt",
        class_weight="balanced_subsample",
        n_jobs=n_jobs,
        random_state=seed,
    )


def cross_validate_classical(
    features: pd.DataFrame | np.ndarray, labels: np.ndarray, fold: np.ndarray, seed: int = 0
) -> np.ndarray:
    """Out-of-fold classes of :func:`make_classical` over the folds of :func:`grouped_folds`.

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
        from .cnn import pick_device, predict_proba

        proba = predict_proba(
            self.model,
            crops,
            box_size_features(boxes),
            pick_device(device or "auto"),
            crop=int(self.meta.get("crop", 64)),
        )
        boxes["class"] = np.asarray(self.meta["classes"])[proba.argmax(1)]
        return boxes


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
    from .cnn import CHECKPOINT_FILE, train_cnn

    crops = extract_crops(data, train, progress=progress)
    labels = train["class"].to_numpy()
    fit_idx, stop_idx = inner_split(train, fold, 0, n_folds, seed)
    cnn, history = train_cnn(
        crops,
        box_size_features(train),
        labels,
        fit_idx,
        stop_idx,
        cfg,
        device=device,
        progress=progress,
        checkpoint=out / CHECKPOINT_FILE,
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
    stamp: TrainingStamp | None = None,
) -> BaselineRun:
    """Fit the detector, the CNN and the forest, score both on the hold-out fold, keep the better.

    Fold 0 of :func:`grouped_folds` is the hold-out fold; the detector calibration and
    the forest are fitted on the other folds; the CNN trains on them too, minus the
    inner split it stops on (:func:`inner_split`). Both classify the detector's boxes of
    the hold-out images; the higher reconstructed score wins (:func:`choose_model`).

    Saved in ``output_dir``: the detector calibration, the CNN (state dict + metadata,
    and its per-epoch checkpoint, from which an interrupted training resumes), the
    choice (``cytologia_choice.json``) and, when the forest wins, the forest refitted on
    all the train boxes (``cytologia_forest.joblib``: a refit takes seconds; the CNN
    submitted is the one scored, since a refit would cost a second training).

    Parameters
    ----------
    data : CytologiaData
    output_dir : str or Path
    max_train_images : int, optional
        Train images used (:func:`subsample_train`; ``None``: all).
    epochs, n_folds, seed
    config : TrainConfig, optional
        Default ``TrainConfig(epochs=epochs, seed=seed, num_workers=num_workers)``.
    device : str or torch.device
        For the CNN (:func:`~hdhkits.cytologia.cnn.pick_device`).
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
        :func:`make_classical`; ``02_baseline`` writes one out in a cell a learner can edit).
    stamp : TrainingStamp, optional
        What this run trains on (:func:`baseline_stamp`), written beside the choice so that
        :func:`load_or_train_baseline` reloads the models only for the same data and settings.

    Returns
    -------
    BaselineRun
    """
    from .cnn import TrainConfig, pick_device, predict_proba, save_model

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = pick_device(device)
    make_forest = make_forest or make_classical
    train = subsample_train(data.train, max_train_images, seed)
    fold = grouped_folds(train, n_folds, seed)
    holdout = train[fold == 0].reset_index(drop=True)
    if detector is None:
        detector = StainDetector().fit(data, names=train.loc[fold != 0, "NAME"].unique().tolist(), seed=seed)
    cfg = config or TrainConfig(epochs=epochs, seed=seed, num_workers=num_workers)
    cnn, history, forest, features, labels, (n_fit, n_stop) = _fit_models(
        data, train, fold, out, cfg, device, n_folds, seed, resume, make_forest, progress
    )

    settings = {"seed": seed, "max_train_images": max_train_images, "n_folds": n_folds, "holdout_fold": 0}
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
    save_model(cnn, out, cnn_meta)
    detector.save(out / DETECTOR_FILE)
    cnn_meta = json.loads((out / "cytologia_cnn.json").read_text())
    candidates = {
        "cnn": Baseline(detector, cnn, cnn_meta),
        "forest": Baseline(
            detector,
            forest,
            {
                "model": "forest",
                "crop_size": 72,
                "classes": [str(c) for c in forest.classes_],
                "n_fit_boxes": int((fold != 0).sum()),
                **settings,
            },
        ),
    }

    detected = detector.predict(data, holdout[["NAME"]], progress=progress)
    hold_crops = extract_crops(data, detected)
    predictions = {
        "cnn": detected.assign(
            **{
                "class": np.asarray(cnn_meta["classes"])[
                    predict_proba(cnn, hold_crops, box_size_features(detected), device, crop=cfg.crop).argmax(1)
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
        _save_forest(refit, out / FOREST_FILE)
        choice["forest_meta"] = chosen.meta
    from ..files import write_json

    write_json(choice, out / CHOICE_FILE)
    if stamp is not None:
        write_stamp(out / CHOICE_FILE, stamp)
    return BaselineRun(chosen, choice, history, holdout, predictions, candidates)


def _save_forest(forest: Any, path: Path) -> None:
    import joblib

    from ..files import atomic_path

    with atomic_path(path) as tmp:
        joblib.dump(forest, tmp, compress=3)


def baseline_stamp(
    source: Any,
    seed: int = 0,
    quick: bool = False,
    max_train_images: int | None = None,
    epochs: int = 12,
    n_folds: int = 5,
    make_forest: Callable[[int], Any] | None = None,
) -> TrainingStamp:
    """What a baseline run trains on: the data's fingerprint, the seed, quick mode and the settings.

    ``02_baseline`` writes it beside the models it saves (:func:`train_baseline`'s
    ``stamp``); ``03_submission`` reloads them only when its own stamp is the same
    (:func:`load_or_train_baseline`), else retrains and says why.

    Parameters
    ----------
    source : DataSource or path
        ``resolve_data``'s result, or a data folder.
    seed : int
    quick : bool
    max_train_images, epochs, n_folds
        As given to :func:`train_baseline`.
    make_forest : callable, optional
        The classical classifier's factory; its parameters are part of the stamp.

    Returns
    -------
    TrainingStamp
    """
    from ..fingerprint import training_stamp
    from .problem import PROBLEM

    params = (make_forest or make_classical)(seed).get_params()
    forest = {k: v for k, v in sorted(params.items()) if v is None or isinstance(v, (bool, int, float, str))}
    settings = {"max_train_images": max_train_images, "epochs": int(epochs), "n_folds": int(n_folds), "forest": forest}
    if hasattr(source, "describe"):  # a DataSource
        return training_stamp(source, seed=seed, quick=quick, **settings)
    from ..files import display_path

    return TrainingStamp(
        kit=PROBLEM.name,
        data=data_fingerprint(source, PROBLEM.official_files),
        source=str(display_path(Path(source))),
        seed=int(seed),
        quick=bool(quick),
        settings=settings,
    )


def load_choice(output_dir: str | Path) -> dict | None:
    """The choice saved by :func:`train_baseline` (``None`` when there is none)."""
    path = Path(output_dir) / CHOICE_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None


def _load_chosen(out: Path, choice: dict) -> Baseline | None:
    if not (out / DETECTOR_FILE).is_file():
        return None
    detector = StainDetector.load(out / DETECTOR_FILE)
    if choice.get("model") == "forest":
        if not (out / FOREST_FILE).is_file():
            return None
        import joblib

        return Baseline(detector, joblib.load(out / FOREST_FILE), dict(choice.get("forest_meta", {"model": "forest"})))
    from .cnn import load_model

    loaded = load_model(out)
    if loaded is None:
        return None
    model, meta = loaded
    return Baseline(detector, model, {**meta, "model": "cnn"})


def load_or_train_baseline(
    data: CytologiaData,
    output_dir: str | Path,
    verbose: bool = True,
    stamp: TrainingStamp | None = None,
    **train_kwargs,
) -> Baseline:
    """Reload the model ``02_baseline`` chose and saved in ``output_dir`` when it was trained on
    this data with these settings, else train and choose again (and say why).

    Parameters
    ----------
    data : CytologiaData
    output_dir : str or Path
    verbose : bool
        Print whether the model was reloaded or retrained, why, and why it was chosen.
    stamp : TrainingStamp, optional
        This run's :func:`baseline_stamp`; by default built from ``data.data_dir`` and
        ``train_kwargs`` (seed, max_train_images, epochs, n_folds; full mode).
    **train_kwargs
        Passed to :func:`train_baseline`.

    Returns
    -------
    Baseline
    """
    out = Path(output_dir)
    if stamp is None:
        stamp = baseline_stamp(
            data.data_dir,
            **{
                k: train_kwargs[k]
                for k in ("seed", "max_train_images", "epochs", "n_folds", "make_forest")
                if k in train_kwargs
            },
        )
    reason = stale_reason(out / CHOICE_FILE, stamp)
    choice = load_choice(out) if reason is None else None
    baseline = _load_chosen(out, choice) if choice is not None else None
    if baseline is None:
        reason = reason or "the files saved beside the choice are incomplete"
        if verbose:
            print(f"Training and comparing the CNN and the forest (as 02_baseline does): {reason}.")
        run = train_baseline(data, out, progress=verbose, stamp=stamp, **train_kwargs)
        baseline, choice = run.baseline, run.choice
    elif verbose:
        print(
            f"Reloaded the model chosen by 02_baseline: {MODEL_NAMES.get(baseline.kind, baseline.kind)} "
            f"(trained on this data with these settings)."
        )
    if verbose:
        print(f"Why: {choice['reason']}.")
    return baseline
