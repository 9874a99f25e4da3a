"""The comparison of cross-validated models: its table with intervals, its plot and its sentences.

:func:`comparison_table` gives one row per model (or pair) of
:mod:`hdhkits.cardihack.evaluation`'s cross-validations: each part of the metric, its 95 %
percentile bootstrap interval over patients (:func:`~hdhkits.cardihack.evaluation.score_interval`,
resampling within the strata of both outcomes) and its spread across repeats;
:func:`score_row` adds a row for fixed predictions (the oracle, a model on the twin's test
truth). :func:`plot_comparison` draws the table; :func:`ranking_sentences`,
:func:`interval_text` and :func:`repeat_spread` say it in words, printed from the data;
:func:`official_parts_table` and :func:`official_order_sentences` set it beside the official
train file's scores; :func:`mace_class_shares` compares the MACE classes a model predicts
with the true ones.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..evaluation import bootstrap_score
from .candidates import OFFICIAL_PARTS, SEVERITY_AGE, SEVERITY_BASELINE, SEVERITY_SHRUNK
from .evaluation import CVResult, OutcomeCV, score_interval
from .metric import MACE_CLASS_WEIGHTS, MACE_CLASSES
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY

__all__ = [
    "PARTS",
    "PART_NAMES",
    "comparison_table",
    "interval_text",
    "mace_class_shares",
    "official_order_sentences",
    "official_parts_table",
    "plot_comparison",
    "ranking_sentences",
    "repeat_spread",
    "score_row",
    "summarize",
    "summarize_outcome",
]

#: The metric parts a comparison row holds: the combined score and its two parts.
PARTS: tuple[str, ...] = ("score", "kappa_mace", "severity_rescaled")


def summarize(result: CVResult, n_boot: int = 200, seed: int = 0) -> dict[str, str | float]:
    """One table row: each part's estimate, bootstrap interval (:func:`~hdhkits.cardihack.evaluation.score_interval`) and spread across repeats.

    The spread (``<part> sd(repeats)``, the standard deviation of the repeats' scores) is NaN
    for a single repeat.
    """
    row: dict[str, str | float] = {"model": result.name, "evaluated on": _evaluated_on(result.mace.shape[0])}
    truth = pd.DataFrame({OUTCOME_SEVERITY: result.y_severity, OUTCOME_MACE: result.y_mace})
    repeats = result.per_repeat
    for part, iv in score_interval(truth, result, n_boot=n_boot, seed=seed).items():
        row[part], row[f"{part} low"], row[f"{part} high"] = iv.estimate, iv.low, iv.high
        row[f"{part} sd(repeats)"] = (
            float(repeats[part].std(ddof=1)) if repeats is not None and len(repeats) > 1 else np.nan
        )
    return row


def summarize_outcome(result: OutcomeCV, n_boot: int = 200, seed: int = 0) -> dict[str, str | float]:
    """One table row for one outcome's model: its part with interval and spread (NaN for one repeat); the other parts NaN."""
    row: dict[str, str | float] = {"model": result.name, "evaluated on": _evaluated_on(result.predictions.shape[0])}
    for part in PARTS:
        row[part] = row[f"{part} low"] = row[f"{part} high"] = row[f"{part} sd(repeats)"] = float("nan")
    part = result.part
    iv = bootstrap_score(
        lambda idx: result.value(idx), np.arange(len(result.y)), n_boot=n_boot, seed=seed, strata=result.y
    )
    row[part], row[f"{part} low"], row[f"{part} high"] = iv.estimate, iv.low, iv.high
    per_repeat = [result.value(repeat=r) for r in range(result.predictions.shape[0])]
    row[f"{part} sd(repeats)"] = float(np.std(per_repeat, ddof=1)) if len(per_repeat) > 1 else np.nan
    return row


def _evaluated_on(repeats: int) -> str:
    """The "evaluated on" cell of a cross-validated row."""
    return f"train, out-of-fold ({repeats} repeat{'s' if repeats != 1 else ''})"


def score_row(
    name: str,
    evaluated_on: str,
    y_mace: npt.ArrayLike,
    mace_pred: npt.ArrayLike,
    y_severity: npt.ArrayLike,
    severity_prob: npt.ArrayLike,
    n_boot: int = 200,
    seed: int = 0,
) -> dict[str, str | float]:
    """A table row for fixed predictions (e.g. the oracle, or a model on the twin's test truth).

    Same columns as :func:`summarize`: each part with a stratified bootstrap interval over rows.
    """
    y_mace, mace_pred = np.asarray(y_mace).astype(int), np.asarray(mace_pred).astype(int)
    y_severity, severity_prob = np.asarray(y_severity).astype(int), np.asarray(severity_prob, dtype=float)
    single = CVResult(
        name,
        severity_prob[None, :],
        mace_pred[None, :],
        y_severity,
        y_mace,
        pd.DataFrame([{"score": np.nan, "kappa_mace": np.nan, "severity_rescaled": np.nan}]),
    )
    row = summarize(single, n_boot=n_boot, seed=seed)
    row["evaluated on"] = evaluated_on
    for part in PARTS:
        row[f"{part} sd(repeats)"] = np.nan
    return row


def comparison_table(
    results: list[CVResult], extra_rows: list[dict] | None = None, n_boot: int = 200, seed: int = 0
) -> pd.DataFrame:
    """The comparison table: one row per model pair, plus rows such as the oracle.

    Parameters
    ----------
    results : list of CVResult or OutcomeCV
        Cross-validated submissions (both parts and the combined score) or single-outcome
        models (their own part only; the others NaN).
    extra_rows : list of dict, optional
        Rows computed elsewhere (keys ``model``, ``evaluated on``, and the parts with
        ``low``/``high``), e.g. the oracle on the twin's test truth.
    n_boot : int
        Bootstrap resamples per interval.
    seed : int
        Bootstrap seed.
    """
    rows = [
        summarize_outcome(r, n_boot=n_boot, seed=seed)
        if isinstance(r, OutcomeCV)
        else summarize(r, n_boot=n_boot, seed=seed)
        for r in results
    ] + list(extra_rows or [])
    return pd.DataFrame(rows).set_index("model")


#: Axis labels of the comparison plot, by metric part.
_PART_LABELS = {
    "score": "combined score\n(0.7 kappa + 0.3 rescaled)",
    "kappa_mace": "weighted kappa\n(MACE)",
    "severity_rescaled": "rescaled log-loss\n(SEVERITY)",
}


def _row_kind(evaluated_on: str) -> str:
    """Colour group of a comparison row: out-of-fold on train, or scored against the twin's truth."""
    return (
        "cross-validated on train (out-of-fold)"
        if str(evaluated_on).startswith("train")
        else "scored against the twin's truth"
    )


def plot_comparison(table: pd.DataFrame, ax: np.ndarray | None = None) -> np.ndarray:
    """Dot-and-interval plot of the three metric parts for every row of :func:`comparison_table`.

    Each panel is one part of the metric (its axis says which; 0 is the organisers' dummy
    and marked by a grey line); dots are the estimates, bars their 95 % bootstrap
    intervals. Colours tell how a row was evaluated (out-of-fold on the training patients,
    or against the twin's truth); the legend sits below the panels, clear of the data.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(1, 3, figsize=(11, 1.4 + 0.55 * len(table)), sharey=True)
    names = list(table.index)
    y = np.arange(len(names))[::-1]
    kinds = [_row_kind(v) for v in table.get("evaluated on", pd.Series("train", index=table.index))]
    colours = dict(zip(dict.fromkeys(kinds), ("tab:blue", "tab:orange", "tab:green")))
    for a, part in zip(ax, PARTS):
        est = table[part].to_numpy(float)
        low = table[f"{part} low"].to_numpy(float)
        high = table[f"{part} high"].to_numpy(float)
        err = np.clip(np.vstack([np.nan_to_num(est - low), np.nan_to_num(high - est)]), 0, None)  # float noise
        for kind, colour in colours.items():
            rows = np.array([k == kind for k in kinds])
            a.errorbar(est[rows], y[rows], xerr=err[:, rows], fmt="o", capsize=3, color=colour, label=kind)
        a.axvline(0, color="grey", lw=0.8)
        a.set_xlabel(_PART_LABELS[part])
    ax[0].set_yticks(y)
    ax[0].set_yticklabels(names)
    ax[0].set_ylabel("model")
    fig = ax[0].figure
    handles, labels = ax[0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=len(labels),
        frameon=False,
        title="dot: estimate; bar: 95 % bootstrap interval; grey line: 0 (the dummy's level)",
    )
    fig.tight_layout(rect=(0, 0.14 if len(table) < 6 else 0.1, 1, 1))
    return ax


def _ranked(rows: pd.DataFrame, part: str, intervals: bool = True) -> str:
    """Rows (sorted, best first) joined by ``>``, or ``=`` where two estimates tie at three decimals."""
    text, previous = "", None
    for name, r in rows.iterrows():
        shown = _number(r[part])
        if previous is not None:
            text += " = " if shown == previous else " > "
        text += f"{name} {shown}" + (
            f" [{_number(r[part + ' low'])}, {_number(r[part + ' high'])}]" if intervals else ""
        )
        previous = shown
    return text


def ranking_sentences(table: pd.DataFrame, severity_names: Iterable[str], mace_names: Iterable[str]) -> list[str]:
    """One sentence per outcome: its models ranked on their part, with intervals, and whether the lead is noise.

    Two estimates equal at the printed precision (three decimals) read as a tie (``=``), not
    as an order.

    Parameters
    ----------
    table : DataFrame
        :func:`comparison_table` (rows by model name).
    severity_names, mace_names : iterable of str
        The rows to rank for each outcome (absent or NaN rows are left out).

    Returns
    -------
    list of str
        Printed from the data, so they hold for whatever data the table was computed on.
    """
    sentences = []
    for label, part, names in (
        ("SEVERITY (rescaled log-loss; 0 = the prior)", "severity_rescaled", severity_names),
        ("MACE (weighted kappa; 0 = chance)", "kappa_mace", mace_names),
    ):
        rows = table.loc[[n for n in names if n in table.index]]
        rows = rows[np.isfinite(rows[part].to_numpy(float))].sort_values(part, ascending=False, kind="stable")
        if rows.empty:
            sentences.append(f"{label}: no model was scored")
            continue
        text = f"{label}: {_ranked(rows, part)}"
        if len(rows) > 1:
            first, second = rows.iloc[0], rows.iloc[1]
            if _number(first[part]) == _number(second[part]):
                text += "; the first two tie at three decimals"
            elif first[part + " low"] <= second[part + " high"]:
                text += "; the first two intervals overlap: their order may be noise"
            else:
                text += "; the first is ahead beyond the second's interval"
        sentences.append(text)
    return sentences


_SEVERITY_CANDIDATES = (SEVERITY_BASELINE, SEVERITY_SHRUNK, SEVERITY_AGE)

#: How the sentences name each part of the metric.
PART_NAMES: dict[str, str] = {
    "score": "combined score",
    "kappa_mace": "MACE kappa",
    "severity_rescaled": "SEVERITY rescaled",
}


def repeat_spread(table: pd.DataFrame) -> list[str]:
    """One line per part of the metric: how much each row's score moves from one repeat of the folds to another.

    Parameters
    ----------
    table : DataFrame
        :func:`comparison_table`.

    Returns
    -------
    list of str
        ``"<part>: <model> <sd>, ..."``, the standard deviation across repeats of every row
        scored on that part in more than one repeat (a single repeat, the oracle's or the
        nested score's rows have none).
    """
    lines = []
    for part in PARTS:
        sd = table[f"{part} sd(repeats)"].dropna()
        if not sd.empty:
            lines.append(f"{PART_NAMES[part]}: " + ", ".join(f"{name} {_number(v)}" for name, v in sd.items()))
    return lines


def official_parts_table(table: pd.DataFrame, official: dict[str, float] = OFFICIAL_PARTS) -> pd.DataFrame:
    """The official train file's score of each model participants measured, beside this data's.

    Parameters
    ----------
    table : DataFrame
        :func:`comparison_table`.
    official : dict
        ``{model: its own part on the official train file}`` (:data:`~.candidates.OFFICIAL_PARTS`).

    Returns
    -------
    DataFrame
        One row per model: ``part`` (the part it is judged on), ``official train file`` and
        ``this data`` (NaN for a model the table does not hold).
    """
    rows = []
    for name, value in official.items():
        part = "severity_rescaled" if name in _SEVERITY_CANDIDATES else "kappa_mace"
        here = table.loc[name, part] if name in table.index else np.nan
        rows.append({"model": name, "part": PART_NAMES[part], "official train file": value, "this data": here})
    return pd.DataFrame(rows).set_index("model")


def official_order_sentences(parts: pd.DataFrame) -> list[str]:
    """Whether this data ranks the models as the official train file does, one sentence per part.

    Parameters
    ----------
    parts : DataFrame
        :func:`official_parts_table`.

    Returns
    -------
    list of str
        The official order, then "the same order here" or this data's order.
    """
    sentences = []
    for part, rows in parts.groupby("part", sort=False):
        rows = rows.dropna(subset=["this data"])
        if len(rows) < 2:
            continue
        official = rows.sort_values("official train file", ascending=False, kind="stable")
        here = rows.sort_values("this data", ascending=False, kind="stable")
        said = _ranked(official.rename(columns={"official train file": "v"}), "v", intervals=False)
        if list(here.index) == list(official.index):
            verdict = "the same order here"
        else:
            verdict = "here: " + _ranked(here.rename(columns={"this data": "v"}), "v", intervals=False)
        sentences.append(f"{part}, official train file: {said}; {verdict}")
    return sentences


def mace_class_shares(y_train: npt.ArrayLike, predicted: dict[str, npt.ArrayLike]) -> pd.DataFrame:
    """Share of each MACE class: true, kappa-weighted, and predicted by each model.

    Parameters
    ----------
    y_train : array of 0/1/2
        True classes of the training patients.
    predicted : dict
        ``{label: predicted classes}`` (out-of-fold, or on test patients).

    Returns
    -------
    DataFrame
        Indexed by class 0/1/2 (a class nobody has shows 0).
    """
    y = pd.Series(np.asarray(y_train).astype(int))
    weights = y.map(MACE_CLASS_WEIGHTS)
    shares = {"true": y.value_counts(normalize=True), "true, kappa-weighted": weights.groupby(y).sum() / weights.sum()}
    for label, pred in predicted.items():
        shares[f"predicted, {label}"] = pd.Series(np.asarray(pred).astype(int)).value_counts(normalize=True)
    table = pd.DataFrame(shares).reindex(list(MACE_CLASSES)).fillna(0.0)
    table.index.name = "MACE class"
    return table


def _number(x: float) -> str:
    """Three decimals, without a "-0.000" for a value that rounds to zero."""
    return f"{round(float(x), 3) + 0.0:.3f}"


def interval_text(table: pd.DataFrame, part: str) -> pd.Series:
    """``estimate [low, high]`` of one part for every row of :func:`comparison_table`; empty where it is NaN."""
    return pd.Series(
        [
            f"{_number(r[part])} [{_number(r[part + ' low'])}, {_number(r[part + ' high'])}]"
            if np.isfinite(r[part])
            else ""
            for _, r in table.iterrows()
        ],
        index=table.index,
        name=part,
    )
