import pandas as pd
import pytest
from hdhkits.files import atomic_dir, atomic_path, display_path, file_digest, write_csv, write_json


def test_atomic_path_keeps_old_file_on_error(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_write_csv_and_json(tmp_path):
    df = pd.DataFrame({"a": [1, 2]})
    write_csv(df, tmp_path / "sub" / "x.csv")
    assert pd.read_csv(tmp_path / "sub" / "x.csv").equals(df)
    write_json({"b": 1}, tmp_path / "x.json")
    assert (tmp_path / "x.json").read_text().strip() == '{\n  "b": 1\n}'


def test_atomic_dir_replaces_only_when_complete(tmp_path):
    target = tmp_path / "data"
    with atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("1")
    assert (target / "a.txt").read_text() == "1"
    with pytest.raises(ValueError), atomic_dir(target) as tmp:
        (tmp / "b.txt").write_text("2")
        raise ValueError
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_display_path_hides_machine_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("HDHKITS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HDHKITS_OUTPUT_DIR", str(tmp_path / "out"))
    assert display_path(tmp_path / "cache" / "annitia" / "x") == "$HDHKITS_CACHE/annitia/x"
    assert display_path(tmp_path / "out" / "annitia" / "submission.csv") == "$HDHKITS_OUTPUT_DIR/annitia/submission.csv"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HDHKITS_OUTPUT_DIR")
    assert display_path(tmp_path / "outputs") == "./outputs"
    assert display_path(tmp_path) == "."


def test_file_digest_is_the_sha256_of_the_bytes_whatever_the_chunk(tmp_path):
    import hashlib

    path = tmp_path / "f.bin"
    data = bytes(range(256)) * 1000
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert file_digest(path) == expected == file_digest(str(path), chunk_bytes=7)
    path.write_bytes(b"")
    assert file_digest(path) == hashlib.sha256(b"").hexdigest()
