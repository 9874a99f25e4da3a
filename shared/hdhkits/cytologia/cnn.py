"""A small convolutional network on cell crops, in plain torch (no torchvision, no downloads).

Crops are 72 x 72 (:func:`hdhkits.cytologia.features.extract_crops`); training takes a
random 64 x 64 window, flips, rotations by 90 degrees and a stain jitter in optical
density (each channel's stain scaled by a few per cent, as between laboratories);
evaluation takes the central window. The box's size (log width, height, aspect) enters
the classifier head beside the image features. Class-balanced sampling, AdamW, early
stopping on the validation macro-F1; the best weights are kept.

Runs on the CPU by default and on a GPU when one is there (:func:`default_device`).
"""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from .classes import CLASSES
from .metric import macro_f1

__all__ = ["CellNet", "TrainConfig", "default_device", "set_threads", "augment", "train_cnn", "predict_proba",
           "save_model", "load_model", "MODEL_FILE", "META_FILE"]

MODEL_FILE = "cytologia_cnn.pt"
META_FILE = "cytologia_cnn.json"


def default_device() -> torch.device:
    """CUDA when available, else Apple MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_threads(n: int | None = None) -> int:
    """Use ``n`` CPU threads in torch (default: the cores this process may use, at most 8)."""
    if n is None:
        try:
            n = len(os.sched_getaffinity(0))
        except AttributeError:
            n = os.cpu_count() or 1
        n = max(1, min(n, 8))
    torch.set_num_threads(n)
    return n


class CellNet(nn.Module):
    """Four conv blocks (conv-BN-ReLU, max-pool), global pooling, box size in the head.

    About 0.1 M parameters and 16 MFLOPs per 64 x 64 crop: trains on a laptop CPU.
    """

    def __init__(self, n_classes: int = len(CLASSES), width: int = 16, n_extra: int = 3, dropout: float = 0.3):
        super().__init__()
        self.width, self.n_extra, self.n_classes = width, n_extra, n_classes
        chans = [3, width, 2 * width, 4 * width, 8 * width]
        blocks = []
        for cin, cout in zip(chans[:-1], chans[1:]):
            blocks += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                       nn.MaxPool2d(2)]
        self.features = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.Linear(chans[-1] * 2 + n_extra, 128), nn.ReLU(inplace=True),
                                  nn.Dropout(dropout), nn.Linear(128, n_classes))

    def forward(self, x: torch.Tensor, extra: torch.Tensor) -> torch.Tensor:
        z = self.features(x)
        # average and max pooling: max keeps rare strong cues (a nucleolus, an Auer rod)
        z = torch.cat([z.mean(dim=(2, 3)), z.amax(dim=(2, 3)), extra], dim=1)
        return self.head(z)


def _to_od(x: torch.Tensor) -> torch.Tensor:
    """uint8 crops (B, 3, H, W) to optical density, centred for the network."""
    return -torch.log((x.float() + 1) / 256)


def augment(x: torch.Tensor, generator: torch.Generator, out: int = 64, train: bool = True,
            stain_jitter: float = 0.08) -> torch.Tensor:
    """Augment a batch of uint8 crops (B, 3, S, S) and return optical density (B, 3, out, out).

    Training: random window, horizontal and vertical flips, rotation by k x 90 degrees,
    per-channel stain scaling ``exp(N(0, stain_jitter))`` and a global intensity scale.
    Evaluation (``train=False``): the central window only.
    """
    b, _, s, _ = x.shape
    od = _to_od(x)
    if not train:
        o = (s - out) // 2
        return od[:, :, o:o + out, o:o + out]
    oy, ox = torch.randint(0, s - out + 1, (2,), generator=generator).tolist()
    od = od[:, :, oy:oy + out, ox:ox + out]
    if torch.rand(1, generator=generator).item() < 0.5:
        od = od.flip(3)
    if torch.rand(1, generator=generator).item() < 0.5:
        od = od.flip(2)
    k = int(torch.randint(0, 4, (1,), generator=generator))
    od = torch.rot90(od, k, dims=(2, 3))
    gain = torch.exp(torch.randn(b, 3, 1, 1, generator=generator) * stain_jitter)
    level = torch.exp(torch.randn(b, 1, 1, 1, generator=generator) * stain_jitter)
    return od * gain.to(od.device) * level.to(od.device)


@dataclass
class TrainConfig:
    """Training settings (the notebooks' parameters map onto these)."""

    epochs: int = 12
    batch_size: int = 64
    lr: float = 5e-3
    weight_decay: float = 1e-4
    patience: int = 4
    width: int = 16
    crop: int = 64
    seed: int = 0
    balanced: bool = True


def _batches(n: int, size: int):
    for i in range(0, n, size):
        yield slice(i, min(n, i + size))


@torch.no_grad()
def predict_proba(model: CellNet, crops: np.ndarray, extra: np.ndarray, device: torch.device | str | None = None,
                  batch_size: int = 256, crop: int = 64) -> np.ndarray:
    """Class probabilities (n, n_classes) for uint8 crops (n, S, S, 3) and box features (n, 3)."""
    device = torch.device(device) if device is not None else next(model.parameters()).device
    model.eval().to(device)
    out = []
    x_all = torch.from_numpy(np.ascontiguousarray(crops)).permute(0, 3, 1, 2)
    e_all = torch.from_numpy(np.asarray(extra, np.float32))
    for sl in _batches(len(crops), batch_size):
        x = augment(x_all[sl].to(device), None, crop, train=False)
        out.append(torch.softmax(model(x, e_all[sl].to(device)), 1).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, model.head[-1].out_features), np.float32)


