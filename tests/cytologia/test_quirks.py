"""Each CYTOLOGIA quirk does what it says to a folder (tests/test_quirks.py checks the kit survives it)."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cytologia.quirks import QUIRKS
from hdhkits.cytologia.reader import read_dataset
from hdhkits.quirks import copy_data
from PIL import Image

BY_NAME = {q.name: q for q in QUIRKS}


@pytest.fixture
def folder(cyto_source, tmp_path):
    return copy_data(cyto_source.data_dir, tmp_path / "data")


def _inject(folder, name):
    before = pd.read_csv(folder / "train.csv")
    BY_NAME[name].inject(folder, np.random.default_rng(0))
    return before, pd.read_csv(folder / "train.csv")


def test_box_past_left_border(folder):
    before, after = _inject(folder, "box_past_left_border")
    moved = after["x1"] != before["x1"]
    assert moved.sum() == 3 and (after.loc[moved, "x1"] < 0).all() and (after.loc[moved, "x1"] >= -85).all()
    width = after["x2"] - after["x1"]
    assert (width == before["x2"] - before["x1"]).all()  # shifted, not resized


def test_large_image(folder):
    before, after = _inject(folder, "large_image")
    changed = after.index[(after != before).any(axis=1)]
    name = after.loc[changed[0], "NAME"]
    assert Image.open(folder / "images" / name).size == (800, 760)
    assert (after.loc[after["NAME"] == name, ["x2", "y2"]] > 400).all().all()


def test_inverted_box_is_dropped_by_the_reader(folder):
    _, after = _inject(folder, "inverted_box")
    assert (after["x2"] < after["x1"]).sum() == 2
    assert read_dataset(folder, hash_images=False).report.boxes_dropped >= 2


def test_extraneous_bytes_still_decode(folder):
    BY_NAME["jpeg_extraneous_bytes"].inject(folder, np.random.default_rng(0))
    data = read_dataset(folder)
    assert not data.report.unreadable_images
    for name in data.train["NAME"].head(3):
        assert data.load_image(name).ndim == 3


def test_duplicated_image_is_grouped(folder):
    BY_NAME["duplicated_image"].inject(folder, np.random.default_rng(0))
    data = read_dataset(folder)
    dup = next(n for n in data.images["NAME"] if n.startswith("dup"))
    groups = data.images.set_index("NAME")["group"]
    assert (groups == groups[dup]).sum() >= 2


def test_quick_twin_holds_every_quirk_of_the_real_files(cyto_source):
    """The quick twin (seed 0) already gives each warning of QUIRKS with in_twin=True, as the default one must."""
    from hdhkits.cytologia.problem import PROBLEM

    findings = PROBLEM.check_data(cyto_source.data_dir)
    for quirk in QUIRKS:
        if quirk.in_twin and quirk.kind:
            assert any(
                f.kind == quirk.kind and f.file == quirk.file and (quirk.column is None or f.column == quirk.column)
                for f in findings
            ), quirk.name
