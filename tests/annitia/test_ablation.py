"""The ablations (feature families, liver pieces, the gain over the model without liver pieces) and their record."""

import dataclasses
import fnmatch
import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hdhkits.annitia import ablation
from hdhkits.annitia.ablation import (
    LIVER_RECORD_FILE,
    family_ablation,
    liver_ablation,
    measured_liver_ablation,
    versus_no_liver_pieces,
    write_liver_record,
)
from hdhkits.annitia.evaluation import compare_models
from hdhkits.annitia.features import build_features
from hdhkits.annitia.models import EFFORT_PIECES, EFFORTS, LIVER_PIECES, NO_LIVER_PIECES, make_leaderboard_model
from hdhkits.annitia.problem import PROBLEM
from hdhkits.annitia.schema import read_train
from hdhkits.annitia.targets import survival_targets
from hdhkits.findings import DataError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data(twin):
    train = read_train(twin("annitia").data_dir)
    return build_features(train), survival_targets(train)


def test_family_ablation(data):
    X, y = data
    table = family_ablation(X, y, n_splits=3, families=("statics", "first values", "follow-up"))
    assert list(table.index) == ["statics", "+ first values", "+ follow-up"]
    assert list(table.columns[:5]) == ["score", "gain", "c_hepatic", "c_death", "n_features"]
    assert table["n_features"].is_monotonic_increasing and np.isnan(table["gain"].iloc[0])
    assert table["gain"].iloc[2] == pytest.approx(table["score"].iloc[2] - table["score"].iloc[1])
    # the follow-up window is the death signal of the metric (the trap): it must show
    assert table["c_death"].iloc[2] > table["c_death"].iloc[1] + 0.03
    with_intervals = family_ablation(X, y, n_splits=3, families=("statics",), n_boot=20)
    row = with_intervals.iloc[0]
    assert row["low"] <= row["score"] <= row["high"] and row["score"] == pytest.approx(table["score"].iloc[0])


@pytest.mark.slow
def test_liver_ablation(data):
    X, y = data
    table = liver_ablation(X, y, n_splits=2, n_boot=20, quick=True, pieces=("stiffness gate",), efforts=("default",))
    assert list(table.index) == [NO_LIVER_PIECES, "+ stiffness gate", "effort 'default'"]
    assert table.loc["effort 'default'", "pieces"] == ", ".join(EFFORT_PIECES["default"])
    assert list(table.columns) == [
        "score",
        "c_hepatic",
        "c_death",
        "vs_no_pieces",
        "vs_no_pieces_low",
        "vs_no_pieces_high",
        "pieces",
    ]
    first = table.loc[NO_LIVER_PIECES]
    assert first["vs_no_pieces"] == first["vs_no_pieces_low"] == first["vs_no_pieces_high"] == 0
    assert first["pieces"] == "-"
    assert table["c_death"].nunique() == 1  # one death blend for every row
    gate = table.loc["+ stiffness gate"]
    assert gate["vs_no_pieces"] == pytest.approx(gate["c_hepatic"] - first["c_hepatic"])
    assert gate["vs_no_pieces_low"] <= gate["vs_no_pieces"] <= gate["vs_no_pieces_high"]
    assert gate["score"] == pytest.approx(0.7 * gate["c_hepatic"] + 0.3 * gate["c_death"])
    with pytest.raises(ValueError, match="liver piece"):
        liver_ablation(X, y, pieces=("magic",))
    with pytest.raises(ValueError, match="effort"):
        liver_ablation(X, y, efforts=("huge",))


@pytest.mark.slow
def test_versus_no_liver_pieces_shares_the_death_blend(data):
    X, y = data
    models = {"leaderboard model": make_leaderboard_model(quick=True)}
    table, oof = compare_models(models, X, y, n_splits=2, n_boot=20)
    gains, risks = versus_no_liver_pieces(X, y, oof["leaderboard model"], n_splits=2, n_boot=20, quick=True)
    assert list(gains.index) == ["score", "c_hepatic", "c_death"]
    assert list(gains.columns) == ["leaderboard model", NO_LIVER_PIECES, "gain", "low", "high"]
    assert risks.shape == oof["leaderboard model"].shape and np.isfinite(risks).all()
    # same death risks: C(death) cannot move; the liver blends differ (the stronger ridge)
    np.testing.assert_array_equal(risks[..., 1], oof["leaderboard model"][..., 1])
    assert gains.loc["c_death", "gain"] == gains.loc["c_death", "low"] == gains.loc["c_death", "high"] == 0
    assert not np.array_equal(risks[..., 0], oof["leaderboard model"][..., 0])
    for part in ("score", "c_hepatic"):
        row = gains.loc[part]
        assert row["leaderboard model"] == pytest.approx(table.loc["leaderboard model", part])
        assert row["gain"] == pytest.approx(row["leaderboard model"] - row[NO_LIVER_PIECES])
        assert row["low"] <= row["gain"] <= row["high"]
    assert gains.loc["score", "gain"] == pytest.approx(0.7 * gains.loc["c_hepatic", "gain"])
    with pytest.raises(ValueError, match="same n_splits, n_repeats and seed"):
        versus_no_liver_pieces(X, y, oof["leaderboard model"], n_repeats=2)


