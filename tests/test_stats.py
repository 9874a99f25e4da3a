import numpy as np
import pytest
from hdhkits.stats import Interval, bootstrap_interval


def test_interval_covers_the_mean():
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 1.0, 400)
    iv = bootstrap_interval(lambda idx: x[idx].mean(), len(x), n_boot=300, seed=1)
    assert iv.estimate == pytest.approx(x.mean())
    assert iv.low < x.mean() < iv.high
    # standard error of the mean is 0.05: the 95% interval is about 0.2 wide
    assert 0.12 < iv.high - iv.low < 0.28
    assert str(iv).count("[") == 1


def test_interval_is_deterministic_in_seed():
    x = np.arange(50.0)
    a = bootstrap_interval(lambda idx: x[idx].mean(), 50, seed=3)
    b = bootstrap_interval(lambda idx: x[idx].mean(), 50, seed=3)
    assert a == b


def test_degenerate_resamples_are_skipped_and_strata_kept():
    y = np.array([1] + [0] * 29)

    def needs_event(idx):
        if y[idx].sum() == 0:
            raise ValueError("no event")
        return y[idx].mean()

    iv = bootstrap_interval(needs_event, 30, n_boot=100, strata=y)
    # stratified: the one event is always drawn, so every resample has mean 1/30
    assert iv.low == pytest.approx(1 / 30) and iv.high == pytest.approx(1 / 30)


def test_too_many_failures_give_nan_bounds():
    iv = bootstrap_interval(lambda idx: float("nan") if len(set(idx)) > 1 else 1.0, 20, n_boot=50)
    assert np.isnan(iv.low) and np.isnan(iv.high)
    assert isinstance(iv, Interval)


def test_needs_two_rows():
    with pytest.raises(ValueError):
        bootstrap_interval(lambda idx: 0.0, 1)
