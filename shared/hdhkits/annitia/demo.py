"""Plausible ANNITIA submissions for ``hdhkits leaderboard annitia --demo N``.

The field is the kit's own models, fitted on the participant files
(:meth:`~hdhkits.annitia.problem.AnnitiaProblem.demo_submissions` calls
:func:`demo_submissions`), on the features of :func:`~hdhkits.annitia.features.build_features`:

* ``leaderboard_model``: :func:`~hdhkits.annitia.models.make_leaderboard_model`, the rank
  blend that reads every feature family, the follow-up window included;
* ``ridge_cox_<penalty>``: the baseline ridge Cox (:class:`~hdhkits.annitia.baselines.CoxModel`
  in a :class:`~hdhkits.annitia.baselines.TwoOutcomeModel`) at the kit's penalty 0.1, and at
  0.01 and 1;
* ``clinical_model``: :func:`~hdhkits.annitia.models.make_clinical_model`, first-visit
  biology only;
* ``followup_only``: the follow-up length alone, shorter meaning riskier, for both outcomes
  (the metric's trap: patients who die stop coming; see :mod:`~hdhkits.annitia.models`);
* ``fibroscan_last``: FibroScan stiffness at the last measurement, a clinical score used
  as it is (:class:`~hdhkits.annitia.baselines.ClinicalScore`);
* ``age_at_first_visit``: the kit's sample submission;

the leaderboard's demo adds noisy copies (:func:`noisy`: each risk replaced by its
percentile rank plus Gaussian noise) and the leaderboard model uploaded twice. Fitting
them all takes about 10 s on the default twin, the two blends most of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .baselines import ClinicalScore, CoxModel, TwoOutcomeModel
from .columns import RISK_DEATH, RISK_HEPATIC, TEST_ID
from .features import build_features, followup_risk
from .models import make_clinical_model, make_leaderboard_model
from .schema import read_test, read_train
from .targets import survival_targets

__all__ = ["COX_PENALTIES", "demo_submissions", "noisy"]

#: Penalties of the demo's ridge Cox models: the kit's baseline (0.1), a tenth and ten times it.
COX_PENALTIES: tuple[float, ...] = (0.1, 0.01, 1.0)


def _models(seed: int) -> dict[str, TwoOutcomeModel]:
    """The fitted-in-the-demo models, unfitted, by submission name, best-informed first."""
    models = {"leaderboard_model": make_leaderboard_model(seed=seed)}
    models.update({f"ridge_cox_{p:g}": TwoOutcomeModel(CoxModel(penalizer=p)) for p in COX_PENALTIES})
    models["clinical_model"] = make_clinical_model(seed=seed)
    return models


def noisy(table: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
    """A copy of a submission with each risk as its percentile rank plus Gaussian noise of sd ``0.6 level``."""
    out = table.copy()
    for column in (RISK_HEPATIC, RISK_DEATH):
        out[column] = out[column].rank(pct=True).to_numpy() + rng.normal(0, 0.6 * level, len(out))
    return out


def demo_submissions(
    data_dir: str | Path, truth: pd.DataFrame, sample: pd.DataFrame, seed: int
) -> dict[str, pd.DataFrame]:
    """The ANNITIA submissions of the kit's own models (see the module docstring for the field).

    Parameters
    ----------
    data_dir : str or Path
        The participant files (``train.csv``, ``val_test.csv``).
    truth : DataFrame
        Unused: every model learns from the train file only.
    sample : DataFrame
        The kit's sample submission for them (the last of the field; its columns, the
        official ones in order, order every table).
    seed : int
        Seed of the models (trees, inner folds).

    Returns
    -------
    dict
        Submission tables (``trustii_id, risk_hepatic_event, risk_death``) by name.
    """
    train, test = read_train(data_dir, check=False), read_test(data_dir, check=False)
    X, X_test, y = build_features(train), build_features(test), survival_targets(train)
    ids = test[TEST_ID].to_numpy()

    def submission(hepatic: np.ndarray, death: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({TEST_ID: ids, RISK_HEPATIC: hepatic, RISK_DEATH: death})[list(sample.columns)]

    tables = {}
    for name, model in _models(seed).items():
        risks = model.fit(X, y).predict(X_test)
        tables[name] = submission(risks[:, 0], risks[:, 1])
    shorter = followup_risk(X_test)
    tables["followup_only"] = submission(shorter, shorter)
    fibroscan = TwoOutcomeModel(ClinicalScore("fibs_stiffness_med_BM_1_last")).fit(X, y).predict(X_test)
    tables["fibroscan_last"] = submission(fibroscan[:, 0], fibroscan[:, 1])
    tables["age_at_first_visit"] = sample
    return tables
