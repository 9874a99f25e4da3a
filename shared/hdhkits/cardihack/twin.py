"""The Cardi-HACK synthetic twin: same files, same columns, same quirks, known truth.

Generative model (every number is a module constant below; the kit README restates it):

1. **Genetics.** ``Variant.Pathogene`` 0/1/2 with the real file's frequencies
   (200/137/10 of 347). Each of the 288 SNPs has the coded-allele frequency of the genotype
   shares participants measured on the official train file
   (:func:`~hdhkits.cardihack.genotypes.official_snp_genotypes`: from 0 to 0.95, median 0.35)
   and its genotypes in Hardy–Weinberg proportions, as there (no official SNP departs from
   them beyond chance: :data:`HWE_BREAKING_SNPS` is empty); the one SNP with a single
   official genotype is monomorphic (:data:`MONOMORPHIC_SNPS`). Neighbours are nearly
   independent, as there: each SNP's latent Gaussian is linked to the previous one's by
   :data:`SNP_LINK`, with a sign fixed per pair
   (:func:`~hdhkits.cardihack.genotypes.draw_genotypes`), so the mean ``|correlation|`` of
   neighbouring SNPs is about the official 0.084. No SNP acts on either outcome
   (:data:`SEVERITY_SNPS` and :data:`MACE_SNPS` are empty): on the official train file the
   SNPs, one at a time, show no more than chance gives for 288 columns. The SNP architecture
   (frequencies, links) does not depend on the seed.
2. **Patients.** Sex ``Genre`` (1 in 32 %), ``Age_Baseline`` ~ Normal, 8 years younger
   for variant carriers, clipped to 14–91.
3. **SEVERITY** ~ Bernoulli(expit(a + :data:`SEVERITY_EFFECTS` on age, sex and the variant)),
   intercept set so the expected prevalence is 117/347. Only columns the SEVERITY rule
   allows act on it, so the true P(severe) is a function of what a SEVERITY model may read.
4. **Clinical columns**, drawn after SEVERITY: a severe phenotype shows in them
   (:data:`SEVERITY_MARKERS`: shifts in SD units for the continuous ones, log-odds for the
   binary ones, a log-factor on the delay from diagnosis to baseline), as ``FEVG`` (LVEF < 50 %,
   part of the phenotype's definition) does most. ``Age_Diag`` = baseline age minus a Gamma
   delay; ``BMI`` log-normal; ``BSA`` a weight-like quantity (BMI × height²) rescaled to the
   real file's 71.7 ± 15 (its unit is not m²); a latent LVOT gradient in mmHg (``Gradient`` =
   1 when >= 30 mmHg, 31 %); ``Epaiss_max`` log-normal (+1.5 mm for carriers); ``Diam_OG``
   rises with age, gradient and thickness; ``TVNS``, ``ATCD_MS``, ``SYNCOPE`` and ``FEVG``
   from small logistic models whose intercepts hit the real prevalences.
5. **MACE** from a Weibull time to event ``T`` with a log-hazard linear in the clinical
   columns, the disease duration (baseline age minus age at diagnosis), the variant and
   SEVERITY (:data:`MACE_EFFECTS`, continuous columns per SD of the official file), and a
   follow-up ``C`` (30 % of patients lost to follow-up uniformly over 0–3,000 days).
   MACE = 1 when ``T <= min(C, 1000)``, 2 when ``1000 < T <= min(C, 3000)``, else 0 (no
   event seen: event-free *or* censored). The Weibull scale and shape are set so the
   expected counts are 29 and 57 of 347.
6. **The file's quirks.** ``Age_Diag`` is 0.0 (unknown) for 2 % of patients and after
   ``Age_Baseline`` (by 0.5–4 years) for 1.5 % (see :mod:`hdhkits.cardihack.quirks`).

**The signal is the official file's.** The effects are not invented one by one: they are
fitted (``tools/cardihack_twin_fit.py``) so that each column's AUC alone for SEVERITY and
for MACE >= 1, averaged over twins, matches what participants measured on the official
train file (:data:`hdhkits.cardihack.signal.OFFICIAL_COLUMN_AUC`): age the strongest signal
for both outcomes, wall thickness and atrial diameter next for MACE, the HCM Risk-SCD inputs
gradient, syncope and NSVT almost nothing. What the official AUCs cannot say (how the
columns combine, the disease duration's part in the weaker ``Age_Diag``, that the clinical
columns follow SEVERITY rather than cause it) is this twin's choice.

True probabilities (``P_SEVERE``, ``P_MACE_0/1/2``) are computed exactly from the model
(the MACE ones by integrating the event density against the follow-up survival). The
oracle's MACE class thresholds the expected code ``P_MACE_1 + 2 P_MACE_2`` at cut points
chosen on the *training* patients' true probabilities and outcomes for the weighted kappa.

Sizes: the official files are small, so every size (``quick``, ``default``, ``full``)
has the official counts, 347 train and 149 test patients.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import expit

from ..files import write_csv
from .genotypes import draw_genotypes, hardy_weinberg_shares, official_snp_genotypes
from .schema import (
    N_SNPS,
    OUTCOME_MACE,
    OUTCOME_SEVERITY,
    SNP_COLUMNS,
    TEST_COLUMNS,
    TEST_ID,
    TRAIN_COLUMNS,
)
from .thresholds import apply_thresholds, fit_kappa_thresholds

__all__ = [
    "ARCHITECTURE_SEED",
    "CLINICAL_SCALES",
    "HWE_BREAKING_SNPS",
    "MACE_EFFECTS",
    "MACE_SNPS",
    "MONOMORPHIC_SNPS",
    "N_TEST",
    "N_TRAIN",
    "SEVERITY_EFFECTS",
    "SEVERITY_MARKERS",
    "SEVERITY_SNPS",
    "SNP_LINK",
    "TARGET_MACE",
    "TARGET_SEVERE",
    "TEST_TRUTH_FILE",
    "TRAIN_TRUTH_FILE",
    "TWIN_SIZES",
    "expected_code",
    "make_twin",
    "simulate_cohort",
    "snp_architecture",
    "twin_frames",
]

N_TRAIN, N_TEST = 347, 149
#: Rows (train, test) per twin size: the official counts for every size.
TWIN_SIZES: dict[str, tuple[int, int]] = {
    "quick": (N_TRAIN, N_TEST),
    "default": (N_TRAIN, N_TEST),
    "full": (N_TRAIN, N_TEST),
}
#: Seed of the SNP architecture (the signs of the links between neighbours), fixed so every twin has the same SNPs.
ARCHITECTURE_SEED = 20251128

#: Prevalences of the real train file.
TARGET_SEVERE = 117 / 347
TARGET_MACE = (261 / 347, 29 / 347, 57 / 347)
VARIANT_P = np.array([200, 137, 10]) / 347
P_GENRE, P_GRADIENT, P_TVNS, P_ATCD, P_SYNCOPE, P_FEVG = 0.32, 0.31, 0.12, 0.09, 0.05, 0.06
P_AGE_DIAG_UNKNOWN = 0.02
#: Share of ``Age_Diag`` written after ``Age_Baseline`` (an impossible date; see ``quirks.py``).
P_AGE_DIAG_AFTER_BASELINE = 0.015
P_LOST_TO_FOLLOW_UP = 0.30
HORIZONS = (1000.0, 3000.0)
#: Delay from diagnosis to the baseline visit (years): Gamma(shape, scale), mean 5, SD 7.
DELAY_GAMMA: tuple[float, float] = (0.5, 10.0)
#: Mean and SD of log(1 + delay) under :data:`DELAY_GAMMA`: the disease duration's scale in MACE's hazard.
DURATION_LOG_SCALE: tuple[float, float] = (1.29, 0.97)
#: (mean, SD) of the official train file's continuous columns: the unit of the effects "per SD".
CLINICAL_SCALES: dict[str, tuple[float, float]] = {
    "Age_Baseline": (54.5, 14.9),
    "BMI": (27.2, 4.5),
    "BSA": (71.7, 15.0),
    "Epaiss_max": (18.5, 4.0),
    "Diam_OG": (41.7, 6.2),
}

#: Log-odds effects on SEVERITY: per SD of baseline age, sex (``Genre`` = 1), carrier of a
#: pathogenic variant, two or more variants. Fitted (see the module docstring).
SEVERITY_EFFECTS: dict[str, float] = {"age_sd": 0.571, "sex": -0.014, "carrier": 0.197, "two_variants": 0.0}
#: How a severe phenotype shows in the clinical columns: log-factor on the delay from diagnosis
#: to baseline, shifts in SD units (``BMI``, ``BSA``, ``Epaiss_max``, ``Diam_OG``), log-odds
#: (the binary columns). Fitted.
SEVERITY_MARKERS: dict[str, float] = {
    "delay": 0.727,
    "BMI": 0.128,
    "BSA": -0.173,
    "Epaiss_max": 0.092,
    "Diam_OG": 0.061,
    "Gradient": -0.063,
    "TVNS": 0.165,
    "FEVG": 2.288,
    "ATCD_MS": 0.041,
    "SYNCOPE": 0.760,
}
#: Log-hazard effects on MACE: per SD (:data:`CLINICAL_SCALES`) of age, disease duration
#: (log scale), BMI, BSA, wall thickness and atrial diameter; per unit of the binary columns,
#: of carrying a variant and of SEVERITY. Fitted, except ``severity``.
MACE_EFFECTS: dict[str, float] = {
    "age_sd": 0.412,
    "duration_sd": 0.676,
    "bmi_sd": 0.211,
    "bsa_sd": -0.006,
    "sex": 0.218,
    "mwt_sd": 0.303,
    "gradient": -0.137,
    "tvns": 0.414,
    "fevg": 1.028,
    "atcd": 0.996,
    "syncope": -0.712,
    "la_sd": 0.232,
    "carrier": 0.526,
    "severity": 0.3,
}
#: SNP -> effect per coded allele (log-odds) on SEVERITY: none (see the module docstring).
SEVERITY_SNPS: dict[str, float] = {}
#: SNP -> effect per coded allele (log-hazard) on MACE: none.
MACE_SNPS: dict[str, float] = {}
#: SNPs with no variation: those with a single genotype in the official shares (all genotype 0).
MONOMORPHIC_SNPS: tuple[str, ...] = ("SNP95",)
#: SNPs drawn out of Hardy–Weinberg equilibrium: none. In the official shares no SNP departs
#: from it beyond chance (smallest Hardy–Weinberg p over the 288 SNPs: 0.004, about what 288
#: tests give), so the twin draws every SNP in Hardy–Weinberg proportions.
HWE_BREAKING_SNPS: tuple[str, ...] = ()
#: The SNP with the highest coded-allele frequency in the official shares, and that frequency
#: (90 % genotype 2, 10 % genotype 1).
TOP_FREQUENCY_SNP, TOP_FREQUENCY = "SNP176", 0.9506
#: Latent correlation of each SNP with the previous one (sign fixed per pair by
#: :data:`ARCHITECTURE_SEED`): neighbouring SNPs correlate at about 0.084 in mean absolute
#: value on 243 patients, as participants measured on the official train file.
SNP_LINK = 0.115

TRAIN_TRUTH_FILE = "train_truth.csv"
TEST_TRUTH_FILE = "test_truth.csv"


def snp_architecture() -> pd.DataFrame:
    """The fixed SNP architecture: each SNP's genotype shares and its link to the previous SNP.

    Returns
    -------
    DataFrame
        Indexed by SNP name: ``freq`` (the coded-allele frequency of the official shares,
        ``(share_1 + 2 share_2) / 2``), ``share_0``, ``share_1``, ``share_2`` (the
        Hardy–Weinberg shares of that frequency, which the twin draws) and ``link`` (the
        latent correlation with the previous SNP, ``±`` :data:`SNP_LINK`; 0 for ``SNP1``).
    """
    official = official_snp_genotypes().loc[list(SNP_COLUMNS)]
    freq = ((official["share_1"] + 2 * official["share_2"]) / 2).clip(0, 1)
    shares = pd.DataFrame(hardy_weinberg_shares(freq), index=official.index, columns=["share_0", "share_1", "share_2"])
    links = SNP_LINK * np.random.default_rng(ARCHITECTURE_SEED).choice([-1.0, 1.0], size=N_SNPS)
    links[0] = 0.0
    return shares.assign(freq=freq, link=links)[["freq", "share_0", "share_1", "share_2", "link"]]


def _genotypes(rng: np.random.Generator, n: int, arch: pd.DataFrame) -> np.ndarray:
    """Genotypes (n, N_SNPS) in 0/1/2: the architecture's shares, each SNP weakly linked to the previous one."""
    shares = arch[["share_0", "share_1", "share_2"]].to_numpy()
    return draw_genotypes(rng, n, shares, arch["link"].to_numpy())


