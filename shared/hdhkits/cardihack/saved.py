"""The model pair ``02_baseline`` saves and ``03_submission`` reloads, stamped with what it learnt from.

``02_baseline`` chooses the best SEVERITY model and the best MACE model, each on its own part
of the metric, and saves the pair to ``output_dir`` with its record (:func:`cv_record`);
``03_submission`` submits it. A pair trained on the synthetic twin must never be submitted
for the official files, so the pair is saved with a stamp of the base mechanism
(:mod:`hdhkits.fingerprint`): the fingerprint of ``train.csv`` and ``test.csv``, the seed,
quick mode and a digest of the candidate models' settings (:func:`training_stamp`).
:func:`load_or_train` reloads the pair only when the stamp matches this run; otherwise it
says why and trains again (:func:`save_model` writes the pair, :func:`load_model` reads it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
from sklearn.base import clone

from .. import fingerprint
from ..files import atomic_path, display_path
from .baselines import declared_features
from .candidates import choose_per_outcome, combination_name
from .evaluation import NestedChoice, OutcomeCV, combine, cross_validate_outcome
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY

__all__ = [
    "CV_FILE",
    "MODELS_FILE",
    "choose_and_fit",
    "cv_record",
    "load_model",
    "load_or_train",
    "models_digest",
    "save_model",
    "training_stamp",
]

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
        return (
            "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in sorted(obj.items(), key=lambda kv: repr(kv[0]))) + "}"
        )
    return repr(obj)


def models_digest(pairs: dict[str, Any]) -> str:
    """A short digest of the candidate models' settings: changes when any model or parameter does.

    Parameters
    ----------
    pairs : dict
        ``{name: model or (severity_model, mace_model)}``, unfitted: the candidates of both
        outcomes (e.g. ``{**severity_candidates(), **mace_candidates()}``, or with a model a
        learner rewrote), or the pairs of :func:`~hdhkits.cardihack.candidates.candidate_pairs`.

    Returns
    -------
    str
        12 hex characters.
    """
    text = "\n".join(f"{name}: {_describe(pair)}" for name, pair in sorted(pairs.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def training_stamp(source: Any, seed: int, quick: bool, pairs: dict[str, tuple]) -> fingerprint.TrainingStamp:
    """The stamp of a pair chosen among ``pairs`` and trained on ``source``.

    :func:`hdhkits.fingerprint.training_stamp` with the digest of the candidates' settings.

    Parameters
    ----------
    source : hdhkits.datasource.DataSource
        The resolved data (``resolve_data``).
    seed : int
        The notebooks' seed.
    quick : bool
        Quick mode.
    pairs : dict
        The candidate models, unfitted (digested by :func:`models_digest`).

    Returns
    -------
    hdhkits.fingerprint.TrainingStamp
    """
    return fingerprint.training_stamp(source, seed=seed, quick=quick, candidate_models=models_digest(pairs))


def save_model(output_dir: str | Path, severity, mace, record: dict, stamp: fingerprint.TrainingStamp) -> Path:
    """Save the chosen fitted pair, its record (:data:`CV_FILE` too) and its stamp, each atomically.

    Parameters
    ----------
    output_dir : str or Path
        Folder (created if needed).
    severity, mace : fitted estimators
    record : dict
        JSON-serialisable: at least ``chosen`` (the pair's name) and ``cv`` (scores by name), as
        :func:`cv_record` makes it.
    stamp : hdhkits.fingerprint.TrainingStamp
        :func:`training_stamp` of this run.

    Returns
    -------
    Path
        The models file.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / MODELS_FILE
    with atomic_path(path) as tmp:
        joblib.dump(
            {
                "severity": severity,
                "mace": mace,
                "severity_features": declared_features(severity),
                "mace_features": declared_features(mace),
                "record": record,
            },
            tmp,
        )
    with atomic_path(output_dir / CV_FILE) as tmp:
        tmp.write_text(json.dumps(record, indent=1))
    fingerprint.write_stamp(path, stamp)
    return path


def load_model(output_dir: str | Path) -> tuple:
    """``(severity, mace, record)`` as :func:`save_model` saved them (no stamp check: see :func:`load_or_train`)."""
    bundle = joblib.load(Path(output_dir) / MODELS_FILE)
    return bundle["severity"], bundle["mace"], bundle["record"]


def load_or_train(
    output_dir: str | Path, stamp: fingerprint.TrainingStamp, train: Callable[[], tuple], verbose: bool = True
) -> tuple:
    """Reload the saved pair when its stamp matches this run, else choose and train one, save and stamp it.

    Parameters
    ----------
    output_dir : str or Path
        Where :func:`save_model` writes.
    stamp : hdhkits.fingerprint.TrainingStamp
        This run's :func:`training_stamp`.
    train : callable
        ``train()`` chooses and fits the pair: it returns ``(severity, mace, record)``, fitted.
    verbose : bool
        Print whether the pair was reloaded, or why it was trained again.

    Returns
    -------
    severity, mace, record, reloaded : (estimator, estimator, dict, bool)
    """
    path = Path(output_dir) / MODELS_FILE
    reason = fingerprint.stale_reason(path, stamp)
    if reason is None:
        try:
            severity, mace, record = load_model(output_dir)
        except Exception as exc:  # a damaged or foreign file: train again rather than stop
            reason = f"{display_path(path)} cannot be read ({type(exc).__name__}: {exc})"
        else:
            if verbose:
                print(f"reloaded the models saved in {display_path(path)} (trained on this data and settings)")
            return severity, mace, record, True
    if verbose:
        print(f"training the models here: {reason}")
    severity, mace, record = train()
    save_model(output_dir, severity, mace, record, stamp)
    return severity, mace, record, False


def cv_record(
    severity: str,
    mace: str,
    cv: dict[str, OutcomeCV],
    n_splits: int,
    n_repeats: int,
    table: pd.DataFrame | None = None,
    nested: NestedChoice | None = None,
) -> dict:
    """The record saved beside the chosen pair (:data:`CV_FILE`), JSON-serialisable.

    Parameters
    ----------
    severity, mace : str
        The chosen SEVERITY and MACE models' names.
    cv : dict of OutcomeCV
        Every candidate's cross-validation (and any reference), by name.
    n_splits, n_repeats : int
        The cross-validation's folds and repeats.
    table : DataFrame, optional
        :func:`~hdhkits.cardihack.comparison.comparison_table` holding the chosen combination's
        row: its bootstrap interval is recorded (``low``, ``high``).
    nested : NestedChoice, optional
        :func:`~hdhkits.cardihack.evaluation.nested_choice`, recorded under ``nested``.

    Returns
    -------
    dict
        ``chosen`` (:func:`~hdhkits.cardihack.candidates.combination_name`, what ``03_submission`` submits),
        ``severity``, ``mace``, ``n_splits``, ``n_repeats``, ``cv`` (``cv[chosen]``: ``score``,
        ``kappa_mace``, ``severity_rescaled`` and, with ``table``, ``low`` and ``high``; every
        other name: its ``outcome`` and its own part) and, with ``nested``, ``nested`` (the
        three parts and the choice of each outer fold).
    """
    chosen = combination_name(severity, mace)
    entry = {k: float(v) for k, v in combine(cv[severity], cv[mace], chosen).parts().items()}
    if table is not None and chosen in table.index:
        entry["low"], entry["high"] = float(table.loc[chosen, "score low"]), float(table.loc[chosen, "score high"])
    record = {
        "chosen": chosen,
        "severity": severity,
        "mace": mace,
        "n_splits": n_splits,
        "n_repeats": n_repeats,
        "cv": {chosen: entry},
    }
    for name, result in cv.items():
        record["cv"][name] = {
            "outcome": "SEVERITY" if result.outcome == OUTCOME_SEVERITY else "MACE",
            result.part: float(result.value()),
        }
    if nested is not None:
        record["nested"] = {
            **{k: float(v) for k, v in nested.result.parts().items()},
            "choices": nested.choices.to_dict("records"),
        }
    return record


def choose_and_fit(
    train: pd.DataFrame,
    severity_models: dict,
    mace_models: dict,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    enforce_rules: bool = True,
) -> tuple:
    """Cross-validate every candidate, choose per outcome, fit the chosen pair on every patient.

    What ``03_submission`` does when no saved pair matches its run: ``02_baseline``'s choice
    (:func:`~hdhkits.cardihack.candidates.choose_per_outcome`) with fewer repeats, without the nested score.

    Returns
    -------
    severity, mace, record : (estimator, estimator, dict)
        The fitted chosen models and their :func:`cv_record`.
    """
    cv = {
        name: cross_validate_outcome(name, model, train, outcome, n_splits, n_repeats, seed)
        for models, outcome in ((severity_models, OUTCOME_SEVERITY), (mace_models, OUTCOME_MACE))
        for name, model in models.items()
    }
    severity, mace = choose_per_outcome(
        {n: cv[n].value() for n in severity_models},
        {n: cv[n].value() for n in mace_models},
        severity_models,
        mace_models,
        enforce_rules=enforce_rules,
    )
    fitted_severity = clone(severity_models[severity]).fit(train, train[OUTCOME_SEVERITY].to_numpy(int))
    fitted_mace = clone(mace_models[mace]).fit(train, train[OUTCOME_MACE].to_numpy(int))
    return fitted_severity, fitted_mace, cv_record(severity, mace, cv, n_splits, n_repeats)
