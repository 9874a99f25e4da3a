import numpy as np
import pandas as pd
import pytest
from hdhkits.schema import ColumnSpec
from hdhkits.submission import SubmissionError, SubmissionSpec, check_submission, read_submission, write_submission

SPEC = SubmissionSpec(
    (
        ColumnSpec("trustii_id", "int"),
        ColumnSpec("risk", "float"),
        ColumnSpec("label", "code", allowed=(0, 1, 2)),
        ColumnSpec("proba", "float", minimum=0, maximum=1),
    )
)
IDS = [1, 2, 3, 4]


def good() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trustii_id": [3, 1, 2, 4],
            "risk": [0.1, -2.0, 5.0, 1e6],
            "label": [0, 1, 2, 0],
            "proba": [0.0, 0.5, 1.0, 0.2],
        }
    )


def test_valid_submission_in_any_row_order():
    assert check_submission(good(), SPEC, IDS) == []


def test_every_problem_is_listed():
    df = good()
    df.loc[0, "trustii_id"] = 1  # duplicate; id 3 now missing
    df.loc[1, "risk"] = np.nan
    df.loc[2, "risk"] = np.inf
    df.loc[3, "label"] = 7
    df.loc[0, "proba"] = 1.5
    df = pd.concat([df, pd.DataFrame({"trustii_id": [99], "risk": [0.0], "label": [0], "proba": [0.1]})])
    df["extra"] = 0
    problems = check_submission(df, SPEC, IDS)
    text = "\n".join(map(str, problems))
    for fragment in (
        "unexpected column(s): 'extra'",
        "5 rows where the test file has 4",
        "duplicated id(s) 1",
        "1 test id(s) missing, such as 3",
        "not in the test file, such as 99",
        "'risk': 1 empty cell",
        "'risk': 1 infinite",
        "'label': value(s) 7 outside",
        "'proba': 1 value(s) above 1",
    ):
        assert fragment in text, fragment


def test_missing_columns_and_non_numeric():
    df = good().drop(columns=["proba"]).astype({"risk": object})
    df.loc[0, "risk"] = "high"
    text = "\n".join(map(str, check_submission(df, SPEC, IDS)))
    assert "missing column(s): 'proba'" in text and "trustii_id,risk,label,proba" in text
    assert "non-numeric value(s) such as 'high'" in text


def test_string_ids_are_compared_as_strings():
    spec = SubmissionSpec((ColumnSpec("NAME", "str"), ColumnSpec("p", "float")))
    df = pd.DataFrame({"NAME": ["a.jpg", "b.jpg"], "p": [0.1, 0.2]})
    assert check_submission(df, spec, ["a.jpg", "b.jpg"]) == []
    assert "such as c.jpg" in "\n".join(map(str, check_submission(df, spec, ["a.jpg", "c.jpg"])))


def test_write_refuses_a_known_problem_and_writes_atomically(tmp_path):
    target = tmp_path / "submission.csv"
    with pytest.raises(SubmissionError, match="2 problem"):
        write_submission(good(), target, problems=["a", "b"])
    assert not target.exists()
    write_submission(good(), target, problems=[])
    assert read_submission(target).equals(good())


def test_read_submission_errors_are_clear(tmp_path):
    with pytest.raises(SubmissionError, match="file not found"):
        read_submission(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SubmissionError, match="cannot be read as CSV"):
        read_submission(bad)