def _intercept(lp: np.ndarray, target: float) -> float:
    """Intercept a such that mean(expit(a + lp)) == target."""
    return float(optimize.brentq(lambda a: expit(a + lp).mean() - target, -30, 30))


def _snp_score(genotypes: pd.DataFrame, effects: dict[str, float], arch: pd.DataFrame) -> np.ndarray:
    """Sum of per-allele effects, each SNP centred on its expected count (0 when there is no effect)."""
    score = np.zeros(len(genotypes))
    freq = arch["freq"]
    for snp, w in effects.items():
        score += w * (genotypes[snp].to_numpy() - 2 * freq[snp])
    return score


def _mace_probabilities(lp: np.ndarray, log_scale: float, shape: float) -> np.ndarray:
    """P(MACE = 0/1/2) under the Weibull event time and the follow-up censoring, (n, 3)."""
    t = np.linspace(0, HORIZONS[1], 301)
    cumhaz = np.exp(log_scale + lp)[:, None] * (t[None, :] / HORIZONS[0]) ** shape
    dF = -np.diff(np.exp(-cumhaz), axis=1)  # P(event in each step)
    mid = (t[1:] + t[:-1]) / 2
    followed = 1 - P_LOST_TO_FOLLOW_UP * mid / HORIZONS[1]  # P(C > t), lost uniformly over 0–3,000 d
    p_event = dF * followed[None, :]
    p1 = p_event[:, mid <= HORIZONS[0]].sum(1)
    p2 = p_event[:, mid > HORIZONS[0]].sum(1)
    return np.column_stack([1 - p1 - p2, p1, p2])


