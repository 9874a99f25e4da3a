import io

import numpy as np
from hdhkits.cytologia.hashing import duplicate_groups, find_duplicates, hamming, image_phash, phash
from PIL import Image


def _resave(path, quality):
    buf = io.BytesIO()
    Image.open(path).convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def test_resaved_copy_matches_and_different_images_differ(cyto_source):
    paths = sorted((cyto_source.data_dir / "images").iterdir())[:30]
    hashes = np.array([image_phash(p) for p in paths], dtype=np.uint64)
    copy = phash(_resave(paths[0], 60))
    assert hamming(hashes[0], copy) <= 3
    d = hamming(hashes[:, None], hashes[None, :])[np.triu_indices(len(paths), 1)]
    assert d.min() > 6 and d.mean() > 20


def test_find_duplicates_and_groups():
    hashes = [0b1111, 0b1110, 1 << 40, (1 << 40) | (1 << 63), 12345 << 20]
    names = ["a", "b", "c", "d", "e"]
    pairs = find_duplicates(names, hashes, max_distance=1)
    assert set(map(tuple, pairs[["name_a", "name_b"]].to_numpy())) == {("a", "b"), ("c", "d")}
    groups = duplicate_groups(names, hashes, max_distance=1)
    assert groups["a"] == groups["b"] != groups["c"] == groups["d"] != groups["e"]
