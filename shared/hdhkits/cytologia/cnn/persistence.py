"""The CNN on disk: its weights and metadata, and the file names of its training checkpoint.

:func:`save_cnn` writes the state dict (``cytologia_cnn.pt``) and the metadata
(``cytologia_cnn.json``: classes, width, the training's settings and scores);
:func:`load_cnn` rebuilds the network from them. The per-epoch training checkpoint
(``cytologia_cnn_checkpoint.pt``) is written by :func:`~hdhkits.cytologia.cnn.training.train_cnn`.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from ...files import atomic_path, write_json
from ...findings import DataError
from ..classes import CLASSES
from .network import CellNet

__all__ = ["CHECKPOINT_FILE", "META_FILE", "MODEL_FILE", "cnn_meta", "load_cnn", "save_cnn"]

MODEL_FILE = "cytologia_cnn.pt"
META_FILE = "cytologia_cnn.json"
CHECKPOINT_FILE = "cytologia_cnn_checkpoint.pt"


def cnn_meta(model: CellNet, meta: dict) -> dict:
    """The metadata :func:`save_cnn` writes: the network's classes, width and extra inputs, then ``meta``."""
    full = {"classes": list(CLASSES[: model.n_classes]), "width": model.width, "n_extra": model.n_extra}
    full.update(meta)
    return full


def save_cnn(model: CellNet, output_dir: str | Path, meta: dict) -> Path:
    """Save the state dict (``cytologia_cnn.pt``) and metadata (``cytologia_cnn.json``, :func:`cnn_meta`)."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / MODEL_FILE) as tmp:
        torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, tmp)
    write_json(cnn_meta(model, meta), out / META_FILE)
    return out / MODEL_FILE


def load_cnn(output_dir: str | Path, device: torch.device | str | None = None) -> tuple[CellNet, dict] | None:
    """Reload a model saved by :func:`save_cnn`; ``None`` when there is none.

    Raises
    ------
    DataError
        The files exist but do not match this version of the network.
    """
    out = Path(output_dir)
    if not (out / MODEL_FILE).is_file() or not (out / META_FILE).is_file():
        return None
    meta = json.loads((out / META_FILE).read_text())
    model = CellNet(len(meta["classes"]), int(meta.get("width", 16)), int(meta.get("n_extra", 3)))
    try:
        state = torch.load(out / MODEL_FILE, map_location="cpu", weights_only=True)
        model.load_state_dict(state)
    except (RuntimeError, KeyError, OSError) as exc:
        raise DataError(out / MODEL_FILE, [f"does not match this network ({exc}); delete it to retrain"]) from None
    model.eval()
    if device is not None:
        model.to(device)
    return model, meta
