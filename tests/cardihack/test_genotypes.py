"""Genotype QC, the neighbouring SNPs' correlation, the official shares and the draws made from them."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import schema, twin
from hdhkits.cardihack.genotypes import (
    OFFICIAL_NEIGHBOUR_CORRELATION,
    draw_genotypes,
    genotype_qc,
    hardy_weinberg_shares,
    mean_genotypes,
    neighbour_correlation,
    official_snp_genotypes,
)


def test_counts_frequency_and_hwe_by_hand():
    # 50 x 0, 40 x 1, 10 x 2: p = 60/200 = 0.3; expected 49, 42, 9
    df = pd.DataFrame({"SNP1": [0] * 50 + [1] * 40 + [2] * 10, "SNP2": [0] * 100})
    qc = genotype_qc(df)
    assert qc.loc["SNP1", ["n0", "n1", "n2"]].tolist() == [50, 40, 10]
    assert qc.loc["SNP1", "freq"] == pytest.approx(0.3)
    assert qc.loc["SNP1", "hwe_chi2"] == pytest.approx(1 / 49 + 4 / 42 + 1 / 9)
    assert qc.loc["SNP2", "monomorphic"] and np.isnan(qc.loc["SNP2", "hwe_p"])


def test_neighbour_correlation_by_hand():
    a = np.array([0, 1, 2, 0, 1, 2, 1, 0])
    df = pd.DataFrame({"SNP1": a, "SNP2": 2 - a, "SNP3": [1] * 8, "SNP4": a, "Age": a})
    # |corr(SNP1, SNP2)| = 1; the pairs with the constant SNP3 are left out; Age is not a SNP
    assert neighbour_correlation(df) == pytest.approx(1.0)
    b = np.array([0, 1, 2, 1, 0, 2, 0, 1])
    two = pd.DataFrame({"SNP1": a, "SNP2": b.astype(float)})
    two.loc[0, "SNP2"] = np.nan  # read on the rows where both are genotyped
    assert neighbour_correlation(two) == pytest.approx(abs(np.corrcoef(a[1:], b[1:])[0, 1]))
    assert np.isnan(neighbour_correlation(pd.DataFrame({"SNP1": [1, 1], "SNP2": [0, 1]})))
    assert mean_genotypes(df).tolist() == pytest.approx([0.875, 1.125, 1.0, 0.875])


def test_the_official_shares_and_what_the_twin_says_of_them():
    official = official_snp_genotypes()
    assert list(official.index) == list(schema.SNP_COLUMNS) and (official["n"] == 243).all()
    shares = official[["share_0", "share_1", "share_2"]]
    assert np.allclose(shares.sum(1), 1, atol=2e-4) and (shares >= 0).all().all()
    assert set(official.index[shares.max(1) == 1]) == set(twin.MONOMORPHIC_SNPS)
    counts = (shares * 243).round().astype(int).set_axis(["n0", "n1", "n2"], axis=1)
    freq = (counts["n1"] + 2 * counts["n2"]) / (2 * counts.sum(1))
    assert freq.idxmax() == twin.TOP_FREQUENCY_SNP and freq.max() == pytest.approx(twin.TOP_FREQUENCY, abs=0.002)
    assert freq.median() == pytest.approx(0.35, abs=0.01)
    # no SNP out of Hardy–Weinberg beyond chance: the twin plants none (HWE_BREAKING_SNPS is empty)
    rows = pd.DataFrame({snp: pd.Series(np.repeat([0, 1, 2], counts.loc[snp].to_numpy())) for snp in official.index})
    assert twin.HWE_BREAKING_SNPS == () and (genotype_qc(rows)["hwe_p"].dropna() > 1e-3).all()
    assert 0.05 < OFFICIAL_NEIGHBOUR_CORRELATION < 0.1


def test_hardy_weinberg_shares():
    shares = hardy_weinberg_shares([0.0, 0.3, 1.0])
    assert np.allclose(shares, [[1, 0, 0], [0.49, 0.42, 0.09], [0, 0, 1]])


def test_draws_follow_the_shares_and_the_links():
    shares = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.3, 0.3, 0.4], [0.3, 0.3, 0.4]])
    links = np.array([0.0, 0.9, 0.9, 0.0, -0.9])
    g = draw_genotypes(np.random.default_rng(0), 20000, shares, links)
    observed = np.array([[(g[:, j] == k).mean() for k in (0, 1, 2)] for j in range(len(shares))])
    assert np.abs(observed - shares).max() < 0.015
    assert (g[:, 1] == 0).all()  # monomorphic whatever its link
    assert abs(np.corrcoef(g[:, 2], g[:, 3])[0, 1]) < 0.03  # link 0: independent
    assert np.corrcoef(g[:, 3], g[:, 4])[0, 1] < -0.7  # a negative link: the other allele goes along


def test_the_twin_shows_the_official_snps_to_the_qc():
    frames = twin.twin_frames(seed=0)
    qc = genotype_qc(pd.concat([frames["train"], frames["test"]]))
    assert set(qc.index[qc["monomorphic"]]) == set(twin.MONOMORPHIC_SNPS)
    assert (qc["hwe_p"] < 1e-4).sum() <= 1  # none planted: Hardy–Weinberg holds, as in the official shares
