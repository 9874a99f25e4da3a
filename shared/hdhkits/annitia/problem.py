"""ANNITIA problem definition: files, twin, submission rules and the official metric."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..files import write_csv
from ..findings import Finding
from ..problem import Problem, Score
from ..schema import ColumnSpec, DataError
from ..submission import SubmissionSpec, check_submission
from .data import check_data_dir, load_test, survival_targets
from .metric import official_score
from .schema import TEST_FILE, TEST_ID, TRAIN_FILE
from .twin import generate_twin

__all__ = ["AnnitiaProblem", "PROBLEM", "SUBMISSION_SPEC", "RISK_HEPATIC", "RISK_DEATH"]

RISK_HEPATIC = "risk_hepatic_event"
RISK_DEATH = "risk_death"

#: ``trustii_id,risk_hepatic_event,risk_death``: any finite real risks (higher = earlier event).
SUBMISSION_SPEC = SubmissionSpec((
    ColumnSpec(TEST_ID, "int", nullable=False),
    ColumnSpec(RISK_HEPATIC, "float", nullable=False),
    ColumnSpec(RISK_DEATH, "float", nullable=False),
))


class AnnitiaProblem(Problem):
    """ANNITIA: rank MASLD patients by risk of a liver event and of death."""

    name = "annitia"
    title = "ANNITIA"
    task = ("From sparse visits (labs, FibroScan, FibroTest, Aixplorer), rank each test patient by "
            "risk of a major liver event and of death.")
    official_files = (TRAIN_FILE, TEST_FILE)
    metric = ("0.7 × C(hepatic) + 0.3 × C(death), Harrell's concordance as scikit-survival's "
              "concordance_index_censored (official); unknown death status left out of C(death)")
    env_var = "ANNITIA_DATA_DIR"
    truth_file = "val_test_truth.csv"
    twin_version = "2"  # 2: calibrated difficulty, noise-made negative labs (issue #7)

    def make_twin(self, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
        """Write ``train.csv`` and ``val_test.csv`` to ``data_dir``, ``val_test_truth.csv`` to ``truth_dir``."""
        train, test, truth = generate_twin(seed=seed, size=size)
        write_csv(train, Path(data_dir) / TRAIN_FILE)
        write_csv(test, Path(data_dir) / TEST_FILE)
        write_csv(truth, Path(truth_dir) / self.truth_file)

    def check_data(self, data_dir: Path) -> list[Finding]:
        """Every finding of both files (``test.csv`` accepted for ``val_test.csv``).

        Errors: layout (missing file or column, unparsable values, unknown codes,
        duplicate ids). Warnings: labs outside their plausible range (the features treat
        them as missing) and events dated before ``Age_v1`` (time set to 0.001 years).
        """
        return check_data_dir(data_dir)

    def validate_submission(self, submission: pd.DataFrame, data_dir: Path) -> list[Finding]:
        """Every problem of a submission against the test file's ``trustii_id`` values."""
        test = load_test(data_dir, check=False)
        if TEST_ID not in test.columns:
            raise DataError(data_dir, [f"the test file has no '{TEST_ID}' column; cannot check submission ids"])
        problems = check_submission(submission, SUBMISSION_SPEC, test[TEST_ID].to_numpy())
        return problems

    def score_submission(self, submission: pd.DataFrame, truth: pd.DataFrame) -> Score:
        """Official score of a valid submission against the twin's truth (or any truth table
        with ``trustii_id``, the four targets, ``Age_v1`` and ``last_visit_age`` or ``Age_v*``)."""
        if TEST_ID not in truth.columns:
            raise DataError("<truth>", [f"the truth has no '{TEST_ID}' column"])
        sub = submission.copy()
        sub[TEST_ID] = pd.to_numeric(sub[TEST_ID], errors="coerce")
        merged = truth.merge(sub[[TEST_ID, RISK_HEPATIC, RISK_DEATH]], on=TEST_ID, how="left")
        if merged[[RISK_HEPATIC, RISK_DEATH]].isna().any().any():
            absent = merged.loc[merged[RISK_HEPATIC].isna() | merged[RISK_DEATH].isna(), TEST_ID].head(5).tolist()
            raise DataError("<submission>", [f"no risk for truth id(s) {absent}; validate the submission first"])
        targets = survival_targets(merged)
        return official_score(targets, merged[RISK_HEPATIC].to_numpy(float), merged[RISK_DEATH].to_numpy(float))


PROBLEM = AnnitiaProblem()
