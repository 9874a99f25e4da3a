"""Repeated cross-validation of each outcome and of pairs, shared folds, intervals and paired differences,
modelling limits on odd tables, the nested choice."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import (
    OUTCOME_MACE,
    OUTCOME_SEVERITY,
    PROBLEM,
    baselines,
    comparison,
    declared_features,
    evaluation,
    make_submission,
    validate_submission_and_rules,
)
from hdhkits.cardihack.candidates import candidates_for, modelling_limits
from hdhkits.cardihack.pair import BestPerOutcome, Pair
from hdhkits.cardihack.signal import column_auc_intervals
from hdhkits.findings import errors
from hdhkits.problem import NOTEBOOKS
from hdhkits.quirks import copy_data
from hdhkits.runner import run_kit
from hdhkits.submission import read_submission
from sklearn.base import clone
from sklearn.dummy import DummyClassifier


@pytest.fixture(scope="module")
def train(twin):
    return pd.read_csv(twin("cardihack").data_dir / "train.csv")


def _constants(p="prevalence") -> Pair:
    severity = DummyClassifier(strategy="prior") if p == "prevalence" else baselines.ConstantProbability(p)
    return Pair(severity, baselines.ConstantClass())


def test_same_seed_same_folds_for_every_pair(train):
    a = evaluation.cross_validate_pair("a", _constants(), train, n_splits=3, n_repeats=1, seed=5)
    b = evaluation.cross_validate_pair("b", _constants(), train, n_splits=3, n_repeats=1, seed=5)
    assert np.array_equal(a.severity, b.severity)
    folds = evaluation.cv_folds(train, 3, seed=5)
    for _, held in folds:  # one training prevalence per fold, learnt on the other folds
        assert np.unique(a.severity[0, held]).size == 1


def _old_cross_validation(severity_model, mace_model, train, n_splits, n_repeats, seed):
    """The loop cross_validate_pair ran before it used hdhkits.evaluation.out_of_fold, written out."""
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    y_sev, y_mace = train["OUTCOME SEVERITY"].to_numpy(int), train["OUTCOME MACE"].to_numpy(int)
    sev, mace = np.zeros((n_repeats, len(train))), np.zeros((n_repeats, len(train)), dtype=int)
    for r in range(n_repeats):
        folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed + r)
        for fit_idx, held_idx in folds.split(np.zeros(len(train)), evaluation.strata(train)):
            s = clone(severity_model).fit(train.iloc[fit_idx], y_sev[fit_idx])
            m = clone(mace_model).fit(train.iloc[fit_idx], y_mace[fit_idx])
            sev[r, held_idx] = s.predict_proba(train.iloc[held_idx])[:, 1]
            mace[r, held_idx] = m.predict(train.iloc[held_idx])
    return sev, mace


def test_shared_helpers_give_the_numbers_of_the_old_loops(train):
    from hdhkits.cardihack.riskscd import RiskSCDClassifier
    from hdhkits.stats import bootstrap_interval

    sev_model, mace_model = baselines.ConstantProbability("weighted"), RiskSCDClassifier()
    result = evaluation.cross_validate_pair("p", Pair(sev_model, mace_model), train, n_splits=4, n_repeats=2, seed=3)
    sev, mace = _old_cross_validation(sev_model, mace_model, train, 4, 2, 3)
    assert np.array_equal(result.severity, sev) and np.array_equal(result.mace, mace)
    row = comparison.summarize(result, n_boot=40, seed=1)
    group = 3 * result.y_severity + result.y_mace
    for part in ("score", "kappa_mace", "severity_rescaled"):
        old = bootstrap_interval(lambda idx, p=part: result.parts(idx)[p], len(train), n_boot=40, seed=1, strata=group)
        assert (row[part], row[f"{part} low"], row[f"{part} high"]) == (old.estimate, old.low, old.high)


def _cheap_candidates():
    from hdhkits.cardihack.riskscd import ESC_BANDS, RiskSCDClassifier

    severity = {
        "prevalence": DummyClassifier(strategy="prior"),
        "weighted": baselines.ConstantProbability("weighted"),
    }
    mace = {"fitted cut points": RiskSCDClassifier(), "ESC bands": RiskSCDClassifier(thresholds=ESC_BANDS)}
    return severity, mace


def test_outcome_cross_validations_combine_into_the_pair_s(train):
    from hdhkits.cardihack.riskscd import RiskSCDClassifier

    sev = evaluation.cross_validate_outcome(
        "s", baselines.ConstantProbability("weighted"), train, "OUTCOME SEVERITY", 4, 2, 3
    )
    mace = evaluation.cross_validate_outcome("m", RiskSCDClassifier(), train, "OUTCOME MACE", 4, 2, 3)
    pair = evaluation.cross_validate_pair(
        "p",
        Pair(baselines.ConstantProbability("weighted"), RiskSCDClassifier()),
        train,
        n_splits=4,
        n_repeats=2,
        seed=3,
    )
    combined = evaluation.combine(sev, mace, "p")
    assert np.array_equal(combined.severity, pair.severity) and np.array_equal(combined.mace, pair.mace)
    assert combined.parts() == pytest.approx(pair.parts())
    assert sev.part == "severity_rescaled" and mace.part == "kappa_mace"
    assert mace.value() == pytest.approx(pair.parts()["kappa_mace"])
    assert sev.value(repeat=0) == pytest.approx(pair.per_repeat.loc[0, "severity_rescaled"])
    with pytest.raises(ValueError, match="outcome must be"):
        evaluation.cross_validate_outcome("x", RiskSCDClassifier(), train, "MACE", 4, 1, 0)


def test_fast_metric_helpers_are_the_metric_s():
    from hdhkits.cardihack.metric import rescaled_severity, weighted_kappa, weighted_logloss

    rng = np.random.default_rng(0)
    for _ in range(50):
        y, pred = rng.integers(0, 3, 60), rng.integers(0, 3, 60)
        assert evaluation._kappa(y, pred) == pytest.approx(weighted_kappa(y, pred), abs=1e-12)
        ys, p = rng.integers(0, 2, 60), rng.random(60)
        assert evaluation._logloss(ys, p) == pytest.approx(weighted_logloss(ys, p), abs=1e-12)
        assert evaluation._rescaled(ys, p[None]) == pytest.approx(rescaled_severity(ys, p), abs=1e-12)
    assert evaluation._kappa(np.zeros(5, int), np.zeros(5, int)) != evaluation._kappa(
        np.zeros(5, int), np.zeros(5, int)
    )


def test_folds_exist_whatever_the_outcome_mix(train):
    rare = train.copy()
    rare.loc[rare["OUTCOME MACE"] == 1, "OUTCOME MACE"] = 0
    severe = rare.index[rare["OUTCOME SEVERITY"] == 1]
    rare.loc[severe[3:], "OUTCOME SEVERITY"] = 0  # three severe patients: strata smaller than the folds
    folds = evaluation.cv_folds(rare, 5, seed=0)
    held = np.sort(np.concatenate([h for _, h in folds]))
    assert len(folds) == 5 and np.array_equal(held, np.arange(len(rare)))
    assert [h.tolist() for _, h in evaluation.cv_folds(train, 5, seed=0)] == [
        h.tolist()
        for _, h in __import__("sklearn.model_selection", fromlist=["StratifiedKFold"])
        .StratifiedKFold(5, shuffle=True, random_state=0)
        .split(np.zeros(len(train)), evaluation.strata(train))
    ]


def test_modelling_limits_say_why_and_what_instead(train):
    assert modelling_limits(train) == {"OUTCOME SEVERITY": None, "OUTCOME MACE": None}
    few = train.copy()
    few.loc[few.index[few["OUTCOME SEVERITY"] == 1][4:], "OUTCOME SEVERITY"] = 0
    few.loc[few.index[few["OUTCOME MACE"] >= 1][7:], "OUTCOME MACE"] = 0
    limits = modelling_limits(few)
    assert "only 4 training patients are severe" in limits["OUTCOME SEVERITY"]
    assert "weighted prevalence" in limits["OUTCOME SEVERITY"]
    assert (
        "only 7 training patients have a MACE" in limits["OUTCOME MACE"]
        and "breaks the MACE rule" in limits["OUTCOME MACE"]
    )
    severity, mace, _ = candidates_for(few)
    assert list(severity) == ["weighted prevalence (constant)"] and list(mace) == ["no event (constant)"]


def test_nested_choice_chooses_inside_each_fold_and_reuses_the_outer_predictions(train):
    severity, mace = _cheap_candidates()
    cv = {n: evaluation.cross_validate_outcome(n, m, train, "OUTCOME SEVERITY", 4, 1, 2) for n, m in severity.items()}
    cv.update({n: evaluation.cross_validate_outcome(n, m, train, "OUTCOME MACE", 4, 1, 2) for n, m in mace.items()})
    # Risk-SCD reads no SNP: the rules are not enforced for these cheap stand-ins
    reused = evaluation.nested_choice(
        severity, mace, train, n_splits=4, inner_splits=3, seed=2, outer=cv, enforce_rules=False
    )
    refitted = evaluation.nested_choice(severity, mace, train, n_splits=4, inner_splits=3, seed=2, enforce_rules=False)
    assert np.allclose(reused.result.severity, refitted.result.severity)
    assert np.array_equal(reused.result.mace, refitted.result.mace)
    assert list(reused.choices.columns) == ["fold", "SEVERITY", "MACE"] and len(reused.choices) == 4
    assert set(reused.choices["SEVERITY"]) <= set(severity) and set(reused.choices["MACE"]) <= set(mace)
    # the weighted prevalence is the best constant under the weighted log-loss: chosen in every fold
    assert set(reused.choices["SEVERITY"]) == {"weighted"}


# -- odd training tables: the candidates, their fallback and the notebooks --------------------------
# Whatever ``check`` accepts, the kit runs: odd training tables, at package level and once through the notebooks.
#
# The odd tables: a clinical column entirely empty, another constant, a MACE class absent, very
# few severe patients (too few to model: a constant takes over and says so), very few events.
# The package-level tests fit each candidate once (a few seconds); the notebook-level test runs
# the three notebooks once, quick, on a folder holding every oddity at once (about 40 s on 2 cores).


def _odd(train: pd.DataFrame, severe: int) -> pd.DataFrame:
    """Epaiss_max empty, Diam_OG constant, no MACE class 1, only ``severe`` severe patients."""
    odd = train.assign(Epaiss_max=np.nan, Diam_OG=40.0)
    odd.loc[odd[OUTCOME_MACE] == 1, OUTCOME_MACE] = 0
    odd.loc[odd.index[odd[OUTCOME_SEVERITY] == 1][severe:], OUTCOME_SEVERITY] = 0
    return odd


def test_every_candidate_fits_and_predicts_on_odd_columns(data):
    train, test = data
    odd = _odd(train, severe=12)
    severity, mace, limits = candidates_for(odd)
    assert limits == {OUTCOME_SEVERITY: None, OUTCOME_MACE: None}  # 12 severe: still modelled
    for name, model in severity.items():
        p = clone(model).fit(odd, odd[OUTCOME_SEVERITY]).predict_proba(test)[:, 1]
        assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all(), name
    for name, model in mace.items():
        pred = clone(model).fit(odd, odd[OUTCOME_MACE]).predict(test)
        assert set(pred) <= {0, 1, 2}, name
    intervals = column_auc_intervals(odd, n_boot=10)
    assert intervals.loc[intervals["column"] == "Epaiss_max", "auc"].isna().all()


def test_too_few_to_model_gives_constants_that_say_so(data):
    train, test = data
    few = _odd(train, severe=5)
    few.loc[few.index[few[OUTCOME_MACE] >= 1][6:], OUTCOME_MACE] = 0
    severity, mace, limits = candidates_for(few)
    assert all(limits.values()) and limits == modelling_limits(few)
    kit_pair = BestPerOutcome(n_repeats=1).fit(few)
    submission = make_submission(kit_pair, test)
    assert kit_pair.limits_ == limits and (set(severity), set(mace)) == (
        {kit_pair.severity_name_},
        {kit_pair.mace_name_},
    )
    assert kit_pair.chosen_name == "SEVERITY: weighted prevalence (constant) + MACE: no event (constant)"
    assert (submission[OUTCOME_MACE] == 0).all() and submission[OUTCOME_SEVERITY].nunique() == 1


def test_the_rule_check_names_the_mace_constant(twin, data):
    train, test = data
    few = train.copy()
    few.loc[few.index[few[OUTCOME_MACE] >= 1][6:], OUTCOME_MACE] = 0
    kit_pair = BestPerOutcome(n_repeats=1).fit(few)
    submission = make_submission(kit_pair, test)
    problems = validate_submission_and_rules(submission, twin("cardihack").data_dir, model=kit_pair)
    assert [p.kind for p in errors(problems)] == ["feature_rule"] and "priority SNP" in problems[0].message
    assert declared_features(kit_pair.mace_) == [] and kit_pair.mace_name_ == "no event (constant)"


@pytest.fixture(scope="module")
def odd_folder(twin, tmp_path_factory):
    folder = copy_data(twin("cardihack", "quick").data_dir, tmp_path_factory.mktemp("odd") / "data")
    train = pd.read_csv(folder / "train.csv")
    _odd(train, severe=6).to_csv(folder / "train.csv", index=False)
    assert not errors(PROBLEM.check_data(folder)), "the odd folder must be one check accepts"
    return folder


@pytest.mark.slow
def test_the_notebooks_run_to_the_end_on_odd_data(odd_folder, tmp_path):
    # 02 and 03, where the limits bite (01 runs on extreme folders in tests/test_extremes.py)
    runs = run_kit("cardihack", tmp_path / "out", quick=True, seed=0, data_dir=odd_folder, notebooks=NOTEBOOKS[1:])
    failed = [f"{r.notebook}: {r.error}" for r in runs if r.status != "ok"]
    assert not failed, failed
    submission = read_submission(tmp_path / "out" / "cardihack" / "submission.csv")
    assert not errors(PROBLEM.validate_submission(submission, odd_folder))
    assert submission[OUTCOME_SEVERITY].nunique() == 1  # 6 severe patients: the weighted prevalence for everyone
    executed = (tmp_path / "out" / "cardihack" / "executed" / "02_baseline.ipynb").read_text()
    assert "only 6 training patients are severe" in executed


# -- the shared shapes: folds over repeats, the score's intervals, the paired difference ---------------


def test_cv_folds_are_the_repeats_one_after_the_other(train):
    folds = evaluation.cv_folds(train, n_splits=4, n_repeats=3, seed=7)
    assert len(folds) == 12
    for r in range(3):
        repeat = folds[4 * r : 4 * (r + 1)]
        held = np.sort(np.concatenate([h for _, h in repeat]))
        assert np.array_equal(held, np.arange(len(train)))  # each repeat tests every patient once
        assert all(len(np.intersect1d(fit, h)) == 0 and len(fit) + len(h) == len(train) for fit, h in repeat)
        single = evaluation.cv_folds(train, 4, seed=7 + r)  # repeat r is the folds of seed + r
        assert all(np.array_equal(a[1], b[1]) for a, b in zip(repeat, single))
    assert not np.array_equal(folds[0][1], folds[4][1])


def test_score_interval_gives_the_metric_and_its_parts_with_intervals(train):
    result = evaluation.cross_validate_pair("p", _constants("weighted"), train, n_splits=3, n_repeats=2, seed=0)
    intervals = evaluation.score_interval(train, result, n_boot=30, seed=1)
    assert set(intervals) == {"score", "kappa_mace", "severity_rescaled"}
    for part, iv in intervals.items():
        assert iv.estimate == pytest.approx(result.parts()[part]) and iv.low <= iv.estimate + 1e-12 <= iv.high + 2e-12
    assert intervals["kappa_mace"].estimate == 0  # class 0 for everyone: chance
    # a table of predictions gives the same as one repeat of out-of-fold predictions
    table = pd.DataFrame({OUTCOME_SEVERITY: result.severity[0], OUTCOME_MACE: result.mace[0]})
    one = evaluation.score_interval(train, table, n_boot=30, seed=1)
    assert one["severity_rescaled"].estimate == pytest.approx(
        evaluation._rescaled(result.y_severity, result.severity[:1])
    )
    with pytest.raises(ValueError, match="not of the rows"):
        evaluation.score_interval(train.iloc[:-1], result, n_boot=10)


def test_the_paired_difference_is_the_difference_of_the_scores_on_the_same_resamples(train):
    from hdhkits.cardihack.riskscd import RiskSCDClassifier

    risk = evaluation.cross_validate_pair(
        "risk", Pair(baselines.ConstantProbability("weighted"), RiskSCDClassifier()), train, 3, 1, 0
    )
    dummy = evaluation.cross_validate_pair("dummy", _constants(), train, 3, 1, 0)
    gap = evaluation.paired_difference(train, risk, dummy, n_boot=50, seed=2)
    assert gap.estimate == pytest.approx(risk.parts()["score"] - dummy.parts()["score"])
    assert gap.low <= gap.estimate <= gap.high and gap.high - gap.low > 0
    same = evaluation.paired_difference(train, risk, risk, n_boot=50, seed=2)
    assert (same.estimate, same.low, same.high) == (0, 0, 0)  # paired: the shared noise cancels
    reverse = evaluation.paired_difference(train, dummy, risk, n_boot=50, seed=2)
    assert (reverse.low, reverse.high) == pytest.approx((-gap.high, -gap.low))


def test_a_cross_validation_knows_the_folds_it_was_made_with(train):
    result = evaluation.cross_validate_outcome(
        "w", baselines.ConstantProbability("weighted"), train, OUTCOME_SEVERITY, 3, 2, 4
    )
    assert result.made_with(train, 3, 2, 4)
    assert not result.made_with(train, 3, 2, 5) and not result.made_with(train, 3, 1, 4)
    assert not result.made_with(train.assign(**{OUTCOME_SEVERITY: 1 - train[OUTCOME_SEVERITY]}), 3, 2, 4)


def test_models_never_see_the_outcomes_or_the_submission_key(data):
    train, test = data
    assert not {OUTCOME_SEVERITY, OUTCOME_MACE} & set(evaluation.features_only(train).columns)
    assert list(evaluation.features_only(test).columns) == list(evaluation.features_only(train).columns)
