"""Reading a folder's tables: the one CSV reader, the file lookup, cut files, row counts and ``check_files``."""

import json

import pytest
from hdhkits.findings import DataError, warning
from hdhkits.tables import TWIN_MARKER, check_files, cut_last_line, find_file, read_csv, read_table

from .test_schema import SCHEMA, good


def test_read_table_reports_the_file(tmp_path):
    df = good().astype({"age": object})
    df.loc[0, "age"] = "old"
    path = tmp_path / "train.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        read_table(path, SCHEMA)
    assert str(path) in str(err.value) and "non-numeric" in str(err.value)
    assert err.value.problems and err.value.findings[0].file == "train.csv"


def test_read_table_from_folder_and_alias(tmp_path):
    good().to_csv(tmp_path / "training.csv", index=False)
    df = read_table(tmp_path, SCHEMA)
    assert df.shape == (3, 4)
    assert df["name"].dtype == "string"


def test_find_file_lists_folder_content(tmp_path):
    (tmp_path / "other.csv").write_text("x\n1\n")
    with pytest.raises(DataError, match="no file named 'train.csv' or 'training.csv'.*other.csv"):
        find_file(tmp_path, SCHEMA)


def test_unreadable_csv_is_a_data_error(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(b"")
    with pytest.raises(DataError, match="train.csv: is empty; download or write the file again"):
        read_table(path, SCHEMA)
    path.write_bytes("id,name\n1,a\n".encode("utf-16"))
    with pytest.raises(DataError, match="UTF-16"):
        read_table(path, SCHEMA)
    path.write_bytes(b"id,name\n1,\x00\x01b\n")
    with pytest.raises(DataError, match="binary"):
        read_table(path, SCHEMA)


def test_a_folder_or_a_broken_link_is_named_as_such(tmp_path):
    (tmp_path / "train.csv").mkdir()
    with pytest.raises(DataError, match="'train.csv' is a folder, not a file"):
        find_file(tmp_path, SCHEMA)
    (tmp_path / "train.csv").rmdir()
    (tmp_path / "train.csv").symlink_to(tmp_path / "gone.csv")
    with pytest.raises(DataError, match="'train.csv' is a link to .*gone.csv, which does not exist"):
        find_file(tmp_path, SCHEMA)


def test_a_cut_last_line_is_named_and_blocks(tmp_path):
    # a download interrupted mid-line: pandas alone would pad the last row with empty cells
    path = tmp_path / "train.csv"
    good().to_csv(path, index=False)
    text = path.read_text()
    path.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 4])  # header, two rows, then "3,1"
    finding = cut_last_line(path)
    assert (finding.kind, finding.file, finding.severity) == ("cut_file", "train.csv", "error")
    assert "the last line has 2 of the header's 4 fields: the file looks cut" in str(finding)
    with pytest.raises(DataError, match="looks cut.*download the file again"):
        read_table(path, SCHEMA)


def test_a_whole_last_line_is_not_cut(tmp_path):
    path = tmp_path / "train.csv"
    good().to_csv(path, index=False)
    assert cut_last_line(path) is None
    path.write_text(path.read_text().rstrip("\n"))  # no final newline: still whole
    assert cut_last_line(path) is None
    assert read_table(path, SCHEMA).shape == (3, 4)
    path.write_text("id,sex,age,name\n")
    assert cut_last_line(path) is None


def test_row_counts_against_the_official_sizes_and_the_twin_marker(tmp_path):
    import json

    from hdhkits.tables import TWIN_MARKER, count_rows, row_count_findings

    (tmp_path / "train.csv").write_text("a,b\n" + "1,2\n" * 40)
    (tmp_path / "test.csv").write_text("a\n1\n2")  # no newline at the end
    assert count_rows(tmp_path / "train.csv") == 40 and count_rows(tmp_path / "test.csv") == 2
    found = row_count_findings(tmp_path, {"train.csv": 1253, "test.csv": 2, "absent.csv": 9})
    assert [(f.file, f.kind, f.is_error) for f in found] == [("train.csv", "fewer_rows", False)]
    assert "40 data rows where the official file has 1,253" in str(found[0]) and "download" in str(found[0])
    assert row_count_findings(tmp_path, {"train.csv": 20})[0].kind == "more_rows"
    (tmp_path / TWIN_MARKER).write_text(json.dumps({"seed": 0, "size": "quick", "rows": {"train.csv": 40}}))
    assert row_count_findings(tmp_path, {"train.csv": 1253}) == []  # a small twin is not a cut file
    (tmp_path / "train.csv").write_text("a,b\n" + "1,2\n" * 20)
    found = row_count_findings(tmp_path, {"train.csv": 1253})
    assert "20 data rows where the twin (seed 0, size quick) was written with 40" in str(found[0])


