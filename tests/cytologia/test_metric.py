import numpy as np
import pandas as pd
import pytest

from hdhkits.cytologia.metric import cytologia_score, giou, macro_f1, match_boxes, per_class_f1

A = (0, 0, 10, 10)


def frame(rows):
    return pd.DataFrame(rows, columns=["NAME", "x1", "y1", "x2", "y2", "class"])


def test_giou_hand_values():
    assert giou([A], [A])[0] == 1
    assert giou([A], [(5, 0, 15, 10)])[0] == pytest.approx(1 / 3)        # IoU 1/3, hull = union
    assert giou([A], [(20, 0, 30, 10)])[0] == pytest.approx(-1 / 3)      # 0 - 100/300
    assert giou([A], [(2, 2, 8, 8)])[0] == pytest.approx(0.36)           # inside: IoU 36/100


def test_perfect():
    t = frame([("a.jpg", *A, "LY"), ("b.jpg", 5, 5, 50, 60, "PNN")])
    r = cytologia_score(t, t)
    assert (r.score, r.giou_term, r.mean_giou, r.macro_f1) == (1, 1, 1, 1)


def test_shifted_box():
    r = cytologia_score(frame([("a.jpg", *A, "LY")]), frame([("a.jpg", 5, 0, 15, 10, "LY")]))
    assert r.giou_term == pytest.approx(2 / 3)
    assert r.score == pytest.approx(0.2 * 2 / 3 + 0.8)


def test_missing_image_counts_giou_minus_one_and_wrong_class():
    t = frame([("a.jpg", *A, "LY"), ("b.jpg", *A, "PNN")])
    r = cytologia_score(t, t.iloc[:1])
    assert r.n_unmatched == 1 and r.mean_giou == 0
    assert r.macro_f1 == pytest.approx(0.5)
    assert r.score == pytest.approx(0.2 * 0.5 + 0.8 * 0.5)


def test_extra_boxes_are_not_penalised():
    t = frame([("a.jpg", *A, "LY")])
    p = frame([("a.jpg", 100, 100, 150, 150, "PNN"), ("a.jpg", *A, "LY")])
    assert cytologia_score(t, p).score == 1


def test_wrong_class():
    t = frame([("a.jpg", *A, "LY"), ("b.jpg", *A, "PNN")])
    p = frame([("a.jpg", *A, "LY"), ("b.jpg", *A, "LY")])
    r = cytologia_score(t, p)
    assert r.macro_f1 == pytest.approx((2 / 3 + 0) / 2)
    assert r.score == pytest.approx(0.2 + 0.8 / 3)


def test_several_cells_per_image():
    t = frame([("a.jpg", *A, "LY"), ("a.jpg", 20, 0, 30, 10, "PNN")])
    swapped = frame([("a.jpg", *A, "PNN"), ("a.jpg", 20, 0, 30, 10, "LY")])
    assert cytologia_score(t, swapped).score == pytest.approx(0.2)
    one = frame([("a.jpg", *A, "LY")])  # one prediction serves both truths
    m = match_boxes(t, one)
    assert m["giou"].tolist() == pytest.approx([1, -1 / 3])
    assert cytologia_score(t, one).score == pytest.approx(0.2 * (2 / 3) + 0.8 * (1 / 3))


def test_macro_f1_matches_sklearn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    y = rng.choice(list("abcde"), 500)
    p = np.where(rng.random(500) < 0.6, y, rng.choice(list("abcdef"), 500))
    assert macro_f1(y, p) == pytest.approx(f1_score(y, p, average="macro"))
    assert per_class_f1(y, p)["support"].sum() == 500


def test_empty_truth_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        cytologia_score(frame([]), frame([]))
