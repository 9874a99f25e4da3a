"""Finding and reading submission files safely; the folder the validator checks against; the truth."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from hdhkits.findings import DataError, error, warning
from hdhkits.leaderboard import inputs
from hdhkits.leaderboard.inputs import (
    SubmissionFile,
    SubmissionProblem,
    find_submissions,
    first_error,
    read_submission_file,
    read_truth_file,
    validation_folder,
)
from hdhkits.problem import get_problem

TABLE = pd.DataFrame({"trustii_id": [1, 2], "OUTCOME MACE": [0, 1], "OUTCOME SEVERITY": [0.2, 0.7]})


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    return path


def test_find_submissions_names_by_stem_and_lists_other_files(tmp_path):
    for name in ("b.csv", "a.CSV", "team.csv", "team.zip", "README.md", ".hidden.csv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.csv").mkdir()
    files, ignored = find_submissions(tmp_path)
    assert [f.name for f in files] == ["a", "b", "team.csv", "team.zip"]
    assert ignored == ["README.md", "sub.csv"]


def test_reads_a_csv_and_the_one_csv_of_a_zip(tmp_path):
    TABLE.to_csv(tmp_path / "a.csv", index=False)
    _zip(
        tmp_path / "b.zip",
        {"submission.csv": TABLE.to_csv(index=False), "__MACOSX/._submission.csv": "junk", "notes.txt": "hello"},
    )
    for name in ("a.csv", "b.zip"):
        pd.testing.assert_frame_equal(read_submission_file(SubmissionFile("x", tmp_path / name)), TABLE)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "is empty"),
        (b"\x00\x01binary", "binary data"),
        (b"\xff\xfet\x00r\x00", "UTF-16"),
        (b"trustii_id,OUTCOME MACE,OUTCOME SEVERITY\n1,0,0.2\n2,1", "fields"),
    ],
)
def test_broken_csvs_become_one_sentence(tmp_path, content, expected):
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    with pytest.raises(SubmissionProblem, match=expected) as info:
        read_submission_file(SubmissionFile("s", path))
    assert "; " in str(info.value)


@pytest.mark.parametrize(
    "members, expected",
    [
        ({}, "holds 0 CSV files"),
        ({"a.csv": "x", "b.csv": "y"}, "holds 2 CSV files"),
    ],
)
def test_zips_without_exactly_one_csv_are_refused(tmp_path, members, expected):
    with pytest.raises(SubmissionProblem, match=expected):
        read_submission_file(SubmissionFile("z", _zip(tmp_path / "z.zip", members)))


def test_a_broken_zip_is_refused(tmp_path):
    (tmp_path / "z.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SubmissionProblem, match="not a readable zip"):
        read_submission_file(SubmissionFile("z", tmp_path / "z.zip"))


def test_huge_files_are_not_read(tmp_path, monkeypatch):
    TABLE.to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(SubmissionProblem, match="larger than"):
        read_submission_file(SubmissionFile("a", tmp_path / "a.csv"), cap=10)
    big = "trustii_id\n" + "1\n" * 5000
    _zip(tmp_path / "z.zip", {"s.csv": big})
    with pytest.raises(SubmissionProblem, match="larger than"):  # small zip, large member
        read_submission_file(SubmissionFile("z", tmp_path / "z.zip"), cap=4000)
    assert inputs.MAX_SUBMISSION_BYTES == 64 * 2**20


def test_a_zip_that_lies_about_its_size_stops_at_the_cap(tmp_path, monkeypatch):
    _zip(tmp_path / "z.zip", {"s.csv": "trustii_id\n" + "1\n" * 5000})
    real_open = zipfile.ZipFile.infolist

    def small_sizes(self):
        members = real_open(self)
        for m in members:
            m.file_size = 10
        return members

    monkeypatch.setattr(zipfile.ZipFile, "infolist", small_sizes)
    with pytest.raises(SubmissionProblem, match="not a readable zip"):
        read_submission_file(SubmissionFile("z", tmp_path / "z.zip"), cap=4000)


def test_first_error_is_the_validators_first_sentence():
    found = [
        warning("a box is outside", fix="scored as given"),
        error("3 rows missing", fix="one row per id"),
        error("second"),
    ]
    assert first_error(found) == "3 rows missing; one row per id"
    assert first_error([warning("only a warning")]) is None


def test_without_data_the_truth_is_the_test_file(twin):
    source = twin("cardihack")
    problem = get_problem("cardihack")
    truth = problem.read_truth(source.truth_path)
    with validation_folder(problem, truth, None) as folder:
        assert (folder / "test.csv").is_file()
        assert problem.validate_submission(problem.sample_submission(source.data_dir), folder) == []
    assert not folder.exists()
    with validation_folder(problem, truth, source.data_dir) as folder:
        assert folder == source.data_dir


def test_truth_file_problems_name_the_file_and_the_fix(tmp_path, twin):
    problem = get_problem("annitia")
    with pytest.raises(DataError, match="file not found; pass the truth file"):
        read_truth_file(problem, tmp_path / "nope.csv")
    (tmp_path / "t.csv").write_bytes(b"")
    with pytest.raises(DataError, match="is empty"):
        read_truth_file(problem, tmp_path / "t.csv")
    source = twin("annitia")
    path, table = read_truth_file(problem, source.truth_path.parent)  # the folder works too
    assert path == source.truth_path and len(table) > 0
