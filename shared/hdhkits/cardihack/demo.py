"""Plausible Cardi-HACK submissions for ``hdhkits leaderboard cardihack --demo N``.

The field is the kit's own models, fitted on the participant files
(:meth:`~hdhkits.cardihack.problem.CardihackProblem.demo_submissions` calls
:func:`demo_submissions`):

* ``chosen_<severity>+<mace>``: the kit's pair, the SEVERITY and MACE candidates chosen per
  outcome by cross-validation on the train file
  (:class:`~hdhkits.cardihack.pair.BestPerOutcome`, 1 x 5 folds);
* ``<severity>+<mace>``: every other pairing of the three SEVERITY candidates
  (:func:`~hdhkits.cardihack.candidates.severity_candidates`: ``logistic10snps`` the baseline
  logistic regression with 10 screened SNPs, ``shrunk`` the shrunk logistic on age, sex and
  the variant, ``age`` the same on age alone) with the three MACE candidates
  (:func:`~hdhkits.cardihack.candidates.mace_candidates`: ``ordinal`` the baseline ordinal
  model, ``riskscd_score`` the risk score on the HCM Risk-SCD index, ``clinical_score`` the
  clinical risk score), the three pairs of matching candidates (each outcome's first, second,
  third) first;
* ``riskscd_esc_bands``: HCM Risk-SCD as it is, cut into MACE classes by the ESC bands
  (:data:`~hdhkits.cardihack.riskscd.ESC_BANDS`), with the organisers' SEVERITY probability;
* ``organisers_dummy``: the organisers' dummy (no event, the training prevalence);

the leaderboard's demo adds noisy copies of them (:func:`noisy`: the SEVERITY logit
jittered, MACE classes redrawn for a share of patients) and the chosen pair uploaded twice.
On the default twin it takes a few seconds: each candidate is fitted once, and the choice
cross-validates them once.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import clone

from .candidates import (
    MACE_BASELINE,
    MACE_CLINICAL_SCORE,
    MACE_RISK_SCD,
    SEVERITY_AGE,
    SEVERITY_BASELINE,
    SEVERITY_SHRUNK,
    candidates_for,
)
from .metric import DUMMY_SEVERITY
from .pair import BestPerOutcome
from .riskscd import ESC_BANDS, RiskSCDClassifier
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY, TEST_ID, read_test, read_train

__all__ = ["SHORT_NAMES", "demo_submissions", "noisy"]

#: Short names of the candidates, for the submissions' file names (``<severity>+<mace>``).
SHORT_NAMES: dict[str, str] = {
    SEVERITY_BASELINE: "logistic10snps",
    SEVERITY_SHRUNK: "shrunk",
    SEVERITY_AGE: "age",
    MACE_BASELINE: "ordinal",
    MACE_RISK_SCD: "riskscd_score",
    MACE_CLINICAL_SCORE: "clinical_score",
}
#: The pairs of matching candidates: each outcome's baseline, its second and its third candidate.
_WHOLE_PAIRS = (
    (SEVERITY_BASELINE, MACE_BASELINE),
    (SEVERITY_SHRUNK, MACE_RISK_SCD),
    (SEVERITY_AGE, MACE_CLINICAL_SCORE),
)


def _short(name: str) -> str:
    """A candidate's short name; a candidate not in :data:`SHORT_NAMES` (a constant on tiny data) gets a slug."""
    return SHORT_NAMES.get(name) or re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _fitted_predictions(
    train: pd.DataFrame, test: pd.DataFrame, severity_models: dict, mace_models: dict
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each SEVERITY candidate's probabilities and each MACE candidate's classes on the test file."""
    y_severity, y_mace = train[OUTCOME_SEVERITY].to_numpy(int), train[OUTCOME_MACE].to_numpy(int)
    severity = {
        name: clone(model).fit(train, y_severity).predict_proba(test)[:, 1] for name, model in severity_models.items()
    }
    mace = {name: np.asarray(clone(model).fit(train, y_mace).predict(test), int) for name, model in mace_models.items()}
    return severity, mace


def _ordered_pairs(
    severity_names: Iterable[str], mace_names: Collection[str], chosen: tuple[str, str]
) -> list[tuple[str, str]]:
    """Every (SEVERITY, MACE) pair but the chosen one: the pairs of matching candidates first, then the rest."""
    pairs = [(s, m) for s in severity_names for m in mace_names if (s, m) != chosen]
    return sorted(pairs, key=lambda pair: pair not in _WHOLE_PAIRS)  # stable: the rest keeps its order


def noisy(table: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
    """A copy of a submission: SEVERITY logit jittered (sd ``2 level``), MACE redrawn for a share ``level / 2``."""
    out = table.copy()
    p = out[OUTCOME_SEVERITY].clip(0.01, 0.99).to_numpy(float)
    out[OUTCOME_SEVERITY] = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + rng.normal(0, 2 * level, len(out)))))
    redraw = rng.random(len(out)) < level / 2
    out.loc[redraw, OUTCOME_MACE] = rng.integers(0, 3, int(redraw.sum()))
    return out


def demo_submissions(
    data_dir: str | Path, truth: pd.DataFrame, sample: pd.DataFrame, seed: int
) -> dict[str, pd.DataFrame]:
    """The Cardi-HACK submissions of the kit's own models (see the module docstring for the field).

    Parameters
    ----------
    data_dir : str or Path
        The participant files (``train.csv``, ``test.csv``).
    truth : DataFrame
        Unused: every model learns from the train file only.
    sample : DataFrame
        The kit's sample submission for them, the organisers' dummy (its columns, the
        official ones in order, order every table).
    seed : int
        Seed of the models' inner folds and of the choice's folds.

    Returns
    -------
    dict
        Submission tables (``trustii_id, OUTCOME MACE, OUTCOME SEVERITY``) by name.
    """
    train, test = read_train(data_dir, check=False), read_test(data_dir, check=False)
    severity_models, mace_models, _ = candidates_for(train, seed=seed)
    kit_pair = BestPerOutcome(severity_models, mace_models, n_splits=5, n_repeats=1, seed=seed).fit(train)
    chosen = (kit_pair.severity_name_, kit_pair.mace_name_)
    severity, mace = _fitted_predictions(train, test, severity_models, mace_models)
    ids = test[TEST_ID].to_numpy()

    def submission(mace_classes: npt.ArrayLike, severity_probability: npt.ArrayLike) -> pd.DataFrame:
        return pd.DataFrame({TEST_ID: ids, OUTCOME_MACE: mace_classes, OUTCOME_SEVERITY: severity_probability})[
            list(sample.columns)
        ]

    models = {f"chosen_{_short(chosen[0])}+{_short(chosen[1])}": submission(mace[chosen[1]], severity[chosen[0]])}
    pairs = _ordered_pairs(severity, mace, chosen)
    whole = [pair for pair in pairs if pair in _WHOLE_PAIRS]
    for s, m in whole:
        models[f"{_short(s)}+{_short(m)}"] = submission(mace[m], severity[s])
    esc = RiskSCDClassifier(ESC_BANDS).fit(train, train[OUTCOME_MACE].to_numpy(int)).predict(test)
    models["riskscd_esc_bands"] = submission(esc, DUMMY_SEVERITY)
    models["organisers_dummy"] = sample
    for s, m in pairs[len(whole) :]:
        models[f"{_short(s)}+{_short(m)}"] = submission(mace[m], severity[s])
    return models
