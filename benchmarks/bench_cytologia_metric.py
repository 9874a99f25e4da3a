"""Speed of the reconstructed CYTOLOGIA metric at the official test size (22,689 rows).

Usage::

    python benchmarks/bench_cytologia_metric.py [--repeats 5]

Builds a truth table shaped like the official test set (20,751 images, 22,689 boxes, the
23 classes at their real frequencies) and a prediction with noisy boxes and 80 % correct
classes, then times :func:`hdhkits.cytologia.metric.score_details`. Target: under 2 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from hdhkits.cytologia.classes import CLASSES, class_proportions
from hdhkits.cytologia.metric import score_details

TARGET_SECONDS = 2.0


def make_tables(n_images: int = 20751, n_boxes: int = 22689, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A truth and a prediction table of the official test size."""
    rng = np.random.default_rng(seed)
    extra = rng.choice(n_images, n_boxes - n_images, replace=True)  # images with several cells
    image = np.sort(np.concatenate([np.arange(n_images), extra]))
    names = np.array([f"{i:012x}.jpg" for i in range(n_images)])[image]
    cx, cy = rng.uniform(80, 290, n_boxes), rng.uniform(80, 290, n_boxes)
    side = rng.normal(145, 35, n_boxes).clip(20, 300)
    cls = np.asarray(CLASSES)[rng.choice(len(CLASSES), n_boxes, p=class_proportions())]
    truth = pd.DataFrame(
        {
            "trustii_id": np.arange(1, n_boxes + 1),
            "NAME": names,
            "x1": cx - side / 2,
            "y1": cy - side / 2,
            "x2": cx + side / 2,
            "y2": cy + side / 2,
            "class": cls,
        }
    ).round({"x1": 0, "y1": 0, "x2": 0, "y2": 0})
    pred = truth.copy()
    pred[["x1", "y1", "x2", "y2"]] += rng.normal(0, 12, (n_boxes, 4)).round()
    pred["x2"] = np.maximum(pred["x2"], pred["x1"] + 1)
    pred["y2"] = np.maximum(pred["y2"], pred["y1"] + 1)
    wrong = rng.random(n_boxes) < 0.2
    pred.loc[wrong, "class"] = np.asarray(CLASSES)[rng.integers(0, len(CLASSES), wrong.sum())]
    return truth, pred


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    rows = []
    for n_images, n_boxes in ((2075, 2269), (20751, 22689), (41502, 45378)):
        truth, pred = make_tables(n_images, n_boxes)
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            result = score_details(truth, pred)
            times.append(time.perf_counter() - start)
        rows.append(
            {
                "rows": n_boxes,
                "images": n_images,
                "best s": min(times),
                "median s": float(np.median(times)),
                "score": result.score,
                "giou_term": result.giou_term,
                "macro_f1": result.macro_f1,
                "target": "ok" if n_boxes != 22689 or min(times) < TARGET_SECONDS else "SLOW",
            }
        )
    table = pd.DataFrame(rows)
    print(f"score_details speed (target < {TARGET_SECONDS} s at 22,689 rows)")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0 if (table["target"] == "ok").all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
