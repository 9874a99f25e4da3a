import numpy as np
import pandas as pd
import pytest
from hdhkits.cytologia.metric import (
    _NO_MATCH,
    giou,
    macro_f1,
    match_boxes,
    per_class_f1,
    score,
    score_details,
)
from hdhkits.findings import DataError
from hdhkits.problem import Score

A = (0, 0, 10, 10)


def frame(rows):
    return pd.DataFrame(rows, columns=["NAME", "x1", "y1", "x2", "y2", "class"])


def test_giou_hand_values():
    assert giou([A], [A])[0] == 1
    assert giou([A], [(5, 0, 15, 10)])[0] == pytest.approx(1 / 3)  # IoU 1/3, hull = union
    assert giou([A], [(20, 0, 30, 10)])[0] == pytest.approx(-1 / 3)  # 0 - 100/300
    assert giou([A], [(2, 2, 8, 8)])[0] == pytest.approx(0.36)  # inside: IoU 36/100


def test_perfect():
    t = frame([("a.jpg", *A, "LY"), ("b.jpg", 5, 5, 50, 60, "PNN")])
    r = score_details(t, t)
    assert (r.score, r.giou_term, r.mean_giou, r.macro_f1) == (1, 1, 1, 1)


def test_shifted_box():
    r = score_details(frame([("a.jpg", *A, "LY")]), frame([("a.jpg", 5, 0, 15, 10, "LY")]))
    assert r.giou_term == pytest.approx(2 / 3)
    assert r.score == pytest.approx(0.2 * 2 / 3 + 0.8)


def test_missing_image_counts_giou_minus_one_and_wrong_class():
    t = frame([("a.jpg", *A, "LY"), ("b.jpg", *A, "PNN")])
    r = score_details(t, t.iloc[:1])
    assert r.n_unmatched == 1 and r.mean_giou == 0
    assert r.macro_f1 == pytest.approx(0.5)
    assert r.score == pytest.approx(0.2 * 0.5 + 0.8 * 0.5)


def test_extra_boxes_are_not_penalised():
    t = frame([("a.jpg", *A, "LY")])
    p = frame([("a.jpg", 100, 100, 150, 150, "PNN"), ("a.jpg", *A, "LY")])
    assert score_details(t, p).score == 1


def test_wrong_class():
    t = frame([("a.jpg", *A, "LY"), ("b.jpg", *A, "PNN")])
    p = frame([("a.jpg", *A, "LY"), ("b.jpg", *A, "LY")])
    r = score_details(t, p)
    assert r.macro_f1 == pytest.approx((2 / 3 + 0) / 2)
    assert r.score == pytest.approx(0.2 + 0.8 / 3)


def test_several_cells_per_image():
    t = frame([("a.jpg", *A, "LY"), ("a.jpg", 20, 0, 30, 10, "PNN")])
    swapped = frame([("a.jpg", *A, "PNN"), ("a.jpg", 20, 0, 30, 10, "LY")])
    assert score_details(t, swapped).score == pytest.approx(0.2)
    one = frame([("a.jpg", *A, "LY")])  # one prediction serves both truths
    m = match_boxes(t, one)
    assert m["giou"].tolist() == pytest.approx([1, -1 / 3])
    assert score_details(t, one).score == pytest.approx(0.2 * (2 / 3) + 0.8 * (1 / 3))


def test_macro_f1_matches_sklearn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    y = rng.choice(list("abcde"), 500)
    p = np.where(rng.random(500) < 0.6, y, rng.choice(list("abcdef"), 500))
    assert macro_f1(y, p) == pytest.approx(f1_score(y, p, average="macro"))
    assert per_class_f1(y, p)["support"].sum() == 500


def test_empty_truth_is_an_error():
    with pytest.raises(DataError, match="empty"):
        score_details(frame([]), frame([]))
    with pytest.raises(DataError, match="lacks column"):
        score(frame([("a.jpg", *A, "LY")]).drop(columns="class"), frame([]))


