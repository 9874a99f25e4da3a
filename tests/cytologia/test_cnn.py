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
