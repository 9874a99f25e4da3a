"""The twin's comorbidity codes, drawn jointly as in the official train file.

On the official train file (participants measured it) ``T2DM``, ``Hypertension`` and
``Dyslipidaemia`` correlate at 0.63 to 0.66 (codes 0/1/2 as numbers, rows where both are
known), each at 0.31 to 0.40 with ``bariatric_surgery``; code 2 comes together (7.2 % of
patients have 2 in all three, 9.7 % in at least one) and so do unknowns (20.7 % of patients
have all four unknown, 22.2 % at least one; about 2 % per code in the test file). Shares:
T2DM 0 42 %, 1 29 %, 2 7 %, unknown 21 %; Hypertension 36 / 34 / 8 / 21 %; Dyslipidaemia
41 / 29 / 9 / 21 %; bariatric_surgery 67 / 5 / 6 / 22 %.

The twin draws them so: a metabolic factor shared by the three comorbidities (and, more
weakly, bariatric surgery) sets code 1 through a threshold per code; a group of patients
(9.1 % of those with known codes) carries code 2 in all three, most of them in
``bariatric_surgery`` too, and a few others carry a lone code 2; then a patient's codes are
unknown all together (20.7 % in train, 2 % in test), plus a few single unknowns.
:func:`hdhkits.annitia.signal.joint_figures` measures these figures on any file.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

__all__ = ["CODE_SHARES", "draw_codes", "hide_codes"]

#: Shares of code 1 and code 2 among patients whose code is known (official train file),
#: in the order T2DM, Hypertension, Dyslipidaemia, bariatric_surgery.
CODE_SHARES: dict[str, tuple[float, float]] = {
    "T2DM": (0.367, 0.090),
    "Hypertension": (0.436, 0.103),
    "Dyslipidaemia": (0.367, 0.114),
    "bariatric_surgery": (0.064, 0.077),
}
# Share of the metabolic factor's variance in each comorbidity's liability, and the
# correlation of the bariatric liability with the factor: fitted so that the codes
# correlate as officially (0.62-0.66 among the three, 0.37-0.39 with bariatric_surgery).
_FACTOR_SHARE = 0.56
_BARIATRIC_LOADING = 0.3
# Code 2: the group with 2 in all three comorbidities; lone code 2 in Hypertension and
# Dyslipidaemia outside it; code 2 in bariatric_surgery within the group and outside.
_GROUP_2 = 0.091
_LONE_2 = (0.0, 0.011, 0.025)
_BARIATRIC_2 = (0.5, 0.035)
# Unknown codes: all four together (train, test), and one code alone (train), per code.
_ALL_UNKNOWN = (0.207, 0.02)
_ONE_UNKNOWN = (0.003, 0.003, 0.003, 0.013)


def draw_codes(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Every patient's four comorbidity codes (0/1/2 as floats, none unknown yet).

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Number of patients.

    Returns
    -------
    dict
        Code column name -> values, in the order of :data:`CODE_SHARES`.
    """
    names = list(CODE_SHARES)
    factor = rng.normal(0, 1, n)
    liability = np.sqrt(_FACTOR_SHARE) * factor[:, None] + np.sqrt(1 - _FACTOR_SHARE) * rng.normal(0, 1, (n, 3))
    bariatric = _BARIATRIC_LOADING * factor + np.sqrt(1 - _BARIATRIC_LOADING**2) * rng.normal(0, 1, n)
    liability = np.column_stack([liability, bariatric])
    group = rng.random(n) < _GROUP_2
    codes = {}
    for k, name in enumerate(names):
        one, two = CODE_SHARES[name]
        values = (liability[:, k] > norm.ppf(1 - one / (1 - two))).astype(float)
        if k < 3:
            values[group | (rng.random(n) < _LONE_2[k])] = 2.0
        else:
            values[rng.random(n) < np.where(group, *_BARIATRIC_2)] = 2.0
        codes[name] = values
    return codes


def hide_codes(rng: np.random.Generator, codes: dict[str, np.ndarray], is_test: np.ndarray) -> dict[str, np.ndarray]:
    """The codes as the files show them: unknown (NaN) all together, and a few alone.

    Parameters
    ----------
    rng : numpy.random.Generator
    codes : dict
        :func:`draw_codes`'s output.
    is_test : array of bool
        Which patients belong to the test file (codes are rarely unknown there).

    Returns
    -------
    dict
        The same columns, with NaN where unknown.
    """
    n = len(is_test)
    all_unknown = rng.random(n) < np.where(is_test, _ALL_UNKNOWN[1], _ALL_UNKNOWN[0])
    shown = {}
    for k, (name, values) in enumerate(codes.items()):
        alone = ~is_test & (rng.random(n) < _ONE_UNKNOWN[k])
        shown[name] = np.where(all_unknown | alone, np.nan, values)
    return shown
