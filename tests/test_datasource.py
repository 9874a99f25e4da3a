from pathlib import Path

import pandas as pd
import pytest
from hdhkits.datasource import cache_root, locate_data, resolve_data, write_twin
from hdhkits.findings import DataError, error, warning
from hdhkits.problem import Problem, Score


class Toy(Problem):
    """A minimal kit: one test file, one truth file."""

    name = "toy"
    title = "TOY"
    task = "predict y"
    official_files = ("test.csv",)
    metric = "accuracy"
    env_var = "TOY_DATA_DIR"
    truth_file = "truth.csv"

    def __init__(self):
        self.calls = 0

    def make_twin(self, data_dir, truth_dir, seed=0, size="default"):
        self.calls += 1
        n = 3 if size == "quick" else 5
        pd.DataFrame({"trustii_id": range(1, n + 1)}).to_csv(data_dir / "test.csv", index=False)
        pd.DataFrame({"trustii_id": range(1, n + 1), "y": [seed] * n}).to_csv(truth_dir / "truth.csv", index=False)

    def check_data(self, data_dir):
        if not (Path(data_dir) / "test.csv").is_file():
            return [error("no file named 'test.csv'")]
        ids = pd.read_csv(Path(data_dir) / "test.csv")["trustii_id"]
        return (
            [
                warning(
                    f"{int((ids > 100).sum())} id(s) above 100", file="test.csv", kind="odd_id", fix="kept as they are"
                )
            ]
            if (ids > 100).any()
            else []
        )

    def validate_submission(self, submission, data_dir):
        return []

    def score_submission(self, submission, truth):
        return Score(1.0)


@pytest.fixture
def toy(tmp_path, monkeypatch):
    monkeypatch.setenv("HDHKITS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOY_DATA_DIR", raising=False)
    return Toy()


def test_twin_is_generated_once_and_cached(toy, tmp_path, capsys):
    a = resolve_data(toy, seed=2, size="quick")
    b = resolve_data(toy, seed=2, size="quick")
    assert toy.calls == 1
    assert a == b and a.synthetic and a.origin == "twin"
    assert a.data_dir.is_relative_to(cache_root()) and cache_root() == tmp_path / "cache"
    assert pd.read_csv(a.truth_path)["y"].eq(2).all()
    out = capsys.readouterr().out
    assert "Generating the TOY synthetic twin" in out
    assert "synthetic twin (seed 2, size quick) in $HDHKITS_CACHE/toy/" in out
    assert str(tmp_path) not in out


def test_parameter_beats_environment_beats_twin(toy, tmp_path, monkeypatch):
    official, env_dir = tmp_path / "official", tmp_path / "env"
    for d in (official, env_dir):
        d.mkdir()
        (d / "test.csv").write_text("trustii_id\n1\n")
    monkeypatch.setenv("TOY_DATA_DIR", str(env_dir))
    s = resolve_data(toy, official, verbose=False)
    assert (s.data_dir, s.origin, s.synthetic, s.truth_path) == (official, "parameter", False, None)
    s = resolve_data(toy, None, verbose=False)
    assert (s.data_dir, s.origin) == (env_dir, "environment")
    assert "$TOY_DATA_DIR" in s.describe()
    assert toy.calls == 0


def test_locate_data_is_the_one_precedence(toy, tmp_path, monkeypatch):
    monkeypatch.delenv("TOY_DATA_DIR", raising=False)
    assert locate_data(toy) == (None, "twin") == locate_data(toy, "")
    monkeypatch.setenv("TOY_DATA_DIR", str(tmp_path / "env"))
    assert locate_data(toy) == (tmp_path / "env", "environment")
    assert locate_data(toy, tmp_path / "given") == (tmp_path / "given", "parameter")
    assert locate_data(toy, "~/x") == (Path.home() / "x", "parameter")


def test_bad_folders_raise_clear_errors(toy, tmp_path, monkeypatch):
    with pytest.raises(DataError, match="data_dir names a folder that does not exist.*test.csv"):
        resolve_data(toy, tmp_path / "missing", verbose=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no file named 'test.csv'"):
        resolve_data(toy, tmp_path / "empty", verbose=False)
    monkeypatch.setenv("TOY_DATA_DIR", str(tmp_path / "gone"))
    with pytest.raises(DataError, match=r"\$TOY_DATA_DIR names a folder"):
        resolve_data(toy, verbose=False)


def test_warnings_load_are_printed_and_kept(toy, tmp_path, capsys):
    (tmp_path / "test.csv").write_text("trustii_id\n1\n500\n")
    source = resolve_data(toy, tmp_path)
    assert [f.kind for f in source.findings] == ["odd_id"]
    out = capsys.readouterr().out
    assert "1 warning(s) about what the files hold" in out
    assert "warning: test.csv: 1 id(s) above 100; kept as they are" in out
    assert resolve_data(toy, seed=1, size="quick", verbose=False).findings == ()


def test_write_twin_checks_arguments(toy, tmp_path):
    with pytest.raises(ValueError, match="size must be one of"):
        write_twin(toy, tmp_path / "a", tmp_path / "b", size="huge")
    with pytest.raises(ValueError, match="other than"):
        write_twin(toy, tmp_path / "a", tmp_path / "a")


def test_failed_generation_leaves_nothing(toy, tmp_path):
    def broken(data_dir, truth_dir, seed=0, size="default"):
        (data_dir / "test.csv").write_text("partial")
        raise RuntimeError("generator bug")

    toy.make_twin = broken
    with pytest.raises(RuntimeError):
        write_twin(toy, tmp_path / "data", tmp_path / "truth")
    assert not (tmp_path / "data").exists() and not (tmp_path / "truth").exists()
