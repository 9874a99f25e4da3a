"""What each feature family and liver piece adds to the ANNITIA models, on the same folds.

* :func:`family_ablation`: a ridge Cox model on feature families added one at a time;
* :func:`liver_ablation`: the liver pieces of issue #20, each alone and each effort's
  set, against the leaderboard model of issue #8, with paired intervals;
* :func:`versus_issue8`: the leaderboard model's paired gain over that of issue #8;
* :func:`measured_liver_ablation`: the record of :func:`liver_ablation` on the twin
  (``benchmarks/bench_annitia_liver.py``), nothing fitted.

Every row is cross-validated on the folds of :func:`hdhkits.annitia.evaluation.cv_folds`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .baselines import ClinicalScore, TwoOutcomeModel, as_frame
from .evaluation import ISSUE8_MODEL, cv_risks, cv_summary, mean_parts, paired_difference, patients_first
from .models import (
    EFFORT_PIECES,
    EFFORTS,
    FAMILIES,
    LIVER_PIECES,
    Component,
    add_followup_features,
    family_columns,
    make_leaderboard_model,
)
from .targets import SurvivalTargets

__all__ = [
    "MEASURED_TWIN_VERSION",
    "family_ablation",
    "liver_ablation",
    "measured_liver_ablation",
    "versus_issue8",
]


def versus_issue8(
    X: pd.DataFrame,
    y: SurvivalTargets,
    leaderboard_risks: np.ndarray,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    n_boot: int = 200,
    n_jobs: int = 1,
    quick: bool = False,
    progress: bool = False,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The leaderboard model's paired gain over the leaderboard model of issue #8.

    Cross-validates the issue #8 liver blend (``make_leaderboard_model(pieces=())``) on the
    splits :func:`~hdhkits.annitia.evaluation.compare_models` drew with the same ``n_splits``, ``n_repeats`` and
    ``seed``. The death blend does not depend on the effort or the liver pieces, so the
    issue #8 model's death risks *are* the leaderboard model's: only the liver blend is
    fitted (half the cost), and the C(death) gain is 0 by construction.

    Parameters
    ----------
    leaderboard_risks : array (n_repeats, n, 2)
        The leaderboard model's out-of-fold risks from :func:`~hdhkits.annitia.evaluation.compare_models`.

    Returns
    -------
    gains : DataFrame
        Index ``score``, ``c_hepatic``, ``c_death``; columns ``leaderboard model``,
        :data:`~hdhkits.annitia.evaluation.ISSUE8_MODEL`, ``gain`` (the first minus the second), ``low``, ``high``
        (paired bootstrap 95 % interval of the gain, ``n_boot`` resamples).
    risks : array (n_repeats, n, 2)
        The issue #8 model's out-of-fold risks (for :func:`~hdhkits.annitia.evaluation.cv_summary`).
    """
    leaderboard_risks = np.asarray(leaderboard_risks, float)
    if leaderboard_risks.shape != (n_repeats, len(X), 2):
        raise ValueError(
            f"leaderboard_risks has shape {leaderboard_risks.shape}, expected {(n_repeats, len(X), 2)}: "
            "pass compare_models' out-of-fold risks with the same n_splits, n_repeats and seed"
        )
    # The placeholder death score is cheap; its risks are replaced by the leaderboard's.
    liver_only = TwoOutcomeModel(
        make_leaderboard_model(quick=quick, seed=seed, pieces=()).hepatic, ClinicalScore("age_first")
    )
    risks = cv_risks({ISSUE8_MODEL: liver_only}, X, y, n_splits, n_repeats, seed, n_jobs, progress=progress)[
        ISSUE8_MODEL
    ]
    risks[..., 1] = leaderboard_risks[..., 1]
    mine, reference = mean_parts(y, patients_first(leaderboard_risks)), mean_parts(y, patients_first(risks))
    rows = []
    for part in ("score", "c_hepatic", "c_death"):
        diff = paired_difference(y, leaderboard_risks, risks, n_boot=n_boot, seed=seed, part=part)
        rows.append(
            {
                "part": part,
                "leaderboard model": mine[part],
                ISSUE8_MODEL: reference[part],
                "gain": diff.estimate,
                "low": diff.low,
                "high": diff.high,
            }
        )
    return pd.DataFrame(rows).set_index("part"), risks


