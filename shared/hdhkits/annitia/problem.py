"""ANNITIA problem definition: files, twin, submission rules and the official metric.

:data:`PROBLEM` follows the kit contract (CONTRIBUTING.md): each method has exactly the
signature of :class:`hdhkits.problem.Problem` and delegates to the kit's modules
(:mod:`~hdhkits.annitia.twin`, :mod:`~hdhkits.annitia.schema`,
:mod:`~hdhkits.annitia.metric`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..findings import DataError, Finding
from ..problem import Problem, Score
from ..schema import ColumnSpec
from ..submission import SubmissionSpec, check_submission
from .columns import RISK_DEATH, RISK_HEPATIC, TEST_ID
from .metric import score
from .schema import TEST_FILE, TRAIN_FILE, TRUTH_FILE, check_data, read_test
from .twin import make_twin

__all__ = ["PROBLEM", "SUBMISSION_SPEC", "AnnitiaProblem"]

#: ``trustii_id,risk_hepatic_event,risk_death``: any finite real risks (higher = earlier event).
SUBMISSION_SPEC = SubmissionSpec(
    (
        ColumnSpec(TEST_ID, "int", nullable=False),
        ColumnSpec(RISK_HEPATIC, "float", nullable=False),
        ColumnSpec(RISK_DEATH, "float", nullable=False),
    )
)


class AnnitiaProblem(Problem):
    """ANNITIA: rank MASLD patients by risk of a liver event and of death."""

    name = "annitia"
    title = "ANNITIA"
    task = (
        "From sparse visits (labs, FibroScan, FibroTest, Aixplorer), rank each test patient by "
        "risk of a major liver event and of death."
    )
    official_files = (TRAIN_FILE, TEST_FILE)
    metric = (
        "0.7 × C(hepatic) + 0.3 × C(death), Harrell's concordance as scikit-survival's "
        "concordance_index_censored (official); unknown death status left out of C(death)"
    )
    env_var = "ANNITIA_DATA_DIR"
    truth_file = TRUTH_FILE
    twin_version = "3"  # 3: visits move like the official ones (issue #20); 2: calibrated difficulty (issue #7)
    #: Place in kit listings (`hdhkits list`, the README).
    order = 2

    def make_twin(self, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
        """Write ``train.csv`` and ``val_test.csv`` to ``data_dir``, ``val_test_truth.csv`` to ``truth_dir``.

        Delegates to :func:`hdhkits.annitia.twin.make_twin`; deterministic in ``seed`` and ``size``.
        """
        make_twin(data_dir, truth_dir, seed=seed, size=size)

    def check_data(self, data_dir: Path, deep: bool = False) -> list[Finding]:
        """Every finding of both files (``test.csv`` accepted for ``val_test.csv``).

        Errors: layout (missing file or column, unparsable values, unknown codes,
        duplicate ids). Warnings: labs outside their plausible range (the features treat
        them as missing) and events dated before ``Age_v1`` (time set to 0.001 years).
        Delegates to :func:`hdhkits.annitia.schema.check_data` (``deep`` changes nothing:
        every value is read anyway).
        """
        return check_data(data_dir, deep=deep)

    def validate_submission(self, submission: pd.DataFrame, data_dir: Path) -> list[Finding]:
        """Every problem of a submission against the test file's ``trustii_id`` values.

        Raises
        ------
        hdhkits.findings.DataError
            The test file is missing or has no ``trustii_id`` column.
        """
        test = read_test(data_dir, check=False)
        if TEST_ID not in test.columns:
            raise DataError(data_dir, [f"the test file has no '{TEST_ID}' column; cannot check submission ids"])
        return check_submission(submission, SUBMISSION_SPEC, test[TEST_ID].to_numpy())

    def score_submission(self, submission: pd.DataFrame, truth: pd.DataFrame) -> Score:
        """Official score of a valid submission against the truth table.

        The truth is the twin's (or any table with ``trustii_id``, the four targets,
        ``Age_v1`` and ``last_visit_age`` or ``Age_v*``). Delegates to
        :func:`hdhkits.annitia.metric.score`.
        """
        return score(truth, submission)

    def sample_submission(self, data_dir: Path) -> pd.DataFrame:
        """Age at the first visit as both risks (older: higher risk), for every test patient."""
        test = read_test(data_dir, check=False)
        age = pd.to_numeric(test["Age_v1"], errors="coerce")
        age = age.fillna(age.median()).to_numpy(float)
        return pd.DataFrame({TEST_ID: test[TEST_ID], RISK_HEPATIC: age, RISK_DEATH: age})[SUBMISSION_SPEC.names]


PROBLEM = AnnitiaProblem()
