"""Per-patient features from the sparse visits: baseline, last, slope, min/max, counts, FIB-4.

Every builder takes the wide table (train or test, official layout) and returns one row
per patient in file order. Target columns are never read: the train file carries them
among its columns, and a feature built from them would leak the answer.

Impossible values. The official files hold a few lab values no assay can give (negative
GGT, slightly negative FibroTest: noise from the organisers' synthesis; ``check`` warns
about them). :func:`build_features` treats every lab or measurement outside its plausible
range (:data:`~hdhkits.annitia.plausibility.PLAUSIBLE_RANGES`, e.g. below 0, FibroTest above 1)
as missing, through :func:`~hdhkits.annitia.plausibility.plausible_values`: a value of -10 IU/L says nothing about the
liver, and clipping it to 0 would invent a very low GGT. Ages are left as they are (they
are the clock of both outcomes).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from .columns import CODE_COLUMNS, TARGETS, VISIT_VARIABLES
from .plausibility import plausible_values
from .visits import to_long

__all__ = [
    "FIB4_CUTS",
    "FIBROSIS_MARKERS",
    "LONGITUDINAL",
    "STIFFNESS_CUTS",
    "add_fibrosis_index",
    "add_visit_scores",
    "build_features",
    "fib4",
    "fib4_class",
    "followup_risk",
    "static_features",
    "visit_summary",
]

#: FIB-4 cut-offs: < 1.3 low, 1.3–2.67 indeterminate, > 2.67 high risk of advanced fibrosis.
FIB4_CUTS = (1.3, 2.67)
#: FibroScan cut-offs (kPa): < 8 rules out, > 12 suggests advanced fibrosis.
STIFFNESS_CUTS = (8.0, 12.0)

#: Fibrosis markers of :func:`add_fibrosis_index`: (scale, centre, spread) putting each on a
#: common z-scale, higher = more fibrosis. Centres and spreads come from the official
#: files' typical ranges (median; (95th − 5th percentile) / 3.29), so nothing is learnt
#: from the data a model is fitted on; platelets fall with fibrosis, hence their sign.
FIBROSIS_MARKERS: dict[str, tuple[str, float, float]] = {
    "fibs_stiffness_med_BM_1": ("log", float(np.log(6.2)), 0.46),
    "aixp_aix_result_BM_3": ("log", float(np.log(6.2)), 0.40),
    "fibrotest_BM_2": ("logit", float(np.log(0.26 / 0.74)), 1.23),
    "plt": ("minus", 239.0, 64.0),
    "ast_alt_ratio": ("log", float(np.log(0.85)), 0.35),
}

#: Variables summarised over visits (visit variables plus the per-visit scores).
LONGITUDINAL = (*(v for v in VISIT_VARIABLES if v != "Age"), "fib4", "ast_alt_ratio")


def fib4(age: npt.ArrayLike, ast: npt.ArrayLike, alt: npt.ArrayLike, plt: npt.ArrayLike) -> np.ndarray:
    """FIB-4 = age × AST / (platelets [10^9/L] × √ALT); NaN where an input is missing or not positive."""
    age, ast, alt, plt = (np.asarray(a, dtype=float) for a in (age, ast, alt, plt))
    ok = (alt > 0) & (plt > 0)
    with np.errstate(all="ignore"):
        return np.where(ok, age * ast / (plt * np.sqrt(alt)), np.nan)


def fib4_class(values: npt.ArrayLike) -> np.ndarray:
    """0 low (< 1.3), 1 indeterminate, 2 high (> 2.67); NaN stays NaN."""
    values = np.asarray(values, dtype=float)
    cls = np.where(values < FIB4_CUTS[0], 0.0, np.where(values > FIB4_CUTS[1], 2.0, 1.0))
    return np.where(np.isnan(values), np.nan, cls)


def add_visit_scores(long: pd.DataFrame) -> pd.DataFrame:
    """Add per-visit ``fib4`` and ``ast_alt_ratio`` to a long table (a copy)."""
    long = long.copy()
    long["fib4"] = fib4(long["Age"], long["ast"], long["alt"], long["plt"])
    with np.errstate(all="ignore"):
        long["ast_alt_ratio"] = np.where(long["alt"] > 0, long["ast"] / long["alt"], np.nan)
    return long


def static_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Static columns as numbers a model can use.

    ``male``; for each 0/1/2 code: ``<code>_1``, ``<code>_2`` and ``<code>_missing``
    (missingness differs between train and test, so it is made explicit);
    ``bariatric_before_v1``.
    """
    out = pd.DataFrame(index=frame.index)
    gender = pd.to_numeric(frame["gender"], errors="coerce")
    out["male"] = (gender == 1).astype(float).where(gender.notna())
    for col in CODE_COLUMNS:
        v = pd.to_numeric(frame[col], errors="coerce")
        out[f"{col}_1"] = (v == 1).astype(float)
        out[f"{col}_2"] = (v == 2).astype(float)
        out[f"{col}_missing"] = v.isna().astype(float)
    surgery_age = pd.to_numeric(frame["bariatric_surgery_age"], errors="coerce")
    out["bariatric_before_v1"] = (surgery_age <= pd.to_numeric(frame["Age_v1"], errors="coerce")).astype(float)
    return out.reset_index(drop=True)


