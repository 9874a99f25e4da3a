"""The ANNITIA synthetic twin: files with the official layout, drawn from a fibrosis model.

Everything here is synthetic and reconstructed from public facts (the organisers' data
dictionary, published stage-specific event rates); it imitates the official files'
shape, sparsity and traps, not any real patient.

Generative model
----------------
Every patient lives on a yearly grid that starts at the first visit age ``Age_v1``
(whole years, 54 ± 13, 18–87) and runs 40 years.

1. **Statics.** ``gender`` 1/2; ``T2DM``, ``Hypertension``, ``Dyslipidaemia`` and
   ``bariatric_surgery`` coded 0/1/2 (``2`` is kept as a third category; its meaning is
   not documented), drawn together as in the official file (:mod:`hdhkits.annitia.twin_codes`:
   a shared metabolic factor, code 2 in groups, unknown all together);
   ``bariatric_surgery_age`` for operated patients.
2. **Latent fibrosis stage** F0–F4. The baseline stage is an ordinal liability that
   rises with age, female sex and diabetes, and falls with hypertension and
   dyslipidaemia (F0 30 %, F1 25 %, F2 19 %, F3 15 %, F4 11 %). Each year the stage moves
   up one step with probability 4 % × exp(0.3·diabetes + frailty) and down with 2 %. A
   liver event sets the stage to F4 for the hazards (the markers keep reading the
   fibrosis stage).
3. **Hazards.** Liver events: ``λ_L · RR_L[stage]`` per year with the liver-related
   mortality rate ratios vs F0 of Dulai 2017 (1, 1.41, 9.57, 16.7, 42.3). Deaths:
   Sanyal 2021 rates per 100 person-years (F0–2 0.32 on average, split 1 : 1.58 : 2.52
   by the Dulai all-cause ratios; F3 0.89; F4 1.76) × exp(0.09 · (age − 54)),
   × 4 after a liver event. Each patient's liver hazard also carries the disease
   activity that every fibrosis marker reads (log hazard 0.9 per SD) and an unmeasured
   frailty (log-normal, SD 0.45: what no column shows, e.g. alcohol or genetics).
   ``λ_L`` and a common death multiplier are calibrated so that about 4 % of patients
   have a recorded liver event and about 8 % of those with known status a recorded
   death (the official train rates: 3.8 % and 7.7 %).
4. **Visits** (:mod:`hdhkits.annitia.twin_visits`). The number of visits follows the
   official presence of ``Age_vk`` (100 % at v1, 85 % v2, 71 % v3, 54 % v4, 31 % v6, 11 %
   v10, 1 % v16), a little higher at a higher stage; consecutive visits are whole years
   apart, mostly 0–4 (median 1) with the official long tail (2.6 % of gaps above 4 years,
   99th percentile 6, largest about 15: patients lost to follow-up who come back). Visits
   after death are dropped. Two train patients have a long, dense follow-up so that every
   visit column is used, except five late columns left entirely empty in train, as in the
   official file.
5. **Measurements** at each visit come from the fibrosis stage at that age plus a
   patient effect and visit noise, and for the fibrosis markers the disease activity they
   share (inflammation and steatosis move stiffness, FibroTest, AST and platelets
   together whatever the stage). AST rises and ALT barely moves with stage (so the
   AST/ALT ratio rises), and both fall with age; platelets and cholesterol fall;
   FibroScan and Aixplorer stiffness (log-normal, kPa) and FibroTest (logit-normal, 0–1,
   with an age term as in its formula) rise; bilirubin rises at F3–F4, GGT with stage and
   age, glucose and triglycerides after a liver event; BMI and the others have their
   published ranges. Each variable's univariate C (first, last, largest value, number of
   visits measured) for the liver event matches the participants' table of the official
   train file (:mod:`hdhkits.annitia.signal`). Within a patient the values move as much
   as in the official train file (median over patients of the SD of their visits: BMI
   1.18 with a per-patient trend, FibroScan 1.40 kPa, ALT 12.7, platelets 19.4;
   :func:`hdhkits.annitia.visits.visit_figures` measures them). FIB-4 is therefore
   informative where AST, ALT and platelets meet at one visit. Values keep long
   decimals. Which values are measured is :mod:`hdhkits.annitia.twin_panels`: blood
   tests in panels at the official shares, each test at its own rate (ALT ≈ 80 %,
   platelets ≈ 30 %), FibroScan ≈ 70 %, FibroTest ≈ 66 %, Aixplorer ≈ 15 % (more often at
   a higher stage), thinning out at later visits. As in the official files (made with
   noise), a few first-visit values are impossible: negative ``ggt_v1`` and slightly
   negative ``fibrotest_BM_2_v1``, in train and test, at the official rate (4 and 8 in
   1,253 train rows; at least one of each per file); see :mod:`hdhkits.annitia.quirks`.
6. **Outcomes as recorded.** Liver events are recorded up to 5 years after the last
   visit (patients keep coming after one, so an event can precede the last visit; a
   few F4 patients carry an event dated one year before ``Age_v1``). Deaths are
   ascertained up to 0–15 years after the last visit (a registry window, median ≈ 4);
   about 21 % of patients have unknown death status (``death`` and ``death_age_occur``
   empty). Event ages are whole years. The static codes are about 21 % missing in train
   (20.7 % of patients with all four unknown), 2 % in the test file.
7. **Truth.** For the test file the organiser-side truth holds the four targets, the
   first and last visit ages, and the true latent risks: the cumulative hazard of each
   outcome over the first 10 years of the patient's latent path
   (``true_risk_hepatic``, ``true_risk_death``; the liver one includes the frailty).
   Their score is the *oracle*: the generating model's own ranking, a reference, not a
   bound: on C(death) models beat it through follow-up length, which it ignores, and on
   a test file with few events any model can beat it on C(hepatic) by chance.

Difficulty
----------
The markers' spreads, the disease activity and the liver frailty are calibrated on the
participants' univariate C table (mean absolute gap over the 54 liver rows 0.021, largest
0.060, for the mean table of seeds 0–7; death rows 0.055) and on the kit's own
cross-validation of ``02_baseline`` on the official files: the ridge Cox model scores on
the default twins 0.840 on average over seeds 0–7 (official 0.833), 0.833 for seed 0 (C
liver 0.794, C death 0.925) (``benchmarks/bench_annitia_calibration.py``;
``tests/annitia/test_twin_calibration.py`` keeps seed 0 within 0.81–0.87).

Steps
-----
:func:`twin_frames` runs ``_plan`` (statics), ``_simulate`` (latent paths, events,
true risks), ``_record`` (visits and recorded outcomes), ``_measure`` (visit columns)
and ``_write`` (ids, missing codes, the two files' tables with their noise-made values,
the truth), in this order, on one random generator. :func:`make_twin` writes its three
tables to disk (what ``PROBLEM.make_twin`` and ``hdhkits data annitia`` call).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import write_csv
from .columns import (
    CODE_COLUMNS,
    DEATH,
    DEATH_AGE,
    HEPATIC_AGE,
    HEPATIC_EVENT,
    ID,
    N_VISITS,
    STATIC,
    TEST_ID,
    VISIT_VARIABLES,
    train_columns,
    val_test_columns,
)
from .quirks import NEGATIVE_VALUES, negative_value_count, put_negative_values
from .schema import TEST_FILE, TRAIN_FILE, TRUTH_FILE
from .twin_codes import draw_codes, hide_codes
from .twin_panels import presence_masks
from .twin_visits import visit_schedule

__all__ = [
    "EMPTY_TRAIN_COLUMNS",
    "SIZES",
    "STAGE_DEATH_RATE",
    "STAGE_LIVER_RR",
    "TRUTH_COLUMNS",
    "make_twin",
    "twin_frames",
]

#: (train rows, test rows) per twin size; ``full`` keeps the official counts.
SIZES: dict[str, tuple[int, int]] = {"quick": (700, 240), "default": (1253, 423), "full": (1253, 423)}

#: Columns left entirely empty in the twin's train file (the official one has five).
EMPTY_TRAIN_COLUMNS = (
    "plt_v21",
    "fibrotest_BM_2_v21",
    "aixp_aix_result_BM_3_v19",
    "aixp_aix_result_BM_3_v20",
    "aixp_aix_result_BM_3_v21",
)

#: Columns of the organiser-side truth file.
TRUTH_COLUMNS = (
    TEST_ID,
    HEPATIC_EVENT,
    HEPATIC_AGE,
    DEATH,
    DEATH_AGE,
    "Age_v1",
    "last_visit_age",
    "true_risk_hepatic",
    "true_risk_death",
)

#: Liver-related mortality rate ratios vs F0 (Dulai 2017).
STAGE_LIVER_RR = np.array([1.0, 1.41, 9.57, 16.7, 42.3])
#: Deaths per person-year by stage at age 54 (Sanyal 2021; F0–2 split by Dulai's all-cause ratios).
STAGE_DEATH_RATE = np.array([0.32 * 3 / (1 + 1.58 + 2.52) * r for r in (1.0, 1.58, 2.52)] + [0.89, 1.76]) / 100

# Event levels calibrated on seeds 0–7 at default size (tests/annitia/test_twin.py has the tolerances).
_LIVER_BASE = 0.0003
_DEATH_MULT = 0.19
_HORIZON = 40
_MAX_VISITS = 22

# Stage-wise medians of the stage-driven measurements (F0..F4).
_AST = np.array([27.0, 30.0, 35.0, 42.0, 50.0])
_ALT = np.array([33.0, 37.0, 42.0, 45.0, 44.0])
_PLT = np.array([265.0, 258.0, 240.0, 205.0, 160.0])
_FIBROSCAN = np.array([4.4, 5.2, 6.6, 9.0, 14.3])
_AIXPLORER = np.array([4.6, 5.2, 6.3, 8.3, 12.0])
_FIBROTEST = np.array([0.15, 0.21, 0.32, 0.48, 0.70])
# Spread of the fibrosis measurements around their stage median: (patient effect, visit
# noise) SDs, on the log scale for stiffness, the logit scale for FibroTest.
_FIBROSCAN_SD = (0.30, 0.26)
_AIXPLORER_SD = (0.35, 0.10)
_FIBROTEST_SD = (1.2, 0.4)
# Within-patient variation over visits, matched to the official train file (median over
# patients of the SD of their visits: BMI 1.18, FibroScan 1.40 kPa, ALT 12.7, platelets
# 19.4; measured by a participant). BMI drifts: visit noise on the scale of log(BMI - 17) and a
# patient trend in kg/m² per year.
_BMI_SD = (0.45, 0.2, 0.11)  # patient effect, trend per year (kg/m²), visit noise
_ALT_NOISE_SD = 0.39
_PLT_NOISE_SD = 21.5
# SD, on the log-stiffness scale, of the disease activity every fibrosis marker reads
# (inflammation, steatosis and body habitus move stiffness, FibroTest, AST and platelets
# together, whatever the stage); it raises the liver hazard too, so combining markers
# ranks liver events better than any one of them, as on the official file.
_MARKER_SHARED_SD = 0.3
# SD of a patient's unmeasured liver log-hazard (what no column shows).
_LIVER_FRAILTY_SD = 0.45
# Log liver hazard per SD of disease activity (which the fibrosis markers share).
_ACTIVITY_HAZARD = 0.9
# Baseline stage liability: per year of age at the first visit, for women (gender code 2),
# diabetes, hypertension and dyslipidaemia (code 1 or 2); yearly chance of moving up a stage.
# Fitted so that each variable's univariate C matches the official train file's
# (hdhkits.annitia.signal): age 0.57, gender 0.54, T2DM 0.51, dyslipidaemia 0.39.
_STAGE_AGE = 0.02
_STAGE_FEMALE = 0.2
_STAGE_DIABETES = 0.7
_STAGE_HYPERTENSION = -0.2
_STAGE_DYSLIPIDAEMIA = -0.8
_PROGRESSION = 0.04
# Death hazard: log rate ratio per year of age.
_DEATH_AGE = 0.09
# Age effects on ALT and AST (log scale, per year): ALT falls with age, so in the official
# file it is lower in those who die (C death 0.37).
_ALT_AGE = -0.02
_AST_AGE = -0.01
# FibroTest's formula holds age (logit scale per year); GGT rises with age (log scale).
_FIBROTEST_AGE = 0.02
_GGT_AGE = 0.01
# Bilirubin (log scale) at F3-F4 and after a liver event; cholesterol (mmol/L) per stage
# above F2 (lower = riskier officially, C 0.41); glucose and triglycerides (log scale)
# after a liver event (their last values carry liver signal officially, C 0.60-0.62).
_BILIRUBIN = (0.25, 0.1)
_CHOL_STAGE = -0.35
_AFTER_EVENT = (0.7, 0.45)


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class _Plan:
    """Who the patients are: sizes, split, static characteristics, age at the first visit."""

    n_train: int
    n_test: int
    is_test: np.ndarray
    male: np.ndarray
    t2dm: np.ndarray
    hypertension: np.ndarray
    dyslip: np.ndarray
    bariatric: np.ndarray
    age1: np.ndarray

    @property
    def n(self) -> int:
        return self.n_train + self.n_test

    @property
    def diabetic(self) -> np.ndarray:
        return (self.t2dm == 1).astype(float)


@dataclass(frozen=True)
class _Course:
    """What happens to each patient on the yearly grid, whether recorded or not."""

    stage0: np.ndarray  # stage at the first visit
    stage: np.ndarray  # (n, horizon) latent stage, F4 from a liver event on
    fibrosis: np.ndarray  # (n, horizon) the stage the markers read: the event does not move it
    activity: np.ndarray  # disease activity, standard normal: moves the markers and the liver hazard
    liver_year: np.ndarray  # year of the first liver event, -1 if none within the horizon
    death_year: np.ndarray  # year of death, beyond the horizon if none
    true_risk_hepatic: np.ndarray
    true_risk_death: np.ndarray

    @property
    def had_liver(self) -> np.ndarray:
        return self.liver_year >= 0


@dataclass(frozen=True)
class _Record:
    """What the files see: visits and the outcomes as recorded."""

    keep: np.ndarray  # (n, max visits) whether visit k took place
    visit_year: np.ndarray  # (n, max visits) years since Age_v1
    last_year: np.ndarray
    dense: np.ndarray  # the long, dense follow-ups (every visit column used)
    hep_event: np.ndarray
    hep_age: np.ndarray
    death: np.ndarray
    death_age: np.ndarray


def _plan(rng: np.random.Generator, size: str) -> _Plan:
    """Step 1: sizes, split and statics (codes 0/1/2, whole-year ``Age_v1``)."""
    n_train, n_test = SIZES[size]
    n = n_train + n_test
    is_test = np.zeros(n, dtype=bool)
    is_test[n_train:] = True
    male = rng.random(n) < 0.55
    codes = draw_codes(rng, n)
    age1 = np.clip(np.round(rng.normal(54, 13, n)), 18, 87).astype(int)
    return _Plan(
        n_train,
        n_test,
        is_test,
        male,
        t2dm=codes["T2DM"],
        hypertension=codes["Hypertension"],
        dyslip=codes["Dyslipidaemia"],
        bariatric=codes["bariatric_surgery"],
        age1=age1,
    )


def _simulate(rng: np.random.Generator, plan: _Plan) -> _Course:
    """Step 2: latent stage paths, liver events and deaths on the yearly grid; the true risks."""
    n, diabetic = plan.n, plan.diabetic
    liability = (
        _STAGE_AGE * (plan.age1 - 54)
        + _STAGE_FEMALE * ~plan.male
        + _STAGE_DIABETES * (plan.t2dm >= 1)
        + _STAGE_HYPERTENSION * (plan.hypertension >= 1)
        + _STAGE_DYSLIPIDAEMIA * (plan.dyslip >= 1)
        + rng.normal(0, 1.2, n)
    )
    cuts = np.quantile(liability, [0.30, 0.55, 0.74, 0.89])
    stage0 = np.searchsorted(cuts, liability)
    frailty = rng.normal(0, 0.4, n)
    p_up = _PROGRESSION * np.exp(0.3 * diabetic + frailty)
    steps = np.where(rng.random((n, _HORIZON)) < p_up[:, None], 1, np.where(rng.random((n, _HORIZON)) < 0.02, -1, 0))
    stage = np.empty((n, _HORIZON), dtype=int)
    stage[:, 0] = stage0
    for t in range(1, _HORIZON):
        stage[:, t] = np.clip(stage[:, t - 1] + steps[:, t], 0, 4)
    ages = plan.age1[:, None] + np.arange(_HORIZON)[None, :]

    # Liver events; a liver event sets the stage to F4 from then on.
    u_liver = rng.random((n, _HORIZON))
    # Unmeasured liver frailty, mean 1: it blurs what the measurements can tell.
    # Disease activity (inflammation, steatosis: what moves every fibrosis marker besides
    # the stage) raises the liver hazard too; the frailty is what no column shows.
    activity = rng.normal(0, 1, n)
    log_frailty = _ACTIVITY_HAZARD * activity + _LIVER_FRAILTY_SD * rng.normal(0, 1, n)
    liver_frailty = np.exp(log_frailty - (_ACTIVITY_HAZARD**2 + _LIVER_FRAILTY_SD**2) / 2)
    liver_year = np.full(n, -1)
    for t in range(_HORIZON):
        h = _LIVER_BASE * STAGE_LIVER_RR[stage[:, t]] * liver_frailty
        hit = (liver_year < 0) & (u_liver[:, t] < 1 - np.exp(-h))
        liver_year[hit] = t
    had_liver = liver_year >= 0
    after = had_liver[:, None] & (np.arange(_HORIZON)[None, :] >= liver_year[:, None])
    fibrosis = stage
    stage = np.where(after, 4, stage)

    h_death = _DEATH_MULT * STAGE_DEATH_RATE[stage] * np.exp(_DEATH_AGE * (ages - 54)) * np.where(after, 4.0, 1.0)
    died = rng.random((n, _HORIZON)) < 1 - np.exp(-h_death)
    death_year = np.where(died.any(axis=1), died.argmax(axis=1), _HORIZON + 100)
    # True risks: cumulative hazard over the first 10 years of the latent path.
    liver_hazard = _LIVER_BASE * STAGE_LIVER_RR[stage] * liver_frailty[:, None]
    return _Course(
        stage0,
        stage,
        fibrosis,
        activity,
        liver_year,
        death_year,
        true_risk_hepatic=liver_hazard[:, :10].sum(axis=1),
        true_risk_death=h_death[:, :10].sum(axis=1),
    )


def _record(rng: np.random.Generator, plan: _Plan, course: _Course) -> _Record:
    """Step 3: visit schedules, and which events the files record (with their ages)."""
    n, age1 = plan.n, plan.age1
    n_visits, gaps = visit_schedule(rng, course.stage0, _MAX_VISITS)
    # Two long, dense follow-ups in train (visit every year, 22 visits): they use every
    # visit column. Chosen among patients alive at 22 years of follow-up.
    candidates = np.flatnonzero(~plan.is_test & (course.death_year > 22) & (age1 < 65))
    long_ids = rng.choice(candidates, size=2, replace=False)
    n_visits[long_ids] = _MAX_VISITS
    gaps[long_ids, 1:] = 1
    visit_year = np.cumsum(gaps, axis=1)  # years since Age_v1
    keep = (np.arange(_MAX_VISITS)[None, :] < n_visits[:, None]) & (visit_year <= course.death_year[:, None])
    # Follow-up spans at most 21 years, as in the official files.
    keep &= visit_year <= 21
    n_visits = keep.sum(axis=1)
    last_year = np.where(keep, visit_year, 0).max(axis=1)

    registry = np.minimum(15.0, rng.gamma(2.0, 3.5, n))
    death_window = last_year + np.floor(registry)
    death_seen = course.death_year <= death_window
    liver_seen = course.had_liver & (course.liver_year <= last_year + np.minimum(5, np.floor(registry)))
    # A few F4 patients carry a liver event dated before their first visit.
    prevalent = (~liver_seen) & (course.stage0 == 4) & (rng.random(n) < 0.03)
    hep_event = (liver_seen | prevalent).astype(float)
    hep_age = np.where(liver_seen, age1 + course.liver_year, np.where(prevalent, age1 - 1, np.nan))
    p_unknown = np.clip(0.19 + 0.05 * (n_visits <= 2), 0, 1)
    unknown = rng.random(n) < p_unknown
    unknown[long_ids] = False
    death = np.where(unknown, np.nan, death_seen.astype(float))
    death_age = np.where(death == 1, age1 + course.death_year, np.nan)
    dense = np.zeros((n, 1), dtype=bool)
    dense[long_ids] = True
    return _Record(keep, visit_year, last_year, dense, hep_event, hep_age, death, death_age)


def _measure(rng: np.random.Generator, plan: _Plan, course: _Course, record: _Record) -> dict[str, np.ndarray]:
    """Step 4: every visit column (name -> values of all patients), and ``bariatric_surgery_age``."""
    n, V = plan.n, _MAX_VISITS
    visit_year = record.visit_year
    year_idx = np.clip(visit_year, 0, _HORIZON - 1)
    vstage = np.take_along_axis(course.fibrosis, year_idx, axis=1)
    vage = (plan.age1[:, None] + visit_year).astype(float)
    post_liver = course.had_liver[:, None] & (visit_year >= course.liver_year[:, None])
    after_event = course.had_liver[:, None] & (visit_year > course.liver_year[:, None])
    diabetic = plan.diabetic

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0, sd, (n, V))

    def effect(sd: float) -> np.ndarray:
        return rng.normal(0, sd, n)[:, None]

    infl = effect(0.5)
    shared = _MARKER_SHARED_SD * course.activity[:, None]
    surgery_age = np.where(plan.bariatric == 1, plan.age1 + np.round(rng.uniform(-6, 8, n)), np.nan)
    post_surgery = (plan.bariatric == 1)[:, None] & (vage >= surgery_age[:, None])
    values = {
        "Age": vage,
        "BMI": np.clip(
            (17.0 + np.exp(np.log(11.3) + effect(_BMI_SD[0]) + noise(_BMI_SD[2]))) * np.where(post_surgery, 0.78, 1.0)
            + effect(_BMI_SD[1]) * visit_year,
            15.0,
            70.0,
        ),
        "alt": np.exp(np.log(_ALT[vstage]) + _ALT_AGE * (vage - 54) + infl + noise(_ALT_NOISE_SD)),
        "ast": np.exp(np.log(_AST[vstage]) + _AST_AGE * (vage - 54) + 0.6 * infl + 0.15 * shared + noise(0.22)),
        "bilirubin": np.exp(
            np.log(8.0) + _BILIRUBIN[0] * (vstage >= 3) + _BILIRUBIN[1] * post_liver + effect(0.4) + noise(0.25)
        ),
        "chol": np.clip(
            4.9
            - 0.2 * (plan.dyslip == 1)[:, None]
            + _CHOL_STAGE * np.maximum(vstage - 2, 0)
            + effect(0.8)
            + noise(0.45),
            1.5,
            None,
        ),
        "ggt": np.exp(np.log(37.0) + 0.17 * vstage + _GGT_AGE * (vage - 54) + effect(0.75) + noise(0.35)),
        "gluc_fast": 4.0
        + np.exp(np.log(1.1) + 0.95 * diabetic[:, None] + _AFTER_EVENT[0] * after_event + effect(0.55) + noise(0.3)),
        "plt": np.clip(_PLT[vstage] - 60.0 * shared + effect(45.0) + noise(_PLT_NOISE_SD), 25, None),
        "triglyc": np.exp(np.log(1.3) + _AFTER_EVENT[1] * after_event + effect(0.5) + noise(0.3)),
        "aixp_aix_result_BM_3": np.exp(
            np.log(_AIXPLORER[vstage]) + shared + effect(_AIXPLORER_SD[0]) + noise(_AIXPLORER_SD[1])
        ),
        "fibrotest_BM_2": 1
        / (
            1
            + np.exp(
                -(
                    _logit(_FIBROTEST[vstage])
                    + _FIBROTEST_AGE * (vage - 54)
                    + 1.5 * shared
                    + effect(_FIBROTEST_SD[0])
                    + noise(_FIBROTEST_SD[1])
                )
            )
        ),
        "fibs_stiffness_med_BM_1": np.exp(
            np.log(_FIBROSCAN[vstage]) + shared + effect(_FIBROSCAN_SD[0]) + noise(_FIBROSCAN_SD[1])
        ),
    }
    masks = presence_masks(rng, vstage, VISIT_VARIABLES)
    wide: dict[str, np.ndarray] = {"bariatric_surgery_age": surgery_age}
    for var in VISIT_VARIABLES:
        present = masks[var]
        present = (present | record.dense) & record.keep
        vals = np.where(present, values[var], np.nan)
        for k in range(N_VISITS[var]):
            wide[f"{var}_v{k + 1}"] = vals[:, k]
    return wide


def _write(
    rng: np.random.Generator, plan: _Plan, course: _Course, record: _Record, wide: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Step 5: ids, missing codes, the two files in official layout, and the organiser-side truth."""
    n, n_test, is_test = plan.n, plan.n_test, plan.is_test
    ids = rng.choice(np.arange(100_000, 999_999), size=n, replace=False)
    static = {
        "gender": np.where(plan.male, 1.0, 2.0),
        "T2DM": plan.t2dm,
        "Hypertension": plan.hypertension,
        "Dyslipidaemia": plan.dyslip,
        "bariatric_surgery": plan.bariatric,
    }
    frame = pd.DataFrame(
        {
            ID: ids.astype(str),
            **static,
            **wide,
            HEPATIC_EVENT: record.hep_event,
            HEPATIC_AGE: record.hep_age,
            DEATH: record.death,
            DEATH_AGE: record.death_age,
        }
    )
    # Static codes are often missing in train, rarely in test.
    for col, shown in hide_codes(rng, {c: static[c] for c in CODE_COLUMNS}, is_test).items():
        frame[col] = shown
    frame.loc[frame["bariatric_surgery"] != 1, "bariatric_surgery_age"] = np.nan
    assert set(STATIC) <= set(frame.columns)

    train = frame.loc[~is_test, train_columns()].reset_index(drop=True)
    train.loc[:, list(EMPTY_TRAIN_COLUMNS)] = np.nan
    test = frame.loc[is_test].reset_index(drop=True)
    trustii = rng.choice(np.arange(1, 10 * n_test), size=n_test, replace=False)
    test.insert(0, TEST_ID, trustii)
    truth = pd.DataFrame(
        {
            TEST_ID: trustii,
            HEPATIC_EVENT: test[HEPATIC_EVENT],
            HEPATIC_AGE: test[HEPATIC_AGE],
            DEATH: test[DEATH],
            DEATH_AGE: test[DEATH_AGE],
            "Age_v1": test["Age_v1"],
            "last_visit_age": (plan.age1 + record.last_year)[is_test].astype(float),
            "true_risk_hepatic": course.true_risk_hepatic[is_test],
            "true_risk_death": course.true_risk_death[is_test],
        }
    )
    test = test[val_test_columns()]
    # The official files hold a few noise-made negative lab values (train and test): the
    # twin carries them at the official rate, so check warns and the features handle them.
    # They are recording noise, not biology: the truth does not see them.
    for frame in (train, test):
        for column in NEGATIVE_VALUES:
            put_negative_values(frame, column, negative_value_count(column, len(frame)), rng)
    return train, test, truth.loc[:, list(TRUTH_COLUMNS)]


