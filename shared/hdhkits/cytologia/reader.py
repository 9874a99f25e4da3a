"""Read an official or synthetic CYTOLOGIA folder, and report its problems instead of crashing.

:func:`read_dataset` reads ``train.csv``, ``test.csv`` and the images folder (default
``images/``) and returns a :class:`CytologiaData` whose :class:`DataReport` lists what it
found: missing or unreadable images, boxes partly outside their image (clipped and
counted), empty boxes, duplicated images (perceptual hash), class codes outside the 23.
Only a layout problem that leaves nothing to read (a missing CSV or column) raises.
:func:`last_dataset` hands the dataset read last to whoever needs it again (a model trained
in ``03_submission`` after the notebook read the folder), so the 69,168 official images
are not read twice in one session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import display_path
from ..findings import DataError
from ..notebook import tqdm
from ..tables import read_table
from .classes import CLASSES
from .hashing import duplicate_groups, find_duplicates, phash
from .images import ImageRefused, name_problem, open_image, probe_image
from .plausibility import plausible_values
from .schema import FATAL_KINDS, MISSING_FIX, TEST_SCHEMA, TRAIN_SCHEMA

__all__ = ["CytologiaData", "DataReport", "last_dataset", "load_rgb", "read_dataset"]

_BOX = ["x1", "y1", "x2", "y2"]
#: The dataset :func:`read_dataset` returned last (with images hashed), under the key of its files.
_LAST: dict[tuple, CytologiaData] = {}


@dataclass
class DataReport:
    """What the reader found wrong or odd in a data folder (nothing here stops reading)."""

    n_train_images: int = 0
    n_test_images: int = 0
    n_train_boxes: int = 0
    n_test_boxes: int = 0
    missing_images: list[str] = field(default_factory=list)
    unreadable_images: dict[str, str] = field(default_factory=dict)
    boxes_clipped: int = 0
    boxes_dropped: int = 0
    unknown_classes: dict[str, int] = field(default_factory=dict)
    duplicates: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["name_a", "name_b", "distance"]))
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every finding as one sentence (empty when the folder is clean)."""
        out = []
        if self.missing_images:
            out.append(
                f"{len(self.missing_images)} image(s) named in the CSV files are missing from the images "
                f"folder, e.g. {', '.join(self.missing_images[:3])}; their train rows are left out"
            )
        if self.unreadable_images:
            first = next(iter(self.unreadable_images.items()))
            out.append(
                f"{len(self.unreadable_images)} image(s) cannot be decoded, e.g. {first[0]} ({first[1]}); "
                f"their train rows are left out, test rows get a central box"
            )
        if self.boxes_clipped:
            out.append(f"{self.boxes_clipped} train box(es) run past their image border; clipped to the image")
        if self.boxes_dropped:
            out.append(f"{self.boxes_dropped} train box(es) are empty or non-numeric after clipping; left out")
        if self.unknown_classes:
            codes = ", ".join(f"{k!r} ({v})" for k, v in self.unknown_classes.items())
            out.append(f"class code(s) outside the 23: {codes}; those rows are left out")
        if len(self.duplicates):
            out.append(
                f"{len(self.duplicates)} pair(s) of duplicated images (perceptual hash); "
                f"keep each group in one cross-validation fold"
            )
        return out + list(self.notes)

    def summary(self) -> str:
        """A short printable summary (no machine paths)."""
        lines = [
            f"train: {self.n_train_images} images, {self.n_train_boxes} boxes; "
            f"test: {self.n_test_images} images, {self.n_test_boxes} boxes to find"
        ]
        lines += [f"- {p}" for p in self.problems] or ["- no problem found"]
        return "\n".join(lines)

    def counts(self) -> pd.Series:
        """The findings as numbers (for tables)."""
        return pd.Series(
            {
                "missing images": len(self.missing_images),
                "unreadable images": len(self.unreadable_images),
                "boxes clipped": self.boxes_clipped,
                "boxes dropped": self.boxes_dropped,
                "unknown class rows": sum(self.unknown_classes.values()),
                "duplicate pairs": len(self.duplicates),
            }
        )


