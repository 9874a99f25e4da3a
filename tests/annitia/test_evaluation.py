"""Cross-validation, intervals, paired differences, the ablations, and parity with the former loops."""

import numpy as np
import pytest
from hdhkits.annitia.ablation import (
    MEASURED_TWIN_VERSION,
    family_ablation,
    liver_ablation,
    measured_liver_ablation,
    versus_issue8,
)
from hdhkits.annitia.baselines import ClinicalScore, TwoOutcomeModel
from hdhkits.annitia.evaluation import (
    ISSUE8_MODEL,
    OFFICIAL_CV,
    compare_baselines,
    compare_models,
    cross_val_predict_risks,
    cv_summary,
    fit_models,
    paired_difference,
    repeated_cv_risks,
    score_with_interval,
)
from hdhkits.annitia.features import build_features
from hdhkits.annitia.metric import WEIGHTS, score_parts, score_risks
from hdhkits.annitia.models import EFFORT_PIECES, EFFORTS, LIVER_PIECES, make_leaderboard_model
from hdhkits.annitia.schema import read_train
from hdhkits.annitia.targets import outcome_strata, survival_targets
from hdhkits.stats import bootstrap_interval
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold


@pytest.fixture(scope="module")
def data(twin):
    train = read_train(twin("annitia").data_dir)
    return build_features(train), survival_targets(train)


STIFFNESS = TwoOutcomeModel(ClinicalScore("fibs_stiffness_med_BM_1_last"))
FOLLOWUP = TwoOutcomeModel(ClinicalScore("n_visits"))


def test_repeats_use_seeded_splits(data):
    X, y = data
    risks = repeated_cv_risks(STIFFNESS, X, y, n_splits=3, n_repeats=2, seed=4)
    assert risks.shape == (2, len(X), 2) and np.isfinite(risks).all()
    # repeat 0 is the split of cross_val_predict_risks; the median fill differs between splits
    np.testing.assert_array_equal(risks[0], cross_val_predict_risks(STIFFNESS, X, y, n_splits=3, seed=4))
    assert not np.array_equal(risks[0], risks[1])
    in_two = repeated_cv_risks(STIFFNESS, X, y, n_splits=3, n_repeats=2, seed=4, n_jobs=2)
    np.testing.assert_array_equal(in_two, risks)


def test_summary_is_the_mean_over_repeats(data):
    X, y = data
    risks = repeated_cv_risks(STIFFNESS, X, y, n_splits=3, n_repeats=2)
    summary = cv_summary(y, risks, n_boot=30)
    scores = [score_risks(y, r[:, 0], r[:, 1]) for r in risks]
    assert summary["score"] == pytest.approx(np.mean([s.value for s in scores]))
    assert summary["c_death"] == pytest.approx(np.mean([s.parts["c_death"] for s in scores]))
    for key, low, high in (
        ("score", "low", "high"),
        ("c_hepatic", "c_hepatic_low", "c_hepatic_high"),
        ("c_death", "c_death_low", "c_death_high"),
    ):
        assert summary[low] <= summary[key] <= summary[high], key
    assert cv_summary(y, risks[0], n_boot=30)["score"] == pytest.approx(scores[0].value)  # one repeat, 2-D


def test_compare_and_paired_difference(data):
    X, y = data
    table, oof = compare_models({"stiffness": STIFFNESS, "visits": FOLLOWUP}, X, y, n_splits=3, n_repeats=2, n_boot=30)
    assert list(table.index) == ["stiffness", "visits"] and oof["visits"].shape == (2, len(X), 2)
    diff = paired_difference(y, oof["stiffness"], oof["visits"], n_boot=30)
    assert diff.estimate == pytest.approx(table.loc["stiffness", "score"] - table.loc["visits", "score"])
    assert diff.low <= diff.estimate <= diff.high
    same = paired_difference(y, oof["visits"], oof["visits"], n_boot=30)
    assert same.estimate == same.low == same.high == 0
    liver = paired_difference(y, oof["stiffness"], oof["visits"], n_boot=30, part="c_hepatic")
    assert liver.estimate == pytest.approx(table.loc["stiffness", "c_hepatic"] - table.loc["visits", "c_hepatic"])
    with pytest.raises(ValueError, match="part"):
        paired_difference(y, oof["stiffness"], oof["visits"], part="c_liver")


