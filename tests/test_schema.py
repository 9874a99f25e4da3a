import numpy as np
import pandas as pd
import pytest
from hdhkits.schema import ColumnSpec, DataError, TableSchema, check_frame, cut_last_line, find_file, read_table

SCHEMA = TableSchema(
    "train.csv",
    (
        ColumnSpec("id", "int", nullable=False),
        ColumnSpec("sex", "code", allowed=(1, 2), nullable=False),
        ColumnSpec("age", "float", minimum=0, maximum=120),
        ColumnSpec("name", "str", allowed=("a", "b")),
    ),
    id_column="id",
    aliases=("training.csv",),
)


def good() -> pd.DataFrame:
    return pd.DataFrame({"id": [1, 2, 3], "sex": [1, 2, 1], "age": [30.5, np.nan, 80.0], "name": ["a", "b", "a"]})


def test_conforming_frame_has_no_problem():
    assert check_frame(good(), SCHEMA) == []


def test_every_problem_is_listed_at_once():
    df = good()
    df["id"] = [1, 1, 3]
    df["sex"] = [1, 3, np.nan]
    df["age"] = [-1.0, 200.0, 5.0]
    df["name"] = ["a", "z", "b"]
    problems = check_frame(df, SCHEMA)
    text = "\n".join(map(str, problems))
    assert "duplicated id" in text
    assert "outside the allowed codes" in text and "3" in text
    assert "empty cell" in text and "'sex'" in text
    assert "below 0" in text and "above 120" in text
    assert "unknown value" in text and "'z'" in text
    assert len(problems) == 6


def test_renamed_missing_extra_and_order():
    df = good().rename(columns={"age": "Age"})
    df["extra_col"] = 1
    problems = check_frame(df, SCHEMA)
    assert any("column 'age' is missing; found 'Age'" in p for p in problems)
    assert any("unexpected column(s) 'extra_col'" in p for p in problems)
    reordered = good()[["sex", "id", "age", "name"]]
    (problem,) = check_frame(reordered, SCHEMA)
    assert "position 1 holds 'sex' where 'id' is expected" in problem


def test_non_numeric_and_fractional_values_name_rows():
    df = good().astype({"id": object})
    df.loc[1, "id"] = "x"
    df["sex"] = [1, 1.5, 2]
    text = "\n".join(map(str, check_frame(df, SCHEMA)))
    assert "non-numeric value(s) such as 'x' at data row(s) 2" in text
    assert "non-integer" in text


def test_read_table_reports_the_file(tmp_path):
    df = good().astype({"age": object})
    df.loc[0, "age"] = "old"
    path = tmp_path / "train.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        read_table(path, SCHEMA)
    assert str(path) in str(err.value) and "non-numeric" in str(err.value)
    assert err.value.problems and err.value.findings[0].file == "train.csv"


def test_out_of_range_values_warn_and_still_load(tmp_path):
    # the official files hold noise-made impossible values: they must never block a read
    df = good()
    df.loc[0, "age"] = -3.5
    df.loc[2, "age"] = 500
    path = tmp_path / "train.csv"
    df.to_csv(path, index=False)
    assert read_table(path, SCHEMA).shape == (3, 4)
    low, high = check_frame(df, SCHEMA)
    assert (low.severity, low.kind, low.column, low.count, low.extreme, low.rows) == (
        "warning",
        "below_minimum",
        "age",
        1,
        -3.5,
        (1,),
    )
    assert (high.severity, high.kind, high.extreme, high.rows) == ("warning", "above_maximum", 500, (3,))
    assert str(low) == (
        "train.csv: column 'age': 1 value(s) below 0 (smallest -3.5) at data row(s) 1; "
        "kept as they are; look at them before modelling"
    )


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


def test_semicolons_and_header_only_files_are_named(tmp_path):
    import pandas as pd
    from hdhkits.schema import check_frame

    found = check_frame(pd.DataFrame(columns=["id;name"]), SCHEMA)
    assert [f.kind for f in found] == ["delimiter"] and "';'-separated" in found[0].message
    found = check_frame(pd.DataFrame(columns=["id", "name"]), SCHEMA)
    assert "no_rows" in [f.kind for f in found]


def test_a_semicolon_header_of_many_columns_is_named_in_a_short_line():
    # issue 18: a 304-column header re-saved with ';' was quoted whole (about 2,400 characters)
    import pandas as pd
    from hdhkits.findings import MAX_CHARS
    from hdhkits.schema import check_frame

    names = ["id", "name"] + [f"SNP{i}" for i in range(1, 303)]
    (found,) = check_frame(pd.DataFrame(columns=[";".join(names)]), SCHEMA)
    assert len(str(found)) <= MAX_CHARS
    assert "304 names joined by ';' (id, name, SNP1, …)" in found.message


def test_empty_and_constant_columns_are_one_warning_each():
    import numpy as np
    import pandas as pd
    from hdhkits.schema import constant_column_findings, empty_column_findings

    frame = pd.DataFrame({"a": [np.nan, np.nan], "b": [1.0, 1.0], "c": [1.0, np.nan], "d": [1, 2]})
    (empty,) = empty_column_findings(frame, ["a", "b", "zz"], "t.csv", "done without")
    assert (empty.kind, empty.column, empty.count, empty.severity) == ("empty_column", "a", 1, "warning")
    (constant,) = constant_column_findings(frame, list(frame.columns), "t.csv", "ignored")
    assert constant.count == 2 and "b = 1, c = 1" in constant.message and "'a'" not in constant.message
    assert constant_column_findings(frame.head(1), ["d"], "t.csv", "ignored") == []  # one row: nothing to judge
    assert empty_column_findings(frame.iloc[:0], ["a"], "t.csv", "x") == []


def test_bad_kind_is_rejected():
    with pytest.raises(ValueError, match="kind must be one of"):
        ColumnSpec("x", "integer")


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


def test_data_error_shows_sentences_not_a_traceback_in_jupyter():
    from hdhkits.schema import DataError
    from IPython.core.interactiveshell import InteractiveShell

    exc = DataError("train.csv", ["column 'x' is missing; use the official file"])
    assert exc._render_traceback_() == [f"DataError: {exc}"]
    shell = InteractiveShell.instance()
    shown = []
    shell._showtraceback = lambda etype, value, stb: shown.append(stb)
    result = shell.run_cell(
        "from hdhkits.schema import DataError\ndef deep():\n    raise DataError('train.csv', ['cut'])\ndeep()"
    )
    assert isinstance(result.error_in_exec, DataError)
    assert shown == [["DataError: train.csv: 1 problem(s)\n  - cut"]]


def test_row_counts_against_the_official_sizes_and_the_twin_marker(tmp_path):
    import json

    from hdhkits.schema import TWIN_MARKER, count_rows, row_count_findings

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
    from hdhkits.schema import TWIN_MARKER, count_rows

    problem = get_problem("cardihack")
    write_twin(problem, tmp_path / "d", tmp_path / "t", seed=2, size="quick")
    marker = json.loads((tmp_path / "d" / TWIN_MARKER).read_text())
    assert marker["kit"] == "cardihack" and marker["seed"] == 2 and marker["size"] == "quick"
    assert marker["rows"] == {
        "train.csv": count_rows(tmp_path / "d" / "train.csv"),
        "test.csv": count_rows(tmp_path / "d" / "test.csv"),
    }
