"""The one door to the CNN: torch is an optional dependency of the helper package.

Only :mod:`hdhkits.cytologia.cnn` imports torch. Every module that trains, runs, saves
or reloads the CNN (:mod:`~hdhkits.cytologia.baselines`, :mod:`~hdhkits.cytologia.saved`,
:mod:`~hdhkits.cytologia.problem`, the package's lazy names) reaches
it through :func:`cnn_module`, so the problem definition, the twin, the reader, the
metric, the classical model and ``oracle_score`` work without torch, and a missing torch
is reported once, in one sentence that says how to install it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["CNN_NAMES", "INSTALL_TORCH", "cnn_module"]

#: How to get torch, said whenever a CNN name is asked for without it.
INSTALL_TORCH = "pip install 'hdhkits[torch]'"
#: The names of :mod:`hdhkits.cytologia.cnn` the package ``hdhkits.cytologia`` offers (on first use): the
#: device helpers the notebooks call; the rest is reached through :mod:`hdhkits.cytologia.cnn`.
CNN_NAMES = ("amp_setup", "pick_device", "set_threads")


def cnn_module(needed_by: str = "the CNN") -> ModuleType:
    """:mod:`hdhkits.cytologia.cnn`, imported on first use.

    Parameters
    ----------
    needed_by : str
        What asks for it, named in the error (e.g. ``"hdhkits.cytologia.CellNet"``).

    Returns
    -------
    module
        The ``hdhkits.cytologia.cnn`` package.

    Raises
    ------
    ModuleNotFoundError
        torch is not installed (``name="torch"``), with a message saying how to install it.
    """
    try:
        return importlib.import_module(".cnn", __package__)
    except ModuleNotFoundError as exc:
        if exc.name != "torch" and not str(exc.name or "").startswith("torch."):
            raise
        raise ModuleNotFoundError(
            f"{needed_by} needs torch, an optional dependency: {INSTALL_TORCH}", name="torch"
        ) from None
