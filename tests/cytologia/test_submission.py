"""The CYTOLOGIA submission rules beyond the columns: each image where test.csv puts it, boxes the right way round."""

from __future__ import annotations

import pandas as pd
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.submission import SUBMISSION_SPEC, check_submission_rules

TEST = pd.DataFrame({"trustii_id": [1, 2], "NAME": ["a.jpg", "b.jpg"]})


def _submission(**changes) -> pd.DataFrame:
    table = TEST.assign(x1=10.0, y1=10.0, x2=20.0, y2=20.0, **{"class": CLASSES[0]})
    for column, values in changes.items():
        table[column] = values
    return table[SUBMISSION_SPEC.names]


def test_a_submission_that_follows_the_rules_has_no_finding():
    assert check_submission_rules(_submission(), TEST) == []


def test_an_inverted_box_and_another_image_are_errors_with_their_kind():
    found = check_submission_rules(_submission(x2=[5.0, 20.0], NAME=["a.jpg", "a.jpg"]), TEST)
    assert [f.kind for f in found] == ["wrong_name", "inverted_box"] and all(f.is_error for f in found)
    assert "trustii_id 2 is 'b.jpg', not 'a.jpg'" in str(found[0])


def test_the_columns_come_first():
    found = check_submission_rules(_submission().drop(columns="class"), TEST)
    assert [f.kind for f in found] == ["missing_column"] and "'class'" in str(found[0])
