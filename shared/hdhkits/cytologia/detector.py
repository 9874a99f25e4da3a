"""A leukocyte detector that needs no pretrained weights: stain-based nucleus segmentation.

On a May-Grünwald-Giemsa smear the leukocyte nucleus (and blue cytoplasm) absorbs red
light strongly, red cells and background hardly: the red-channel optical density
``OD_R = -log(R / background)`` separates them. The detector

1. thresholds ``OD_R`` at a working resolution to find nuclei (seeds), merges lobes
   close to each other (closing) and labels connected components (``scipy.ndimage``).
   The working resolution is half of a usual ~370 px image and scales with the image
   (a quarter of an 800 px one), so cells of large images, larger too, look the same;
2. grows each seed into the surrounding cell (pixels with some stain within a margin);
3. turns the grown box into a cell box with a linear calibration fitted on the train
   boxes (:meth:`StainDetector.fit`). A cell cut by the image border keeps its visible
   far edge and is extended past the border to its full size (estimated from the side
   that is not cut), as annotators draw such boxes;
4. ranks the candidates (size, distance to the centre, cut by the border) and returns
   exactly as many boxes as ``test.csv`` asks for each image, falling back to a central
   box of the median train size (scaled up for large images) when it finds too few.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import ndimage

from ..notebook import tqdm
from .plausibility import PLAUSIBLE_RANGES
from .reader import CytologiaData

__all__ = ["Candidate", "StainDetector", "find_candidates", "red_density", "working_step"]


@dataclass(frozen=True)
class Candidate:
    """One detected cell: its grown box (full-resolution pixels) and ranking score."""

    x1: float
    y1: float
    x2: float
    y2: float
    area: float
    score: float
    cut: str = ""  # the image borders the cell touches: "l", "t", "r", "b" (left, top, right, bottom)


def working_step(height: int, width: int) -> int:
    """Pixel stride of the detector's working resolution: 2 for a usual ~370 px image, 4 at ~800 px."""
    return max(2, int(round(2 * min(height, width) / 370)))


def red_density(rgb: np.ndarray, channel: int = 0) -> np.ndarray:
    """Optical density of one channel (default red) against the image's own background."""
    c = rgb[..., channel].astype(np.float32) + 1.0
    background = np.percentile(c, 97)  # the brightest pixels are the empty background
    return np.maximum(np.log(background / c), 0)


def find_candidates(
    rgb: np.ndarray, seed_threshold: float = 0.4, cell_threshold: float = 0.12, min_area: float = 120.0
) -> list[Candidate]:
    """Candidate cells of one image, best first (uncalibrated grown boxes).

    Parameters
    ----------
    rgb : ndarray (H, W, 3) uint8
    seed_threshold : float
        ``OD_R`` above which a pixel is nucleus (or dense cytoplasm).
    cell_threshold : float
        ``OD_R`` above which a pixel may belong to a leukocyte's cell body.
    min_area : float
        Smallest seed area kept, in full-resolution pixels.
    """
    h, w = rgb.shape[:2]
    step = working_step(h, w)
    small = rgb[::step, ::step]  # half resolution for a usual image: 4x faster, plenty for boxes of ~150 px
    od = ndimage.uniform_filter(red_density(small, 0), 3)
    od_g = ndimage.uniform_filter(red_density(small, 1), 3)
    # nucleus absorbs red about 0.7x as much as green; red cells ~0.3x (they are red),
    # blue cytoplasm more than 1.3x: the ratio keeps overlapping red cells out
    ratio = od / (od_g + 1e-3)
    seeds = (od > seed_threshold) & (ratio > 0.45) & (ratio < 1.3)
    seeds = ndimage.binary_closing(seeds, structure=np.ones((5, 5)), iterations=2)  # merge nucleus lobes
    seeds = ndimage.binary_opening(seeds, structure=np.ones((3, 3)))
    labels, n = ndimage.label(seeds)
    if n == 0:
        return []
    cell = (od > cell_threshold) & (ratio > 0.5)  # purple or blue, not red cells
    out = []
    sizes = ndimage.sum(seeds, labels, index=np.arange(1, n + 1))
    slices = ndimage.find_objects(labels)
    cy0, cx0 = (h / 2) / step, (w / 2) / step
    for i, (sl, area) in enumerate(zip(slices, sizes), start=1):
        if area * step * step < min_area:
            continue
        # grow: cell pixels within a margin around the seed (cytoplasm rim)
        margin = int(np.clip(0.35 * max(sl[0].stop - sl[0].start, sl[1].stop - sl[1].start), 4, 25))
        y0, y1 = max(0, sl[0].start - margin), min(od.shape[0], sl[0].stop + margin)
        x0, x1 = max(0, sl[1].start - margin), min(od.shape[1], sl[1].stop + margin)
        seed = labels[y0:y1, x0:x1] == i
        near = ndimage.binary_dilation(seed, iterations=margin)
        grown = (cell[y0:y1, x0:x1] & near) | seed
        ys, xs = np.nonzero(grown)
        bx1, by1 = (x0 + xs.min()) * step, (y0 + ys.min()) * step
        bx2, by2 = min(w, (x0 + xs.max() + 1) * step), min(h, (y0 + ys.max() + 1) * step)
        cx, cy = (bx1 + bx2) / 2 / step, (by1 + by2) / 2 / step
        dist = np.hypot(cx - cx0, cy - cy0) / np.hypot(cx0, cy0)
        cut = "".join(
            side for side, hit in zip("ltrb", (bx1 <= step, by1 <= step, bx2 >= w - step, by2 >= h - step)) if hit
        )
        full_area = area * step * step
        score = full_area * (1 - 0.6 * dist) * (0.35 if cut else 1.0)
        out.append(Candidate(float(bx1), float(by1), float(bx2), float(by2), float(full_area), float(score), cut))
    out.sort(key=lambda c: -c.score)
    return out


