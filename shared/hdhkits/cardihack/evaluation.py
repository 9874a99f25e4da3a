"""Repeated cross-validation of (SEVERITY, MACE) model pairs, with intervals, and the comparison plot.

The training file has 347 patients and 29 early MACE, so a single split's score moves
by several points from one seed to the next. Scores here are averaged over repeated
stratified K-fold cross-validation (strata: both outcomes), and each comes with a 95 %
percentile bootstrap interval over patients
(:func:`hdhkits.evaluation.bootstrap_score`, resampling within the strata), the bootstrap
metric being the same average over repeats of the out-of-fold predictions. The folds
are :func:`hdhkits.evaluation.out_of_fold`'s: the kit writes only its splits and scorers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from ..evaluation import bootstrap_score, out_of_fold
from .metric import (
    combined_score, rescale_logloss, rescaled_severity, severity_reference_losses, weighted_kappa, weighted_logloss,
)
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY

__all__ = ["CVResult", "cross_validate_pair", "strata", "summarize", "score_row", "comparison_table",
           "plot_comparison"]

_PARTS = ("score", "kappa_mace", "severity_rescaled")


def _p_severe(fitted, X: pd.DataFrame) -> np.ndarray:
    """P(severe): column 1 of ``predict_proba``."""
    return fitted.predict_proba(X)[:, 1]


def strata(train: pd.DataFrame) -> np.ndarray:
    """Stratification label: the six (SEVERITY, MACE) combinations."""
    return 3 * train[OUTCOME_SEVERITY].to_numpy(int) + train[OUTCOME_MACE].to_numpy(int)


@dataclass
class CVResult:
    """Out-of-fold predictions of one model pair over the repeats.

    Attributes
    ----------
    name : str
        Model pair name.
    severity : ndarray, shape (n_repeats, n)
        Out-of-fold P(severe).
    mace : ndarray, shape (n_repeats, n)
        Out-of-fold MACE classes.
    y_severity, y_mace : ndarray, shape (n,)
        The truth.
    """

    name: str
    severity: np.ndarray
    mace: np.ndarray
    y_severity: np.ndarray
    y_mace: np.ndarray
    per_repeat: pd.DataFrame = field(default=None)

    def parts(self, idx: np.ndarray | None = None) -> dict[str, float]:
        """Metric parts averaged over repeats, on rows ``idx`` (all by default)."""
        idx = np.arange(len(self.y_mace)) if idx is None else idx
        kappas = [weighted_kappa(self.y_mace[idx], m[idx]) for m in self.mace]
        y = self.y_severity[idx]
        if y.min() == y.max():
            rescaled = [float("nan")]
        else:
            # The reference losses depend on the truth only: once per resample, not once per repeat.
            dummy, worst = severity_reference_losses(y)
            rescaled = [rescale_logloss(weighted_logloss(y, s[idx]), dummy, worst) for s in self.severity]
        k, r = float(np.mean(kappas)), float(np.mean(rescaled))
        return {"score": combined_score(k, r), "kappa_mace": k, "severity_rescaled": r}


def cross_validate_pair(
    name: str,
    severity_model,
    mace_model,
    train: pd.DataFrame,
    n_splits: int = 5,
    n_repeats: int = 5,
    seed: int = 0,
) -> CVResult:
    """Repeated stratified K-fold out-of-fold predictions of a (SEVERITY, MACE) pair.

    Parameters
    ----------
    name : str
        Name shown in tables.
    severity_model : classifier
        Has ``fit(train, y)`` and ``predict_proba`` (column 1 = P(severe)); cloned per fold.
    mace_model : classifier
        Has ``fit(train, y)`` and ``predict`` returning classes 0/1/2; cloned per fold.
    train : DataFrame
        The training table (official columns); models select their own columns.
    n_splits, n_repeats : int
        Folds and repeats.
    seed : int
        Seed of the fold assignment (the same seed gives every pair the same folds).

    Returns
    -------
    CVResult
    """
    y_sev = train[OUTCOME_SEVERITY].to_numpy(int)
    y_mace = train[OUTCOME_MACE].to_numpy(int)
    label = strata(train)
    sev = np.zeros((n_repeats, len(train)))
    mace = np.zeros((n_repeats, len(train)), dtype=int)
    rows = []
    for r in range(n_repeats):
        # Both models of a repeat see the same folds, so the pair is scored as one submission.
        folds = list(StratifiedKFold(n_splits, shuffle=True, random_state=seed + r).split(np.zeros(len(train)), label))
        sev[r] = out_of_fold(severity_model, train, y_sev, folds, method=_p_severe)
        mace[r] = out_of_fold(mace_model, train, y_mace, folds, method="predict").astype(int)
        k, res = weighted_kappa(y_mace, mace[r]), rescaled_severity(y_sev, sev[r])
        rows.append({"repeat": r, "score": combined_score(k, res), "kappa_mace": k, "severity_rescaled": res})
    return CVResult(name, sev, mace, y_sev, y_mace, pd.DataFrame(rows))


def summarize(result: CVResult, n_boot: int = 200, seed: int = 0) -> dict:
    """One table row: each part's estimate, bootstrap interval and spread across repeats."""
    n = len(result.y_mace)
    group = 3 * result.y_severity + result.y_mace
    row = {"model": result.name, "evaluated on": f"train, out-of-fold ({result.mace.shape[0]} repeats)"}
    cache: dict[bytes, dict] = {}

    def part_of(idx: np.ndarray, part: str) -> float:
        # The three bootstraps share their seed, hence their resamples: compute each resample once.
        key = idx.tobytes()
        if key not in cache:
            cache[key] = result.parts(idx)
        return cache[key][part]

    for part in _PARTS:
        # The row positions are what is resampled, so the scorer gets each resample's indices.
        iv = bootstrap_score(lambda idx, p=part: part_of(idx, p), np.arange(n), n_boot=n_boot, seed=seed,
                             strata=group)
        row[part], row[f"{part} low"], row[f"{part} high"] = iv.estimate, iv.low, iv.high
        row[f"{part} sd(repeats)"] = float(result.per_repeat[part].std(ddof=1)) if len(result.per_repeat) > 1 else 0.0
    return row


