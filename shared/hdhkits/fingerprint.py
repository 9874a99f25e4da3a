"""What a saved model was trained on, so a stale model is retrained rather than submitted.

``02_baseline`` saves models into ``output_dir`` and ``03_submission`` reloads them. A
participant who runs the kit on the twin (the default) and then points it at the
official files would otherwise submit predictions of a model trained on synthetic
patients. Every saved model therefore gets a *stamp* beside it: the fingerprint of the
data files it learnt from, plus the settings that change the model (seed, quick mode,
the model's name...). Before reloading, the kit compares the stamp with the current run;
on any difference it says why and retrains.

The stamp lives in a small JSON file next to the model (``<model>.stamp.json``), so it
works for any format (joblib, torch state dicts, a folder of files).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .files import atomic_path, display_path, file_digest
from .problem import get_problem

__all__ = [
    "TrainingStamp",
    "data_fingerprint",
    "describe_model",
    "load_or_train",
    "model_digest",
    "read_stamp",
    "stale_reason",
    "stamp_path",
    "training_stamp",
    "write_stamp",
]


def _folder_digest(folder: Path) -> str:
    # Names and sizes only: hashing 69k images would take minutes, and a different image
    # set changes names or sizes in practice.
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(f"{p.relative_to(folder).as_posix()}\0{p.stat().st_size}\n".encode())
    return h.hexdigest()


def data_fingerprint(data_dir: str | Path, files: Iterable[str]) -> str:
    """SHA-256 of a data folder's official files.

    Parameters
    ----------
    data_dir : str or Path
        The folder.
    files : iterable of str
        Official file names (``Problem.official_files``); a name ending in ``/`` is a
        folder, fingerprinted by its files' names and sizes. Missing files count as absent.

    Returns
    -------
    str
        Hex digest.
    """
    h = hashlib.sha256()
    for name in files:
        path = Path(data_dir) / name.rstrip("/")
        if path.is_dir():
            digest = _folder_digest(path)
        elif path.is_file():
            digest = file_digest(path)
        else:
            digest = "absent"
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def describe_model(model: Any) -> str:
    """A full, deterministic text of an unfitted model's settings.

    scikit-learn's ``repr`` shortens long parameter lists, and a function's ``repr``
    holds its memory address: neither can say whether two runs built the same model.
    Objects with ``get_params`` are described by their class and every parameter, in
    name order (nested models too); functions and classes by their qualified name;
    anything else by its ``repr`` without memory addresses.

    Parameters
    ----------
    model : object
        An estimator, a list or dict of them, or any value.

    Returns
    -------
    str
    """
    if hasattr(model, "get_params") and not isinstance(model, type):
        params = model.get_params(deep=False)
        inner = ", ".join(f"{key}={describe_model(value)}" for key, value in sorted(params.items()))
        return f"{type(model).__name__}({inner})"
    if isinstance(model, (list, tuple)):
        return "[" + ", ".join(describe_model(v) for v in model) + "]"
    if isinstance(model, dict):
        items = sorted(model.items(), key=lambda kv: repr(kv[0]))
        return "{" + ", ".join(f"{k!r}: {describe_model(v)}" for k, v in items) + "}"
    if callable(model) and hasattr(model, "__qualname__"):
        return f"{getattr(model, '__module__', '')}.{model.__qualname__}"
    return _ADDRESS.sub("", repr(model))


def model_digest(model: Any) -> str:
    """12 hex characters of :func:`describe_model`: changes when any setting of the model does."""
    return hashlib.sha256(describe_model(model).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class TrainingStamp:
    """What a model was trained on.

    Parameters
    ----------
    kit : str
        Kit name.
    data : str
        :func:`data_fingerprint` of the training folder.
    source : str
        Human description of the data (``synthetic twin (seed 0, size quick)`` or the
        folder), used only in messages.
    seed : int
        Seed of the training run.
    quick : bool
        Quick mode (lighter models).
    settings : dict
        Anything else that changes the model (its name, hyper-parameters).
    """

    kit: str
    data: str
    source: str = ""
    seed: int = 0
    quick: bool = False
    settings: dict = field(default_factory=dict)

    def differences(self, other: TrainingStamp) -> list[str]:
        """Sentences naming what differs between this stamp (saved) and ``other`` (now)."""
        out = []
        if self.kit != other.kit:
            out.append(f"it belongs to the {self.kit} kit, not {other.kit}")
        if self.data != other.data:
            out.append(f"it was trained on other data ({self.source or 'unknown'}; now: {other.source or 'unknown'})")
        if self.seed != other.seed:
            out.append(f"it was trained with seed {self.seed} (now {other.seed})")
        if self.quick != other.quick:
            out.append(
                f"it was trained in {'quick' if self.quick else 'full'} mode (now {'quick' if other.quick else 'full'})"
            )
        for key in sorted(set(self.settings) | set(other.settings)):
            if self.settings.get(key) != other.settings.get(key):
                out.append(f"its {key} was {self.settings.get(key)!r} (now {other.settings.get(key)!r})")
        return out


def training_stamp(source: Any, seed: int = 0, quick: bool = False, **settings: Any) -> TrainingStamp:
    """The stamp of a training run on a resolved data source.

    Parameters
    ----------
    source : hdhkits.datasource.DataSource
        Where the data comes from (``resolve_data``'s result).
    seed : int
        Training seed.
    quick : bool
        Quick mode.
    **settings
        Other settings that change the model (JSON-serialisable).
    """
    problem = get_problem(source.kit)
    return TrainingStamp(
        kit=problem.name,
        data=data_fingerprint(source.data_dir, problem.official_files),
        source=source.describe(),
        seed=int(seed),
        quick=bool(quick),
        settings=dict(settings),
    )


def stamp_path(model_path: str | Path) -> Path:
    """The stamp file beside a model: ``<model>.stamp.json``."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.name + ".stamp.json")


def write_stamp(model_path: str | Path, stamp: TrainingStamp) -> Path:
    """Write the stamp of a model just saved (atomically); returns the stamp file."""
    target = stamp_path(model_path)
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(asdict(stamp), indent=2, sort_keys=True) + "\n")
    return target


