"""Which of the twin's visit values are measured: blood tests in panels, stiffness by risk.

On the official train file blood tests come in panels: of the visits with at least one of
the eight blood tests, the share with all eight is 14 % at visit 1, 23 % at 2, 25 % at 3,
30 % at 4 and 36 % at 5 (participants measured it), while each test keeps its own rate
(ALT about 80 % of early visits, platelets about 30 %, the sparsest). Drawn test by test the
share stays near 10 %. The twin therefore draws, at each visit with a blood draw, a full
panel with a probability rising over visits (:data:`FULL_PANEL`), and otherwise each test
on its own with the probability that keeps its overall rate.

How often the fibrosis markers are measured follows the patient's latent stage, as
participants' figures imply: Aixplorer more often in patients at risk (its visit count is
the one count above 0.5 for liver events), FibroTest a little more often.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BLOOD_TESTS", "FULL_PANEL", "PRESENCE", "presence_masks"]

#: The eight blood tests (measured in panels).
BLOOD_TESTS = ("alt", "ast", "bilirubin", "chol", "ggt", "gluc_fast", "plt", "triglyc")
#: Probability of a full panel at a visit with a blood draw, visits 1 to 6 (then as 6).
FULL_PANEL = (0.085, 0.21, 0.23, 0.29, 0.36, 0.36)
#: Share of visits (with a blood draw, for the blood tests) where each variable is measured.
PRESENCE: dict[str, float] = {
    "BMI": 0.78,
    "alt": 0.95,
    "ast": 0.93,
    "bilirubin": 0.82,
    "chol": 0.75,
    "ggt": 0.88,
    "gluc_fast": 0.8,
    "plt": 0.35,
    "triglyc": 0.75,
    "aixp_aix_result_BM_3": 0.15,
    "fibrotest_BM_2": 0.66,
    "fibs_stiffness_med_BM_1": 0.70,
}
# Relative rate of measuring a fibrosis marker per stage above F2 (F3: once, F4: twice),
# on the odds scale; FibroScan is measured regardless of stage.
_STAGE_ODDS = {"aixp_aix_result_BM_3": 1.3, "fibrotest_BM_2": 1.0, "fibs_stiffness_med_BM_1": 0.8}
# Share of visits with a blood draw at visit 1, thinning by 2 % a visit (to 60 %).
_BLOOD_DRAW = 0.85


def _decay(n_visits: int) -> np.ndarray:
    return np.maximum(0.6, 1 - 0.02 * np.arange(n_visits))[None, :]


def _stage_rate(rate: np.ndarray, stage: np.ndarray, odds: float) -> np.ndarray:
    # Shift the rate's odds by ``odds`` per stage above F2 and its inverse below, so the
    # average rate over stages stays about the same.
    logit = np.log(rate / (1 - rate)) + np.log(odds) * (stage - 2)
    return 1 / (1 + np.exp(-logit))


def presence_masks(rng: np.random.Generator, stage: np.ndarray, variables: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Whether each variable is measured at each visit slot (before the visits kept are applied).

    Parameters
    ----------
    rng : numpy.random.Generator
    stage : array of shape (n, visits)
        Latent fibrosis stage at each visit slot.
    variables : tuple of str
        The visit variables (``Age`` is always measured).

    Returns
    -------
    dict
        Variable -> boolean array of shape (n, visits).
    """
    n, n_slots = stage.shape
    decay = _decay(n_slots)
    blood = rng.random((n, n_slots)) < _BLOOD_DRAW * decay
    full_by_visit = np.array([FULL_PANEL[min(k, len(FULL_PANEL) - 1)] for k in range(n_slots)])[None, :]
    full = blood & (rng.random((n, n_slots)) < full_by_visit)
    masks = {}
    for var in variables:
        if var == "Age":
            masks[var] = np.ones((n, n_slots), dtype=bool)
        elif var in BLOOD_TESTS:
            # alone: the probability that keeps the test's rate once full panels are counted
            alone = np.clip((PRESENCE[var] - full_by_visit) / (1 - full_by_visit), 0.02, 1)
            masks[var] = full | (blood & (rng.random((n, n_slots)) < alone))
        else:
            rate = PRESENCE[var] * decay
            odds = _STAGE_ODDS.get(var, 1.0)
            if odds != 1.0:
                rate = _stage_rate(np.broadcast_to(rate, (n, n_slots)), stage, odds)
            masks[var] = rng.random((n, n_slots)) < rate
    return masks
