"""Training the CNN: the recipe (:class:`TrainConfig`), early stopping, checkpoints and resuming.

Class-balanced sampling, AdamW, early stopping on the macro-F1 of a validation split (an
*inner* split of the training part: the fold a model is reported on must not choose its
epoch); the best weights are kept. Batches are prepared by a ``DataLoader``
(``num_workers`` processes; the random augmentation parameters are drawn in the main
process, so the result does not depend on the number of workers). With a ``checkpoint``
path, training saves its whole state after every epoch and an interrupted run resumes
where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader

from ...files import atomic_path
from ...findings import DataError
from ...notebook import tqdm
from ..classes import CLASSES
from ..metric import macro_f1
from .augmentation import draw_augment_params
from .batches import CropBatches, EpochPlan, batch_slices
from .device import AmpSetup, amp_setup, pick_device
from .network import CellNet, predict_proba

__all__ = ["TrainConfig", "train_cnn"]


@dataclass
class TrainConfig:
    """Training settings (the notebooks' parameters map onto these).

    ``num_workers`` and ``amp`` change the speed, not the recipe: they are left out of
    the checkpoint's fingerprint, so a run interrupted on one machine resumes on another.
    """

    epochs: int = 12
    batch_size: int = 64
    lr: float = 5e-3
    weight_decay: float = 1e-4
    patience: int = 4
    width: int = 16
    crop: int = 64
    seed: int = 0
    balanced: bool = True
    num_workers: int = 0  # DataLoader worker processes (0: batches prepared in the training process)
    amp: bool = True  # mixed precision where it helps (CUDA only, see amp_setup)


_SPEED_ONLY = ("num_workers", "amp")


def _fingerprint(
    cfg: TrainConfig,
    crops: np.ndarray,
    extra: np.ndarray,
    labels: np.ndarray,
    train_idx: np.ndarray,
    val_idx: np.ndarray,
    classes: tuple[str, ...],
) -> str:
    """A hash of what decides the training: the recipe, the rows, the labels and a sample of the crops."""
    h = hashlib.sha1()
    recipe = {k: v for k, v in asdict(cfg).items() if k not in _SPEED_ONLY}
    h.update(json.dumps(recipe, sort_keys=True).encode())
    h.update(json.dumps(list(classes)).encode())
    h.update(np.asarray(crops.shape, np.int64).tobytes())
    step = max(1, len(crops) // 64)  # a strided sample: cheap on 50,000 crops, still catches other data
    h.update(np.ascontiguousarray(crops[::step]).tobytes())
    h.update(np.ascontiguousarray(extra, np.float32).tobytes())
    h.update("\n".join(map(str, labels)).encode())
    h.update(np.asarray(train_idx, np.int64).tobytes() + b"|" + np.asarray(val_idx, np.int64).tobytes())
    return h.hexdigest()


def _rng_states(device: torch.device) -> dict:
    states: dict[str, torch.Tensor | list[torch.Tensor] | None] = {
        "torch": torch.get_rng_state(),
        "cuda": None,
        "mps": None,
    }
    if device.type == "cuda":
        states["cuda"] = torch.cuda.get_rng_state_all()
    elif device.type == "mps":
        states["mps"] = torch.mps.get_rng_state()
    return states


def _set_rng_states(states: dict, device: torch.device) -> None:
    torch.set_rng_state(states["torch"])
    if device.type == "cuda" and states.get("cuda") is not None:
        torch.cuda.set_rng_state_all(states["cuda"])
    elif device.type == "mps" and states.get("mps") is not None:
        torch.mps.set_rng_state(states["mps"])


def train_cnn(
    crops: np.ndarray,
    extra: np.ndarray,
    labels: np.ndarray,
    train_idx: np.ndarray,
    val_idx: np.ndarray,
    config: TrainConfig | None = None,
    device: torch.device | str | None = None,
    classes: tuple[str, ...] = CLASSES,
    progress: bool = True,
    checkpoint: str | Path | None = None,
    resume: bool = True,
    on_epoch_end: Callable[[int, dict], None] | None = None,
) -> tuple[CellNet, pd.DataFrame]:
    """Train :class:`CellNet` with early stopping on the validation macro-F1.

    Parameters
    ----------
    crops : ndarray (n, S, S, 3) uint8
    extra : ndarray (n, 3)
        Box size features.
    labels : array of str (n,)
        Class codes.
    train_idx, val_idx : int arrays
        Rows to train on and to stop on (split by duplicate group beforehand). The
        validation rows choose the epoch, so a score reported on them is optimistic:
        report on rows outside both (see :func:`hdhkits.cytologia.evaluation.inner_split`).
    config : TrainConfig
    device : torch device or str, optional
        Passed to :func:`pick_device` (default ``"auto"``).
    classes : tuple of str
    progress : bool
        tqdm bar over epochs, and a line when training resumes.
    checkpoint : str or Path, optional
        File for the training state, rewritten after every epoch: model, optimizer,
        learning-rate schedule, gradient scaler, epoch, best score and weights, the
        early-stopping counter, the history and the random states.
    resume : bool
        Continue from ``checkpoint`` when it holds a run of the same recipe on the same
        data (a finished run is returned as it is); otherwise start over.
    on_epoch_end : callable, optional
        ``on_epoch_end(epoch, history_row)``, called after each epoch's checkpoint
        (the tests interrupt training from it).

    Returns
    -------
    model : CellNet
        With the weights of the best validation epoch.
    history : DataFrame
        Per epoch: ``epoch, train_loss, val_loss, val_accuracy, val_macro_f1, seconds``;
        ``history.attrs`` holds ``device``, ``amp``, ``resumed_from`` (epochs read from
        the checkpoint, 0 for a fresh start).
    """
    cfg = config or TrainConfig()
    device = pick_device(device if device is not None else "auto")
    run = _start_run(crops, extra, labels, train_idx, val_idx, cfg, device, classes)
    ckpt_path = Path(checkpoint) if checkpoint is not None else None
    run.fingerprint = _fingerprint(cfg, crops, extra, labels, run.train_idx, run.val_idx, classes) if ckpt_path else ""
    if ckpt_path is not None and resume and ckpt_path.is_file():
        _resume(run, ckpt_path, device, progress)
    # the DataLoader's own generator keeps it from drawing on the global RNG (dropout's)
    plan = EpochPlan()
    loader = DataLoader(
        CropBatches(run.x_all, run.e_all, run.y, cfg.crop),
        batch_size=None,
        sampler=plan,
        num_workers=cfg.num_workers,
        pin_memory=device.type == "cuda",
        persistent_workers=cfg.num_workers > 0,
        generator=torch.Generator().manual_seed(cfg.seed),
    )
    epochs = range(run.start_epoch, cfg.epochs if not run.finished else run.start_epoch)
    # a bar advanced after each epoch: iterating a tqdm over the range would miss the last
    # epoch's step when the loop breaks on it (early stopping or the last epoch)
    bar = tqdm(desc="training CNN", initial=run.start_epoch, total=cfg.epochs) if progress and len(epochs) else None
    for epoch in epochs:
        start = time.perf_counter()
        train_loss = _train_epoch(run, plan, loader, device)
        val_loss, acc, f1 = _validate(run, crops, extra, device)
        row = {
            "epoch": epoch + 1,
            "train_loss": train_loss,
            "val_loss": val_loss,
            "val_accuracy": acc,
            "val_macro_f1": f1,
            "seconds": time.perf_counter() - start,
        }
        run.history.append(row)
        if not len(run.val_idx) or f1 > run.best:
            run.best, run.wait = (f1 if len(run.val_idx) else run.best), 0
            run.best_state = {k: v.detach().cpu().clone() for k, v in run.model.state_dict().items()}
        else:
            run.wait += 1
        stop = run.wait >= cfg.patience or epoch + 1 >= cfg.epochs  # early stopping, or the last epoch
        if ckpt_path is not None:
            _save_checkpoint(run, ckpt_path, epoch + 1, stop, device)
        if on_epoch_end is not None:
            on_epoch_end(epoch + 1, row)
        if bar is not None:
            bar.update(1)
        if stop:
            break
    if bar is not None:
        bar.close()
    if run.best_state is not None:
        run.model.load_state_dict(run.best_state)
    run.model.eval()
    out = pd.DataFrame(
        run.history, columns=["epoch", "train_loss", "val_loss", "val_accuracy", "val_macro_f1", "seconds"]
    )
    out.attrs.update(device=device.type, amp=run.precision.enabled, resumed_from=run.start_epoch)
    return run.model, out


@dataclass
class _Run:
    """One training: data as tensors, the model and its optimiser, and the early-stopping state."""

    cfg: TrainConfig
    classes: tuple[str, ...]
    x_all: torch.Tensor
    e_all: torch.Tensor
    y: torch.Tensor
    train_idx: np.ndarray
    val_idx: np.ndarray
    model: CellNet
    opt: torch.optim.Optimizer
    sched: torch.optim.lr_scheduler.OneCycleLR
    precision: AmpSetup
    gen: torch.Generator
    weights: np.ndarray
    loss_fn: nn.Module
    fingerprint: str = ""
    history: list = field(default_factory=list)
    best: float = -1.0
    best_state: dict | None = None
    wait: int = 0
    start_epoch: int = 0
    finished: bool = False


def _start_run(
    crops: np.ndarray,
    extra: np.ndarray,
    labels: np.ndarray,
    train_idx: np.ndarray,
    val_idx: np.ndarray,
    cfg: TrainConfig,
    device: torch.device,
    classes: tuple[str, ...],
) -> _Run:
    """Seed, encode the labels, build the model, optimiser, schedule and sampling weights."""
    torch.manual_seed(cfg.seed)  # before the model: its initial weights come from the global RNG
    gen = torch.Generator().manual_seed(cfg.seed)
    index = {c: i for i, c in enumerate(classes)}
    unknown = sorted(set(map(str, labels)) - set(index))
    if unknown:
        raise DataError(
            "labels",
            [
                f"class code(s) outside the {len(classes)}: {unknown}; train on the 23 "
                f"official codes (read_dataset leaves other rows out)"
            ],
        )
    y = torch.tensor([index[str(c)] for c in labels], dtype=torch.long)
    x_all = torch.from_numpy(np.ascontiguousarray(crops)).permute(0, 3, 1, 2)
    e_all = torch.from_numpy(np.asarray(extra, np.float32))
    train_idx, val_idx = np.asarray(train_idx), np.asarray(val_idx)
    model = CellNet(len(classes), cfg.width, e_all.shape[1]).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps = max(1, math.ceil(len(train_idx) / cfg.batch_size))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.epochs * steps)
    precision = amp_setup(device, cfg.amp)
    counts = np.bincount(y[train_idx].numpy(), minlength=len(classes)).astype(float)
    # class-balanced sampling: every class drawn about equally often (with replacement)
    weights = 1.0 / np.maximum(counts[y[train_idx].numpy()], 1) if cfg.balanced else np.ones(len(train_idx))
    return _Run(
        cfg,
        classes,
        x_all,
        e_all,
        y,
        train_idx,
        val_idx,
        model,
        opt,
        sched,
        precision,
        gen,
        weights,
        nn.CrossEntropyLoss(label_smoothing=0.05),
    )


def _resume(run: _Run, ckpt_path: Path, device: torch.device, progress: bool) -> None:
    """Load the checkpoint's state into ``run`` when it holds this training (same fingerprint)."""
    state = torch.load(ckpt_path, map_location="cpu", weights_only=True)
    if state.get("fingerprint") != run.fingerprint:
        if progress:
            print(f"{ckpt_path.name} holds another training (other settings or data): starting over.")
        return
    run.model.load_state_dict(state["model"])
    run.opt.load_state_dict(state["optimizer"])
    run.sched.load_state_dict(state["scheduler"])
    if run.precision.scaler is not None and state.get("scaler"):
        run.precision.scaler.load_state_dict(state["scaler"])
    run.gen.set_state(state["generator"])
    _set_rng_states(state["rng"], device)
    run.history, run.best, run.best_state = list(state["history"]), float(state["best"]), state["best_state"]
    run.wait, run.start_epoch, run.finished = int(state["wait"]), int(state["epoch"]), bool(state["finished"])
    if progress:
        print(
            f"Resuming the CNN's training from {ckpt_path.name}: {run.start_epoch} epoch(s) done"
            + (" (finished)" if run.finished else f" of {run.cfg.epochs}")
        )


def _save_checkpoint(run: _Run, ckpt_path: Path, epoch: int, done: bool, device: torch.device) -> None:
    """Write the whole training state after an epoch (atomically)."""
    ckpt_path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "version": 1,
        "fingerprint": run.fingerprint,
        "epoch": epoch,
        "finished": done,
        "model": {k: v.detach().cpu() for k, v in run.model.state_dict().items()},
        "optimizer": run.opt.state_dict(),
        "scheduler": run.sched.state_dict(),
        "scaler": run.precision.scaler.state_dict() if run.precision.scaler is not None else None,
        "best": run.best,
        "best_state": run.best_state,
        "wait": run.wait,
        "history": run.history,
        "generator": run.gen.get_state(),
        "rng": _rng_states(device),
        "config": asdict(run.cfg),
    }
    with atomic_path(ckpt_path) as tmp:  # an interruption while writing leaves the previous epoch's file
        torch.save(state, tmp)


