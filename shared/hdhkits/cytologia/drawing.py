"""Procedural drawing of May-Grünwald-Giemsa blood-smear images with numpy.

Everything is drawn in optical density (absorbance per RGB channel) and turned into
colour at the end with Beer-Lambert, ``pixel = background * exp(-OD)``: overlapping
red cells then darken where they overlap, as stained cells do. Each object is drawn on
a small patch around it (vectorised numpy on the patch) and added into the image.

The stain and optics of a simulated source laboratory (:class:`Lab`) change the
background, the stain colours and strengths, the magnification, the blur, the noise
and the JPEG quality.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter
from scipy import ndimage

from .classes import MORPHOLOGY

__all__ = ["CellPlan", "Lab", "draw_leukocyte", "make_labs", "render_image"]


@dataclass(frozen=True)
class Lab:
    """Stain and optics of one simulated source laboratory."""

    lab_id: int
    background: tuple[float, float, float]  # RGB in 0..1
    stain: tuple[float, float, float]  # per-channel OD gain (hue shift of the whole stain)
    strength: float  # overall stain intensity
    nucleus_tint: tuple[float, float, float]
    rbc_od: tuple[float, float, float]
    rbc_density: float  # fraction of the field covered by red cells
    magnification: float
    size: tuple[int, int]  # typical (height, width)
    blur: float
    noise: float
    jpeg_quality: int
    vignette: float
    hires: bool = False  # a high-resolution camera: larger images of larger cells


#: The high-resolution laboratories: image (height, width) and magnification. About 5 % of
#: the real boxes have a coordinate beyond 400 px (up to about 800) and box sides reach
#: 584 px: larger pictures of larger cells, as a camera with more pixels over the same field.
HIRES_FORMATS: tuple[tuple[tuple[int, int], float], ...] = (((760, 800), 2.2), ((600, 620), 1.6))


def make_labs(rng: np.random.Generator, n: int = 20) -> list[Lab]:
    """Draw ``n`` laboratories: most use ~370 x 368 images, a few other sizes.

    The last ``len(HIRES_FORMATS)`` are high-resolution laboratories (:data:`HIRES_FORMATS`);
    the planner sends a fixed share of the images to them. The others magnify between
    0.88 and 1.22 (box sides: median about 142 px with the high-resolution share, as in
    the real train set).
    """
    labs = []
    sizes = [(370, 368)] * 14 + [(363, 360), (360, 363), (400, 400), (352, 357), (384, 382), (340, 338)]
    n_normal = n - len(HIRES_FORMATS)
    for i in range(n):
        # cream-pink backgrounds: red brightest, then green, blue a little lower or equal
        r = rng.uniform(0.92, 0.98)
        g = r - rng.uniform(0.025, 0.075)
        b = g - rng.uniform(-0.015, 0.06)
        size = sizes[int(rng.integers(len(sizes)))]
        magnification = float(rng.uniform(0.88, 1.22))
        if i >= n_normal:
            size, magnification = HIRES_FORMATS[i - n_normal]
        labs.append(
            Lab(
                lab_id=i,
                background=(float(r), float(g), float(b)),
                stain=tuple(np.exp(rng.normal(0, 0.10, 3))),
                strength=float(np.exp(rng.normal(0, 0.12))),
                nucleus_tint=tuple(np.exp(rng.normal(0, 0.08, 3))),
                rbc_od=tuple(np.array([0.12, 0.40, 0.30]) * np.exp(rng.normal(0, [0.25, 0.12, 0.15]))),
                rbc_density=float(rng.uniform(0.30, 0.62)),
                magnification=magnification,
                size=size,
                blur=float(rng.uniform(0.6, 1.6)),  # box-blur radius (px)
                noise=float(rng.uniform(0.006, 0.018)),
                jpeg_quality=int(rng.integers(72, 96)),
                vignette=float(rng.uniform(0.0, 0.10)),
                hires=i >= n_normal,
            )
        )
    return labs


@dataclass
class CellPlan:
    """A leukocyte to draw: class, centre (x, y) in image pixels, and whether it is annotated."""

    cls: str
    cx: float
    cy: float
    annotated: bool = True
    radius: float = 0.0  # drawn radius, set by the planner


def _ramp(x: np.ndarray, edge: float) -> np.ndarray:
    """A soft step from 0 (x <= -edge) to 1 (x >= edge); cheaper than a sigmoid."""
    return np.clip(0.5 + x * (0.5 / edge), 0.0, 1.0)


@functools.lru_cache(maxsize=96)
def _smooth_bank(sigma_q: int, size: int = 384) -> np.ndarray:
    """A block of smooth unit noise at scale ``sigma_q / 10`` px, drawn once per process."""
    field = ndimage.gaussian_filter(
        np.random.default_rng(sigma_q).standard_normal((size, size), dtype=np.float32), sigma_q / 10, mode="wrap"
    )
    return field / field.std()


def _noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Smooth Gaussian noise with unit standard deviation.

    A random window (and orientation) of a cached noise block at the nearest scale:
    drawing and filtering fresh noise for every cell would dominate the drawing time.
    """
    h, w = shape
    if max(h, w) > 640:  # a very large cell: draw fresh noise
        field = ndimage.gaussian_filter(rng.standard_normal(shape, dtype=np.float32), sigma, mode="wrap")
        return field / max(float(field.std()), 1e-6)
    # cells of high-resolution images need a larger block (drawn only by processes that meet one)
    bank = _smooth_bank(int(np.clip(round(sigma * 5), 3, 40)) * 2, 384 if max(h, w) <= 384 else 640)
    oy, ox = int(rng.integers(bank.shape[0] - h + 1)), int(rng.integers(bank.shape[1] - w + 1))
    window = bank[oy : oy + h, ox : ox + w]
    return window.T if (h == w and rng.random() < 0.5) else window


