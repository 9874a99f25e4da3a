"""Cardi-HACK: hypertrophic cardiomyopathy, clinical + genetic data, two outcomes.

The public API of the kit: the problem definition, the file readers, the rules, the
reconstructed metric, the clinical reference, the baselines and their evaluation.
"""
from .baselines import (
    MACE_FEATURES, SEVERITY_FEATURES, ColumnSelector, ConstantClass, ConstantProbability, GeneticRiskScore, OrdinalMaceClassifier,
    SNPScreener, data_fingerprint, declared_features, load_models, make_severity_model, oracle_score, save_models,
)
from .evaluation import (
    CVResult, NestedChoice, OutcomeCV, candidates_for, combine, comparison_table, cross_validate_outcome, cross_validate_pair,
    interval_text, mace_class_shares, modelling_limits, nested_choice, plot_comparison, ranking_sentences, score_row,
)
from .metric import (
    DUMMY_MACE, DUMMY_SEVERITY, MACE_CLASS_WEIGHTS, PUBLIC_LEADERBOARD_RANGE, SEVERITY_CLASS_WEIGHTS, WEIGHT_KAPPA, WEIGHT_SEVERITY,
    best_probability, cardihack_metric, rescaled_severity, score_parts, weighted_kappa, weighted_logloss,
)
from .models import (
    BASELINE_PAIR, MACE_BASELINE, MACE_CLINICAL_RISK_FEATURES, MACE_CLINICAL_SCORE, MACE_MODEL_FEATURES, MACE_RISK_SCD,
    NEW_PAIR, OFFICIAL_PARTS, SEVERITY_AGE, SEVERITY_BASELINE, SEVERITY_SHRUNK, CrossFittedBurden, MaceRiskClassifier, PriorShrinkage,
    RiskSCDFeatures, VariantCoding, candidate_pairs, choose_pair, choose_per_outcome, combination_name,
    describe_candidates, make_shrunk_severity_model, mace_candidates, model_coefficients, model_summary,
    severity_candidates,
)
from .plausibility import PlausibleValues, plausibility_findings, plausible_values
from .problem import PROBLEM, SUBMISSION_SPEC, CardihackProblem, validate_submission_and_rules
from .qc import genotype_qc
from .saved import (
    CV_FILE, MODELS_FILE, choose_and_fit, cv_record, load_chosen, load_or_choose, models_digest, models_stamp,
    save_chosen,
)
from .riskscd import ESC_BANDS, GRADIENT_MMHG, RiskSCDClassifier, esc_band, risk_scd, risk_scd_index
from .signal import (
    OFFICIAL_COLUMN_AUC, OFFICIAL_SNP_AUC, column_auc_intervals, column_aucs, plot_column_aucs, plot_snp_aucs,
    describe_column_aucs, snp_auc_against_chance, snp_chance_summary,
)
from .rules import MAX_MACE_SNPS, SEVERITY_ALLOWED, check_feature_rules
from .schema import (
    CLINICAL_COLUMNS, FEATURE_COLUMNS, OUTCOME_MACE, OUTCOME_SEVERITY, PLAUSIBLE_RANGES, PRIORITY_SNPS, SNP_COLUMNS,
    TEST_ID, check_data, read_test, read_train, unknown_as_missing,
)
from .thresholds import apply_thresholds, fit_kappa_thresholds
from .twin import (
    TRAIN_TRUTH_FILE, make_twin, make_twin_frames, oracle_submission, oracle_train_predictions, snp_architecture,
    twin_frames, write_twin_files,
)

__all__ = [
    "PROBLEM", "CardihackProblem", "SUBMISSION_SPEC", "validate_submission_and_rules",
    "check_data", "read_train", "read_test", "unknown_as_missing", "PLAUSIBLE_RANGES", "plausible_values",
    "plausibility_findings",
    "PlausibleValues", "CLINICAL_COLUMNS", "FEATURE_COLUMNS", "SNP_COLUMNS",
    "PRIORITY_SNPS", "OUTCOME_MACE", "OUTCOME_SEVERITY", "TEST_ID",
    "check_feature_rules", "SEVERITY_ALLOWED", "MAX_MACE_SNPS",
    "score_parts", "cardihack_metric", "weighted_kappa", "weighted_logloss", "rescaled_severity",
    "SEVERITY_CLASS_WEIGHTS",
    "MACE_CLASS_WEIGHTS", "WEIGHT_KAPPA", "WEIGHT_SEVERITY", "DUMMY_MACE", "DUMMY_SEVERITY", "PUBLIC_LEADERBOARD_RANGE",
    "risk_scd", "risk_scd_index", "esc_band", "RiskSCDClassifier", "GRADIENT_MMHG", "ESC_BANDS",
    "make_severity_model", "OrdinalMaceClassifier", "SNPScreener", "GeneticRiskScore", "ConstantProbability",
    "ConstantClass", "ColumnSelector", "SEVERITY_FEATURES", "MACE_FEATURES", "declared_features", "data_fingerprint", "save_models", "load_models",
    "oracle_score", "MODELS_FILE", "CV_FILE", "models_digest", "models_stamp", "save_chosen", "load_chosen",
    "load_or_choose", "cv_record", "choose_and_fit", "model_summary",
    "make_shrunk_severity_model", "PriorShrinkage", "MaceRiskClassifier", "CrossFittedBurden", "RiskSCDFeatures",
    "VariantCoding", "MACE_MODEL_FEATURES", "BASELINE_PAIR", "NEW_PAIR", "candidate_pairs", "choose_pair",
    "cross_validate_pair", "comparison_table", "plot_comparison", "score_row", "CVResult",
    "OutcomeCV", "NestedChoice", "cross_validate_outcome", "combine", "nested_choice", "modelling_limits", "ranking_sentences", "mace_class_shares", "interval_text", "candidates_for", "describe_candidates", "model_coefficients",
    "severity_candidates", "mace_candidates", "choose_per_outcome", "combination_name", "SEVERITY_BASELINE",
    "SEVERITY_SHRUNK", "SEVERITY_AGE", "MACE_BASELINE", "MACE_RISK_SCD", "MACE_CLINICAL_SCORE",
    "MACE_CLINICAL_RISK_FEATURES", "OFFICIAL_PARTS", "best_probability", "OFFICIAL_COLUMN_AUC", "OFFICIAL_SNP_AUC", "column_aucs",
    "column_auc_intervals", "snp_auc_against_chance", "snp_chance_summary", "describe_column_aucs", "plot_column_aucs", "plot_snp_aucs",
    "apply_thresholds", "fit_kappa_thresholds", "genotype_qc",
    "twin_frames", "make_twin", "make_twin_frames", "write_twin_files", "oracle_submission",
    "oracle_train_predictions", "snp_architecture", "TRAIN_TRUTH_FILE",
]
