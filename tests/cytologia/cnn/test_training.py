import numpy as np
import pytest
import torch
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.cnn.persistence import CHECKPOINT_FILE
from hdhkits.cytologia.cnn.training import TrainConfig, train_cnn


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


@pytest.mark.parametrize("patience", [9, 1])
def test_the_progress_bar_counts_every_epoch_run(capsys, monkeypatch, patience):
    """The bar reaches the epochs run: 3/3 when all ran, the early-stopping epoch when it stopped sooner."""
    from tqdm.std import tqdm as live_tqdm

    # the suite runs headless (HDHKITS_HEADLESS: hdhkits.notebook's tqdm shows no bar); a live bar here
    monkeypatch.setattr("hdhkits.cytologia.cnn.training.tqdm", live_tqdm)
    crops, extra, labels = _toy()
    cfg = TrainConfig(epochs=3, batch_size=16, width=8, patience=patience)
    _, history = train_cnn(crops, extra, labels, np.arange(45), np.arange(45, 60), cfg, device="cpu", progress=True)
    bar = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert f"{len(history)}/3" in bar and "training CNN" in bar