@dataclass
class CytologiaData:
    """A read data folder.

    Attributes
    ----------
    train : DataFrame
        ``NAME, x1, y1, x2, y2, class`` (boxes clipped to the image, usable rows only)
        plus ``width, height`` of the image, ``clipped`` and ``group`` (duplicate group).
    test : DataFrame
        ``trustii_id, NAME`` plus ``width, height, readable``.
    images : DataFrame
        One row per image: ``NAME, split, width, height, readable, phash, group``.
    report : DataReport
    """

    data_dir: Path
    images_dir: Path
    train: pd.DataFrame
    test: pd.DataFrame
    images: pd.DataFrame
    report: DataReport

    def image_path(self, name: str) -> Path:
        """Path of an image file; a name leaving the images folder raises :class:`ImageRefused` (an OSError)."""
        unsafe = name_problem(self.images_dir, name)
        if unsafe is not None:
            raise ImageRefused(f"{name!r} is {unsafe}: refused, never opened")
        return self.images_dir / name

    def load_image(self, name: str) -> np.ndarray:
        """An image as RGB uint8 (H, W, 3); raises :class:`DataError` naming the file."""
        try:
            path = self.image_path(name)
        except ImageRefused as exc:
            raise DataError(self.images_dir / str(name), [str(exc)]) from None
        return load_rgb(path)


def load_rgb(path: str | Path) -> np.ndarray:
    """Read an image as RGB uint8, with an error that names the file.

    An image larger than ``MAX_SIDE`` px a side is refused before decoding.
    """
    try:
        with open_image(path) as im:
            return np.asarray(im.convert("RGB"))
    except (OSError, ValueError) as exc:
        raise DataError(path, [f"cannot read the image: {exc}"]) from None


def _probe(path: Path, with_hash: bool) -> tuple[int, int, bool, int, str]:
    """Width, height, readable, hash, error message of one image (its header already checked)."""
    try:
        with open_image(path) as im:
            w, h = im.size
            if with_hash:
                im.draft("RGB", (64, 64))  # JPEG decodes at reduced scale: fast
                return w, h, True, phash(im), ""
            return w, h, True, 0, ""
    except (OSError, ValueError, SyntaxError) as exc:
        return 0, 0, False, 0, str(exc) or type(exc).__name__


def read_dataset(
    data_dir: str | Path,
    images_dir: str = "images",
    hash_images: bool = True,
    progress: bool = False,
) -> CytologiaData:
    """Read a CYTOLOGIA folder (official or synthetic) and report its problems.

    Parameters
    ----------
    data_dir : path
        Folder with ``train.csv``, ``test.csv`` and the images folder.
    images_dir : str
        Images folder, relative to ``data_dir`` (or absolute).
    hash_images : bool
        Decode every image (at reduced scale) to hash it: finds duplicates and
        undecodable files. Otherwise only the image headers are read.
    progress : bool
        Show a tqdm progress bar over the images.

    Returns
    -------
    CytologiaData

    Raises
    ------
    DataError
        A CSV file or one of its columns is missing, or the images folder is absent.
    """
    data_dir = Path(data_dir)
    img_dir = Path(images_dir) if Path(images_dir).is_absolute() else data_dir / images_dir
    train = read_table(data_dir / "train.csv", TRAIN_SCHEMA, stop=FATAL_KINDS, missing_fix=MISSING_FIX)
    test = read_table(data_dir / "test.csv", TEST_SCHEMA, stop=FATAL_KINDS, missing_fix=MISSING_FIX)
    if not img_dir.is_dir():
        raise DataError(
            img_dir,
            [
                f"images folder not found in {display_path(data_dir)}; pass images_dir= "
                f"the folder holding the JPEG files"
            ],
        )
    report = DataReport()
    train["NAME"] = train["NAME"].astype(str)
    test["NAME"] = test["NAME"].astype(str)
    images = _read_images(train, test, img_dir, report, hash_images, progress)
    train = _usable_train_boxes(train, images, report)
    test = test.merge(images[["NAME", "width", "height", "readable"]], on="NAME", how="left")
    report.n_train_images = int((images["split"] == "train").sum())
    report.n_test_images = int((images["split"] == "test").sum())
    report.n_train_boxes = len(train)
    report.n_test_boxes = len(test)
    data = CytologiaData(data_dir, img_dir, train, test, images, report)
    if hash_images:
        _LAST.clear()
        _LAST[_files_key(data_dir, img_dir)] = data
    return data


def _files_key(data_dir: Path, img_dir: Path) -> tuple:
    """The folders and the size and time of change of the tables and of the images folder."""
    stats = [(p.stat().st_size, p.stat().st_mtime_ns) for p in (data_dir / "train.csv", data_dir / "test.csv")]
    return (data_dir.resolve(), img_dir.resolve(), *stats, img_dir.stat().st_mtime_ns)