def twin_frames(seed: int = 0, size: str = "default") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Draw the twin's train file, test file and organiser-side truth.

    Parameters
    ----------
    seed : int
        Random seed; the output is a pure function of ``seed`` and ``size``.
    size : {"quick", "default", "full"}
        ``quick`` is smaller (700 / 240 rows); ``default`` and ``full`` have the
        official 1,253 / 423 rows.

    Returns
    -------
    train, test, truth : DataFrame
        ``train`` and ``test`` with the official columns (287 and 284) in official order;
        ``truth`` with :data:`TRUTH_COLUMNS`, one row per test row.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {tuple(SIZES)}, not {size!r}")
    rng = np.random.default_rng(seed)
    plan = _plan(rng, size)
    course = _simulate(rng, plan)
    record = _record(rng, plan, course)
    wide = _measure(rng, plan, course, record)
    return _write(rng, plan, course, record, wide)


def make_twin(data_dir: str | Path, truth_dir: str | Path, seed: int = 0, size: str = "default") -> None:
    """Write the twin: ``train.csv`` and ``val_test.csv`` to ``data_dir``, the truth to ``truth_dir``.

    Parameters
    ----------
    data_dir : str or Path
        Folder for the participant files (exists; the caller makes the write atomic).
    truth_dir : str or Path
        Folder for the organiser-side truth, ``val_test_truth.csv`` (:data:`~hdhkits.annitia.schema.TRUTH_FILE`).
    seed : int
        Random seed; the files are a pure function of ``seed`` and ``size``.
    size : {"quick", "default", "full"}
        As in :func:`twin_frames`.
    """
    train, test, truth = twin_frames(seed=seed, size=size)
    write_csv(train, Path(data_dir) / TRAIN_FILE)
    write_csv(test, Path(data_dir) / TEST_FILE)
    write_csv(truth, Path(truth_dir) / TRUTH_FILE)
