"""The Cardi-HACK problem definition: files, twin, submission rules and the reconstructed metric."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from ..findings import Finding, error, with_file
from ..problem import Problem, Score
from ..schema import ColumnSpec, DataError, check_frame, cut_last_line, find_file
from ..submission import SubmissionSpec, check_submission
from .metric import cardihack_metric
from .plausibility import plausibility_findings
from .rules import check_feature_rules
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY, TEST_ID, TEST_SCHEMA, TRAIN_SCHEMA, read_test
from .twin import TEST_TRUTH_FILE, write_twin_files

__all__ = ["SUBMISSION_SPEC", "CardihackProblem", "PROBLEM"]

#: The submission file: ``trustii_id,OUTCOME MACE,OUTCOME SEVERITY``.
SUBMISSION_SPEC = SubmissionSpec((
    ColumnSpec(TEST_ID, "int", nullable=False),
    ColumnSpec(OUTCOME_MACE, "code", nullable=False, allowed=(0, 1, 2)),
    ColumnSpec(OUTCOME_SEVERITY, "float", nullable=False, minimum=0.0, maximum=1.0),
))


class CardihackProblem(Problem):
    """Cardi-HACK: severe phenotype and major cardiac events in hypertrophic cardiomyopathy."""

    name = "cardihack"
    title = "Cardi-HACK"
    task = ("From clinical and genetic data of HCM patients, predict the probability of a severe phenotype "
            "(OUTCOME SEVERITY) and the MACE class 0/1/2 (none / within 1,000 days / within 3,000 days).")
    official_files = ("train.csv", "test.csv")
    metric = ("Reconstructed (not official): 0.7 x class-weighted quadratic kappa on MACE + 0.3 x rescaled "
              "class-weighted log-loss on SEVERITY")
    env_var = "CARDIHACK_DATA_DIR"
    truth_file = TEST_TRUTH_FILE
    twin_version = "2"  # 2: effects recalibrated, Age_Diag after baseline

    def make_twin(self, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
        """Write ``train.csv``/``test.csv`` and the truth (``test_truth.csv``, ``train_truth.csv``)."""
        write_twin_files(Path(data_dir), Path(truth_dir), seed=seed, size=size)

    def check_data(self, data_dir: Path) -> list[Finding]:
        """Every finding of ``train.csv`` and ``test.csv`` in a folder, each naming its file.

        Errors (layout: missing or renamed columns, codes outside the dictionary,
        duplicate ids ...) block. Warnings (plausibility) are handled by the models as
        :mod:`hdhkits.cardihack.plausibility` states: ``Age_Diag`` of 0.0 (unknown,
        ``unknown_code_zero``), ``Age_Diag`` after ``Age_Baseline``
        (``diagnosis_after_baseline``), values outside the plausible ranges
        (``below_minimum``/``above_maximum``).
        """
        found: list[Finding] = []
        for schema in (TRAIN_SCHEMA, TEST_SCHEMA):
            try:
                path = find_file(data_dir, schema)
                cut = cut_last_line(path)
                if cut is not None:
                    raise DataError(path, [cut])
                frame = pd.read_csv(path, low_memory=False)
            except DataError as exc:
                found += with_file(exc.findings, schema.file_name)
                continue
            except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
                found.append(error(f"cannot be read as CSV: {exc}", file=schema.file_name, kind="unreadable_file",
                                   fix="download the file again; it may be cut or not a CSV"))
                continue
            found += check_frame(frame, schema)
            found += plausibility_findings(frame, schema.file_name)
        return found

    def validate_submission(
        self,
        submission: pd.DataFrame,
        data_dir: Path,
        severity_features: Iterable[str] | None = None,
        mace_features: Iterable[str] | None = None,
    ) -> list[Finding]:
        """Every problem of a submission (errors), plus the feature rules when the features are given.

        Parameters
        ----------
        submission : DataFrame
            ``trustii_id,OUTCOME MACE,OUTCOME SEVERITY``.
        data_dir : Path
            Folder with ``test.csv`` (its ``trustii_id`` are the expected ids).
        severity_features, mace_features : iterable of str, optional
            Columns the two models read, checked by
            :func:`~hdhkits.cardihack.rules.check_feature_rules`.
        """
        test = read_test(data_dir, check=False)
        problems = check_submission(submission, SUBMISSION_SPEC, test[TEST_ID])
        if list(submission.columns) != SUBMISSION_SPEC.names and set(submission.columns) == set(SUBMISSION_SPEC.names):
            problems.append(error("columns are not in the official order", kind="column_order",
                                  fix=f"write them as {','.join(SUBMISSION_SPEC.names)}"))
        if severity_features is not None or mace_features is not None:
            problems += [error(p, kind="feature_rule") for p in check_feature_rules(severity_features, mace_features)]
        return problems

    def score_submission(self, submission: pd.DataFrame, truth: pd.DataFrame) -> Score:
        """Reconstructed metric: combined score, ``kappa_mace``, ``severity_rescaled``, ``severity_logloss``."""
        merged = truth[[TEST_ID, OUTCOME_MACE, OUTCOME_SEVERITY]].merge(
            submission[[TEST_ID, OUTCOME_MACE, OUTCOME_SEVERITY]], on=TEST_ID, how="left", suffixes=("", " pred"),
            validate="one_to_one")
        missing = merged[f"{OUTCOME_MACE} pred"].isna() | merged[f"{OUTCOME_SEVERITY} pred"].isna()
        if missing.any():
            raise ValueError(f"the submission has no prediction for {int(missing.sum())} trustii_id(s) of the truth; "
                             "validate it first (validate_submission)")
        parts = cardihack_metric(merged[OUTCOME_MACE].to_numpy(int), merged[f"{OUTCOME_MACE} pred"].to_numpy(int),
                                 merged[OUTCOME_SEVERITY].to_numpy(int), merged[f"{OUTCOME_SEVERITY} pred"].to_numpy(float))
        score = parts.pop("score")
        return Score(score, parts)


PROBLEM = CardihackProblem()
