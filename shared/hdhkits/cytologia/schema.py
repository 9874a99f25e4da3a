"""The official CYTOLOGIA file layout, its check and its table readers.

A data folder holds ``train.csv`` (one row per annotated cell: ``NAME, x1, y1, x2, y2,
class``), ``test.csv`` (one row per cell to find: ``trustii_id, NAME``) and the
``images/`` folder. :func:`check_data` lists every finding of such a folder (layout
errors, then the plausibility warnings the notebooks meet); :func:`read_train` and
:func:`read_test` read the two tables and refuse a table with a layout error.
The images and what the notebooks derive from them are read by
:func:`hdhkits.cytologia.reader.read_dataset`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..findings import DataError, Finding, error, errors, short_list, warning
from ..schema import ColumnSpec, TableSchema, check_frame
from ..tables import check_files, read_table, row_count_findings
from .classes import CLASSES
from .images import decode_findings, duplicate_file_findings, image_findings, image_sizes
from .plausibility import plausibility_findings

__all__ = [
    "FATAL_KINDS",
    "IMAGES_DIR",
    "MIN_TRAIN_IMAGES",
    "MISSING_FIX",
    "OFFICIAL_ROWS",
    "TEST_SCHEMA",
    "TRAIN_SCHEMA",
    "check_data",
    "check_folder_images",
    "class_findings",
    "layout_problems",
    "read_test",
    "read_train",
]

TRAIN_SCHEMA = TableSchema(
    "train.csv",
    (
        ColumnSpec("NAME", "str", nullable=False),
        ColumnSpec("x1"),
        ColumnSpec("y1"),
        ColumnSpec("x2"),
        ColumnSpec("y2"),
        ColumnSpec("class", "str", allowed=CLASSES),
    ),
    description="one row per annotated cell",
)
#: Data rows of the official files (a file far from these is a partial download or another release).
OFFICIAL_ROWS = {"train.csv": 52748, "test.csv": 22689}

TEST_SCHEMA = TableSchema(
    "test.csv",
    (
        ColumnSpec("trustii_id", "int", nullable=False),
        ColumnSpec("NAME", "str", nullable=False),
    ),
    id_column="trustii_id",
    description="one row per cell to find",
)
#: The images folder of the official layout, relative to the data folder.
IMAGES_DIR = "images"

#: Fewest train images the baseline can be validated on: 02_baseline's 5 grouped folds (one
#: the hold-out) and the CNN's early-stopping split, a grouped fold of the other four, each
#: need an image; with 10 every part holds two.
MIN_TRAIN_IMAGES = 10

#: The layout errors the reader cannot do without (a column): the table cannot be read at all
#: (:func:`hdhkits.tables.read_table`'s ``stop``); it leaves the rows with other errors out.
FATAL_KINDS = ("missing_column", "renamed_column", "duplicated_column", "delimiter")
#: What to do about a missing table (:func:`hdhkits.tables.read_table`'s ``missing_fix``).
MISSING_FIX = "point data_dir at the folder holding train.csv, test.csv and images/"
# Findings of a table that the reader handles by leaving the rows out: warnings, not errors.
_SKIPPED_ROWS = dict.fromkeys(("unknown_code", "not_numeric"), "the reader leaves those rows out")


def layout_problems(data_dir: str | Path, images_dir: str = IMAGES_DIR) -> list[Finding]:
    """Findings of a folder's layout: the two tables and the presence of the images folder.

    Unknown class codes and non-numeric coordinates are warnings: the reader leaves
    those rows out and counts them in its report.
    """
    folder = Path(data_dir)
    found = check_files(folder, (TRAIN_SCHEMA, TEST_SCHEMA), lenient=_SKIPPED_ROWS)
    img = folder / images_dir
    if not img.is_dir():
        found.append(
            error(
                f"no images folder {images_dir!r}",
                kind="missing_file",
                fix="put the JPEG files there or pass images_dir",
            )
        )
    return found


def check_folder_images(data_dir: str | Path, images_dir: str = IMAGES_DIR, deep: bool = False) -> list[Finding]:
    """:func:`check_data` of a folder whose images sit in ``images_dir`` (relative or absolute)."""
    folder = Path(data_dir)
    found = layout_problems(folder, images_dir)
    img = Path(images_dir) if Path(images_dir).is_absolute() else folder / images_dir
    try:
        train = read_table(folder / "train.csv", TRAIN_SCHEMA, stop=FATAL_KINDS, missing_fix=MISSING_FIX)
        test = read_table(folder / "test.csv", TEST_SCHEMA, stop=FATAL_KINDS, missing_fix=MISSING_FIX)
    except DataError:
        return found  # already listed by layout_problems
    if not img.is_dir():
        return found
    # rows keep their place (finding rows are data rows); an empty NAME, an error already, matches no image
    names = pd.concat([train["NAME"], test["NAME"]], ignore_index=True).dropna().astype(str)
    sizes = image_sizes(img, names)
    found += image_findings(sizes, images_dir)
    found += duplicate_file_findings(img, sizes, images_dir)
    if deep:
        found += decode_findings(img, sizes.index[sizes["kind"] == "ok"], images_dir)
    found += plausibility_findings(train, "train.csv", sizes)
    return found + class_findings(train)


def _usable(train: pd.DataFrame) -> pd.DataFrame:
    """The train rows the reader keeps for training: a known class and a box of positive size."""
    box = train[["x1", "y1", "x2", "y2"]].apply(pd.to_numeric, errors="coerce")
    ok = train["class"].isin(CLASSES) & (box["x2"] > box["x1"]) & (box["y2"] > box["y1"]) & train["NAME"].notna()
    return train[ok.to_numpy()]


def class_findings(train: pd.DataFrame, file: str = "train.csv") -> list[Finding]:
    """What the train boxes allow a classifier to learn.

    Errors (no model can be trained): fewer than :data:`MIN_TRAIN_IMAGES` images with a
    usable box (``too_few_images``), or boxes of one class only (``one_class``). Warning:
    classes of the 23 without any box (``absent_class``): the classifiers never name
    them, and the macro-F1 counts each of them 0 when the test truth holds it.

    Parameters
    ----------
    train : DataFrame
        ``train.csv`` as read (the rows the reader leaves out are not counted).
    file : str
        File name put on the findings.

    Returns
    -------
    list of Finding
    """
    usable = _usable(train)
    n_images = usable["NAME"].nunique()
    if n_images < MIN_TRAIN_IMAGES:
        return [
            error(
                f"{n_images} image(s) with a usable box (a known class, x2 > x1, y2 > y1); the baseline "
                f"needs at least {MIN_TRAIN_IMAGES}",
                file=file,
                count=n_images,
                kind="too_few_images",
                fix="its grouped 5-fold validation and early-stopping split need an image in every part: "
                "use a train file with more images (the official one names 48,417)",
            )
        ]
    present = set(usable["class"])
    if len(present) == 1:
        return [
            error(
                f"column 'class': every usable box is {next(iter(present))!r}",
                file=file,
                column="class",
                count=len(usable),
                kind="one_class",
                fix="no classifier can be trained on one class: use a train file with boxes of several classes",
            )
        ]
    absent = [c for c in CLASSES if c not in present]
    if not absent:
        return []
    return [
        warning(
            f"column 'class': {len(absent)} of the {len(CLASSES)} classes have no box: "
            f"{short_list(absent, 6, quote=False)}",
            file=file,
            column="class",
            count=len(absent),
            kind="absent_class",
            fix="the classifiers never name them; the macro-F1 counts each 0 where the test truth holds it",
        )
    ]


def check_data(data_dir: str | Path, deep: bool = False) -> list[Finding]:
    """Every finding of a data folder, as ``PROBLEM.check_data`` reports it.

    Errors (they block): a missing or unreadable CSV, a missing or renamed column, a
    missing images folder, duplicate ``trustii_id``, and images named in the CSV files
    that the reader cannot use, each listed by name (:mod:`hdhkits.cytologia.images`):
    absent (``missing_file``), a name leaving the images folder (absolute, ``..``, a link
    pointing outside: ``unsafe_name``, never opened), zero bytes (``empty_image``), cut
    before the JPEG end marker (``truncated_image``), another format named ``.jpg``
    (``not_jpeg``), larger than ``MAX_SIDE`` px a side (``oversized_image``, never
    decoded), an unreadable header (``unreadable_file``).

    Warnings (the data loads; each says how the kit handles it): boxes of train.csv past
    their image border (one warning per column, ``box_past_border``), boxes with
    ``x2 <= x1`` or ``y2 <= y1`` (``empty_box``), images of unusual size
    (``unusual_image_size``), byte-identical images (``duplicate_image``), unknown class
    codes and non-numeric coordinates, row counts far from the official files'.

    By default only image headers and last bytes are read (no decoding): about
    0.1 ms per image, seconds for the official folder. ``deep`` also decodes every image
    (``undecodable_image``), with a progress bar.

    Parameters
    ----------
    data_dir : str or Path
        Folder with ``train.csv``, ``test.csv`` and ``images/``.
    deep : bool
        Also decode every image (slower); the default reads image headers only.

    Returns
    -------
    list of Finding
        Empty when the folder is clean.
    """
    found = check_folder_images(data_dir, IMAGES_DIR, deep=deep)
    return found + row_count_findings(data_dir, OFFICIAL_ROWS)


def _read(data_dir: str | Path, schema: TableSchema, check: bool) -> pd.DataFrame:
    path = Path(data_dir)
    path = path / schema.file_name if path.is_dir() else path
    df = read_table(path, schema, stop=FATAL_KINDS, missing_fix=MISSING_FIX)
    if check:
        blocking = [f for f in errors(check_frame(df, schema)) if f.kind not in _SKIPPED_ROWS]
        if blocking:
            raise DataError(path, blocking)
    return df


def read_train(data_dir: str | Path, check: bool = True) -> pd.DataFrame:
    """The train boxes, ``NAME, x1, y1, x2, y2, class``, as in ``train.csv`` (nothing clipped or left out).

    Parameters
    ----------
    data_dir : str or Path
        The data folder (or the ``train.csv`` file itself).
    check : bool
        Refuse a table with a layout error (empty ``NAME``, for instance). Unknown class
        codes and non-numeric coordinates are warnings: :func:`check_data` lists them and
        :func:`~hdhkits.cytologia.reader.read_dataset` leaves those rows out.

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        The file is missing, cut or unreadable, lacks a column, or (``check``) holds a
        layout error; every error is listed.
    """
    return _read(data_dir, TRAIN_SCHEMA, check)


def read_test(data_dir: str | Path, check: bool = True) -> pd.DataFrame:
    """The cells to find, ``trustii_id, NAME``, as in ``test.csv``.

    Parameters
    ----------
    data_dir : str or Path
        The data folder (or the ``test.csv`` file itself).
    check : bool
        Refuse a table with a layout error (duplicate or empty ``trustii_id``, empty ``NAME``).

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        As :func:`read_train`.
    """
    return _read(data_dir, TEST_SCHEMA, check)