@dataclass
class StainDetector:
    """Stain-based detector with a linear box calibration.

    Attributes
    ----------
    scale : tuple
        ``(a_w, b_w, a_h, b_h)``: cell width = ``a_w + b_w * grown width`` (same for height).
    default_size : tuple
        Median train box ``(width, height)``, for the fallback central box.
    """

    seed_threshold: float = 0.4
    cell_threshold: float = 0.12
    scale: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)
    default_size: tuple[float, float] = (145.0, 145.0)
    fitted: bool = field(default=False)

    def candidates(self, rgb: np.ndarray) -> list[Candidate]:
        """Uncalibrated candidates of one image, best first."""
        return find_candidates(rgb, self.seed_threshold, self.cell_threshold)

    def _calibrate(self, c: Candidate) -> np.ndarray:
        """The cell box of a candidate; a cell cut by the border is extended past it."""
        a_w, b_w, a_h, b_h = self.scale
        cx, cy = (c.x1 + c.x2) / 2, (c.y1 + c.y2) / 2
        bw = max(8.0, a_w + b_w * (c.x2 - c.x1))
        bh = max(8.0, a_h + b_h * (c.y2 - c.y1))
        box = np.array([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2])
        # a cut cell: the visible extent along the cut axis is short; cells are roughly
        # round, so its full size is the other axis's. Keep the far edge, extend past the border.
        if ("l" in c.cut) != ("r" in c.cut) and not ({"t", "b"} & set(c.cut)) and bh > bw:
            box[0:3:2] = (box[2] - bh, box[2]) if "l" in c.cut else (box[0], box[0] + bh)
        elif ("t" in c.cut) != ("b" in c.cut) and not ({"l", "r"} & set(c.cut)) and bw > bh:
            box[1:4:2] = (box[3] - bw, box[3]) if "t" in c.cut else (box[1], box[1] + bw)
        return box

    def detect(self, rgb: np.ndarray | None, k: int, size: tuple[int, int] | None = None) -> np.ndarray:
        """Exactly ``k`` boxes ``(x1, y1, x2, y2)`` for one image.

        Parameters
        ----------
        rgb : ndarray or None
            The image; ``None`` (unreadable image) gives central boxes.
        k : int
            Number of boxes asked (rows of ``test.csv`` for this image).
        size : (height, width), optional
            Image size when ``rgb`` is None (default 368 x 370).
        """
        h, w = rgb.shape[:2] if rgb is not None else (size or (368, 370))
        boxes = [self._calibrate(c) for c in self.candidates(rgb)[:k]] if rgb is not None else []
        dw, dh = self.default_size
        if (
            min(h, w) > PLAUSIBLE_RANGES["image_side"][1]
        ):  # a large image holds larger cells (a camera with more pixels)
            dw, dh = dw * min(h, w) / 369, dh * min(h, w) / 369
        while len(boxes) < k:  # fallback: a central box of the median train size
            boxes.append(np.array([w / 2 - dw / 2, h / 2 - dh / 2, w / 2 + dw / 2, h / 2 + dh / 2]))
        out = np.round(np.array(boxes, float).reshape(k, 4))
        # keep x2 > x1 and y2 > y1 after rounding
        out[:, 2] = np.maximum(out[:, 2], out[:, 0] + 1)
        out[:, 3] = np.maximum(out[:, 3], out[:, 1] + 1)
        return out

    def fit(
        self, data: CytologiaData, names: list[str] | None = None, max_images: int = 400, seed: int = 0
    ) -> StainDetector:
        """Fit the box calibration on train images holding exactly one annotated cell.

        Each image's best candidate is paired with its box; width and height are then
        fitted by least squares (robust to a few misses: pairs whose centres are more
        than 40 px apart are ignored).
        """
        train = data.train
        counts = train.groupby("NAME").size()
        singles = counts.index[counts == 1]
        if names is not None:
            singles = singles.intersection(pd.Index(names))
        rng = np.random.default_rng(seed)
        pick = rng.permutation(np.asarray(singles))[:max_images]
        boxes = train.set_index("NAME").loc[pick, ["x1", "y1", "x2", "y2"]].to_numpy(float)
        self.default_size = (float(np.median(boxes[:, 2] - boxes[:, 0])), float(np.median(boxes[:, 3] - boxes[:, 1])))
        gw, gh, tw, th = [], [], [], []
        for name, box in zip(pick, boxes):
            cands = self.candidates(data.load_image(name))
            if not cands:
                continue
            c = cands[0]
            if np.hypot((c.x1 + c.x2 - box[0] - box[2]) / 2, (c.y1 + c.y2 - box[1] - box[3]) / 2) > 40:
                continue
            gw.append(c.x2 - c.x1)
            gh.append(c.y2 - c.y1)
            tw.append(box[2] - box[0])
            th.append(box[3] - box[1])
        if len(gw) >= 10:
            bw = np.polyfit(gw, tw, 1)
            bh = np.polyfit(gh, th, 1)
            self.scale = (float(bw[1]), float(bw[0]), float(bh[1]), float(bh[0]))
        self.fitted = True
        return self

    def predict(self, data: CytologiaData, table: pd.DataFrame, progress: bool = False) -> pd.DataFrame:
        """Boxes for every row of a table with ``NAME`` (one box per row, e.g. test.csv).

        Returns
        -------
        DataFrame
            ``table`` with columns ``x1, y1, x2, y2`` filled (rows of one image get the
            image's boxes in rank order).
        """
        out = table.copy()
        coords = np.zeros((len(table), 4))
        groups = table.groupby("NAME", sort=False).indices
        iterator = groups.items()
        if progress:
            iterator = tqdm(iterator, total=len(groups), desc="detecting cells")
        images = data.images.set_index("NAME")
        readable = images["readable"]
        # (height, width) from the header, for the images whose size is known
        sizes: dict[Hashable, tuple[int, int]] = {
            name: (height, width)
            for name, height, width in zip(images.index, images["height"].to_numpy(), images["width"].to_numpy())
            if width > 0
        }
        for name, idx in iterator:
            rgb = data.load_image(str(name)) if bool(readable.get(name, False)) else None
            coords[idx] = self.detect(rgb, len(idx), sizes.get(name))
        out[["x1", "y1", "x2", "y2"]] = coords.astype(int)
        return out

    def save(self, path: str | Path) -> Path:
        """Save the settings and calibration as JSON."""
        Path(path).write_text(json.dumps(asdict(self), indent=2) + "\n")
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> StainDetector:
        """Reload a detector saved by :meth:`save`."""
        d = json.loads(Path(path).read_text())
        d["scale"] = tuple(d["scale"])
        d["default_size"] = tuple(d["default_size"])
        return cls(**d)
