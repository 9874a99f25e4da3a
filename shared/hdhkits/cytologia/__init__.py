"""CYTOLOGIA: leukocyte detection and classification in blood-smear images.

What the notebooks use, in one namespace (``from hdhkits import cytologia as kit``): the
participant's loop (``YOURS``, ``save_model``, ``load_or_train``, ``choose_best``,
``save_choice``, ``load_choice``, ``chosen_model``, ``model_label``: :mod:`hdhkits.saved`'s,
the same in every kit), ``PROBLEM`` and ``make_submission``, the folds and intervals
(``cv_folds``, ``score_interval``, ``paired_difference``), the readers, the classes, the
detector, the crop features, the metric's parts, the plausibility handling of the boxes and
the CNN's device helpers. The rest is reached through its module:

:mod:`.classes` (the 23 codes, counts, morphology), :mod:`.drawing` and :mod:`.twin`
(synthetic twin), :mod:`.schema` (file layout, ``check_data``, table readers),
:mod:`.reader` (images + tables reader and its report), :mod:`.images` (image headers,
names leaving the folder, ``MAX_SIDE``, byte-identical duplicates, ``open_image``),
:mod:`.plausibility` (boxes past the border, empty boxes, unusual image sizes: the
warnings and their handling), :mod:`.hashing` (perceptual hash, duplicates),
:mod:`.metric` (reconstructed score, per-image counts for the bootstrap),
:mod:`.detector` (stain-based detector), :mod:`.features` (crops, hand-made features),
:mod:`.classical` (the forest), :mod:`.cnn` (small torch CNN), :mod:`.evaluation`
(grouped folds, inner split, out-of-fold classes, intervals), :mod:`.baselines` (the
models: detector + classifier, fitted one way; the oracle), :mod:`.saved` (the model
folders), :mod:`.problem` (``PROBLEM``, ``make_submission``), :mod:`.teaching`
(exercises, goals and traps for a workshop), :mod:`.plots` (image mosaics).

torch is an optional dependency of the helper package: only :mod:`.cnn` imports it, and
everything else reaches it through :func:`.optional_torch.cnn_module`. The CNN's names
offered here (:data:`.optional_torch.CNN_NAMES`) are imported on first use, so the
problem definition, the twin, the reader, the metric, the forest and your own model work
without torch. Asking for one of them without torch raises a ``ModuleNotFoundError``
that says how to install it.
"""

from typing import Any

from ..saved import YOURS, choose_best, chosen_model, load_choice, load_or_train, model_label, save_choice, save_model
from .baselines import Baseline, train_baseline
from .classes import CLASS_GROUPS, CLASS_NAMES, CLASSES, TRAIN_COUNTS
from .detector import StainDetector
from .evaluation import cv_folds, paired_difference, score_interval, subsample_train
from .features import FEATURE_NAMES, crop_features, extract_crops
from .metric import giou, macro_f1, match_boxes, per_class_f1, score
from .optional_torch import CNN_NAMES, cnn_module
from .plausibility import plausibility_findings, plausible_values
from .problem import PROBLEM, make_submission
from .reader import read_dataset
from .schema import check_data, read_test, read_train

__all__ = [
    "CLASSES",
    "CLASS_GROUPS",
    "CLASS_NAMES",
    "FEATURE_NAMES",
    "PROBLEM",
    "TRAIN_COUNTS",
    "YOURS",
    "Baseline",
    "StainDetector",
    "amp_setup",  # amp_setup, pick_device, set_threads: the CNN's, imported on first use (__getattr__)
    "check_data",
    "choose_best",
    "chosen_model",
    "crop_features",
    "cv_folds",
    "extract_crops",
    "giou",
    "load_choice",
    "load_or_train",
    "macro_f1",
    "make_submission",
    "match_boxes",
    "model_label",
    "paired_difference",
    "per_class_f1",
    "pick_device",
    "plausibility_findings",
    "plausible_values",
    "read_dataset",
    "read_test",
    "read_train",
    "save_choice",
    "save_model",
    "score",
    "score_interval",
    "set_threads",
    "subsample_train",
    "train_baseline",
]


def __getattr__(name: str) -> Any:
    # the CNN's names, imported on first use: their package needs torch
    if name in CNN_NAMES:
        value = getattr(cnn_module(f"hdhkits.cytologia.{name}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
