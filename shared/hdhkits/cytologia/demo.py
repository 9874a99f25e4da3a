"""Plausible CYTOLOGIA submissions for ``hdhkits leaderboard cytologia --demo N``.

:meth:`~hdhkits.cytologia.problem.CytologiaProblem.demo_submissions` calls
:func:`demo_submissions`. The field:

* ``detector_forest_<k>img``: the kit's classical model, the stain detector
  (:class:`~hdhkits.cytologia.detector.StainDetector`) and the random forest on crop features
  (:func:`~hdhkits.cytologia.classical.make_classical`), trained on ``k`` train images: the
  ``02_baseline`` settings, 300 images (quick mode) and up to 3,000 (default);
* ``detector_only``: the detector's boxes, every cell given the most frequent train class;
* ``simulated_<e>pct``: simulated teams, the truth with jittered boxes and ``e`` % of the
  classes redrawn, at several error rates;
* ``sample_submission``: the kit's sample submission (the typical box, the most frequent class);

the leaderboard's demo adds noisy copies (:func:`demo_noise`: boxes jittered, classes
redrawn) and the best simulated team uploaded twice.

The kit's CNN is left out: it trains for minutes on a CPU, and a demo of the leaderboard
must take seconds. The forest on detector boxes takes about 20 s on the default twin (780
test images), the detector over the test images most of it; on the full twin (20,751 test
images) about two minutes. The simulated teams stand in for the stronger models a real
field holds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..problem import Noise
from .classical import make_classical
from .detector import StainDetector
from .evaluation import subsample_train
from .features import crop_features, extract_crops
from .reader import read_dataset

__all__ = ["ERROR_RATES", "TRAIN_IMAGES", "demo_noise", "demo_submissions"]

#: Train images of the classical model's two settings (``02_baseline``'s quick and default).
TRAIN_IMAGES: tuple[int, int] = (300, 3000)
#: Share of the simulated teams' classes redrawn at random (their boxes are jittered as much).
ERROR_RATES: tuple[float, ...] = (0.06, 0.1, 0.18, 0.3, 0.5)
_BOX = ["x1", "y1", "x2", "y2"]


def _classical(data_dir: Path, seed: int, columns: list[str]) -> dict[str, pd.DataFrame]:
    """The detector's boxes of the test file, classified by forests trained on the two settings' images."""
    data = read_dataset(data_dir, hash_images=False)
    large = subsample_train(data.train, TRAIN_IMAGES[1], seed)
    detector = StainDetector().fit(data, names=large["NAME"].unique().tolist(), seed=seed)
    features = crop_features(extract_crops(data, large), large)
    boxes = detector.predict(data, data.test[["trustii_id", "NAME"]])
    test_features = crop_features(extract_crops(data, boxes), boxes)
    small = subsample_train(large, TRAIN_IMAGES[0], seed)
    out = {}
    for rows in (np.flatnonzero(large["NAME"].isin(small["NAME"])), np.arange(len(large))):
        k = large["NAME"].iloc[rows].nunique()
        forest = make_classical(seed).fit(features.iloc[rows], large["class"].iloc[rows].to_numpy())
        out[f"detector_forest_{k}img"] = boxes.assign(**{"class": forest.predict(test_features)})[columns]
    out["detector_only"] = boxes.assign(**{"class": data.train["class"].mode().iloc[0]})[columns]
    return out


def _noise(classes: np.ndarray) -> Noise:
    """``noisy(table, level, rng)``: boxes jittered (sd ``30 level`` px), a share ``level`` of classes redrawn."""

    def noisy(table: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
        out = table.copy()
        box = out[_BOX].to_numpy(float) + rng.normal(0, 30 * level, (len(out), 4)).round()
        box[:, 2] = np.maximum(box[:, 2], box[:, 0] + 2)
        box[:, 3] = np.maximum(box[:, 3], box[:, 1] + 2)
        out[_BOX] = box
        redraw = rng.random(len(out)) < level
        out.loc[redraw, "class"] = rng.choice(classes, int(redraw.sum()))
        return out

    return noisy


def demo_noise(data_dir: str | Path) -> Noise:
    """``noisy(table, level, rng)``: boxes jittered (sd ``30 level`` px), a share ``level`` of classes redrawn.

    The classes are redrawn among those of ``train.csv`` in ``data_dir``.
    """
    classes = np.unique(pd.read_csv(Path(data_dir) / "train.csv", usecols=["class"])["class"].astype(str))
    return _noise(classes)


def demo_submissions(
    data_dir: str | Path, truth: pd.DataFrame, sample: pd.DataFrame, seed: int
) -> dict[str, pd.DataFrame]:
    """CYTOLOGIA submissions: the kit's classical model and simulated teams (see the module docstring).

    Parameters
    ----------
    data_dir : str or Path
        The participant files (``train.csv``, ``test.csv``, ``images/``).
    truth : DataFrame
        The twin's ``test_truth.csv``: the simulated teams are noisy copies of it (the
        classical model learns from the train files only).
    sample : DataFrame
        The kit's sample submission for them (the last of the field; its columns, the
        official ones in order, order every table).
    seed : int
        Seed of the models and of the simulated teams' noise.

    Returns
    -------
    dict
        Submission tables (``trustii_id, NAME, x1, y1, x2, y2, class``) by name.
    """
    data_dir = Path(data_dir)
    columns = list(sample.columns)
    noisy = demo_noise(data_dir)
    rng = np.random.default_rng([seed, 3])
    base = truth[columns].copy()
    simulated = {f"simulated_{round(100 * e):02d}pct": noisy(base, e, rng) for e in ERROR_RATES}
    names = list(simulated)
    models = {name: simulated[name] for name in names[:2]}
    models.update(_classical(data_dir, seed, columns))
    models.update({name: simulated[name] for name in names[2:]})
    models["sample_submission"] = sample
    return models
