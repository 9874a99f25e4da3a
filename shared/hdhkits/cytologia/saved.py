"""The baseline on disk: what ``02_baseline`` saves, what ``03_submission`` reloads, and the stamp that decides.

:func:`save_model` writes a :class:`~hdhkits.cytologia.baselines.BaselineRun` into a
folder: the detector calibration (``cytologia_detector.json``), the CNN
(``cytologia_cnn.pt`` + ``cytologia_cnn.json``), the forest when it was chosen
(``cytologia_forest.joblib``, refitted on all the train boxes) and the choice with both
scores and their intervals (``cytologia_choice.json``), beside the run's
:func:`training_stamp`. :func:`load_or_train` reloads the chosen model when the stamp
saved is this run's (same data, seed and settings), else trains, chooses and saves again,
saying why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import fingerprint
from ..files import display_path, write_json
from .baselines import Baseline, BaselineRun, train_baseline
from .classical import FOREST_FILE, load_forest, make_classical, save_forest
from .detector import StainDetector
from .evaluation import MODEL_NAMES
from .optional_torch import cnn_module
from .problem import PROBLEM
from .reader import CytologiaData

__all__ = [
    "CHOICE_FILE",
    "DETECTOR_FILE",
    "load_choice",
    "load_model",
    "load_or_train",
    "save_model",
    "training_stamp",
]

DETECTOR_FILE = "cytologia_detector.json"
CHOICE_FILE = "cytologia_choice.json"


def save_model(run: BaselineRun, output_dir: str | Path, stamp: fingerprint.TrainingStamp | None = None) -> Path:
    """Write a baseline run's models and choice into ``output_dir``.

    Parameters
    ----------
    run : BaselineRun
        :func:`~hdhkits.cytologia.baselines.train_baseline`'s result.
    output_dir : str or Path
    stamp : TrainingStamp, optional
        What the run trained on (:func:`training_stamp`), written beside the choice so that
        :func:`load_or_train` reloads the models only for the same data and settings.

    Returns
    -------
    Path
        The choice file (``cytologia_choice.json``).
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    cnn = run.candidates["cnn"]
    cnn_module().save_cnn(cnn.model, out, cnn.meta)
    run.baseline.detector.save(out / DETECTOR_FILE)
    if run.choice["model"] == "forest":
        save_forest(run.baseline.model, out / FOREST_FILE)
    write_json(run.choice, out / CHOICE_FILE)
    if stamp is not None:
        fingerprint.write_stamp(out / CHOICE_FILE, stamp)
    return out / CHOICE_FILE


def training_stamp(
    source: Any,
    seed: int = 0,
    quick: bool = False,
    max_train_images: int | None = None,
    epochs: int = 12,
    n_folds: int = 5,
    make_forest: Callable[[int], Any] | None = None,
) -> fingerprint.TrainingStamp:
    """What a baseline run trains on: the data's fingerprint, the seed, quick mode and the settings.

    ``02_baseline`` writes it beside the models it saves (:func:`save_model`'s ``stamp``);
    ``03_submission`` reloads them only when its own stamp is the same
    (:func:`load_or_train`), else retrains and says why.

    Parameters
    ----------
    source : DataSource or path
        ``resolve_data``'s result, or a data folder.
    seed : int
    quick : bool
    max_train_images, epochs, n_folds
        As given to :func:`~hdhkits.cytologia.baselines.train_baseline`.
    make_forest : callable, optional
        The classical classifier's factory; its parameters are part of the stamp.

    Returns
    -------
    TrainingStamp
    """
    params = (make_forest or make_classical)(seed).get_params()
    forest = {k: v for k, v in sorted(params.items()) if v is None or isinstance(v, (bool, int, float, str))}
    settings = {"max_train_images": max_train_images, "epochs": int(epochs), "n_folds": int(n_folds), "forest": forest}
    if hasattr(source, "describe"):  # a DataSource
        return fingerprint.training_stamp(source, seed=seed, quick=quick, **settings)
    return fingerprint.TrainingStamp(
        kit=PROBLEM.name,
        data=fingerprint.data_fingerprint(source, PROBLEM.official_files),
        source=str(display_path(Path(source))),
        seed=int(seed),
        quick=bool(quick),
        settings=settings,
    )


def load_choice(output_dir: str | Path) -> dict | None:
    """The choice saved by :func:`save_model` (``None`` when there is none)."""
    path = Path(output_dir) / CHOICE_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None


def load_model(output_dir: str | Path, choice: dict) -> Baseline | None:
    """The chosen model saved by :func:`save_model`, with its detector (``None`` when a file is missing).

    Parameters
    ----------
    output_dir : str or Path
    choice : dict
        :func:`load_choice`'s result: it says which model was chosen.
    """
    out = Path(output_dir)
    if not (out / DETECTOR_FILE).is_file():
        return None
    detector = StainDetector.load(out / DETECTOR_FILE)
    if choice.get("model") == "forest":
        if not (out / FOREST_FILE).is_file():
            return None
        return Baseline(detector, load_forest(out / FOREST_FILE), dict(choice.get("forest_meta", {"model": "forest"})))
    loaded = cnn_module().load_cnn(out)
    if loaded is None:
        return None
    model, meta = loaded
    return Baseline(detector, model, {**meta, "model": "cnn"})


def load_or_train(
    data: CytologiaData,
    output_dir: str | Path,
    verbose: bool = True,
    stamp: fingerprint.TrainingStamp | None = None,
    **train_kwargs: Any,
) -> Baseline:
    """Reload the model ``02_baseline`` chose and saved in ``output_dir`` when it was trained on
    this data with these settings, else train, choose and save again (and say why).

    Parameters
    ----------
    data : CytologiaData
    output_dir : str or Path
    verbose : bool
        Print whether the model was reloaded or retrained, why, and why it was chosen.
    stamp : TrainingStamp, optional
        This run's :func:`training_stamp`; by default built from ``data.data_dir`` and
        ``train_kwargs`` (seed, max_train_images, epochs, n_folds; full mode).
    **train_kwargs
        Passed to :func:`~hdhkits.cytologia.baselines.train_baseline`.

    Returns
    -------
    Baseline
    """
    out = Path(output_dir)
    if stamp is None:
        stamp = training_stamp(
            data.data_dir,
            **{
                k: train_kwargs[k]
                for k in ("seed", "max_train_images", "epochs", "n_folds", "make_forest")
                if k in train_kwargs
            },
        )
    reason = fingerprint.stale_reason(out / CHOICE_FILE, stamp)
    choice = load_choice(out) if reason is None else None
    baseline = load_model(out, choice) if choice is not None else None
    if baseline is None:
        reason = reason or "the files saved beside the choice are incomplete"
        if verbose:
            print(f"Training and comparing the CNN and the forest (as 02_baseline does): {reason}.")
        run = train_baseline(data, out, progress=verbose, **train_kwargs)
        save_model(run, out, stamp)
        baseline, choice = run.baseline, run.choice
    elif verbose:
        print(
            f"Reloaded the model chosen by 02_baseline: {MODEL_NAMES.get(baseline.kind, baseline.kind)} "
            f"(trained on this data with these settings)."
        )
    if verbose:
        print(f"Why: {choice['reason']}.")
    return baseline
