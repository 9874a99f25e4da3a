import numpy as np
import torch

from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.cnn import TrainConfig, augment, load_model, predict_proba, save_model, train_cnn


def test_augment_shapes():
    x = torch.randint(0, 255, (4, 3, 72, 72), dtype=torch.uint8)
    g = torch.Generator().manual_seed(0)
    assert augment(x, g, 64, train=True).shape == (4, 3, 64, 64)
    assert augment(x, None, 64, train=False).shape == (4, 3, 64, 64)


def test_one_tiny_epoch_then_reload_gives_identical_predictions(tmp_path):
    rng = np.random.default_rng(0)
    crops = rng.integers(0, 255, (40, 72, 72, 3), dtype=np.uint8)
    extra = rng.normal(size=(40, 3)).astype(np.float32)
    labels = np.array(CLASSES[:4] * 10)
    model, hist = train_cnn(crops, extra, labels, np.arange(30), np.arange(30, 40),
                            TrainConfig(epochs=1, batch_size=16, width=8), device="cpu", progress=False)
    assert list(hist.columns)[:5] == ["epoch", "train_loss", "val_loss", "val_accuracy", "val_macro_f1"]
    assert len(hist) == 1
    before = predict_proba(model, crops, extra, "cpu")
    assert before.shape == (40, 23) and np.allclose(before.sum(1), 1, atol=1e-5)
    save_model(model, tmp_path, {"note": "test"})
    model2, meta = load_model(tmp_path)
    assert meta["note"] == "test" and meta["width"] == 8
    assert np.array_equal(predict_proba(model2, crops, extra, "cpu"), before)
    assert load_model(tmp_path / "nothing") is None


def test_baseline_predicts_a_large_image_and_a_border_cell(tmp_path):
    """Detector + crops + CNN on an 800 x 760 image and a cell cut by the left border."""
    import pandas as pd
    from PIL import Image

    from hdhkits.cytologia.baseline import Baseline
    from hdhkits.cytologia.cnn import CellNet
    from hdhkits.cytologia.detector import StainDetector
    from hdhkits.cytologia.drawing import CellPlan, make_labs, render_image
    from hdhkits.cytologia.features import extract_crops
    from hdhkits.cytologia.reader import read_dataset

    labs = make_labs(np.random.default_rng(0), 20)
    (tmp_path / "images").mkdir()
    rows = []
    for name, size, cell in [("big.jpg", (760, 800), CellPlan("PNN", 420, 400)),
                             ("edge.jpg", (370, 368), CellPlan("LY", 20, 180))]:
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
