"""The image checks: every fault the reader would meet is named by check, before any decoding."""

import warnings

import pandas as pd
import pytest
from hdhkits.cytologia import PROBLEM, read_dataset
from hdhkits.cytologia.images import (
    MAX_SIDE,
    ImageRefused,
    decode_findings,
    duplicate_file_findings,
    header_table,
    image_findings,
    image_sizes,
    name_problem,
    open_image,
    probe_image,
)
from hdhkits.findings import errors, warnings_of
from hdhkits.quirks import copy_data
from PIL import Image


def _jpeg(path, size=(40, 30), colour=(200, 150, 180)):
    Image.new("RGB", size, colour).save(path, format="JPEG", quality=90)
    return path


@pytest.fixture
def folder(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    _jpeg(images / "good.jpg")
    (images / "empty.jpg").write_bytes(b"")
    data = _jpeg(images / "cut.jpg", (64, 64)).read_bytes()
    (images / "cut.jpg").write_bytes(data[: len(data) // 2])
    Image.new("RGB", (20, 20)).save(images / "png.jpg", format="PNG")
    (images / "garbage.jpg").write_bytes(b"not an image at all")
    _jpeg(images / "huge.jpg", (MAX_SIDE + 1, 8))
    (images / "copy.jpg").write_bytes((images / "good.jpg").read_bytes())
    _jpeg(tmp_path / "outside.jpg")
    (images / "link.jpg").symlink_to(tmp_path / "outside.jpg")
    return images


def test_each_fault_gets_its_kind_from_the_header_alone(folder):
    kinds = {
        name: probe_image(folder, name)[2]
        for name in [
            "good.jpg",
            "empty.jpg",
            "cut.jpg",
            "png.jpg",
            "garbage.jpg",
            "huge.jpg",
            "link.jpg",
            "nothere.jpg",
            "../outside.jpg",
            "/etc/passwd",
            "a/../../x.jpg",
            "..\\x.jpg",
        ]
    }
    assert kinds == {
        "good.jpg": "ok",
        "empty.jpg": "empty_image",
        "cut.jpg": "truncated_image",
        "png.jpg": "not_jpeg",
        "garbage.jpg": "unreadable_file",
        "huge.jpg": "oversized_image",
        "link.jpg": "unsafe_name",
        "nothere.jpg": "missing",
        "../outside.jpg": "unsafe_name",
        "/etc/passwd": "unsafe_name",
        "a/../../x.jpg": "unsafe_name",
        "..\\x.jpg": "unsafe_name",
    }
    assert probe_image(folder, "good.jpg")[:2] == (40, 30)
    assert "PNG" in probe_image(folder, "png.jpg")[3]
    assert probe_image(folder, "huge.jpg")[:2] == (MAX_SIDE + 1, 8)


def test_unsafe_names_are_never_opened(folder, monkeypatch):
    opened = []
    real_open = open

    def spy(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr("pathlib.Path.open", lambda self, *a, **k: spy(self, *a, **k))
    for name in ("/etc/passwd", "../../etc/passwd", "link.jpg"):
        assert name_problem(folder, name) is not None
        probe_image(folder, name)
    assert not any("passwd" in p or "outside" in p for p in opened)


def test_duplicates_are_a_warning_naming_both(folder):
    table = header_table(folder, ["good.jpg", "copy.jpg", "huge.jpg"])
    found = duplicate_file_findings(folder, table)
    assert [f.kind for f in found] == ["duplicate_image"] and found[0].severity == "warning"
    assert "copy.jpg = good.jpg" in found[0].message


def test_open_image_refuses_oversized_before_decoding_without_bomb_warning(folder):
    big = _jpeg(folder / "bomb.jpg", (12000, 12000), (255, 255, 255))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a DecompressionBombWarning would fail here
        with pytest.raises(ImageRefused, match="12000 x 12000"), open_image(big):
            pass
        assert probe_image(folder, "bomb.jpg")[2] == "oversized_image"


def test_deep_decoding_names_what_the_header_misses(folder):
    data = (folder / "good.jpg").read_bytes()
    # header and end marker intact, scan data replaced by garbage
    start = data.index(b"\xff\xda")
    (folder / "scrambled.jpg").write_bytes(data[:start] + b"\xff\xda\x00\x02" + b"\xff\x00" * 3 + b"\xff\xd9")
    assert probe_image(folder, "scrambled.jpg")[2] == "ok"
    found = decode_findings(folder, ["good.jpg", "scrambled.jpg"], progress=False)
    assert [f.kind for f in found] == ["undecodable_image"] and "scrambled.jpg" in found[0].message


@pytest.mark.parametrize("fault", ["empty", "cut", "png", "huge", "dotdot", "absolute", "link"])
def test_check_data_and_the_reader_meet_the_same_fault(cyto_source, tmp_path, fault):
    data_dir = copy_data(cyto_source.data_dir, tmp_path / "data")
    test = pd.read_csv(data_dir / "test.csv", dtype={"NAME": "string"})
    name = str(test.loc[0, "NAME"])
    path = data_dir / "images" / name
    if fault == "empty":
        path.write_bytes(b"")
    elif fault == "cut":
        path.write_bytes(path.read_bytes()[:2000])
    elif fault == "png":
        with Image.open(path) as im:
            im.load()
            im.save(path, format="PNG")
    elif fault == "huge":
        _jpeg(path, (MAX_SIDE * 2, 64))
    elif fault == "link":
        outside = tmp_path / "outside.jpg"
        path.rename(outside)
        path.symlink_to(outside)
    else:
        name = "../../etc/passwd" if fault == "dotdot" else "/etc/passwd"
        test.loc[0, "NAME"] = name
        test.to_csv(data_dir / "test.csv", index=False)
    found = errors(PROBLEM.check_data(data_dir))
    assert len(found) == 1 and name in found[0].message and found[0].file == "images/"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = read_dataset(data_dir, hash_images=True)
    assert name in data.report.unreadable_images
    assert not data.test.loc[data.test["NAME"] == name, "readable"].any()


def test_the_quick_twin_is_clean_but_for_warnings(cyto_source):
    found = PROBLEM.check_data(cyto_source.data_dir)
    assert not errors(found)
    assert "duplicate_image" in {f.kind for f in warnings_of(found)}


@pytest.fixture
def sized_images(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    Image.new("RGB", (370, 368), "white").save(folder / "a.jpg")
    Image.new("RGB", (800, 760), "white").save(folder / "big.jpg")
    (folder / "bad.jpg").write_bytes(b"not an image")
    return folder


def test_image_sizes_from_headers(sized_images):
    sizes = image_sizes(sized_images, ["a.jpg", "big.jpg", "a.jpg", "bad.jpg", "gone.jpg"])
    assert list(sizes.index) == ["a.jpg", "big.jpg", "bad.jpg", "gone.jpg"]
    assert tuple(sizes.loc["big.jpg", ["width", "height"]]) == (800, 760)
    assert sizes.loc["gone.jpg", "status"] == "missing" and sizes.loc["bad.jpg", "status"] not in ("ok", "missing")
    found = image_findings(sizes)
    assert [f.kind for f in found] == ["missing_file", "unreadable_file", "unusual_image_size"]
    assert [f.severity for f in found] == ["error", "error", "warning"]
    size = found[-1]
    assert size.count == 1 and size.extreme == 800 and "800 x 760 (big.jpg)" in size.message
    assert size.file == "images/" and "own size" in size.fix
