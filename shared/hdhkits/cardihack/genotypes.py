"""Genotypes of the Cardi-HACK files explored: allele frequencies, monomorphic SNPs, Hardy–Weinberg tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

__all__ = ["genotype_qc"]


def genotype_qc(df: pd.DataFrame, snps=None) -> pd.DataFrame:
    """Per-SNP genotype counts, coded-allele frequency, monomorphism and Hardy–Weinberg test.

    Parameters
    ----------
    df : DataFrame
        Genotypes coded 0/1/2 (missing cells are ignored).
    snps : sequence of str, optional
        Columns to check (default: every column whose name starts with ``SNP``).

    Returns
    -------
    DataFrame
        Indexed by SNP: ``n0``, ``n1``, ``n2``, ``freq`` (frequency of the coded allele,
        ``(n1 + 2 n2) / 2n``), ``monomorphic``, ``hwe_chi2`` and ``hwe_p`` (1-df
        chi-square test of observed against ``n(1-p)^2, 2np(1-p), np^2``; NaN for a
        monomorphic SNP; unreliable when an expected count is below 5).
    """
    snps = [c for c in df.columns if str(c).startswith("SNP")] if snps is None else list(snps)
    G = df[snps]
    counts = pd.DataFrame({f"n{k}": (k == G).sum() for k in (0, 1, 2)})
    n = counts.sum(1).to_numpy(float)
    p = (counts["n1"] + 2 * counts["n2"]).to_numpy(float) / (2 * n)
    expected = np.column_stack([n * (1 - p) ** 2, 2 * n * p * (1 - p), n * p**2])
    observed = counts.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.sum((observed - expected) ** 2 / expected, axis=1)
    monomorphic = (p == 0) | (p == 1)
    stat = np.where(monomorphic, np.nan, stat)
    out = counts.assign(freq=p, monomorphic=monomorphic, hwe_chi2=stat, hwe_p=chi2.sf(stat, 1))
    out.index.name = "SNP"
    return out
