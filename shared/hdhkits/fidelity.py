"""How far a synthetic twin is from the official files: the figures of a fidelity check.

``benchmarks/bench_twins.py --real DIR`` prints them for a kit's twins against a
participant's copy of the official files (the tables come from
:meth:`hdhkits.problem.Problem.fidelity_table` and
:meth:`~hdhkits.problem.Problem.signal_table`):

- :func:`adversarial_auc`: how well a gradient-boosting classifier tells twin rows from
  official rows (0.5: it cannot; 1.0: every row gives the twin away), and
  :func:`group_aucs`, the same on each group of columns alone, to find what gives it away;
- :func:`column_gaps`: per column, the gap in the share of missing values and the
  distance between the two distributions (Kolmogorov-Smirnov for numbers, total
  variation for codes: SDMetrics' ``KSComplement`` and ``TVComplement``, one minus them);
- :func:`pair_gaps` and :func:`pair_summary`: how far each pair's correlation is from
  the official one (SDMetrics' ``CorrelationSimilarity`` formula, over every pair at once);
- :func:`signal_gaps`: the gap in each variable's signal alone per outcome.

SDMetrics is a development dependency (the ``test`` extra), imported only by
:func:`column_gaps`: the kits never need it, and this module imports without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from .evaluation import out_of_fold

__all__ = [
    "CODE_LEVELS",
    "MAX_CATEGORIES",
    "SDMETRICS_EXTRA",
    "SignalGaps",
    "adversarial_auc",
    "column_gaps",
    "column_groups",
    "comparable_columns",
    "group_aucs",
    "pair_gaps",
    "pair_summary",
    "signal_gaps",
]

#: The extra that installs SDMetrics, and how, for the sentence of a missing install.
SDMETRICS_EXTRA = "the test extra (python3 bootstrap.py setup installs it; or pip install -e '.[test]')"
#: Text columns with more distinct values than this are names or free text, left out of
#: every figure (and the most categories a gradient-boosting split takes).
MAX_CATEGORIES = 255
#: A numeric column with at most this many distinct values is compared as codes (total
#: variation), not as numbers (Kolmogorov-Smirnov).
CODE_LEVELS = 10
#: A column name's visit or position suffix (``Age_v3``, ``SNP12``), stripped to group columns.
_SUFFIX = re.compile(r"(?:_v\d+|(?<=[A-Za-z])\d+)$")


def _is_text(column: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column))


def comparable_columns(twin: pd.DataFrame, real: pd.DataFrame) -> list[str]:
    """The columns both tables hold, in ``real``'s order, without empty ones, names and free text.

    A column with no value in either table has nothing to compare. A text column with more than :data:`MAX_CATEGORIES` distinct values over both tables
    (an image name, an identifier read as text) has no distribution to compare: a twin's
    names are never the official ones.

    Parameters
    ----------
    twin, real : DataFrame
        The twin's table and the official one.

    Returns
    -------
    list of str
    """
    shared = [c for c in real.columns if c in twin.columns and (real[c].notna().any() or twin[c].notna().any())]
    return [
        c
        for c in shared
        if not (_is_text(real[c]) or _is_text(twin[c]))
        or pd.concat([real[c], twin[c]]).nunique(dropna=True) <= MAX_CATEGORIES
    ]


def _design(twin: pd.DataFrame, real: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of both tables stacked (twin label 1), text columns as pandas categories, NaN kept."""
    both = pd.concat([twin[columns], real[columns]], ignore_index=True)
    for column in columns:
        if _is_text(both[column]):
            both[column] = both[column].astype("string").astype("category")
        else:
            both[column] = both[column].astype(float)
    labels = np.r_[np.ones(len(twin), dtype=int), np.zeros(len(real), dtype=int)]
    return both, labels


