"""Known oddities of the official ANNITIA files, as code that puts them into a data folder.

Reported on the official download (``CHALLENGES.md``):

* **Impossible lab values.** The official cohort is itself synthetic, made with noise,
  and a few values came out below zero: ``ggt_v1`` (4 in ``train.csv``, smallest
  -10.77; 1 in the test file, -1.08) and ``fibrotest_BM_2_v1`` (8 in ``train.csv``,
  smallest -0.035; slightly negative ones in the test file too). ``check`` warns
  (``below_minimum``); the features treat them as missing.
* **Liver events dated before the first visit** (a negative survival time, set to
  0.001 years as the organisers do). ``check`` warns (``event_before_first_visit``).
* **The test file named** ``test.csv`` in some copies of the download instead of
  ``val_test.csv``: accepted silently.

:data:`QUIRKS` lists them for the regression suite (``tests/test_quirks.py``). The twin
puts the impossible values in at the official rate with :func:`put_negative_values`, the
same function the quirks use.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import write_csv
from ..quirks import Quirk
from ..schema import TableSchema
from ..tables import find_file
from .columns import HEPATIC_AGE, HEPATIC_EVENT
from .schema import EVENT_BEFORE_FIRST_VISIT, TEST_ALIASES, TEST_FILE, TEST_SCHEMA, TRAIN_FILE, TRAIN_SCHEMA

__all__ = ["NEGATIVE_VALUES", "QUIRKS", "negative_value_count", "put_negative_values"]

#: Noise-made negative values of the official files: column -> (per-row rate in the
#: official train file, smallest and largest magnitude drawn). Train held 4 negative
#: ``ggt_v1`` (down to -10.77) and 8 negative ``fibrotest_BM_2_v1`` (down to -0.035) in
#: 1,253 rows; the test file 1 ``ggt_v1`` (-1.08) in 423 rows, the same order of rate.
NEGATIVE_VALUES: dict[str, tuple[float, float, float]] = {
    "ggt_v1": (4 / 1253, 0.5, 11.0),
    "fibrotest_BM_2_v1": (8 / 1253, 0.001, 0.036),
}


def negative_value_count(column: str, n_rows: int) -> int:
    """How many negative values a file of ``n_rows`` rows holds in ``column`` at the official rate (at least 1)."""
    rate = NEGATIVE_VALUES[column][0]
    return max(1, int(round(rate * n_rows)))


def put_negative_values(frame: pd.DataFrame, column: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """Replace ``count`` present values of ``column`` by small negative ones, in place.

    Parameters
    ----------
    frame : DataFrame
        A train or test table (official layout).
    column : str
        A column of :data:`NEGATIVE_VALUES`.
    count : int
        How many values to replace (fewer if the column holds fewer values).
    rng : Generator
        Chooses the rows and draws the values (uniform magnitudes, long decimals).

    Returns
    -------
    array of int
        The positions of the rows changed, sorted.
    """
    _, low, high = NEGATIVE_VALUES[column]
    present = np.flatnonzero(pd.to_numeric(frame[column], errors="coerce").notna().to_numpy())
    rows = np.sort(rng.choice(present, size=min(count, len(present)), replace=False))
    frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame.loc[frame.index[rows], column] = -rng.uniform(low, high, len(rows))
    return rows


def _edit_file(data_dir: Path, schema: TableSchema, edit: Callable[[pd.DataFrame], object]) -> None:
    # Whatever the file is called (test.csv is accepted), edit it where it is.
    path = find_file(data_dir, schema)
    # round_trip: every untouched value is written back exactly as it was read
    types: dict[Hashable, str] = {name: kind for name, kind in schema.dtypes().items()}  # pandas keys: Hashable
    frame = pd.read_csv(path, dtype=types, low_memory=False, float_precision="round_trip")
    edit(frame)
    write_csv(frame, path)


def _negative(schema: TableSchema, column: str, count: int) -> Callable[[Path, np.random.Generator], None]:
    def inject(data_dir: Path, rng: np.random.Generator) -> None:
        _edit_file(Path(data_dir), schema, lambda frame: put_negative_values(frame, column, count, rng))

    return inject


def _events_before_first_visit(data_dir: Path, rng: np.random.Generator, count: int = 2) -> None:
    """Date ``count`` liver events of ``train.csv`` 1–2 years before the patient's ``Age_v1``."""

    def edit(frame: pd.DataFrame) -> None:
        events = np.flatnonzero(pd.to_numeric(frame[HEPATIC_EVENT], errors="coerce").to_numpy() == 1)
        pool = events if len(events) >= count else np.arange(len(frame))
        rows = frame.index[np.sort(rng.choice(pool, size=count, replace=False))]
        frame.loc[rows, HEPATIC_EVENT] = 1.0
        frame.loc[rows, HEPATIC_AGE] = frame.loc[rows, "Age_v1"] - rng.integers(1, 3, count)

    _edit_file(Path(data_dir), TRAIN_SCHEMA, edit)


def _test_file_named_test_csv(data_dir: Path, rng: np.random.Generator) -> None:
    """Rename ``val_test.csv`` to ``test.csv`` (as some copies of the download have it)."""
    source = Path(data_dir) / TEST_FILE
    if source.is_file():
        source.rename(Path(data_dir) / TEST_ALIASES[0])


#: Every reported quirk of the official ANNITIA files.
QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        "negative_ggt_train",
        "train.csv holds 4 negative ggt_v1 values (smallest -10.77): noise of the organisers' synthesis",
        _negative(TRAIN_SCHEMA, "ggt_v1", 4),
        kind="below_minimum",
        file=TRAIN_FILE,
        column="ggt_v1",
    ),
    Quirk(
        "negative_ggt_test",
        "the test file holds a negative ggt_v1 value (-1.08)",
        _negative(TEST_SCHEMA, "ggt_v1", 1),
        kind="below_minimum",
        file=TEST_FILE,
        column="ggt_v1",
    ),
    Quirk(
        "negative_fibrotest_train",
        "train.csv holds 8 slightly negative fibrotest_BM_2_v1 values (smallest -0.035)",
        _negative(TRAIN_SCHEMA, "fibrotest_BM_2_v1", 8),
        kind="below_minimum",
        file=TRAIN_FILE,
        column="fibrotest_BM_2_v1",
    ),
    Quirk(
        "negative_fibrotest_test",
        "the test file holds slightly negative fibrotest_BM_2_v1 values too (CHALLENGES.md)",
        _negative(TEST_SCHEMA, "fibrotest_BM_2_v1", 2),
        kind="below_minimum",
        file=TEST_FILE,
        column="fibrotest_BM_2_v1",
    ),
    Quirk(
        "liver_event_before_first_visit",
        "a few liver events are dated before Age_v1 (negative time; the organisers clamp it to 0.001)",
        _events_before_first_visit,
        kind=EVENT_BEFORE_FIRST_VISIT,
        file=TRAIN_FILE,
        column=HEPATIC_AGE,
    ),
    Quirk(
        "test_file_named_test_csv",
        "some copies of the download call the test file test.csv instead of val_test.csv",
        _test_file_named_test_csv,
        kind=None,
        in_twin=False,
    ),
)