def family_ablation(
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int = 5,
    seed: int = 0,
    n_boot: int = 0,
    families: tuple[str, ...] = FAMILIES,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """What each feature family adds: a ridge Cox model on families added one at a time.

    The first row reads ``families[0]``; each next row adds one family (the default
    order ends with the clinical set after two rows, then adds what only the leaderboard
    model reads). A Cox model keeps this cheap; trees gain more from some families.

    Returns
    -------
    DataFrame
        Index ``+ <family>``; columns ``score``, ``c_hepatic``, ``c_death``, ``gain`` (score
        minus the previous row's) and ``n_features``; with ``n_boot`` > 0 also the intervals.
    """
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    X = add_followup_features(as_frame(X))
    steps = {("" if k == 1 else "+ ") + families[k - 1]: tuple(families[:k]) for k in range(1, len(families) + 1)}
    models = {
        label: TwoOutcomeModel(Component(CoxPHSurvivalAnalysis(alpha=100.0), used)) for label, used in steps.items()
    }
    oof = cv_risks(models, X, y, n_splits, 1, seed, n_jobs)
    rows = []
    for label, used in steps.items():
        if n_boot:
            summary = cv_summary(y, oof[label], n_boot=n_boot, seed=seed)
        else:
            summary = mean_parts(y, patients_first(oof[label]))
        rows.append({"family": label, **summary, "n_features": len(family_columns(list(X.columns), used))})
    table = pd.DataFrame(rows).set_index("family")
    table.insert(1, "gain", table["score"].diff())
    first = ["score", "gain", "c_hepatic", "c_death", "n_features"]
    return table[first + [c for c in table.columns if c not in first]]


def _step_pieces(pieces: tuple[str, ...], efforts: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    # Rows after the first: each piece alone, then each effort that uses any piece (an
    # effort without pieces is the first row).
    steps = {f"+ {piece}": (piece,) for piece in pieces}
    steps.update({f"effort {effort!r}": EFFORT_PIECES[effort] for effort in efforts if EFFORT_PIECES[effort]})
    return steps


def _liver_steps(
    pieces: tuple[str, ...], efforts: tuple[str, ...], quick: bool, seed: int
) -> dict[str, TwoOutcomeModel]:
    # The issue #8 model, then each piece alone, then each effort's set. Only the first
    # row fits the death blend: it does not depend on the liver pieces, so every row
    # shares its risks (the others get a cheap placeholder, replaced by the caller).
    steps = {ISSUE8_MODEL: make_leaderboard_model(quick=quick, seed=seed, pieces=())}
    for label, used in _step_pieces(pieces, efforts).items():
        liver = make_leaderboard_model(quick=quick, seed=seed, pieces=used).hepatic
        steps[label] = TwoOutcomeModel(liver, ClinicalScore("age_first"))
    return steps


def liver_ablation(
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    n_boot: int = 200,
    n_jobs: int = 1,
    quick: bool = False,
    pieces: tuple[str, ...] = LIVER_PIECES,
    efforts: tuple[str, ...] = EFFORTS,
    progress: bool = False,
) -> pd.DataFrame:
    """What each liver piece adds to the leaderboard model, on the same splits.

    The first row is the leaderboard model of issue #8
    (``make_leaderboard_model(pieces=())``); then one row per piece of ``pieces``
    (:data:`~hdhkits.annitia.models.LIVER_PIECES`) added alone to its liver blend; then
    one row per effort (:data:`~hdhkits.annitia.models.EFFORT_PIECES`: the pieces it
    uses together; an effort without pieces is the first row, and gets none). The death
    blend is the same in every row (it does not depend on the pieces), so the combined
    score moves by 0.7 × the change of C(hepatic).

    Returns
    -------
    DataFrame
        Index: :data:`~hdhkits.annitia.evaluation.ISSUE8_MODEL`, ``+ <piece>``, ``effort '<name>'``. Columns:
        ``score``, ``c_hepatic``, ``c_death`` (means over repeats of the out-of-fold
        concordance); ``vs_issue8``, ``vs_issue8_low``, ``vs_issue8_high``: C(hepatic)
        minus the first row's, with its paired bootstrap 95 % interval (``n_boot``
        resamples of patients; NaN bounds with ``n_boot=0``); ``pieces``: the pieces used.
    """
    unknown = set(pieces) - set(LIVER_PIECES)
    if unknown:
        raise ValueError(f"unknown liver piece(s) {sorted(unknown)}; choose from {LIVER_PIECES}")
    unknown = set(efforts) - set(EFFORTS)
    if unknown:
        raise ValueError(f"unknown effort(s) {sorted(unknown)}; choose from {EFFORTS}")
    models = _liver_steps(tuple(pieces), tuple(efforts), quick, seed)
    oof = cv_risks(models, X, y, n_splits, n_repeats, seed, n_jobs, progress=progress)
    reference = oof[ISSUE8_MODEL]
    used = {ISSUE8_MODEL: (), **_step_pieces(tuple(pieces), tuple(efforts))}
    rows = []
    for label, risks in oof.items():
        risks[..., 1] = reference[..., 1]
        parts = mean_parts(y, patients_first(risks))
        diff = paired_difference(y, risks, reference, n_boot=n_boot, seed=seed, part="c_hepatic")
        rows.append(
            {
                "step": label,
                "score": parts["score"],
                "c_hepatic": parts["c_hepatic"],
                "c_death": parts["c_death"],
                "vs_issue8": diff.estimate,
                "vs_issue8_low": diff.low,
                "vs_issue8_high": diff.high,
                "pieces": ", ".join(used[label]) or "-",
            }
        )
    return pd.DataFrame(rows).set_index("step")


#: The twin version :func:`measured_liver_ablation` was measured on (``02_baseline`` says so
#: when the current twin is another: re-run ``benchmarks/bench_annitia_liver.py`` then).
MEASURED_TWIN_VERSION = "3"

# What benchmarks/bench_annitia_liver.py measured for issue #20 on the default twin (twin
# version MEASURED_TWIN_VERSION), seeds 0-7, each 5-fold with the same splits for every row and 200 paired
# resamples: step -> {seed: (C(hepatic), its change against the issue #8 model, 95 % low,
# high)}. "all seven pieces" is every piece together (candidates behind their margin).
_MEASURED_LIVER_ABLATION: dict[str, dict[int, tuple[float, float, float, float]]] = {
    ISSUE8_MODEL: {
        0: (0.886, 0, 0, 0),
        1: (0.822, 0, 0, 0),
        2: (0.804, 0, 0, 0),
        3: (0.814, 0, 0, 0),
        4: (0.786, 0, 0, 0),
        5: (0.821, 0, 0, 0),
        6: (0.816, 0, 0, 0),
        7: (0.869, 0, 0, 0),
    },
    "+ fibrosis index": {
        0: (0.892, 0.006, -0.012, 0.021),
        1: (0.833, 0.011, -0.003, 0.024),
        2: (0.813, 0.010, -0.009, 0.026),
        3: (0.806, -0.008, -0.022, 0.015),
        4: (0.796, 0.010, -0.011, 0.027),
        5: (0.839, 0.018, 0.002, 0.034),
        6: (0.827, 0.011, -0.001, 0.027),
        7: (0.853, -0.016, -0.044, 0.004),
    },
    "+ stronger ridge": {
        0: (0.887, 0.001, -0.010, 0.013),
        1: (0.821, -0.001, -0.013, 0.012),
        2: (0.799, -0.004, -0.017, 0.009),
        3: (0.802, -0.012, -0.027, -0.003),
        4: (0.811, 0.024, 0.000, 0.054),
        5: (0.831, 0.009, 0.000, 0.019),
        6: (0.825, 0.009, -0.005, 0.025),
        7: (0.866, -0.003, -0.016, 0.011),
    },
    "+ repeated inner folds": {
        0: (0.892, 0.006, -0.001, 0.015),
        1: (0.819, -0.002, -0.007, 0.003),
        2: (0.807, 0.003, -0.006, 0.012),
        3: (0.812, -0.002, -0.009, 0.006),
        4: (0.788, 0.001, -0.016, 0.015),
        5: (0.833, 0.012, -0.004, 0.026),
        6: (0.821, 0.005, -0.006, 0.013),
        7: (0.870, 0.001, -0.017, 0.016),
    },
    "+ first-visit biology": {
        0: (0.888, 0.002, -0.003, 0.007),
        1: (0.805, -0.017, -0.034, -0.003),
        2: (0.800, -0.004, -0.008, 0.000),
        3: (0.814, 0, 0, 0),
        4: (0.784, -0.002, -0.039, 0.027),
        5: (0.821, 0, 0, 0),
        6: (0.816, 0, 0, 0),
        7: (0.871, 0.002, -0.003, 0.008),
    },
    "+ stiffness gate": {
        0: (0.886, 0, 0, 0),
        1: (0.820, -0.002, -0.009, 0.004),
        2: (0.802, -0.001, -0.004, 0.002),
        3: (0.807, -0.008, -0.017, 0.003),
        4: (0.793, 0.006, -0.026, 0.045),
        5: (0.821, 0, 0, 0),
        6: (0.812, -0.004, -0.011, 0.002),
        7: (0.864, -0.006, -0.021, 0.009),
    },
    "+ componentwise boosting": {
        0: (0.886, 0, 0, 0),
        1: (0.814, -0.007, -0.016, 0.003),
        2: (0.804, 0, 0, 0),
        3: (0.814, 0.000, -0.002, 0.002),
        4: (0.786, 0, 0, 0),
        5: (0.821, 0, 0, 0),
        6: (0.816, 0, 0, 0),
        7: (0.867, -0.002, -0.008, 0.002),
    },
    "+ larger forest": {
        0: (0.896, 0.010, 0.003, 0.018),
        1: (0.820, -0.002, -0.013, 0.009),
        2: (0.800, -0.004, -0.016, 0.006),
        3: (0.820, 0.006, -0.002, 0.019),
        4: (0.783, -0.004, -0.020, 0.011),
        5: (0.830, 0.009, 0.001, 0.019),
        6: (0.819, 0.004, 0.000, 0.008),
        7: (0.868, -0.001, -0.017, 0.016),
    },
    "all seven pieces": {
        0: (0.886, 0.000, -0.018, 0.016),
        1: (0.827, 0.006, -0.008, 0.020),
        2: (0.801, -0.003, -0.025, 0.022),
        3: (0.818, 0.004, -0.010, 0.018),
        4: (0.778, -0.008, -0.054, 0.035),
        5: (0.828, 0.006, -0.015, 0.030),
        6: (0.846, 0.030, 0.015, 0.050),
        7: (0.861, -0.008, -0.029, 0.010),
    },
    "effort 'default'": {
        0: (0.892, 0.006, -0.012, 0.021),
        1: (0.833, 0.011, -0.003, 0.024),
        2: (0.813, 0.010, -0.009, 0.026),
        3: (0.806, -0.008, -0.022, 0.015),
        4: (0.796, 0.010, -0.011, 0.027),
        5: (0.839, 0.018, 0.002, 0.034),
        6: (0.827, 0.011, -0.001, 0.027),
        7: (0.853, -0.016, -0.044, 0.004),
    },
    "effort 'full'": {
        0: (0.886, 0.000, -0.019, 0.015),
        1: (0.833, 0.011, -0.002, 0.026),
        2: (0.811, 0.007, -0.010, 0.024),
        3: (0.808, -0.006, -0.019, 0.012),
        4: (0.796, 0.010, -0.011, 0.030),
        5: (0.839, 0.018, 0.003, 0.032),
        6: (0.838, 0.022, 0.011, 0.037),
        7: (0.860, -0.009, -0.028, 0.006),
    },
}


def measured_liver_ablation(per_seed: bool = False) -> pd.DataFrame:
    """The liver ablation of issue #20 as measured on the twin (a record: nothing is fitted).

    ``benchmarks/bench_annitia_liver.py`` ran :func:`liver_ablation` on the default twin
    (twin version :data:`MEASURED_TWIN_VERSION`) of seeds 0–7, each a 5-fold
    cross-validation with the same splits for every row; the changes are paired against
    the leaderboard model of issue #8. They hold for the twin only: on the official files
    run :func:`liver_ablation` itself.

    Parameters
    ----------
    per_seed : bool
        One row per (step, seed) instead of one per step.

    Returns
    -------
    DataFrame
        ``per_seed=False``: index step; ``c_hepatic`` (mean over seeds), ``change`` (mean
        change of C(hepatic) against the issue #8 model), ``seeds_better`` (seeds where it
        is positive, e.g. "6 of 8"), ``lowest`` and ``highest`` (per-seed changes), ``kept``
        (the efforts using the piece, :data:`~hdhkits.annitia.models.EFFORT_PIECES`; "-"
        for none). ``per_seed=True``: index (step, seed); ``c_hepatic``, ``change``,
        ``low``, ``high`` (paired 95 % interval of the change).
    """
    long = pd.DataFrame(
        [
            {"step": step, "seed": seed, "c_hepatic": v[0], "change": v[1], "low": v[2], "high": v[3]}
            for step, seeds in _MEASURED_LIVER_ABLATION.items()
            for seed, v in seeds.items()
        ]
    )
    long = long.set_index(["step", "seed"])
    if per_seed:
        return long
    grouped = long.groupby(level="step", sort=False)
    table = grouped[["c_hepatic", "change"]].mean()
    n = grouped.size()
    better = grouped["change"].apply(lambda change: int((change > 0).sum()))
    table["seeds_better"] = [f"{k} of {m}" for k, m in zip(better, n)]
    table["lowest"], table["highest"] = grouped["change"].min(), grouped["change"].max()

    def kept(step: str) -> str:
        if step.startswith("effort "):
            return step.split("'")[1]
        piece = step[2:] if step.startswith("+ ") else None
        return ", ".join(e for e in EFFORTS if piece in EFFORT_PIECES[e]) or "-"

    table["kept"] = [kept(step) for step in table.index]
    return table