def adversarial_auc(
    twin: pd.DataFrame, real: pd.DataFrame, seed: int = 0, n_splits: int = 5, columns: list[str] | None = None
) -> float:
    """How well a classifier tells twin rows from official rows: the cross-validated ROC AUC.

    A gradient-boosting classifier (scikit-learn's ``HistGradientBoostingClassifier``)
    learns to label each row twin (1) or official (0) on the columns both tables hold;
    missing values stay missing (which values are missing together is part of what tells
    two files apart) and text columns are categories. Its out-of-fold probabilities
    over stratified folds give the AUC: about 0.5 when the twin's rows pass for official
    ones, 1.0 when every row gives the twin away. Only the order of the labels matters,
    so tables of different lengths compare fairly.

    Parameters
    ----------
    twin, real : DataFrame
        The twin's table and the official one (:meth:`hdhkits.problem.Problem.fidelity_table`).
    seed : int
        Seed of the folds and of the classifier.
    n_splits : int
        Number of stratified folds.
    columns : list of str, optional
        Compare on these columns only (default: :func:`comparable_columns`).

    Returns
    -------
    float
        The AUC, between 0 and 1.

    Raises
    ------
    ValueError
        No column to compare, or a table with fewer rows than folds.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    columns = comparable_columns(twin, real) if columns is None else list(columns)
    if not columns:
        raise ValueError("the two tables share no column to compare; pass tables of the same file")
    if min(len(twin), len(real)) < n_splits:
        raise ValueError(f"each table needs at least {n_splits} rows (one per fold), not {len(twin)} and {len(real)}")
    X, y = _design(twin, real, columns)
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(X, y)
    # One OpenMP thread: on a busy two-core machine the booster's threads wait on each
    # other (a fit on ANNITIA's table took 11 times longer with two than with one).
    with threadpool_limits(1, user_api="openmp"):
        scores = out_of_fold(model, X, y, folds, method=lambda fitted, rows: fitted.predict_proba(rows)[:, 1])
    return float(roc_auc_score(y, scores))


def column_groups(columns: list[str]) -> dict[str, list[str]]:
    """Columns grouped by name without their visit or position suffix, in first-seen order.

    ``Age_v1 … Age_v22`` make the group ``Age``, ``SNP1 … SNP288`` the group ``SNP``; a
    column without such a suffix (``gender``, ``BMI``) is a group of its own.

    Parameters
    ----------
    columns : list of str

    Returns
    -------
    dict
        ``{group: [columns]}``.
    """
    groups: dict[str, list[str]] = {}
    for column in columns:
        groups.setdefault(_SUFFIX.sub("", str(column)) or str(column), []).append(column)
    return groups


def group_aucs(
    twin: pd.DataFrame,
    real: pd.DataFrame,
    groups: dict[str, list[str]] | None = None,
    seed: int = 0,
    n_splits: int = 5,
) -> pd.DataFrame:
    """:func:`adversarial_auc` on each group of columns alone: what gives the twin away.

    Parameters
    ----------
    twin, real : DataFrame
        The twin's table and the official one.
    groups : dict, optional
        ``{name: [columns]}``; default :func:`column_groups` of :func:`comparable_columns`.
        Columns a table lacks are left out of their group; an empty group is skipped.
    seed, n_splits : int
        As for :func:`adversarial_auc`.

    Returns
    -------
    DataFrame
        Columns ``group, columns, auc`` (``columns``: how many), highest AUC first.
    """
    comparable = comparable_columns(twin, real)
    if groups is None:
        groups = column_groups(comparable)
    rows = []
    for name, members in groups.items():
        kept = [c for c in members if c in comparable]
        if kept:
            rows.append((name, len(kept), adversarial_auc(twin, real, seed, n_splits, columns=kept)))
    table = pd.DataFrame(rows, columns=["group", "columns", "auc"])
    return table.sort_values("auc", ascending=False, kind="stable", ignore_index=True)


def _sdmetrics_single_column() -> Any:
    """SDMetrics' single-column metrics, or an ImportError that says how to install them."""
    try:
        from sdmetrics import single_column
    except ImportError as exc:
        raise ImportError(
            "the column shapes of hdhkits.fidelity come from SDMetrics, a development dependency "
            f"the kits do not need; install {SDMETRICS_EXTRA}"
        ) from exc
    return single_column


def _is_codes(twin: pd.Series, real: pd.Series) -> bool:
    if _is_text(twin) or _is_text(real):
        return True
    values = pd.concat([twin, real]).dropna().astype(float)
    return values.nunique() <= CODE_LEVELS and bool((values == values.round()).all())


