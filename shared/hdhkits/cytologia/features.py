"""Cell crops and hand-made colour and shape features (the classical baseline's input).

:func:`extract_crops` cuts a square crop around every box (side = the box's longer side
plus a margin), resized to a fixed size; the box's own size is kept aside
(:func:`box_size_features`), since resizing hides it and size separates e.g. a
lymphocyte from a blast. :func:`crop_features` describes a crop with about 60 numbers:
stain densities, nucleus size, shape, lobes and texture, cytoplasm colour, granules.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from PIL import Image
from scipy import ndimage

from ..notebook import tqdm
from .images import open_image
from .reader import CytologiaData

__all__ = ["FEATURE_NAMES", "box_size_features", "crop_features", "extract_crops", "stain_colours"]

_BOX = ["x1", "y1", "x2", "y2"]


def extract_crops(
    data: CytologiaData, table: pd.DataFrame, size: int = 72, margin: float = 1.15, progress: bool = False
) -> np.ndarray:
    """Square RGB crops around the boxes of a table.

    Parameters
    ----------
    data : CytologiaData
        Where the images are.
    table : DataFrame
        ``NAME, x1, y1, x2, y2`` (one crop per row).
    size : int
        Output side in pixels.
    margin : float
        Crop side = ``margin`` x the box's longer side (context around the cell).
    progress : bool
        tqdm progress bar.

    Returns
    -------
    ndarray (n, size, size, 3) uint8
        Unreadable images give a flat grey crop.
    """
    out = np.full((len(table), size, size, 3), 200, np.uint8)
    groups = table.reset_index(drop=True).groupby("NAME", sort=False).indices
    boxes = table[_BOX].to_numpy(float)
    iterator = groups.items()
    if progress:
        iterator = tqdm(iterator, total=len(groups), desc="cropping cells")
    for name, idx in iterator:
        try:
            with open_image(data.image_path(str(name))) as im:
                im = im.convert("RGB")
                for i in idx:
                    x1, y1, x2, y2 = boxes[i]
                    side = max(x2 - x1, y2 - y1, 8) * margin
                    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
                    # PIL pads outside the image with black; fill with the median colour instead
                    crop = im.crop((int(cx - side / 2), int(cy - side / 2), int(cx + side / 2), int(cy + side / 2)))
                    arr = np.asarray(crop.resize((size, size), Image.Resampling.BILINEAR))
                    out[i] = arr
                    box_out = _outside_mask(im.size, cx, cy, side, size)
                    if box_out is not None:
                        out[i][box_out] = np.median(np.asarray(im)[::8, ::8].reshape(-1, 3), axis=0).astype(np.uint8)
        except (OSError, ValueError):
            continue
    return out


def _outside_mask(img_size: tuple[int, int], cx: float, cy: float, side: float, size: int) -> np.ndarray | None:
    """Pixels of a resized crop that fall outside the image (None when none do)."""
    w, h = img_size
    x0, y0 = int(cx - side / 2), int(cy - side / 2)
    x1, y1 = int(cx + side / 2), int(cy + side / 2)
    if x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h:
        return None
    xs = x0 + (np.arange(size) + 0.5) * (x1 - x0) / size
    ys = y0 + (np.arange(size) + 0.5) * (y1 - y0) / size
    return ((ys < 0) | (ys >= h))[:, None] | ((xs < 0) | (xs >= w))[None, :]


def box_size_features(table: pd.DataFrame) -> np.ndarray:
    """``log(width), log(height), log(aspect)`` of every box (n, 3), float32."""
    w = np.clip(table["x2"].to_numpy(float) - table["x1"].to_numpy(float), 4, None)
    h = np.clip(table["y2"].to_numpy(float) - table["y1"].to_numpy(float), 4, None)
    return np.column_stack([np.log(w / 145), np.log(h / 145), np.log(w / h)]).astype(np.float32)


def _od(crops: np.ndarray) -> np.ndarray:
    """Optical density per channel against each crop's own bright background."""
    x = crops.astype(np.float32) + 1
    bg = np.percentile(x.reshape(len(x), -1, 3), 97, axis=1)[:, None, None, :]
    return np.maximum(np.log(bg / x), 0)


_RINGS = 4
FEATURE_NAMES: list[str] = (
    ["log_w", "log_h", "log_aspect"]
    + [f"od_{c}_{q}" for c in "rgb" for q in ("mean", "p50", "p90", "p99")]
    + [
        "nuc_area",
        "nuc_parts",
        "nuc_solidity",
        "nuc_ecc",
        "nuc_od_r",
        "nuc_od_g",
        "nuc_od_b",
        "nuc_tex",
        "nuc_tex_fine",
        "nuc_offset",
        "nuc_pale_spots",
    ]
    + [
        "cyt_area",
        "cyt_od_r",
        "cyt_od_g",
        "cyt_od_b",
        "cyt_ratio_rg",
        "cyt_ratio_bg",
        "cyt_tex",
        "gran_orange",
        "gran_dark",
        "gran_purple",
        "cyt_pale_spots",
        "edge_rough",
    ]
    + [f"ring{i}_od_{c}" for i in range(_RINGS) for c in "rg"]
)


