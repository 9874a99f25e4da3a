"""The ANNITIA submission: its columns, and the findings of a submission against a test file.

:class:`~hdhkits.annitia.problem.AnnitiaProblem` validates with :func:`submission_findings`,
and so does an exercise of the notebooks (:func:`hdhkits.annitia.teaching.shortcut_check`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..findings import DataError, Finding
from ..schema import ColumnSpec
from ..submission import SubmissionSpec, check_submission
from .columns import RISK_DEATH, RISK_HEPATIC, TEST_ID
from .schema import read_test

__all__ = ["SUBMISSION_SPEC", "submission_findings"]

#: ``trustii_id,risk_hepatic_event,risk_death``: any finite real risks (higher = earlier event).
SUBMISSION_SPEC = SubmissionSpec(
    (
        ColumnSpec(TEST_ID, "int", nullable=False),
        ColumnSpec(RISK_HEPATIC, "float", nullable=False),
        ColumnSpec(RISK_DEATH, "float", nullable=False),
    )
)


def submission_findings(submission: pd.DataFrame, data_dir: str | Path) -> list[Finding]:
    """Every problem of a submission against the ``trustii_id`` values of the test file in ``data_dir``.

    Raises
    ------
    hdhkits.findings.DataError
        The test file is missing or has no ``trustii_id`` column.
    """
    test = read_test(data_dir, check=False)
    if TEST_ID not in test.columns:
        raise DataError(data_dir, [f"the test file has no '{TEST_ID}' column; cannot check submission ids"])
    return check_submission(submission, SUBMISSION_SPEC, test[TEST_ID].to_numpy())
