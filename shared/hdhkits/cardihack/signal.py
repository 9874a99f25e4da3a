"""What each column tells about each outcome on its own: AUCs, bootstrap intervals, SNPs against chance.

The AUC of a column for a binary outcome is the chance that a random patient with the
outcome has a higher value than a random patient without it (ties count a half): 0.5 =
the column says nothing, above 0.5 = higher values go with the outcome, below = lower
values do. The two outcomes read are ``OUTCOME SEVERITY = 1`` and ``OUTCOME MACE >= 1`` (an
event seen within 3,000 days).

Participants measured these AUCs on the official train file (347 patients);
:data:`OFFICIAL_COLUMN_AUC` and :data:`OFFICIAL_SNP_AUC` keep their figures, the reference the
synthetic twin is calibrated to (:mod:`hdhkits.cardihack.twin`) and that ``01_exploration``
draws beside the data it reads. ``Age_Diag`` is read where it is known: its 0.0 code and
diagnoses after the baseline visit are left out, as the check's warnings say
(:func:`~hdhkits.cardihack.plausibility.plausible_values`).

For the 288 SNPs one at a time, a few dozen ``|AUC - 0.5|`` of 0.05-0.08 are what chance gives
at this size; :func:`snp_auc_against_chance` sets them beside the same statistic computed on
permuted outcomes, where no SNP can carry signal.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import rankdata

from .plausibility import plausible_values
from .schema import CLINICAL_COLUMNS, OUTCOME_MACE, OUTCOME_SEVERITY, SNP_COLUMNS

__all__ = [
    "OFFICIAL_COLUMN_AUC",
    "OFFICIAL_SNP_AUC",
    "OUTCOME_LABELS",
    "SIGNAL_COLUMNS",
    "auc",
    "binary_outcomes",
    "column_auc_intervals",
    "column_aucs",
    "describe_column_aucs",
    "plot_column_aucs",
    "plot_snp_aucs",
    "snp_auc_against_chance",
    "snp_chance_summary",
]

#: The two binary outcomes the AUCs are read for, as the tables name them.
OUTCOME_LABELS: tuple[str, str] = ("SEVERITY", "MACE >= 1")
#: The columns whose AUCs are shown: the clinical columns and the pathogenic-variant count.
SIGNAL_COLUMNS: tuple[str, ...] = (*CLINICAL_COLUMNS, "Variant.Pathogene")

#: AUC of each column alone on the official train file (347 patients), as participants measured
#: it: (SEVERITY = 1, MACE >= 1). ``Age_Diag`` read where known.
OFFICIAL_COLUMN_AUC: dict[str, tuple[float, float]] = {
    "Age_Baseline": (0.643, 0.624),
    "Age_Diag": (0.566, 0.520),
    "BMI": (0.540, 0.559),
    "BSA": (0.482, 0.530),
    "Genre": (0.504, 0.519),
    "Epaiss_max": (0.523, 0.595),
    "Gradient": (0.495, 0.498),
    "TVNS": (0.516, 0.539),
    "FEVG": (0.564, 0.545),
    "ATCD_MS": (0.501, 0.547),
    "SYNCOPE": (0.515, 0.491),
    "Diam_OG": (0.546, 0.591),
    "Variant.Pathogene": (0.489, 0.548),
}
#: The 288 SNPs one at a time on the official train file: (median, maximum) of ``|AUC - 0.5|``
#: by outcome. No more than chance gives for 288 columns at this size.
OFFICIAL_SNP_AUC: dict[str, tuple[float, float]] = {"SEVERITY": (0.019, 0.083), "MACE >= 1": (0.020, 0.080)}


def binary_outcomes(train: pd.DataFrame) -> dict[str, np.ndarray]:
    """``{"SEVERITY": y == 1, "MACE >= 1": MACE >= 1}`` as 0/1 arrays (NaN where the outcome is empty)."""
    sev = pd.to_numeric(train[OUTCOME_SEVERITY], errors="coerce").to_numpy(float)
    mace = pd.to_numeric(train[OUTCOME_MACE], errors="coerce").to_numpy(float)
    return {
        OUTCOME_LABELS[0]: np.where(np.isnan(sev), np.nan, (sev == 1).astype(float)),
        OUTCOME_LABELS[1]: np.where(np.isnan(mace), np.nan, (mace >= 1).astype(float)),
    }


def _auc_rows(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """AUC of every row of ``X`` (k, n) for the 0/1 labels ``y`` (n,), ties counted a half; no NaN."""
    ranks = rankdata(X, axis=1)
    pos = y == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return np.full(X.shape[0], np.nan)
    return (ranks[:, pos].sum(1) - n1 * (n1 + 1) / 2) / (n1 * n0)


def auc(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """AUC of one column ``x`` for the 0/1 outcome ``y``, rows with a missing value left out.

    Returns NaN when fewer than two patients of either outcome remain (nothing to compare).
    """
    values, outcome = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(values) | np.isnan(outcome))
    values, outcome = values[keep], outcome[keep]
    if (outcome == 1).sum() < 2 or (outcome == 0).sum() < 2:
        return float("nan")
    return float(_auc_rows(values[None, :], outcome)[0])


def _signal_frame(train: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The columns as floats, values the check warns about (an ``Age_Diag`` of 0.0, ...) set missing."""
    present = [c for c in columns if c in train.columns]
    handled = plausible_values(train[present].apply(pd.to_numeric, errors="coerce"))
    return handled.astype(float)


