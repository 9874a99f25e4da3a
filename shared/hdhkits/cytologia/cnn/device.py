"""Where the CNN runs: the torch device, mixed precision and CPU threads.

:func:`pick_device` chooses CUDA, then Apple MPS, then the CPU; on CUDA the network
trains in mixed precision (:func:`amp_setup`: ``torch.autocast`` and a ``GradScaler``,
CUDA only); :func:`set_threads` sets how many CPU threads torch uses.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

import torch

__all__ = ["AmpSetup", "amp_setup", "default_device", "pick_device", "set_threads"]


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
