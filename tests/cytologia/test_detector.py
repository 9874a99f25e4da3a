import numpy as np

from hdhkits.cytologia.detector import StainDetector, find_candidates


def test_detects_the_annotated_cell(cyto_data):
    singles = cyto_data.train.groupby("NAME").filter(lambda g: len(g) == 1).head(10)
    hits = 0
    for row in singles.itertuples():
        c = find_candidates(cyto_data.load_image(row.NAME))
        assert c, row.NAME
        cx, cy = (c[0].x1 + c[0].x2) / 2, (c[0].y1 + c[0].y2) / 2
        hits += row.x1 <= cx <= row.x2 and row.y1 <= cy <= row.y2
    assert hits >= 8


def test_returns_exactly_the_asked_number(cyto_data, tmp_path):
    det = StainDetector()
    img = cyto_data.load_image(cyto_data.train["NAME"].iloc[0])
    for k in (1, 2, 5):
        boxes = det.detect(img, k)
        assert boxes.shape == (k, 4)
        assert (boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all()
    blank = np.full((300, 320, 3), 235, np.uint8)  # nothing to find: central fallback boxes
    assert det.detect(blank, 3).shape == (3, 4)
    assert det.detect(None, 2, (368, 370)).shape == (2, 4)
    pred = det.predict(cyto_data, cyto_data.test)
    assert len(pred) == len(cyto_data.test) and pred[["x1", "y1", "x2", "y2"]].notna().all().all()
    det.save(tmp_path / "d.json")
    assert StainDetector.load(tmp_path / "d.json") == det