def hand_per_class_f1(y_true, y_pred):
    """The kit's hand-written per-class F1 before it moved to scikit-learn (bincount), kept for parity."""
    y_true = np.asarray(y_true).astype(str)
    y_pred = np.asarray(y_pred).astype(str)
    labels = np.union1d(np.unique(y_true), np.unique(y_pred))
    labels = labels[labels != _NO_MATCH]
    index = {c: i for i, c in enumerate(labels)}
    k = len(labels)
    ti = np.array([index.get(c, k) for c in y_true], dtype=int)
    pi = np.array([index.get(c, k) for c in y_pred], dtype=int)
    hit = ti == pi
    tp = np.bincount(ti[hit], minlength=k + 1)[:k].astype(float)
    support = np.bincount(ti, minlength=k + 1)[:k].astype(float)
    predicted = np.bincount(pi, minlength=k + 1)[:k].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(support > 0, tp / support, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support.astype(int)},
        index=pd.Index(labels, name="class"),
    )


def parity_cases():
    rng = np.random.default_rng(12)
    cases = []
    for n, n_classes, right in ((500, 5, 0.6), (40, 23, 0.3), (7, 3, 0.9), (1000, 12, 0.8)):
        classes = [f"c{i}" for i in range(n_classes)]
        y = rng.choice(classes, n)
        p = np.where(rng.random(n) < right, y, rng.choice(classes + ["extra"], n))
        p = np.where(rng.random(n) < 0.1, _NO_MATCH, p)  # boxes whose image has no prediction
        cases.append((y, p))
    y = np.array(["LY", "LY", "PNN", "MO"])
    cases += [
        (y, y),  # perfect
        (y, np.array([_NO_MATCH] * 4)),  # nothing predicted
        (y, np.array(["PNN", "PNN", "LY", "LY"])),  # MO never predicted, all wrong
        (y, np.array(["LY", "LY", "PNN", "EO"])),  # EO predicted, absent from the truth
        (np.array(["LY"]), np.array(["LY"])),  # one box
        (np.array(["LY"] * 5), np.array(["LY", "LY", "PNN", _NO_MATCH, "PNN"])),  # one true class
    ]
    return cases


@pytest.mark.parametrize("case", range(10))
def test_per_class_and_macro_f1_equal_the_hand_written_versions(case):
    y, p = parity_cases()[case]
    lib, hand = per_class_f1(y, p), hand_per_class_f1(y, p)
    assert list(lib.index) == list(hand.index) and (lib["support"] == hand["support"]).all()
    np.testing.assert_allclose(
        lib[["precision", "recall", "f1"]].to_numpy(),
        hand[["precision", "recall", "f1"]].to_numpy(),
        rtol=0,
        atol=1e-12,
    )
    assert abs(macro_f1(y, p) - float(hand["f1"].mean())) <= 1e-12


def test_f1_of_nothing_is_zero():
    assert macro_f1([], []) == 0.0 and per_class_f1([], []).empty


def test_score_is_the_detailed_score_as_a_score():
    t, p = noisy_images(50)
    s, r = score(t, p), score_details(t, p)
    assert isinstance(s, Score) and s.value == r.score and s.parts == r.parts()


def noisy_images(n_images, seed=0):
    """Truth and a prediction with shifted boxes, 60 % right classes and two images left out."""
    rng = np.random.default_rng(seed)
    rows = []
    for j in range(n_images):
        for _ in range(rng.choice([1, 1, 2, 3])):
            x, y = rng.integers(0, 300, 2)
            rows.append(
                (f"{j}.jpg", x, y, x + rng.integers(20, 80), y + rng.integers(20, 80), rng.choice(list("abcdef")))
            )
    t = frame(rows)
    p = t.copy()
    p[["x1", "y1"]] += rng.integers(-15, 15, (len(p), 2))
    p["class"] = np.where(rng.random(len(p)) < 0.6, p["class"], rng.choice(list("abcdefg"), len(p)))
    return t, p[~p["NAME"].isin(["0.jpg", "1.jpg"])]


