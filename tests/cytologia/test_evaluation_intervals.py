"""The intervals of hdhkits.cytologia.evaluation: score_interval resamples whole images, paired_difference pairs them."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cytologia.evaluation import paired_difference, score_interval
from hdhkits.cytologia.metric import score_details
from hdhkits.findings import DataError
from hdhkits.stats import bootstrap_interval

from .test_metric import A, frame, noisy_images


def test_interval_resamples_images_as_bootstrap_interval_does():
    """bootstrap_score over the image numbers draws exactly what bootstrap_interval drew before."""
    from hdhkits.cytologia.metric import resampled_parts

    t, p = noisy_images(60, seed=2)
    names, parts = resampled_parts(t, p)
    fast = score_interval(t, p, n_boot=100, seed=7)
    for part in ("score", "giou_term", "mean_giou", "macro_f1"):
        before = bootstrap_interval(lambda idx: parts(idx)[part], len(names), n_boot=100, seed=7)
        assert fast[part] == before


def test_interval_contains_the_point_estimate_of_every_part():
    t, p = noisy_images(120)
    r = score_details(t, p)
    iv = score_interval(t, p, n_boot=200, seed=0)
    assert set(iv) == {"score", "giou_term", "mean_giou", "macro_f1"}
    for name, value in {"score": r.score, **r.parts()}.items():
        assert iv[name].estimate == pytest.approx(value)
        assert iv[name].low < value < iv[name].high
        assert iv[name].level == 0.95


def test_interval_is_deterministic_in_seed():
    t, p = noisy_images(80)
    assert score_interval(t, p, n_boot=50, seed=3) == score_interval(t, p, n_boot=50, seed=3)
    assert score_interval(t, p, n_boot=50, seed=3)["score"] != score_interval(t, p, n_boot=50, seed=4)["score"]


def test_interval_narrows_with_more_images():
    width = {}
    for n in (40, 640):
        t, p = noisy_images(n)
        iv = score_interval(t, p, n_boot=200)
        width[n] = {k: v.high - v.low for k, v in iv.items()}
    for part in ("score", "giou_term", "macro_f1"):
        assert width[640][part] < 0.5 * width[40][part]  # about 1 / sqrt(16)


def test_interval_equals_rescoring_resampled_images():
    """Every resample is the metric of the drawn images, each copy a distinct image."""
    t, p = noisy_images(30, seed=1)
    names = t["NAME"].unique()

    def rescored(idx):
        tt = pd.concat([t[t["NAME"] == names[j]].assign(NAME=f"copy{r}") for r, j in enumerate(idx)])
        pp = pd.concat([p[p["NAME"] == names[j]].assign(NAME=f"copy{r}") for r, j in enumerate(idx)])
        return score_details(tt, pp).score

    slow = bootstrap_interval(rescored, len(names), n_boot=20, seed=5)
    fast = score_interval(t, p, n_boot=20, seed=5)["score"]
    assert (fast.estimate, fast.low, fast.high) == pytest.approx((slow.estimate, slow.low, slow.high))


def test_boxes_of_one_image_stay_together():
    # two images of ten boxes each: one all right, one all wrong (the other class, a far box).
    # Resampling images only gives all-right, all-wrong or the mix; resampling rows would
    # give every share of right boxes between.
    a = [("a.jpg", 10 * i, 0, 10 * i + 10, 10, "LY") for i in range(10)]
    b = [("b.jpg", 10 * i, 0, 10 * i + 10, 10, "PNN") for i in range(10)]
    t = frame(a + b)
    p = frame(a + [("b.jpg", 500, 500, 510, 510, "LY")] * 10)
    mix = score_details(t, p).giou_term
    iv = score_interval(t, p, n_boot=400, seed=0)
    values = {round(mix, 9)}
    values |= {round(score_details(t[t["NAME"] == n], p[p["NAME"] == n]).giou_term, 9) for n in ("a.jpg", "b.jpg")}
    assert round(iv["giou_term"].low, 9) in values and round(iv["giou_term"].high, 9) in values
    assert iv["giou_term"].low < mix < iv["giou_term"].high  # both extremes occur in 400 draws


def test_interval_needs_two_images():
    t = frame([("a.jpg", *A, "LY"), ("a.jpg", 20, 0, 30, 10, "PNN")])
    with pytest.raises(DataError, match="two images"):
        score_interval(t, t)
    with pytest.raises(DataError, match="empty"):
        score_interval(frame([]), frame([]))


def test_paired_difference_is_paired():
    names = [f"{i}.jpg" for i in range(30)]
    truth = pd.DataFrame({"NAME": names, "x1": 0, "y1": 0, "x2": 10, "y2": 10, "class": ["PNN", "LY", "MO"] * 10})
    a = truth.assign(**{"class": ["PNN", "LY", "MO"] * 8 + ["PNN"] * 6})
    b = truth.assign(**{"class": ["PNN"] * 30})
    same = paired_difference(truth, a, a.copy(), n_boot=50)
    assert same.estimate == same.low == same.high == 0  # paired: identical predictions never differ
    d = paired_difference(truth, a, b, n_boot=50)
    assert np.isclose(d.estimate, score_details(truth, a).score - score_details(truth, b).score)
    assert 0 < d.low <= d.estimate <= d.high
    r = paired_difference(truth, b, a, n_boot=50)
    assert np.isclose(r.estimate, -d.estimate) and np.isclose(r.low, -d.high)


def test_paired_difference_draws_what_the_kits_bootstrap_of_the_difference_drew():
    """On hdhkits.evaluation.bootstrap_difference: the same resamples as bootstrap_score of score(a) - score(b)."""
    from hdhkits.cytologia.metric import resampled_parts
    from hdhkits.evaluation import bootstrap_score

    t, a = noisy_images(50, seed=3)
    _, b = noisy_images(50, seed=4)
    names, parts_a = resampled_parts(t, a)
    _, parts_b = resampled_parts(t, b)
    before = bootstrap_score(
        lambda idx: parts_a(idx)["score"] - parts_b(idx)["score"], np.arange(len(names)), n_boot=80, seed=2
    )
    assert paired_difference(t, a, b, n_boot=80, seed=2) == before


def test_paired_difference_refuses_predictions_of_other_images():
    t, a = noisy_images(20)
    with pytest.raises(DataError, match="other images|different images|empty|two images"):
        paired_difference(t.iloc[:0], a, a)
