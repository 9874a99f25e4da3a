"""A small convolutional network on cell crops, in plain torch (no torchvision, no downloads).

The one part of the kit that needs torch. Everything else (the twin, the reader, the
metric, the classical model, the evaluation) imports without it, and reaches this
package only through :func:`hdhkits.cytologia.optional_torch.cnn_module`, which says how
to install torch when it is missing.

Modules: :mod:`.device` (device, mixed precision, threads), :mod:`.augmentation`
(random windows, flips, rotations, stain jitter in optical density), :mod:`.network`
(:class:`CellNet`, :func:`predict_proba`), :mod:`.batches` (the ``DataLoader``'s
dataset and sampler), :mod:`.training` (:class:`TrainConfig`, :func:`train_cnn`, with
checkpoints and resuming), :mod:`.persistence` (:func:`save_cnn`, :func:`load_cnn`).
"""

from .augmentation import apply_augment, augment, draw_augment_params
from .batches import CropBatches, EpochPlan, batch_slices
from .device import AmpSetup, amp_setup, default_device, pick_device, set_threads
from .network import CellNet, predict_proba
from .persistence import CHECKPOINT_FILE, META_FILE, MODEL_FILE, cnn_meta, load_cnn, save_cnn
from .training import TrainConfig, train_cnn

__all__ = [
    "CHECKPOINT_FILE",
    "META_FILE",
    "MODEL_FILE",
    "AmpSetup",
    "CellNet",
    "CropBatches",
    "EpochPlan",
    "TrainConfig",
    "amp_setup",
    "apply_augment",
    "augment",
    "batch_slices",
    "cnn_meta",
    "default_device",
    "draw_augment_params",
    "load_cnn",
    "pick_device",
    "predict_proba",
    "save_cnn",
    "set_threads",
    "train_cnn",
]
