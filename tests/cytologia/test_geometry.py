import numpy as np
import pandas as pd
import pytest
from hdhkits.cytologia.geometry import (
    USUAL_SIDES,
    box_findings,
    empty_box_findings,
    image_findings,
    image_size_findings,
    image_sizes,
)
from PIL import Image


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    Image.new("RGB", (370, 368), "white").save(folder / "a.jpg")
    Image.new("RGB", (800, 760), "white").save(folder / "big.jpg")
    (folder / "bad.jpg").write_bytes(b"not an image")
    return folder


def test_image_sizes_from_headers(images):
    sizes = image_sizes(images, ["a.jpg", "big.jpg", "a.jpg", "bad.jpg", "gone.jpg"])
    assert list(sizes.index) == ["a.jpg", "big.jpg", "bad.jpg", "gone.jpg"]
    assert tuple(sizes.loc["big.jpg", ["width", "height"]]) == (800, 760)
    assert sizes.loc["gone.jpg", "status"] == "missing" and sizes.loc["bad.jpg", "status"] not in ("ok", "missing")
    found = image_findings(sizes)
    assert [f.kind for f in found] == ["missing_file", "unreadable_file", "unusual_image_size"]
    assert [f.severity for f in found] == ["error", "error", "warning"]
    size = found[-1]
    assert size.count == 1 and size.extreme == 800 and "800 x 760 (big.jpg)" in size.message
    assert size.file == "images/" and "own size" in size.fix


def test_usual_sizes_give_no_warning():
    lo, hi = USUAL_SIDES
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
