import numpy as np
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.cnn.network import predict_proba
from hdhkits.cytologia.cnn.persistence import load_cnn, save_cnn
from hdhkits.cytologia.cnn.training import TrainConfig, train_cnn


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
    save_cnn(model, tmp_path, {"note": "test"})
    model2, meta = load_cnn(tmp_path)
    assert meta["note"] == "test" and meta["width"] == 8
    assert np.array_equal(predict_proba(model2, crops, extra, "cpu"), before)
    assert load_cnn(tmp_path / "nothing") is None
