import numpy as np
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.drawing import CellPlan, draw_leukocyte, make_labs, render_image


def test_every_class_draws_a_cell_with_a_box():
    lab = make_labs(np.random.default_rng(0), 1)[0]
    for i, cls in enumerate(CLASSES):
        od, mask, (x1, y1, x2, y2) = draw_leukocyte(cls, np.random.default_rng(i), lab)
        assert od.shape[:2] == mask.shape and od.shape[2] == 3
        assert 0 <= x1 < x2 <= mask.shape[1] and 0 <= y1 < y2 <= mask.shape[0]
        assert np.isfinite(od).all() and od.max() > 0.1, cls


def test_render_is_a_function_of_the_generator():
    lab = make_labs(np.random.default_rng(1), 1)[0]
    a, boxes = render_image(np.random.default_rng(5), lab, (370, 368), [CellPlan("LY", 184, 185)])
    b, _ = render_image(np.random.default_rng(5), lab, (370, 368), [CellPlan("LY", 184, 185)])
    assert a.shape == (370, 368, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b) and len(boxes) == 1
    # the nucleus is darker than the cream background, which is bright
    x1, y1, x2, y2 = boxes[0]
    assert a[y1:y2, x1:x2].mean() < np.percentile(a, 95)
