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
    model, hist = train_cnn(
        crops,
        extra,
        labels,
        np.arange(30),
        np.arange(30, 40),
        TrainConfig(epochs=1, batch_size=16, width=8),
        device="cpu",
        progress=False,
    )
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
    from hdhkits.cytologia.baselines import Baseline
    from hdhkits.cytologia.cnn import CellNet
    from hdhkits.cytologia.detector import StainDetector
    from hdhkits.cytologia.drawing import CellPlan, make_labs, render_image
    from hdhkits.cytologia.features import extract_crops
    from hdhkits.cytologia.reader import read_dataset
    from PIL import Image

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


# --- machines: device choice, mixed precision, workers, checkpoints ---------------------------------------------

import pytest
from hdhkits.cytologia.cnn import CHECKPOINT_FILE, amp_setup, pick_device


@pytest.mark.parametrize(
    "cuda, mps, expected", [(True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu")]
)
def test_auto_device_prefers_cuda_then_mps_then_cpu(cuda, mps, expected):
    assert pick_device("auto", cuda_available=cuda, mps_available=mps).type == expected
    assert pick_device(None, cuda_available=cuda, mps_available=mps).type == expected


def test_an_explicit_device_is_kept_or_refused_when_torch_does_not_see_it():
    assert pick_device("cpu", cuda_available=True, mps_available=True).type == "cpu"
    assert pick_device("cuda:1", cuda_available=True, mps_available=False) == torch.device("cuda", 1)
    assert pick_device(torch.device("mps"), cuda_available=False, mps_available=True).type == "mps"
    with pytest.raises(ValueError, match="no CUDA GPU"):
        pick_device("cuda", cuda_available=False, mps_available=True)
    with pytest.raises(ValueError, match="no Apple MPS"):
        pick_device("mps", cuda_available=True, mps_available=False)


@pytest.mark.filterwarnings("ignore:torch.cuda.amp.GradScaler is enabled, but CUDA is not available")
def test_mixed_precision_only_on_cuda():
    for device in ("cpu", "mps"):
        setup = amp_setup(device)
        assert not setup.enabled and setup.scaler is None
        with setup.autocast():  # a no-op: float32 stays float32
            assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32
    assert amp_setup("cuda").enabled and amp_setup("cuda").dtype == torch.float16
    assert amp_setup("cuda").device_type == "cuda"
    assert not amp_setup("cuda", requested=False).enabled


def _toy(n=60, seed=0):
    rng = np.random.default_rng(seed)
    crops = rng.integers(0, 255, (n, 72, 72, 3), dtype=np.uint8)
    extra = rng.normal(size=(n, 3)).astype(np.float32)
    labels = np.array([CLASSES[i % 5] for i in range(n)])
    return crops, extra, labels


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_cpu_training_records_no_amp_and_workers_do_not_change_the_result():
    crops, extra, labels = _toy()
    cfg = dict(epochs=2, batch_size=16, width=8, patience=9)
    m0, h0 = train_cnn(
        crops, extra, labels, np.arange(45), np.arange(45, 60), TrainConfig(**cfg), device="cpu", progress=False
    )
    assert h0.attrs["device"] == "cpu" and h0.attrs["amp"] is False and h0.attrs["resumed_from"] == 0
    m2, h2 = train_cnn(
        crops,
        extra,
        labels,
        np.arange(45),
        np.arange(45, 60),
        TrainConfig(**cfg, num_workers=2),
        device="cpu",
        progress=False,
    )
    cols = ["train_loss", "val_loss", "val_macro_f1"]
    assert np.array_equal(h0[cols].to_numpy(), h2[cols].to_numpy())
    assert all(torch.equal(a, b) for a, b in zip(_weights(m0).values(), _weights(m2).values()))


def test_an_interrupted_training_resumes_where_it_stopped(tmp_path):
    """Train 4 epochs in a row; train again, interrupted after epoch 2, then resume: same curves, same weights."""
    crops, extra, labels = _toy()
    cfg = TrainConfig(epochs=4, batch_size=16, width=8, patience=9)
    args = (crops, extra, labels, np.arange(45), np.arange(45, 60), cfg)
    straight, h_straight = train_cnn(*args, device="cpu", progress=False)

    ckpt = tmp_path / CHECKPOINT_FILE

    def interrupt(epoch, row):
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_cnn(*args, device="cpu", progress=False, checkpoint=ckpt, on_epoch_end=interrupt)
    state = torch.load(ckpt, weights_only=True)
    assert state["epoch"] == 2 and not state["finished"] and len(state["history"]) == 2
    epochs_run = []
    resumed, h_resumed = train_cnn(
        *args, device="cpu", progress=False, checkpoint=ckpt, on_epoch_end=lambda epoch, row: epochs_run.append(epoch)
    )
    assert epochs_run == [3, 4] and h_resumed.attrs["resumed_from"] == 2
    cols = ["epoch", "train_loss", "val_loss", "val_accuracy", "val_macro_f1"]
    assert np.allclose(h_resumed[cols].to_numpy(), h_straight[cols].to_numpy(), atol=1e-6)
    for a, b in zip(_weights(straight).values(), _weights(resumed).values()):
        assert torch.allclose(a.float(), b.float(), atol=1e-6)
    # a finished checkpoint is returned as it is, without training
    epochs_run.clear()
    _again, h_again = train_cnn(
        *args, device="cpu", progress=False, checkpoint=ckpt, on_epoch_end=lambda epoch, row: epochs_run.append(epoch)
    )
    assert epochs_run == [] and len(h_again) == 4 and h_again.attrs["resumed_from"] == 4


def test_a_checkpoint_of_other_settings_or_data_is_not_resumed(tmp_path):
    crops, extra, labels = _toy()
    ckpt = tmp_path / CHECKPOINT_FILE
    cfg = TrainConfig(epochs=1, batch_size=16, width=8)
    train_cnn(
        crops, extra, labels, np.arange(45), np.arange(45, 60), cfg, device="cpu", progress=False, checkpoint=ckpt
    )
    runs = []
    for kwargs in [
        dict(config=TrainConfig(epochs=1, batch_size=16, width=8, lr=1e-3)),  # another recipe
        dict(config=cfg, labels=np.roll(labels, 1)),  # other labels
        dict(config=cfg, resume=False),
    ]:  # asked to start over
        kwargs.setdefault("labels", labels)
        _, h = train_cnn(
            crops,
            extra,
            kwargs.pop("labels"),
            np.arange(45),
            np.arange(45, 60),
            device="cpu",
            progress=False,
            checkpoint=ckpt,
            **kwargs,
        )
        runs.append(h.attrs["resumed_from"])
    assert runs == [0, 0, 0]
    # speed-only settings do not change the fingerprint: this one resumes (finished)
    _, h = train_cnn(
        crops,
        extra,
        labels,
        np.arange(45),
        np.arange(45, 60),
        TrainConfig(epochs=1, batch_size=16, width=8, num_workers=1, amp=False),
        device="cpu",
        progress=False,
        checkpoint=ckpt,
    )
    assert h.attrs["resumed_from"] == 1
