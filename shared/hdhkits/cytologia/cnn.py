"""A small convolutional network on cell crops, in plain torch (no torchvision, no downloads).

Crops are 72 x 72 (:func:`hdhkits.cytologia.features.extract_crops`); training takes a
random 64 x 64 window, flips, rotations by 90 degrees and a stain jitter in optical
density (each channel's stain scaled by a few per cent, as between laboratories);
evaluation takes the central window. The box's size (log width, height, aspect) enters
the classifier head beside the image features. Class-balanced sampling, AdamW, early
stopping on the macro-F1 of a validation split (an *inner* split of the training part:
the fold a model is reported on must not choose its epoch); the best weights are kept.

Machines: :func:`pick_device` chooses CUDA, then Apple MPS, then the CPU; on CUDA the
network trains in mixed precision (:func:`amp_setup`: ``torch.autocast`` and a
``GradScaler``, CUDA only). Batches are prepared by a ``DataLoader`` (``num_workers``
processes; the random augmentation parameters are drawn in the main process, so the
result does not depend on the number of workers). With a ``checkpoint`` path, training
saves its whole state after every epoch and an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from ..findings import DataError
from .classes import CLASSES
from .metric import macro_f1

__all__ = [
    "CHECKPOINT_FILE",
    "META_FILE",
    "MODEL_FILE",
    "AmpSetup",
    "CellNet",
    "CropBatches",
    "TrainConfig",
    "amp_setup",
    "apply_augment",
    "augment",
    "default_device",
    "draw_augment_params",
    "load_model",
    "pick_device",
    "predict_proba",
    "save_model",
    "set_threads",
    "train_cnn",
]

MODEL_FILE = "cytologia_cnn.pt"
META_FILE = "cytologia_cnn.json"
CHECKPOINT_FILE = "cytologia_cnn_checkpoint.pt"


def pick_device(
    requested: str | torch.device | None = "auto", cuda_available: bool | None = None, mps_available: bool | None = None
) -> torch.device:
    """The torch device to use.

    Parameters
    ----------
    requested : str or torch.device
        ``"auto"`` (or ``None``): CUDA when torch sees a GPU, else Apple MPS, else the CPU.
        Anything else (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``) is used as given.
    cuda_available, mps_available : bool, optional
        What torch reports (default: ask torch). Passed explicitly by the tests, so every
        branch is checked on a machine without a GPU.

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        A CUDA or MPS device is requested but torch does not see one (a clear message
        instead of an error deep inside the first batch).
    """
    if cuda_available is None:
        cuda_available = torch.cuda.is_available()
    if mps_available is None:
        mps = getattr(torch.backends, "mps", None)
        mps_available = bool(mps is not None and mps.is_available())
    if requested is None or str(requested) == "auto":
        if cuda_available:
            return torch.device("cuda")
        if mps_available:
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not cuda_available:
        raise ValueError(f"device {str(requested)!r} requested but torch sees no CUDA GPU; use 'auto' or 'cpu'")
    if device.type == "mps" and not mps_available:
        raise ValueError(f"device {str(requested)!r} requested but torch sees no Apple MPS; use 'auto' or 'cpu'")
    return device


def default_device() -> torch.device:
    """CUDA when available, else Apple MPS, else the CPU (``pick_device("auto")``)."""
    return pick_device("auto")


@dataclass
class AmpSetup:
    """Mixed precision for one device: whether it is on, the autocast dtype, the gradient scaler."""

    enabled: bool
    device_type: str
    dtype: torch.dtype = torch.float16
    scaler: torch.amp.GradScaler | None = field(default=None, repr=False)

    def autocast(self) -> contextlib.AbstractContextManager:
        """``torch.autocast`` when enabled, else a no-op context."""
        if not self.enabled:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device_type, dtype=self.dtype)


def amp_setup(device: torch.device | str, requested: bool = True) -> AmpSetup:
    """Mixed precision on CUDA only.

    float16 autocast with a ``GradScaler`` speeds up a CUDA GPU with tensor cores
    (T4, A100) about twofold on convolutions; on the CPU, bfloat16 autocast is slower
    for this small network, and on MPS autocast support is partial, so both keep
    float32 (and the CPU results stay those of plain training).

    Parameters
    ----------
    device : torch.device or str
    requested : bool
        ``False`` turns mixed precision off everywhere.
    """
    device = torch.device(device)
    enabled = bool(requested) and device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda") if enabled else None
    return AmpSetup(enabled, device.type, torch.float16, scaler)


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
        for cin, cout in itertools.pairwise(chans):
            blocks += [
                nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            ]
        self.features = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.Linear(chans[-1] * 2 + n_extra, 128),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(128, n_classes),
        )

    def forward(self, x: torch.Tensor, extra: torch.Tensor) -> torch.Tensor:
        z = self.features(x)
        # average and max pooling: max keeps rare strong cues (a nucleolus, an Auer rod)
        z = torch.cat([z.mean(dim=(2, 3)), z.amax(dim=(2, 3)), extra.to(z.dtype)], dim=1)
        return self.head(z)


def _to_od(x: torch.Tensor) -> torch.Tensor:
    """uint8 crops (B, 3, H, W) to optical density, centred for the network."""
    return -torch.log((x.float() + 1) / 256)


def draw_augment_params(
    generator: torch.Generator, batch: int, size: int, out: int = 64, stain_jitter: float = 0.08
) -> dict[str, torch.Tensor | int | bool]:
    """Draw the random parameters of one training batch's augmentation.

    The draws are those :func:`augment` makes, in the same order, so drawing them
    ahead (in the main process, for a ``DataLoader`` worker to apply) changes nothing.
    """
    oy, ox = torch.randint(0, size - out + 1, (2,), generator=generator).tolist()
    flip_x = torch.rand(1, generator=generator).item() < 0.5
    flip_y = torch.rand(1, generator=generator).item() < 0.5
    k = int(torch.randint(0, 4, (1,), generator=generator))
    gain = torch.exp(torch.randn(batch, 3, 1, 1, generator=generator) * stain_jitter)
    level = torch.exp(torch.randn(batch, 1, 1, 1, generator=generator) * stain_jitter)
    return {"oy": oy, "ox": ox, "flip_x": flip_x, "flip_y": flip_y, "k": k, "gain": gain, "level": level}


def apply_augment(x: torch.Tensor, params: dict, out: int = 64) -> torch.Tensor:
    """Apply :func:`draw_augment_params`'s draws to uint8 crops (B, 3, S, S); optical density out."""
    oy, ox = params["oy"], params["ox"]
    od = _to_od(x[:, :, oy : oy + out, ox : ox + out])  # window first: the logarithm only where it is kept
    if params["flip_x"]:
        od = od.flip(3)
    if params["flip_y"]:
        od = od.flip(2)
    od = torch.rot90(od, params["k"], dims=(2, 3))
    return od * params["gain"].to(od.device) * params["level"].to(od.device)


