"""Genotypes of the Cardi-HACK files: QC, the official genotype shares, and how the twin draws its SNPs.

:func:`genotype_qc` explores a file's genotypes (allele frequencies, monomorphic SNPs,
Hardy–Weinberg tests); :func:`neighbour_correlation` measures how much neighbouring SNPs
move together. :func:`official_snp_genotypes` reads the package file
``official_snp_genotypes.csv``: for each of the 288 SNPs, the share of genotypes 0, 1 and 2
that participants measured on a 70 % part of the official train file (243 of its 347
patients; aggregate shares, no patient's row). The synthetic twin
(:mod:`hdhkits.cardihack.twin`) draws its genotypes with :func:`draw_genotypes` from each
SNP's official allele frequency, in Hardy–Weinberg proportions
(:func:`hardy_weinberg_shares`): the official shares depart from those proportions no more
than 243 patients do by chance (smallest Hardy–Weinberg p over the 288 SNPs: 0.004), and
copying their sampling noise into a twin of 496 patients would show departures that the
official shares cannot support.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import chi2, norm

__all__ = [
    "OFFICIAL_NEIGHBOUR_CORRELATION",
    "OFFICIAL_SNP_FILE",
    "draw_genotypes",
    "genotype_qc",
    "hardy_weinberg_shares",
    "mean_genotypes",
    "neighbour_correlation",
    "official_snp_genotypes",
]

#: Package file with the official genotype shares: columns ``snp``, ``share_0``, ``share_1``,
#: ``share_2``, ``n`` (243 patients: a 70 % part of the official train file, measured by participants).
OFFICIAL_SNP_FILE = "official_snp_genotypes.csv"
#: :func:`neighbour_correlation` on that same part of the official train file, as participants measured it.
OFFICIAL_NEIGHBOUR_CORRELATION = 0.084


def _snp_columns(df: pd.DataFrame, snps: Sequence[str] | None = None) -> list[str]:
    """The SNP columns to read: ``snps``, or every column whose name starts with ``SNP``."""
    return [c for c in df.columns if str(c).startswith("SNP")] if snps is None else list(snps)


def genotype_qc(df: pd.DataFrame, snps: Sequence[str] | None = None) -> pd.DataFrame:
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
    G = df[_snp_columns(df, snps)]
    counts = pd.DataFrame({f"n{k}": G.eq(k).sum() for k in (0, 1, 2)})
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


def mean_genotypes(df: pd.DataFrame, snps: Sequence[str] | None = None) -> pd.Series:
    """Mean genotype (0 to 2, twice the coded-allele frequency) of each SNP, missing cells left out."""
    return df[_snp_columns(df, snps)].apply(pd.to_numeric, errors="coerce").mean()


def neighbour_correlation(df: pd.DataFrame, snps: Sequence[str] | None = None) -> float:
    """Mean ``|corr(SNP_i, SNP_i+1)|`` over the neighbouring pairs, in file order.

    Each correlation is Pearson's on the rows where both SNPs are genotyped; a pair with a
    SNP that does not vary there has no correlation and is left out. Independent SNPs give
    about ``0.8 / sqrt(n)`` by chance (0.051 for 243 patients, 0.043 for 347).

    Parameters
    ----------
    df : DataFrame
        Genotypes coded 0/1/2.
    snps : sequence of str, optional
        The SNPs in order (default: every column whose name starts with ``SNP``, in file order).

    Returns
    -------
    float
        NaN when no pair can be read.
    """
    G = df[_snp_columns(df, snps)].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    pairs = []
    for i in range(G.shape[1] - 1):
        a, b = G[:, i], G[:, i + 1]
        both = ~(np.isnan(a) | np.isnan(b))
        a, b = a[both], b[both]
        if len(a) > 2 and a.std() > 0 and b.std() > 0:  # a constant SNP has no correlation
            pairs.append(abs(np.corrcoef(a, b)[0, 1]))
    return float(np.mean(pairs)) if pairs else float("nan")


def official_snp_genotypes() -> pd.DataFrame:
    """The official genotype shares of the 288 SNPs (:data:`OFFICIAL_SNP_FILE`).

    Returns
    -------
    DataFrame
        Indexed by SNP (``SNP1`` … ``SNP288``): ``share_0``, ``share_1``, ``share_2`` (summing
        to 1 up to rounding) and ``n`` (patients measured: 243).
    """
    with resources.files(__package__).joinpath(OFFICIAL_SNP_FILE).open("r") as handle:
        return pd.read_csv(handle, index_col="snp")


def hardy_weinberg_shares(freq: npt.ArrayLike) -> np.ndarray:
    """Shares of genotypes 0, 1 and 2 under Hardy–Weinberg: ``(1-p)^2, 2p(1-p), p^2``.

    Parameters
    ----------
    freq : array-like
        Coded-allele frequency ``p`` of each SNP, in [0, 1].

    Returns
    -------
    ndarray
        (k, 3).
    """
    p = np.asarray(freq, dtype=float)
    return np.column_stack([(1 - p) ** 2, 2 * p * (1 - p), p**2])


def draw_genotypes(rng: np.random.Generator, n: int, shares: np.ndarray, links: np.ndarray) -> np.ndarray:
    """Genotypes (n, k) in 0/1/2 with the given shares, each SNP linked to the one before it.

    A Gaussian chain: the latent value of SNP ``j`` is ``links[j]`` times that of SNP ``j-1``
    plus independent noise (unit variance throughout), cut at the quantiles of the shares.
    Each SNP's genotypes therefore follow its shares exactly in expectation (whatever
    Hardy–Weinberg says), and neighbours correlate by about ``links`` (less for rare genotypes).

    Parameters
    ----------
    rng : Generator
        Source of the draws.
    n : int
        Patients.
    shares : ndarray
        (k, 3): the share of genotypes 0, 1 and 2 of each SNP.
    links : ndarray
        (k,): latent correlation of each SNP with the one before it (the first is ignored).

    Returns
    -------
    ndarray
        (n, k) integers.
    """
    shares = np.asarray(shares, dtype=float)
    shares = shares / shares.sum(1, keepdims=True)  # the published shares are rounded to 4 decimals
    cuts = norm.ppf(np.clip(np.cumsum(shares, axis=1)[:, :2], 0.0, 1.0))  # -inf / inf at shares of 0 or 1
    latent = np.empty((n, len(shares)))
    latent[:, 0] = rng.standard_normal(n)
    for j in range(1, len(shares)):
        latent[:, j] = links[j] * latent[:, j - 1] + np.sqrt(1 - links[j] ** 2) * rng.standard_normal(n)
    return (latent > cuts[:, 0]).astype(int) + (latent > cuts[:, 1]).astype(int)
