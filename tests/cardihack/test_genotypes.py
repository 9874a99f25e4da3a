"""Genotype QC."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import twin
from hdhkits.cardihack.genotypes import genotype_qc


def test_counts_frequency_and_hwe_by_hand():
    # 50 x 0, 40 x 1, 10 x 2: p = 60/200 = 0.3; expected 49, 42, 9
    df = pd.DataFrame({"SNP1": [0] * 50 + [1] * 40 + [2] * 10, "SNP2": [0] * 100})
    qc = genotype_qc(df)
    assert qc.loc["SNP1", ["n0", "n1", "n2"]].tolist() == [50, 40, 10]
    assert qc.loc["SNP1", "freq"] == pytest.approx(0.3)
    assert qc.loc["SNP1", "hwe_chi2"] == pytest.approx(1 / 49 + 4 / 42 + 1 / 9)
    assert qc.loc["SNP2", "monomorphic"] and np.isnan(qc.loc["SNP2", "hwe_p"])


def test_the_twin_planted_artefacts_are_found():
    frames = twin.twin_frames(seed=0)
    qc = genotype_qc(pd.concat([frames["train"], frames["test"]]))
    assert set(qc.index[qc["monomorphic"]]) == set(twin.MONOMORPHIC_SNPS)
    flagged = set(qc.index[qc["hwe_p"] < 1e-4])
    assert set(twin.HWE_BREAKING_SNPS) <= flagged and len(flagged) <= len(twin.HWE_BREAKING_SNPS) + 3
