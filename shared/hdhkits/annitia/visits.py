"""The visits of the ANNITIA files: one row per patient-visit, and how the visits move.

The official files are wide (``Age_v1`` … ``Age_v22``, ``alt_v1`` … ``alt_v21`` …):
:func:`to_long` turns a file into one row per visit, the shape the per-patient features
are built from (:mod:`hdhkits.annitia.features`); :func:`visit_figures` measures the
gaps between visits and the within-patient spread of a few variables, the figures the
twin is calibrated on (:data:`OFFICIAL_VISIT_FIGURES`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..findings import DataError
from .columns import ID, N_VISITS, TEST_ID, VISIT_VARIABLES

__all__ = [
    "OFFICIAL_VISIT_FIGURES",
    "WITHIN_PATIENT_VARIABLES",
    "to_long",
    "visit_figures",
]

#: Visit variables whose within-patient SD :func:`visit_figures` reports, by short name.
WITHIN_PATIENT_VARIABLES = {"BMI": "BMI", "stiffness": "fibs_stiffness_med_BM_1", "alt": "alt", "plt": "plt"}
#: What a participant measured on the official train file with :func:`visit_figures`.
OFFICIAL_VISIT_FIGURES = {
    "gap_median": 1.0,
    "gap_p99": 6.0,
    "gap_share_above_4": 0.026,
    "gap_max": 15.0,
    "sd_BMI": 1.18,
    "sd_stiffness": 1.40,
    "sd_alt": 12.7,
    "sd_plt": 19.4,
}


def to_long(frame: pd.DataFrame) -> pd.DataFrame:
    """Reshape a wide table to one row per patient-visit.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``val_test.csv`` as read.

    Returns
    -------
    DataFrame
        Columns: the id column(s) (``trustii_id`` when present, ``patient_id_anon``),
        ``visit`` (1, 2, …), then one column per visit variable (``Age``, ``BMI``, ``alt``
        …). Visits where every variable is empty are dropped; rows are sorted by patient
        (file order) and visit.
    """
    ids = [c for c in (TEST_ID, ID) if c in frame.columns]
    if not ids:
        raise DataError("<table>", [f"neither '{TEST_ID}' nor '{ID}' is present; cannot tell patients apart"])
    n = len(frame)
    max_visits = max(N_VISITS.values())
    parts = {}
    for var in VISIT_VARIABLES:
        block = np.full((n, max_visits), np.nan)
        for k in range(1, max_visits + 1):
            col = f"{var}_v{k}"
            if col in frame.columns:
                block[:, k - 1] = pd.to_numeric(frame[col], errors="coerce").to_numpy(float)
        parts[var] = block.ravel()
    long = pd.DataFrame({c: np.repeat(frame[c].to_numpy(), max_visits) for c in ids})
    long["row"] = np.repeat(np.arange(n), max_visits)
    long["visit"] = np.tile(np.arange(1, max_visits + 1), n)
    for var, values in parts.items():
        long[var] = values
    seen = long[list(VISIT_VARIABLES)].notna().any(axis=1)
    return long[seen].reset_index(drop=True)


def visit_figures(frame: pd.DataFrame) -> dict[str, float]:
    """How the visits of a wide table move: gaps between visits and within-patient spread.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``val_test.csv`` (official layout), the twin's or the official one.

    Returns
    -------
    dict
        ``gap_median``, ``gap_p99``, ``gap_share_above_4`` (a share, 0–1) and ``gap_max``
        of the years between successive visits (``Age_vk+1 - Age_vk`` where both are
        present); ``sd_<name>`` for each of :data:`WITHIN_PATIENT_VARIABLES`: the median,
        over patients with two or more values, of the standard deviation (ddof 1) of their
        values. The keys of :data:`OFFICIAL_VISIT_FIGURES`, which holds the official file's.
    """
    ages = frame[[f"Age_v{k + 1}" for k in range(N_VISITS["Age"])]].apply(pd.to_numeric, errors="coerce")
    gaps = np.diff(ages.to_numpy(float), axis=1)
    gaps = gaps[np.isfinite(gaps)]
    out = {
        "gap_median": float(np.median(gaps)),
        "gap_p99": float(np.quantile(gaps, 0.99)),
        "gap_share_above_4": float((gaps > 4).mean()),
        "gap_max": float(gaps.max()),
    }
    for name, var in WITHIN_PATIENT_VARIABLES.items():
        values = frame[[f"{var}_v{k + 1}" for k in range(N_VISITS[var])]].apply(pd.to_numeric, errors="coerce")
        sd = values.std(axis=1, ddof=1)
        out[f"sd_{name}"] = float(sd[values.notna().sum(axis=1) >= 2].median())
    return out
