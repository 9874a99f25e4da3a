import numpy as np
import pandas as pd
import pytest
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


def test_full_settings_fill_quick_modes_defaults_and_refuse_unknown_keys():
    from hdhkits.cytologia.baselines import full_settings
    from hdhkits.findings import DataError

    assert full_settings(None)["max_train_images"] == 3000 and full_settings(None, quick=True)["epochs"] == 30
    assert full_settings({"max_train_images": None}, quick=True)["max_train_images"] is None  # every image
    with pytest.raises(DataError, match="unknown setting"):
        full_settings({"n_fold": 3})


def test_train_baseline_scores_every_model_on_the_same_hold_out_and_final_is_fit_baseline(cyto_data, tmp_path):
    """02's comparison and 03's training make the same models: final(name) is fit_baseline's model."""
    from hdhkits.cytologia.baselines import fit_baseline, is_cnn, train_baseline
    from hdhkits.cytologia.classical import make_classical
    from sklearn.linear_model import LogisticRegression

    settings = {"max_train_images": 80, "epochs": 1, "device": "cpu"}
    models = {name: PROBLEM.make_model(name, 0, True, settings) for name in PROBLEM.models}
    models["yours"] = LogisticRegression(max_iter=300)
    assert is_cnn(models["cnn"]) and not is_cnn(models["forest"]) and not is_cnn(models["yours"])
    run = train_baseline(cyto_data, models, tmp_path, settings, quick=True, progress=False)
    assert list(run.predictions) == ["forest", "cnn", "yours"] and len(run.history) == 1
    assert [p.name for p in tmp_path.iterdir()] == [
        "cytologia_cnn_checkpoint.pt"
    ]  # training writes only its checkpoint
    holdout_names = set(run.train.iloc[run.folds[0][1]]["NAME"])
    for pred in run.predictions.values():  # the detector's boxes of the hold-out images, each model's classes
        assert pred[["NAME", "x1", "y1", "x2", "y2"]].equals(run.detected[["NAME", "x1", "y1", "x2", "y2"]])
        assert set(pred["NAME"]) == holdout_names and pred["class"].isin(CLASSES).all()
    fit_rows = run.folds[0][0]
    assert run.candidates["forest"].meta["n_fit_boxes"] == len(fit_rows)  # the training part only
    cnn = run.candidates["cnn"].meta
    assert cnn["n_fit_boxes"] + cnn["n_stop_boxes"] == len(fit_rows)
    test = cyto_data.test.head(20)[["trustii_id", "NAME"]]
    for name in ("forest", "yours"):
        final = run.final(name)
        assert final.meta["n_fit_boxes"] == len(run.train)  # refitted on every train box
        same = fit_baseline(models[name], cyto_data, settings, quick=True, progress=False)
        assert final.predict(cyto_data, test).equals(same.predict(cyto_data, test))
    assert run.final("cnn") is run.candidates["cnn"]  # the CNN submitted is the one scored
    forest = make_classical(0)
    assert run.final("forest").model.get_params() == forest.get_params()


def test_train_baseline_takes_the_crops_and_features_the_caller_made(cyto_data, tmp_path):
    from hdhkits.cytologia.baselines import full_settings, train_baseline, training_boxes
    from hdhkits.cytologia.features import crop_features, extract_crops

    settings = {"max_train_images": 60, "device": "cpu"}
    models = {"forest": PROBLEM.make_model("forest", 0, True, settings)}
    train, _ = training_boxes(cyto_data, full_settings(settings, True), 0)
    crops = extract_crops(cyto_data, train)
    features = crop_features(crops, train)
    made = train_baseline(cyto_data, models, tmp_path, settings, quick=True, progress=False)
    given = train_baseline(
        cyto_data, models, tmp_path, settings, quick=True, progress=False, crops=crops, features=features
    )
    assert given.predictions["forest"].equals(made.predictions["forest"])
    with pytest.raises(ValueError, match=f"for {len(train)} training boxes"):
        train_baseline(cyto_data, models, tmp_path, settings, quick=True, progress=False, crops=crops[:5])
