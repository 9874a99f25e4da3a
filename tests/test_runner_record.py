"""hdhkits.runner.record: run.json and the data sources it names."""

import hashlib
import json

import pytest
from hdhkits.runner.execute import run_kit
from hdhkits.runner.record import data_source_record, read_run_record, write_run_record

from .runner_support import notebook, toy_kits, write_notebook
from .test_datasource import Toy


@pytest.fixture
def kits(tmp_path):
    return toy_kits(tmp_path)


def test_data_source_record_names_no_absolute_path(tmp_path, monkeypatch):
    monkeypatch.delenv("ANNITIA_DATA_DIR", raising=False)
    twin = data_source_record("annitia", None, quick=True, seed=3)
    assert twin["kind"] == "twin" and twin["seed"] == 3 and twin["size"] == "quick"
    folder = tmp_path / "official_annitia"
    (folder / "images").mkdir(parents=True)
    (folder / "train.csv").write_bytes(b"a,b\n1,2\n")
    (folder / "images" / "x.jpg").write_bytes(b"jpeg")
    record = data_source_record("annitia", folder, quick=False, seed=0)
    assert record["kind"] == "official" and record["folder"] == "official_annitia"
    files = {f["name"]: f for f in record["files"]}
    assert files["train.csv"]["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert files["images/"]["files"] == 1 and len(files["images/"]["sha256"]) == 64
    assert str(tmp_path) not in json.dumps(record)
    monkeypatch.setenv("ANNITIA_DATA_DIR", str(folder))
    assert data_source_record("annitia", None, quick=False, seed=0)["origin"] == "$ANNITIA_DATA_DIR"


def test_run_record_round_trip_with_relative_paths(kits, tmp_path):
    write_notebook(kits, "01_exploration.ipynb", notebook("pass"))
    out = tmp_path / "out"
    runs = run_kit(Toy(), out, kits_dir=kits, notebooks=["01_exploration.ipynb"])
    write_run_record(out, runs, {"jobs": 1}, {"toy": {"kind": "twin", "seed": 0, "size": "quick"}})
    record = read_run_record(out)
    assert record["runs"][0]["executed"] == "toy/executed/01_exploration.ipynb"
    assert record["versions"]["hdhkits"] and record["versions"]["numpy"]
    assert str(tmp_path) not in (out / "run.json").read_text()
    with pytest.raises(FileNotFoundError, match="is not the output folder of an `hdhkits run`"):
        read_run_record(tmp_path)
