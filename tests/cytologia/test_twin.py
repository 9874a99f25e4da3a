import pandas as pd
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.twin import TWIN_SIZES, build_twin, plan_twin


def test_official_layout(cyto_source):
    data = cyto_source.data_dir
    train = pd.read_csv(data / "train.csv")
    test = pd.read_csv(data / "test.csv")
    truth = pd.read_csv(cyto_source.truth_path)
    assert list(train.columns) == ["NAME", "x1", "y1", "x2", "y2", "class"]
    assert list(test.columns) == ["trustii_id", "NAME"]
    assert list(truth.columns) == ["trustii_id", "NAME", "x1", "y1", "x2", "y2", "class"]
    assert test["trustii_id"].is_unique and (truth["trustii_id"] == test["trustii_id"]).all()
    names = set(train["NAME"]) | set(test["NAME"])
    assert names == {p.name for p in (data / "images").iterdir()}
    assert set(train["NAME"]).isdisjoint(test["NAME"])
    assert train["NAME"].nunique() >= TWIN_SIZES["quick"][0]


def test_classes_and_quirks(cyto_source):
    train = pd.read_csv(cyto_source.data_dir / "train.csv")
    assert set(train["class"]) <= set(CLASSES)
    assert train["class"].nunique() >= 20  # quick size: nearly every class present
    assert train["class"].value_counts().index[0] == "PNN"
    per_image = train.groupby("NAME").size()
    assert 0.8 < (per_image == 1).mean() < 0.97
    assert ((train["x1"] < 0) | (train["y1"] < 0)).any()  # boxes past the border, as in the real set


def test_plan_is_deterministic_and_seed_dependent():
    _, a = plan_twin(3, "quick")
    _, b = plan_twin(3, "quick")
    _, c = plan_twin(4, "quick")

    def key(plans):
        return [(p.name, p.lab, p.size, [(x.cls, round(x.cx, 3)) for x in p.cells]) for p in plans]

    assert key(a) == key(b) and key(a) != key(c)


def test_files_are_deterministic(tmp_path, monkeypatch):
    from hdhkits.cytologia import twin

    monkeypatch.setitem(twin.TWIN_SIZES, "quick", (12, 5))
    for run in ("a", "b"):
        build_twin(tmp_path / run / "data", tmp_path / run / "truth", seed=7, size="quick", n_jobs=1)
    for f in ("data/train.csv", "data/test.csv", "truth/test_truth.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    imgs = sorted((tmp_path / "a" / "data" / "images").iterdir())
    assert all(p.read_bytes() == (tmp_path / "b" / "data" / "images" / p.name).read_bytes() for p in imgs)


def test_quick_twin_geometry(cyto_source):
    """The quick twin holds every geometric quirk of the real files at least once."""
    from PIL import Image

    folder = cyto_source.data_dir
    train = pd.read_csv(folder / "train.csv")
    truth = pd.read_csv(cyto_source.truth_path)
    sizes = {p.name: Image.open(p).size for p in (folder / "images").iterdir()}
    assert any(w >= 600 for w, h in sizes.values()) and any(w == 800 or w == 801 for w, h in sizes.values())
    boxes = pd.concat([train, truth])
    beyond = (boxes[["x1", "y1", "x2", "y2"]].max(axis=1) > 400).mean()
    assert 0.02 < beyond < 0.10
    width = boxes["x2"] - boxes["x1"]
    assert 125 < width.median() < 165 and width.max() > 250
    w = train["NAME"].map(lambda n: sizes[n][0])
    assert ((train["x1"] < 0) | (train["y1"] < 0)).sum() >= 1
    assert (train["x2"] > w).any() or (train["y2"] > train["NAME"].map(lambda n: sizes[n][1])).any()


def test_default_plan_rates():
    """Rates decided at planning time (no drawing): large images, cells per image, border cells."""
    from hdhkits.cytologia.drawing import HIRES_FORMATS

    labs, plans = plan_twin(0, "default")
    n = len(plans)
    hires = [p for p in plans if labs[p.lab].hires]
    assert abs(len(hires) / n - 0.055) < 0.002
    assert {labs[p.lab].size for p in hires} == {f[0] for f in HIRES_FORMATS}
    annotated = pd.Series([sum(c.annotated for c in p.cells) for p in plans])
    assert 0.933 < (annotated == 1).mean() < 0.937 and 0.05 < (annotated == 2).mean() < 0.054
    assert annotated.max() <= 11
    # annotated cells whose centre sits closer to a border than their mean radius: cut by it
    from hdhkits.cytologia.twin import mean_radius

    cells = [(p, c, mean_radius(c.cls, labs[p.lab])) for p in plans for c in p.cells if c.annotated]
    low = sum(min(c.cx, c.cy) < r for p, c, r in cells) / len(cells)
    high = sum(c.cx > p.size[1] - r or c.cy > p.size[0] - r for p, c, r in cells) / len(cells)
    assert 0.003 < low < 0.006 and 0.012 < high < 0.02
