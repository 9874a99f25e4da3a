"""Reading the ANNITIA files, reshaping them to one row per visit, deriving survival targets.

The same functions read the official files and the synthetic twin. Survival targets are
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
from pathlib import Path

import numpy as np
import pandas as pd

from ..findings import Finding, errors, warning, with_file
from ..schema import DataError, check_frame, find_file, read_table
from .schema import (
    DEATH, DEATH_AGE, HEPATIC_AGE, HEPATIC_EVENT, ID, N_VISITS, TARGETS, TEST_ID, TEST_SCHEMA,
    TRAIN_SCHEMA, VISIT_COLUMN_RE, VISIT_VARIABLES,
)

__all__ = ["MIN_TIME", "load_train", "load_test", "to_long", "first_last_age", "SurvivalTargets",
           "survival_targets", "survival_array", "check_data_dir", "event_findings", "EVENT_BEFORE_FIRST_VISIT"]

#: The organisers clamp survival times to at least this many years.
MIN_TIME = 0.001
#: ``kind`` of the warning for an event dated before the first visit.
EVENT_BEFORE_FIRST_VISIT = "event_before_first_visit"


def load_train(data_dir: str | Path, check: bool = True) -> pd.DataFrame:
    """Read ``train.csv`` from a folder (or a file path) and check it against the official layout.

    Raises
    ------
    hdhkits.schema.DataError
        Missing file or every column problem at once.
    """
    return read_table(data_dir, TRAIN_SCHEMA, check=check)


def load_test(data_dir: str | Path, check: bool = True) -> pd.DataFrame:
    """Read ``val_test.csv`` (or its alias ``test.csv``) and check it against the official layout."""
    return read_table(data_dir, TEST_SCHEMA, check=check)


def check_data_dir(data_dir: str | Path) -> list[Finding]:
    """Every finding of a folder holding the two official files (empty list when fine).

    Layout problems are errors; values outside the plausible ranges and events dated
    before the first visit (:func:`event_findings`) are warnings.
    """
    found: list[Finding] = []
    for schema in (TRAIN_SCHEMA, TEST_SCHEMA):
        try:
            path = find_file(data_dir, schema)
            frame = read_table(path, schema, check=False)
        except DataError as exc:
            found += with_file(exc.findings, schema.file_name)
            continue
        file_findings = check_frame(frame, schema, file=path.name)
        found += file_findings
        if schema is TRAIN_SCHEMA and not errors(file_findings):
            found += event_findings(frame, file=path.name)
    return found


def event_findings(frame: pd.DataFrame, file: str = TRAIN_SCHEMA.file_name) -> list[Finding]:
    """Warnings for events dated before the patient's first visit (``Age_v1``).

    The official train file holds a few liver events whose age precedes ``Age_v1``
    (events known from before the first visit): their survival time would be negative.
    The kit, like the organisers' starter notebook, sets it to :data:`MIN_TIME` (0.001
    years) and keeps the patient.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` as read, without layout errors.
    file : str
        File name put on the findings.

    Returns
    -------
    list of Finding
        One warning per target age column concerned (kind
        :data:`EVENT_BEFORE_FIRST_VISIT`), with its rows and count; the extreme is the
        largest gap in years.
    """
    found: list[Finding] = []
    first = pd.to_numeric(frame["Age_v1"], errors="coerce").to_numpy(float)
    for event_col, age_col, what in ((HEPATIC_EVENT, HEPATIC_AGE, "liver event"), (DEATH, DEATH_AGE, "death")):
        event = pd.to_numeric(frame[event_col], errors="coerce").to_numpy(float) == 1
        age = pd.to_numeric(frame[age_col], errors="coerce").to_numpy(float)
        with np.errstate(invalid="ignore"):
            early = event & (age < first)
        if not early.any():
            continue
        where = np.flatnonzero(early)
        gap = float(np.max(first[where] - age[where]))
        shown = ", ".join(str(i + 1) for i in where[:5]) + (f" … ({len(where)} rows)" if len(where) > 5 else "")
        found.append(warning(
            f"column '{age_col}': {len(where)} {what}(s) dated before Age_v1 (up to {gap:g} year(s) before) "
            f"at data row(s) {shown}",
            file=file, column=age_col, rows=tuple(int(i) + 1 for i in where[:5]), count=len(where), extreme=gap,
            kind=EVENT_BEFORE_FIRST_VISIT,
            fix=f"their survival time would be negative; it is set to {MIN_TIME} years, as the organisers do"))
    return found


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

    def subset(self, idx: np.ndarray) -> "SurvivalTargets":
        """The targets of rows ``idx`` (positions, repeats allowed)."""
        return SurvivalTargets(*(a[idx] for a in (self.hepatic_event, self.hepatic_time, self.death_event,
                                                   self.death_time, self.death_known)))

    def frame(self) -> pd.DataFrame:
        """The targets as columns (handy for plots and Kaplan–Meier fits)."""
        return pd.DataFrame({"hepatic_event": self.hepatic_event, "hepatic_time": self.hepatic_time,
                             "death_event": self.death_event, "death_time": self.death_time,
                             "death_known": self.death_known})


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
        raise DataError("<table>", [f"target column '{c}' is missing; targets exist only in train.csv "
                                    "(and in the twin's truth file)" for c in missing])
    first, last = first_last_age(frame)
    hep = frame[HEPATIC_EVENT].to_numpy(float)
    if np.isnan(hep).any():
        rows = np.flatnonzero(np.isnan(hep))[:5] + 1
        raise DataError("<table>", [f"column '{HEPATIC_EVENT}' is empty at data row(s) {list(rows)}; "
                                    "the liver outcome must be known for every patient"])
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
