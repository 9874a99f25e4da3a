"""What each variable tells about each outcome on its own, and how the columns go together.

* :func:`univariate_c`: Harrell's C of one variable alone for the liver event and for
  death: a visit variable's first (``:first``), last (``:last``) or largest (``:max``)
  value, or the number of visits where it was measured (``:n``); ``Age_v1`` and the
  static codes as they are. C above 0.5: a higher value goes with an earlier event (the
  raw value is the risk; platelets, lower = riskier, score below 0.5). The targets are
  those of :func:`~hdhkits.annitia.targets.survival_targets`: time from ``Age_v1`` to the
  event's age or the last visit's age; the death rows leave out unknown status. A
  patient without the variable (no value at any visit, an unknown code) is left out of
  that variable's row; ``:n`` counts zero visits too.
* :func:`official_univariate_c`: the same table as participants measured it on the
  official train file (a 70 % part of it: 878 patients, 33 liver events, 54 deaths; each
  figure carries about ±0.05 of noise), shipped as package data
  (``official_univariate_c.json``, from the challenge facts ``annitia_univariate_c.csv``).
  The synthetic twin (:mod:`hdhkits.annitia.twin`) is calibrated to it;
  :func:`univariate_gaps` compares a table with it.
* :func:`joint_figures`: how the comorbidity codes go together (correlations, joint
  unknowns, joint code 2) and how blood tests come in panels, with the official train
  file's figures in :data:`OFFICIAL_JOINT_FIGURES`.
"""

from __future__ import annotations

import json
from importlib import resources
from itertools import combinations

import numpy as np
import pandas as pd

from ..findings import DataError
from .columns import CODE_COLUMNS, visit_columns
from .metric import harrell_c
from .targets import survival_targets

__all__ = [
    "BLOOD_TESTS",
    "ENDPOINTS",
    "OFFICIAL_JOINT_FIGURES",
    "OFFICIAL_UNIVARIATE_FILE",
    "SIGNAL_VARIABLES",
    "joint_figures",
    "official_univariate_c",
    "univariate_c",
    "univariate_gaps",
]

#: The package data file holding the official univariate C table.
OFFICIAL_UNIVARIATE_FILE = "official_univariate_c.json"
#: The two endpoints of the tables, in their order.
ENDPOINTS = ("liver", "death")
#: Visit variables read as first, last, largest value and number of visits measured, in the official table's order.
SIGNAL_VARIABLES = (
    "alt",
    "ast",
    "ggt",
    "plt",
    "bilirubin",
    "chol",
    "triglyc",
    "gluc_fast",
    "BMI",
    "fibs_stiffness_med_BM_1",
    "fibrotest_BM_2",
    "aixp_aix_result_BM_3",
)
#: The eight blood tests, which come in panels at a visit.
BLOOD_TESTS = ("alt", "ast", "bilirubin", "chol", "ggt", "gluc_fast", "plt", "triglyc")
_SUMMARIES = ("first", "last", "max", "n")
_STATIC_CODES = ("gender", *CODE_COLUMNS)

#: Joint figures of the official train file (participants measured them): Pearson correlation
#: of two comorbidity codes as numbers 0/1/2 on the rows where both are known
#: (``corr:A|B``); share of patients with all four codes unknown, with at least one unknown,
#: with code 2 in all of / at least one of T2DM, Hypertension and Dyslipidaemia; and, among
#: the visits ``k`` with at least one of the eight blood tests, the share with all eight
#: (``panel:vk``).
OFFICIAL_JOINT_FIGURES: dict[str, float] = {
    "corr:T2DM|Hypertension": 0.66,
    "corr:T2DM|Dyslipidaemia": 0.63,
    "corr:Hypertension|Dyslipidaemia": 0.63,
    "all_codes_unknown": 0.207,
    "any_code_unknown": 0.222,
    "all_three_code_2": 0.072,
    "any_of_three_code_2": 0.097,
    "panel:v1": 0.14,
    "panel:v2": 0.23,
    "panel:v3": 0.25,
    "panel:v4": 0.30,
    "panel:v5": 0.36,
}
# bariatric_surgery with each of the three others: 0.31-0.40 officially (no pair named).
for _code in CODE_COLUMNS[:3]:
    OFFICIAL_JOINT_FIGURES[f"corr:{_code}|bariatric_surgery"] = 0.355


def _visit_values(train: pd.DataFrame, variable: str) -> np.ndarray:
    columns = [c for c in visit_columns(variable) if c in train.columns]
    return train[columns].apply(pd.to_numeric, errors="coerce").to_numpy(float)


def _summaries(values: np.ndarray) -> dict[str, np.ndarray]:
    """First, last and largest value of each row (NaN without any), and the number of values."""
    present = ~np.isnan(values)
    n = present.sum(axis=1)
    rows = np.arange(len(values))
    first = values[rows, present.argmax(axis=1)]
    last = values[rows, values.shape[1] - 1 - present[:, ::-1].argmax(axis=1)]
    with np.errstate(all="ignore"):
        largest = np.where(n > 0, np.nanmax(np.where(present, values, -np.inf), axis=1), np.nan)
    none = n == 0
    return {"first": np.where(none, np.nan, first), "last": np.where(none, np.nan, last), "max": largest, "n": n}


