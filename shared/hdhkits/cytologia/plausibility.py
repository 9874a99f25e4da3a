"""Implausible boxes and image sizes: what the check warns about, and what the kit does.

The official files hold boxes that run past the image border (x1 or y1 below 0 on about
0.4 % of the train boxes, down to -85; about 1,000 boxes partly outside in all) and
images much larger than the usual ~370 x 368 px (up to about 800 px). They load: each is
a **warning** (:mod:`hdhkits.findings`) naming the rows, handled in one stated way:

========================  ==============================================  ===============================================
warning ``kind``          what the files hold                             handling
========================  ==============================================  ===============================================
``box_past_border``       a train box past its image's border             clipped to the image for training
                                                                          (:func:`plausible_values`); scored as given
``empty_box``             a train box with ``x2 <= x1`` or ``y2 <= y1``   left out of training (:func:`plausible_values`)
``unusual_image_size``    an image side outside ``image_side``            read at its own size (the detector scales its
                                                                          working resolution, crops are resized)
``box_outside_image``     a submitted box wholly outside its image        scored as given (it can match no cell)
========================  ==============================================  ===============================================

The ranges are :data:`PLAUSIBLE_RANGES`. :func:`plausibility_findings` gives the
warnings of ``train.csv`` (``check``), :func:`outside_box_findings` those of a
submission (``validate``), :func:`image_size_findings` those of the images folder.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..findings import Finding, clip, error, warning

__all__ = [
    "BOX",
    "LARGE_IMAGE_FIX",
    "PLAUSIBLE_RANGES",
    "SUBMISSION_OUTSIDE_FIX",
    "TRAIN_BORDER_FIX",
    "TRAIN_EMPTY_FIX",
    "box_coordinates",
    "box_findings",
    "empty_box_findings",
    "image_size_findings",
    "outside_box_findings",
    "plausibility_findings",
    "plausible_values",
]

#: What the checks call plausible. ``image_side``: an image's width and height (px; the
#: official images are about 370 x 368). ``box_position``: a box coordinate as a share of
#: its image's side (0 to 1: inside the image). ``box_side``: a box's width and height
#: (px), above the lower bound (exclusive: a box of zero width is empty).
PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "image_side": (300, 420),
    "box_position": (0.0, 1.0),
    "box_side": (0.0, math.inf),
}
BOX = ["x1", "y1", "x2", "y2"]
_LIMIT = 5

TRAIN_BORDER_FIX = "clipped to the image for training (crops, detector calibration); scored as given"
SUBMISSION_OUTSIDE_FIX = (
    "scored as given (it can match no cell: GIoU below 0); check the coordinates are "
    "pixels of the image as it is in images/, not of a resized copy"
)
TRAIN_EMPTY_FIX = "the reader leaves those rows out of training"
LARGE_IMAGE_FIX = "read at their own size: the detector scales its working resolution with the image, crops are resized"


def _first(index: Iterable) -> tuple[int, ...]:
    """The first data rows (1-based, as under the header) of a 0-based index."""
    return tuple(int(i) + 1 for i in list(index)[:_LIMIT])


def _rows_text(rows: tuple[int, ...], count: int) -> str:
    return ", ".join(map(str, rows)) + (f" … ({count} rows)" if count > len(rows) else "")


def image_size_findings(sizes: pd.DataFrame, images_dir: str = "images") -> list[Finding]:
    """A warning for the images with a side outside ``PLAUSIBLE_RANGES["image_side"]``.

    Parameters
    ----------
    sizes : DataFrame
        From :func:`~hdhkits.cytologia.images.image_sizes`.
    images_dir : str
        The images folder, named on the finding.
    """
    ok = sizes[sizes["status"] == "ok"]
    lo, hi = PLAUSIBLE_RANGES["image_side"]
    odd = ok[(ok[["width", "height"]] < lo).any(axis=1) | (ok[["width", "height"]] > hi).any(axis=1)]
    if odd.empty:
        return []
    largest = odd.loc[(odd["width"] * odd["height"]).idxmax()]
    common = odd.groupby(["width", "height"]).size().sort_values(ascending=False).head(3)
    shown = ", ".join(f"{w} x {h} ({n})" for w, h, n in common.reset_index().itertuples(index=False))
    return [
        warning(
            f"{len(odd)} of {len(ok)} image(s) are not about 370 x 368 px (a side outside {lo}-{hi} px); "
            f"largest {int(largest['width'])} x {int(largest['height'])} ({clip(str(largest.name), 40)}); most common: {shown}",
            file=f"{images_dir.rstrip('/')}/",
            count=len(odd),
            extreme=float(max(largest["width"], largest["height"])),
            kind="unusual_image_size",
            fix=LARGE_IMAGE_FIX,
        )
    ]


def box_coordinates(table: pd.DataFrame) -> pd.DataFrame:
    """``x1, y1, x2, y2`` as numbers (a cell that is not one becomes NaN)."""
    return table[BOX].apply(pd.to_numeric, errors="coerce")


def box_findings(table: pd.DataFrame, sizes: pd.DataFrame, file: str, fix: str) -> list[Finding]:
    """Warnings for boxes past their image border, one per side (column).

    Parameters
    ----------
    table : DataFrame
        ``NAME, x1, y1, x2, y2`` (train.csv or a submission), index 0..n-1.
    sizes : DataFrame
        From :func:`~hdhkits.cytologia.images.image_sizes`; boxes of images of unknown
        size are not checked.
    file : str
        The file named on the findings.
    fix : str
        What the kit does with such boxes.
    """
    c = box_coordinates(table)
    known = sizes[sizes["status"] == "ok"]
    names = table["NAME"].astype(str)
    w = names.map(known["width"]).to_numpy(float)
    h = names.map(known["height"]).to_numpy(float)
    found = []
    lo, hi = PLAUSIBLE_RANGES["box_position"]
    x1, y1, x2, y2 = (c[k].to_numpy(float) for k in BOX)
    sides = [
        ("x1", x1 < lo * w, lo * w - x1, "start left of the image (x1 < 0"),
        ("y1", y1 < lo * h, lo * h - y1, "start above the image (y1 < 0"),
        ("x2", x2 > hi * w, x2 - hi * w, "end past the right edge (x2 > width"),
        ("y2", y2 > hi * h, y2 - hi * h, "end past the bottom edge (y2 > height"),
    ]
    for column, bad, over, text in sides:
        bad = bad & ~np.isnan(w)  # NaN compares False: unknown sizes and non-numbers drop out
        if not bad.any():
            continue
        rows = _first(np.flatnonzero(bad))
        n = int(bad.sum())
        worst = float(np.nanmax(over[bad]))
        extreme = -worst if column in ("x1", "y1") else worst
        detail = f"smallest {extreme:g}" if column in ("x1", "y1") else f"by up to {worst:g} px"
        found.append(
            warning(
                f"column '{column}': {n} of {len(table)} box(es) {text}, {detail}) at data row(s) "
                f"{_rows_text(rows, n)}",
                file=file,
                column=column,
                rows=rows,
                count=n,
                extreme=extreme,
                kind="box_past_border",
                fix=fix,
            )
        )
    return found


def outside_box_findings(table: pd.DataFrame, sizes: pd.DataFrame, file: str, fix: str) -> list[Finding]:
    """A warning for boxes lying wholly outside their image (no pixel in common with it).

    A box *partly* outside is normal (annotators box a cell cut by the border whole, and the
    truth holds such boxes); one with nothing inside the image can match no cell and most
    often means coordinates of a resized copy of the image.

    Parameters
    ----------
    table : DataFrame
        ``NAME, x1, y1, x2, y2``, index 0..n-1; boxes of images of unknown size are not checked.
    sizes : DataFrame
        From :func:`~hdhkits.cytologia.images.image_sizes`.
    file, fix : str
        Named on the finding.
    """
    c = box_coordinates(table).to_numpy(float)
    known = sizes[sizes["status"] == "ok"]
    names = table["NAME"].astype(str)
    w = names.map(known["width"]).to_numpy(float)
    h = names.map(known["height"]).to_numpy(float)
    lo, hi = PLAUSIBLE_RANGES["box_position"]
    with np.errstate(invalid="ignore"):
        # NaN compares False
        bad = (c[:, 2] <= lo * w) | (c[:, 3] <= lo * h) | (c[:, 0] >= hi * w) | (c[:, 1] >= hi * h)
    if not bad.any():
        return []
    n = int(bad.sum())
    rows = _first(np.flatnonzero(bad))
    i = int(np.flatnonzero(bad)[0])
    return [
        warning(
            f"{n} of {len(table)} box(es) lie wholly outside their image, e.g. data row {rows[0]}: "
            f"({c[i, 0]:g}, {c[i, 1]:g}, {c[i, 2]:g}, {c[i, 3]:g}) in a {w[i]:g} x {h[i]:g} px image; "
            f"at data row(s) {_rows_text(rows, n)}",
            file=file,
            rows=rows,
            count=n,
            kind="box_outside_image",
            fix=fix,
        )
    ]


def empty_box_findings(table: pd.DataFrame, file: str, fix: str, severity: str = "warning") -> list[Finding]:
    """Findings for boxes with ``x2 <= x1`` or ``y2 <= y1`` (zero or negative width or height)."""
    c = box_coordinates(table)
    found = []
    make = warning if severity == "warning" else error
    least = PLAUSIBLE_RANGES["box_side"][0]
    for lo, hi in (("x1", "x2"), ("y1", "y2")):
        bad = (c[hi] <= c[lo] + least).to_numpy()  # NaN compares False
        if not bad.any():
            continue
        n = int(bad.sum())
        rows = _first(np.flatnonzero(bad))
        found.append(
            make(
                f"columns '{lo}', '{hi}': {n} box(es) with {hi} <= {lo} (zero or negative "
                f"{'width' if lo == 'x1' else 'height'}) at data row(s) {_rows_text(rows, n)}",
                file=file,
                column=hi,
                rows=rows,
                count=n,
                extreme=float((c[hi] - c[lo]).to_numpy()[bad].min()),
                kind="empty_box",
                fix=fix,
            )
        )
    return found


def _sizes_of(frame: pd.DataFrame) -> pd.DataFrame:
    """Image sizes from a table's own ``width, height`` columns, as :func:`box_findings` takes them."""
    if not {"width", "height"} <= set(frame.columns):
        return pd.DataFrame(columns=["width", "height", "status"], index=pd.Index([], name="NAME"))
    sizes = frame.drop_duplicates("NAME").set_index("NAME")[["width", "height"]]
    return sizes.assign(status=np.where(sizes.notna().all(axis=1), "ok", "missing"))


