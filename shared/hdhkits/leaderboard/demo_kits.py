"""Plausible submissions for the leaderboard demo, one builder per kit.

Each builder returns named submission tables for a twin: simple models trained here, with
scikit-learn, on the twin's public files at several settings, the kit's sample submission
(the organisers' kind of dummy), and noisy copies of the models' outputs, so the ranking
holds clear gaps, close calls and an exact duplicate. They rely on the kits' stable
surface only: ``Problem.sample_submission`` for the file layout, the official file and
column names, ANNITIA's :func:`hdhkits.annitia.data.survival_targets` (the organisers'
event times, which the metric uses too) and, for CYTOLOGIA, whose image models are too
slow for a demo, the twin's truth.

The models are deliberately generic and are not the kits' baselines: the demo shows
what the leaderboard does with a field of submissions, not how good a kit's model is.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ..problem import Problem

__all__ = ["Builder", "BUILDERS", "fill_to", "cardihack_submissions", "annitia_submissions",
           "cytologia_submissions"]

#: ``builder(problem, data_dir, truth, n, seed) -> {name: submission table}``.
Builder = Callable[[Problem, Path, pd.DataFrame, int, int], dict[str, pd.DataFrame]]


def _linear(C: float, balanced: bool = False):
    return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                         LogisticRegression(C=C, max_iter=2000, class_weight="balanced" if balanced else None))


def _top_columns(X: pd.DataFrame, y: np.ndarray, k: int) -> list[str]:
    """The ``k`` columns most correlated (in absolute value) with ``y`` on the training rows."""
    if k <= 0:
        return []
    values = X.fillna(X.median()).to_numpy(float)
    centred = values - values.mean(0)
    target = np.asarray(y, float) - np.mean(y)
    norms = np.sqrt((centred ** 2).sum(0) * (target ** 2).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.where(norms > 0, np.abs(centred.T @ target) / norms, 0.0)
    return [X.columns[i] for i in np.argsort(-corr, kind="stable")[:k]]


def fill_to(models: dict[str, pd.DataFrame], n: int, noisy: Callable[[pd.DataFrame, float, np.random.Generator],
            pd.DataFrame], seed: int) -> dict[str, pd.DataFrame]:
    """``n`` submissions: the models first, then noisy copies of them, and one exact duplicate.

    Parameters
    ----------
    models : dict
        Named submissions, best-informed first.
    n : int
        How many to return.
    noisy : callable
        ``noisy(table, level, rng)``: a copy with noise of strength ``level`` (0 to 1).
    seed : int
        Seed of the noise.
    """
    rng = np.random.default_rng([seed, 17])
    out = dict(list(models.items())[:n])
    names = list(models)
    k = 0
    while len(out) < n:
        if len(out) == n - 1 and n >= 4:  # a team that uploaded the same file twice: a tie
            out[f"{names[0]}_resubmitted"] = models[names[0]].copy()
            break
        base = names[k % len(names)]
        level = 0.15 + 0.7 * rng.random()
        out[f"{base}_noisy{k + 1:02d}"] = noisy(models[base], level, rng)
        k += 1
    return out


def _cardihack_features(frame: pd.DataFrame) -> pd.DataFrame:
    X = frame.drop(columns=[c for c in ("ID", "trustii_id", "OUTCOME SEVERITY", "OUTCOME MACE") if c in frame])
    X = X.apply(pd.to_numeric, errors="coerce")
    if "Age_Diag" in X:
        X["Age_Diag"] = X["Age_Diag"].mask(X["Age_Diag"] == 0)  # 0.0 codes an unknown age at diagnosis
    return X


def cardihack_submissions(problem: Problem, data_dir: Path, truth: pd.DataFrame, n: int,
                          seed: int) -> dict[str, pd.DataFrame]:
    """Logistic models of SEVERITY (age, sex, top SNPs) and MACE (clinical, top SNPs) at several settings."""
    train = pd.read_csv(Path(data_dir) / "train.csv")
    test = pd.read_csv(Path(data_dir) / "test.csv")
    sample = problem.sample_submission(data_dir)
    id_col, mace_col, sev_col = sample.columns
    X, X_test = _cardihack_features(train), _cardihack_features(test)
    severity, mace = train[sev_col].to_numpy(int), train[mace_col].to_numpy(int)
    snps = [c for c in X if c.startswith("SNP")]
    clinical = [c for c in X if c not in snps]
    models = {"organisers_dummy": sample}
    for C, k_sev, k_mace in ((0.1, 10, 5), (1.0, 0, 0), (0.01, 30, 10), (1.0, 60, 40)):
        sev_cols = ["Age_Baseline", "Genre"] + _top_columns(X[snps], severity, k_sev)
        mace_cols = clinical + _top_columns(X[snps], (mace > 0).astype(int), max(k_mace, 1))
        p = _linear(C).fit(X[sev_cols], severity).predict_proba(X_test[sev_cols])[:, 1]
        q = _linear(C, balanced=True).fit(X[mace_cols], mace).predict(X_test[mace_cols])
        models[f"logistic_C{C:g}_snps{k_sev}"] = pd.DataFrame({id_col: test[id_col], mace_col: q, sev_col: p})

    def noisy(table: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
        out = table.copy()
        logit = np.log(out[sev_col].clip(0.01, 0.99) / (1 - out[sev_col].clip(0.01, 0.99)))
        out[sev_col] = 1 / (1 + np.exp(-(logit + rng.normal(0, 2 * level, len(out)))))
        flip = rng.random(len(out)) < level / 2
        out.loc[flip, mace_col] = rng.integers(0, 3, int(flip.sum()))
        return out

    return fill_to(models, n, noisy, seed)


_VISIT = re.compile(r"^(?P<var>.+)_v(?P<k>\d+)$")


def _annitia_features(frame: pd.DataFrame) -> pd.DataFrame:
    """First and last value of every visit variable, follow-up length, visits, and the static columns."""
    groups: dict[str, list[str]] = {}
    for c in frame.columns:
        m = _VISIT.match(str(c))
        if m:
            groups.setdefault(m["var"], []).append(c)
    out = {}
    for var, cols in groups.items():
        values = frame[sorted(cols, key=lambda c: int(_VISIT.match(c)["k"]))].apply(pd.to_numeric, errors="coerce")
        out[f"{var}_first"] = values.bfill(axis=1).iloc[:, 0]
        out[f"{var}_last"] = values.ffill(axis=1).iloc[:, -1]
    ages = frame[sorted(groups.get("Age", []), key=lambda c: int(_VISIT.match(c)["k"]))]
    out["followup"] = ages.max(axis=1) - ages.iloc[:, 0]
    out["visits"] = ages.notna().sum(axis=1)
    static = ["gender", "T2DM", "Hypertension", "Dyslipidaemia", "bariatric_surgery"]
    out.update({c: pd.to_numeric(frame[c], errors="coerce") for c in static if c in frame})
    return pd.DataFrame(out)


def _exposure_model(model, X: pd.DataFrame, event: np.ndarray, time: np.ndarray):
    """An exponential (constant hazard) survival model as a Poisson regression of event / time weighted by time."""
    step = model.steps[-1][0]
    with np.errstate(over="ignore"):  # the solver's line search tries steps whose exp overflows; it backs off
        return model.fit(X, event / time, **{f"{step}__sample_weight": time})


def annitia_submissions(problem: Problem, data_dir: Path, truth: pd.DataFrame, n: int,
                        seed: int) -> dict[str, pd.DataFrame]:
    """Exponential survival models (Poisson regressions on the first/last visit values) at several penalties.

    A patient's events are counted against the years they were followed (time from the
    first visit to the event or the last visit, the organisers' definition), so the
    models rank by hazard, as the C-index asks. Also: age at the first visit (the kit's
    sample submission) and the follow-up length alone (short follow-up, high risk).
    """
    from ..annitia.data import survival_targets  # the kits import lazily: a demo of one kit loads only that kit

    train = pd.read_csv(Path(data_dir) / "train.csv")
    test_file = Path(data_dir) / "val_test.csv"
    test = pd.read_csv(test_file if test_file.exists() else Path(data_dir) / "test.csv")
    sample = problem.sample_submission(data_dir)
    id_col, hep_col, death_col = sample.columns
    X, X_test = _annitia_features(train), _annitia_features(test)
    X_test = X_test.reindex(columns=X.columns)
    y = survival_targets(train)
    known = y.death_known
    def exponential(alpha: float):
        return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                             PoissonRegressor(alpha=alpha, max_iter=1000))

    last = [c for c in X.columns if not c.endswith("_first")]
    makers = {"exponential_alpha0.01": (lambda: exponential(0.01), list(X.columns)),
              "exponential_last_values": (lambda: exponential(0.01), last),
              "exponential_alpha0.1": (lambda: exponential(0.1), list(X.columns)),
              "exponential_alpha1": (lambda: exponential(1.0), list(X.columns))}
    models = {}
    for name, (make, cols) in makers.items():
        with np.errstate(over="ignore"):  # an extreme test value can overflow exp: the log-hazard ranks the same
            risk_h = np.log(_exposure_model(make(), X[cols], y.hepatic_event, y.hepatic_time).predict(X_test[cols]))
            risk_d = np.log(_exposure_model(make(), X.loc[known, cols], y.death_event[known], y.death_time[known])
                            .predict(X_test[cols]))
        risk_h, risk_d = (np.nan_to_num(r, posinf=np.finfo(float).max) for r in (risk_h, risk_d))
        models[name] = pd.DataFrame({id_col: test[id_col], hep_col: risk_h, death_col: risk_d})
    short = -X_test["followup"].fillna(0).to_numpy(float)
    models["followup_only"] = pd.DataFrame({id_col: test[id_col], hep_col: short, death_col: short})
    models["age_at_first_visit"] = sample

    def noisy(table: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
        out = table.copy()
        for col in (hep_col, death_col):
            rank = out[col].rank(pct=True).to_numpy()
            out[col] = rank + rng.normal(0, 0.6 * level, len(out))
        return out

    return fill_to(models, n, noisy, seed)


def cytologia_submissions(problem: Problem, data_dir: Path, truth: pd.DataFrame, n: int,
                          seed: int) -> dict[str, pd.DataFrame]:
    """The sample submission, and simulated teams: the truth with jittered boxes and swapped classes.

    Image models are minutes of CPU; a demo of the leaderboard needs a field of
    submissions in seconds, so the teams are simulated from the twin's truth at several
    error rates (named ``simulated_<class error %>pct``), plus the kit's sample submission.
    """
    sample = problem.sample_submission(data_dir)
    classes = np.unique(pd.read_csv(Path(data_dir) / "train.csv", usecols=["class"])["class"].astype(str))
    base = truth[list(sample.columns)].copy()
    rng = np.random.default_rng([seed, 3])

    def noisy(table: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
        out = table.copy()
        box = out[["x1", "y1", "x2", "y2"]].to_numpy(float) + rng.normal(0, 30 * level, (len(out), 4)).round()
        box[:, 2] = np.maximum(box[:, 2], box[:, 0] + 2)
        box[:, 3] = np.maximum(box[:, 3], box[:, 1] + 2)
        out[["x1", "y1", "x2", "y2"]] = box
        swap = rng.random(len(out)) < level
        out.loc[swap, "class"] = rng.choice(classes, int(swap.sum()))
        return out

    models = {f"simulated_{round(100 * e):02d}pct": noisy(base, e, rng) for e in (0.06, 0.1, 0.18, 0.3, 0.5)}
    models["sample_submission"] = sample
    return fill_to(models, n, noisy, seed)


#: The demo's submission builder of each kit.
BUILDERS: dict[str, Builder] = {"cardihack": cardihack_submissions, "annitia": annitia_submissions,
                                "cytologia": cytologia_submissions}