def _train_epoch(run: _Run, plan: EpochPlan, loader: DataLoader, device: torch.device) -> float:
    """One epoch over a class-balanced resample of the training rows; the mean training loss."""
    cfg, model, opt, sched, precision = run.cfg, run.model, run.opt, run.sched, run.precision
    model.train()
    order = torch.multinomial(
        torch.as_tensor(run.weights), len(run.train_idx), replacement=True, generator=run.gen
    ).numpy()
    rows = run.train_idx[order]
    # augmentation draws made here, in batch order: the same whatever the number of workers
    plan.items = [
        (rows[sl], draw_augment_params(run.gen, len(rows[sl]), run.x_all.shape[-1], cfg.crop))
        for sl in batch_slices(len(rows), cfg.batch_size)
        if len(rows[sl]) >= 2
    ]  # batch norm needs two
    total = 0.0
    for x, e, yb in loader:
        x, e, yb = (t.to(device, non_blocking=True) for t in (x, e, yb))
        with precision.autocast():
            loss = run.loss_fn(model(x, e), yb)
        opt.zero_grad()
        if precision.scaler is not None:
            precision.scaler.scale(loss).backward()
            precision.scaler.step(opt)
            precision.scaler.update()
        else:
            loss.backward()
            opt.step()
        if sched.last_epoch + 1 < sched.total_steps:
            sched.step()
        total += float(loss.detach()) * len(yb)
    # the loss averages over the rows trained on (a one-row last batch is skipped)
    return total / max(1, len(rows))


def _validate(run: _Run, crops: np.ndarray, extra: np.ndarray, device: torch.device) -> tuple[float, float, float]:
    """Loss, accuracy and macro-F1 on the validation rows (NaN when there are none)."""
    val_idx = run.val_idx
    if not len(val_idx):
        return float("nan"), float("nan"), float("nan")
    proba = predict_proba(run.model, crops[val_idx], extra[val_idx], device, crop=run.cfg.crop, amp=run.cfg.amp)
    yv = run.y[val_idx].numpy()
    val_loss = float(-np.mean(np.log(proba[np.arange(len(yv)), yv] + 1e-9)))
    pred = proba.argmax(1)
    names = np.asarray(run.classes)
    return val_loss, float((pred == yv).mean()), macro_f1(names[yv], names[pred])
