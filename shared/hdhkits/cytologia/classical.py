"""The classical classifier: a random forest on hand-made crop features, and its file.

The torch-free half of the baseline (:mod:`~hdhkits.cytologia.baselines` pits it against the CNN):
:func:`make_classical` builds it, :func:`save_forest` and :func:`load_forest` write and
read it (``cytologia_forest.joblib``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
from sklearn.ensemble import RandomForestClassifier

from ..files import atomic_path

__all__ = ["FOREST_FILE", "load_forest", "make_classical", "save_forest"]

FOREST_FILE = "cytologia_forest.joblib"


def make_classical(seed: int = 0, n_jobs: int | None = None) -> RandomForestClassifier:
    """The classical classifier for :func:`~hdhkits.cytologia.features.crop_features`.

    A random forest with class-balanced weights: seconds to fit on a laptop, no scaling
    of the features needed.
    """
    return RandomForestClassifier(
        n_estimators=300,
        min_samples_leaf=2,
        max_features="sqrt",
        class_weight="balanced_subsample",
        n_jobs=n_jobs,
        random_state=seed,
    )


def save_forest(forest: Any, path: str | Path) -> None:
    """Write a fitted classifier with joblib (compressed), atomically."""
    with atomic_path(Path(path)) as tmp:
        joblib.dump(forest, tmp, compress=3)


def load_forest(path: str | Path) -> Any:
    """A classifier written by :func:`save_forest`."""
    return joblib.load(path)
