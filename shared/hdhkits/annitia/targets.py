"""Survival targets of the ANNITIA files, derived exactly as in the organisers' starter notebook.

* time origin is the first visit, ``Age_v1``;
* for an event, time = event age − ``Age_v1``; otherwise time = last observed age
  (the largest ``Age_v*``) − ``Age_v1``;
* times are clamped to at least 0.001 (an event age can precede ``Age_v1``);
* patients whose death status is unknown (``death`` empty) are left out of the death
  model only.

(The readers and the data check are in :mod:`hdhkits.annitia.schema`, the reshaping to
one row per visit in :mod:`hdhkits.annitia.visits`.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..findings import DataError
from .columns import DEATH, DEATH_AGE, HEPATIC_AGE, HEPATIC_EVENT, TARGETS, VISIT_COLUMN_RE
from .schema import MIN_TIME

__all__ = [
    "SurvivalTargets",
    "first_last_age",
    "outcome_strata",
    "survival_array",
    "survival_targets",
]


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


def outcome_strata(y: SurvivalTargets) -> np.ndarray:
    """The stratum of every patient, 2 × liver event + death: what the kit's folds and bootstraps stratify on.

    Keeps liver events (rare) and deaths spread evenly over folds and resamples.
    """
    return 2 * y.hepatic_event.astype(int) + y.death_event.astype(int)
