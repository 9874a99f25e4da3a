"""Models saved by ``02_baseline`` and reloaded by ``03_submission``, only when still valid.

Each model family (:data:`MAKERS`) is saved in ``output_dir`` as ``annitia_<name>.joblib``
with a stamp beside it (:mod:`hdhkits.fingerprint`): the fingerprint of the data files it
learnt from, the seed, quick mode, the family and the search effort (``"default"`` or
``"full"``, with the liver pieces it uses). ``03_submission`` reloads a model only when
the stamp matches its own run; otherwise (a model trained on the twin while the notebook
now reads the official files, another seed, quick vs full, another effort) it says why and
retrains on all of ``train.csv``. The cross-validation table of ``02_baseline`` is kept
the same way (``annitia_cv.csv``), so ``03_submission`` never quotes scores of other data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .. import fingerprint
from ..files import atomic_path
from ..findings import DataError
from .baselines import TwoOutcomeModel
from .features import build_features
from .models import (
    CLINICAL_FAMILIES,
    EFFORT_PIECES,
    EFFORTS,
    LEADERBOARD_FAMILIES,
    make_clinical_model,
    make_leaderboard_model,
)
from .schema import read_train
from .targets import survival_targets

__all__ = [
    "CV_FILE",
    "MAKERS",
    "load_cv",
    "load_or_train",
    "model_path",
    "save_cv",
    "save_model",
    "training_stamp",
]

#: The model families a notebook can save and submit, by name.
MAKERS: dict[str, Callable[..., TwoOutcomeModel]] = {
    "leaderboard": make_leaderboard_model,
    "clinical": make_clinical_model,
}
_FAMILIES = {"leaderboard": LEADERBOARD_FAMILIES, "clinical": CLINICAL_FAMILIES}
#: The cross-validation table of ``02_baseline``, in ``output_dir``.
CV_FILE = "annitia_cv.csv"


def _check_name(name: str) -> None:
    if name not in MAKERS:
        raise DataError(
            "<model>",
            [
                f"model must be one of {sorted(MAKERS)}, not {name!r}; set the notebook's "
                "`model` parameter to one of them"
            ],
        )


def model_path(output_dir: str | Path, name: str) -> Path:
    """Where the model family ``name`` is saved: ``<output_dir>/annitia_<name>.joblib``."""
    _check_name(name)
    return Path(output_dir) / f"annitia_{name}.joblib"


def training_stamp(
    source: Any, name: str, seed: int = 0, quick: bool = False, effort: str = "default"
) -> fingerprint.TrainingStamp:
    """The stamp of the model family ``name`` trained on ``source`` (a resolved data source).

    Parameters
    ----------
    source : hdhkits.datasource.DataSource
        ``resolve_data("annitia", ...)``'s result.
    name : {"leaderboard", "clinical"}
        Model family.
    seed : int
        Seed of the model (inner folds, trees).
    quick : bool
        Quick mode (fewer trees and inner folds).
    effort : {"default", "full"}
        The model's search effort (:data:`~hdhkits.annitia.models.EFFORTS`); its liver
        pieces (:data:`~hdhkits.annitia.models.EFFORT_PIECES`) are stamped too, so a
        model saved before they changed is retrained.
    """
    _check_name(name)
    _check_effort(effort)
    return fingerprint.training_stamp(
        source,
        seed=seed,
        quick=quick,
        model=name,
        families=list(_FAMILIES[name]),
        effort=effort,
        liver_pieces=list(EFFORT_PIECES[effort]) if name == "leaderboard" else [],
    )


def _check_effort(effort: str) -> None:
    if effort not in EFFORTS:
        raise DataError(
            "<model>",
            [
                f"effort must be one of {list(EFFORTS)}, not {effort!r}; set the notebook's "
                "`effort` parameter to one of them"
            ],
        )


def _dump(obj: Any, path: Path) -> None:
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        joblib.dump(obj, tmp)


def _load(path: Path) -> Any:
    import joblib

    return joblib.load(path)


def save_model(
    model: TwoOutcomeModel,
    name: str,
    source: Any,
    output_dir: str | Path,
    seed: int = 0,
    quick: bool = False,
    effort: str = "default",
) -> Path:
    """Save a fitted model family with its stamp (both written atomically); returns the model file.

    ``effort`` is the one the model was made with (``make_leaderboard_model(effort=...)``).
    """
    stamp = training_stamp(source, name, seed=seed, quick=quick, effort=effort)
    path = model_path(output_dir, name)
    _dump(model, path)
    fingerprint.write_stamp(path, stamp)
    return path


def load_or_train(
    name: str,
    source: Any,
    output_dir: str | Path,
    seed: int = 0,
    quick: bool = False,
    verbose: bool = True,
    effort: str = "default",
) -> tuple[TwoOutcomeModel, bool]:
    """The saved model family ``name`` when it was trained on this data and settings, else a new one.

    On a mismatch (other data, seed, quick mode, effort, no stamp, no saved model) the model is
    trained on all of ``train.csv`` of ``source``, saved and stamped, and (with
    ``verbose``) a line says why, e.g. "training the model: it was trained on other data
    (synthetic twin (seed 0, size quick) ...; now: ...)".

    Returns
    -------
    model, reloaded : (TwoOutcomeModel, bool)
    """
    stamp = training_stamp(source, name, seed=seed, quick=quick, effort=effort)
    path = model_path(output_dir, name)

    def train() -> TwoOutcomeModel:
        frame = read_train(source.data_dir)
        return MAKERS[name](quick=quick, seed=seed, effort=effort).fit(build_features(frame), survival_targets(frame))

    return fingerprint.load_or_train(path, stamp, load=_load, train=train, save=_dump, verbose=verbose)


def _cv_stamp(source: Any, seed: int, quick: bool, effort: str) -> fingerprint.TrainingStamp:
    _check_effort(effort)
    return fingerprint.training_stamp(
        source,
        seed=seed,
        quick=quick,
        table="cross-validation",
        effort=effort,
        liver_pieces=list(EFFORT_PIECES[effort]),
    )


def save_cv(
    table: pd.DataFrame,
    source: Any,
    output_dir: str | Path,
    seed: int = 0,
    quick: bool = False,
    effort: str = "default",
) -> Path:
    """Save ``02_baseline``'s cross-validation table (one row per model) with its stamp (``effort``: the models')."""
    stamp = _cv_stamp(source, seed, quick, effort)
    path = Path(output_dir) / CV_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index_label="model")
    fingerprint.write_stamp(path, stamp)
    return path


def load_cv(
    source: Any, output_dir: str | Path, seed: int = 0, quick: bool = False, effort: str = "default"
) -> tuple[pd.DataFrame | None, str]:
    """The saved cross-validation table when it describes this data and settings (``effort`` included).

    Returns
    -------
    table, reason : (DataFrame or None, str)
        The table (index: model) and ``""``; or None and why it cannot be used.
    """
    path = Path(output_dir) / CV_FILE
    reason = fingerprint.stale_reason(path, _cv_stamp(source, seed, quick, effort))
    if reason is not None:
        return None, reason
    return pd.read_csv(path, index_col="model"), ""