def train_cnn(crops: np.ndarray, extra: np.ndarray, labels: np.ndarray, train_idx: np.ndarray, val_idx: np.ndarray,
              config: TrainConfig | None = None, device: torch.device | str | None = None,
              classes: tuple[str, ...] = CLASSES, progress: bool = True) -> tuple[CellNet, pd.DataFrame]:
    """Train :class:`CellNet` with early stopping on the validation macro-F1.

    Parameters
    ----------
    crops : ndarray (n, S, S, 3) uint8
    extra : ndarray (n, 3)
        Box size features.
    labels : array of str (n,)
        Class codes.
    train_idx, val_idx : int arrays
        Rows to train on and to stop on (split by duplicate group beforehand).
    config : TrainConfig
    device : torch device, optional
        Default :func:`default_device`.
    progress : bool
        tqdm bar over epochs.

    Returns
    -------
    model : CellNet
        With the weights of the best validation epoch.
    history : DataFrame
        Per epoch: ``train_loss, val_loss, val_accuracy, val_macro_f1, seconds``.
    """
    cfg = config or TrainConfig()
    device = torch.device(device) if device is not None else default_device()
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    index = {c: i for i, c in enumerate(classes)}
    unknown = sorted(set(map(str, labels)) - set(index))
    if unknown:
        raise ValueError(f"labels hold class code(s) outside the {len(classes)}: {unknown}")
    y = torch.tensor([index[str(c)] for c in labels], dtype=torch.long)
    x_all = torch.from_numpy(np.ascontiguousarray(crops)).permute(0, 3, 1, 2)
    e_all = torch.from_numpy(np.asarray(extra, np.float32))
    train_idx, val_idx = np.asarray(train_idx), np.asarray(val_idx)
    model = CellNet(len(classes), cfg.width, e_all.shape[1]).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps = max(1, math.ceil(len(train_idx) / cfg.batch_size))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.epochs * steps)
    counts = np.bincount(y[train_idx].numpy(), minlength=len(classes)).astype(float)
    # class-balanced sampling: every class drawn about equally often (with replacement)
    weights = 1.0 / np.maximum(counts[y[train_idx].numpy()], 1) if cfg.balanced else np.ones(len(train_idx))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    history, best, best_state, wait = [], -1.0, None, 0
    epochs = range(cfg.epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs = tqdm(epochs, desc="training CNN")
    for epoch in epochs:
        start = time.perf_counter()
        model.train()
        order = torch.multinomial(torch.as_tensor(weights), len(train_idx), replacement=True, generator=gen).numpy()
        rows = train_idx[order]
        total = 0.0
        for sl in _batches(len(rows), cfg.batch_size):
            r = rows[sl]
            if len(r) < 2:  # batch norm needs two samples
                continue
            x = augment(x_all[r].to(device), gen, cfg.crop, train=True)
            loss = loss_fn(model(x, e_all[r].to(device)), y[r].to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            if sched.last_epoch + 1 < sched.total_steps:
                sched.step()
            total += float(loss.detach()) * len(r)
        proba = predict_proba(model, crops[val_idx], extra[val_idx], device, crop=cfg.crop) if len(val_idx) else None
        if proba is not None:
            yv = y[val_idx].numpy()
            val_loss = float(-np.mean(np.log(proba[np.arange(len(yv)), yv] + 1e-9)))
            pred = proba.argmax(1)
            f1 = macro_f1(np.asarray(classes)[yv], np.asarray(classes)[pred])
            acc = float((pred == yv).mean())
        else:
            val_loss = f1 = acc = float("nan")
        history.append({"epoch": epoch + 1, "train_loss": total / max(1, len(rows)), "val_loss": val_loss,
                        "val_accuracy": acc, "val_macro_f1": f1, "seconds": time.perf_counter() - start})
        if proba is None or f1 > best:
            best, wait = (f1 if proba is not None else best), 0
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        else:
            wait += 1
            if wait >= cfg.patience:  # early stopping
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return model, pd.DataFrame(history)


def save_model(model: CellNet, output_dir: str | Path, meta: dict) -> Path:
    """Save the state dict (``cytologia_cnn.pt``) and metadata (``cytologia_cnn.json``)."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    from ..files import atomic_path, write_json

    with atomic_path(out / MODEL_FILE) as tmp:
        torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, tmp)
    full = {"classes": list(CLASSES[:model.n_classes]), "width": model.width, "n_extra": model.n_extra}
    full.update(meta)
    write_json(full, out / META_FILE)
    return out / MODEL_FILE


def load_model(output_dir: str | Path, device: torch.device | str | None = None) -> tuple[CellNet, dict] | None:
    """Reload a model saved by :func:`save_model`; ``None`` when there is none.

    Raises
    ------
    ValueError
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
        raise ValueError(f"{out / MODEL_FILE} does not match this network ({exc}); delete it to retrain") from None
    model.eval()
    if device is not None:
        model.to(device)
    return model, meta
