"""The candidate models of each outcome, how one is chosen per outcome, and what a fitted one learnt.

``02_baseline`` cross-validates three SEVERITY candidates (:func:`severity_candidates`) and
three MACE candidates (:func:`mace_candidates`) (:func:`candidates_for`: a constant instead for
an outcome with too few patients to model, :func:`modelling_limits`), and
:func:`choose_per_outcome` keeps the best of each on its own part of the metric (the combined score adds a part that reads only the
SEVERITY column to one that reads only the MACE column). A candidate that breaks its
modelling rule (:func:`~hdhkits.cardihack.rules.check_feature_rules`) is never chosen.
:func:`describe_candidates`, :func:`model_coefficients` and :func:`model_summary` say what
each reads and learnt. The models themselves are :mod:`hdhkits.cardihack.baselines` and
:mod:`hdhkits.cardihack.models`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline

from .baselines import ConstantProbability, OrdinalMaceClassifier, declared_features, make_severity_model
from .features import CrossFittedBurden, SNPScreener
from .models import MACE_CLINICAL_RISK_FEATURES, MaceRiskClassifier, PriorShrinkage, make_shrunk_severity_model
from .rules import check_feature_rules
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY, PRIORITY_SNPS

__all__ = [
    "CANDIDATE_NOTES",
    "MACE_BASELINE",
    "MACE_CLINICAL_SCORE",
    "MACE_RISK_SCD",
    "MIN_PATIENTS_PER_SIDE",
    "OFFICIAL_PARTS",
    "SEVERITY_AGE",
    "SEVERITY_BASELINE",
    "SEVERITY_SHRUNK",
    "apply_modelling_limits",
    "candidates_for",
    "choose_per_outcome",
    "combination_name",
    "describe_candidates",
    "mace_candidates",
    "model_coefficients",
    "model_summary",
    "modelling_limits",
    "severity_candidates",
]

#: Names of the candidate models, as the notebooks' tables show them: SEVERITY ...
SEVERITY_BASELINE: str = "baseline: logistic, 10 screened SNPs"
SEVERITY_SHRUNK: str = "shrunk logistic: age, sex, variant"
SEVERITY_AGE: str = "shrunk logistic: age"
#: ... and MACE.
MACE_BASELINE: str = "baseline: ordinal logistic"
MACE_RISK_SCD: str = "risk score on HCM Risk-SCD"
MACE_CLINICAL_SCORE: str = "clinical risk score"


#: Each model's own part on the official train file, as participants measured it with the kit's
#: ``02_baseline`` when it compared whole pairs (5 x 5-fold; SEVERITY: rescaled log-loss, MACE:
#: weighted kappa). The models designed on the twin (:data:`SEVERITY_AGE`,
#: :data:`MACE_CLINICAL_SCORE`) were not measured.
OFFICIAL_PARTS: dict[str, float] = {
    SEVERITY_BASELINE: -0.003,
    SEVERITY_SHRUNK: 0.048,
    MACE_BASELINE: 0.185,
    MACE_RISK_SCD: 0.132,
    "HCM Risk-SCD, ESC bands": 0.044,
    "HCM Risk-SCD, fitted cut points": -0.015,
}

#: What each candidate is, in one plain line (``describe_candidates`` shows it).
CANDIDATE_NOTES: dict[str, str] = {
    SEVERITY_BASELINE: "L2 logistic on age, sex, the variant count and 10 screened SNPs, weighted like the metric",
    SEVERITY_SHRUNK: "strongly penalised logistic on age, sex and the variant (carrier, two variants), weighted "
    "like the metric, shrunk",
    SEVERITY_AGE: "the same on age alone",
    MACE_BASELINE: "ordinal model on the Risk-SCD inputs, LVEF, the variant and a 5-SNP genetic risk score",
    MACE_RISK_SCD: "risk score on the HCM Risk-SCD index, LVEF, the variant and a 1-SNP cross-fitted burden",
    MACE_CLINICAL_SCORE: "risk score with one coefficient per column (age, age at diagnosis, wall thickness, atrial "
    "diameter, LVEF, family history, NSVT, the variant) and a 1-SNP cross-fitted burden",
}


def severity_candidates(seed: int = 0) -> dict[str, object]:
    """The SEVERITY candidates ``02_baseline`` cross-validates, unfitted, by name.

    * :data:`SEVERITY_BASELINE`: :func:`~.baselines.make_severity_model` (age, sex, variant
      and 10 SNPs screened inside the folds);
    * :data:`SEVERITY_SHRUNK`: :func:`~.models.make_shrunk_severity_model` (age, sex, the variant as two
      indicators, shrunk toward the weighted prevalence);
    * :data:`SEVERITY_AGE`: the same on age alone.
    """
    candidates = {
        SEVERITY_BASELINE: make_severity_model(),
        SEVERITY_SHRUNK: make_shrunk_severity_model(random_state=seed),
        SEVERITY_AGE: make_shrunk_severity_model(random_state=seed, clinical=("Age_Baseline",)),
    }
    # the shrinkage chosen on 3 inner folds: the same scores as 5 on the twin (seeds 0-7), faster
    return {
        name: model.set_params(n_folds=3) if isinstance(model, PriorShrinkage) else model
        for name, model in candidates.items()
    }


def mace_candidates(seed: int = 0) -> dict[str, object]:
    """The MACE candidates ``02_baseline`` cross-validates, unfitted, by name.

    * :data:`MACE_BASELINE`: :class:`~.baselines.OrdinalMaceClassifier` (two cumulative
      logistic models on the Risk-SCD inputs, LVEF, the variant and a 5-SNP genetic risk score);
    * :data:`MACE_RISK_SCD`: :class:`~.models.MaceRiskClassifier` on the HCM Risk-SCD prognostic index,
      LVEF, the variant and a 1-SNP cross-fitted burden;
    * :data:`MACE_CLINICAL_SCORE`: :class:`~.models.MaceRiskClassifier` with one coefficient per column
      of :data:`~.models.MACE_CLINICAL_RISK_FEATURES` (``risk_scd=False``).
    """
    return {
        MACE_BASELINE: OrdinalMaceClassifier(random_state=seed),
        MACE_RISK_SCD: MaceRiskClassifier(random_state=seed),
        MACE_CLINICAL_SCORE: MaceRiskClassifier(MACE_CLINICAL_RISK_FEATURES, random_state=seed, risk_scd=False),
    }


#: Fewest patients on each side of an outcome (severe / not; an event / none) for its models to be
#: cross-validated: below it a fold's training rows may hold one side only, and a model has nothing
#: to learn from.
MIN_PATIENTS_PER_SIDE: int = 10


def modelling_limits(train: pd.DataFrame, n_splits: int = 5) -> dict[str, str | None]:
    """Whether each outcome has enough patients on both sides to cross-validate its models.

    Parameters
    ----------
    train : DataFrame
        The training table.
    n_splits : int
        Folds of the cross-validation.

    Returns
    -------
    dict
        ``{OUTCOME_SEVERITY: sentence or None, OUTCOME_MACE: sentence or None}``: ``None``
        when the outcome can be modelled, else a sentence saying why not and what the kit does
        instead (a constant: the weighted prevalence for SEVERITY, class 0 for MACE).
    """
    need = max(MIN_PATIENTS_PER_SIDE, 2 * n_splits)
    sev = train[OUTCOME_SEVERITY].to_numpy(int)
    events = train[OUTCOME_MACE].to_numpy(int) >= 1
    out: dict[str, str | None] = {OUTCOME_SEVERITY: None, OUTCOME_MACE: None}
    n_sev, n_event = int(sev.sum()), int(events.sum())
    if min(n_sev, len(sev) - n_sev) < need:
        out[OUTCOME_SEVERITY] = (
            f"only {min(n_sev, len(sev) - n_sev)} training patients are "
            f"{'severe' if n_sev <= len(sev) - n_sev else 'not severe'} (fewer than {need}): "
            "too few to fit and cross-validate a SEVERITY model; the kit predicts the weighted "
            "prevalence for everyone"
        )
    if min(n_event, len(events) - n_event) < need:
        out[OUTCOME_MACE] = (
            f"only {min(n_event, len(events) - n_event)} training patients "
            f"{'have a MACE' if n_event <= len(events) - n_event else 'are free of MACE'} "
            f"(fewer than {need}): too few to fit and cross-validate a MACE model; the kit predicts "
            "class 0 for everyone, which reads no SNP and so breaks the MACE rule"
        )
    return out


def apply_modelling_limits(severity_models: dict, mace_models: dict, limits: dict) -> tuple[dict, dict]:
    """The candidates, except for an outcome ``limits`` says cannot be modelled: one constant instead.

    Parameters
    ----------
    severity_models, mace_models : dict
        The candidates by name.
    limits : dict
        :func:`modelling_limits`' sentences (None: the outcome can be modelled).

    Returns
    -------
    severity_models, mace_models : (dict, dict)
        The weighted prevalence for a SEVERITY that cannot be modelled, class 0 for such a MACE.
    """
    if limits[OUTCOME_SEVERITY]:
        severity_models = {"weighted prevalence (constant)": ConstantProbability("weighted")}
    if limits[OUTCOME_MACE]:
        mace_models = {"no event (constant)": DummyClassifier(strategy="constant", constant=0)}
    return severity_models, mace_models


def candidates_for(train: pd.DataFrame, n_splits: int = 5, seed: int = 0) -> tuple[dict, dict, dict]:
    """The candidates ``02_baseline`` compares (and the kit's pair chooses among), for this training table.

    :func:`severity_candidates` and :func:`mace_candidates`, except for an outcome
    :func:`modelling_limits` says cannot be modelled (:func:`apply_modelling_limits`).

    Returns
    -------
    severity_models, mace_models, limits : (dict, dict, dict)
        The candidates by name, and :func:`modelling_limits`' sentences.
    """
    limits = modelling_limits(train, n_splits)
    severity_models, mace_models = apply_modelling_limits(severity_candidates(seed), mace_candidates(seed), limits)
    return severity_models, mace_models, limits


def combination_name(severity: str, mace: str) -> str:
    """The name of a submission made of one SEVERITY and one MACE model (a row of ``02_baseline``'s table)."""
    return f"SEVERITY: {severity} + MACE: {mace}"


def _best_valid(scores: dict[str, float], models: dict, outcome: str, enforce_rules: bool = True) -> str:
    valid = {}
    for name, value in scores.items():
        if name not in models or not np.isfinite(value):
            continue
        features = declared_features(models[name])
        declared = (features or None, None) if outcome == "SEVERITY" else (None, features)
        if not enforce_rules or not check_feature_rules(*declared):
            valid[name] = value
    if not valid:
        raise ValueError(f"no cross-validated {outcome} model follows the rules; fix the models' declared columns")
    return max(valid, key=lambda name: valid[name])


def choose_per_outcome(
    severity_scores: dict[str, float],
    mace_scores: dict[str, float],
    severity_models: dict,
    mace_models: dict,
    enforce_rules: bool = True,
) -> tuple[str, str]:
    """The best SEVERITY model and the best MACE model, each on its own part of the combined score.

    The combined score is ``0.7 kappa + 0.3 rescaled``, and the kappa reads only the MACE
    column, the rescaled log-loss only the SEVERITY column: the best submission pairs the
    SEVERITY model with the best rescaled log-loss with the MACE model with the best kappa.

    Parameters
    ----------
    severity_scores, mace_scores : dict
        Cross-validated rescaled log-loss (SEVERITY) and weighted kappa (MACE), by model name;
        NaN scores are never chosen.
    severity_models, mace_models : dict
        The models by name; one whose declared columns break its rule
        (:func:`~hdhkits.cardihack.rules.check_feature_rules`) is never chosen. A SEVERITY
        constant (it reads nothing) is allowed, as the organisers' dummy is.
    enforce_rules : bool
        ``False`` lets a rule-breaking model be chosen: for data too small to fit any model
        that follows the rules (:func:`~hdhkits.cardihack.evaluation.modelling_limits`), where
        ``03_submission``'s rule check then says so and writes nothing.

    Returns
    -------
    (str, str)
        The chosen SEVERITY and MACE model names.

    Raises
    ------
    ValueError
        No scored model of an outcome follows the rules.
    """
    return (
        _best_valid(severity_scores, severity_models, "SEVERITY", enforce_rules),
        _best_valid(mace_scores, mace_models, "MACE", enforce_rules),
    )


def _reads(features: list[str]) -> str:
    """A short text of the columns a model reads: the clinical ones by name, the SNPs counted."""
    snps = [f for f in features if str(f).startswith("SNP")]
    others = [f for f in features if not str(f).startswith("SNP")]
    priority = sum(f in PRIORITY_SNPS for f in snps)
    text = ", ".join(others) if others else "nothing"
    if snps:
        text += f" + {len(snps)} SNPs" + (" (the priority ones)" if priority == len(snps) == len(PRIORITY_SNPS) else "")
    return text


def describe_candidates(severity_models: dict, mace_models: dict) -> pd.DataFrame:
    """One row per model: its outcome, the columns it reads and whether they follow the rules.

    Parameters
    ----------
    severity_models, mace_models : dict
        Models by name (unfitted is fine: the columns are declared).

    Returns
    -------
    DataFrame
        Indexed by model name: ``outcome``, ``what`` (:data:`CANDIDATE_NOTES`; empty for a model
        not listed there), ``reads`` and ``rules`` ("follows the rules" or the rule check's
        sentences).
    """
    rows = {}
    for outcome, models in (("SEVERITY", severity_models), ("MACE", mace_models)):
        for name, model in models.items():
            features = declared_features(model)
            declared = (features or None, None) if outcome == "SEVERITY" else (None, features)
            problems = check_feature_rules(*declared)
            rows[name] = {
                "outcome": outcome,
                "what": CANDIDATE_NOTES.get(name, ""),
                "reads": _reads(features),
                "rules": "follows the rules" if not problems else "; ".join(problems),
            }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")


def model_coefficients(model: object) -> pd.DataFrame | None:
    """The standardised coefficients of a fitted candidate, one column per logistic regression.

    Parameters
    ----------
    model : fitted estimator
        A pipeline ending in a logistic regression, :class:`~.models.PriorShrinkage`,
        :class:`~.baselines.OrdinalMaceClassifier` or :class:`~.models.MaceRiskClassifier`.

    Returns
    -------
    DataFrame or None
        Rows: the features the regression saw (after screening, indicators, scores); ``None``
        for a model without coefficients (a constant, HCM Risk-SCD).
    """
    if isinstance(model, PriorShrinkage):
        model = model.estimator_
    if isinstance(model, OrdinalMaceClassifier):
        table = model.coefficients()
        return table if len(table.columns) else None
    if isinstance(model, MaceRiskClassifier):
        return model.coefficients().to_frame("P(MACE>=1)")
    if isinstance(model, Pipeline) and hasattr(model[-1], "coef_"):
        return pd.Series(model[-1].coef_[0], index=model[-1].feature_names_in_).to_frame("logistic")
    return None


def _shrinkage(alpha: float) -> str:
    """What a shrinkage factor chosen by :class:`~.models.PriorShrinkage` does, in words."""
    if alpha >= 1:
        return "factor 1.00, none: the inner cross-validation kept the probabilities as fitted"
    if alpha <= 0:
        return "factor 0.00, all the way: the model predicts the weighted prevalence for everyone"
    return f"factor {alpha:.2f}: each log-odds keeps {alpha:.0%} of its distance from the prior's"


def model_summary(model: object) -> list[str]:
    """What a fitted candidate learnt, in a few printed lines (SNPs kept, shrinkage, cut points)."""
    lines = []
    if isinstance(model, PriorShrinkage):
        lines.append(f"shrinkage toward the weighted prevalence {model.prior_:.3f}: {_shrinkage(model.alpha_)}")
        model = model.estimator_
    if isinstance(model, Pipeline):
        for step in model.named_steps.values():
            if isinstance(step, SNPScreener):
                lines.append(f"SNPs kept by the screening: {', '.join(step.selected_snps_)}")
            if isinstance(step, CrossFittedBurden) and step.k > 0:
                lines.append(f"SNP(s) in the burden score: {', '.join(step.snps_)}")
    if isinstance(model, OrdinalMaceClassifier):
        grs = model.models_[0].named_steps.get("grs") if isinstance(model.models_[0], Pipeline) else None
        if grs is not None:
            lines.append(f"SNPs in the genetic risk score of P(MACE>=1): {', '.join(grs.snps_)}")
        lines.append(f"cut points on the expected code: {tuple(round(t, 3) for t in model.thresholds_)}")
    if isinstance(model, MaceRiskClassifier):
        burden = model.model_.named_steps["burden"]
        if burden.k > 0:
            lines.append(f"priority SNP(s) in the burden score: {', '.join(burden.snps_)}")
        lines.append(f"cut points on the risk score: {tuple(round(t, 3) for t in model.thresholds_)}")
    return lines or ["no learnt coefficient to show (a constant or a published score)"]
