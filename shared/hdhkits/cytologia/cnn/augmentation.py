"""Training-time augmentation of cell crops, in optical density.

Crops are 72 x 72 (:func:`hdhkits.cytologia.features.extract_crops`); training takes a
random 64 x 64 window, flips, rotations by 90 degrees and a stain jitter in optical
density (each channel's stain scaled by a few per cent, as between laboratories);
evaluation takes the central window. The random parameters of a batch are drawn apart
(:func:`draw_augment_params`) from their application (:func:`apply_augment`), so a
``DataLoader`` worker can apply draws made in the main process.
"""

from __future__ import annotations

import torch

__all__ = ["apply_augment", "augment", "draw_augment_params"]


def _to_od(x: torch.Tensor) -> torch.Tensor:
    """uint8 crops (B, 3, H, W) to optical density, centred for the network."""
    return -torch.log((x.float() + 1) / 256)


def draw_augment_params(
    generator: torch.Generator | None, batch: int, size: int, out: int = 64, stain_jitter: float = 0.08
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