def read_stamp(model_path: str | Path) -> TrainingStamp | None:
    """The stamp saved beside a model, or None when there is none or it cannot be read."""
    path = stamp_path(model_path)
    try:
        return TrainingStamp(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def stale_reason(model_path: str | Path, stamp: TrainingStamp) -> str | None:
    """Why a saved model cannot be reused for a run with ``stamp`` (None when it can).

    A model with no stamp (saved by an older version, or by hand) is stale: nothing says
    what it learnt from.
    """
    model_path = Path(model_path)
    if not model_path.exists():
        return f"no saved model at {display_path(model_path)}"
    saved = read_stamp(model_path)
    if saved is None:
        return f"{display_path(model_path)} has no readable stamp saying what it was trained on"
    diffs = saved.differences(stamp)
    return "; ".join(diffs) if diffs else None


def load_or_train(
    model_path: str | Path,
    stamp: TrainingStamp,
    load: Callable[[Path], Any],
    train: Callable[[], Any],
    save: Callable[[Any, Path], Any],
    verbose: bool = True,
    what: str = "the model",
) -> tuple[Any, bool]:
    """Reload a model when its stamp matches this run, else train, save and stamp it.

    The one staleness check of every kit: a model saved for other data, another seed,
    mode or setting, with no stamp, or whose file cannot be read (cut, foreign, saved by
    an incompatible version) is trained again, and a line says why.

    Parameters
    ----------
    model_path : str or Path
        Where the model is (or will be) saved.
    stamp : TrainingStamp
        This run's stamp (:func:`training_stamp`).
    load : callable
        ``load(path)`` returns the saved model.
    train : callable
        ``train()`` returns a fitted model.
    save : callable
        ``save(model, path)`` writes it (atomically).
    verbose : bool
        Print whether the model was reloaded or retrained, and why.
    what : str
        What the model is, for those lines (``"your model"``).

    Returns
    -------
    model, reloaded : (object, bool)
    """
    model_path = Path(model_path)
    reason = stale_reason(model_path, stamp)
    if reason is None:
        try:
            model = load(model_path)
        except Exception as exc:  # a damaged or foreign file: train again rather than stop
            reason = f"{display_path(model_path)} cannot be read ({type(exc).__name__}: {exc})"
        else:
            if verbose:
                print(f"reloaded {what} saved in {display_path(model_path)} (trained on this data and settings)")
            return model, True
    if verbose:
        print(f"training {what} here: {reason}")
    model = train()
    save(model, model_path)
    write_stamp(model_path, stamp)
    return model, False