def _variables(train: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every variable of the table, name -> one value per patient (NaN where unknown)."""
    out = {"Age_v1": pd.to_numeric(train["Age_v1"], errors="coerce").to_numpy(float)}
    for variable in SIGNAL_VARIABLES:
        for summary, values in _summaries(_visit_values(train, variable)).items():
            out[f"{variable}:{summary}"] = values.astype(float)
    for code in _STATIC_CODES:
        out[code] = pd.to_numeric(train[code], errors="coerce").to_numpy(float)
    return out


def _c_or_nan(event: np.ndarray, time: np.ndarray, risk: np.ndarray) -> float:
    keep = np.isfinite(risk)
    if not event[keep].any() or len(np.unique(risk[keep])) < 2:
        return float("nan")
    try:
        return harrell_c(event[keep], time[keep], risk[keep])
    except DataError:  # no comparable pair among the patients with the variable
        return float("nan")


def univariate_c(train: pd.DataFrame) -> pd.DataFrame:
    """Harrell's C of each variable alone, for the liver event and for death.

    Parameters
    ----------
    train : DataFrame
        A train table (official layout, targets included): ``read_train`` or the twin's.

    Returns
    -------
    DataFrame
        Columns ``variable``, ``endpoint`` (``"liver"`` or ``"death"``) and ``c_index``, one
        row per (variable, endpoint), in the order of :func:`official_univariate_c`. NaN
        where a variable takes a single value, or leaves no event or no comparable pair.
    """
    y = survival_targets(train)
    variables = _variables(train)
    known = y.death_known
    targets = {
        "liver": (y.hepatic_event, y.hepatic_time, np.ones(len(y), dtype=bool)),
        "death": (y.death_event, y.death_time, known),
    }
    rows = []
    for endpoint in ENDPOINTS:
        event, time, keep = targets[endpoint]
        for name, values in variables.items():
            rows.append((name, endpoint, _c_or_nan(event[keep], time[keep], values[keep])))
    return pd.DataFrame(rows, columns=["variable", "endpoint", "c_index"])


def official_univariate_c() -> pd.DataFrame:
    """The univariate C table measured by participants on the official train file.

    Returns
    -------
    DataFrame
        Columns ``variable``, ``endpoint``, ``c_index`` (108 rows: 54 variables, two
        endpoints), rows as :func:`univariate_c` gives them. Source: measured on a 70 % part
        of the official train file (878 patients, 33 liver events, 54 deaths); about ±0.05
        of noise on each figure.
    """
    text = resources.files(__package__).joinpath(OFFICIAL_UNIVARIATE_FILE).read_text(encoding="utf-8")
    return pd.DataFrame(json.loads(text)["rows"], columns=["variable", "endpoint", "c_index"])


def univariate_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`univariate_c` table beside the official one, with the gap of each row.

    Parameters
    ----------
    table : DataFrame
        :func:`univariate_c` of some train table (or the mean of several).

    Returns
    -------
    DataFrame
        Index (``variable``, ``endpoint``); columns ``official``, ``measured`` and ``gap``
        (measured minus official).
    """
    official = official_univariate_c().set_index(["variable", "endpoint"])["c_index"]
    measured = table.set_index(["variable", "endpoint"])["c_index"].reindex(official.index)
    return pd.DataFrame({"official": official, "measured": measured, "gap": measured - official})


def _code_figures(train: pd.DataFrame) -> dict[str, float]:
    codes = train[list(CODE_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    out = {f"corr:{a}|{b}": float(codes[a].corr(codes[b])) for a, b in combinations(CODE_COLUMNS, 2)}
    unknown = codes.isna()
    three = codes[list(CODE_COLUMNS[:3])] == 2
    out.update(
        all_codes_unknown=float(unknown.all(axis=1).mean()),
        any_code_unknown=float(unknown.any(axis=1).mean()),
        all_three_code_2=float(three.all(axis=1).mean()),
        any_of_three_code_2=float(three.any(axis=1).mean()),
    )
    return out


def joint_figures(train: pd.DataFrame, visits: int = 5) -> dict[str, float]:
    """How the comorbidity codes and the blood tests go together in a table.

    Parameters
    ----------
    train : DataFrame
        A train (or test) table in official layout.
    visits : int
        Panel shares are given for visits 1 to ``visits``.

    Returns
    -------
    dict
        The keys of :data:`OFFICIAL_JOINT_FIGURES`: ``corr:A|B``, the Pearson correlation of
        codes A and B (0/1/2 as numbers) on the rows where both are known; the shares of
        patients with all four codes unknown, with at least one unknown, with code 2 in all
        three or in at least one of T2DM, Hypertension and Dyslipidaemia; and ``panel:vk``,
        among visits ``k`` with at least one of the eight blood tests, the share with all eight.
    """
    out = _code_figures(train)
    for k in range(1, visits + 1):
        present = train[[f"{test}_v{k}" for test in BLOOD_TESTS]].notna()
        some = present.any(axis=1)
        out[f"panel:v{k}"] = float(present[some].all(axis=1).mean()) if some.any() else float("nan")
    return out
