"""The modelling rules as code."""

from hdhkits.cardihack import rules
from hdhkits.cardihack.baselines import MACE_FEATURES, SEVERITY_FEATURES

SNPS = [f"SNP{i}" for i in range(1, 289)]


def test_the_baselines_follow_the_rules():
    assert rules.check_feature_rules(SEVERITY_FEATURES, MACE_FEATURES) == []


def test_severity_may_use_only_age_sex_and_genetics():
    problems = rules.check_feature_rules(["Age_Baseline", "Genre", "Variant.Pathogene", "FEVG", "Age_Diag"], None)
    assert len(problems) == 1
    assert "'FEVG'" in problems[0] and "'Age_Diag'" in problems[0] and "baseline age" in problems[0]


def test_mace_needs_a_priority_snp_and_at_most_100_snps():
    assert rules.check_feature_rules(None, ["Epaiss_max", "SNP75"]) == []
    no_priority = rules.check_feature_rules(None, ["Epaiss_max", "SNP76"])
    assert len(no_priority) == 1 and "priority SNP" in no_priority[0]
    too_many = rules.check_feature_rules(None, SNPS[:101])
    assert len(too_many) == 1 and "101 SNPs" in too_many[0] and "drop 1" in too_many[0]
    assert rules.check_feature_rules(None, SNPS[:100]) == []


def test_every_violation_is_listed_at_once():
    problems = rules.check_feature_rules(
        ["ID", "OUTCOME MACE", "BMI", "Age_Baseline", "Age_Baseline", "SNP999"],
        ["trustii_id", "OUTCOME SEVERITY"] + SNPS[100:202],
    )
    text = "\n".join(map(str, problems))
    for fragment in (
        "SEVERITY model reads the outcome column(s) 'OUTCOME MACE'",
        "SEVERITY model reads the identifier",
        "'SNP999', not column(s) of the official files",
        "'Age_Baseline' more than once",
        "SEVERITY model reads 'BMI'",
        "MACE model reads the outcome column(s) 'OUTCOME SEVERITY'",
        "MACE model reads the identifier(s) 'trustii_id'",
        "MACE model uses no priority SNP",
        "MACE model uses 102 SNPs",
    ):
        assert fragment in text, fragment
    assert len(problems) == 9


def test_empty_severity_declaration_is_a_violation():
    assert "declares no feature" in rules.check_feature_rules([], None)[0]
