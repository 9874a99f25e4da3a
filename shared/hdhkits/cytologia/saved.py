"""The kit's models on disk: the folder format behind ``PROBLEM``'s model files.

The loop (:mod:`hdhkits.saved`) saves each model under its name in ``output_dir`` and
stamps it. The kit's two models are folders holding the files the kit has always written
(:func:`save_baseline`): ``cytologia_forest/`` (the detector calibration
``cytologia_detector.json``, the forest ``cytologia_forest.joblib`` and its metadata
``cytologia_model.json``) and ``cytologia_cnn/`` (the detector calibration, the CNN's
state dict ``cytologia_cnn.pt`` and metadata ``cytologia_cnn.json``,
:mod:`~hdhkits.cytologia.cnn.persistence`). Your model is one file,
``cytologia_yours.pkl``, pickled with cloudpickle (the base's format), so a classifier
class written in ``02_baseline``'s cell travels with it. :func:`model_path` says which.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..files import atomic_dir, write_json
from .baselines import Baseline
from .classical import FOREST_FILE, load_forest, save_forest
from .detector import StainDetector
from .optional_torch import cnn_module

__all__ = ["DETECTOR_FILE", "FOLDER_MODELS", "MODEL_META_FILE", "load_baseline", "model_path", "save_baseline"]

DETECTOR_FILE = "cytologia_detector.json"
MODEL_META_FILE = "cytologia_model.json"
#: The models saved as a folder (the kit's); any other name is one cloudpickle file.
FOLDER_MODELS = ("forest", "cnn")


def model_path(output_dir: str | Path, name: str) -> Path:
    """``<output_dir>/cytologia_<name>/`` for the kit's models, ``<output_dir>/cytologia_<name>.pkl`` otherwise."""
    return Path(output_dir) / (f"cytologia_{name}" if name in FOLDER_MODELS else f"cytologia_{name}.pkl")


def save_baseline(model: Baseline, path: str | Path) -> Path:
    """Write a fitted model into the folder ``path`` (replaced whole, atomically).

    Parameters
    ----------
    model : Baseline
        The detector with the CNN or a features classifier (``model.kind``).
    path : str or Path
        The folder (:func:`model_path`).

    Returns
    -------
    Path
    """
    with atomic_dir(Path(path)) as tmp:
        model.detector.save(tmp / DETECTOR_FILE)
        if model.kind == "cnn":
            cnn_module().save_cnn(model.model, tmp, model.meta)
        else:
            save_forest(model.model, tmp / FOREST_FILE)
            write_json(model.meta, tmp / MODEL_META_FILE)
    return Path(path)


def load_baseline(path: str | Path) -> Baseline:
    """The model :func:`save_baseline` wrote in the folder ``path``.

    Raises
    ------
    FileNotFoundError
        A file of the folder is missing.
    """
    path = Path(path)
    detector = StainDetector.load(path / DETECTOR_FILE)
    if (path / MODEL_META_FILE).is_file():
        return Baseline(detector, load_forest(path / FOREST_FILE), json.loads((path / MODEL_META_FILE).read_text()))
    loaded = cnn_module().load_cnn(path)
    if loaded is None:
        raise FileNotFoundError(f"{path.name} holds neither a forest nor a CNN")
    network, meta = loaded
    return Baseline(detector, network, meta)
