"""ANNITIA column names: identifiers, static columns, visit variables, targets, submission risks.

The official files are wide: one row per patient, one column per variable and visit
(``Age_v1`` … ``Age_v22``). The train file ends with the four target columns; the test
file starts with ``trustii_id``. The names and order here are those of the official
files (287 and 284 columns). Every other module of the kit names columns from here (the
file layouts and their check are in :mod:`hdhkits.annitia.schema`, the plausible ranges in
:mod:`hdhkits.annitia.plausibility`).
"""

from __future__ import annotations

import re

__all__ = [
    "CODE_COLUMNS",
    "DEATH",
    "DEATH_AGE",
    "HEPATIC_AGE",
    "HEPATIC_EVENT",
    "ID",
    "N_VISITS",
    "RISK_DEATH",
    "RISK_HEPATIC",
    "STATIC",
    "TARGETS",
    "TEST_ID",
    "VISIT_COLUMN_RE",
    "VISIT_VARIABLES",
    "train_columns",
    "val_test_columns",
    "visit_columns",
]

ID = "patient_id_anon"
TEST_ID = "trustii_id"
STATIC = ("gender", "T2DM", "Hypertension", "Dyslipidaemia", "bariatric_surgery", "bariatric_surgery_age")
#: Static columns coded 0/1/2 (``gender`` is 1/2).
CODE_COLUMNS = ("T2DM", "Hypertension", "Dyslipidaemia", "bariatric_surgery")

#: Per-visit variables in file order, with the number of visit columns each has.
N_VISITS: dict[str, int] = {
    "Age": 22,
    "BMI": 22,
    "alt": 21,
    "ast": 21,
    "bilirubin": 21,
    "chol": 21,
    "ggt": 21,
    "gluc_fast": 21,
    "plt": 21,
    "triglyc": 21,
    "aixp_aix_result_BM_3": 21,
    "fibrotest_BM_2": 21,
    "fibs_stiffness_med_BM_1": 22,
}
VISIT_VARIABLES: tuple[str, ...] = tuple(N_VISITS)

HEPATIC_EVENT = "evenements_hepatiques_majeurs"
HEPATIC_AGE = "evenements_hepatiques_age_occur"
DEATH = "death"
DEATH_AGE = "death_age_occur"
TARGETS = (HEPATIC_EVENT, HEPATIC_AGE, DEATH, DEATH_AGE)

#: Submission columns after ``trustii_id``: any finite real risks (higher = earlier event).
RISK_HEPATIC = "risk_hepatic_event"
RISK_DEATH = "risk_death"

#: Matches a visit column and captures (variable, visit number).
VISIT_COLUMN_RE = re.compile(r"^(?P<var>.+)_v(?P<visit>\d+)$")


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
