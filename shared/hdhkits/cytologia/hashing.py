"""Perceptual hashing of images with numpy: find duplicated pictures.

The real train set holds about 150 duplicated images, sometimes re-saved, so their
bytes differ. A DCT hash (64 bits: the signs of the lowest 8 x 8 frequencies of a
32 x 32 grey thumbnail against their median) is the same, or a few bits apart, for two
copies of one picture, and about 32 bits apart for different pictures.

Duplicates must stay in one cross-validation fold, else the validation score leaks;
:func:`duplicate_groups` gives the group label to split on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image
from scipy.fft import dctn

from .images import open_image

__all__ = ["duplicate_groups", "find_duplicates", "hamming", "image_phash", "phash"]


def phash(image: Image.Image | np.ndarray) -> int:
    """64-bit DCT perceptual hash of an image.

    Parameters
    ----------
    image : PIL image or ndarray (H, W[, 3])
        Any size; colour is converted to grey.

    Returns
    -------
    int
        The hash, as an unsigned 64-bit integer.
    """
    if isinstance(image, np.ndarray):
        image = Image.fromarray(np.asarray(image, np.uint8))
    grey = np.asarray(image.convert("L").resize((32, 32), Image.Resampling.BILINEAR), np.float32)
    low = dctn(grey, norm="ortho")[:8, :8].ravel()
    # the DC term only measures brightness: leave it out of the median
    bits = low > np.median(low[1:])
    return int(np.packbits(bits).view(">u8")[0])


def image_phash(path: str | Path) -> int:
    """Hash of an image file; JPEGs are decoded at reduced scale (fast).

    Raises
    ------
    OSError
        The file is missing or cannot be decoded.
    """
    with open_image(path) as im:
        im.draft("RGB", (64, 64))  # JPEG decodes at 1/2 .. 1/8 scale: much faster
        return phash(im)


def hamming(a: np.ndarray | int, b: np.ndarray | int) -> np.ndarray:
    """Number of differing bits between 64-bit hashes (element-wise)."""
    x = np.bitwise_xor(np.asarray(a, np.uint64), np.asarray(b, np.uint64))
    return np.bitwise_count(x).astype(np.int64)


def find_duplicates(names: Iterable[str], hashes: Iterable[int], max_distance: int = 3) -> pd.DataFrame:
    """Pairs of images whose hashes differ by at most ``max_distance`` bits.

    Uses the pigeonhole trick: two hashes within 3 bits share at least one of their four
    16-bit quarters exactly, so only images sharing a quarter are compared (no
    all-pairs comparison; fast for 70,000 images).

    Returns
    -------
    DataFrame
        Columns ``name_a, name_b, distance``, one row per pair (``name_a < name_b``).
    """
    names = np.asarray(list(names), dtype=object)
    h = np.asarray(list(hashes), dtype=np.uint64)
    pairs = set()
    for q in range(4):
        quarter = (h >> np.uint64(16 * q)) & np.uint64(0xFFFF)
        order = np.argsort(quarter, kind="stable")
        sorted_q = quarter[order]
        bounds = np.flatnonzero(np.diff(sorted_q)) + 1
        for block in np.split(order, bounds):
            if len(block) < 2:
                continue
            for i in range(len(block)):
                a = block[i]
                rest = block[i + 1 :]
                close = rest[hamming(h[a], h[rest]) <= max_distance]
                for b in close:
                    pairs.add((min(a, b), max(a, b)))
    rows = []
    for a, b in sorted(pairs):
        na, nb = sorted((names[a], names[b]))
        rows.append((na, nb, int(hamming(h[a], h[b]))))
    return pd.DataFrame(rows, columns=["name_a", "name_b", "distance"])


def duplicate_groups(names: Iterable[str], hashes: Iterable[int], max_distance: int = 3) -> pd.Series:
    """A group label per image: duplicates (within ``max_distance`` bits) share one.

    Returns
    -------
    Series
        Indexed by image name; integer labels, usable as ``groups=`` of a grouped
        cross-validation splitter.
    """
    names = list(names)
    hashes = list(hashes)
    parent = {n: n for n in names}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in find_duplicates(names, hashes, max_distance)[["name_a", "name_b"]].itertuples(index=False):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = pd.Series([root(n) for n in names], index=pd.Index(names, name="NAME"))
    return pd.Series(pd.factorize(roots)[0], index=roots.index, name="group")