def column_aucs(train: pd.DataFrame, columns: Iterable[str] = SIGNAL_COLUMNS) -> pd.DataFrame:
    """AUC of each column alone, for both outcomes.

    Parameters
    ----------
    train : DataFrame
        ``train.csv`` as read (both outcomes present).
    columns : sequence of str
        Columns to read (default: the clinical columns and ``Variant.Pathogene``); absent ones
        are skipped.

    Returns
    -------
    DataFrame
        Indexed by column; columns ``SEVERITY`` and ``MACE >= 1``. A constant column has AUC
        0.5 (it ranks nobody); an empty column, or an outcome with fewer than two patients on
        either side, gives NaN.
    """
    frame = _signal_frame(train, columns)
    outcomes = binary_outcomes(train)
    table = pd.DataFrame(
        {label: [auc(frame[c], y) for c in frame.columns] for label, y in outcomes.items()},
        index=pd.Index(frame.columns, name="column"),
    )
    return table


def column_auc_intervals(
    train: pd.DataFrame, columns: Iterable[str] = SIGNAL_COLUMNS, n_boot: int = 500, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Each column's AUC for both outcomes with a percentile bootstrap interval over patients.

    Parameters
    ----------
    train : DataFrame
        ``train.csv`` as read.
    columns : sequence of str
        Columns to read (absent ones skipped).
    n_boot : int
        Bootstrap resamples (the same resamples for every column).
    level : float
        Coverage of the interval.
    seed : int
        Seed of the resamples.

    Returns
    -------
    DataFrame
        One row per (column, outcome): ``column``, ``outcome``, ``auc``, ``low``, ``high``,
        ``n`` (patients read: those with both the value and the outcome). NaN where the AUC
        cannot be computed.
    """
    frame = _signal_frame(train, columns)
    rng = np.random.default_rng(seed)
    rows = []
    for label, y in binary_outcomes(train).items():
        for column in frame.columns:
            x = frame[column].to_numpy(float)
            keep = ~(np.isnan(x) | np.isnan(y))
            xs, ys = x[keep], y[keep]
            estimate = auc(xs, ys)
            low = high = float("nan")
            if np.isfinite(estimate):
                idx = rng.integers(0, len(xs), size=(n_boot, len(xs)))
                boot = np.array([auc(xs[i], ys[i]) for i in idx])
                boot = boot[np.isfinite(boot)]
                if len(boot):
                    low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
            rows.append(
                {
                    "column": column,
                    "outcome": label,
                    "auc": estimate,
                    "low": float(low),
                    "high": float(high),
                    "n": int(keep.sum()),
                }
            )
    return pd.DataFrame(rows)


def snp_auc_against_chance(train: pd.DataFrame, n_permutations: int = 20, seed: int = 0) -> pd.DataFrame:
    """``|AUC - 0.5|`` of every SNP, for each outcome as observed and for permuted outcomes.

    Permuting an outcome breaks any link with the genotypes while keeping its prevalence and
    the SNPs' frequencies and correlations: the permuted distribution is what 288 SNPs without
    signal give at this size.

    Parameters
    ----------
    train : DataFrame
        ``train.csv`` as read.
    n_permutations : int
        Permutations per outcome (their ``|AUC - 0.5|`` are pooled).
    seed : int
        Seed of the permutations.

    Returns
    -------
    DataFrame
        One row per (outcome, SNP, draw): ``outcome``, ``snp``, ``draw`` (``"observed"`` or
        ``"permuted"``), ``permutation`` (0 for the observed outcome, 1, 2, ... for the
        permuted ones), ``distance`` (``|AUC - 0.5|``; a monomorphic SNP gives 0). Empty when
        the file has no SNP column or an outcome has no patient on one side.
    """
    snps = [c for c in SNP_COLUMNS if c in train.columns]
    rng = np.random.default_rng(seed)
    parts = []
    for label, y in binary_outcomes(train).items():
        keep = ~np.isnan(y)
        if not snps or len(np.unique(y[keep])) < 2:
            continue
        G = train.loc[keep, snps].apply(pd.to_numeric, errors="coerce").to_numpy(float).T
        G = np.where(np.isnan(G), np.nanmean(np.where(np.isnan(G), np.nan, G), axis=1, keepdims=True), G)
        G = np.nan_to_num(G)  # an all-empty SNP: constant, AUC 0.5
        yk = y[keep]
        observed = np.abs(_auc_rows(G, yk) - 0.5)
        parts.append(
            pd.DataFrame({"outcome": label, "snp": snps, "draw": "observed", "permutation": 0, "distance": observed})
        )
        for k in range(1, n_permutations + 1):
            permuted = np.abs(_auc_rows(G, rng.permutation(yk)) - 0.5)
            parts.append(
                pd.DataFrame(
                    {"outcome": label, "snp": snps, "draw": "permuted", "permutation": k, "distance": permuted}
                )
            )
    if not parts:
        return pd.DataFrame(columns=["outcome", "snp", "draw", "permutation", "distance"])
    return pd.concat(parts, ignore_index=True)


def snp_chance_summary(distances: pd.DataFrame, official: dict | None = OFFICIAL_SNP_AUC) -> pd.DataFrame:
    """Median and largest ``|AUC - 0.5|`` of the SNPs, observed against permuted outcomes, by outcome.

    Parameters
    ----------
    distances : DataFrame
        :func:`snp_auc_against_chance`.
    official : dict, optional
        :data:`OFFICIAL_SNP_AUC`, added as two columns when given.

    Returns
    -------
    DataFrame
        Indexed by outcome: ``median`` and ``max`` of the observed SNPs; ``chance median`` and
        ``chance max`` (averages over the permutations of each permutation's median and
        largest), ``chance max 95 %`` (the largest that 95 % of permutations stay below), and
        ``beyond chance`` (the observed largest above that), then the official figures.
    """
    rows = {}
    for label, part in distances.groupby("outcome", sort=False):
        observed = part.loc[part["draw"] == "observed", "distance"]
        per_perm = part[part["draw"] == "permuted"].groupby("permutation")["distance"].agg(["median", "max"])
        row = {
            "median": observed.median(),
            "max": observed.max(),
            "chance median": per_perm["median"].mean(),
            "chance max": per_perm["max"].mean(),
            "chance max 95 %": per_perm["max"].quantile(0.95),
        }
        row["beyond chance"] = bool(row["max"] > row["chance max 95 %"])
        if official and label in official:
            row["official median"], row["official max"] = official[label]
        rows[label] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("outcome")


def plot_column_aucs(
    intervals: pd.DataFrame, official: dict | None = OFFICIAL_COLUMN_AUC, ax: np.ndarray | None = None
) -> np.ndarray:
    """Dot-and-interval plot of :func:`column_auc_intervals`, one panel per outcome.

    Dots are the AUCs of the data read, bars their bootstrap intervals; crosses, when
    ``official`` is given, the official train file's AUCs as participants measured them; the
    grey line is 0.5 (the column says nothing).
    """
    import matplotlib.pyplot as plt

    columns = list(dict.fromkeys(intervals["column"]))
    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(10, 0.9 + 0.32 * len(columns)), sharey=True)
    y = np.arange(len(columns))[::-1]
    for a, label in zip(ax, OUTCOME_LABELS):
        part = intervals[intervals["outcome"] == label].set_index("column").reindex(columns)
        est = part["auc"].to_numpy(float)
        err = np.clip(
            np.vstack(
                [np.nan_to_num(est - part["low"].to_numpy(float)), np.nan_to_num(part["high"].to_numpy(float) - est)]
            ),
            0,
            None,
        )
        a.errorbar(est, y, xerr=err, fmt="o", capsize=3, color="tab:blue", label="this data (95 % bootstrap)")
        if official:
            k = OUTCOME_LABELS.index(label)
            ref = np.array([official.get(c, (np.nan, np.nan))[k] for c in columns], dtype=float)
            a.plot(ref, y, "x", color="tab:red", ms=7, label="official train file (participants' figure)")
        a.axvline(0.5, color="grey", lw=0.8)
        a.set_xlabel(f"AUC for {label} (0.5: nothing)")
    ax[0].set_yticks(y)
    ax[0].set_yticklabels(columns)
    fig = ax[0].figure
    handles, labels = ax[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    fig.tight_layout(rect=(0, 0.06 if len(columns) > 8 else 0.12, 1, 1))
    return ax


def plot_snp_aucs(distances: pd.DataFrame, ax: np.ndarray | None = None) -> np.ndarray:
    """Histograms of the SNPs' ``|AUC - 0.5|``, observed against permuted outcomes, one panel per outcome."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(10, 3.2), sharey=True)
    bins = np.linspace(0, max(0.12, float(distances["distance"].max()) if len(distances) else 0.12), 25)
    for a, label in zip(ax, OUTCOME_LABELS):
        part = distances[distances["outcome"] == label]
        for draw, colour in (("permuted", "tab:grey"), ("observed", "tab:blue")):
            values = part.loc[part["draw"] == draw, "distance"]
            if len(values):
                a.hist(
                    values,
                    bins=bins,
                    density=True,
                    histtype="step" if draw == "observed" else "stepfilled",
                    alpha=1.0 if draw == "observed" else 0.4,
                    lw=1.5,
                    color=colour,
                    label="the SNPs, this outcome" if draw == "observed" else "the SNPs, permuted outcome (chance)",
                )
        a.set(xlabel=f"|AUC - 0.5| for {label}", title=label)
    ax[0].set_ylabel("density")
    fig = ax[0].figure
    handles, labels = ax[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="lower center", ncol=len(labels), frameon=False
    )  # below the panels, clear of the bars
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return ax


def describe_column_aucs(intervals: pd.DataFrame) -> list[str]:
    """One sentence per outcome, printed from :func:`column_auc_intervals`: what stands out, what does not.

    Names the column farthest from 0.5, the columns whose interval leaves out 0.5 (a signal
    this sample can tell from nothing) and how many do not.
    """
    sentences = []
    for label in OUTCOME_LABELS:
        part = intervals[(intervals["outcome"] == label) & np.isfinite(intervals["auc"])]
        if part.empty:
            sentences.append(f"{label}: no column could be read against this outcome")
            continue
        top = part.loc[(part["auc"] - 0.5).abs().idxmax()]
        clear = part[(part["low"] > 0.5) | (part["high"] < 0.5)]
        shown = ", ".join(f"{r.column} ({r.auc:.3f})" for r in clear.itertuples()) or "none"
        sentences.append(
            f"{label}: farthest from 0.5: {top['column']} (AUC {top['auc']:.3f} "
            f"[{top['low']:.3f}, {top['high']:.3f}]); interval clear of 0.5: {shown}; "
            f"{len(part) - len(clear)} of {len(part)} columns cannot be told from nothing here"
        )
    return sentences