def test_family_ablation(data):
    X, y = data
    table = family_ablation(X, y, n_splits=3, families=("statics", "first values", "follow-up"))
    assert list(table.index) == ["statics", "+ first values", "+ follow-up"]
    assert list(table.columns[:5]) == ["score", "gain", "c_hepatic", "c_death", "n_features"]
    assert table["n_features"].is_monotonic_increasing and np.isnan(table["gain"].iloc[0])
    assert table["gain"].iloc[2] == pytest.approx(table["score"].iloc[2] - table["score"].iloc[1])
    # the follow-up window is the death signal of the metric (the trap): it must show
    assert table["c_death"].iloc[2] > table["c_death"].iloc[1] + 0.03


def test_fit_models_fits_copies(data):
    X, y = data
    models = {"stiffness": STIFFNESS, "visits": FOLLOWUP}
    fitted = fit_models(models, X, y, n_jobs=2)
    assert list(fitted) == ["stiffness", "visits"]
    assert not hasattr(STIFFNESS, "hepatic_")  # the given models stay unfitted
    np.testing.assert_array_equal(fitted["visits"].predict(X)[:, 0], X["n_visits"].fillna(0).to_numpy())


def test_submission_summary_scores_a_table_with_intervals(twin):
    from hdhkits.annitia import PROBLEM
    from hdhkits.annitia.evaluation import submission_summary
    from hdhkits.findings import DataError

    truth = PROBLEM.read_truth(twin("annitia").truth_path)
    submission = (
        truth[["trustii_id"]]
        .assign(risk_hepatic_event=truth["true_risk_hepatic"], risk_death=truth["true_risk_death"])
        .iloc[::-1]
    )
    summary = submission_summary(truth, submission, n_boot=30)
    exact = PROBLEM.score_submission(submission, truth)
    assert summary["score"] == pytest.approx(exact.value)
    assert summary["c_death"] == pytest.approx(exact.parts["c_death"])
    assert summary["low"] <= summary["score"] <= summary["high"]
    assert summary["c_hepatic_low"] <= summary["c_hepatic"] <= summary["c_hepatic_high"]
    with pytest.raises(DataError, match="no risk for truth id"):
        submission_summary(truth, submission.iloc[1:])


def test_liver_ablation(data):
    X, y = data
    table = liver_ablation(X, y, n_splits=2, n_boot=20, quick=True, pieces=("stiffness gate",), efforts=("default",))
    assert list(table.index) == [ISSUE8_MODEL, "+ stiffness gate", "effort 'default'"]
    assert table.loc["effort 'default'", "pieces"] == ", ".join(EFFORT_PIECES["default"])
    assert list(table.columns) == [
        "score",
        "c_hepatic",
        "c_death",
        "vs_issue8",
        "vs_issue8_low",
        "vs_issue8_high",
        "pieces",
    ]
    first = table.loc[ISSUE8_MODEL]
    assert first["vs_issue8"] == first["vs_issue8_low"] == first["vs_issue8_high"] == 0 and first["pieces"] == "-"
    assert table["c_death"].nunique() == 1  # one death blend for every row
    gate = table.loc["+ stiffness gate"]
    assert gate["vs_issue8"] == pytest.approx(gate["c_hepatic"] - first["c_hepatic"])
    assert gate["vs_issue8_low"] <= gate["vs_issue8"] <= gate["vs_issue8_high"]
    assert gate["score"] == pytest.approx(0.7 * gate["c_hepatic"] + 0.3 * gate["c_death"])
    with pytest.raises(ValueError, match="liver piece"):
        liver_ablation(X, y, pieces=("magic",))
    with pytest.raises(ValueError, match="effort"):
        liver_ablation(X, y, efforts=("huge",))


