"""The model pair ``02_baseline`` saves and ``03_submission`` reloads, stamped with what it learnt from.

``02_baseline`` chooses the best (SEVERITY, MACE) pair and saves it to ``output_dir``;
``03_submission`` submits it. A pair trained on the synthetic twin must never be submitted
for the official files, so the pair is saved with a stamp of the base mechanism
(:mod:`hdhkits.fingerprint`): the fingerprint of ``train.csv`` and ``test.csv``, the seed,
quick mode and a digest of the candidate models' settings. :func:`load_or_choose` reloads
the pair only when the stamp matches this run; otherwise it says why and trains again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable

import joblib

from ..fingerprint import TrainingStamp, stale_reason, training_stamp, write_stamp
from ..files import atomic_path, display_path
from .baselines import declared_features

__all__ = ["MODELS_FILE", "CV_FILE", "models_digest", "models_stamp", "save_chosen", "load_chosen", "load_or_choose"]

#: The chosen pair, its declared features and its cross-validation record (joblib).
MODELS_FILE: str = "cardihack_models.joblib"
#: The same cross-validation record, readable (JSON).
CV_FILE: str = "cardihack_cv.json"


def _describe(obj: Any) -> str:
    """A full, deterministic text of an unfitted model's settings (sklearn's repr truncates long ones)."""
    if hasattr(obj, "get_params") and not isinstance(obj, type):
        params = obj.get_params(deep=False)
        inner = ", ".join(f"{key}={_describe(value)}" for key, value in sorted(params.items()))
        return f"{type(obj).__name__}({inner})"
    if isinstance(obj, (list, tuple)):
        return "[" + ", ".join(_describe(v) for v in obj) + "]"
    if isinstance(obj, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in sorted(obj.items(), key=lambda kv: repr(kv[0]))) + "}"
    return repr(obj)


def models_digest(pairs: dict[str, tuple]) -> str:
    """A short digest of the candidate pairs' settings: changes when any model or parameter does.

    Parameters
    ----------
    pairs : dict
        ``{name: (severity_model, mace_model)}``, unfitted (as :func:`~.models.candidate_pairs`
        returns them, or with a model a learner rewrote).

    Returns
    -------
    str
        12 hex characters.
    """
    text = "\n".join(f"{name}: {_describe(pair)}" for name, pair in sorted(pairs.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def models_stamp(source: Any, seed: int, quick: bool, pairs: dict[str, tuple]) -> TrainingStamp:
    """The stamp of a pair chosen among ``pairs`` and trained on ``source``.

    Parameters
    ----------
    source : hdhkits.datasource.DataSource
        The resolved data (``resolve_data``).
    seed : int
        The notebooks' seed.
    quick : bool
        Quick mode.
    pairs : dict
        The candidate pairs, unfitted (digested by :func:`models_digest`).
    """
    return training_stamp(source, seed=seed, quick=quick, candidate_models=models_digest(pairs))


def save_chosen(output_dir: str | Path, severity, mace, record: dict, stamp: TrainingStamp) -> Path:
    """Save the chosen fitted pair, its record (:data:`CV_FILE` too) and its stamp, each atomically.

    Parameters
    ----------
    output_dir : str or Path
        Folder (created if needed).
    severity, mace : fitted estimators
    record : dict
        JSON-serialisable: at least ``chosen`` (the pair's name) and ``cv`` (scores by pair).
    stamp : TrainingStamp
        :func:`models_stamp` of this run.

    Returns
    -------
    Path
        The models file.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / MODELS_FILE
    with atomic_path(path) as tmp:
        joblib.dump({"severity": severity, "mace": mace, "severity_features": declared_features(severity),
                     "mace_features": declared_features(mace), "record": record}, tmp)
    with atomic_path(output_dir / CV_FILE) as tmp:
        tmp.write_text(json.dumps(record, indent=1))
    write_stamp(path, stamp)
    return path


def load_chosen(output_dir: str | Path) -> tuple:
    """``(severity, mace, record)`` as :func:`save_chosen` saved them (no stamp check: see :func:`load_or_choose`)."""
    bundle = joblib.load(Path(output_dir) / MODELS_FILE)
    return bundle["severity"], bundle["mace"], bundle["record"]


def load_or_choose(output_dir: str | Path, stamp: TrainingStamp, choose: Callable[[], tuple],
                   verbose: bool = True) -> tuple:
    """Reload the saved pair when its stamp matches this run, else choose and train one, save and stamp it.

    Parameters
    ----------
    output_dir : str or Path
        Where :func:`save_chosen` writes.
    stamp : TrainingStamp
        This run's :func:`models_stamp`.
    choose : callable
        ``choose()`` returns ``(severity, mace, record)``, fitted.
    verbose : bool
        Print whether the pair was reloaded, or why it was trained again.

    Returns
    -------
    severity, mace, record, reloaded : (estimator, estimator, dict, bool)
    """
    path = Path(output_dir) / MODELS_FILE
    reason = stale_reason(path, stamp)
    if reason is None:
        try:
            severity, mace, record = load_chosen(output_dir)
        except Exception as exc:  # a damaged or foreign file: train again rather than stop
            reason = f"{display_path(path)} cannot be read ({type(exc).__name__}: {exc})"
        else:
            if verbose:
                print(f"reloaded the models saved in {display_path(path)} (trained on this data and settings)")
            return severity, mace, record, True
    if verbose:
        print(f"training the models here: {reason}")
    severity, mace, record = choose()
    save_chosen(output_dir, severity, mace, record, stamp)
    return severity, mace, record, False
