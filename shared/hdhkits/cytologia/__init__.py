"""CYTOLOGIA: leukocyte detection and classification in blood-smear images.

Modules: :mod:`.classes` (the 23 codes, counts, morphology), :mod:`.drawing` and
:mod:`.twin` (synthetic twin), :mod:`.schema` (file layout, ``check_data``, table readers),
:mod:`.reader` (images + tables reader and its report), :mod:`.images` (image headers, names
leaving the folder, ``MAX_SIDE``, byte-identical duplicates, ``open_image``),
:mod:`.hashing` (perceptual hash, duplicates), :mod:`.metric` (reconstructed score, bootstrap intervals),
:mod:`.detector` (stain-based detector), :mod:`.features` (crops, hand-made features),
:mod:`.cnn` (small torch CNN), :mod:`.baselines` (the pipeline, the oracle, the models' stamp),
:mod:`.problem`, :mod:`.teaching` (exercises, goals and traps for a workshop).

torch is an optional dependency of the helper package: :mod:`.cnn` needs it, and its
names (and those of :mod:`.baselines`, which imports :mod:`.cnn` only inside the functions
that train or run the CNN) are imported on first use, so the problem definition, the twin,
the reader, the metric and ``oracle_score`` work without it. Asking for a name of
:mod:`.cnn` without torch raises a ``ModuleNotFoundError`` that says how to install it.
"""

import importlib

from .classes import CLASS_GROUPS, CLASS_NAMES, CLASSES, TRAIN_COUNTS
from .detector import StainDetector
from .features import FEATURE_NAMES, box_size_features, crop_features, extract_crops, stain_colours
from .hashing import duplicate_groups, find_duplicates, hamming, image_phash, phash
from .metric import (
    MetricResult,
    cytologia_score,
    giou,
    macro_f1,
    match_boxes,
    per_class_f1,
    score,
    score_details,
    score_difference_interval,
    score_interval,
)
from .problem import PROBLEM, SUBMISSION_SPEC, CytologiaProblem, check_submission_rules
from .reader import CytologiaData, DataReport, read_dataset
from .schema import TEST_SCHEMA, TRAIN_SCHEMA, check_data, read_test, read_train
from .twin import TWIN_SIZES, make_twin

__all__ = [
    "CLASSES",
    "CLASS_GROUPS",
    "CLASS_NAMES",
    "FEATURE_NAMES",
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
    "baseline_stamp",
    "box_size_features",
    "check_data",
    "check_submission_rules",
    "choose_model",
    "crop_features",
    "cross_validate_classical",
    "cytologia_score",
    "default_device",
    "duplicate_groups",
    "extract_crops",
    "find_duplicates",
    "giou",
    "grouped_folds",
    "hamming",
    "image_phash",
    "inner_split",
    "load_choice",
    "load_model",
    "load_or_train_baseline",
    "macro_f1",
    "make_classical",
    "make_twin",
    "match_boxes",
    "oracle_score",
    "per_class_f1",
    "phash",
    "pick_device",
    "predict_proba",
    "read_dataset",
    "read_test",
    "read_train",
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
]

# names imported on first use because their module needs torch
_LAZY = {
    **{
        n: "cnn"
        for n in (
            "CellNet",
            "TrainConfig",
            "train_cnn",
            "predict_proba",
            "save_model",
            "load_model",
            "default_device",
            "pick_device",
            "amp_setup",
            "set_threads",
        )
    },
    **{
        n: "baselines"
        for n in (
            "oracle_score",
            "cross_validate_classical",
            "subsample_train",
            "grouped_folds",
            "inner_split",
            "make_classical",
            "Baseline",
            "BaselineRun",
            "choose_model",
            "train_baseline",
            "load_choice",
            "load_or_train_baseline",
            "baseline_stamp",
        )
    },
}


def __getattr__(name: str):
    if name in _LAZY:
        try:
            module = importlib.import_module(f".{_LAZY[name]}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != "torch" and not str(exc.name or "").startswith("torch."):
                raise
            raise ModuleNotFoundError(
                f"hdhkits.cytologia.{name} needs torch, an optional dependency: pip install 'hdhkits[torch]'",
                name="torch",
            ) from None
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
