"""The demo's submission builders: how a field is filled, and the generic features they train on."""
from __future__ import annotations

import numpy as np
import pandas as pd

from hdhkits.leaderboard.demo_kits import BUILDERS, _annitia_features, _top_columns, fill_to
from hdhkits.problem import KITS


def _noisy(table, level, rng):
    return table.assign(x=table["x"] + rng.normal(0, level, len(table)))


def test_fill_to_keeps_the_models_first_then_noisy_copies_and_one_duplicate():
    models = {f"m{i}": pd.DataFrame({"x": np.arange(5.0) + i}) for i in range(3)}
    out = fill_to(models, 7, _noisy, seed=0)
    assert list(out)[:3] == ["m0", "m1", "m2"] and len(out) == 7
    assert list(out)[-1] == "m0_resubmitted" and out["m0_resubmitted"].equals(models["m0"])
    assert all("_noisy" in name for name in list(out)[3:6])
    assert not out["m0_noisy01"].equals(models["m0"])
    assert list(fill_to(models, 2, _noisy, seed=0)) == ["m0", "m1"]
    assert fill_to(models, 7, _noisy, seed=0)["m1_noisy02"].equals(out["m1_noisy02"])  # seeded


def test_every_shipped_kit_has_a_builder():
    assert {"cytologia", "annitia", "cardihack"} <= set(BUILDERS) <= set(KITS)


def test_top_columns_pick_the_correlated_ones():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    X = pd.DataFrame({"noise": rng.normal(size=200), "signal": y + rng.normal(0, 0.3, 200), "flat": 1.0})
    assert _top_columns(X, y, 1) == ["signal"] and _top_columns(X, y, 0) == []


def test_annitia_features_take_first_and_last_visits():
    wide = pd.DataFrame({"Age_v1": [50, 60], "Age_v2": [52, np.nan], "Age_v3": [55, np.nan],
                         "alt_v1": [np.nan, 30], "alt_v2": [40, np.nan], "alt_v3": [45, np.nan], "gender": [1, 2]})
    f = _annitia_features(wide)
    assert f["alt_first"].tolist() == [40, 30] and f["alt_last"].tolist() == [45, 30]
    assert f["followup"].tolist() == [5, 0] and f["visits"].tolist() == [3, 1] and f["gender"].tolist() == [1, 2]