def column_gaps(twin: pd.DataFrame, real: pd.DataFrame, min_values: int = 100) -> pd.DataFrame:
    """Per column: how much more often the twin misses it, and how far its distribution is.

    The shape distance compares the values present in each table: the
    Kolmogorov-Smirnov statistic for numbers, the total variation distance for codes
    (text columns, and whole numbers with at most :data:`CODE_LEVELS` distinct values);
    both are one minus SDMetrics' ``KSComplement`` and ``TVComplement``, 0 for the same
    distribution, 1 for disjoint ones. It is NaN when a table holds fewer than
    ``min_values`` values there (a late visit few patients reach): between two tables
    of 50 values drawn alike, the KS distance exceeds 0.2 one time in six.

    Parameters
    ----------
    twin, real : DataFrame
        The twin's table and the official one (columns of :func:`comparable_columns`).
    min_values : int
        Fewest values present in each table for the shape distance.

    Returns
    -------
    DataFrame
        Columns ``column, kind`` (``"numbers"`` or ``"codes"``), ``missing_twin,
        missing_real`` (shares of missing values), ``missing_gap`` (twin minus official),
        ``shape`` (the distance) and ``gap`` (the larger of ``|missing_gap|`` and
        ``shape``), largest ``gap`` first.

    Raises
    ------
    ImportError
        SDMetrics is not installed (the sentence names the extra that installs it).
    """
    metrics = _sdmetrics_single_column()
    rows = []
    for column in comparable_columns(twin, real):
        a, b = twin[column], real[column]
        codes = _is_codes(a, b)
        present_a, present_b = a.dropna(), b.dropna()
        shape = np.nan
        if min(len(present_a), len(present_b)) >= max(min_values, 1):
            metric = metrics.TVComplement if codes else metrics.KSComplement
            values = (present_b.astype(str), present_a.astype(str)) if codes else (present_b, present_a)
            shape = 1.0 - float(metric.compute(*values))  # SDMetrics takes (real, synthetic)
        missing_a, missing_b = float(a.isna().mean()), float(b.isna().mean())
        kind = "codes" if codes else "numbers"
        rows.append((column, kind, missing_a, missing_b, missing_a - missing_b, shape))
    table = pd.DataFrame(rows, columns=["column", "kind", "missing_twin", "missing_real", "missing_gap", "shape"])
    table["gap"] = np.fmax(table["missing_gap"].abs(), table["shape"])
    return table.sort_values("gap", ascending=False, kind="stable", ignore_index=True)


def pair_gaps(twin: pd.DataFrame, real: pd.DataFrame, min_rows: int = 100) -> pd.DataFrame:
    """How far each pair of columns correlates in the twin from how it does officially.

    Pearson's correlation of every pair of numeric columns (codes as their numbers), on
    the rows where both are present, in each table: what SDMetrics'
    ``CorrelationSimilarity`` computes one pair at a time (its score is ``1 - gap / 2``),
    here over every pair at once. A pair is left out when a table has fewer than
    ``min_rows`` rows with both values, or one of them constant there: a correlation on
    30 rows is known to about 0.2 either way, and hundreds of such pairs (late visits)
    would drown the pairs most rows hold.

    Parameters
    ----------
    twin, real : DataFrame
        The twin's table and the official one.
    min_rows : int
        Fewest rows with both values, in each table, for a pair to count.

    Returns
    -------
    DataFrame
        Columns ``column_a, column_b, r_twin, r_real, gap`` (``|r_twin - r_real|``),
        largest gap first.
    """
    numeric = [c for c in comparable_columns(twin, real) if not (_is_text(twin[c]) or _is_text(real[c]))]
    r_twin = twin[numeric].astype(float).corr(min_periods=min_rows).to_numpy()
    r_real = real[numeric].astype(float).corr(min_periods=min_rows).to_numpy()
    upper_a, upper_b = np.triu_indices(len(numeric), k=1)
    table = pd.DataFrame(
        {
            "column_a": np.asarray(numeric, dtype=object)[upper_a],
            "column_b": np.asarray(numeric, dtype=object)[upper_b],
            "r_twin": r_twin[upper_a, upper_b],
            "r_real": r_real[upper_a, upper_b],
        }
    ).dropna(subset=["r_twin", "r_real"])
    table["gap"] = (table["r_twin"] - table["r_real"]).abs()
    return table.sort_values("gap", ascending=False, kind="stable", ignore_index=True)