def _calibrate_weibull(lp: np.ndarray) -> tuple[float, float]:
    """Log-scale and shape so the expected MACE 1 and 2 proportions hit the real ones.

    Calibrated on at most 5,000 patients (all of a twin's; a subsample of the large cohorts
    the effects are fitted on, where the integral over every patient would be slow).
    """
    lp = lp[:: max(1, len(lp) // 5000)]

    def gap(params: np.ndarray) -> np.ndarray:
        probs = _mace_probabilities(lp, params[0], np.exp(params[1]))
        return probs[:, 1:].mean(0) - np.asarray(TARGET_MACE[1:])

    fit = optimize.least_squares(gap, x0=[-2.5, 0.0], xtol=1e-12, ftol=1e-12)
    return float(fit.x[0]), float(np.exp(fit.x[1]))


def _long_floats(rng: np.random.Generator, x: np.ndarray, share_whole: float) -> np.ndarray:
    """Round a share of the values to whole numbers and leave the rest with all their decimals."""
    whole = rng.random(len(x)) < share_whole
    return np.where(whole, np.round(x), x)


def _simulate_genetics(
    rng: np.random.Generator, snp_rng: np.random.Generator, n: int, arch: pd.DataFrame
) -> tuple[np.ndarray, pd.DataFrame]:
    """Step 1: the pathogenic-variant count (0/1/2) and the 288 genotypes (from their own generator)."""
    variant = rng.choice(3, size=n, p=VARIANT_P)
    snps = pd.DataFrame(_genotypes(snp_rng, n, arch), columns=list(SNP_COLUMNS))
    return variant, snps


def _binary_trait(rng: np.random.Generator, lp: np.ndarray, prevalence: float) -> np.ndarray:
    """0/1 draws from ``expit(a + lp)``, the intercept ``a`` set for the expected prevalence."""
    return (rng.random(len(lp)) < expit(_intercept(lp, prevalence) + lp)).astype(int)


def _z(x: np.ndarray, column: str) -> np.ndarray:
    """``x`` in SD units of the official file's column (:data:`CLINICAL_SCALES`)."""
    mean, sd = CLINICAL_SCALES[column]
    return (x - mean) / sd


def _simulate_patients(rng: np.random.Generator, carrier: np.ndarray) -> dict[str, np.ndarray]:
    """Step 2: sex and baseline age (variant carriers 8 years younger)."""
    n = len(carrier)
    genre = (rng.random(n) < P_GENRE).astype(int)
    age = np.clip(rng.normal(57.9 - 8.0 * carrier, 14.3), 14, 91)
    return {"Genre": genre, "Age_Baseline": age}


def _simulate_severity(
    rng: np.random.Generator,
    patients: dict,
    variant: np.ndarray,
    snps: pd.DataFrame,
    arch: pd.DataFrame,
    effects: dict[str, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Step 3: P(severe) and SEVERITY, from the columns the SEVERITY rule allows."""
    lp = (
        effects["age_sd"] * _z(patients["Age_Baseline"], "Age_Baseline")
        + effects["sex"] * patients["Genre"]
        + effects["carrier"] * (variant >= 1)
        + effects["two_variants"] * (variant == 2)
        + _snp_score(snps, SEVERITY_SNPS, arch)
    )
    p_severe = expit(_intercept(lp, TARGET_SEVERE) + lp)
    return p_severe, (rng.random(len(lp)) < p_severe).astype(int)


def _simulate_clinical(
    rng: np.random.Generator, patients: dict, carrier: np.ndarray, severity: np.ndarray, markers: dict[str, float]
) -> dict[str, np.ndarray]:
    """Step 4: the clinical columns (true values, before the file's quirks), a severe phenotype showing in them."""
    n, age, genre = len(carrier), patients["Age_Baseline"], patients["Genre"]
    s = severity - TARGET_SEVERE  # centred, so the marginals stay those of the real file
    delay = rng.gamma(*DELAY_GAMMA, n) * np.exp(markers["delay"] * s)
    bmi = np.clip(np.exp(rng.normal(np.log(27.2) - 0.0135, 0.164, n) + markers["BMI"] * 0.164 * s), 15, 60)
    height = np.where(genre == 1, rng.normal(1.63, 0.065, n), rng.normal(1.76, 0.07, n))
    weight_like = bmi * height**2
    bsa = 71.7 + 15.0 * ((weight_like - weight_like.mean()) / weight_like.std() + markers["BSA"] * s)
    gradient = _binary_trait(rng, markers["Gradient"] * severity, P_GRADIENT)
    lvot = np.where(gradient == 1, 30 + rng.gamma(2.0, 17.5, n), np.minimum(rng.gamma(2.0, 5.0, n), 29.5))
    mwt = np.clip(
        np.exp(rng.normal(np.log(17.9) - 0.0226, 0.212, n)) + 1.5 * carrier + 4.0 * markers["Epaiss_max"] * s, 9, 41
    )
    la = np.clip(
        40.77
        + 0.08 * (age - 54.5)
        + 3.0 * gradient
        + 0.2 * (mwt - 18.5)
        + 5.6 * markers["Diam_OG"] * s
        + rng.normal(0, 5.6, n),
        25,
        70,
    )
    z_mwt, z_age = _z(mwt, "Epaiss_max"), _z(age, "Age_Baseline")
    return {
        "Age_Diag": np.clip(age - delay, 5, None),
        "DELAY": age - np.clip(age - delay, 5, None),
        "BMI": bmi,
        "BSA": bsa,
        "Epaiss_max": mwt,
        "Gradient": gradient,
        "Diam_OG": la,
        "LVOT_MMHG": lvot,
        "TVNS": _binary_trait(rng, 0.6 * z_mwt + 0.2 * z_age + markers["TVNS"] * severity, P_TVNS),
        "ATCD_MS": _binary_trait(rng, 0.8 * carrier + markers["ATCD_MS"] * severity, P_ATCD),
        "SYNCOPE": _binary_trait(rng, 0.5 * z_mwt - 0.3 * z_age + markers["SYNCOPE"] * severity, P_SYNCOPE),
        "FEVG": _binary_trait(rng, markers["FEVG"] * severity, P_FEVG),
    }


def _mace_linear_predictor(
    patients: dict,
    clinical: dict,
    variant: np.ndarray,
    severity: np.ndarray,
    snps: pd.DataFrame,
    arch: pd.DataFrame,
    effects: dict[str, float],
) -> np.ndarray:
    """MACE's log-hazard (before the Weibull scale): the clinical columns, duration, variant, SEVERITY."""
    e = effects
    duration = (np.log1p(clinical["DELAY"]) - DURATION_LOG_SCALE[0]) / DURATION_LOG_SCALE[1]
    return (
        e["age_sd"] * _z(patients["Age_Baseline"], "Age_Baseline")
        + e["duration_sd"] * duration
        + e["bmi_sd"] * _z(clinical["BMI"], "BMI")
        + e["bsa_sd"] * _z(clinical["BSA"], "BSA")
        + e["sex"] * patients["Genre"]
        + e["mwt_sd"] * _z(clinical["Epaiss_max"], "Epaiss_max")
        + e["gradient"] * clinical["Gradient"]
        + e["tvns"] * clinical["TVNS"]
        + e["fevg"] * clinical["FEVG"]
        + e["atcd"] * clinical["ATCD_MS"]
        + e["syncope"] * clinical["SYNCOPE"]
        + e["la_sd"] * _z(clinical["Diam_OG"], "Diam_OG")
        + e["carrier"] * (variant >= 1)
        + e["severity"] * severity
        + _snp_score(snps, MACE_SNPS, arch)
    )


def _simulate_mace(rng: np.random.Generator, lp: np.ndarray) -> dict[str, np.ndarray]:
    """Step 5: the Weibull event time, the follow-up, the MACE class and its true probabilities."""
    n = len(lp)
    lp = lp - lp.mean()
    log_scale, shape = _calibrate_weibull(lp)
    p_mace = _mace_probabilities(lp, log_scale, shape)
    event = HORIZONS[0] * (-np.log(rng.random(n)) / np.exp(log_scale + lp)) ** (1 / shape)
    followup = np.where(rng.random(n) < P_LOST_TO_FOLLOW_UP, rng.uniform(0, HORIZONS[1], n), np.inf)
    seen = event <= followup
    mace = np.where(seen & (event <= HORIZONS[0]), 1, np.where(seen & (event <= HORIZONS[1]), 2, 0))
    return {"p_mace": p_mace, "mace": mace, "event": event, "followup": followup}


def _file_quirks(rng: np.random.Generator, age: np.ndarray, age_diag: np.ndarray) -> np.ndarray:
    """Step 6: ``Age_Diag`` as the file writes it: 0.0 when unknown, a few after the baseline visit."""
    n = len(age)
    after = rng.random(n) < P_AGE_DIAG_AFTER_BASELINE
    age_diag = np.where(after, np.minimum(age + rng.uniform(0.5, 4.0, n), 95.0), age_diag)
    return np.where(rng.random(n) < P_AGE_DIAG_UNKNOWN, 0.0, age_diag)


def simulate_cohort(
    n: int, seed: int = 0, effects: dict[str, dict[str, float]] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate ``n`` patients: the file columns and their truth.

    The steps follow the module docstring: genetics, patients, SEVERITY, clinical columns,
    MACE, then the file's quirks.

    Parameters
    ----------
    n : int
        Number of patients.
    seed : int
        Seed of the patients (the SNP architecture is fixed).
    effects : dict, optional
        ``{"severity": ..., "markers": ..., "mace": ...}`` replacing :data:`SEVERITY_EFFECTS`,
        :data:`SEVERITY_MARKERS` and :data:`MACE_EFFECTS` (any key left out keeps the
        module's); what ``tools/cardihack_twin_fit.py`` varies to fit them.

    Returns
    -------
    features : DataFrame
        The train-file columns (without ``ID``), outcomes included.
    truth : DataFrame
        ``P_SEVERE``, ``P_MACE_0``, ``P_MACE_1``, ``P_MACE_2``, ``LVOT_MMHG``,
        ``EVENT_DAYS``, ``FOLLOWUP_DAYS``.
    """
    effects = {"severity": SEVERITY_EFFECTS, "markers": SEVERITY_MARKERS, "mace": MACE_EFFECTS, **(effects or {})}
    rng = np.random.default_rng([seed, 7301])
    arch = snp_architecture()
    # the SNPs draw from their own stream: how they are drawn leaves every other column as it is
    variant, snps = _simulate_genetics(rng, np.random.default_rng([seed, 7303]), n, arch)
    carrier = (variant >= 1).astype(float)
    patients = _simulate_patients(rng, carrier)
    p_severe, severity = _simulate_severity(rng, patients, variant, snps, arch, effects["severity"])
    clinical = _simulate_clinical(rng, patients, carrier, severity, effects["markers"])
    mace = _simulate_mace(
        rng, _mace_linear_predictor(patients, clinical, variant, severity, snps, arch, effects["mace"])
    )
    age_diag = _file_quirks(rng, patients["Age_Baseline"], clinical["Age_Diag"])

    features = pd.DataFrame(
        {
            "Age_Baseline": patients["Age_Baseline"],
            "Age_Diag": age_diag,
            "BMI": clinical["BMI"],
            "BSA": clinical["BSA"],
            "Genre": patients["Genre"],
            "Epaiss_max": _long_floats(rng, clinical["Epaiss_max"], 0.7),
            "Gradient": clinical["Gradient"],
            "TVNS": clinical["TVNS"],
            "FEVG": clinical["FEVG"],
            "ATCD_MS": clinical["ATCD_MS"],
            "SYNCOPE": clinical["SYNCOPE"],
            "Diam_OG": _long_floats(rng, clinical["Diam_OG"], 0.7),
            OUTCOME_SEVERITY: severity,
            OUTCOME_MACE: mace["mace"],
            "Variant.Pathogene": variant,
        }
    )
    features = pd.concat([features, snps], axis=1)
    p_mace, followup = mace["p_mace"], mace["followup"]
    truth = pd.DataFrame(
        {
            "P_SEVERE": p_severe,
            "P_MACE_0": p_mace[:, 0],
            "P_MACE_1": p_mace[:, 1],
            "P_MACE_2": p_mace[:, 2],
            "LVOT_MMHG": clinical["LVOT_MMHG"],
            "EVENT_DAYS": mace["event"],
            "FOLLOWUP_DAYS": np.where(np.isinf(followup), np.nan, followup),
        }
    )
    return features, truth


def expected_code(truth: pd.DataFrame) -> np.ndarray:
    """The true expected MACE code ``P_MACE_1 + 2 P_MACE_2`` of a truth table, which the oracle's cut points apply to.

    Parameters
    ----------
    truth : DataFrame
        Holds the true probabilities ``P_MACE_1`` and ``P_MACE_2`` (the twin's truth tables).

    Returns
    -------
    ndarray
        One value per row, in ``[0, 2]``.
    """
    return truth["P_MACE_1"].to_numpy() + 2 * truth["P_MACE_2"].to_numpy()


def _plan(size: str) -> tuple[int, int]:
    """Plan: the (train, test) patient counts of a twin size."""
    if size not in TWIN_SIZES:
        raise ValueError(f"size must be one of {tuple(TWIN_SIZES)}, not {size!r}")
    return TWIN_SIZES[size]


def _record(
    cohort: pd.DataFrame, truth: pd.DataFrame, n_train: int, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """Record: split the simulated patients into the participant files and the organiser-side truth.

    Adds the shuffled ``ID``, numbers the test patients (``trustii_id``), computes the
    oracle's MACE class (cut points chosen on the training patients) and shuffles the test
    rows, ``trustii_id`` kept with its patient.
    """
    n_test = len(cohort) - n_train
    cohort.insert(0, "ID", rng.permutation(np.arange(1, len(cohort) + 1)))  # a shuffled patient number
    train, test = cohort.iloc[:n_train].reset_index(drop=True), cohort.iloc[n_train:].reset_index(drop=True)
    truth_train, truth_test = truth.iloc[:n_train].reset_index(drop=True), truth.iloc[n_train:].reset_index(drop=True)

    cuts = fit_kappa_thresholds(expected_code(truth_train), train[OUTCOME_MACE].to_numpy())
    test.insert(0, TEST_ID, np.arange(1, n_test + 1))
    test_truth = pd.concat([test[[TEST_ID, OUTCOME_MACE, OUTCOME_SEVERITY]], truth_test], axis=1)
    test_truth["ORACLE_MACE"] = apply_thresholds(expected_code(truth_test), cuts)
    order = rng.permutation(n_test)  # rows shuffled, trustii_id kept with its patient
    test, test_truth = test.iloc[order].reset_index(drop=True), test_truth.iloc[order].reset_index(drop=True)
    train_truth = pd.concat([train[["ID"]], truth_train], axis=1)
    return {
        "train": train[list(TRAIN_COLUMNS)],
        "test": test[list(TEST_COLUMNS)],
        "train_truth": train_truth,
        "test_truth": test_truth,
    }


def twin_frames(seed: int = 0, size: str = "default") -> dict[str, pd.DataFrame]:
    """The twin's four tables in memory: ``train``, ``test``, ``train_truth`` and ``test_truth``.

    Steps: plan (the counts of ``size``), simulate (:func:`simulate_cohort`), record
    (the files and the truth). ``test_truth`` holds ``trustii_id``, both outcomes, the
    true probabilities and ``ORACLE_MACE`` (the oracle's class, see the module
    docstring); ``train_truth`` holds ``ID``, the true probabilities and the latent LVOT
    gradient, event time and follow-up.

    Parameters
    ----------
    seed : int
        Seed of the patients (the SNP architecture is fixed).
    size : {"quick", "default", "full"}
        Twin size; every size has the official counts (347 train, 149 test).

    Returns
    -------
    dict of str to DataFrame
    """
    n_train, n_test = _plan(size)
    cohort, truth = simulate_cohort(n_train + n_test, seed)
    return _record(cohort, truth, n_train, np.random.default_rng([seed, 7302]))


def make_twin(data_dir: str | Path, truth_dir: str | Path, seed: int = 0, size: str = "default") -> None:
    """Write the twin: ``train.csv``, ``test.csv`` into ``data_dir`` and the truth tables into ``truth_dir``.

    What ``PROBLEM.make_twin`` does; the truth folder gets ``test_truth.csv`` and
    ``train_truth.csv`` (keep them away from participants).

    Parameters
    ----------
    data_dir, truth_dir : str or Path
        Existing folders.
    seed : int
        Seed of the patients.
    size : {"quick", "default", "full"}
        Twin size (all have the official counts).
    """
    frames = twin_frames(seed, size)
    write_csv(frames["train"], Path(data_dir) / "train.csv")
    write_csv(frames["test"], Path(data_dir) / "test.csv")
    write_csv(frames["test_truth"], Path(truth_dir) / TEST_TRUTH_FILE)
    write_csv(frames["train_truth"], Path(truth_dir) / TRAIN_TRUTH_FILE)
