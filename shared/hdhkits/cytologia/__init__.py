"""CYTOLOGIA: leukocyte detection and classification in blood-smear images.

Modules: :mod:`.classes` (the 23 codes, counts, morphology), :mod:`.drawing` and
:mod:`.twin` (synthetic twin), :mod:`.schema` (file layout, ``check_data``, table readers),
:mod:`.reader` (images + tables reader and its report), :mod:`.images` (image headers, names
leaving the folder, ``MAX_SIDE``, byte-identical duplicates, ``open_image``),
:mod:`.plausibility` (boxes past the border, empty boxes, unusual image sizes: the
warnings and their handling), :mod:`.hashing` (perceptual hash, duplicates),
:mod:`.metric` (reconstructed score, bootstrap intervals), :mod:`.detector` (stain-based
detector), :mod:`.features` (crops, hand-made features), :mod:`.classical` (the forest),
:mod:`.cnn` (small torch CNN), :mod:`.evaluation` (grouped folds, inner split,
out-of-fold classes, the model choice), :mod:`.baselines` (the pipeline and the oracle),
:mod:`.saved` (save, reload or retrain, the training stamp), :mod:`.problem`,
:mod:`.teaching` (exercises, goals and traps for a workshop).

torch is an optional dependency of the helper package: only :mod:`.cnn` imports it, and
everything else reaches it through :func:`.optional_torch.cnn_module`. The CNN's names
offered here (:data:`.optional_torch.CNN_NAMES`) are imported on first use, so the
problem definition, the twin, the reader, the metric, the classical model and
``oracle_score`` work without torch. Asking for one of them without torch raises a
``ModuleNotFoundError`` that says how to install it.
"""

from .baselines import Baseline, BaselineRun, oracle_score, train_baseline
from .classes import CLASS_GROUPS, CLASS_NAMES, CLASSES, TRAIN_COUNTS
from .classical import make_classical
from .detector import StainDetector
from .evaluation import MODEL_NAMES, choose_model, cross_validate_classical, cv_folds, inner_split, subsample_train
from .features import FEATURE_NAMES, box_size_features, crop_features, extract_crops, stain_colours
from .hashing import duplicate_groups, find_duplicates, hamming, image_phash, phash
from .metric import (
    MetricResult,
    giou,
    macro_f1,
    match_boxes,
    per_class_f1,
    score,
    score_details,
    score_difference_interval,
    score_interval,
)
from .optional_torch import CNN_NAMES, cnn_module
from .plausibility import PLAUSIBLE_RANGES, plausibility_findings, plausible_values
from .problem import PROBLEM, SUBMISSION_SPEC, CytologiaProblem, check_submission_rules
from .reader import CytologiaData, DataReport, read_dataset
from .saved import load_choice, load_or_train, save_model, training_stamp
from .schema import TEST_SCHEMA, TRAIN_SCHEMA, check_data, read_test, read_train
from .twin import TWIN_SIZES, make_twin

__all__ = [
    "CLASSES",
    "CLASS_GROUPS",
    "CLASS_NAMES",
    "FEATURE_NAMES",
    "MODEL_NAMES",
    "PLAUSIBLE_RANGES",
    "PROBLEM",
    "SUBMISSION_SPEC",
    "TEST_SCHEMA",
    "TRAIN_COUNTS",
    "TRAIN_SCHEMA",
    "TWIN_SIZES",
    "Baseline",
    "BaselineRun",
    "CellNet",
    "CytologiaData",
    "CytologiaProblem",
    "DataReport",
    "MetricResult",
    "StainDetector",
    "TrainConfig",
    "amp_setup",
    "box_size_features",
    "check_data",
    "check_submission_rules",
    "choose_model",
    "crop_features",
    "cross_validate_classical",
    "cv_folds",
    "default_device",
    "duplicate_groups",
    "extract_crops",
    "find_duplicates",
    "giou",
    "hamming",
    "image_phash",
    "inner_split",
    "load_choice",
    "load_cnn",
    "load_or_train",
    "macro_f1",
    "make_classical",
    "make_twin",
    "match_boxes",
    "oracle_score",
    "per_class_f1",
    "phash",
    "pick_device",
    "plausibility_findings",
    "plausible_values",
    "predict_proba",
    "read_dataset",
    "read_test",
    "read_train",
    "save_cnn",
    "save_model",
    "score",
    "score_details",
    "score_difference_interval",
    "score_interval",
    "set_threads",
    "stain_colours",
    "subsample_train",
    "train_baseline",
    "train_cnn",
    "training_stamp",
]


def __getattr__(name: str):
    # the CNN's names, imported on first use: their package needs torch
    if name in CNN_NAMES:
        value = getattr(cnn_module(f"hdhkits.cytologia.{name}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
