"""Training batches for a ``DataLoader``: the rows of each batch and their augmentation draws.

:class:`EpochPlan` is the sampler (the current epoch's batches, set before each epoch);
:class:`CropBatches` turns one planned batch into tensors in a worker process.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import Dataset

from .augmentation import apply_augment

__all__ = ["CropBatches", "EpochPlan", "batch_slices"]


class CropBatches(Dataset):
    """Training batches of crops for a ``DataLoader`` with ``batch_size=None``.

    Each item is ``(rows, params)``: the rows of one batch and its augmentation draws
    (:func:`draw_augment_params`, made in the main process). A worker gathers the
    uint8 crops, applies the augmentation and returns ``(x, extra, y)`` on the CPU.
    """

    def __init__(self, crops: torch.Tensor, extra: torch.Tensor, labels: torch.Tensor, out: int) -> None:
        self.crops, self.extra, self.labels, self.out = crops, extra, labels, out

    def __len__(self) -> int:  # items come from the plan, not from an index range
        return 0

    def __getitem__(self, item: tuple[np.ndarray, dict]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rows, params = item
        index = torch.as_tensor(rows)
        return apply_augment(self.crops[index], params, self.out), self.extra[index], self.labels[index]


class EpochPlan:
    """The sampler: yields the current epoch's ``(rows, params)`` items (set before each epoch)."""

    def __init__(self) -> None:
        self.items: list[tuple[np.ndarray, dict]] = []

    def __iter__(self) -> Iterator[tuple[np.ndarray, dict]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def batch_slices(n: int, size: int) -> Iterator[slice]:
    """Consecutive slices of at most ``size`` rows covering ``range(n)``."""
    for i in range(0, n, size):
        yield slice(i, min(n, i + size))
