"""ANNITIA file layouts: every column of ``train.csv`` and ``val_test.csv``, in official order.

The column names and their order are in :mod:`hdhkits.annitia.columns`, the plausible
ranges in :mod:`hdhkits.annitia.plausibility`; here they become the two files'
``TableSchema`` objects, which the twin and the reader both use.

The kit's verbs on a data folder live here too: :func:`check_data` (every finding of
both files), :func:`read_train` and :func:`read_test` (read, and refuse layout errors).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..findings import Finding, error, short_list, warning
from ..schema import ColumnSpec, TableSchema, constant_column_findings, empty_column_findings
from ..tables import check_files, read_table
from .columns import (
    CODE_COLUMNS,
    DEATH,
    DEATH_AGE,
    HEPATIC_AGE,
    HEPATIC_EVENT,
    ID,
    TEST_ID,
    VISIT_VARIABLES,
    visit_columns,
)
from .plausibility import required_bounds

__all__ = [
    "EVENT_BEFORE_FIRST_VISIT",
    "MIN_EVENTS",
    "MIN_TIME",
    "OFFICIAL_ROWS",
    "TEST_ALIASES",
    "TEST_FILE",
    "TEST_SCHEMA",
    "TRAIN_FILE",
    "TRAIN_SCHEMA",
    "TRUTH_FILE",
    "VARIABLE_LOSS",
    "check_data",
    "coverage_findings",
    "event_findings",
    "outcome_findings",
    "read_test",
    "read_train",
]

TRAIN_FILE = "train.csv"
TEST_FILE = "val_test.csv"
#: The organiser-side truth of the test file (the twin writes it; participants never see it).
TRUTH_FILE = "val_test_truth.csv"
#: Some copies of the download call the test file ``test.csv``.
TEST_ALIASES = ("test.csv",)


def _specs(with_targets: bool, with_test_id: bool) -> tuple[ColumnSpec, ...]:
    # In train, Age_v1 starts both clocks and the liver outcome is known for every patient
    # (the organisers' files hold no empty cell there): an empty one leaves no survival time.
    specs: list[ColumnSpec] = []
    if with_test_id:
        specs.append(ColumnSpec(TEST_ID, "int", nullable=False))
    # Identifiers are read as text: the kit never relies on their format.
    specs.append(ColumnSpec(ID, "str", nullable=False))
    specs.append(ColumnSpec("gender", "code", nullable=True, allowed=(1, 2)))
    specs += [ColumnSpec(c, "code", allowed=(0, 1, 2)) for c in CODE_COLUMNS]
    specs.append(_ranged("bariatric_surgery_age"))
    specs += [_ranged(col, nullable=not (with_targets and col == "Age_v1")) for col in visit_columns()]
    if with_targets:
        specs += [
            ColumnSpec(HEPATIC_EVENT, "code", nullable=False, allowed=(0, 1)),
            _ranged(HEPATIC_AGE),
            ColumnSpec(DEATH, "code", allowed=(0, 1)),
            _ranged(DEATH_AGE),
        ]
    return tuple(specs)


def _ranged(column: str, nullable: bool = True) -> ColumnSpec:
    # A number with its plausible range: values outside are warnings, handled as the range says.
    low, high, handling = required_bounds(column)
    return ColumnSpec(column, "float", nullable=nullable, minimum=low, maximum=high, out_of_range=handling)


TRAIN_SCHEMA = TableSchema(
    TRAIN_FILE, _specs(True, False), id_column=ID, description="one row per patient: statics, visits, the four targets"
)
TEST_SCHEMA = TableSchema(
    TEST_FILE,
    _specs(False, True),
    id_column=TEST_ID,
    aliases=TEST_ALIASES,
    description="one row per patient to score: trustii_id, statics, visits",
)

#: Data rows of the official files (a file far from these is a partial download or another release).
OFFICIAL_ROWS = {TRAIN_FILE: 1253, TEST_FILE: 423}


#: The organisers clamp survival times to at least this many years.
MIN_TIME = 0.001
#: ``kind`` of the warning for an event dated before the first visit.
EVENT_BEFORE_FIRST_VISIT = "event_before_first_visit"


def read_train(data_dir: str | Path, check: bool = True) -> pd.DataFrame:
    """Read ``train.csv`` from a folder (or a file path) and check it against the official layout.

    Parameters
    ----------
    data_dir : str or Path
        A folder holding ``train.csv``, or the file itself.
    check : bool
        Refuse the file when it has layout errors (warnings never stop the read;
        :func:`check_data` lists them).

    Returns
    -------
    DataFrame
        The file as read, columns in official order.

    Raises
    ------
    hdhkits.findings.DataError
        Missing, cut or unreadable file, or every layout problem at once.
    """
    return read_table(data_dir, TRAIN_SCHEMA, check=check)


def read_test(data_dir: str | Path, check: bool = True) -> pd.DataFrame:
    """Read ``val_test.csv`` (or its alias ``test.csv``) and check it against the official layout.

    Parameters
    ----------
    data_dir : str or Path
        A folder holding the test file, or the file itself.
    check : bool
        Refuse the file when it has layout errors.

    Returns
    -------
    DataFrame

    Raises
    ------
    hdhkits.findings.DataError
        Missing, cut or unreadable file, or every layout problem at once.
    """
    return read_table(data_dir, TEST_SCHEMA, check=check)


def check_data(data_dir: str | Path, deep: bool = False) -> list[Finding]:
    """Every finding of a folder holding the two official files (empty list when fine).

    Parameters
    ----------
    data_dir : str or Path
        The folder (``test.csv`` is accepted for ``val_test.csv``).
    deep : bool
        Accepted for the contract; every value is read anyway.

    Returns
    -------
    list of Finding
        Errors: layout problems (missing file or column, unparsable values, unknown
        codes, duplicate ids, an empty ``Age_v1`` or liver outcome in train) and an
        outcome with fewer than :data:`MIN_EVENTS` events in train, from which no model
        can be trained (:func:`outcome_findings`). Warnings: values outside the plausible
        ranges, a variable empty at every visit, an empty or constant static column
        (:func:`coverage_findings`), events dated before the first visit
        (:func:`event_findings`) and row counts far from the official files'
        (:data:`OFFICIAL_ROWS`; a partial download?).
    """
    return check_files(data_dir, (TRAIN_SCHEMA, TEST_SCHEMA), OFFICIAL_ROWS, content=_content_findings)


def _content_findings(frame: pd.DataFrame, schema: TableSchema, file: str) -> list[Finding]:
    """What a table without layout error holds for the models (``check_files``'s content check)."""
    found = coverage_findings(frame, file=file)
    if schema is TRAIN_SCHEMA:
        found += outcome_findings(frame, file=file) + event_findings(frame, file=file)
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
        found.append(
            warning(
                f"column '{age_col}': {len(where)} {what}(s) dated before Age_v1 (up to {gap:g} year(s) before) "
                f"at data row(s) {shown}",
                file=file,
                column=age_col,
                rows=tuple(int(i) + 1 for i in where[:5]),
                count=len(where),
                extreme=gap,
                kind=EVENT_BEFORE_FIRST_VISIT,
                fix=f"their survival time would be negative; it is set to {MIN_TIME} years, as the organisers do",
            )
        )
    return found


#: Fewest events of each outcome in train.csv from which the kit's models can be trained
#: and cross-validated. Quick mode's 2 stratified folds (events of the two death strata
#: rounded up in each test fold) must leave every training part 2 events, because the
#: blends split them again (``RankBlend``'s inner folds, stratified on the event): 4
#: events can leave 1, 5 always leave 2. Five folds (the default) need 4.
MIN_EVENTS = 5

#: What the notebooks lose when a visit variable is empty at every visit (said in the
#: warning's fix): each loss, and the variables it needs.
VARIABLE_LOSS: dict[str, tuple[str, ...]] = {
    "no FIB-4 (it needs AST, ALT and platelets)": ("ast", "alt", "plt"),
    "no AST/ALT ratio": ("ast", "alt"),
    "no FibroScan score": ("fibs_stiffness_med_BM_1",),
}


def outcome_findings(frame: pd.DataFrame, file: str = TRAIN_FILE) -> list[Finding]:
    """Errors for an outcome of ``train.csv`` with too few events to train a model on.

    Both outcomes feed the metric (0.7 C(liver) + 0.3 C(death)) and every model of the
    kit learns both; with fewer than :data:`MIN_EVENTS` liver events, or deaths among the
    patients whose death status is known, the cross-validated models cannot be trained.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` as read, without layout errors.
    file : str
        File name put on the findings.

    Returns
    -------
    list of Finding
        Errors of kind ``too_few_events`` (column: the outcome), with the fix.
    """
    found: list[Finding] = []
    liver = pd.to_numeric(frame[HEPATIC_EVENT], errors="coerce")
    death = pd.to_numeric(frame[DEATH], errors="coerce")
    known = int(death.notna().sum())
    cases = [
        (HEPATIC_EVENT, int((liver == 1).sum()), "liver event(s)", f"among {len(frame):,} patients", 47),
        (
            DEATH,
            int((death == 1).sum()),
            "death(s)",
            f"among the {known:,} patients with a known status" if known else "(no death status is known)",
            76,
        ),
    ]
    for column, n, what, among, official in cases:
        if n >= MIN_EVENTS:
            continue
        found.append(
            error(
                f"column '{column}': {n} {what} {among}; the models need at least {MIN_EVENTS}",
                file=file,
                column=column,
                count=n,
                kind="too_few_events",
                fix=f"no model of this outcome can be trained: use a train file with more (the official one holds "
                f"{official})",
            )
        )
    return found


def _empty_variables(frame: pd.DataFrame, file: str) -> list[Finding]:
    empty = [
        var
        for var in VISIT_VARIABLES
        if var != "Age" and not frame[[c for c in visit_columns(var) if c in frame.columns]].notna().to_numpy().any()
    ]
    if not empty or len(frame) == 0:
        return []
    losses = [loss for loss, needs in VARIABLE_LOSS.items() if set(needs) & set(empty)]
    return [
        warning(
            f"{len(empty)} visit variable(s) empty at every visit: {short_list(empty, 4)}",
            file=file,
            column=f"{empty[0]}_v1",
            count=len(empty),
            kind="empty_variable",
            fix="missing for every patient: the models do without them" + "".join(f"; {x}" for x in losses),
        )
    ]


def coverage_findings(frame: pd.DataFrame, file: str) -> list[Finding]:
    """Warnings for data a step of the notebooks will lack: empty variables, empty or constant codes.

    A file can pass the layout check and still hold no ALT at any visit (a cohort that
    never measured it, a filter that emptied the column). The data loads; the notebooks
    say where a step has nothing to work on and go on.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``val_test.csv`` as read, without layout errors.
    file : str
        File name put on the findings.

    Returns
    -------
    list of Finding
        ``empty_variable`` (the visit variables without any value, one finding), then
        ``empty_column`` and ``constant_column`` (sex and the comorbidity codes, one
        finding each).
    """
    codes = ["gender", *CODE_COLUMNS]
    return (
        _empty_variables(frame, file)
        + empty_column_findings(frame, codes, file, "missing for every patient: the models do without it")
        + constant_column_findings(frame, codes, file, "it tells no patient from another: the models ignore it")
    )
