"""ANNITIA file layouts: every column of ``train.csv`` and ``val_test.csv``, in official order.

The official files are wide: one row per patient, one column per variable and visit
(``Age_v1`` … ``Age_v22``). The train file ends with the four target columns; the test
file starts with ``trustii_id``. The names and order here are those of the official
files (287 and 284 columns); the twin and the reader both use them.
"""
from __future__ import annotations

import re

from ..schema import ColumnSpec, TableSchema

__all__ = [
    "ID", "TEST_ID", "STATIC", "CODE_COLUMNS", "VISIT_VARIABLES", "N_VISITS", "TARGETS",
    "HEPATIC_EVENT", "HEPATIC_AGE", "DEATH", "DEATH_AGE", "TRAIN_FILE", "TEST_FILE", "TEST_ALIASES",
    "visit_columns", "train_columns", "val_test_columns", "TRAIN_SCHEMA", "TEST_SCHEMA", "VISIT_COLUMN_RE",
    "PLAUSIBLE_RANGE", "IMPLAUSIBLE_LAB_HANDLING", "IMPLAUSIBLE_AGE_HANDLING",
]

TRAIN_FILE = "train.csv"
TEST_FILE = "val_test.csv"
#: Some copies of the download call the test file ``test.csv``.
TEST_ALIASES = ("test.csv",)

ID = "patient_id_anon"
TEST_ID = "trustii_id"
STATIC = ("gender", "T2DM", "Hypertension", "Dyslipidaemia", "bariatric_surgery", "bariatric_surgery_age")
#: Static columns coded 0/1/2 (``gender`` is 1/2).
CODE_COLUMNS = ("T2DM", "Hypertension", "Dyslipidaemia", "bariatric_surgery")

#: Per-visit variables in file order, with the number of visit columns each has.
N_VISITS: dict[str, int] = {
    "Age": 22, "BMI": 22, "alt": 21, "ast": 21, "bilirubin": 21, "chol": 21, "ggt": 21,
    "gluc_fast": 21, "plt": 21, "triglyc": 21, "aixp_aix_result_BM_3": 21, "fibrotest_BM_2": 21,
    "fibs_stiffness_med_BM_1": 22,
}
VISIT_VARIABLES: tuple[str, ...] = tuple(N_VISITS)

HEPATIC_EVENT = "evenements_hepatiques_majeurs"
HEPATIC_AGE = "evenements_hepatiques_age_occur"
DEATH = "death"
DEATH_AGE = "death_age_occur"
TARGETS = (HEPATIC_EVENT, HEPATIC_AGE, DEATH, DEATH_AGE)

#: Matches a visit column and captures (variable, visit number).
VISIT_COLUMN_RE = re.compile(r"^(?P<var>.+)_v(?P<visit>\d+)$")

#: Plausible bounds (inclusive) of every visit variable: wide enough for any real value,
#: tight enough to catch a unit mix-up (platelets in 10^3/µL are fine, in /L are not). A
#: value outside is a warning of ``check``; the features treat such a lab value as missing.
PLAUSIBLE_RANGE: dict[str, tuple[float, float]] = {
    "Age": (0, 120), "BMI": (8, 120), "alt": (0, 10000), "ast": (0, 10000), "bilirubin": (0, 2000),
    "chol": (0, 50), "ggt": (0, 20000), "gluc_fast": (0, 100), "plt": (0, 3000), "triglyc": (0, 200),
    "aixp_aix_result_BM_3": (0, 400), "fibrotest_BM_2": (0, 1), "fibs_stiffness_med_BM_1": (0, 100),
}

#: What the kit does with a lab or measurement outside :data:`PLAUSIBLE_RANGE` (the ``fix``
#: of the warning). The official files hold a few (negative GGT, slightly negative
#: FibroTest): noise from the organisers' synthesis, not measurements.
IMPLAUSIBLE_LAB_HANDLING = ("impossible as measurements: build_features treats them as missing "
                            "(the file is not changed)")
#: Ages are the clock of both outcomes; the kit cannot guess a right one.
IMPLAUSIBLE_AGE_HANDLING = "kept as they are (ages are the clock of both outcomes); check the file"


def visit_columns(variable: str | None = None) -> list[str]:
    """Visit columns in file order (all of them, or those of one variable)."""
    variables = VISIT_VARIABLES if variable is None else (variable,)
    return [f"{v}_v{k}" for v in variables for k in range(1, N_VISITS[v] + 1)]


def train_columns() -> list[str]:
    """The 287 columns of ``train.csv``, in official order."""
    return [ID, *STATIC, *visit_columns(), *TARGETS]


def val_test_columns() -> list[str]:
    """The 284 columns of ``val_test.csv``, in official order."""
    return [TEST_ID, ID, *STATIC, *visit_columns()]


def _specs(with_targets: bool, with_test_id: bool) -> tuple[ColumnSpec, ...]:
    specs: list[ColumnSpec] = []
    if with_test_id:
        specs.append(ColumnSpec(TEST_ID, "int", nullable=False))
    # Identifiers are read as text: the kit never relies on their format.
    specs.append(ColumnSpec(ID, "str", nullable=False))
    specs.append(ColumnSpec("gender", "code", nullable=True, allowed=(1, 2)))
    specs += [ColumnSpec(c, "code", allowed=(0, 1, 2)) for c in CODE_COLUMNS]
    specs.append(ColumnSpec("bariatric_surgery_age", "float", minimum=0, maximum=120,
                            out_of_range="build_features treats them as missing (the file is not changed)"))
    for col in visit_columns():
        var = VISIT_COLUMN_RE.match(col).group("var")
        low, high = PLAUSIBLE_RANGE[var]
        handling = IMPLAUSIBLE_AGE_HANDLING if var == "Age" else IMPLAUSIBLE_LAB_HANDLING
        specs.append(ColumnSpec(col, "float", minimum=low, maximum=high, out_of_range=handling))
    if with_targets:
        specs += [
            ColumnSpec(HEPATIC_EVENT, "code", allowed=(0, 1)),
            ColumnSpec(HEPATIC_AGE, "float", minimum=0, maximum=130, out_of_range=IMPLAUSIBLE_AGE_HANDLING),
            ColumnSpec(DEATH, "code", allowed=(0, 1)),
            ColumnSpec(DEATH_AGE, "float", minimum=0, maximum=130, out_of_range=IMPLAUSIBLE_AGE_HANDLING),
        ]
    return tuple(specs)


TRAIN_SCHEMA = TableSchema(TRAIN_FILE, _specs(True, False), id_column=ID,
                           description="one row per patient: statics, visits, the four targets")
TEST_SCHEMA = TableSchema(TEST_FILE, _specs(False, True), id_column=TEST_ID, aliases=TEST_ALIASES,
                          description="one row per patient to score: trustii_id, statics, visits")
