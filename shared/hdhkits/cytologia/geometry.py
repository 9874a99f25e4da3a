"""Boxes against their images: sizes read from the image headers, and what is odd about them.

The official files hold boxes that run past the image border (x1 or y1 below 0 on about
0.4 % of the train boxes, down to -85; about 1,000 boxes partly outside in all) and
images much larger than the usual ~370 x 368 px (up to about 800 px). Both are
plausibility findings: :func:`box_findings` and :func:`image_size_findings` return them
as warnings that say how the kit handles them, for ``check`` (train.csv) and for
``validate`` (a submission's boxes). :func:`image_sizes` reads only the image headers
(no decoding), so a check of the 69,168 official images takes seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..findings import Finding, clip, error, short_list, warning

__all__ = [
    "BOX",
    "LARGE_IMAGE_FIX",
    "SUBMISSION_OUTSIDE_FIX",
    "TRAIN_BORDER_FIX",
    "TRAIN_EMPTY_FIX",
    "USUAL_SIDES",
    "box_findings",
    "empty_box_findings",
    "image_findings",
    "image_size_findings",
    "image_sizes",
    "outside_box_findings",
]

#: Image sides (px) the kit calls usual: the official images are about 370 x 368.
USUAL_SIDES: tuple[int, int] = (300, 420)
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


def image_sizes(folder: str | Path, names: Iterable[str]) -> pd.DataFrame:
    """Width and height of images from their headers (no decoding), and what is wrong with each.

    Parameters
    ----------
    folder : path
        The images folder.
    names : iterable of str
        Image file names (duplicates are read once). A name leaving the folder is refused
        and never opened (:func:`hdhkits.cytologia.images.name_problem`).

    Returns
    -------
    DataFrame
        Indexed by ``NAME``: ``width``, ``height`` (0 when unknown), ``status`` (``"ok"``,
        ``"missing"`` or what is wrong), ``kind`` and ``detail``
        (:func:`hdhkits.cytologia.images.probe_image`).
    """
    from .images import header_table

    table = header_table(folder, names)
    table["status"] = table["detail"].where(~table["kind"].isin(["ok", "missing"]), table["kind"])
    return table[["width", "height", "status", "kind", "detail"]]


def image_findings(sizes: pd.DataFrame, images_dir: str = "images") -> list[Finding]:
    """Errors for images named in the CSV files but absent or unusable, then the size warning."""
    from .images import header_findings

    found = []
    folder = f"{images_dir.rstrip('/')}/"
    missing = sizes.index[sizes["status"] == "missing"]
    if len(missing):
        found.append(
            error(
                f"{len(missing)} image(s) named in train.csv or test.csv are not in the images folder, "
                f"e.g. {short_list(missing[:3], quote=False)}",
                file=folder,
                count=len(missing),
                kind="missing_file",
                fix="copy every image of the release into the images folder",
            )
        )
    return found + header_findings(sizes, images_dir) + image_size_findings(sizes, images_dir)


def image_size_findings(sizes: pd.DataFrame, images_dir: str = "images") -> list[Finding]:
    """A warning for the images with a side outside :data:`USUAL_SIDES`.

    Parameters
    ----------
    sizes : DataFrame
        From :func:`image_sizes`.
    images_dir : str
        The images folder, named on the finding.
    """
    ok = sizes[sizes["status"] == "ok"]
    lo, hi = USUAL_SIDES
    odd = ok[(ok[["width", "height"]] < lo).any(axis=1) | (ok[["width", "height"]] > hi).any(axis=1)]
    if odd.empty:
        return []
    largest = odd.loc[(odd["width"] * odd["height"]).idxmax()]
    common = odd.groupby(["width", "height"]).size().sort_values(ascending=False).head(3)
    shown = ", ".join(f"{w} x {h} ({n})" for (w, h), n in common.items())
    return [
        warning(
            f"{len(odd)} of {len(ok)} image(s) are not about 370 x 368 px (a side outside {lo}-{hi} px); "
            f"largest {int(largest['width'])} x {int(largest['height'])} ({clip(largest.name, 40)}); most common: {shown}",
            file=f"{images_dir.rstrip('/')}/",
            count=len(odd),
            extreme=float(max(largest["width"], largest["height"])),
            kind="unusual_image_size",
            fix=LARGE_IMAGE_FIX,
        )
    ]


def _coords(table: pd.DataFrame) -> pd.DataFrame:
    return table[BOX].apply(pd.to_numeric, errors="coerce")


def box_findings(table: pd.DataFrame, sizes: pd.DataFrame, file: str, fix: str) -> list[Finding]:
    """Warnings for boxes past their image border, one per side (column).

    Parameters
    ----------
    table : DataFrame
        ``NAME, x1, y1, x2, y2`` (train.csv or a submission), index 0..n-1.
    sizes : DataFrame
        From :func:`image_sizes`; boxes of images of unknown size are not checked.
    file : str
        The file named on the findings.
    fix : str
        What the kit does with such boxes.
    """
    c = _coords(table)
    known = sizes[sizes["status"] == "ok"]
    names = table["NAME"].astype(str)
    w = names.map(known["width"]).to_numpy(float)
    h = names.map(known["height"]).to_numpy(float)
    found = []
    sides = [
        ("x1", c["x1"].to_numpy(float) < 0, -c["x1"].to_numpy(float), "start left of the image (x1 < 0"),
        ("y1", c["y1"].to_numpy(float) < 0, -c["y1"].to_numpy(float), "start above the image (y1 < 0"),
        ("x2", c["x2"].to_numpy(float) > w, c["x2"].to_numpy(float) - w, "end past the right edge (x2 > width"),
        ("y2", c["y2"].to_numpy(float) > h, c["y2"].to_numpy(float) - h, "end past the bottom edge (y2 > height"),
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
        From :func:`image_sizes`.
    file, fix : str
        Named on the finding.
    """
    c = _coords(table).to_numpy(float)
    known = sizes[sizes["status"] == "ok"]
    names = table["NAME"].astype(str)
    w = names.map(known["width"]).to_numpy(float)
    h = names.map(known["height"]).to_numpy(float)
    with np.errstate(invalid="ignore"):
        bad = (c[:, 2] <= 0) | (c[:, 3] <= 0) | (c[:, 0] >= w) | (c[:, 1] >= h)  # NaN compares False
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
    c = _coords(table)
    found = []
    make = warning if severity == "warning" else error
    for lo, hi in (("x1", "x2"), ("y1", "y2")):
        bad = (c[hi] <= c[lo]).to_numpy()  # NaN compares False
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
