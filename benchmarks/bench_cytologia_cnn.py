"""Training and inference speed of the CYTOLOGIA CNN (images per second) on this machine.

Usage::

    python benchmarks/bench_cytologia_cnn.py [--images 2048] [--epochs 3] [--threads 2] [--workers 0 2]

Times :func:`hdhkits.cytologia.cnn.training.train_cnn` with the default :class:`TrainConfig`
(width 16, batches of 64, 64 x 64 windows of 72 x 72 crops) on random uint8 crops (the
speed does not depend on what the pixels show), once per ``num_workers`` value; the
first epoch warms up and the fastest later one is reported. Inference is
:func:`~hdhkits.cytologia.cnn.network.predict_proba` (batches of 256, central window). The
batch preparation alone (gather, optical density, augmentation: what the DataLoader
workers do) is timed too: on a GPU it bounds the training speed when the GPU is faster
than the CPU cores that feed it. The device is :func:`pick_device` (``--device``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.cnn import (
    CellNet,
    CropBatches,
    TrainConfig,
    batch_slices,
    draw_augment_params,
    pick_device,
    predict_proba,
    train_cnn,
)


def random_crops(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` random 72 x 72 crops, box features and labels of the 23 classes."""
    rng = np.random.default_rng(seed)
    crops = rng.integers(0, 255, (n, 72, 72, 3), dtype=np.uint8)
    extra = rng.normal(size=(n, 3)).astype(np.float32)
    labels = np.array([CLASSES[i % len(CLASSES)] for i in range(n)])
    return crops, extra, labels


def train_speed(crops, extra, labels, epochs: int, workers: int, device: torch.device) -> float:
    """Training images per second, fastest epoch after the first (no validation pass).

    The fastest, not the mean: on a shared machine other jobs only ever slow an epoch down.
    """
    cfg = TrainConfig(epochs=epochs, patience=epochs + 1, num_workers=workers)
    _, history = train_cnn(
        crops, extra, labels, np.arange(len(crops)), np.array([], int), cfg, device=device, progress=False
    )
    return len(crops) / float(history["seconds"].iloc[1:].min() if len(history) > 1 else history["seconds"].iloc[0])


def inference_speed(crops, extra, device: torch.device, repeats: int = 2) -> float:
    """Inference images per second (best of ``repeats``)."""
    torch.manual_seed(0)
    model = CellNet().to(device)
    predict_proba(model, crops[:256], extra[:256], device)  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        predict_proba(model, crops, extra, device)
        best = min(best, time.perf_counter() - start)
    return len(crops) / best


def preparation_speed(crops, extra, labels) -> float:
    """Batches prepared per second by one process, in images per second."""
    x = torch.from_numpy(crops).permute(0, 3, 1, 2)
    y = torch.tensor([CLASSES.index(c) for c in labels])
    data = CropBatches(x, torch.from_numpy(extra), y, 64)
    gen = torch.Generator().manual_seed(0)
    rows = np.random.default_rng(0).integers(0, len(crops), len(crops))
    start = time.perf_counter()
    for sl in batch_slices(len(rows), 64):
        data[(rows[sl], draw_augment_params(gen, len(rows[sl]), 72, 64))]
    return len(crops) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2048)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the kit uses the process's cores)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    crops, extra, labels = random_crops(args.images)
    print(
        f"device {device.type}, torch {torch.__version__}, {args.threads} torch thread(s), "
        f"{args.images} crops of 72 x 72, default TrainConfig"
    )
    print(f"{'what':<38} {'images/s':>9}")
    for workers in args.workers:
        print(
            f"{f'training, num_workers={workers}':<38} {train_speed(crops, extra, labels, args.epochs, workers, device):>9.0f}"
        )
    print(f"{'inference (predict_proba)':<38} {inference_speed(crops, extra, device):>9.0f}")
    print(f"{'batch preparation only (one process)':<38} {preparation_speed(crops, extra, labels):>9.0f}")


if __name__ == "__main__":
    main()