def _segment_distance(px: np.ndarray, py: np.ndarray, ax: float, ay: float, bx: float, by: float) -> np.ndarray:
    """Distance from points to a segment a-b."""
    dx, dy = bx - ax, by - ay
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / max(dx * dx + dy * dy, 1e-6), 0, 1)
    return np.hypot(px - ax - t * dx, py - ay - t * dy)


def _nucleus_mask(shape: str, u: np.ndarray, v: np.ndarray, rn: float, p: dict, rng: np.random.Generator) -> np.ndarray:
    """Soft nucleus mask in nucleus-local coordinates ``u, v`` (px), radius ``rn``."""
    edge = 1.2
    if shape == "none":
        return np.zeros_like(u)
    if shape in ("round", "oval", "indented", "kidney", "cleaved", "cerebriform", "smudge"):
        aspect = {"oval": rng.uniform(0.70, 0.85), "kidney": rng.uniform(0.72, 0.85)}.get(shape, rng.uniform(0.88, 1.0))
        rho = np.hypot(u, v / aspect)
        theta = np.arctan2(v, u)
        wob = 0.04 if shape != "smudge" else 0.12
        r = rn * (1 + sum(rng.normal(0, wob / k) * np.cos(k * theta + rng.uniform(0, 6.3)) for k in (2, 3, 5)))
        if shape == "smudge":
            r = r * (1 + 0.06 * np.cos(7 * theta + rng.uniform(0, 6.3)))
        mask = _ramp(r - rho, edge if shape != "smudge" else 3.0)
        if shape in ("indented", "kidney"):
            depth = rng.uniform(0.15, 0.35) if shape == "indented" else rng.uniform(0.45, 0.7)
            cr = rn * (rng.uniform(0.45, 0.6) if shape == "indented" else rng.uniform(0.5, 0.7))
            cx = rn * aspect * 0 + rn + cr - depth * rn * 1.2
            mask = mask * (1 - _ramp(cr - np.hypot(u, v - cx), edge))
        elif shape == "cleaved":
            # a deep cleft from the edge towards the centre ("buttock" cell)
            ang = rng.uniform(0, 2 * np.pi)
            depth = rng.uniform(0.5, 1.0)
            ax, ay = rn * 1.1 * np.cos(ang), rn * 1.1 * np.sin(ang)
            bx, by = rn * (1.1 - depth) * np.cos(ang), rn * (1.1 - depth) * np.sin(ang)
            d = _segment_distance(u, v, ax, ay, bx, by)
            mask = mask * (1 - 0.9 * np.exp(-((d / rng.uniform(1.5, 2.5)) ** 2)))
        elif shape == "cerebriform":
            # convoluted grooves: zero crossings of a smooth noise field
            g = _noise(rng, u.shape, rng.uniform(3.0, 5.0))
            mask = mask * (1 - 0.75 * np.exp(-((g / 0.22) ** 2)))
        return mask
    if shape == "band":
        rb = rn * rng.uniform(0.70, 0.85)
        thick = rn * rng.uniform(0.45, 0.60)
        vv = v + rb * 0.35
        rho = np.hypot(u, vv)
        ang = np.arctan2(vv, u)
        span = rng.uniform(1.6, 2.4)  # half-angle of the C shape
        angular = _ramp(span - np.abs(np.angle(np.exp(1j * (ang - np.pi / 2)))), 0.15)
        return _ramp(thick / 2 - np.abs(rho - rb), edge) * angular
    if shape == "lobed":
        n = int(rng.integers(p["lobes"][0], p["lobes"][1] + 1))
        rl = rn * (0.50 if n <= 2 else 0.42) * rng.uniform(0.9, 1.1)
        arc = rn * 0.75
        start = rng.uniform(0, 2 * np.pi)
        spread = rng.uniform(1.8, 3.0) if n > 2 else rng.uniform(1.6, 2.4)
        angles = start + np.linspace(0, spread, n) + rng.normal(0, 0.12, n)
        centres = [
            (arc * np.cos(a) + rng.normal(0, rn * 0.05), arc * np.sin(a) + rng.normal(0, rn * 0.05)) for a in angles
        ]
        mask = np.zeros_like(u)
        for cx, cy in centres:
            r = rl * rng.uniform(0.85, 1.1)
            asp = rng.uniform(0.75, 1.0)
            rot = rng.uniform(0, np.pi)
            uu = (u - cx) * np.cos(rot) + (v - cy) * np.sin(rot)
            vv = -(u - cx) * np.sin(rot) + (v - cy) * np.cos(rot)
            mask = np.maximum(mask, _ramp(r - np.hypot(uu, vv / asp), edge))
        for (ax, ay), (bx, by) in itertools.pairwise(centres):  # thin chromatin filaments
            mask = np.maximum(mask, _ramp(rng.uniform(1.0, 2.5) - _segment_distance(u, v, ax, ay, bx, by), edge))
        return mask
    raise ValueError(f"unknown nucleus shape {shape!r}")


