import torch
from hdhkits.cytologia.cnn.augmentation import augment


def test_augment_shapes():
    x = torch.randint(0, 255, (4, 3, 72, 72), dtype=torch.uint8)
    g = torch.Generator().manual_seed(0)
    assert augment(x, g, 64, train=True).shape == (4, 3, 64, 64)
    assert augment(x, None, 64, train=False).shape == (4, 3, 64, 64)
