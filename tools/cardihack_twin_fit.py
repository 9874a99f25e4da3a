"""How the twin's effects were fitted: each column's AUC alone, on a large twin, set to the official one.

The twin's constants (:data:`~hdhkits.cardihack.twin.SEVERITY_EFFECTS`,
:data:`~hdhkits.cardihack.twin.SEVERITY_MARKERS`, :data:`~hdhkits.cardihack.twin.MACE_EFFECTS`)
are the output of :func:`fit_effects`, rounded. Each free effect is paired with one target, the
AUC of one column for one outcome on the official train file
(:data:`~hdhkits.cardihack.signal.OFFICIAL_COLUMN_AUC`): 26 effects for 26 AUCs. On a large
simulated cohort (common random numbers, so the AUCs move smoothly with the effects) a
Jacobian is estimated by finite differences, then a few Newton steps bring every AUC to its
target. A large cohort's AUC is what a default-size twin gives on average over seeds.

Run ``python tools/cardihack_twin_fit.py`` (about 5 min on 2 cores) to fit again and print
the constants; a maintainer's tool, not part of the package: nothing here runs when the kit runs.
"""

from __future__ import annotations

import copy

import numpy as np
from hdhkits.cardihack.signal import OFFICIAL_COLUMN_AUC, OUTCOME_LABELS, column_aucs
from hdhkits.cardihack.twin import MACE_EFFECTS, SEVERITY_EFFECTS, SEVERITY_MARKERS, simulate_cohort

__all__ = ["FIT_TARGETS", "current_effects", "fit_effects", "main", "population_aucs"]

#: (group, effect, column, outcome): the effect fitted to the official AUC of that column for that
#: outcome. ``two_variants`` (SEVERITY) and ``severity`` (MACE) are not fitted: one column
#: (``Variant.Pathogene``) cannot tell the two variant effects apart, and the official AUCs say
#: nothing of how MACE depends on SEVERITY.
FIT_TARGETS: tuple[tuple[str, str, str, str], ...] = (
    ("severity", "age_sd", "Age_Baseline", "SEVERITY"),
    ("severity", "sex", "Genre", "SEVERITY"),
    ("severity", "carrier", "Variant.Pathogene", "SEVERITY"),
    ("markers", "delay", "Age_Diag", "SEVERITY"),
    ("markers", "BMI", "BMI", "SEVERITY"),
    ("markers", "BSA", "BSA", "SEVERITY"),
    ("markers", "Epaiss_max", "Epaiss_max", "SEVERITY"),
    ("markers", "Diam_OG", "Diam_OG", "SEVERITY"),
    ("markers", "Gradient", "Gradient", "SEVERITY"),
    ("markers", "TVNS", "TVNS", "SEVERITY"),
    ("markers", "FEVG", "FEVG", "SEVERITY"),
    ("markers", "ATCD_MS", "ATCD_MS", "SEVERITY"),
    ("markers", "SYNCOPE", "SYNCOPE", "SEVERITY"),
    ("mace", "age_sd", "Age_Baseline", "MACE >= 1"),
    ("mace", "duration_sd", "Age_Diag", "MACE >= 1"),
    ("mace", "bmi_sd", "BMI", "MACE >= 1"),
    ("mace", "bsa_sd", "BSA", "MACE >= 1"),
    ("mace", "sex", "Genre", "MACE >= 1"),
    ("mace", "mwt_sd", "Epaiss_max", "MACE >= 1"),
    ("mace", "gradient", "Gradient", "MACE >= 1"),
    ("mace", "tvns", "TVNS", "MACE >= 1"),
    ("mace", "fevg", "FEVG", "MACE >= 1"),
    ("mace", "atcd", "ATCD_MS", "MACE >= 1"),
    ("mace", "syncope", "SYNCOPE", "MACE >= 1"),
    ("mace", "la_sd", "Diam_OG", "MACE >= 1"),
    ("mace", "carrier", "Variant.Pathogene", "MACE >= 1"),
)


def current_effects() -> dict[str, dict[str, float]]:
    """The twin's effects as :func:`~hdhkits.cardihack.twin.simulate_cohort` takes them (a copy)."""
    return copy.deepcopy({"severity": SEVERITY_EFFECTS, "markers": SEVERITY_MARKERS, "mace": MACE_EFFECTS})


def _vector(effects: dict) -> np.ndarray:
    return np.array([effects[g][k] for g, k, _, _ in FIT_TARGETS], dtype=float)


def _with(effects: dict, values: np.ndarray) -> dict:
    out = copy.deepcopy(effects)
    for (g, k, _, _), v in zip(FIT_TARGETS, values):
        out[g][k] = float(v)
    return out


def population_aucs(effects: dict, n: int = 60_000, seed: int = 1) -> np.ndarray:
    """The AUCs of :data:`FIT_TARGETS`, in order, on one simulated cohort of ``n`` patients."""
    features, _ = simulate_cohort(n, seed, effects=effects)
    table = column_aucs(features)
    return np.array([table.loc[column, outcome] for _, _, column, outcome in FIT_TARGETS])


def fit_effects(
    n: int = 60_000,
    seed: int = 1,
    step: float = 0.2,
    iterations: int = 4,
    start: dict | None = None,
    verbose: bool = True,
) -> dict[str, dict[str, float]]:
    """Fit the free effects so every target AUC matches the official one.

    Parameters
    ----------
    n : int
        Patients of the simulated cohort.
    seed : int
        Its seed (the same for every evaluation: common random numbers).
    step : float
        Finite-difference step of the Jacobian.
    iterations : int
        Newton steps after the Jacobian.
    start : dict, optional
        Starting effects (default: the twin's current ones).
    verbose : bool
        Print the largest gap after each step.

    Returns
    -------
    dict
        ``{"severity": ..., "markers": ..., "mace": ...}``.
    """
    effects = start or current_effects()
    target = np.array([OFFICIAL_COLUMN_AUC[c][OUTCOME_LABELS.index(o)] for _, _, c, o in FIT_TARGETS])
    x = _vector(effects)
    base = population_aucs(effects, n, seed)
    jacobian = np.zeros((len(x), len(x)))
    for j in range(len(x)):
        shifted = x.copy()
        shifted[j] += step
        jacobian[:, j] = (population_aucs(_with(effects, shifted), n, seed) - base) / step
    current = base
    for i in range(iterations):
        x = x + np.linalg.lstsq(jacobian, target - current, rcond=None)[0]
        current = population_aucs(_with(effects, x), n, seed)
        if verbose:
            print(f"step {i + 1}: largest gap to the official AUCs {np.abs(current - target).max():.4f}")
    return _with(effects, x)


def main() -> None:
    """Fit the effects and print them as the twin's constants."""
    fitted = fit_effects()
    for group, name in (("severity", "SEVERITY_EFFECTS"), ("markers", "SEVERITY_MARKERS"), ("mace", "MACE_EFFECTS")):
        print(f"{name} = {{{', '.join(f'{k!r}: {v:.3f}' for k, v in fitted[group].items())}}}")
    check = population_aucs(fitted, n=200_000, seed=2)
    for (_, _, column, outcome), value in zip(FIT_TARGETS, check):
        print(
            f"{column:18s} {outcome:9s} twin {value:.3f}  official {OFFICIAL_COLUMN_AUC[column][OUTCOME_LABELS.index(outcome)]:.3f}"
        )


if __name__ == "__main__":
    main()