def test_write_twin_leaves_a_marker_with_row_counts(tmp_path):
    import json

    from hdhkits.datasource import write_twin
    from hdhkits.problem import get_problem
    from hdhkits.tables import TWIN_MARKER, count_rows

    problem = get_problem("cardihack")
    write_twin(problem, tmp_path / "d", tmp_path / "t", seed=2, size="quick")
    marker = json.loads((tmp_path / "d" / TWIN_MARKER).read_text())
    assert marker["kit"] == "cardihack" and marker["seed"] == 2 and marker["size"] == "quick"
    assert marker["rows"] == {
        "train.csv": count_rows(tmp_path / "d" / "train.csv"),
        "test.csv": count_rows(tmp_path / "d" / "test.csv"),
    }


def test_read_csv_names_every_reason_a_file_cannot_be_read(tmp_path):
    with pytest.raises(DataError) as err:
        read_csv(tmp_path / "train.csv", missing_fix="point data_dir at the folder")
    (finding,) = err.value.findings
    assert (finding.kind, str(finding)) == ("missing_file", "train.csv not found; point data_dir at the folder")
    (tmp_path / "train.csv").mkdir()
    with pytest.raises(DataError, match="'train.csv' is a folder, not a file; pass the file itself"):
        read_csv(tmp_path / "train.csv")
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"2\n')  # a quote never closed
    with pytest.raises(DataError) as err:
        read_csv(path)
    (finding,) = err.value.findings
    assert (finding.kind, finding.file) == ("unreadable_file", "t.csv")
    assert "cannot be read as CSV" in finding.message and "Traceback" not in str(err.value)


def test_read_csv_keeps_strings_as_strings(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,name\n1,007\n")
    df = read_csv(path, {"name": "string"})
    assert df["name"].tolist() == ["007"] and df["id"].tolist() == [1]


def _folder(tmp_path, **tables):
    for name, frame in tables.items():
        frame.to_csv(tmp_path / name, index=False)
    return tmp_path


def test_check_files_reads_each_table_once_and_adds_the_kit_content(tmp_path):
    folder = _folder(tmp_path, **{"training.csv": good()})  # the alias
    seen = []

    def content(frame, schema, file):
        seen.append((len(frame), schema.file_name, file))
        return [warning("looked at", file=file, kind="content")]

    found = check_files(folder, [SCHEMA], {"train.csv": 3}, content=content)
    assert seen == [(3, "train.csv", "training.csv")]
    assert [(f.kind, f.file) for f in found] == [("content", "training.csv")]
    assert [f.kind for f in check_files(folder, [SCHEMA], {"train.csv": 300})] == ["fewer_rows"]
    assert check_files(folder, [SCHEMA]) == []  # no official rows: no count


def test_check_files_skips_the_content_of_a_table_with_errors(tmp_path):
    bad = good()
    bad["sex"] = [1, 7, 1]
    folder = _folder(tmp_path, **{"train.csv": bad})
    found = check_files(folder, [SCHEMA], content=lambda *args: pytest.fail("content of a broken table"))
    assert [(f.kind, f.severity, f.file) for f in found] == [("unknown_code", "error", "train.csv")]
    (lenient,) = check_files(folder, [SCHEMA], lenient={"unknown_code": "those rows are left out"})
    assert (lenient.severity, lenient.fix) == ("warning", "those rows are left out")


def test_check_files_lists_missing_and_cut_files_and_still_counts_rows(tmp_path):
    other = SCHEMA.__class__("test.csv", SCHEMA.columns[:1])
    path = tmp_path / "train.csv"
    good().to_csv(path, index=False)
    path.write_text(path.read_text()[:-4])  # cut in the middle of the last line
    (tmp_path / TWIN_MARKER).write_text(json.dumps({"rows": {"train.csv": 30}}))
    found = check_files(tmp_path, [SCHEMA, other], {"train.csv": 3, "test.csv": 5})
    assert [(f.kind, f.file) for f in found] == [
        ("cut_file", "train.csv"),
        ("missing_file", "test.csv"),
        ("fewer_rows", "train.csv"),
    ]


def test_read_table_stops_only_on_the_kinds_a_reader_cannot_handle(tmp_path):
    df = good().astype({"age": object})
    df.loc[0, "age"] = "old"  # a not_numeric value: a reader may leave that row out itself
    path = tmp_path / "train.csv"
    df.to_csv(path, index=False)
    assert len(read_table(path, SCHEMA, stop=("missing_column",))) == 3
    df.drop(columns="name").to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        read_table(path, SCHEMA, stop=("missing_column",))
    assert [f.kind for f in err.value.findings] == ["missing_column"]


def test_read_table_says_the_readers_fix_for_a_missing_file(tmp_path):
    with pytest.raises(DataError, match="train.csv not found; point at the data folder"):
        read_table(tmp_path / "train.csv", SCHEMA, missing_fix="point at the data folder")
