"""Cardi-HACK file layouts: the official columns, in order, and readers that check them.

The official ``train.csv`` holds ``ID``, twelve clinical columns, the two outcomes
(between ``Diam_OG`` and ``Variant.Pathogene``), ``Variant.Pathogene`` and the 288
genotypes ``SNP1`` … ``SNP288``. ``test.csv`` starts with ``trustii_id`` (1–149, rows
shuffled), then ``ID`` and the same feature columns, without the outcomes.

Layout problems (columns, codes, parsing, duplicate ids) are errors. Values outside the
plausible ranges (:data:`PLAUSIBLE_RANGES`) are warnings: the data loads and the kit's
models treat them as missing (:mod:`hdhkits.cardihack.plausibility`).
:func:`check_data` lists every finding of a folder (what ``PROBLEM.check_data`` returns).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..findings import Finding, error, with_file
from ..schema import (ColumnSpec, DataError, TableSchema, check_frame, cut_last_line, find_file, read_table,
                      row_count_findings)

__all__ = [
    "CLINICAL_COLUMNS", "BINARY_COLUMNS", "SNP_COLUMNS", "PRIORITY_SNPS", "GENETIC_COLUMNS",
    "FEATURE_COLUMNS", "OUTCOME_SEVERITY", "OUTCOME_MACE", "OUTCOMES", "ID_COLUMN", "TEST_ID",
    "N_SNPS", "N_PRIORITY_SNPS", "TRAIN_COLUMNS", "TEST_COLUMNS", "TRAIN_SCHEMA", "TEST_SCHEMA",
    "check_data", "read_train", "read_test", "unknown_as_missing", "OFFICIAL_ROWS", "PLAUSIBLE_RANGES", "OUT_OF_RANGE_HANDLING",
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
    "Age_Baseline", "Age_Diag", "BMI", "BSA", "Genre", "Epaiss_max", "Gradient", "TVNS", "FEVG",
    "ATCD_MS", "SYNCOPE", "Diam_OG",
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

#: Plausible ranges of the continuous clinical columns (inclusive). Values outside are
#: warnings, never errors: the data loads, and the baselines treat them as missing
#: (:func:`hdhkits.cardihack.plausibility.plausible_values`). Wide enough that the official
#: train file passes (age 14–91, ``Epaiss_max`` 9–41 mm, BMI 27.2 ± 4.5, ``Diam_OG``
#: 41.7 ± 6.2 mm); ``BSA`` is on the file's non-m² scale (71.7 ± 15, see the README);
#: ``Age_Diag`` starts at 0 because 0.0 is its "unknown" code, checked on its own.
PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "Age_Baseline": (10, 100), "Age_Diag": (0, 100), "BMI": (12, 70), "BSA": (20, 250),
    "Epaiss_max": (5, 60), "Diam_OG": (15, 90),
}
#: What the kit does with a value outside :data:`PLAUSIBLE_RANGES` (the warning's fix).
OUT_OF_RANGE_HANDLING = ("the baselines treat these values as missing and impute the training median "
                         "(hdhkits.cardihack.plausible_values)")


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


def _file_findings(data_dir: str | Path, schema: TableSchema) -> list[Finding]:
    """Every finding of one official file of a folder, each naming the file."""
    from .plausibility import plausibility_findings  # it imports this module's ranges

    try:
        path = find_file(data_dir, schema)
        cut = cut_last_line(path)
        if cut is not None:
            raise DataError(path, [cut])
        frame = pd.read_csv(path, low_memory=False)
    except DataError as exc:
        return with_file(exc.findings, schema.file_name)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        return [error(f"cannot be read as CSV: {exc}", file=schema.file_name, kind="unreadable_file",
                      fix="download the file again; it may be cut or not a CSV")]
    return check_frame(frame, schema) + plausibility_findings(frame, schema.file_name)


def check_data(data_dir: str | Path, deep: bool = False) -> list[Finding]:
    """Every finding of ``train.csv`` and ``test.csv`` in a folder, each naming its file.

    Errors (layout: missing or renamed columns, codes outside the dictionary,
    duplicate ids ...) block. Warnings (plausibility) are handled by the models as
    :mod:`hdhkits.cardihack.plausibility` states: ``Age_Diag`` of 0.0 (unknown,
    ``unknown_code_zero``), ``Age_Diag`` after ``Age_Baseline``
    (``diagnosis_after_baseline``), values outside the plausible ranges
    (``below_minimum``/``above_maximum``).

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
    found = [f for schema in (TRAIN_SCHEMA, TEST_SCHEMA) for f in _file_findings(data_dir, schema)]
    return found + row_count_findings(data_dir, OFFICIAL_ROWS)


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
    hdhkits.schema.DataError
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
    hdhkits.schema.DataError
        Every problem of the file at once.
    """
    return read_table(data_dir, TEST_SCHEMA, check=check)


def unknown_as_missing(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where the file's "unknown" codes are NaN: ``Age_Diag`` of 0.0 means unknown.

    Nobody is diagnosed at age 0 in an adult HCM cohort, so a 0.0 is a placeholder, and
    averaging it in would pull the age at diagnosis down by years.
    """
    out = df.copy()
    if "Age_Diag" in out.columns:
        out["Age_Diag"] = out["Age_Diag"].mask(out["Age_Diag"] == 0)
    return out
