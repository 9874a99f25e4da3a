"""The Cardi-HACK modelling rules, as code.

* The SEVERITY model may use only baseline age (``Age_Baseline``), sex (``Genre``) and
  genetic data (``Variant.Pathogene``, ``SNP1`` … ``SNP288``).
* The MACE model must use at least one priority SNP (``SNP1`` … ``SNP75``) and at most
  100 SNPs.
* Neither may read an outcome or an identifier (both would be leakage or noise).

A model *declares* the columns it reads; :func:`check_feature_rules` checks the
declarations and lists every violation at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from .schema import FEATURE_COLUMNS, ID_COLUMN, OUTCOMES, PRIORITY_SNPS, SNP_COLUMNS, TEST_ID

__all__ = ["MAX_MACE_SNPS", "MIN_MACE_PRIORITY_SNPS", "SEVERITY_ALLOWED", "check_feature_rules"]

#: The only columns the SEVERITY model may read.
SEVERITY_ALLOWED: tuple[str, ...] = ("Age_Baseline", "Genre", "Variant.Pathogene", *SNP_COLUMNS)
#: The MACE model may read at most this many SNP columns ...
MAX_MACE_SNPS: int = 100
#: ... and at least this many of them must be priority SNPs (SNP1–SNP75).
MIN_MACE_PRIORITY_SNPS: int = 1

_SNPS = frozenset(SNP_COLUMNS)
_PRIORITY = frozenset(PRIORITY_SNPS)
_FEATURES = frozenset(FEATURE_COLUMNS)


def _shown(names: list[str], limit: int = 8) -> str:
    text = ", ".join(f"'{n}'" for n in names[:limit])
    return text + (f" … ({len(names)} in all)" if len(names) > limit else "")


def _common(label: str, features: list[str]) -> list[str]:
    """Violations shared by both models: outcomes, ids, unknown or repeated names."""
    problems = []
    leaked = [f for f in features if f in OUTCOMES]
    if leaked:
        problems.append(
            f"{label} model reads the outcome column(s) {_shown(leaked)}: an outcome is never a feature; remove it"
        )
    ids = [f for f in features if f in (ID_COLUMN, TEST_ID)]
    if ids:
        problems.append(
            f"{label} model reads the identifier(s) {_shown(ids)}: ids carry no medical information; remove them"
        )
    unknown = [f for f in features if f not in _FEATURES and f not in OUTCOMES and f not in (ID_COLUMN, TEST_ID)]
    if unknown:
        problems.append(
            f"{label} model declares {_shown(unknown)}, not column(s) of the official files; "
            "declare the official columns it reads (e.g. 'Age_Baseline', 'SNP12')"
        )
    repeated = sorted({f for f in features if features.count(f) > 1})
    if repeated:
        problems.append(f"{label} model declares {_shown(repeated)} more than once; list each column once")
    return problems


def check_feature_rules(
    severity_features: Iterable[str] | None = None,
    mace_features: Iterable[str] | None = None,
) -> list[str]:
    """Every rule violation of the columns two models declare they read.

    Parameters
    ----------
    severity_features : iterable of str, optional
        Columns the SEVERITY model reads; ``None`` skips its checks.
    mace_features : iterable of str, optional
        Columns the MACE model reads; ``None`` skips its checks.

    Returns
    -------
    list of str
        One sentence per violation, naming the columns and the fix; empty when both
        declarations follow the rules.

    Examples
    --------
    >>> check_feature_rules(["Age_Baseline", "Genre", "SNP3"], ["Epaiss_max", "SNP1"])
    []
    """
    problems: list[str] = []
    if severity_features is not None:
        sev = [str(f) for f in severity_features]
        problems += _common("SEVERITY", sev)
        forbidden = [f for f in dict.fromkeys(sev) if f in _FEATURES and f not in SEVERITY_ALLOWED]
        if forbidden:
            problems.append(
                f"SEVERITY model reads {_shown(forbidden)}; it may use only baseline age ('Age_Baseline'), "
                "sex ('Genre') and genetic data ('Variant.Pathogene', 'SNP1'…'SNP288'): drop them"
            )
        if not sev:
            problems.append("SEVERITY model declares no feature; declare the columns it reads")
    if mace_features is not None:
        mace = [str(f) for f in mace_features]
        problems += _common("MACE", mace)
        snps = [f for f in dict.fromkeys(mace) if f in _SNPS]
        priority = [f for f in snps if f in _PRIORITY]
        if len(priority) < MIN_MACE_PRIORITY_SNPS:
            problems.append(
                f"MACE model uses no priority SNP: it must use at least {MIN_MACE_PRIORITY_SNPS} of "
                "'SNP1'…'SNP75'; add one"
            )
        if len(snps) > MAX_MACE_SNPS:
            problems.append(
                f"MACE model uses {len(snps)} SNPs; at most {MAX_MACE_SNPS} are allowed: drop "
                f"{len(snps) - MAX_MACE_SNPS} of them"
            )
    return problems
