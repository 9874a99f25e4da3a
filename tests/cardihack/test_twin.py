"""The synthetic twin: official layout, determinism, prevalences, quirks, genetics."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import PROBLEM, schema, twin
from hdhkits.findings import errors


@pytest.fixture(scope="module")
def frames():
    return twin.twin_frames(seed=0, size="quick")


def test_files_have_the_official_columns_and_counts(twin):
    src = twin("cardihack")
    train = pd.read_csv(src.data_dir / "train.csv")
    test = pd.read_csv(src.data_dir / "test.csv")
    assert list(train.columns) == list(schema.TRAIN_COLUMNS) and len(train) == 347
    assert list(test.columns) == list(schema.TEST_COLUMNS) and len(test) == 149
    findings = PROBLEM.check_data(src.data_dir)
    assert not errors(findings)  # the twin's oddities are plausibility warnings, like the real file's
    assert {(f.file, f.kind) for f in findings} == {
        ("train.csv", "unknown_code_zero"),
        ("test.csv", "unknown_code_zero"),
        ("train.csv", "diagnosis_after_baseline"),
        ("test.csv", "diagnosis_after_baseline"),
    }
    assert sorted(test["trustii_id"]) == list(range(1, 150))
    assert test["trustii_id"].tolist() != list(range(1, 150))  # rows shuffled
    assert not set(train["ID"]) & set(test["ID"])
    assert (src.truth_path).is_file()


def test_same_seed_same_files_other_seed_other_patients(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder, seed in ((a, 3), (b, 3), (c, 4)):
        (folder / "data").mkdir(parents=True)
        (folder / "truth").mkdir()
        PROBLEM.make_twin(folder / "data", folder / "truth", seed=seed, size="quick")
    for name in ("data/train.csv", "data/test.csv", "truth/test_truth.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "data/train.csv").read_bytes() != (c / "data/train.csv").read_bytes()


@pytest.mark.parametrize("seed", [0, 1])
def test_outcome_prevalences_close_to_the_real_file(seed):
    train = twin.twin_frames(seed=seed)["train"]
    assert abs(train["OUTCOME SEVERITY"].sum() - 117) <= 25
    counts = train["OUTCOME MACE"].value_counts().reindex([0, 1, 2]).to_numpy()
    assert abs(counts[0] - 261) <= 25 and abs(counts[1] - 29) <= 12 and abs(counts[2] - 57) <= 18


def test_clinical_marginals_and_quirks(frames):
    train = frames["train"]
    assert train["Age_Baseline"].mean() == pytest.approx(54.5, abs=3)
    assert train["BSA"].mean() == pytest.approx(71.7, abs=4)  # the real file's non-m² scale
    assert train["Epaiss_max"].mean() == pytest.approx(18.5, abs=1.2)
    assert train["Diam_OG"].mean() == pytest.approx(41.7, abs=1.5)
    for col, p in (("Genre", 0.32), ("Gradient", 0.31), ("TVNS", 0.12), ("FEVG", 0.06), ("ATCD_MS", 0.09)):
        assert train[col].mean() == pytest.approx(p, abs=0.07), col
    assert (train["Age_Diag"] == 0).sum() >= 3  # 0.0 = unknown
    assert train.notna().all().all()  # no empty cells, like the real file
    variant = train["Variant.Pathogene"].value_counts().reindex([0, 1, 2]).to_numpy()
    assert abs(variant[0] - 200) <= 30 and abs(variant[2] - 10) <= 8
    assert (train["BMI"] != train["BMI"].round(2)).mean() > 0.9  # long floats


def test_genotypes_look_like_the_real_ones(frames):
    snps = pd.concat([frames["train"], frames["test"]])[list(schema.SNP_COLUMNS)]
    assert set(np.unique(snps.to_numpy())) <= {0, 1, 2}
    freq = snps.mean() / 2
    assert 0.25 <= freq.median() <= 0.45
    assert freq.max() <= 0.97 and freq.max() >= 0.85
    assert (snps.nunique() == 1).sum() >= len(twin.MONOMORPHIC_SNPS)


def test_neighbouring_snps_are_correlated_within_ld_blocks(frames):
    snps = frames["train"][list(schema.SNP_COLUMNS)].astype(float)
    arch = twin.snp_architecture()
    corr = snps.corr().to_numpy()
    same_block = [
        corr[i, i + 1]
        for i in range(287)
        if arch["block"].iloc[i] == arch["block"].iloc[i + 1] and np.isfinite(corr[i, i + 1])
    ]
    other = [
        corr[i, i + 1]
        for i in range(287)
        if arch["block"].iloc[i] != arch["block"].iloc[i + 1] and np.isfinite(corr[i, i + 1])
    ]
    assert np.mean(same_block) > 0.2 > abs(np.mean(other))


def test_truth_holds_outcomes_and_probabilities(frames):
    truth = frames["test_truth"]
    assert list(truth["trustii_id"]) == list(frames["test"]["trustii_id"])
    probs = truth[["P_MACE_0", "P_MACE_1", "P_MACE_2"]].to_numpy()
    assert np.allclose(probs.sum(1), 1) and (probs >= 0).all()
    assert truth["P_SEVERE"].between(0, 1).all()
    assert set(truth["ORACLE_MACE"]) <= {0, 1, 2}
    # the oracle carries signal: its severity probabilities rank the severe patients higher
    sev = truth["OUTCOME SEVERITY"] == 1
    assert truth.loc[sev, "P_SEVERE"].mean() > truth.loc[~sev, "P_SEVERE"].mean()


def test_unknown_size_is_refused():
    with pytest.raises(ValueError, match="size must be one of"):
        twin.twin_frames(size="huge")


def test_make_twin_writes_the_frames(tmp_path, frames):
    (tmp_path / "data").mkdir()
    (tmp_path / "truth").mkdir()
    twin.make_twin(tmp_path / "data", tmp_path / "truth", seed=0, size="quick")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "data/train.csv"), frames["train"], check_dtype=False)
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "truth/test_truth.csv"), frames["test_truth"], check_dtype=False
    )


def test_old_names_warn_and_forward(tmp_path, frames):
    with pytest.warns(DeprecationWarning, match="twin_frames"):
        old = twin.make_twin_frames(seed=0, size="quick")
    pd.testing.assert_frame_equal(old["test"], frames["test"])
    (tmp_path / "data").mkdir()
    (tmp_path / "truth").mkdir()
    with pytest.warns(DeprecationWarning, match="make_twin"):
        twin.write_twin_files(tmp_path / "data", tmp_path / "truth", seed=0, size="quick")
    assert (tmp_path / "truth" / twin.TRAIN_TRUTH_FILE).is_file()


def test_the_outcomes_read_no_snp_and_severity_reads_only_what_its_rule_allows():
    assert twin.SEVERITY_SNPS == {} and twin.MACE_SNPS == {}  # the official file shows no SNP beyond chance
    base, _ = twin.simulate_cohort(400, seed=2)
    # SEVERITY's true probability moves with age, sex and the variant only: the clinical markers follow it
    no_markers = {"markers": {k: 0.0 for k in twin.SEVERITY_MARKERS}}
    flat, truth = twin.simulate_cohort(400, seed=2, effects=no_markers)
    _, base_truth = twin.simulate_cohort(400, seed=2)
    assert np.allclose(truth["P_SEVERE"], base_truth["P_SEVERE"])
    assert not np.allclose(flat["BMI"], base["BMI"])


def test_effects_can_be_overridden_for_the_fit():
    strong = {"mace": {**twin.MACE_EFFECTS, "age_sd": 2.0}}
    features, truth = twin.simulate_cohort(3000, seed=1, effects=strong)
    events = features["OUTCOME MACE"] >= 1
    assert features.loc[events, "Age_Baseline"].mean() > features.loc[~events, "Age_Baseline"].mean() + 8
    # the Weibull is recalibrated to the official mix whatever the effects
    assert abs(truth[["P_MACE_1", "P_MACE_2"]].mean().sum() - 86 / 347) < 0.01
