"""A simple valid submission per kit (the bundle's *solution*), and a broken one.

The sample is what a participant could write in a minute without a model, and never
uses the truth: it shows the format, passes validation, and scores a floor.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["sample_submission", "broken_submission"]


def _annitia(data_dir: Path) -> pd.DataFrame:
    from ..annitia.problem import RISK_DEATH, RISK_HEPATIC, SUBMISSION_SPEC
    from ..annitia.schema import TEST_ID, read_test

    test = read_test(data_dir, check=False)
    age = pd.to_numeric(test["Age_v1"], errors="coerce")
    age = age.fillna(age.median()).to_numpy(float)  # older at first visit: higher risk of both
    return pd.DataFrame({TEST_ID: test[TEST_ID], RISK_HEPATIC: age, RISK_DEATH: age})[SUBMISSION_SPEC.names]


def _cardihack(data_dir: Path) -> pd.DataFrame:
    from ..cardihack.metric import DUMMY_MACE, DUMMY_SEVERITY
    from ..cardihack.problem import SUBMISSION_SPEC
    from ..cardihack.schema import OUTCOME_MACE, OUTCOME_SEVERITY, TEST_ID, read_test

    test = read_test(data_dir, check=False)
    # the organisers' own dummy: no event for anyone, the training prevalence of a severe phenotype
    return pd.DataFrame({TEST_ID: test[TEST_ID], OUTCOME_MACE: DUMMY_MACE,
                         OUTCOME_SEVERITY: DUMMY_SEVERITY})[SUBMISSION_SPEC.names]


def _cytologia(data_dir: Path) -> pd.DataFrame:
    from ..cytologia.problem import SUBMISSION_SPEC

    test = pd.read_csv(Path(data_dir) / "test.csv", dtype={"NAME": "string"})
    train = pd.read_csv(Path(data_dir) / "train.csv", dtype={"NAME": "string", "class": "string"})
    box = train[["x1", "y1", "x2", "y2"]].median().round()  # the typical box, placed where boxes usually are
    if not (box["x2"] > box["x1"] and box["y2"] > box["y1"]):
        box = pd.Series({"x1": 0.0, "y1": 0.0, "x2": 100.0, "y2": 100.0})
    out = test[["trustii_id", "NAME"]].copy()
    for k in ("x1", "y1", "x2", "y2"):
        out[k] = float(box[k])
    out["class"] = train["class"].mode().iloc[0]  # the most frequent class for every cell
    return out[SUBMISSION_SPEC.names]


_MAKERS = {"annitia": _annitia, "cardihack": _cardihack, "cytologia": _cytologia}


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
    if kit not in _MAKERS:
        raise KeyError(f"no sample submission for kit {kit!r}; the kits with one are {', '.join(_MAKERS)}")
    return _MAKERS[kit](Path(data_dir))


def broken_submission(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample with two mistakes participants make: a row lost, an empty prediction.

    Every kit's validation refuses it (a missing id, and a NaN in its last column).
    """
    broken = sample.iloc[:-1].copy()
    last = broken.columns[-1]
    broken[last] = broken[last].astype(object)
    broken.iloc[0, broken.columns.get_loc(last)] = np.nan
    return broken
