import numpy as np
import pandas as pd
from hdhkits.cytologia.plausibility import (
    PLAUSIBLE_RANGES,
    box_findings,
    empty_box_findings,
    image_size_findings,
    outside_box_findings,
    plausibility_findings,
    plausible_values,
)


def test_usual_sizes_give_no_warning():
    lo, hi = PLAUSIBLE_RANGES["image_side"]
    sizes = pd.DataFrame(
        {"width": [lo, hi, 370], "height": [hi, lo, 368], "status": "ok"}, index=pd.Index(["a", "b", "c"], name="NAME")
    )
    assert image_size_findings(sizes) == []


def test_box_findings_one_per_side_with_rows_and_extremes():
    sizes = pd.DataFrame(
        {"width": [370, 800], "height": [368, 760], "status": "ok"}, index=pd.Index(["a.jpg", "big.jpg"], name="NAME")
    )
    table = pd.DataFrame(
        [
            ("a.jpg", 10, 10, 150, 150),  # inside
            ("a.jpg", -85, 10, 60, 150),  # left, row 2
            ("a.jpg", -3, -12, 100, 100),  # left and top, row 3
            ("a.jpg", 300, 200, 390, 380),  # right (by 20) and bottom (by 12), row 4
            ("big.jpg", 500, 400, 790, 700),  # inside a large image
            ("gone.jpg", -50, 0, 10, 10),  # unknown size: not checked
        ],
        columns=["NAME", "x1", "y1", "x2", "y2"],
    )
    found = {f.column: f for f in box_findings(table, sizes, "train.csv", "clipped")}
    assert set(found) == {"x1", "y1", "x2", "y2"}
    assert (found["x1"].count, found["x1"].rows, found["x1"].extreme) == (2, (2, 3), -85)
    assert (found["y1"].rows, found["y1"].extreme) == ((3,), -12)
    assert (found["x2"].rows, found["x2"].extreme) == ((4,), 20)
    assert (found["y2"].rows, found["y2"].extreme) == ((4,), 12)
    assert all(
        f.kind == "box_past_border" and f.severity == "warning" and f.file == "train.csv" for f in found.values()
    )


def test_empty_boxes():
    table = pd.DataFrame(
        [("a", 10, 10, 5, 50), ("a", 10, 10, 50, 10), ("a", 0, 0, 9, 9), ("a", "x", 0, 1, 1)],
        columns=["NAME", "x1", "y1", "x2", "y2"],
    )
    found = empty_box_findings(table, "train.csv", "left out")
    assert [(f.column, f.rows, f.extreme) for f in found] == [("x2", (1,), -5), ("y2", (2,), 0)]
    assert all(f.kind == "empty_box" and f.severity == "warning" for f in found)
    assert empty_box_findings(table, "", "fix", severity="error")[0].is_error
    assert np.isnan(pd.to_numeric(table["x1"], errors="coerce")[3])  # a non-number is the schema's finding


def test_plausibility_findings_of_train_boxes_read_the_sizes_from_the_table():
    table = pd.DataFrame(
        [("a.jpg", -20, 10, 60, 150, 370, 368), ("a.jpg", 40, 10, 30, 50, 370, 368), ("b.jpg", 5, 5, 50, 50, 370, 368)],
        columns=["NAME", "x1", "y1", "x2", "y2", "width", "height"],
    )
    found = plausibility_findings(table, "train.csv")
    assert [(f.kind, f.column, f.rows) for f in found] == [("empty_box", "x2", (2,)), ("box_past_border", "x1", (1,))]
    assert all(f.severity == "warning" and f.file == "train.csv" for f in found)
    # without sizes, only the empty boxes can be seen
    assert [f.kind for f in plausibility_findings(table.drop(columns=["width", "height"]), "train.csv")] == [
        "empty_box"
    ]


def test_plausible_values_clip_to_the_image_and_leave_empty_boxes_out():
    table = pd.DataFrame(
        [(-20, 10, 60, 150), (40, 10, 30, 50), (300, -5, 400, 380), (5, 5, 50, 50)],
        columns=["x1", "y1", "x2", "y2"],
    ).assign(NAME="a.jpg", width=370, height=368)
    kept = plausible_values(table)
    assert list(kept.index) == [0, 2, 3] and kept["clipped"].tolist() == [True, True, False]
    assert kept.loc[0, ["x1", "y1", "x2", "y2"]].tolist() == [0, 10, 60, 150]
    assert kept.loc[2, ["x1", "y1", "x2", "y2"]].tolist() == [300, 0, 370, 368]
    assert len(plausible_values(table, drop_empty=False)) == 4
    assert table.loc[0, "x1"] == -20  # a copy: the table is left as it was


def test_a_box_wholly_outside_its_image():
    sizes = pd.DataFrame({"width": [370], "height": [368], "status": "ok"}, index=pd.Index(["a.jpg"], name="NAME"))
    table = pd.DataFrame(
        [("a.jpg", -50, 10, -5, 60), ("a.jpg", -50, 10, 5, 60), ("a.jpg", 380, 10, 420, 60)],
        columns=["NAME", "x1", "y1", "x2", "y2"],
    )
    (found,) = outside_box_findings(table, sizes, "submission.csv", "scored as given")
    assert (found.kind, found.rows, found.count, found.severity) == ("box_outside_image", (1, 3), 2, "warning")
