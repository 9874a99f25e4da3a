"""Known oddities of the official CYTOLOGIA files, as code that puts them into a data folder.

Each :class:`~hdhkits.quirks.Quirk` edits a copy of a folder in place (a few instances,
never the whole file) and names the warning ``check`` must give for it;
``tests/test_quirks.py`` injects each one into a twin copy and runs ``check`` and the
three notebooks on it. The facts come from the official release (``CHALLENGES.md``):

* boxes past the image border: x1 or y1 below 0 on about 0.4 % of the train boxes (down
  to -85), about 1,000 boxes partly outside their image in all;
* images much larger than the usual ~370 x 368 px (about 5 % of the boxes have a
  coordinate beyond 400 px, up to about 800);
* about 150 duplicated images;
* a few JPEGs that decode with "extraneous bytes" warnings.

Two guards go beyond what is reported: a box with ``x2 <= x1`` in train.csv (the reader
drops it) and a class code outside the 23 (the reader leaves the row out).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from ..quirks import Quirk
from .plausibility import BOX

__all__ = ["QUIRKS"]


def _train(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "train.csv", dtype={"NAME": "string", "class": "string"})


def _single_cell_rows(train: pd.DataFrame, rng: np.random.Generator, n: int) -> np.ndarray:
    """Row numbers of ``n`` boxes that are alone in their image (moving them disturbs no other cell)."""
    alone = train.groupby("NAME")["NAME"].transform("size") == 1
    candidates = np.flatnonzero(alone.to_numpy())
    return rng.choice(candidates, size=min(n, len(candidates)), replace=False)


def _box_past_left_border(folder: Path, rng: np.random.Generator) -> None:
    """Shift three train boxes left so that x1 is negative (-10 to -85), as in the official file."""
    train = _train(folder)
    for i in _single_cell_rows(train, rng, 3):
        shift = int(train.loc[i, "x1"]) + int(rng.integers(10, 86))
        train.loc[i, ["x1", "x2"]] = [int(train.loc[i, "x1"]) - shift, int(train.loc[i, "x2"]) - shift]
    train.to_csv(folder / "train.csv", index=False)


def _box_past_bottom_border(folder: Path, rng: np.random.Generator) -> None:
    """Shift two train boxes down so that they end 10 to 60 px below their image."""
    train = _train(folder)
    for i in _single_cell_rows(train, rng, 2):
        with Image.open(folder / "images" / str(train.loc[i, "NAME"])) as im:
            height = im.size[1]
        shift = height - int(train.loc[i, "y2"]) + int(rng.integers(10, 61))
        train.loc[i, ["y1", "y2"]] = [int(train.loc[i, "y1"]) + shift, int(train.loc[i, "y2"]) + shift]
    train.to_csv(folder / "train.csv", index=False)


def _large_image(folder: Path, rng: np.random.Generator) -> None:
    """Replace one train image by an 800 x 760 px enlargement, its boxes scaled with it (coordinates > 400)."""
    train = _train(folder)
    name = str(train.loc[_single_cell_rows(train, rng, 1)[0], "NAME"])
    path = folder / "images" / name
    with Image.open(path) as im:
        w, h = im.size
        im.convert("RGB").resize((800, 760), Image.Resampling.BILINEAR).save(path, "JPEG", quality=90)
    rows = train["NAME"] == name
    scaled = train.loc[rows, BOX].to_numpy(float) * np.array([800 / w, 760 / h, 800 / w, 760 / h])
    train.loc[rows, BOX] = np.round(scaled).astype(int)
    train.to_csv(folder / "train.csv", index=False)


def _inverted_box(folder: Path, rng: np.random.Generator) -> None:
    """Swap x1 and x2 of two train boxes (x2 < x1: a box the reader cannot use)."""
    train = _train(folder)
    for i in rng.choice(len(train), size=2, replace=False):
        train.loc[i, ["x1", "x2"]] = [int(train.loc[i, "x2"]), int(train.loc[i, "x1"])]
    train.to_csv(folder / "train.csv", index=False)


def _unknown_class(folder: Path, rng: np.random.Generator) -> None:
    """Write a class code outside the 23 on one train row."""
    train = _train(folder)
    train.loc[int(rng.integers(len(train))), "class"] = "NEUTRO"
    train.to_csv(folder / "train.csv", index=False)


def _duplicate_image(folder: Path, rng: np.random.Generator) -> None:
    """Copy one train image under a new name with its boxes (the reader's perceptual hash groups them)."""
    train = _train(folder)
    name = str(train.loc[int(rng.integers(len(train))), "NAME"])
    new = f"dup{int(rng.integers(10**6)):06d}.jpg"
    (folder / "images" / new).write_bytes((folder / "images" / name).read_bytes())
    rows = train[train["NAME"] == name].assign(NAME=new)
    pd.concat([train, rows], ignore_index=True).to_csv(folder / "train.csv", index=False)


def _extraneous_bytes(folder: Path, rng: np.random.Generator) -> None:
    """Put stray bytes before the end marker of two JPEGs ("extraneous bytes before marker 0xd9")."""
    train = _train(folder)
    for name in rng.choice(train["NAME"].unique().astype(str), size=2, replace=False):
        path = folder / "images" / str(name)
        data = path.read_bytes()
        end = data.rfind(b"\xff\xd9")
        path.write_bytes(data[:end] + b"\x00\x17\x2a" + data[end:])


QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        "box_past_left_border",
        "train.csv boxes whose x1 (or y1) is below 0: about 0.4 % of the official boxes, down to -85",
        _box_past_left_border,
        "box_past_border",
        "train.csv",
        "x1",
    ),
    Quirk(
        "box_past_bottom_border",
        "train.csv boxes that end past the image's bottom or right edge (about 1,000 official boxes are "
        "partly outside their image)",
        _box_past_bottom_border,
        "box_past_border",
        "train.csv",
        "y2",
    ),
    Quirk(
        "large_image",
        "images much larger than the usual ~370 x 368 px (about 5 % of the official boxes have a coordinate "
        "beyond 400 px, up to about 800)",
        _large_image,
        "unusual_image_size",
        "images/",
    ),
    Quirk(
        "inverted_box",
        "a train.csv box with x2 <= x1 (not reported in the official file: a guard; the reader drops it)",
        _inverted_box,
        "empty_box",
        "train.csv",
        "x2",
        in_twin=False,
    ),
    Quirk(
        "unknown_class_code",
        "a class code outside the 23 in train.csv (not reported in the official file: a guard)",
        _unknown_class,
        "unknown_code",
        "train.csv",
        "class",
        in_twin=False,
    ),
    Quirk(
        "duplicated_image",
        "the same picture under two names (about 150 in the official train set); check finds byte-identical "
        "copies (hashing only files of equal size), the reader's perceptual hash finds re-saved ones too, and "
        "the folds keep each group together",
        _duplicate_image,
        "duplicate_image",
        "images/",
    ),
    Quirk(
        "jpeg_extraneous_bytes",
        "JPEGs that decode with an 'extraneous bytes before marker' warning (a few in the official set); "
        "they open and decode normally",
        _extraneous_bytes,
        None,
        in_twin=False,
    ),
)