def augment(
    x: torch.Tensor, generator: torch.Generator | None, out: int = 64, train: bool = True, stain_jitter: float = 0.08
) -> torch.Tensor:
    """Augment a batch of uint8 crops (B, 3, S, S) and return optical density (B, 3, out, out).

    Training: random window, horizontal and vertical flips, rotation by k x 90 degrees,
    per-channel stain scaling ``exp(N(0, stain_jitter))`` and a global intensity scale.
    Evaluation (``train=False``): the central window only.
    """
    b, _, s, _ = x.shape
    if not train:
        o = (s - out) // 2
        return _to_od(x[:, :, o : o + out, o : o + out])
    return apply_augment(x, draw_augment_params(generator, b, s, out, stain_jitter), out)


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


class CropBatches(Dataset):
    """Training batches of crops for a ``DataLoader`` with ``batch_size=None``.

    Each item is ``(rows, params)``: the rows of one batch and its augmentation draws
    (:func:`draw_augment_params`, made in the main process). A worker gathers the
    uint8 crops, applies the augmentation and returns ``(x, extra, y)`` on the CPU.
    """

    def __init__(self, crops: torch.Tensor, extra: torch.Tensor, labels: torch.Tensor, out: int):
        self.crops, self.extra, self.labels, self.out = crops, extra, labels, out

    def __len__(self) -> int:  # items come from the plan, not from an index range
        return 0

    def __getitem__(self, item: tuple[np.ndarray, dict]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rows, params = item
        rows = torch.as_tensor(rows)
        return apply_augment(self.crops[rows], params, self.out), self.extra[rows], self.labels[rows]


class _Plan:
    """The sampler: yields the current epoch's ``(rows, params)`` items (set before each epoch)."""

    def __init__(self) -> None:
        self.items: list[tuple[np.ndarray, dict]] = []

    def __iter__(self) -> Iterator[tuple[np.ndarray, dict]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _batches(n: int, size: int):
    for i in range(0, n, size):
        yield slice(i, min(n, i + size))


@torch.no_grad()
def predict_proba(
    model: CellNet,
    crops: np.ndarray,
    extra: np.ndarray,
    device: torch.device | str | None = None,
    batch_size: int = 256,
    crop: int = 64,
    amp: bool = True,
) -> np.ndarray:
    """Class probabilities (n, n_classes) for uint8 crops (n, S, S, 3) and box features (n, 3).

    On CUDA (and ``amp``) the forward pass runs under float16 autocast; probabilities
    are returned in float32.
    """
    device = torch.device(device) if device is not None else next(model.parameters()).device
    model.eval().to(device)
    precision = amp_setup(device, amp)
    out = []
    x_all = torch.from_numpy(np.ascontiguousarray(crops)).permute(0, 3, 1, 2)
    e_all = torch.from_numpy(np.asarray(extra, np.float32))
    for sl in _batches(len(crops), batch_size):
        x = augment(x_all[sl].to(device), None, crop, train=False)
        with precision.autocast():
            logits = model(x, e_all[sl].to(device))
        out.append(torch.softmax(logits.float(), 1).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, model.head[-1].out_features), np.float32)


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
    states = {"torch": torch.get_rng_state(), "cuda": None, "mps": None}
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
        report on rows outside both (see :func:`hdhkits.cytologia.baselines.inner_split`).
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
    plan = _Plan()
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
    if progress and len(epochs):
        from ..notebook import tqdm

        epochs = tqdm(epochs, desc="training CNN", initial=run.start_epoch, total=cfg.epochs)
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
        if stop:
            break
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
    from ..files import atomic_path

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


def _train_epoch(run: _Run, plan: _Plan, loader: DataLoader, device: torch.device) -> float:
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
        for sl in _batches(len(rows), cfg.batch_size)
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


def save_model(model: CellNet, output_dir: str | Path, meta: dict) -> Path:
    """Save the state dict (``cytologia_cnn.pt``) and metadata (``cytologia_cnn.json``)."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    from ..files import atomic_path, write_json

    with atomic_path(out / MODEL_FILE) as tmp:
        torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, tmp)
    full = {"classes": list(CLASSES[: model.n_classes]), "width": model.width, "n_extra": model.n_extra}
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
        raise DataError(out / MODEL_FILE, [f"does not match this network ({exc}); delete it to retrain"]) from None
    model.eval()
    if device is not None:
        model.to(device)
    return model, meta