def visit_summary(long: pd.DataFrame, variable: str, n_rows: int) -> pd.DataFrame:
    """Baseline, last, min, max, slope per year and number of measurements of one variable.

    Parameters
    ----------
    long : DataFrame
        From :func:`hdhkits.annitia.visits.to_long` (with :func:`add_visit_scores`), sorted by
        ``row`` and ``visit``.
    variable : str
        Column of ``long``.
    n_rows : int
        Number of patients (rows of the wide table).

    Returns
    -------
    DataFrame
        ``n_rows`` rows; columns ``<variable>_{first,last,min,max,slope,n}``. Patients
        with no measurement get NaN (``_n`` = 0); the slope needs two distinct ages.
    """
    sub = long.loc[long[variable].notna(), ["row", "Age", variable]]
    g = sub.groupby("row", sort=True)[variable]
    out = pd.DataFrame(index=pd.RangeIndex(n_rows))
    out[f"{variable}_first"] = g.first()
    out[f"{variable}_last"] = g.last()
    out[f"{variable}_min"] = g.min()
    out[f"{variable}_max"] = g.max()
    # Least-squares slope per year from sums, vectorised over patients.
    xy = sub.dropna(subset=["Age"])
    x, y = xy["Age"].to_numpy(float), xy[variable].to_numpy(float)
    sums = pd.DataFrame({"row": xy["row"].to_numpy(), "n": 1.0, "x": x, "y": y, "xx": x * x, "xy": x * y})
    s = sums.groupby("row").sum()
    var_x = s["xx"] - s["x"] ** 2 / s["n"]
    cov = s["xy"] - s["x"] * s["y"] / s["n"]
    slope = (cov / var_x).where(var_x > 1e-9)
    out[f"{variable}_slope"] = slope
    out[f"{variable}_n"] = g.size()
    out[f"{variable}_n"] = out[f"{variable}_n"].fillna(0.0)
    return out


def build_features(frame: pd.DataFrame) -> pd.DataFrame:
    """All engineered features of a wide table, one row per patient in file order.

    Parameters
    ----------
    frame : DataFrame
        ``train.csv`` or ``val_test.csv`` as read (official layout). Target columns, if
        present, are ignored. Labs and measurements outside their plausible range
        (negative GGT, FibroTest below 0 …) are treated as missing
        (:func:`~hdhkits.annitia.plausibility.plausible_values`).

    Returns
    -------
    DataFrame
        Statics (:func:`static_features`); ``age_first``, ``age_last``,
        ``followup_years``, ``n_visits``; for every variable of :data:`LONGITUDINAL`
        the summaries of :func:`visit_summary`; FIB-4 and FibroScan classes at the last
        measurement (``fib4_last_class``, ``stiffness_ge8``, ``stiffness_ge12``).
    """
    frame = frame.drop(columns=[c for c in TARGETS if c in frame.columns]).reset_index(drop=True)
    frame = plausible_values(frame)
    n = len(frame)
    long = add_visit_scores(to_long(frame))
    out = static_features(frame)
    ages = long.dropna(subset=["Age"]).groupby("row")["Age"]
    out["age_first"] = pd.to_numeric(frame["Age_v1"], errors="coerce")
    out["age_last"] = ages.max().reindex(range(n))
    out["followup_years"] = out["age_last"] - out["age_first"]
    out["n_visits"] = long.groupby("row").size().reindex(range(n)).fillna(0.0)
    summaries = [visit_summary(long, var, n) for var in LONGITUDINAL]
    out = pd.concat([out, *summaries], axis=1)
    out["fib4_last_class"] = fib4_class(out["fib4_last"])
    stiffness = out["fibs_stiffness_med_BM_1_last"]
    out["stiffness_ge8"] = (stiffness >= STIFFNESS_CUTS[0]).astype(float).where(stiffness.notna())
    out["stiffness_ge12"] = (stiffness >= STIFFNESS_CUTS[1]).astype(float).where(stiffness.notna())
    return out