def plausibility_findings(frame: pd.DataFrame, file: str, sizes: pd.DataFrame | None = None) -> list[Finding]:
    """The plausibility warnings of a table of annotated boxes (``train.csv``).

    Parameters
    ----------
    frame : DataFrame
        ``NAME, x1, y1, x2, y2`` as read, index 0..n-1 (data row i + 1).
    file : str
        The file name put on the findings.
    sizes : DataFrame, optional
        The images' sizes (:func:`~hdhkits.cytologia.images.image_sizes`); by default
        the table's own ``width, height`` columns (none: only empty boxes are checked).

    Returns
    -------
    list of Finding
        Warnings only: boxes with ``x2 <= x1`` or ``y2 <= y1`` (``empty_box``), then boxes
        past their image's border, one per side (``box_past_border``); each says how
        :func:`plausible_values` handles them.
    """
    found = empty_box_findings(frame, file, TRAIN_EMPTY_FIX)
    return found + box_findings(frame, _sizes_of(frame) if sizes is None else sizes, file, TRAIN_BORDER_FIX)


def plausible_values(frame: pd.DataFrame, drop_empty: bool = True) -> pd.DataFrame:
    """A copy with every box clipped to its image and, by default, the empty boxes left out.

    This is how the kit trains on the boxes :func:`plausibility_findings` warns about
    (the reader applies it to ``train.csv``); a submission's boxes are scored as given.

    Parameters
    ----------
    frame : DataFrame
        ``x1, y1, x2, y2`` and the image's ``width, height``.
    drop_empty : bool
        Leave out the boxes with ``x2 <= x1`` or ``y2 <= y1`` once clipped (``False``:
        keep them, for a reader that counts them).

    Returns
    -------
    DataFrame
        The coordinates as floats, clipped to ``[0, width] x [0, height]``, a boolean
        column ``clipped`` (the box moved), the index kept.
    """
    out = frame.copy()
    coords = box_coordinates(out).to_numpy(float)
    w, h = out["width"].to_numpy(float), out["height"].to_numpy(float)
    lo, hi = PLAUSIBLE_RANGES["box_position"]
    clipped = np.column_stack(
        [
            np.clip(coords[:, 0], lo * w, hi * w),
            np.clip(coords[:, 1], lo * h, hi * h),
            np.clip(coords[:, 2], lo * w, hi * w),
            np.clip(coords[:, 3], lo * h, hi * h),
        ]
    )
    with np.errstate(invalid="ignore"):
        out["clipped"] = (np.abs(clipped - coords) > 0).any(axis=1)  # NaN compares False
    out[BOX] = clipped
    if drop_empty:
        least = PLAUSIBLE_RANGES["box_side"][0]
        empty = (out["x2"] <= out["x1"] + least) | (out["y2"] <= out["y1"] + least)
        out = out[~empty.to_numpy()]
    return out