def test_degenerate_boxes_count_as_area_zero():
    """Zero or negative width or height: IoU 0, GIoU from the hull as given (see metric.py)."""
    truth = [(0, 0, 100, 100)] * 4
    pred = [
        (50, 50, 50, 80),  # zero width, inside the truth: hull = truth, GIoU 0
        (60, 60, 40, 40),  # inverted, corners inside: GIoU 0
        (200, 200, 200, 200),  # a point far away: hull 200 x 200, union 100 x 100
        (0, 0, 100, 100),
    ]
    assert giou(truth, pred).tolist() == pytest.approx([0, 0, -0.75, 1])
    # two degenerate boxes: identical gives 1, otherwise the hull decides (-1 when it is empty)
    assert giou(
        [(5, 5, 5, 5), (5, 5, 5, 5), (10, 10, 5, 5)], [(5, 5, 5, 5), (6, 6, 6, 6), (20, 20, 15, 15)]
    ).tolist() == [1, -1, -1]
    # in the score, a degenerate prediction inside the truth box earns a GIoU term of 0.5
    r = score_details(frame([("a.jpg", 0, 0, 100, 100, "LY")]), frame([("a.jpg", 50, 50, 50, 80, "LY")]))
    assert r.giou_term == pytest.approx(0.5) and r.macro_f1 == 1


def test_boxes_past_the_border_are_scored_as_given():
    """No clipping: a truth box starting at x1 = -40 is only matched perfectly by the same box."""
    truth = frame([("a.jpg", -40, 10, 100, 150, "LY")])
    same = score_details(truth, truth)
    clipped = score_details(truth, frame([("a.jpg", 0, 10, 100, 150, "LY")]))
    assert same.mean_giou == 1
    assert clipped.mean_giou == pytest.approx(100 / 140)  # inside the truth: IoU = area ratio, hull = truth
    # images of any size: coordinates of an 800 px image score like any other
    big = frame([("b.jpg", 420, 380, 700, 690, "PNN")])
    assert score_details(big, big).score == 1


def _repeated_images(table, names, counts):
    """The rows of the images ``names``, each image ``counts`` times under a new name: a resampled table."""
    parts = []
    for name, c in zip(names, counts):
        rows = table[table["NAME"] == name]
        parts += [rows.assign(NAME=f"{name}#{k}") for k in range(c)]
    return pd.concat(parts, ignore_index=True) if parts else table.iloc[:0]


@pytest.mark.parametrize("seed", range(3))
def test_unit_metric_with_unit_weights_is_the_official_score(seed):
    from hdhkits.cytologia.metric import unit_metric

    t, p = noisy_images(70, seed=seed)
    um = unit_metric(t)
    assert list(um.units) == list(pd.unique(t["NAME"]))
    assert um.scores(um.unit_terms(p), np.ones(um.n_units))[0] == pytest.approx(score(t, p).value, abs=1e-12)
    parts = um.parts(um.unit_terms(p), np.ones((1, um.n_units)))
    for name, value in score(t, p).parts.items():
        assert parts[name][0] == pytest.approx(value, abs=1e-12)


def test_unit_metric_of_counts_is_the_score_of_the_repeated_images():
    from hdhkits.cytologia.metric import unit_metric

    t, p = noisy_images(40, seed=4)
    um = unit_metric(t)
    rng = np.random.default_rng(0)
    counts = rng.multinomial(um.n_units, np.full(um.n_units, 1 / um.n_units), size=3)
    fast = um.scores(um.unit_terms(p), counts)
    for c, value in zip(counts, fast):
        expected = score(_repeated_images(t, um.units, c), _repeated_images(p, um.units, c)).value
        assert value == pytest.approx(expected, abs=1e-12)