def test_measured_liver_ablation_backs_the_efforts():
    table = measured_liver_ablation()
    assert table.index[0] == ISSUE8_MODEL and {f"+ {p}" for p in LIVER_PIECES} <= set(table.index)
    assert list(table.columns) == ["c_hepatic", "change", "seeds_better", "lowest", "highest", "kept"]
    # an effort keeps a piece only if it helped on the twin: a positive mean change over
    # the seeds, positive on most of them
    for effort in EFFORTS:
        for piece in EFFORT_PIECES[effort]:
            row = table.loc[f"+ {piece}"]
            better, seeds = (int(x) for x in row["seeds_better"].split(" of "))
            assert row["change"] > 0 and better > seeds / 2, (effort, piece, row.to_dict())
            assert effort in row["kept"]
        if EFFORT_PIECES[effort]:
            assert f"effort {effort!r}" in table.index  # each effort's own set was measured too
    long = measured_liver_ablation(per_seed=True)
    assert long.index.names == ["step", "seed"] and len(long.index.get_level_values("seed").unique()) >= 3
    assert ((long["low"] <= long["change"]) & (long["change"] <= long["high"])).all()
    assert table.loc["+ fibrosis index", "change"] == pytest.approx(long.loc["+ fibrosis index", "change"].mean())


def test_versus_issue8_shares_the_death_blend(data):
    X, y = data
    models = {"leaderboard model": make_leaderboard_model(quick=True)}
    table, oof = compare_models(models, X, y, n_splits=2, n_boot=20)
    gains, risks = versus_issue8(X, y, oof["leaderboard model"], n_splits=2, n_boot=20, quick=True)
    assert list(gains.index) == ["score", "c_hepatic", "c_death"]
    assert list(gains.columns) == ["leaderboard model", ISSUE8_MODEL, "gain", "low", "high"]
    assert risks.shape == oof["leaderboard model"].shape and np.isfinite(risks).all()
    # same death risks: C(death) cannot move; the liver blends differ (the fibrosis index)
    np.testing.assert_array_equal(risks[..., 1], oof["leaderboard model"][..., 1])
    assert gains.loc["c_death", "gain"] == gains.loc["c_death", "low"] == gains.loc["c_death", "high"] == 0
    assert not np.array_equal(risks[..., 0], oof["leaderboard model"][..., 0])
    for part in ("score", "c_hepatic"):
        row = gains.loc[part]
        assert row["leaderboard model"] == pytest.approx(table.loc["leaderboard model", part])
        assert row["gain"] == pytest.approx(row["leaderboard model"] - row[ISSUE8_MODEL])
        assert row["low"] <= row["gain"] <= row["high"]
    assert gains.loc["score", "gain"] == pytest.approx(0.7 * gains.loc["c_hepatic", "gain"])
    with pytest.raises(ValueError, match="same n_splits, n_repeats and seed"):
        versus_issue8(X, y, oof["leaderboard model"], n_repeats=2)


def test_official_figures_and_measured_version():
    from hdhkits.annitia.metric import WEIGHTS
    from hdhkits.annitia.problem import PROBLEM

    assert set(OFFICIAL_CV) == {"Cox (ridge)", "clinical model", ISSUE8_MODEL}
    for score, c_hepatic, c_death in OFFICIAL_CV.values():
        # the combination of the two parts, up to the rounding of the three figures
        assert score == pytest.approx(WEIGHTS["c_hepatic"] * c_hepatic + WEIGHTS["c_death"] * c_death, abs=0.002)
    assert MEASURED_TWIN_VERSION.isdigit() and int(MEASURED_TWIN_VERSION) <= int(PROBLEM.twin_version)


def test_cross_validation_and_intervals(data):
    X, y, *_ = data
    model = TwoOutcomeModel(ClinicalScore("fibs_stiffness_med_BM_1_last"))
    risks = cross_val_predict_risks(model, X, y, n_splits=3, seed=0)
    assert np.isfinite(risks).all()
    score, interval = score_with_interval(y, risks, n_boot=30, seed=0)
    assert interval.low <= score.value <= interval.high
    table, _oof = compare_baselines({"stiffness": model}, X, y, n_splits=3, n_boot=20)
    assert list(table.columns) == ["score", "low", "high", "c_hepatic", "c_death"]
    again, _ = compare_baselines({"stiffness": model}, X, y, n_splits=3, n_boot=20)
    assert table.equals(again)  # seeded


