"""Small helpers the notebooks share: environment, seeds, figure style, recorded scores."""

from __future__ import annotations

import json
import os
import random
import sys
import warnings
from pathlib import Path

import numpy as np

from .files import write_json

# Without ipywidgets, tqdm.auto falls back to text bars but first warns with the path of
# its own source file: noise for participants and a machine path in committed outputs.
# The warning fires when tqdm.auto is first imported, so notebooks take tqdm from here.
warnings.filterwarnings("ignore", message="IProgress not found")

if os.environ.get("HDHKITS_TEXT_PROGRESS", "").strip().lower() in ("1", "true", "yes", "on"):
    # Headless runs (tests, `hdhkits run`, refreshing committed outputs) have no widget
    # front end: a widget bar would be saved frozen at 0 %, a text bar shows the end.
    from tqdm.std import tqdm
else:
    from tqdm.auto import tqdm

__all__ = [
    "default_output_dir",
    "env_flag",
    "in_colab",
    "read_scores",
    "record_score",
    "seed_everything",
    "setup_plots",
    "tqdm",
]


def in_colab() -> bool:
    """Whether the code runs in Google Colab."""
    return "google.colab" in sys.modules


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (``1``, ``true``, ``yes`` are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and, when it is already imported, torch."""
    random.seed(seed)
    np.random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


def setup_plots(dpi: int = 72) -> None:
    """A modest, consistent figure style (keeps notebooks small)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update({"figure.dpi": dpi, "savefig.dpi": dpi, "figure.figsize": (7, 4)})


def record_score(
    output_dir: str | Path, notebook: str, name: str, value: float, interval: tuple[float, float] | None = None
) -> None:
    """Record a notebook's key score in ``<output_dir>/scores.json`` for the runner's summary.

    Parameters
    ----------
    output_dir : str or Path
        The notebook's output folder.
    notebook : str
        Notebook stem, e.g. ``"02_baseline"``.
    name : str
        What the score is, e.g. ``"CV score, best baseline"``.
    value : float
        The score.
    interval : (float, float), optional
        Its 95 % interval (e.g. a bootstrap interval), shown beside it by ``hdhkits run``
        and in the run report.
    """
    path = Path(output_dir) / "scores.json"
    scores = read_scores(output_dir)
    entry = {"name": name, "value": float(value)}
    if interval is not None:
        low, high = (float(v) for v in interval)
        entry.update(low=low, high=high)
    scores[notebook] = entry
    write_json(scores, path)


def read_scores(output_dir: str | Path) -> dict:
    """The scores recorded by :func:`record_score` (empty when none)."""
    path = Path(output_dir) / "scores.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return {}


def default_output_dir(kit: str) -> Path:
    """A notebook's default output folder.

    ``$HDHKITS_OUTPUT_DIR/<kit>`` when that variable is set (the tests set it),
    else ``outputs/`` beside the notebook (git-ignored).
    """
    root = os.environ.get("HDHKITS_OUTPUT_DIR")
    return Path(root) / kit if root else Path("outputs")