def _granules(
    rng: np.random.Generator,
    cyto: np.ndarray,
    nuc: np.ndarray,
    colour: npt.ArrayLike,
    size: float,
    density: float,
    over_nucleus: bool,
    amount: float = 1.0,
) -> np.ndarray:
    """Granules splatted at random points of the cytoplasm (or the whole cell), then blurred."""
    where = cyto + (nuc if over_nucleus else 0)
    area = float(where.sum())
    n = rng.poisson(density * area / 100.0)
    out = np.zeros(cyto.shape + (3,), np.float32)
    if n == 0:
        return out
    idx = np.flatnonzero(where.ravel() > 0.5)
    if idx.size == 0:
        return out
    pts = rng.choice(idx, size=n)
    splat = np.zeros(cyto.size, np.float32)
    np.add.at(splat, pts, rng.uniform(0.6, 1.4, n).astype(np.float32))
    splat = ndimage.gaussian_filter(splat.reshape(cyto.shape), size)
    # normalise so that one granule peaks near 1 whatever its size
    splat *= 2 * np.pi * size * size * 0.9 * amount
    np.minimum(splat, 1.6, out=splat)
    return splat[..., None] * np.asarray(colour, np.float32)


def draw_leukocyte(
    cls: str, rng: np.random.Generator, lab: Lab
) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
    """Draw one leukocyte of class ``cls`` on its own patch.

    Returns
    -------
    od : ndarray (S, S, 3)
        Optical density of the cell.
    mask : ndarray (S, S)
        Soft cell mask (1 inside), used to push red cells under it.
    box : tuple
        ``(x1, y1, x2, y2)`` of the cell in patch pixels (the annotator's box).
    """
    p = MORPHOLOGY[cls]
    mag = lab.magnification
    # the draws happen in this order, step after step: the twin's images depend on it
    R, half, xx, yy, rho, cell = _cell_outline(p, rng, mag)
    shape, nuc = _nucleus(p, rng, R, xx, yy, cell)
    cyto = np.clip(cell - nuc, 0, 1)
    stain = np.asarray(lab.stain, np.float32) * lab.strength
    od = _cytoplasm_od(p, rng, mag, R, half, xx, yy, rho, cell, cyto, stain)
    od = _nucleus_od(p, rng, lab, mag, half, xx, yy, cell, shape, nuc, od, stain)
    od = _inclusions(p, rng, mag, R, xx, yy, cell, cyto, nuc, od, stain)
    ys, xs = np.nonzero(cell > 0.5)
    box = (
        (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
        if xs.size
        else (half, half, half + 1, half + 1)
    )
    return od.astype(np.float32), cell, box


def _cell_outline(p: dict, rng: np.random.Generator, mag: float) -> tuple:
    """Radius, patch half-side, pixel grid, radial distance and soft mask of the cell outline."""
    R = max(12.0, rng.normal(*p["radius"]) * mag)
    half = int(np.ceil(R * (1.18 + p["villi"] * 1.4 + 2.5 * p["wobble"]))) + 4
    yy, xx = np.mgrid[-half : half + 1, -half : half + 1].astype(np.float32)
    rot = rng.uniform(0, 2 * np.pi)
    aspect = float(np.clip(rng.normal(*p["aspect"]), 0.7, 1.3))
    u = xx * np.cos(rot) + yy * np.sin(rot)
    v = (-xx * np.sin(rot) + yy * np.cos(rot)) / aspect
    rho, theta = np.hypot(u, v), np.arctan2(v, u)
    wob = p["wobble"]
    radial = 1 + sum(rng.normal(0, wob / (k - 1)) * np.cos(k * theta + rng.uniform(0, 6.3)) for k in (2, 3, 4))
    if p["villi"] > 0:  # hairy projections of marginal-zone cells
        k = int(rng.integers(14, 22))
        radial = (
            radial + p["villi"] * rng.uniform(0.6, 1.3) * np.maximum(0, np.cos(k * theta + rng.uniform(0, 6.3))) ** 3
        )
    cell = _ramp(R * radial - rho, 1.0)
    return R, half, xx, yy, rho, cell


def _nucleus(
    p: dict, rng: np.random.Generator, R: float, xx: np.ndarray, yy: np.ndarray, cell: np.ndarray
) -> tuple[str, np.ndarray]:
    """The nucleus shape and its soft mask, inside the cell."""
    shapes, weights = zip(*p["nuc_shapes"])
    shape = shapes[int(rng.choice(len(shapes), p=np.asarray(weights) / sum(weights)))]
    rn = R * float(np.clip(rng.normal(*p["nuc_frac"]), 0.3, 0.98))
    if shape == "lobed":
        rn = R * float(np.clip(rng.normal(*p["nuc_frac"]), 0.4, 0.8))
    ecc = abs(rng.normal(*p["eccentric"])) * R
    ea = rng.uniform(0, 2 * np.pi)
    nrot = rng.uniform(0, 2 * np.pi)
    uc, vc = xx - ecc * np.cos(ea), yy - ecc * np.sin(ea)
    nu = uc * np.cos(nrot) + vc * np.sin(nrot)
    nv = -uc * np.sin(nrot) + vc * np.cos(nrot)
    return shape, _nucleus_mask(shape, nu, nv, rn, p, rng) * cell


def _cytoplasm_od(
    p: dict,
    rng: np.random.Generator,
    mag: float,
    R: float,
    half: int,
    xx: np.ndarray,
    yy: np.ndarray,
    rho: np.ndarray,
    cell: np.ndarray,
    cyto: np.ndarray,
    stain: np.ndarray,
) -> np.ndarray:
    """Optical density of the cytoplasm: flat colour, a little mottling, paler edge, vacuoles."""
    ctex = 1 + p["cyto_texture"] * _noise(rng, cell.shape, 2.5)
    cyto_amt = max(0.1, rng.normal(*p["cyto_od"])) * (0.75 + 0.25 * _ramp(R * 0.9 - rho, R * 0.3))
    od = (cyto * cyto_amt * ctex)[..., None] * (np.asarray(p["cyto_color"], np.float32) * stain)

    n_vac = int(rng.integers(p["vacuoles"][0], p["vacuoles"][1] + 1))
    if n_vac:
        vac = np.zeros_like(cell)
        idx = np.flatnonzero(cyto.ravel() > 0.8)
        if idx.size:
            for i in rng.choice(idx, size=n_vac):
                vy, vx = divmod(int(i), cell.shape[1])
                vr = rng.uniform(2.0, 4.5) * mag
                vac = np.maximum(vac, _ramp(vr - np.hypot(xx - (vx - half), yy - (vy - half)), 0.8))
            od *= (1 - 0.8 * vac * cyto)[..., None]
    return od


def _nucleus_od(
    p: dict,
    rng: np.random.Generator,
    lab: Lab,
    mag: float,
    half: int,
    xx: np.ndarray,
    yy: np.ndarray,
    cell: np.ndarray,
    shape: str,
    nuc: np.ndarray,
    od: np.ndarray,
    stain: np.ndarray,
) -> np.ndarray:
    """The nucleus over the cytoplasm: chromatin texture (fine in blasts, clumped in mature
    lymphocytes) and nucleoli.
    """
    chrom = _noise(rng, cell.shape, p["chrom_sigma"] * mag)
    if shape == "smudge":  # smeared, streaky chromatin of a lysed cell
        streak = ndimage.gaussian_filter(rng.standard_normal(cell.shape, dtype=np.float32), (1.0, 6.0))
        chrom = 0.7 * chrom + 1.0 * streak / max(streak.std(), 1e-6)
    amp = p["chrom_amp"]
    nuc_amt = max(0.2, rng.normal(*p["nuc_od"])) * np.clip(1 + amp * chrom, 0.15, 2.2)
    n_nucleoli = int(rng.integers(p["nucleoli"][0], p["nucleoli"][1] + 1))
    if n_nucleoli:
        idx = np.flatnonzero(nuc.ravel() > 0.95)
        if idx.size:
            for i in rng.choice(idx, size=n_nucleoli):
                ny, nx = divmod(int(i), cell.shape[1])
                nr = rng.uniform(2.5, 5.0) * mag
                nucleolus = _ramp(nr - np.hypot(xx - (nx - half), yy - (ny - half)), 1.0)
                nuc_amt = nuc_amt * (1 - 0.45 * nucleolus)
    nuc_col = np.asarray((1.15, 1.60, 0.50), np.float32) * np.asarray(lab.nucleus_tint, np.float32) * stain
    return od * (1 - nuc)[..., None] + (nuc * nuc_amt)[..., None] * nuc_col


def _inclusions(
    p: dict,
    rng: np.random.Generator,
    mag: float,
    R: float,
    xx: np.ndarray,
    yy: np.ndarray,
    cell: np.ndarray,
    cyto: np.ndarray,
    nuc: np.ndarray,
    od: np.ndarray,
    stain: np.ndarray,
) -> np.ndarray:
    """Granules of the class, then Auer rods (promyelocytic leukaemia cells)."""
    for colour, size, density, over in p["granules"]:
        od += _granules(rng, cyto, nuc, np.asarray(colour) * stain, size * mag, density * rng.uniform(0.6, 1.4), over)
    if p["auer"] and rng.random() < p["auer"]:
        for _ in range(int(rng.integers(1, 3))):
            a = rng.uniform(0, np.pi)
            c = rng.uniform(-0.5, 0.5, 2) * R
            ln = rng.uniform(0.25, 0.45) * R
            d = _segment_distance(
                xx, yy, c[0] - ln * np.cos(a), c[1] - ln * np.sin(a), c[0] + ln * np.cos(a), c[1] + ln * np.sin(a)
            )
            od += (_ramp(1.0 - d, 0.7) * cell)[..., None] * (np.asarray((0.6, 1.5, 0.5), np.float32) * stain)
    return od


def _add_patch(canvas: np.ndarray, patch: np.ndarray, x0: int, y0: int, mode: str = "add") -> None:
    """Add (or max) a patch into a canvas at top-left ``(x0, y0)``, clipping at the borders."""
    h, w = canvas.shape[:2]
    ph, pw = patch.shape[:2]
    cx0, cy0 = max(0, x0), max(0, y0)
    cx1, cy1 = min(w, x0 + pw), min(h, y0 + ph)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    sub = patch[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
    if mode == "add":
        canvas[cy0:cy1, cx0:cx1] += sub
    else:
        np.maximum(canvas[cy0:cy1, cx0:cx1], sub, out=canvas[cy0:cy1, cx0:cx1])


def _red_cell(rng: np.random.Generator, r: float, rbc_od: np.ndarray) -> np.ndarray:
    """One red cell: a biconcave disc, dense at the rim with a pale centre."""
    half = int(np.ceil(r * 1.15)) + 2
    yy, xx = np.mgrid[-half : half + 1, -half : half + 1].astype(np.float32)
    asp = rng.uniform(0.86, 1.0)
    rot = rng.uniform(0, np.pi)
    u = xx * np.cos(rot) + yy * np.sin(rot)
    v = (-xx * np.sin(rot) + yy * np.cos(rot)) / asp
    theta = np.arctan2(v, u)
    rr = r * (
        1 + rng.normal(0, 0.02) * np.cos(2 * theta + rng.uniform(0, 6.3)) + rng.normal(0, 0.015) * np.cos(3 * theta)
    )
    rho = np.hypot(u, v) / rr
    pale = rng.uniform(0.12, 0.40)  # how pale the centre is
    cr = rng.uniform(0.40, 0.60)  # radius of the pale centre
    profile = pale + (1 - pale) * np.clip((rho - cr * 0.5) / cr, 0, 1) ** 1.5
    profile = profile * (1 + 0.15 * np.exp(-(((rho - 0.85) / 0.08) ** 2)))  # darker rim
    disc = _ramp(1 - rho, 0.035)
    return (disc * profile)[..., None] * (rbc_od * rng.uniform(0.85, 1.15))


@functools.lru_cache(maxsize=32)
def _red_cell_bank(lab: Lab, n: int = 16) -> tuple[np.ndarray, ...]:
    """Red-cell templates of one lab, drawn once per process and reused (flipped, rotated)."""
    rng = np.random.default_rng(10_000 + lab.lab_id)
    rbc_r = 31.0 * lab.magnification
    rbc_od = np.asarray(lab.rbc_od, np.float32) * lab.strength
    return tuple(_red_cell(rng, rbc_r * rng.uniform(0.86, 1.12), rbc_od).astype(np.float32) for _ in range(n))


@functools.lru_cache(maxsize=4)
def _noise_bank(seed: int = 0, size: int = 512) -> np.ndarray:
    """A large block of unit Gaussian noise; images take random windows of it (cheaper than drawing)."""
    return np.random.default_rng(seed).standard_normal((size, size, 3), dtype=np.float32)


def render_image(
    rng: np.random.Generator, lab: Lab, size: tuple[int, int], cells: list[CellPlan]
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Draw one smear image.

    Parameters
    ----------
    rng : Generator
        Source of randomness for this image only (the image is a function of it).
    lab : Lab
        Stain and optics.
    size : (height, width)
        Image size.
    cells : list of CellPlan
        Leukocytes to draw, with their centres.

    Returns
    -------
    image : ndarray (H, W, 3) uint8
    boxes : list
        The box ``(x1, y1, x2, y2)`` in image pixels of every cell (may extend outside the
        image), in the order of ``cells``.
    """
    h, w = size
    od = np.zeros((h, w, 3), np.float32)
    covered = np.zeros((h, w), np.float32)
    boxes: list[tuple[int, int, int, int]] = []
    patches = []
    for plan in cells:
        cod, cmask, (bx1, by1, bx2, by2) = draw_leukocyte(plan.cls, rng, lab)
        half = cod.shape[0] // 2
        x0, y0 = int(round(plan.cx)) - half, int(round(plan.cy)) - half
        plan.radius = (bx2 - bx1) / 2
        patches.append((cod, cmask, x0, y0))
        boxes.append((x0 + bx1, y0 + by1, x0 + bx2, y0 + by2))
        _add_patch(covered, cmask, x0, y0, mode="max")

    # red cells: random centres at the lab's density; they slide under leukocytes
    rbc_r = 31.0 * lab.magnification
    n_rbc = rng.poisson(lab.rbc_density * h * w / (np.pi * rbc_r**2) * rng.uniform(0.7, 1.3))
    bank = _red_cell_bank(lab)
    for _ in range(n_rbc):
        patch = bank[int(rng.integers(len(bank)))]
        k = int(rng.integers(8))  # one of the 8 flips/rotations of the template
        patch = np.rot90(patch, k % 4)
        if k >= 4:
            patch = patch[:, ::-1]
        patch = patch * np.float32(rng.uniform(0.85, 1.15))
        half = patch.shape[0] // 2
        _add_patch(od, patch, int(rng.uniform(-rbc_r, w + rbc_r)) - half, int(rng.uniform(-rbc_r, h + rbc_r)) - half)
    od *= (1 - 0.85 * covered)[..., None]  # red cells slide under the leukocytes
    # a few free platelets: small purple dots
    for _ in range(rng.poisson(1.5)):
        r = rng.uniform(2.0, 4.0) * lab.magnification
        half = int(r) + 3
        yy, xx = np.mgrid[-half : half + 1, -half : half + 1].astype(np.float32)
        dot = _ramp(r - np.hypot(xx, yy), 1.0)[..., None] * np.asarray((0.45, 0.8, 0.25), np.float32)
        _add_patch(od, dot, int(rng.uniform(0, w)) - half, int(rng.uniform(0, h)) - half)
    for cod, _cmask, x0, y0 in patches:
        _add_patch(od, cod, x0, y0)

    bg = np.asarray(lab.background, np.float32)
    img = bg * np.exp(-od)
    if lab.vignette > 0:  # uneven illumination: darker corners, a slight tilt
        yy = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
        xx = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
        tilt = rng.normal(0, 0.03, 2)
        illum = 1 - lab.vignette * (xx**2 + yy**2) / 2 + tilt[0] * xx + tilt[1] * yy
        img *= illum[..., None]
    blur = lab.blur * rng.uniform(0.8, 1.25)
    out = Image.fromarray((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)).filter(ImageFilter.BoxBlur(blur))
    img = np.asarray(out, np.float32)
    noise = _noise_bank(0, 512 if max(h, w) <= 512 else 1024)  # high-resolution images need a larger block
    oy, ox = int(rng.integers(noise.shape[0] - h + 1)), int(rng.integers(noise.shape[1] - w + 1))
    img += noise[oy : oy + h, ox : ox + w] * np.float32(lab.noise * 255)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8), boxes
