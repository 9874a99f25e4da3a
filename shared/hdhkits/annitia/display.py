"""What the ANNITIA notebooks show of a run: intervals in the one dialect, sentences computed from it.

Every interval a notebook prints is the ``str`` of :class:`hdhkits.stats.Interval`
(``0.620 [0.544, 0.721]``), one column per part of the metric (:func:`interval_columns`);
every sentence a number could contradict is written here from the numbers of the run, so
it holds whichever way the data go: which of two models leads (:func:`difference_sentence`),
how the patients with a later liver event move (:func:`trajectory_sentence`), where a
submission stands against the oracle (:func:`oracle_sentence`). :func:`local_score_table`
is the local score of ``03_submission``, its rows named as in every kit (``this
submission``, ``oracle``, ``dummy (...)``), and :func:`km_curves` draws Kaplan–Meier curves
by group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..stats import Interval
from .evaluation import PARTS, interval_table, submission_risks
from .targets import survival_targets

if TYPE_CHECKING:  # matplotlib loads with the notebook's first plot, not with this module
    from matplotlib.axes import Axes

__all__ = [
    "ORACLE",
    "PART_NAMES",
    "THIS_SUBMISSION",
    "difference_sentence",
    "gain_intervals",
    "gains_table",
    "interval_columns",
    "intervals",
    "km_curves",
    "local_score_table",
    "oracle_sentence",
    "trajectory_sentence",
]

#: How the notebooks name the parts of the metric (:data:`~hdhkits.annitia.evaluation.PARTS`).
PART_NAMES = {"score": "score", "c_hepatic": "C(liver)", "c_death": "C(death)"}
#: The local score's row of the file just written, and of the twin's true risks (every kit names them so).
THIS_SUBMISSION = "this submission"
ORACLE = "oracle"


def intervals(table: pd.DataFrame, model: str) -> dict[str, Interval]:
    """One row of :func:`~hdhkits.annitia.evaluation.interval_table` as an :class:`Interval` per part."""
    row = table.loc[model]
    return {
        part: Interval(float(row[part]), float(row[f"{prefix}low"]), float(row[f"{prefix}high"]))
        for part, prefix in ((p, "" if p == "score" else f"{p}_") for p in PARTS)
    }


def interval_columns(table: pd.DataFrame) -> pd.DataFrame:
    """An :func:`~hdhkits.annitia.evaluation.interval_table` as printed: one column per part.

    Returns
    -------
    DataFrame
        The same index; columns ``score [95 % interval]``, ``C(liver) [95 % interval]``,
        ``C(death) [95 % interval]``, each cell the ``str`` of an :class:`Interval`.
    """
    shown = {model: intervals(table, model) for model in table.index}
    return pd.DataFrame(
        {f"{PART_NAMES[p]} [95 % interval]": [str(shown[m][p]) for m in table.index] for p in PARTS},
        index=table.index,
    )


def difference_sentence(gap: Interval, first: str, second: str, what: str = "") -> str:
    """``first`` minus ``second`` with its paired interval, and what the interval says.

    Parameters
    ----------
    gap : Interval
        The paired difference, ``first`` minus ``second``
        (:func:`~hdhkits.annitia.evaluation.paired_difference`).
    first, second : str
        What the two are ("leaderboard model").
    what : str
        The part compared, when not the official score ("C(liver)").

    Returns
    -------
    str
        E.g. "leaderboard model minus Cox (ridge): 0.048 [0.017, 0.084] (paired bootstrap),
        clearly above 0: leaderboard model leads".
    """
    part = f", {what}" if what else ""
    head = f"{first} minus {second}{part}: {gap} (paired bootstrap)"
    if not (np.isfinite(gap.low) and np.isfinite(gap.high)):
        return f"{head}: no interval (too few events in the resamples)"
    if gap.low > 0:
        return f"{head}, clearly above 0: {first} leads"
    if gap.high < 0:
        return f"{head}, clearly below 0: {second} leads"
    return f"{head}, an interval that holds 0: the two may be equally good"


def gain_intervals(gains: pd.DataFrame) -> dict[str, Interval]:
    """Paired gains (columns ``gain``, ``low``, ``high``, one row per part) as an :class:`Interval` per part.

    ``gains`` is :func:`~hdhkits.annitia.evaluation.paired_gains` or
    :func:`~hdhkits.annitia.ablation.versus_no_liver_pieces`'s first table.
    """
    return {str(part): Interval(float(r["gain"]), float(r["low"]), float(r["high"])) for part, r in gains.iterrows()}


def gains_table(versus: pd.DataFrame) -> pd.DataFrame:
    """:func:`~hdhkits.annitia.ablation.versus_no_liver_pieces`'s gains as printed: one gain column.

    Returns
    -------
    DataFrame
        Index the parts (``score``, ``C(liver)``, ``C(death)``); the two models' values
        (rounded to 3 decimals) and ``gain [95 % interval]`` (the ``str`` of an :class:`Interval`).
    """
    models = [c for c in versus.columns if c not in ("gain", "low", "high")]
    shown = versus[models].round(3)
    shown["gain [95 % interval]"] = [str(gap) for gap in gain_intervals(versus).values()]
    return shown.rename(index=PART_NAMES)


def trajectory_sentence(label: str, medians: pd.DataFrame) -> str:
    """How the patients with a later liver event differ, on one marker, in these files.

    Parameters
    ----------
    label : str
        The marker ("FIB-4").
    medians : DataFrame
        Index ``no``, ``yes`` (a later liver event); columns ``first value`` and
        ``change per year`` (medians over the patients).

    Returns
    -------
    str
        Whether they start higher and whether they climb faster, with the numbers.
    """
    first, slope = medians["first value"], medians["change per year"]
    if medians.isna().to_numpy().any():
        return f"{label}: too few values to compare the patients with and without a later liver event"
    start = "higher" if first["yes"] > first["no"] else "not higher"
    climb = "climb faster" if slope["yes"] > slope["no"] else "do not climb faster"
    text = (
        f"{label}: patients with a later liver event start {start} ({first['yes']:.2f} against "
        f"{first['no']:.2f}) and {climb} ({slope['yes']:+.2f} a year against {slope['no']:+.2f})"
    )
    if start == "higher" and climb == "do not climb faster":
        text += ": here the first value, not the slope, tells them apart"
    return text


def local_score_table(
    truth: pd.DataFrame, submissions: Mapping[str, pd.DataFrame], n_boot: int = 200, seed: int = 0
) -> tuple[pd.DataFrame, dict[str, dict[str, Interval]]]:
    """The local score: each submission and the oracle on the twin's test patients, with intervals.

    Parameters
    ----------
    truth : DataFrame
        The twin's truth table (``PROBLEM.read_truth``), with the true latent risks.
    submissions : mapping of str to DataFrame
        Validated submissions by row name: ``this submission`` first, then any floor
        (``dummy (age at first visit)``).
    n_boot : int
        Bootstrap resamples (patients resampled within the outcome strata).
    seed : int
        Seed of the resampling.

    Returns
    -------
    table : DataFrame
        One row per submission, then ``oracle`` (the metric on the true latent risks,
        :func:`~hdhkits.annitia.baselines.oracle_score`); the columns of :func:`interval_columns`.
    scores : dict
        The same as :class:`Interval` per part, by row.
    """
    y = survival_targets(truth)
    risks = {name: submission_risks(truth, table) for name, table in submissions.items()}
    risks[ORACLE] = truth[["true_risk_hepatic", "true_risk_death"]].to_numpy(float)
    table = interval_table(y, risks, n_boot=n_boot, seed=seed)
    return interval_columns(table).rename_axis(None), {name: intervals(table, name) for name in table.index}


def oracle_sentence(mine: Mapping[str, Interval], oracle: Mapping[str, Interval]) -> str:
    """Where a submission stands against the oracle, part by part, with the differences.

    Returns
    -------
    str
        The differences, and on which parts the submission is above the oracle (or that it
        is below it on every part).
    """
    diffs = {p: mine[p].estimate - oracle[p].estimate for p in PARTS}
    text = "this submission minus the oracle: " + ", ".join(f"{PART_NAMES[p]} {d:+.3f}" for p, d in diffs.items())
    above = [PART_NAMES[p] for p in PARTS if p != "score" and diffs[p] > 0]
    if not above:
        return text + ": below the oracle on both concordances"
    return (
        f"{text}: above the oracle on {' and '.join(above)}, which is a reference, not a ceiling "
        "(follow-up length, few events: see above)"
    )


def km_curves(
    ax: Axes,
    time: np.ndarray,
    event: np.ndarray,
    groups: np.ndarray,
    order: Sequence[str] | None = None,
    colours: Mapping[str, str] | None = None,
    label: str = "{group} (n={n})",
    min_patients: int = 1,
    legend: bool = True,
) -> list[str]:
    """Draw one Kaplan–Meier curve (lifelines, no confidence band) per group of patients on ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
        Where to draw.
    time, event : arrays of shape (n,)
        Survival times and event indicators.
    groups : array of shape (n,)
        Each patient's group (patients of no group listed in ``order`` are left out).
    order : sequence of str, optional
        The groups to draw, in this order (default: as they first appear).
    colours : mapping, optional
        A colour per group.
    label : str
        The legend's entry, with ``{group}`` and ``{n}`` (its patients).
    min_patients : int
        Groups with fewer patients get no curve.
    legend : bool
        Whether ``ax`` shows a legend.

    Returns
    -------
    list of str
        The groups drawn.
    """
    from lifelines import KaplanMeierFitter

    time, event = np.asarray(time, float), np.asarray(event, bool)
    groups = np.asarray(groups, dtype=object)
    drawn = []
    for group in order if order is not None else pd.unique(groups):
        sel = groups == group
        if sel.sum() < max(min_patients, 1):
            continue
        fitter = KaplanMeierFitter().fit(time[sel], event[sel], label=label.format(group=group, n=int(sel.sum())))
        fitter.plot_survival_function(ax=ax, ci_show=False, color=(colours or {}).get(group), legend=legend)
        drawn.append(group)
    return drawn