def test_measured_liver_ablation_backs_the_efforts():
    record = measured_liver_ablation()
    table = record.table
    assert table.index[0] == NO_LIVER_PIECES and {f"+ {p}" for p in LIVER_PIECES} <= set(table.index)
    assert list(table.columns) == ["c_hepatic", "change", "seeds_better", "lowest", "highest", "kept"]
    # an effort keeps a piece only if it helped on the twin: a positive mean change over
    # the seeds, positive on most of them
    for effort in EFFORTS:
        for piece in EFFORT_PIECES[effort]:
            row = table.loc[f"+ {piece}"]
            better, seeds = (int(x) for x in row["seeds_better"].split(" of "))
            assert row["change"] > 0 and better > seeds / 2, (effort, piece, row.to_dict())
            assert effort in row["kept"]
        if EFFORT_PIECES[effort]:
            assert f"effort {effort!r}" in table.index  # each effort's own set was measured too
    long = record.per_seed
    assert long.index.names == ["step", "seed"] and len(record.seeds) >= 3
    assert ((long["low"] <= long["change"]) & (long["change"] <= long["high"])).all()
    assert table.loc["+ fibrosis index", "change"] == pytest.approx(long.loc["+ fibrosis index", "change"].mean())


def test_the_record_says_where_and_when_it_was_measured():
    record = measured_liver_ablation()
    assert record.twin_version.isdigit() and int(record.twin_version) <= int(PROBLEM.twin_version)
    assert record.date[:2] == "20" and record.date_is in ("measurement", "conversion")
    said = record.describe(record.twin_version)
    assert f"version {record.twin_version}" in said and record.date in said and "not on the official files" in said
    assert "newer" not in said
    newer = record.describe(str(int(record.twin_version) + 1))
    assert f"now version {int(record.twin_version) + 1}, newer" in newer and "--write-record" in newer
    measured = dataclasses.replace(record, date_is="measurement").describe(record.twin_version)
    assert f"measured {record.date}" in measured and "converted" not in measured
    one = record.per_seed.xs(0, level="seed", drop_level=False)
    assert "seed 0," in dataclasses.replace(record, per_seed=one).describe(record.twin_version)


def test_the_record_is_written_and_read_back(tmp_path):
    record = measured_liver_ablation()
    other = dataclasses.replace(record, twin_version="9", date="2031-01-02", date_is="measurement", note="")
    path = write_liver_record(other, tmp_path / "record.json")
    again = measured_liver_ablation(path)
    assert (again.twin_version, again.date, again.date_is, again.seeds) == (
        "9",
        "2031-01-02",
        "measurement",
        record.seeds,
    )
    assert again.per_seed.equals(record.per_seed) and again.table.equals(record.table)
    assert json.loads(path.read_text())["rows"][0]["step"] == NO_LIVER_PIECES
    (tmp_path / "broken.json").write_text('{"rows": []}')
    with pytest.raises(DataError, match="--write-record"):
        measured_liver_ablation(tmp_path / "broken.json")
    with pytest.raises(DataError, match="cannot be read"):
        measured_liver_ablation(tmp_path / "absent.json")


def test_the_record_ships_with_the_package():
    # beside the module (what an installed package reads through importlib.resources) ...
    assert (Path(ablation.__file__).parent / LIVER_RECORD_FILE).is_file()
    # ... and named by pyproject's package data, so a wheel (a non-editable install) carries it
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools.get("package-data", {}).get("hdhkits.annitia", [])
    assert any(fnmatch.fnmatch(LIVER_RECORD_FILE, pattern) for pattern in patterns), patterns