def last_dataset(data_dir: str | Path, images_dir: str = "images", progress: bool = True) -> CytologiaData:
    """The dataset :func:`read_dataset` returned last for this folder, when its files have not changed since; else read it.

    Reading the official folder hashes 69,168 images: a model trained after the notebook
    read the folder (``PROBLEM.fit_model`` in ``03_submission``) takes the notebook's
    dataset instead of reading it again. Only the last dataset is kept.

    Parameters
    ----------
    data_dir : str or Path
    images_dir : str
        As for :func:`read_dataset`.
    progress : bool
        Progress bar when the folder is read.

    Returns
    -------
    CytologiaData
    """
    data_dir = Path(data_dir)
    img_dir = Path(images_dir) if Path(images_dir).is_absolute() else data_dir / images_dir
    try:
        key = _files_key(data_dir, img_dir)
    except OSError:
        key = None
    if key is not None and key in _LAST:
        return _LAST[key]
    return read_dataset(data_dir, images_dir=images_dir, progress=progress)


def _read_images(
    train: pd.DataFrame, test: pd.DataFrame, img_dir: Path, report: DataReport, hash_images: bool, progress: bool
) -> pd.DataFrame:
    """One row per image named in the tables: ``NAME, split, width, height, readable, phash, group``.

    Missing and undecodable images go into ``report``, and so do duplicates (when hashed).
    """
    names = pd.unique(pd.concat([train["NAME"], test["NAME"]], ignore_index=True))
    split = pd.Series("test", index=names)
    split[split.index.isin(train["NAME"])] = "train"
    iterator = names
    if progress:
        iterator = tqdm(names, desc="reading images")
    rows = []
    for name in iterator:
        # the check's header probe first: names leaving the folder, empty, cut, misnamed or
        # oversized files are never decoded
        w, h, kind, detail = probe_image(img_dir, name)
        if kind == "missing":
            report.missing_images.append(name)
            rows.append((name, 0, 0, False, 0))
            continue
        if kind != "ok":
            report.unreadable_images[name] = detail
            rows.append((name, w, h, False, 0))
            continue
        w, h, ok, hsh, err = _probe(img_dir / name, hash_images)
        if not ok:
            report.unreadable_images[name] = err
        rows.append((name, w, h, ok, hsh))
    images = pd.DataFrame(rows, columns=["NAME", "width", "height", "readable", "phash"])
    images["phash"] = images["phash"].astype(np.uint64)
    images.insert(1, "split", split.reindex(images["NAME"]).to_numpy())
    _assign_groups(images, report, hash_images)
    return images


def _assign_groups(images: pd.DataFrame, report: DataReport, hash_images: bool) -> None:
    """A duplicate group per image (its own when not duplicated or not hashed), in place."""
    readable = images[images["readable"]]
    if hash_images and len(readable):
        report.duplicates = find_duplicates(readable["NAME"], readable["phash"])
        groups = duplicate_groups(readable["NAME"], readable["phash"])
        images["group"] = images["NAME"].map(groups)
    else:
        images["group"] = np.nan
    missing_group = images["group"].isna()
    images.loc[missing_group, "group"] = np.arange(missing_group.sum()) + (
        images["group"].max() + 1 if (~missing_group).any() else 0
    )
    images["group"] = images["group"].astype(int)


def _usable_train_boxes(train: pd.DataFrame, images: pd.DataFrame, report: DataReport) -> pd.DataFrame:
    """The train boxes with a known class, numeric coordinates and a readable image, clipped to it."""
    train = train.merge(images[["NAME", "width", "height", "readable", "group"]], on="NAME", how="left")
    coords = train[_BOX].apply(pd.to_numeric, errors="coerce")
    bad_numbers = coords.isna().any(axis=1)
    classes = train["class"].astype("string")
    unknown = ~classes.isin(CLASSES)
    report.unknown_classes = {str(k): int(v) for k, v in classes[unknown].fillna("<empty>").value_counts().items()}
    usable = train["readable"].fillna(False).astype(bool) & ~unknown & ~bad_numbers
    train[_BOX] = coords
    train = plausible_values(train, drop_empty=False)  # boxes clipped to the image, flagged `clipped`
    train["clipped"] = train["clipped"] & usable
    report.boxes_clipped = int(train["clipped"].sum())
    empty = (train["x2"] <= train["x1"]) | (train["y2"] <= train["y1"])
    report.boxes_dropped = int(
        (usable & empty).sum() + (bad_numbers & ~unknown & train["readable"].fillna(False)).sum()
    )
    train = train[usable & ~empty].drop(columns="readable").reset_index(drop=True)
    train[_BOX] = train[_BOX].round().astype(int)
    train["class"] = train["class"].astype(str)
    return train