def pair_summary(pairs: pd.DataFrame, threshold: float = 0.1) -> dict[str, float]:
    """The figures of :func:`pair_gaps`' table in a few numbers.

    Parameters
    ----------
    pairs : DataFrame
        :func:`pair_gaps`' result.
    threshold : float
        A pair whose correlation is further than this from the official one counts as off.

    Returns
    -------
    dict
        ``pairs`` (how many), ``mean_gap``, ``max_gap``, ``share_off`` (share of pairs
        beyond ``threshold``) and ``similarity`` (the mean of SDMetrics'
        ``CorrelationSimilarity``, ``1 - mean_gap / 2``); NaN figures without pairs.
    """
    gaps = pairs["gap"].to_numpy(dtype=float)
    if not len(gaps):
        return {"pairs": 0.0, "mean_gap": np.nan, "max_gap": np.nan, "share_off": np.nan, "similarity": np.nan}
    mean = float(gaps.mean())
    return {
        "pairs": float(len(gaps)),
        "mean_gap": mean,
        "max_gap": float(gaps.max()),
        "share_off": float((gaps > threshold).mean()),
        "similarity": 1.0 - mean / 2.0,
    }


@dataclass(frozen=True)
class SignalGaps:
    """The gaps between two signal tables (:func:`signal_gaps`).

    Parameters
    ----------
    rows : DataFrame
        ``variable, endpoint, value_twin, value_real, gap`` (``|value_twin -
        value_real|``), the rows both tables hold, largest gap first.
    mean, max : float
        Mean and largest gap over ``rows`` (NaN without rows).
    unmatched : int
        Rows of the official table the twin's table lacks (or holds without a value).
    """

    rows: pd.DataFrame
    mean: float
    max: float
    unmatched: int


def signal_gaps(twin_signal: pd.DataFrame, real_signal: pd.DataFrame) -> SignalGaps:
    """How far each variable's signal alone on the twin is from the official one.

    Parameters
    ----------
    twin_signal, real_signal : DataFrame
        Columns ``variable, endpoint, value`` (:meth:`hdhkits.problem.Problem.signal_table`):
        e.g. each variable's Harrell's C alone for each outcome.

    Returns
    -------
    SignalGaps
        The rows joined on ``variable, endpoint``, with the mean and largest gap.

    Raises
    ------
    ValueError
        A table lacks one of the three columns, or holds a (variable, endpoint) twice.
    """
    keys = ["variable", "endpoint"]
    for name, table in (("twin_signal", twin_signal), ("real_signal", real_signal)):
        lacking = [c for c in [*keys, "value"] if c not in table.columns]
        if lacking:
            raise ValueError(
                f"{name} lacks the columns {lacking}; a signal table has columns variable, endpoint, value"
            )
        if table.duplicated(keys).any():
            raise ValueError(f"{name} holds a (variable, endpoint) more than once; give one value per pair")
    joined = real_signal[[*keys, "value"]].merge(
        twin_signal[[*keys, "value"]], on=keys, how="left", suffixes=("_real", "_twin")
    )
    matched = joined.dropna(subset=["value_real", "value_twin"])
    rows = matched[[*keys, "value_twin", "value_real"]].assign(
        gap=(matched["value_twin"] - matched["value_real"]).abs()
    )
    rows = rows.sort_values("gap", ascending=False, kind="stable", ignore_index=True)
    gaps = rows["gap"].to_numpy(dtype=float)
    mean, largest = (float(gaps.mean()), float(gaps.max())) if len(gaps) else (np.nan, np.nan)
    unmatched = int(joined["value_real"].notna().sum() - len(matched))
    return SignalGaps(rows, mean, largest, unmatched)
