"""Property-based tests of the submission validators and the metrics (Hypothesis).

For each kit, on its quick twin:

* any well-formed submission (the test ids, random valid predictions) passes
  validation and scores inside the metric's documented range;
* any single corruption of such a submission (a row dropped, a duplicated id, a NaN, a
  value out of range, a renamed column, an unknown id) is an error that names it.

Submissions go through a CSV file and ``read_submission``, as ``hdhkits validate``
reads them. Hypothesis draws the shape of the predictions (constant, ties, integers,
huge or tiny values, ...) and a seed for the values, so a case stays small and fast;
``derandomize`` makes a run reproducible in CI.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hdhkits.bundle.samples import sample_submission
from hdhkits.findings import errors
from hdhkits.problem import KITS, get_problem
from hdhkits.submission import read_submission
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: The metric's documented range (module docstrings of each kit's metric.py): CYTOLOGIA's
#: value is in [0, 1]; ANNITIA's is a weighted mean of two concordance indices, in [0, 1];
#: Cardi-HACK's is 0.7 x a weighted kappa + 0.3 x a rescaled log-loss, each in [-1, 1].
SCORE_RANGE = {"cytologia": (0.0, 1.0), "annitia": (0.0, 1.0), "cardihack": (-1.0, 1.0)}

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

STYLES = ("uniform", "constant", "ties", "integers", "huge", "tiny")
CORRUPTIONS = ("drop_row", "duplicate_id", "nan", "out_of_range", "rename_column", "unknown_id")


def _spec(kit: str):
    import importlib

    return importlib.import_module(f"hdhkits.{kit}.problem").SUBMISSION_SPEC


def _numbers(rng: np.random.Generator, style: str, n: int, low: float, high: float) -> np.ndarray:
    """``n`` values in [low, high] shaped by ``style``."""
    if style == "constant":
        return np.full(n, rng.uniform(low, high))
    if style == "ties":
        return rng.choice(rng.uniform(low, high, size=3), size=n)
    if style == "integers":
        return np.floor(rng.uniform(np.ceil(low), np.floor(high) + 1, size=n)).clip(low, high)
    if style == "huge" and high - low > 1e6:
        return rng.uniform(low, high, size=n)
    if style == "tiny":
        return low + (high - low) * rng.uniform(0, 1e-9, size=n)
    return rng.uniform(low, high, size=n)


def well_formed(kit: str, template: pd.DataFrame, seed: int, style: str) -> pd.DataFrame:
    """The template's ids (and CYTOLOGIA's names) with random predictions every rule accepts."""
    rng = np.random.default_rng(seed)
    sub, n = template.copy(), len(template)
    for col in _spec(kit).columns[1:]:
        if col.name == "NAME":
            continue  # CYTOLOGIA: each row names its test image
        if col.allowed is not None:
            sub[col.name] = rng.choice(np.asarray(col.allowed, dtype=object), size=n)
            if col.kind == "code":
                sub[col.name] = sub[col.name].astype(int)
        elif col.kind in ("float", "int") and col.name not in ("x1", "y1", "x2", "y2"):
            low = col.minimum if col.minimum is not None else -1e9
            high = col.maximum if col.maximum is not None else 1e9
            if style != "huge" and col.minimum is None:
                low, high = -10.0, 10.0
            sub[col.name] = _numbers(rng, style, n, low, high)
    if kit == "cytologia":  # a box: a corner anywhere near the image, then a positive size
        for lo, hi in (("x1", "x2"), ("y1", "y2")):
            sub[lo] = np.round(_numbers(rng, style, n, -50, 400), 2)
            sub[hi] = sub[lo] + np.round(_numbers(rng, "uniform" if style == "constant" else style, n, 1, 400), 2)
            sub[hi] = np.maximum(sub[hi], sub[lo] + 1)
    return sub


def through_csv(sub: pd.DataFrame) -> pd.DataFrame:
    """The submission as ``hdhkits validate`` reads it back from a CSV file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "submission.csv"
        sub.to_csv(path, index=False)
        return read_submission(path)


_TEMPLATES: dict = {}


def setup(kit: str, twin):
    """The kit's problem, quick twin, a template submission and the truth (once per session)."""
    if kit not in _TEMPLATES:
        source = twin(kit, "quick")
        problem = get_problem(kit)
        _TEMPLATES[kit] = (
            problem,
            source.data_dir,
            sample_submission(kit, source.data_dir),
            problem.read_truth(source.truth_path),
        )
    return _TEMPLATES[kit]


@pytest.mark.parametrize("kit", KITS)
def test_a_well_formed_submission_is_valid_and_scores_in_range(kit, twin):
    problem, data_dir, template, truth = setup(kit, twin)
    low, high = SCORE_RANGE[kit]

    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1), style=st.sampled_from(STYLES))
    def check(seed, style):
        sub = through_csv(well_formed(kit, template, seed, style))
        blocking = errors(problem.validate_submission(sub, data_dir))
        assert not blocking, "\n".join(map(str, blocking))
        value = problem.score_submission(sub, truth).value
        assert low - 1e-9 <= value <= high + 1e-9, (style, value)

    check()


def corrupt(kit: str, sub: pd.DataFrame, how: str, row: int) -> tuple[pd.DataFrame, list[str]]:
    """``sub`` with one corruption at ``row``; returns it and what the error must mention."""
    spec = _spec(kit)
    id_col = spec.id_column
    values = [c for c in spec.columns[1:] if c.name != "NAME"]
    col = values[row % len(values)]
    sub = sub.copy()
    if how == "drop_row":
        return sub.drop(index=row), [str(sub.loc[row, id_col])]
    if how == "duplicate_id":
        other = (row + 1) % len(sub)
        sub.loc[row, id_col] = sub.loc[other, id_col]
        return sub, ["duplicated", str(sub.loc[other, id_col])]
    if how == "unknown_id":
        unknown = int(pd.to_numeric(sub[id_col]).max()) + 1000
        sub.loc[row, id_col] = unknown
        return sub, [str(unknown)]
    if how == "rename_column":
        return sub.rename(columns={col.name: col.name + "_pred"}), [col.name]
    sub[col.name] = sub[col.name].astype(object)
    where = [col.name, f"row(s) {row + 1}"]  # data rows count from 1 under the header
    if how == "nan":
        sub.loc[row, col.name] = np.nan
        return sub, where
    # out of range: past a bound, outside the allowed codes, or infinite where any number goes
    if col.allowed is not None:
        sub.loc[row, col.name] = "NOT_A_CLASS" if col.kind == "str" else max(col.allowed) + 1
    elif col.maximum is not None:
        sub.loc[row, col.name] = col.maximum + 0.5
    else:
        sub.loc[row, col.name] = np.inf
    return sub, where


@pytest.mark.parametrize("kit", KITS)
def test_any_single_corruption_is_named(kit, twin):
    problem, data_dir, template, _ = setup(kit, twin)

    @SETTINGS
    @given(
        seed=st.integers(0, 2**32 - 1),
        style=st.sampled_from(STYLES),
        how=st.sampled_from(CORRUPTIONS),
        row=st.integers(0, len(template) - 1),
    )
    def check(seed, style, how, row):
        sub, mentions = corrupt(kit, well_formed(kit, template, seed, style), how, row)
        blocking = errors(problem.validate_submission(through_csv(sub), data_dir))
        text = "\n".join(map(str, blocking))
        assert blocking, f"{how} at row {row} passed validation"
        for word in mentions:
            assert word in text, f"{how} at row {row}: {word!r} not named in:\n{text}"

    check()
