import numpy as np
import pandas as pd
import pytest
from hdhkits.schema import ColumnSpec, TableSchema, check_frame
from hdhkits.tables import read_table

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


def test_semicolons_and_header_only_files_are_named(tmp_path):
    import pandas as pd
    from hdhkits.schema import check_frame

    found = check_frame(pd.DataFrame(columns=["id;name"]), SCHEMA)
    assert [f.kind for f in found] == ["delimiter"] and "';'-separated" in found[0].message
    found = check_frame(pd.DataFrame(columns=["id", "name"]), SCHEMA)
    assert "no_rows" in [f.kind for f in found]


def test_a_semicolon_header_of_many_columns_is_named_in_a_short_line():
    # a 304-column header re-saved with ';' was quoted whole (about 2,400 characters)
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
