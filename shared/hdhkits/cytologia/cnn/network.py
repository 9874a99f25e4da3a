"""The network: :class:`CellNet`, a small CNN on cell crops in plain torch, and its predictions.

The box's size (log width, height, aspect) enters the classifier head beside the image
features. :func:`predict_proba` classifies the central window of each crop, under float16
autocast on CUDA.
"""

from __future__ import annotations

import itertools

import numpy as np
import torch
from torch import nn

from ..classes import CLASSES
from .augmentation import augment
from .batches import batch_slices
from .device import amp_setup

__all__ = ["CellNet", "predict_proba"]


class CellNet(nn.Module):
    """Four conv blocks (conv-BN-ReLU, max-pool), global pooling, box size in the head.

    About 0.1 M parameters and 16 MFLOPs per 64 x 64 crop: trains on a laptop CPU.
    """

    def __init__(self, n_classes: int = len(CLASSES), width: int = 16, n_extra: int = 3, dropout: float = 0.3) -> None:
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
    for sl in batch_slices(len(crops), batch_size):
        x = augment(x_all[sl].to(device), None, crop, train=False)
        with precision.autocast():
            logits = model(x, e_all[sl].to(device))
        out.append(torch.softmax(logits.float(), 1).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, model.n_classes), np.float32)
