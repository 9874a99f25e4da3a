"""Cardi-HACK file layouts: the official columns, in order, and readers that check them.

The official ``train.csv`` holds ``ID``, twelve clinical columns, the two outcomes
(between ``Diam_OG`` and ``Variant.Pathogene``), ``Variant.Pathogene`` and the 288
genotypes ``SNP1`` … ``SNP288``. ``test.csv`` starts with ``trustii_id`` (1–149, rows
shuffled), then ``ID`` and the same feature columns, without the outcomes.

Layout problems (columns, codes, parsing, duplicate ids) are errors. Values outside the
plausible ranges (:data:`~hdhkits.cardihack.plausibility.PLAUSIBLE_RANGES`) are warnings: the data loads and the kit's
models treat them as missing (:mod:`hdhkits.cardihack.plausibility`).
:func:`check_data` lists every finding of a folder (what ``PROBLEM.check_data`` returns).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..findings import Finding, error, warning
from ..schema import ColumnSpec, TableSchema, constant_column_findings, empty_column_findings
from ..tables import check_files, read_table
from .plausibility import OUT_OF_RANGE_HANDLING, PLAUSIBLE_RANGES, plausibility_findings

__all__ = [
    "BINARY_COLUMNS",
    "CLINICAL_COLUMNS",
    "FEATURE_COLUMNS",
    "GENETIC_COLUMNS",
    "ID_COLUMN",
    "MIN_PER_CLASS",
    "N_PRIORITY_SNPS",
    "N_SNPS",
    "OFFICIAL_ROWS",
    "OUTCOMES",
    "OUTCOME_MACE",
    "OUTCOME_SEVERITY",
    "PRIORITY_SNPS",
    "SNP_COLUMNS",
    "TEST_COLUMNS",
    "TEST_ID",
    "TEST_SCHEMA",
    "TRAIN_COLUMNS",
    "TRAIN_SCHEMA",
    "check_data",
    "coverage_findings",
    "outcome_findings",
    "read_test",
    "read_train",
]

#: Number of genotype columns and of "priority" SNPs (SNP1–SNP75) in the official files.
N_SNPS = 288
N_PRIORITY_SNPS = 75

ID_COLUMN = "ID"
TEST_ID = "trustii_id"
OUTCOME_SEVERITY = "OUTCOME SEVERITY"
OUTCOME_MACE = "OUTCOME MACE"
OUTCOMES = (OUTCOME_SEVERITY, OUTCOME_MACE)

#: The clinical columns between ``ID`` and the outcomes, in official order.
CLINICAL_COLUMNS: tuple[str, ...] = (
    "Age_Baseline",
    "Age_Diag",
    "BMI",
    "BSA",
    "Genre",
    "Epaiss_max",
    "Gradient",
    "TVNS",
    "FEVG",
    "ATCD_MS",
    "SYNCOPE",
    "Diam_OG",
)
#: Clinical columns coded 0/1.
BINARY_COLUMNS: tuple[str, ...] = ("Genre", "Gradient", "TVNS", "FEVG", "ATCD_MS", "SYNCOPE")
SNP_COLUMNS: tuple[str, ...] = tuple(f"SNP{i}" for i in range(1, N_SNPS + 1))
PRIORITY_SNPS: tuple[str, ...] = SNP_COLUMNS[:N_PRIORITY_SNPS]
#: Genetic data: the pathogenic-variant count and the genotypes.
GENETIC_COLUMNS: tuple[str, ...] = ("Variant.Pathogene", *SNP_COLUMNS)
#: Every column a model may read (the test file minus its two id columns).
FEATURE_COLUMNS: tuple[str, ...] = (*CLINICAL_COLUMNS, *GENETIC_COLUMNS)

TRAIN_COLUMNS: tuple[str, ...] = (ID_COLUMN, *CLINICAL_COLUMNS, *OUTCOMES, *GENETIC_COLUMNS)
TEST_COLUMNS: tuple[str, ...] = (TEST_ID, ID_COLUMN, *CLINICAL_COLUMNS, *GENETIC_COLUMNS)


def _feature_specs() -> list[ColumnSpec]:
    specs = []
    for col in CLINICAL_COLUMNS:
        if col in BINARY_COLUMNS:
            specs.append(ColumnSpec(col, "code", allowed=(0, 1)))
        else:
            low, high = PLAUSIBLE_RANGES[col]
            specs.append(ColumnSpec(col, "float", minimum=low, maximum=high, out_of_range=OUT_OF_RANGE_HANDLING))
    return specs


def _genetic_specs() -> list[ColumnSpec]:
    return [ColumnSpec("Variant.Pathogene", "code", allowed=(0, 1, 2))] + [
        ColumnSpec(s, "code", allowed=(0, 1, 2)) for s in SNP_COLUMNS
    ]


TRAIN_SCHEMA = TableSchema(
    "train.csv",
    (
        ColumnSpec(ID_COLUMN, "int", nullable=False),
        *_feature_specs(),
        ColumnSpec(OUTCOME_SEVERITY, "code", nullable=False, allowed=(0, 1)),
        ColumnSpec(OUTCOME_MACE, "code", nullable=False, allowed=(0, 1, 2)),
        *_genetic_specs(),
    ),
    id_column=ID_COLUMN,
    description="Cardi-HACK training patients: clinical and genetic features and both outcomes",
)

TEST_SCHEMA = TableSchema(
    "test.csv",
    (
        ColumnSpec(TEST_ID, "int", nullable=False, minimum=1),
        ColumnSpec(ID_COLUMN, "int", nullable=False),
        *_feature_specs(),
        *_genetic_specs(),
    ),
    id_column=TEST_ID,
    description="Cardi-HACK test patients: features only; predictions are keyed by trustii_id",
)

assert tuple(TRAIN_SCHEMA.names) == TRAIN_COLUMNS and tuple(TEST_SCHEMA.names) == TEST_COLUMNS

#: Data rows of the official files (a file far from these is a partial download or another release).
OFFICIAL_ROWS = {"train.csv": 347, "test.csv": 149}


def _content_findings(frame: pd.DataFrame, schema: TableSchema, file: str) -> list[Finding]:
    """What a table without layout error holds for the models (``check_files``'s content check)."""
    found = plausibility_findings(frame, file) + coverage_findings(frame, file)
    return found + (outcome_findings(frame, file) if schema is TRAIN_SCHEMA else [])


#: Fewest patients of an outcome's rarer class for the kit's stratified 5-fold
#: cross-validation to put one in every fold (fewer: a warning, the data loads).
MIN_PER_CLASS = 5


def coverage_findings(frame: pd.DataFrame, file: str) -> list[Finding]:
    """Warnings for columns a model cannot learn from: empty in every row, or constant.

    A clinical or genetic column with no value at all (a column a filter emptied) and a
    clinical column holding one value (every patient ``SYNCOPE`` 0 in a small file) load;
    the models' imputers and selectors do without them. A SNP holding one genotype is not
    reported: monomorphic SNPs are common in genotype data (``01_exploration``'s quality
    control lists them).

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``test.csv`` as read, without layout errors.
    file : str
        File name put on the findings.

    Returns
    -------
    list of Finding
        ``empty_column`` and ``constant_column`` warnings, one finding each at most.
    """
    return empty_column_findings(
        frame, FEATURE_COLUMNS, file, "missing for every patient: the models' imputers and selectors do without it"
    ) + constant_column_findings(
        frame, CLINICAL_COLUMNS, file, "it tells no patient from another: the models learn nothing from it"
    )


def _class_counts(frame: pd.DataFrame, column: str, classes: tuple[int, ...]) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").value_counts().reindex(classes, fill_value=0)


def outcome_findings(frame: pd.DataFrame, file: str = "train.csv") -> list[Finding]:
    """What the outcomes of ``train.csv`` allow a model to learn.

    An outcome with one value only is an **error** (kind ``one_class``): no classifier can
    be trained on it. A MACE class that never occurs is a warning (``absent_class``): the
    models never predict it. A class with fewer than :data:`MIN_PER_CLASS` patients is a
    warning (``rare_class``): stratified 5-fold cross-validation leaves some folds without
    one, and the scores of the notebooks move a lot.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` as read, without layout errors.
    file : str
        File name put on the findings.

    Returns
    -------
    list of Finding
    """
    found: list[Finding] = []
    official = {OUTCOME_SEVERITY: "117 severe of 347", OUTCOME_MACE: "261 / 29 / 57"}
    for column, classes in ((OUTCOME_SEVERITY, (0, 1)), (OUTCOME_MACE, (0, 1, 2))):
        counts = _class_counts(frame, column, classes)
        seen = counts[counts > 0]
        shown = ", ".join(f"{c}: {n}" for c, n in counts.items())
        if len(seen) == 1:
            found.append(
                error(
                    f"column '{column}': every patient has {seen.index[0]} ({shown})",
                    file=file,
                    column=column,
                    count=int(seen.iloc[0]),
                    kind="one_class",
                    fix=f"no model of this outcome can be trained: use a train file where its classes "
                    f"occur (the official one: {official[column]})",
                )
            )
            continue
        absent = [str(c) for c in counts.index[counts == 0]]
        if absent:
            found.append(
                warning(
                    f"column '{column}': class(es) {', '.join(absent)} never occur ({shown})",
                    file=file,
                    column=column,
                    count=len(absent),
                    kind="absent_class",
                    fix="the models never predict a class they did not see",
                )
            )
        rare = [str(c) for c in counts.index[(counts > 0) & (counts < MIN_PER_CLASS)]]
        if rare:
            found.append(
                warning(
                    f"column '{column}': class(es) {', '.join(rare)} held by fewer than "
                    f"{MIN_PER_CLASS} patients ({shown})",
                    file=file,
                    column=column,
                    count=int(counts[counts.index.astype(str).isin(rare)].sum()),
                    kind="rare_class",
                    fix="5-fold cross-validation leaves some folds without one: scores move a lot",
                )
            )
    return found


def check_data(data_dir: str | Path, deep: bool = False) -> list[Finding]:
    """Every finding of ``train.csv`` and ``test.csv`` in a folder, each naming its file.

    Errors (layout: missing or renamed columns, codes outside the dictionary,
    duplicate ids ...) block, and so does an outcome of train.csv with one value only
    (``one_class``: no model of it can be trained). Warnings (plausibility) are handled
    by the models as :mod:`hdhkits.cardihack.plausibility` states: ``Age_Diag`` of 0.0
    (unknown, ``unknown_code_zero``), ``Age_Diag`` after ``Age_Baseline``
    (``diagnosis_after_baseline``), values outside the plausible ranges
    (``below_minimum``/``above_maximum``); and what the models cannot learn from
    (:func:`coverage_findings`, :func:`outcome_findings`): a column empty in every row
    (``empty_column``), a clinical column with one value (``constant_column``), a MACE
    class that never occurs (``absent_class``), an outcome class held by fewer than
    :data:`MIN_PER_CLASS` patients (``rare_class``).

    Parameters
    ----------
    data_dir : str or Path
        The folder holding the official files.
    deep : bool
        Accepted for the contract; every value is read anyway.

    Returns
    -------
    list of Finding
        Empty when both files are fine.
    """
    return check_files(data_dir, (TRAIN_SCHEMA, TEST_SCHEMA), OFFICIAL_ROWS, content=_content_findings)


def read_train(data_dir: str | Path, check: bool = True) -> pd.DataFrame:
    """Read and check ``train.csv`` from a data folder (or the file itself).

    Parameters
    ----------
    data_dir : str or Path
        The folder holding the official files, or the file itself.
    check : bool
        Check the layout and raise on errors (warnings never raise).

    Raises
    ------
    hdhkits.findings.DataError
        Every problem of the file at once (missing, renamed or misplaced columns, codes
        outside 0/1/2, ...).
    """
    return read_table(data_dir, TRAIN_SCHEMA, check=check)


def read_test(data_dir: str | Path, check: bool = True) -> pd.DataFrame:
    """Read and check ``test.csv`` from a data folder (or the file itself).

    Parameters
    ----------
    data_dir : str or Path
        The folder holding the official files, or the file itself.
    check : bool
        Check the layout and raise on errors (warnings never raise).

    Raises
    ------
    hdhkits.findings.DataError
        Every problem of the file at once.
    """
    return read_table(data_dir, TEST_SCHEMA, check=check)
