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


def _draw(lab_size, cells, seed=0):
    """One image from the twin's drawing code: a lab of the given image size, the given cells."""
    from hdhkits.cytologia.drawing import CellPlan, make_labs, render_image

    labs = make_labs(np.random.default_rng(0), 20)
    lab = next(lab for lab in labs if lab.size == lab_size)
    return render_image(np.random.default_rng(seed), lab, lab_size, [CellPlan(c, x, y) for c, x, y in cells])


def test_large_image_is_detected_at_a_scaled_working_resolution():
    from hdhkits.cytologia.detector import working_step
    from hdhkits.cytologia.metric import giou

    assert working_step(368, 370) == 2 and working_step(760, 800) == 4
    img, boxes = _draw((760, 800), [("LY", 400, 380)])
    assert img.shape == (760, 800, 3)
    out = StainDetector().detect(img, 1)
    assert giou(np.array(boxes[:1], float), out)[0] > 0.5
    assert out[0, 2] > 400 and out[0, 3] > 400  # a cell of an 800 px image: coordinates beyond 400
    # nothing found in a large blank image: the fallback box is scaled with the image
    fallback = StainDetector().detect(np.full((760, 800, 3), 235, np.uint8), 1)[0]
    assert fallback[2] - fallback[0] > 250


def test_cell_cut_by_the_border_gets_a_box_past_the_border():
    from hdhkits.cytologia.metric import giou

    img, boxes = _draw((370, 368), [("LY", 25, 180)])
    truth = np.array(boxes[:1], float)
    assert truth[0, 0] < 0  # the drawn cell runs past the left edge
    cands = find_candidates(img)
    assert cands and "l" in cands[0].cut
    out = StainDetector().detect(img, 1)
    assert out[0, 0] < 0  # extended past the border, as annotators draw it
    clipped = np.clip(out, 0, None)
    assert giou(truth, out)[0] > giou(truth, clipped)[0]
