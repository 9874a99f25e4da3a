"""Known oddities of the Cardi-HACK files, as code that puts them into a data folder.

Each :class:`~hdhkits.quirks.Quirk` edits ``train.csv`` or ``test.csv`` of a data folder
in place (a handful of rows chosen with the generator it is given) so that it holds the
quirk; ``tests/test_quirks.py`` checks that the kit warns about it, names it, and still
runs end to end. How the kit handles each is stated in :mod:`hdhkits.cardihack.plausibility`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import write_csv
from ..quirks import Quirk
from .plausibility import PLAUSIBLE_RANGES

__all__ = ["N_INJECTED", "QUIRKS"]

#: How many rows each quirk edits (a handful, never the whole file).
N_INJECTED = 4


def _edit(
    data_dir: Path, file: str, rng: np.random.Generator, change: Callable[[pd.DataFrame, np.ndarray], None]
) -> None:
    """Read ``file``, apply ``change(frame, rows)`` to :data:`N_INJECTED` random rows, write it back."""
    path = Path(data_dir) / file
    frame = pd.read_csv(path, low_memory=False)
    rows = np.sort(rng.choice(len(frame), size=min(N_INJECTED, len(frame)), replace=False))
    change(frame, rows)
    write_csv(frame, path)


def _unknown_age_diag(file: str) -> Callable[[Path, np.random.Generator], None]:
    def inject(data_dir: Path, rng: np.random.Generator) -> None:
        def change(frame: pd.DataFrame, rows: np.ndarray) -> None:
            frame.loc[rows, "Age_Diag"] = 0.0

        _edit(data_dir, file, rng, change)

    return inject


def _diagnosis_after_baseline(data_dir: Path, rng: np.random.Generator) -> None:
    def change(frame: pd.DataFrame, rows: np.ndarray) -> None:
        frame.loc[rows, "Age_Diag"] = frame.loc[rows, "Age_Baseline"].to_numpy(float) + rng.uniform(0.5, 4.0, len(rows))

    _edit(data_dir, "train.csv", rng, change)


def _thickness_in_cm(data_dir: Path, rng: np.random.Generator) -> None:
    def change(frame: pd.DataFrame, rows: np.ndarray) -> None:
        frame.loc[rows, "Epaiss_max"] = frame.loc[rows, "Epaiss_max"].to_numpy(float) / 10

    _edit(data_dir, "train.csv", rng, change)


QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        "age_diag_unknown_train",
        "Age_Diag of 0.0 in train.csv: the file has no empty cell, and 0.0 stands for an unknown age at "
        "diagnosis (CHALLENGES.md, from the organisers' dictionary and participants' write-ups).",
        _unknown_age_diag("train.csv"),
        kind="unknown_code_zero",
        file="train.csv",
        column="Age_Diag",
    ),
    Quirk(
        "age_diag_unknown_test",
        "Age_Diag of 0.0 in test.csv, the same unknown code as in the training file.",
        _unknown_age_diag("test.csv"),
        kind="unknown_code_zero",
        file="test.csv",
        column="Age_Diag",
    ),
    Quirk(
        "age_diag_after_baseline",
        "Age_Diag above Age_Baseline (a diagnosis after the baseline visit). Not reported in the public traces; "
        "the official data are themselves synthetic, generated column by column, which yields such "
        "impossible pairs, so the twin holds a few (1.5 %) and the kit warns and handles them.",
        _diagnosis_after_baseline,
        kind="diagnosis_after_baseline",
        file="train.csv",
        column="Age_Diag",
    ),
    Quirk(
        "thickness_in_cm",
        f"Epaiss_max keyed in cm instead of mm (1.8 for 18 mm), below the plausible "
        f"{PLAUSIBLE_RANGES['Epaiss_max'][0]:g} mm. Not seen in the official files: a guard that a value "
        "outside the plausible ranges warns and is treated as missing rather than stopping a notebook.",
        _thickness_in_cm,
        kind="below_minimum",
        file="train.csv",
        column="Epaiss_max",
        in_twin=False,
    ),
)
