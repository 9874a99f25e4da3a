import numpy as np
import pandas as pd
import torch
from hdhkits.cytologia.baselines import Baseline, oracle_score
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.cnn.network import CellNet
from hdhkits.cytologia.detector import StainDetector
from hdhkits.cytologia.drawing import CellPlan, make_labs, render_image
from hdhkits.cytologia.features import extract_crops
from hdhkits.cytologia.problem import PROBLEM
from hdhkits.cytologia.reader import read_dataset
from PIL import Image


def test_oracle_scores_one(cyto_source):
    s = oracle_score(PROBLEM.read_truth(cyto_source.truth_dir))
    assert s.value == 1 and set(s.parts.values()) == {1.0}


def test_baseline_predicts_a_large_image_and_a_border_cell(tmp_path):
    """Detector + crops + CNN on an 800 x 760 image and a cell cut by the left border."""
    labs = make_labs(np.random.default_rng(0), 20)
    (tmp_path / "images").mkdir()
    rows = []
    for name, size, cell in [
        ("big.jpg", (760, 800), CellPlan("PNN", 420, 400)),
        ("edge.jpg", (370, 368), CellPlan("LY", 20, 180)),
    ]:
        lab = next(lab for lab in labs if lab.size == size)
        img, boxes = render_image(np.random.default_rng(1), lab, size, [cell])
        Image.fromarray(img).save(tmp_path / "images" / name, quality=90)
        rows.append((name, *boxes[0], cell.cls))
    train = pd.DataFrame(rows, columns=["NAME", "x1", "y1", "x2", "y2", "class"])
    train.to_csv(tmp_path / "train.csv", index=False)
    pd.DataFrame({"trustii_id": [1, 2], "NAME": ["big.jpg", "edge.jpg"]}).to_csv(tmp_path / "test.csv", index=False)
    data = read_dataset(tmp_path)
    assert data.report.boxes_clipped == 1 and data.images.set_index("NAME").loc["big.jpg", "width"] == 800

    crops = extract_crops(data, train)  # the raw boxes: one past the border, one in a large image
    assert crops.shape == (2, 72, 72, 3)
    assert crops[1, :, :5].mean() > 100  # the part outside the image is filled with the image's colour, not black

    torch.manual_seed(0)
    baseline = Baseline(StainDetector(), CellNet(width=8), {"classes": list(CLASSES), "crop_size": 72, "crop": 64})
    pred = baseline.predict(data, data.test[["trustii_id", "NAME"]], device="cpu")
    assert len(pred) == 2 and set(pred["class"]) <= set(CLASSES)
    big, edge = pred.set_index("NAME").loc["big.jpg"], pred.set_index("NAME").loc["edge.jpg"]
    assert big["x2"] > 400 and big["y2"] > 400
    assert edge["x1"] < 0  # the cut cell's box runs past the border, like its annotation
