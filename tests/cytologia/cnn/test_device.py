import pytest
import torch
from hdhkits.cytologia.cnn.device import amp_setup, pick_device


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