def followup_risk(X: pd.DataFrame) -> np.ndarray:
    """The follow-up shortcut as a risk: minus each patient's follow-up years (shorter: riskier).

    Not medicine: patients who die stop coming, so a short record ranks deaths (the trap of
    ``01_exploration``); a patient with no follow-up figure gets the median.

    Parameters
    ----------
    X : DataFrame
        :func:`build_features` of a file (its ``followup_years``).

    Returns
    -------
    array of shape (n,)
    """
    followup = pd.to_numeric(X["followup_years"], errors="coerce")
    median = followup.median() if followup.notna().any() else 0.0  # no figure at all: 0 for everyone
    return -followup.fillna(median).to_numpy(float)


def _marker_z(marker: str, values: pd.Series) -> pd.Series:
    scale, centre, spread = FIBROSIS_MARKERS[marker]
    x = pd.to_numeric(values, errors="coerce").to_numpy(float)
    # On the values, not the Series: the same numbers, and numpy's ufuncs are typed for arrays.
    if scale == "log":
        x = np.log(np.where(x > 0, x, np.nan))
    elif scale == "logit":
        p = np.clip(x, 0.01, 0.99)
        x = np.log(p / (1 - p))
    else:
        x = -x
        centre = -centre
    return pd.Series((x - centre) / spread, index=values.index, name=values.name)


def add_fibrosis_index(X: pd.DataFrame) -> pd.DataFrame:
    """``X`` (from :func:`build_features`) with a composite fibrosis index added (a copy).

    Within a patient the markers vary from visit to visit (FibroScan by 1.4 kPa, the
    median within-patient SD in the official train file) and each visit measures only
    some of them, so one value of one marker says little. This puts the fibrosis markers
    (:data:`FIBROSIS_MARKERS`: FibroScan, Aixplorer, FibroTest, platelets, AST/ALT) on a
    common scale and averages the ones a patient has:

    * ``<marker>_mid``: mean of the marker's first, last, min and max (the centre of the
      patient's values; their mean when measured once or twice);
    * ``fibrosis_index_first``, ``_last``, ``_mid``: mean z-score of the available
      markers' first, last and mid values; ``fibrosis_index_max``: of their most
      fibrotic values (max, min for platelets). NaN when no marker was measured.

    ``fibrosis_index_first`` reads first values only (the clinical model's family); the
    others read later visits. ``X`` itself is not changed; already present columns are
    recomputed.
    """
    X = X.copy()
    for marker in FIBROSIS_MARKERS:
        X[f"{marker}_mid"] = X[[f"{marker}_{s}" for s in ("first", "last", "min", "max")]].mean(axis=1)
    for stat in ("first", "last", "mid"):
        z = pd.concat([_marker_z(m, X[f"{m}_{stat}"]) for m in FIBROSIS_MARKERS], axis=1)
        X[f"fibrosis_index_{stat}"] = z.mean(axis=1)
    worst = pd.concat([_marker_z(m, X[f"{m}_{'min' if m == 'plt' else 'max'}"]) for m in FIBROSIS_MARKERS], axis=1)
    X["fibrosis_index_max"] = worst.mean(axis=1)
    return X