# -- parity: the shared loops (``out_of_fold``, ``bootstrap_score``) give the numbers of the
# kit's former loops. Issue #12 replaced the kit's hand-written cross-validation and bootstrap
# loops by :mod:`hdhkits.evaluation`; the former loops are kept here, verbatim in substance,
# and the new code must match them exactly: same folds, same resamples, same numbers.

FIB4 = TwoOutcomeModel(ClinicalScore("fib4_last"))


def _old_cross_val(model, X, y, n_splits, seed):
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    risks = np.full((len(X), 2), np.nan)
    for train_idx, test_idx in folds.split(X, outcome_strata(y)):
        risks[test_idx] = clone(model).fit(X.iloc[train_idx], y.subset(train_idx)).predict(X.iloc[test_idx])
    return risks


def _old_mean_parts(y, risks, idx):
    sub = y.subset(idx)
    parts = [score_parts(sub, r[idx, 0], r[idx, 1]) for r in risks]
    mean = {k: float(np.mean([p[k] for p in parts])) for k in WEIGHTS}
    mean["score"] = sum(WEIGHTS[k] * mean[k] for k in WEIGHTS)
    return mean


def _old_cv_summary(y, risks, n_boot, seed):
    seen = []

    def combined(idx):
        seen.append(_old_mean_parts(y, risks, idx))
        return seen[-1]["score"]

    interval = bootstrap_interval(combined, len(y), n_boot=n_boot, seed=seed, strata=outcome_strata(y))
    out = {"score": interval.estimate, "low": interval.low, "high": interval.high}
    for key in ("c_hepatic", "c_death"):
        values = [r[key] for r in seen[1:]]
        low, high = np.quantile(values, [0.025, 0.975])
        out.update({key: seen[0][key], f"{key}_low": float(low), f"{key}_high": float(high)})
    return out


@pytest.mark.parametrize("seed", [0, 3])
def test_cross_val_predict_risks_matches_the_former_loop(data, seed):
    X, y = data
    np.testing.assert_array_equal(
        cross_val_predict_risks(STIFFNESS, X, y, n_splits=3, seed=seed), _old_cross_val(STIFFNESS, X, y, 3, seed)
    )


def test_score_with_interval_matches_bootstrap_interval(data):
    X, y = data
    risks = _old_cross_val(STIFFNESS, X, y, 3, 0)
    score, interval = score_with_interval(y, risks, n_boot=40, seed=2)
    old = bootstrap_interval(
        lambda idx: score_risks(y.subset(idx), risks[idx, 0], risks[idx, 1]).value,
        len(y),
        n_boot=40,
        seed=2,
        strata=outcome_strata(y),
    )
    assert score == score_risks(y, risks[:, 0], risks[:, 1])
    assert (interval.estimate, interval.low, interval.high) == (old.estimate, old.low, old.high)


def test_repeated_folds_cv_summary_and_paired_difference_match_the_former_code(data):
    X, y = data
    risks = repeated_cv_risks(STIFFNESS, X, y, n_splits=3, n_repeats=2, seed=1)
    old_risks = np.stack([_old_cross_val(STIFFNESS, X, y, 3, 1 + r) for r in range(2)])
    np.testing.assert_array_equal(risks, old_risks)
    assert cv_summary(y, risks, n_boot=30, seed=5) == _old_cv_summary(y, risks, 30, 5)
    other = repeated_cv_risks(FIB4, X, y, n_splits=3, n_repeats=2, seed=1)
    new = paired_difference(y, risks, other, n_boot=30, seed=5)
    old = bootstrap_interval(
        lambda idx: _old_mean_parts(y, risks, idx)["score"] - _old_mean_parts(y, other, idx)["score"],
        len(y),
        n_boot=30,
        seed=5,
        strata=outcome_strata(y),
    )
    assert (new.estimate, new.low, new.high) == (old.estimate, old.low, old.high)