def crop_features(crops: np.ndarray, boxes: pd.DataFrame, progress: bool = False) -> pd.DataFrame:
    """Hand-made colour, shape and texture features of cell crops.

    Parameters
    ----------
    crops : ndarray (n, S, S, 3) uint8
        From :func:`extract_crops`.
    boxes : DataFrame
        The crops' boxes (for their size).

    Returns
    -------
    DataFrame (n, len(FEATURE_NAMES))
    """
    n, s = len(crops), crops.shape[1]
    od = _od(crops)
    feats = np.zeros((n, len(FEATURE_NAMES)), np.float32)
    feats[:, :3] = box_size_features(boxes)
    flat = od.reshape(n, -1, 3)
    col = 3
    for c in range(3):
        feats[:, col] = flat[:, :, c].mean(1)
        feats[:, col + 1 : col + 4] = np.percentile(flat[:, :, c], [50, 90, 99], axis=1).T
        col += 4
    yy, xx = np.mgrid[:s, :s].astype(np.float32) - (s - 1) / 2
    rr = np.hypot(yy, xx) / (s / 2 / 1.15)  # 1.0 at the box's half side
    centre = rr < 1.0
    iterator = range(n)
    if progress:
        iterator = tqdm(iterator, desc="features")
    for i in iterator:
        feats[i, col:] = _shape_features(od[i], centre, rr, s)
    return pd.DataFrame(feats, columns=FEATURE_NAMES)


def _shape_features(od: np.ndarray, centre: np.ndarray, rr: np.ndarray, s: int) -> list[float]:
    """Nucleus, cytoplasm, edge and ring features of one crop's optical density (S, S, 3)."""
    r, g, b = od[..., 0], od[..., 1], od[..., 2]
    ratio = r / (g + 1e-3)
    nuc = (r > 0.4) & (ratio > 0.45) & (ratio < 1.3) & centre
    nuc = ndimage.binary_opening(nuc)
    cell = centre & ((r + g + b) > 0.25)
    cyt = cell & ~ndimage.binary_dilation(nuc)
    f = _nucleus_features(r, g, b, nuc, centre, s) + _cytoplasm_features(r, g, b, cyt, centre)
    edge = cell ^ ndimage.binary_erosion(cell)
    f.append(float(edge.sum() / max(1.0, np.sqrt(cell.sum()))))
    for k in range(_RINGS):
        ring = (rr >= k / _RINGS * 1.1) & (rr < (k + 1) / _RINGS * 1.1)
        f += [r[ring].mean(), g[ring].mean()]
    return f


def _nucleus_features(
    r: np.ndarray, g: np.ndarray, b: np.ndarray, nuc: np.ndarray, centre: np.ndarray, s: int
) -> list[float]:
    """Area, lobes, fill, eccentricity, colour, texture, offset and pale share of the nucleus (zeros if none)."""
    area = nuc.sum()
    lab, parts = ndimage.label(nuc)
    if parts:
        sizes = ndimage.sum(nuc, lab, range(1, parts + 1))
        parts = int((sizes > 0.08 * area).sum())
    if area <= 5:
        return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    ys, xs = np.nonzero(nuc)
    cov = np.cov(np.vstack([xs, ys]))
    ev = np.sort(np.linalg.eigvalsh(cov))
    ecc = float(np.sqrt(1 - ev[0] / max(ev[1], 1e-6)))
    hull_fill = area / max(1, (np.ptp(xs) + 1) * (np.ptp(ys) + 1))
    off = float(np.hypot(xs.mean() - (s - 1) / 2, ys.mean() - (s - 1) / 2) / s)
    tex = float(r[nuc].std())
    lap = ndimage.laplace(r)
    tex_fine = float(np.abs(lap[nuc]).mean())
    pale = float(((r < np.percentile(r[nuc], 20)) & nuc).sum() / area)
    return [
        area / centre.sum(),
        parts,
        hull_fill,
        ecc,
        r[nuc].mean(),
        g[nuc].mean(),
        b[nuc].mean(),
        tex,
        tex_fine,
        off,
        pale,
    ]


def _cytoplasm_features(
    r: np.ndarray, g: np.ndarray, b: np.ndarray, cyt: np.ndarray, centre: np.ndarray
) -> list[float]:
    """Area, colour, colour ratios, texture and granule shares of the cytoplasm (zeros if none)."""
    carea = cyt.sum()
    if carea <= 5:
        return [0] * 11
    cr, cg, cb = r[cyt].mean(), g[cyt].mean(), b[cyt].mean()
    lap = ndimage.laplace(g)
    return [
        carea / centre.sum(),
        cr,
        cg,
        cb,
        cr / (cg + 1e-3),
        cb / (cg + 1e-3),
        float(np.abs(lap[cyt]).mean()),
        float(((b > 1.2 * g) & (b > 0.35) & cyt).sum() / carea),
        float(((r > 0.9) & cyt).sum() / carea),
        float(((g > 0.6) & (r > 0.3) & (b < 0.8 * g) & cyt).sum() / carea),
        float(((r < 0.5 * cr) & cyt).sum() / carea),
    ]


def stain_colours(data: CytologiaData, names: Iterable[str], progress: bool = False) -> pd.DataFrame:
    """Background and nucleus colour of whole images: a summary of each image's stain.

    The background is the mean colour of the brightest 10 % of pixels, the nucleus that of
    the darkest 2 %; images are decoded at reduced scale.

    Returns
    -------
    DataFrame
        Indexed by image name: ``bg_r, bg_g, bg_b, nuc_r, nuc_g, nuc_b`` (0-255).
    """
    names = list(names)
    iterator = names
    if progress:
        iterator = tqdm(names, desc="stain colours")
    rows = []
    for name in iterator:
        try:
            with open_image(data.image_path(name)) as im:
                im.draft("RGB", (96, 96))
                px = np.asarray(im.convert("RGB")).reshape(-1, 3).astype(float)
        except (OSError, ValueError):
            rows.append([np.nan] * 6)
            continue
        grey = px.mean(1)
        rows.append(np.r_[px[grey >= np.percentile(grey, 90)].mean(0), px[grey <= np.percentile(grey, 2)].mean(0)])
    return pd.DataFrame(
        rows, columns=["bg_r", "bg_g", "bg_b", "nuc_r", "nuc_g", "nuc_b"], index=pd.Index(names, name="NAME")
    )
