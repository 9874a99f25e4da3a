"""Cardi-HACK: hypertrophic cardiomyopathy, clinical + genetic data, two outcomes.

The kit's public face, what its notebooks and README use (``from hdhkits import cardihack
as kit``):

* the problem and the files: :data:`PROBLEM`, :func:`read_train`, :func:`read_test`,
  :func:`check_data`, the outcome and column names;
* a model is a pair (:class:`Pair`; the kit's own is :class:`BestPerOutcome`, named
  :data:`KIT_MODEL`), its columns declared (:class:`ColumnSelector`,
  :func:`declared_features`) and checked against the rules (:func:`check_feature_rules`,
  :func:`validate_submission_and_rules`); :func:`make_submission` writes the official table;
* the loop of every kit (:mod:`hdhkits.saved`): :func:`save_model`, :func:`load_or_train`,
  :func:`choose_best`, :func:`save_choice`, :func:`load_choice`, :func:`chosen_model`,
  :func:`model_label`, :data:`YOURS`;
* evaluation: :func:`cv_folds`, :func:`score_interval`, :func:`paired_difference`, and the
  reconstructed metric's weights and parts.

The rest is reached through its module: ``kit.evaluation`` (repeated cross-validation, the
nested choice), ``kit.candidates`` (the kit's candidates), ``kit.comparison`` (the comparison
table), ``kit.signal`` (what each column tells), ``kit.riskscd`` (HCM Risk-SCD), ``kit.oracle``
and ``kit.twin`` (the synthetic twin), ``kit.metric``, ``kit.schema``, ``kit.rules``, ...
"""

from ..saved import YOURS, choose_best, chosen_model, load_choice, load_or_train, model_label, save_choice, save_model

# The modules the notebooks reach as ``kit.<module>.<name>``: imported, not in the public face.
from . import (  # noqa: F401
    baselines,
    candidates,
    comparison,
    evaluation,
    features,
    genotypes,
    metric,
    models,
    oracle,
    pair,
    plausibility,
    riskscd,
    rules,
    schema,
    signal,
    thresholds,
    twin,
)
from .baselines import declared_features
from .evaluation import cv_folds, paired_difference, score_interval
from .features import ColumnSelector
from .metric import (
    DUMMY_MACE,
    DUMMY_SEVERITY,
    MACE_CLASS_WEIGHTS,
    SEVERITY_CLASS_WEIGHTS,
    best_probability,
    weighted_kappa,
    weighted_logloss,
)
from .pair import BestPerOutcome, Pair
from .plausibility import PlausibleValues, plausibility_findings, plausible_values
from .problem import KIT_MODEL, PROBLEM, make_submission, validate_submission_and_rules
from .rules import SEVERITY_ALLOWED, check_feature_rules
from .schema import (
    CLINICAL_COLUMNS,
    OUTCOME_MACE,
    OUTCOME_SEVERITY,
    SNP_COLUMNS,
    TEST_ID,
    check_data,
    read_test,
    read_train,
)

__all__ = [
    "CLINICAL_COLUMNS",
    "DUMMY_MACE",
    "DUMMY_SEVERITY",
    "KIT_MODEL",
    "MACE_CLASS_WEIGHTS",
    "OUTCOME_MACE",
    "OUTCOME_SEVERITY",
    "PROBLEM",
    "SEVERITY_ALLOWED",
    "SEVERITY_CLASS_WEIGHTS",
    "SNP_COLUMNS",
    "TEST_ID",
    "YOURS",
    "BestPerOutcome",
    "ColumnSelector",
    "Pair",
    "PlausibleValues",
    "best_probability",
    "check_data",
    "check_feature_rules",
    "choose_best",
    "chosen_model",
    "cv_folds",
    "declared_features",
    "load_choice",
    "load_or_train",
    "make_submission",
    "model_label",
    "paired_difference",
    "plausibility_findings",
    "plausible_values",
    "read_test",
    "read_train",
    "save_choice",
    "save_model",
    "score_interval",
    "validate_submission_and_rules",
    "weighted_kappa",
    "weighted_logloss",
]