def score_row(name: str, evaluated_on: str, y_mace, mace_pred, y_severity, severity_prob, n_boot: int = 200,
              seed: int = 0) -> dict:
    """A table row for fixed predictions (e.g. the oracle, or a model on the twin's test truth).

    Same columns as :func:`summarize`: each part with a stratified bootstrap interval over rows.
    """
    y_mace, mace_pred = np.asarray(y_mace).astype(int), np.asarray(mace_pred).astype(int)
    y_severity, severity_prob = np.asarray(y_severity).astype(int), np.asarray(severity_prob, dtype=float)
    single = CVResult(name, severity_prob[None, :], mace_pred[None, :], y_severity, y_mace,
                      pd.DataFrame([{"score": np.nan, "kappa_mace": np.nan, "severity_rescaled": np.nan}]))
    row = summarize(single, n_boot=n_boot, seed=seed)
    row["evaluated on"] = evaluated_on
    for part in _PARTS:
        row[f"{part} sd(repeats)"] = np.nan
    return row


def comparison_table(results: list[CVResult], extra_rows: list[dict] | None = None, n_boot: int = 200,
                     seed: int = 0) -> pd.DataFrame:
    """The comparison table: one row per model pair, plus rows such as the oracle.

    Parameters
    ----------
    results : list of CVResult
        Cross-validated model pairs.
    extra_rows : list of dict, optional
        Rows computed elsewhere (keys ``model``, ``evaluated on``, and the parts with
        ``low``/``high``), e.g. the oracle on the twin's test truth.
    n_boot : int
        Bootstrap resamples per interval.
    seed : int
        Bootstrap seed.
    """
    rows = [summarize(r, n_boot=n_boot, seed=seed) for r in results] + list(extra_rows or [])
    return pd.DataFrame(rows).set_index("model")


#: Axis labels of the comparison plot, by metric part.
_PART_LABELS = {"score": "combined score\n(0.7 kappa + 0.3 rescaled)", "kappa_mace": "weighted kappa\n(MACE)",
                "severity_rescaled": "rescaled log-loss\n(SEVERITY)"}


def _row_kind(evaluated_on: str) -> str:
    """Colour group of a comparison row: out-of-fold on train, or scored against the twin's truth."""
    return "cross-validated on train (out-of-fold)" if str(evaluated_on).startswith("train") else \
        "scored against the twin's truth"


def plot_comparison(table: pd.DataFrame, ax=None):
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
    for a, part in zip(ax, _PARTS):
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
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False,
               title="dot: estimate; bar: 95 % bootstrap interval; grey line: 0 (the dummy's level)")
    fig.tight_layout(rect=(0, 0.14 if len(table) < 6 else 0.1, 1, 1))
    return ax
