"""Reshaping the ANNITIA files to one row per visit, and deriving survival targets.

(The readers and the data check are in :mod:`hdhkits.annitia.schema`.) Survival targets are
derived exactly as in the organisers' starter notebook:

* time origin is the first visit, ``Age_v1``;
* for an event, time = event age − ``Age_v1``; otherwise time = last observed age
  (the largest ``Age_v*``) − ``Age_v1``;
* times are clamped to at least 0.001 (an event age can precede ``Age_v1``);
* patients whose death status is unknown (``death`` empty) are left out of the death
  model only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..deprecation import deprecated_alias
from ..findings import DataError
from .schema import (
    DEATH,
    DEATH_AGE,
    EVENT_BEFORE_FIRST_VISIT,
    HEPATIC_AGE,
    HEPATIC_EVENT,
    ID,
    MIN_TIME,
    N_VISITS,
    TARGETS,
    TEST_ID,
    VISIT_COLUMN_RE,
    VISIT_VARIABLES,
    check_data,
    event_findings,
    read_test,
    read_train,
)

# MIN_TIME, EVENT_BEFORE_FIRST_VISIT and event_findings live in .schema (the data check);
# they stay importable from here, where they were published.
__all__ = [
    "EVENT_BEFORE_FIRST_VISIT",
    "MIN_TIME",
    "SurvivalTargets",
    "check_data_dir",
    "event_findings",
    "first_last_age",
    "load_test",
    "load_train",
    "survival_array",
    "survival_targets",
    "to_long",
]

#: Deprecated (issue #12): the readers and the data check moved to :mod:`hdhkits.annitia.schema`.
load_train = deprecated_alias(read_train, "load_train", "hdhkits.annitia.schema.read_train")
load_test = deprecated_alias(read_test, "load_test", "hdhkits.annitia.schema.read_test")
check_data_dir = deprecated_alias(check_data, "check_data_dir", "hdhkits.annitia.schema.check_data")


def _age_columns(frame: pd.DataFrame) -> list[str]:
    cols = [c for c in frame.columns if (m := VISIT_COLUMN_RE.match(str(c))) and m.group("var") == "Age"]
    if "Age_v1" not in cols:
        raise DataError("<table>", ["column 'Age_v1' is missing; it is the time origin of both outcomes"])
    return sorted(cols, key=lambda c: int(c.rsplit("_v", 1)[1]))


def first_last_age(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``Age_v1`` and the last observed age (the largest ``Age_v*``) of every row.

    A frame without visit columns but with ``last_visit_age`` (the twin's truth file)
    is accepted too.
    """
    if "last_visit_age" in frame.columns and "Age_v2" not in frame.columns:
        return frame["Age_v1"].to_numpy(float), frame["last_visit_age"].to_numpy(float)
    ages = frame[_age_columns(frame)].to_numpy(float)
    first = ages[:, 0]
    with np.errstate(all="ignore"):
        last = np.nanmax(np.where(np.isnan(ages), -np.inf, ages), axis=1)
    last = np.where(np.isfinite(last), last, np.nan)
    return first, last


@dataclass(frozen=True)
class SurvivalTargets:
    """Both outcomes of every patient, as the organisers derive them.

    Attributes
    ----------
    hepatic_event, hepatic_time : arrays of shape (n,)
        Liver event indicator (bool) and time in years since ``Age_v1``.
    death_event, death_time : arrays of shape (n,)
        Death indicator (bool; False where unknown) and time in years.
    death_known : array of shape (n,)
        Whether the death status is known; the death model and C(death) use only these rows.
    """

    hepatic_event: np.ndarray
    hepatic_time: np.ndarray
    death_event: np.ndarray
    death_time: np.ndarray
    death_known: np.ndarray

    def __len__(self) -> int:
        return len(self.hepatic_event)

    def subset(self, idx: np.ndarray) -> SurvivalTargets:
        """The targets of rows ``idx`` (positions, repeats allowed)."""
        return SurvivalTargets(
            *(
                a[idx]
                for a in (self.hepatic_event, self.hepatic_time, self.death_event, self.death_time, self.death_known)
            )
        )

    def frame(self) -> pd.DataFrame:
        """The targets as columns (handy for plots and Kaplan–Meier fits)."""
        return pd.DataFrame(
            {
                "hepatic_event": self.hepatic_event,
                "hepatic_time": self.hepatic_time,
                "death_event": self.death_event,
                "death_time": self.death_time,
                "death_known": self.death_known,
            }
        )


def _time(event: np.ndarray, event_age: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    # Organisers: event age − Age_v1 for events (falling back to the last age if the
    # event age is missing), last observed age − Age_v1 otherwise; at least MIN_TIME.
    end = np.where(event & ~np.isnan(event_age), event_age, last)
    return np.maximum(end - first, MIN_TIME)


def survival_targets(frame: pd.DataFrame) -> SurvivalTargets:
    """Derive both survival targets from a train table (or the twin's truth table).

    Parameters
    ----------
    frame : DataFrame
        Needs the four target columns and ``Age_v1`` … (or ``Age_v1`` and
        ``last_visit_age``).

    Returns
    -------
    SurvivalTargets
    """
    missing = [c for c in TARGETS if c not in frame.columns]
    if missing:
        raise DataError(
            "<table>",
            [
                f"target column '{c}' is missing; targets exist only in train.csv (and in the twin's truth file)"
                for c in missing
            ],
        )
    first, last = first_last_age(frame)
    hep = frame[HEPATIC_EVENT].to_numpy(float)
    if np.isnan(hep).any():
        rows = np.flatnonzero(np.isnan(hep))[:5] + 1
        raise DataError(
            "<table>",
            [
                f"column '{HEPATIC_EVENT}' is empty at data row(s) {list(rows)}; "
                "the liver outcome must be known for every patient"
            ],
        )
    death = frame[DEATH].to_numpy(float)
    known = ~np.isnan(death)
    hep_event = hep == 1
    death_event = known & (death == 1)
    return SurvivalTargets(
        hepatic_event=hep_event,
        hepatic_time=_time(hep_event, frame[HEPATIC_AGE].to_numpy(float), first, last),
        death_event=death_event,
        death_time=_time(death_event, frame[DEATH_AGE].to_numpy(float), first, last),
        death_known=known,
    )


def survival_array(event: np.ndarray, time: np.ndarray) -> np.ndarray:
    """A structured array ``(event, time)``, the ``y`` scikit-survival estimators take."""
    y = np.empty(len(event), dtype=[("event", bool), ("time", float)])
    y["event"] = np.asarray(event, dtype=bool)
    y["time"] = np.asarray(time, dtype=float)
    return y


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
