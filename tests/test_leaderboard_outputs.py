"""The three files, written atomically; the JSON document."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hdhkits.leaderboard import outputs
from hdhkits.leaderboard.build import COLUMNS
from hdhkits.leaderboard.outputs import FILES, to_json, write_leaderboard

from .leaderboard_support import synthetic_leaderboard


def test_writes_the_csv_json_and_html(tmp_path):
    lb = synthetic_leaderboard()
    paths = write_leaderboard(lb, tmp_path / "out")
    assert [p.name for p in paths] == list(FILES) and all(p.is_file() for p in paths)
    table = pd.read_csv(paths[0])
    assert list(table.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert len(table) == len(lb.table) and table["valid"].sum() == len(lb.order)
    doc = json.loads(paths[1].read_text())  # strict JSON: NaN became null
    assert set(doc) == {"settings", "rows", "pairwise", "summary"}
    assert doc["pairwise"]["order"] == lb.order and len(doc["pairwise"]["p_holm"]) == len(lb.order)
    assert doc["pairwise"]["p_holm"][0][0] is None and doc["rows"][-1]["score"] is None
    assert doc["summary"]["tied_with_first"] == lb.tied_with_first()
    assert paths[2].read_text().startswith("<!DOCTYPE html>")


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("previous leaderboard")

    def half_then_fail(lb, folder):
        (folder / FILES[0]).write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs, "write_files", half_then_fail)
    with pytest.raises(OSError):
        write_leaderboard(synthetic_leaderboard(), out)
    assert [p.name for p in tmp_path.iterdir()] == ["out"] and [p.name for p in out.iterdir()] == ["old.txt"]


def test_json_is_clean_of_numpy_and_nan():
    doc = to_json(synthetic_leaderboard(n=1, invalid=0))
    json.dumps(doc, allow_nan=False)
    assert doc["pairwise"]["beats"] == [[None]]
