"""Small helpers the notebooks share: environment, seeds, figure style, recorded scores."""

from __future__ import annotations

import importlib
import json
import os
import random
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .files import write_json

# Without ipywidgets, tqdm.auto falls back to text bars but first warns with the path of
# its own source file: noise for participants and a machine path in committed outputs.
# The warning fires when tqdm.auto is first imported, so notebooks take tqdm from here.
warnings.filterwarnings("ignore", message="IProgress not found")

#: Environment variable set by headless runs (the tests, ``hdhkits run``, refreshing the
#: committed outputs): nobody watches their progress bars, and a bar would stay in the saved
#: notebook, a widget frozen at 0 % or a pink stderr box. Set, bars are off.
HEADLESS = "HDHKITS_HEADLESS"

if os.environ.get(HEADLESS, "").strip().lower() in ("1", "true", "yes", "on"):
    from tqdm.std import tqdm as _text_tqdm

    class tqdm(_text_tqdm):  # the name every caller knows
        """tqdm, always disabled: a headless run shows no progress bar (:data:`HEADLESS`)."""

        def __init__(self, *args, **kwargs):
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

else:
    from tqdm.auto import tqdm  # type: ignore[no-redef]  # live: a widget in JupyterLab and Colab, text elsewhere

__all__ = [
    "HEADLESS",
    "default_output_dir",
    "env_flag",
    "in_colab",
    "read_scores",
    "record_score",
    "seed_everything",
    "setup_plots",
    "show_submission",
    "submission_location",
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


def submission_location(path: str | Path) -> str:
    """The full path of a written file, for the participant to find it.

    A path under ``$HDHKITS_OUTPUT_DIR`` (set by the tests and headless runs) is shown
    from that variable, so committed outputs hold no machine path; any other path is
    shown whole (absolute).
    """
    path = Path(path).resolve()
    root = os.environ.get("HDHKITS_OUTPUT_DIR")
    if root:
        try:
            return f"$HDHKITS_OUTPUT_DIR/{path.relative_to(Path(root).resolve()).as_posix()}"
        except ValueError:
            pass
    return path.as_posix()


def show_submission(path: str | Path, source: Any) -> str:
    """Say where the submission file is and how to hand it in; in Colab, also download it.

    Parameters
    ----------
    path : str or Path
        The submission file just written.
    source : hdhkits.datasource.DataSource
        The data it predicts: on the synthetic twin the file is for local scoring only
        (its ids are the twin's), and the lines say how to make the one to upload.

    Returns
    -------
    str
        The lines printed.
    """
    from .problem import get_problem

    problem = get_problem(source.kit)
    lines = [f"submission file: {submission_location(path)}"]
    if source.synthetic:
        lines.append(
            "it predicts the synthetic twin's test file, so it is scored here, not on the platform; "
            f"set data_dir (or ${problem.env_var}) to the official files and run the notebooks again "
            "to write the file you upload"
        )
    else:
        lines.append(f"to submit: upload this file {problem.submit_on}")
    if source.synthetic:
        flags = f" --seed {source.seed} --size {source.size}"
    else:
        flags = f" --data {source.data_dir.resolve().as_posix()}" if source.origin == "parameter" else ""
    lines.append(f"check it from a terminal: hdhkits validate {problem.name} {submission_location(path)}{flags}")
    if in_colab():
        lines.append("Colab: the file's download starts now (it is also in the Files panel, left)")
    text = "\n".join(lines)
    print(text)
    if in_colab():  # pragma: no cover - only in Colab, whose own package is not installable elsewhere
        importlib.import_module("google.colab.files").download(str(path))
    return text
