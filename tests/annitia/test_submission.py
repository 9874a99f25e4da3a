"""The ANNITIA submission: its columns, and its findings against the test file's ids."""

from __future__ import annotations

import pandas as pd
import pytest
from hdhkits.annitia.submission import SUBMISSION_SPEC, submission_findings
from hdhkits.findings import DataError


def _test_file(folder, ids) -> None:
    pd.DataFrame({"trustii_id": ids, "Age_v1": 50.0}).to_csv(folder / "val_test.csv", index=False)


def test_the_columns_are_the_official_ones():
    assert SUBMISSION_SPEC.names == ["trustii_id", "risk_hepatic_event", "risk_death"]


def test_a_submission_is_checked_against_the_test_files_ids(tmp_path):
    _test_file(tmp_path, [3, 4])
    good = pd.DataFrame({"trustii_id": [4, 3], "risk_hepatic_event": [0.1, 0.2], "risk_death": [1.0, -1.0]})
    assert submission_findings(good, tmp_path) == []
    missing = good.iloc[:1]
    assert any(f.is_error for f in submission_findings(missing, tmp_path))


def test_a_test_file_without_ids_cannot_check_a_submission(tmp_path):
    pd.DataFrame({"Age_v1": [50.0]}).to_csv(tmp_path / "val_test.csv", index=False)
    with pytest.raises(DataError, match="no 'trustii_id' column"):
        submission_findings(pd.DataFrame(), tmp_path)
