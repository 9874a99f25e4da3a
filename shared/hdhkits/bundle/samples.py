"""A simple valid submission per kit (the bundle's *solution*), and a broken one.

The sample is what a participant could write in a minute without a model, and never
uses the truth: it shows the format, passes validation, and scores a floor.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["broken_submission", "sample_submission"]


def sample_submission(kit: str, data_dir: Path) -> pd.DataFrame:
    """A simple valid submission for the test file in ``data_dir`` (no model, no truth).

    Parameters
    ----------
    kit : str
        Kit name.
    data_dir : Path
        Folder with the participant files.

    Returns
    -------
    DataFrame
        Columns in official order, one row per test id.
    """
    from ..problem import get_problem

    return get_problem(kit).sample_submission(Path(data_dir))


def broken_submission(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample with two mistakes participants make: a row lost, an empty prediction.

    Every kit's validation refuses it (a missing id, and a NaN in its last column).
    """
    broken = sample.iloc[:-1].copy()
    last = broken.columns[-1]
    broken[last] = broken[last].astype(object)
    broken.iloc[0, -1] = np.nan  # the last column: `last`
    return broken
