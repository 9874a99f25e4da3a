"""How a demo's field of submissions is filled: the models, noisy copies, one duplicate."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hdhkits.leaderboard.field import demo_field, fill_to


def _noisy(table, level, rng):
    return table.assign(x=table["x"] + rng.normal(0, level, len(table)))


def test_fill_to_keeps_the_models_first_then_noisy_copies_and_one_duplicate():
    models = {f"m{i}": pd.DataFrame({"x": np.arange(5.0) + i}) for i in range(3)}
    out = fill_to(models, 7, _noisy, seed=0)
    assert list(out)[:3] == ["m0", "m1", "m2"] and len(out) == 7
    assert list(out)[-1] == "m0_resubmitted" and out["m0_resubmitted"].equals(models["m0"])
    assert list(out)[3:6] == ["m0_noisy01", "m1_noisy02", "m2_noisy03"]
    assert not out["m0_noisy01"].equals(models["m0"])
    assert list(fill_to(models, 2, _noisy, seed=0)) == ["m0", "m1"]
    assert fill_to(models, 7, _noisy, seed=0)["m1_noisy02"].equals(out["m1_noisy02"])  # seeded
    assert not fill_to(models, 7, _noisy, seed=1)["m1_noisy02"].equals(out["m1_noisy02"])


def test_a_small_field_has_no_duplicate():
    models = {"m0": pd.DataFrame({"x": [1.0, 2.0]})}
    assert list(fill_to(models, 3, _noisy, seed=0)) == ["m0", "m0_noisy01", "m0_noisy02"]


class _Kit:
    """The two demo hooks of a Problem: three submissions of its own, its noise counted when asked."""

    def __init__(self):
        self.noise_asked = 0

    def demo_submissions(self, data_dir, truth, seed):
        return {f"m{i}": pd.DataFrame({"x": np.arange(5.0) + i + seed}) for i in range(3)}

    def demo_noise(self, data_dir):
        self.noise_asked += 1
        return _noisy


def test_the_demo_field_is_the_kits_own_then_its_noise_asked_only_when_needed():
    kit = _Kit()
    assert list(demo_field(kit, ".", pd.DataFrame(), 2, seed=0)) == ["m0", "m1"] and kit.noise_asked == 0
    out = demo_field(kit, ".", pd.DataFrame(), 7, seed=0)
    assert kit.noise_asked == 1
    assert all(out[k].equals(v) for k, v in fill_to(kit.demo_submissions(".", None, 0), 7, _noisy, 0).items())
