"""The CYTOLOGIA synthetic twin: official file layout, procedurally drawn smears.

:func:`make_twin` writes ``images/``, ``train.csv`` and ``test.csv`` exactly as the
official release lays them out, plus the organiser-side truth of the test images
(``test_truth.csv``) and the simulated source laboratory of every image
(``image_sources.csv``) in a separate truth folder. Class frequencies follow the real
train counts; the real geometry and quirks are reproduced at the real rates: one cell in
93.5 % of the images (up to 11), box sides with a median of about 142 px, 5.5 % of the
images from high-resolution laboratories (up to 800 px, ~5 % of the boxes beyond 400 px),
boxes partly outside their image (~1.9 %, 0.4 % starting below 0), duplicated images
(0.3 %), unannotated leukocytes cut by the border (~4 % of images).

Four named steps: :func:`plan_twin` decides every image (laboratory, size, cells and
their positions), ``_render_all`` simulates them (draws and saves the images),
``_record_tables`` builds the tables, ``_write_tables`` writes them. :func:`make_twin`
runs them; :func:`build_twin` does too and says what it wrote.

Images are drawn by :mod:`hdhkits.cytologia.drawing`, one random generator per image
seeded from ``(seed, image index)``, in a process pool; the output does not depend on
the number of processes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from ..notebook import tqdm
from .classes import CLASSES, MORPHOLOGY, class_proportions
from .drawing import CellPlan, Lab, make_labs, render_image

__all__ = ["TWIN_SIZES", "TwinSummary", "build_twin", "make_twin", "mean_radius", "plan_twin"]

#: (train images, test images) per size; "full" is the official count.
TWIN_SIZES: dict[str, tuple[int, int]] = {
    "quick": (240, 100),
    "default": (1800, 780),
    "full": (48417, 20751),
}

# Cells per image, 0 to 11: one in 93.5 % of the real train images, two in 5.2 %, three
# in 0.8 %, at most 11.
_CELLS_PER_IMAGE = np.array([0.0, 0.935, 0.052, 0.008, 0.0027, 0.001, 0.0005, 0.0003, 0.0002, 0.0001, 0.0001, 0.0001])
_HIRES_SHARE = 0.055  # images from the high-resolution labs (~5 % of boxes beyond 400 px)
_P_BORDER_CELL = 0.04  # an extra, unannotated leukocyte cut by the image border
_PAST_LEFT_TOP = 0.004  # annotated boxes starting left of or above the image (x1 or y1 < 0)
_PAST_RIGHT_BOTTOM = 0.015  # annotated boxes ending past the right or bottom edge (~1,000 boxes out in all)
_LOOSE = 2.0  # annotators draw boxes about 2 px loose on each side, give or take 2 px
_P_SAME_CLASS = 0.7  # several cells in one image: same class (same patient) or not
_DUPLICATE_RATE = 0.003  # share of train images that are a duplicate of another


@dataclass
class _ImagePlan:
    index: int
    name: str
    split: str
    lab: int
    size: tuple[int, int]
    cells: list[CellPlan] = field(default_factory=list)


@dataclass(frozen=True)
class TwinSummary:
    """What :func:`build_twin` wrote and how fast."""

    n_train_images: int
    n_test_images: int
    n_train_boxes: int
    n_test_boxes: int
    n_duplicates: int
    seconds: float

    @property
    def images_per_second(self) -> float:
        """Images drawn per second of wall time."""
        return (self.n_train_images + self.n_test_images) / max(self.seconds, 1e-9)


def mean_radius(cls: str, lab: Lab) -> float:
    """A class's mean cell radius (px) as a laboratory's camera sees it."""
    return MORPHOLOGY[cls]["radius"][0] * lab.magnification


def _image_formats(rng: np.random.Generator, labs: list[Lab], n: int) -> list[tuple[int, tuple[int, int]]]:
    """Laboratory and (height, width) of every image.

    An exact share of the images (:data:`_HIRES_SHARE`, at least one per format) goes
    to the high-resolution laboratories, so every twin size holds large images; the rest
    go to the other laboratories in unequal shares.
    """
    normal = [lab for lab in labs if not lab.hires]
    hires = [lab for lab in labs if lab.hires]
    weights = rng.dirichlet(np.full(len(normal), 2.0))  # labs contribute unequal shares
    chosen = [normal[int(k)] for k in rng.choice(len(normal), size=n, p=weights)]
    n_hires = max(len(hires), int(round(_HIRES_SHARE * n)))
    for k, i in enumerate(rng.choice(n, size=n_hires, replace=False)):
        chosen[int(i)] = hires[k % len(hires)]
    out = []
    for lab in chosen:
        h = int(lab.size[0] + rng.integers(-4, 5) * (rng.random() < 0.3))
        w = int(lab.size[1] + rng.integers(-4, 5) * (rng.random() < 0.3))
        out.append((lab.lab_id, (h, w)))
    return out


def _cells_per_image(rng: np.random.Generator, n: int) -> np.ndarray:
    """Annotated cells of each of ``n`` images, in exactly the shares of :data:`_CELLS_PER_IMAGE`.

    Counts by largest remainder, then shuffled: the one-cell share is the real one for
    every twin size and seed, not a draw around it.
    """
    share = _CELLS_PER_IMAGE / _CELLS_PER_IMAGE.sum()
    counts = np.floor(share * n).astype(int)
    counts[np.argsort(-(share * n - counts))[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(share)), counts))


def _plan_cells(rng: np.random.Generator, lab: Lab, size: tuple[int, int], k: int, props: np.ndarray) -> list[CellPlan]:
    """The ``k`` annotated leukocytes of one image, all inside it (past-border boxes come later)."""
    h, w = size
    first = CLASSES[int(rng.choice(len(CLASSES), p=props))]
    classes = [first] + [
        first if rng.random() < _P_SAME_CLASS else CLASSES[int(rng.choice(len(CLASSES), p=props))] for _ in range(k - 1)
    ]
    placed: list[tuple[float, float, float]] = []
    cells = []
    for cls in classes:
        r = mean_radius(cls, lab)
        # centres keep the whole cell (and its loose box) inside: only the cells chosen by
        # _push_past_border cross the border, so that share matches the real one
        lo_x, hi_x = min(r * 1.2 + 6, w / 2), max(w - r * 1.2 - 6, w / 2)
        lo_y, hi_y = min(r * 1.2 + 6, h / 2), max(h - r * 1.2 - 6, h / 2)
        if k == 1:
            cx, cy = w / 2 + rng.normal(0, 0.07 * w), h / 2 + rng.normal(0, 0.07 * h)
        else:
            # several cells: spread over the field, touching at most (crowded fields overlap)
            for _ in range(40):
                cx, cy = rng.uniform(lo_x, hi_x), rng.uniform(lo_y, hi_y)
                if all(np.hypot(cx - px, cy - py) > 0.85 * (r + pr) for px, py, pr in placed):
                    break
        cx, cy = float(np.clip(cx, lo_x, hi_x)), float(np.clip(cy, lo_y, hi_y))
        placed.append((cx, cy, r))
        cells.append(CellPlan(cls, cx, cy, True))
    return cells


def _push_past_border(rng: np.random.Generator, plans: list[_ImagePlan], labs: list[Lab], split: str) -> None:
    """Move an exact share of one split's annotated cells across an image border.

    :data:`_PAST_LEFT_TOP` of the boxes then start below 0 (x1 or y1; the real train set:
    0.4 %, down to -85) and :data:`_PAST_RIGHT_BOTTOM` end past the right or bottom edge.
    The train split always gets at least one of each, so even the quick twin holds them.
    """
    cells = [(plan, cell) for plan in plans if plan.split == split for cell in plan.cells if cell.annotated]
    least = 1 if split == "train" else 0
    n_low = max(least, int(round(_PAST_LEFT_TOP * len(cells))))
    n_high = max(least, int(round(_PAST_RIGHT_BOTTOM * len(cells))))
    picks = rng.choice(len(cells), size=min(len(cells), n_low + n_high), replace=False)
    for rank, i in enumerate(picks):
        plan, cell = cells[int(i)]
        h, w = plan.size
        r = mean_radius(cell.cls, labs[plan.lab])
        # the box overhangs the border by 15-50 % of the radius, at most ~80 px (real: down to -85)
        inset = r - min(r * rng.uniform(0.15, 0.5), rng.uniform(60.0, 80.0))
        side = int(rng.integers(2)) + (0 if rank < n_low else 2)
        if side == 0:
            cell.cx = inset
        elif side == 1:
            cell.cy = inset
        elif side == 2:
            cell.cx = w - inset
        else:
            cell.cy = h - inset


def _border_cell(rng: np.random.Generator, lab: Lab, size: tuple[int, int], props: np.ndarray) -> CellPlan:
    """An unannotated leukocyte cut by the border (annotators skipped some)."""
    h, w = size
    cls = CLASSES[int(rng.choice(len(CLASSES), p=props))]
    r = mean_radius(cls, lab)
    side = int(rng.integers(4))
    off = r * rng.uniform(-0.4, 0.3)  # centre just outside or just inside the border
    along = rng.uniform(0.15, 0.85)
    cx, cy = [(off, along * h), (w - off, along * h), (along * w, off), (along * w, h - off)][side]
    return CellPlan(cls, float(cx), float(cy), False)


def plan_twin(seed: int = 0, size: str = "default") -> tuple[list[Lab], list[_ImagePlan]]:
    """Decide every image: split, laboratory, size, cells and their positions (no drawing).

    Parameters
    ----------
    seed : int
        Twin seed.
    size : {"quick", "default", "full"}
        Number of images (:data:`TWIN_SIZES`).
    """
    if size not in TWIN_SIZES:
        raise ValueError(f"size must be one of {tuple(TWIN_SIZES)}, not {size!r}")
    rng = np.random.default_rng(seed)
    labs = make_labs(rng, 20)
    n_train, n_test = TWIN_SIZES[size]
    n = n_train + n_test
    names: set[str] = set()
    while len(names) < n:
        names.update(f"{v:012x}.jpg" for v in rng.integers(0, 2**48, n - len(names)))
    names_list = sorted(names)
    rng.shuffle(names_list)
    props = class_proportions()
    plans = []
    cells_per_image = _cells_per_image(rng, n)
    for i, (lab_id, shape) in enumerate(_image_formats(rng, labs, n)):
        plan = _ImagePlan(i, names_list[i], "train" if i < n_train else "test", lab_id, shape)
        plan.cells = _plan_cells(rng, labs[lab_id], shape, int(cells_per_image[i]), props)
        plans.append(plan)
    for split in ("train", "test"):
        _push_past_border(rng, plans, labs, split)
    for plan in plans:
        if rng.random() < _P_BORDER_CELL:
            plan.cells.append(_border_cell(rng, labs[plan.lab], plan.size, props))
    return labs, plans


_LABS: list[Lab] = []


def _init_worker(labs: list[Lab]) -> None:
    global _LABS
    _LABS = labs


def _init_pool_worker(labs: list[Lab]) -> None:
    # Ctrl-C reaches every process of the terminal's group. The parent handles it (and the
    # half-written folder is removed); workers that ignore it print no traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(labs)


def _render_one(args: tuple) -> tuple[int, list]:
    """Draw and save one image; returns its index and the annotated boxes."""
    seed, plan, folder = args
    rng = np.random.default_rng([seed, plan.index])
    lab = _LABS[plan.lab]
    pixels, boxes = render_image(rng, lab, plan.size, plan.cells)
    quality = int(np.clip(lab.jpeg_quality + rng.integers(-3, 4), 60, 98))
    Image.fromarray(pixels).save(Path(folder) / plan.name, "JPEG", quality=quality)
    out = []
    for cell, (x1, y1, x2, y2) in zip(plan.cells, boxes):
        if cell.annotated:
            # annotators draw boxes a little loose, by a few pixels more or less on each side
            j = rng.normal(_LOOSE, 2.0, 4)
            out.append(
                (int(round(x1 - j[0])), int(round(y1 - j[1])), int(round(x2 + j[2])), int(round(y2 + j[3])), cell.cls)
            )
    return plan.index, out


def _pool_context() -> BaseContext:
    # fork is cheap and safe here (workers only use numpy/PIL); elsewhere use the default
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _render_all(
    seed: int, labs: list[Lab], plans: list[_ImagePlan], images: Path, n_jobs: int | None, progress: bool
) -> dict[int, list]:
    """Draw and save every planned image (in a process pool); the annotated boxes by image index."""
    if n_jobs is None:
        n_jobs = 1 if len(plans) < 150 else max(1, min(os.cpu_count() or 1, 8))
    tasks = [(seed, p, str(images)) for p in plans]
    results: dict[int, list] = {}
    pool = None
    iterator: Iterator[tuple[int, list]]
    if n_jobs > 1:
        pool = _pool_context().Pool(n_jobs, initializer=_init_pool_worker, initargs=(labs,))
        iterator = pool.imap_unordered(_render_one, tasks, chunksize=16)
    else:
        _init_worker(labs)
        iterator = map(_render_one, tasks)
    try:
        if progress:
            iterator = tqdm(iterator, total=len(tasks), desc="drawing images")
        for idx, boxes in iterator:
            results[idx] = boxes
    except BaseException:
        if pool is not None:  # interrupted or failed: stop the workers now, not after their queue
            pool.terminate()
            pool.join()
            pool = None
        raise
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return results


def _add_duplicates(
    rng: np.random.Generator, plans: list[_ImagePlan], train_rows: list, sources: list, images: Path
) -> int:
    """Copy some train images under new names, annotated again; returns how many."""
    train_plans = [p for p in plans if p.split == "train"]
    n_dup = max(2, int(round(_DUPLICATE_RATE * len(train_plans))))
    by_name: dict[str, list] = {}
    for row in train_rows:
        by_name.setdefault(row[0], []).append(row)
    taken = {p.name for p in plans}
    for src in rng.choice(len(train_plans), size=n_dup, replace=False):
        plan = train_plans[int(src)]
        while True:
            new = f"{int(rng.integers(0, 2**48)):012x}.jpg"
            if new not in taken:
                taken.add(new)
                break
        if rng.random() < 0.5:
            shutil.copyfile(images / plan.name, images / new)
        else:  # re-saved at another JPEG quality: same picture, different bytes
            with Image.open(images / plan.name) as im:
                im.convert("RGB").save(images / new, "JPEG", quality=int(rng.integers(70, 95)))
        for _, x1, y1, x2, y2, cls in by_name.get(plan.name, []):
            j = rng.integers(-1, 2, 4)
            train_rows.append((new, x1 + j[0], y1 + j[1], x2 + j[2], y2 + j[3], cls))
        sources.append((new, "train", plan.lab))
    return n_dup


def _shuffled_images(rng: np.random.Generator, rows: list) -> pd.DataFrame:
    """Box rows as a table, images in random order (unrelated to generation order)."""
    table = pd.DataFrame(rows, columns=["NAME", "x1", "y1", "x2", "y2", "class"])
    order = rng.permutation(table["NAME"].unique())
    table["_o"] = table["NAME"].map({nm: i for i, nm in enumerate(order)})
    return table.sort_values(["_o", "x1"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _record_tables(
    rng: np.random.Generator, plans: list[_ImagePlan], results: dict[int, list], images: Path
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """The tables of the drawn images: train boxes (with a few duplicated images), test truth, sources.

    Returns
    -------
    train, truth, sources : DataFrame
        ``train.csv``, ``test_truth.csv`` and ``image_sources.csv`` as written.
    n_dup : int
        Duplicated train images added.
    """
    train_rows: list[tuple] = []
    test_rows: list[tuple] = []
    sources = [(plan.name, plan.split, plan.lab) for plan in plans]
    for plan in plans:
        for x1, y1, x2, y2, cls in results[plan.index]:
            (train_rows if plan.split == "train" else test_rows).append((plan.name, x1, y1, x2, y2, cls))
    n_dup = _add_duplicates(rng, plans, train_rows, sources, images)
    train = _shuffled_images(rng, train_rows)
    truth = _shuffled_images(rng, test_rows)
    truth.insert(0, "trustii_id", np.arange(1, len(truth) + 1))
    return train, truth, pd.DataFrame(sources, columns=["NAME", "split", "lab"]), n_dup


def _write_tables(
    data_dir: Path, truth_dir: Path, train: pd.DataFrame, truth: pd.DataFrame, sources: pd.DataFrame, info: dict
) -> None:
    """The participant tables in ``data_dir``; the truth, the sources and the summary in ``truth_dir``."""
    train.to_csv(data_dir / "train.csv", index=False)
    truth[["trustii_id", "NAME"]].to_csv(data_dir / "test.csv", index=False)
    truth.to_csv(truth_dir / "test_truth.csv", index=False)
    sources.to_csv(truth_dir / "image_sources.csv", index=False)
    (truth_dir / "twin_info.json").write_text(json.dumps(info, indent=2) + "\n")


def build_twin(
    data_dir: str | Path,
    truth_dir: str | Path,
    seed: int = 0,
    size: str = "default",
    n_jobs: int | None = None,
    progress: bool = False,
) -> TwinSummary:
    """Write a synthetic CYTOLOGIA dataset in the official layout, and say what was written.

    Four steps: plan every image (:func:`plan_twin`), simulate them (draw, in a process
    pool), record the tables (with a few duplicated train images), write the files.

    Parameters
    ----------
    data_dir : path
        Receives ``images/``, ``train.csv`` (``NAME,x1,y1,x2,y2,class``) and ``test.csv``
        (``trustii_id,NAME``).
    truth_dir : path
        Receives ``test_truth.csv`` (``trustii_id,NAME,x1,y1,x2,y2,class``),
        ``image_sources.csv`` (``NAME,split,lab``) and ``twin_info.json``.
    seed : int
        The files are a function of ``seed`` and ``size`` only.
    size : {"quick", "default", "full"}
        See :data:`TWIN_SIZES`.
    n_jobs : int, optional
        Worker processes (default: all cores, one process for small twins); the files
        do not depend on it.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    TwinSummary
    """
    start = time.perf_counter()
    data_dir, truth_dir = Path(data_dir), Path(truth_dir)
    images = data_dir / "images"
    images.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    labs, plans = plan_twin(seed, size)
    results = _render_all(seed, labs, plans, images, n_jobs, progress)
    train, truth, sources, n_dup = _record_tables(np.random.default_rng([seed, 1_000_003]), plans, results, images)
    n_train = sum(p.split == "train" for p in plans)
    summary = TwinSummary(
        n_train + n_dup, len(plans) - n_train, len(train), len(truth), n_dup, time.perf_counter() - start
    )
    info = {
        "seed": seed,
        "size": size,
        "n_train_images": summary.n_train_images,
        "n_test_images": summary.n_test_images,
        "n_train_boxes": summary.n_train_boxes,
        "n_test_boxes": summary.n_test_boxes,
        "n_duplicates": n_dup,
        "n_labs": len(labs),
    }
    _write_tables(data_dir, truth_dir, train, truth, sources, info)
    return summary


def make_twin(data_dir: str | Path, truth_dir: str | Path, seed: int = 0, size: str = "default") -> None:
    """Write a synthetic CYTOLOGIA dataset in the official layout (what ``PROBLEM.make_twin`` does).

    :func:`build_twin` with the default worker count and no progress bar; it also
    returns a :class:`TwinSummary`.

    Parameters
    ----------
    data_dir : path
        Receives ``images/``, ``train.csv`` and ``test.csv``.
    truth_dir : path
        Receives ``test_truth.csv``, ``image_sources.csv`` and ``twin_info.json``.
    seed : int
        The files are a function of ``seed`` and ``size`` only.
    size : {"quick", "default", "full"}
        See :data:`TWIN_SIZES`.
    """
    build_twin(data_dir, truth_dir, seed=seed, size=size)
