"""What the ANNITIA notebooks print: intervals in the one dialect, sentences that follow the numbers."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia import PROBLEM, display, oracle_score, survival_targets
from hdhkits.annitia.evaluation import interval_table
from hdhkits.stats import Interval

TABLE = pd.DataFrame(
    {
        "score": [0.91],
        "low": [0.877],
        "high": [0.938],
        "c_hepatic": [0.892],
        "c_hepatic_low": [0.844],
        "c_hepatic_high": [0.929],
        "c_death": [0.953],
        "c_death_low": [0.929],
        "c_death_high": [0.97],
    },
    index=pd.Index(["leaderboard model"], name="model"),
)


def test_interval_columns_print_one_column_per_part_in_the_one_dialect():
    shown = display.interval_columns(TABLE)
    assert list(shown.columns) == ["score [95 % interval]", "C(liver) [95 % interval]", "C(death) [95 % interval]"]
    assert shown.loc["leaderboard model"].tolist() == [
        "0.910 [0.877, 0.938]",
        "0.892 [0.844, 0.929]",
        "0.953 [0.929, 0.970]",
    ]
    assert display.intervals(TABLE, "leaderboard model")["c_death"] == Interval(0.953, 0.929, 0.97)


@pytest.mark.parametrize(
    "gap, verdict",
    [
        (Interval(0.048, 0.017, 0.084), "clearly above 0: leaderboard model leads"),
        (Interval(-0.028, -0.055, -0.001), "clearly below 0: Cox (ridge) leads"),
        (Interval(0.004, -0.008, 0.015), "an interval that holds 0: the two may be equally good"),
        (Interval(0.004, np.nan, np.nan), "no interval (too few events in the resamples)"),
    ],
)
def test_difference_sentence_says_what_the_interval_says_either_way(gap, verdict):
    text = display.difference_sentence(gap, "leaderboard model", "Cox (ridge)")
    assert text.startswith(f"leaderboard model minus Cox (ridge): {gap} (paired bootstrap)") and text.endswith(verdict)
    assert " to " not in text and "95%" not in text


def test_gains_table_has_one_gain_column():
    versus = pd.DataFrame(
        {"leaderboard model": [0.811, 0.759, 0.934], "other": [0.839, 0.798, 0.934], "gain": [-0.028, -0.039, 0.0]},
        index=pd.Index(["score", "c_hepatic", "c_death"], name="part"),
    ).assign(low=[-0.055, -0.078, 0.0], high=[-0.001, -0.001, 0.0])
    shown = display.gains_table(versus)
    assert list(shown.index) == ["score", "C(liver)", "C(death)"]
    assert list(shown.columns) == ["leaderboard model", "other", "gain [95 % interval]"]
    assert shown.loc["score", "gain [95 % interval]"] == "-0.028 [-0.055, -0.001]"
    assert display.gain_intervals(versus)["c_death"] == Interval(0.0, 0.0, 0.0)


def _medians(first_yes, slope_yes):
    return pd.DataFrame({"first value": [6.07, first_yes], "change per year": [0.08, slope_yes]}, index=["no", "yes"])


def test_trajectory_sentence_follows_the_data_both_ways():
    up = display.trajectory_sentence("FibroScan (kPa)", _medians(9.65, 0.33))
    assert "start higher (9.65 against 6.07) and climb faster (+0.33 a year against +0.08)" in up
    down = display.trajectory_sentence("FibroScan (kPa)", _medians(9.89, -0.08))
    assert "do not climb faster (-0.08 a year against +0.08)" in down and "the first value, not the slope" in down
    assert "start not higher" in display.trajectory_sentence("FIB-4", _medians(5.0, 0.1))
    assert "too few values" in display.trajectory_sentence("FIB-4", _medians(np.nan, 0.1))


def test_oracle_sentence_names_the_parts_above_the_oracle():
    mine = {"score": Interval(0.879, 0, 1), "c_hepatic": Interval(0.871, 0, 1), "c_death": Interval(0.899, 0, 1)}
    oracle = {"score": Interval(0.847, 0, 1), "c_hepatic": Interval(0.926, 0, 1), "c_death": Interval(0.661, 0, 1)}
    text = display.oracle_sentence(mine, oracle)
    assert "C(liver) -0.055" in text and "C(death) +0.238" in text and "above the oracle on C(death)," in text
    low = {part: Interval(0.6, 0, 1) for part in mine}
    assert display.oracle_sentence(low, oracle).endswith("below the oracle on both concordances")


def test_local_score_table_rows_and_the_oracle(twin):
    source = twin("annitia")
    truth = PROBLEM.read_truth(source.truth_path)
    sample = PROBLEM.sample_submission(source.data_dir)
    table, scores = display.local_score_table(truth, {"this submission": sample}, n_boot=20, seed=0)
    assert list(table.index) == ["this submission", "oracle"]
    assert scores["oracle"]["score"].estimate == pytest.approx(oracle_score(truth).value)
    y = survival_targets(truth)
    risks = sample[["risk_hepatic_event", "risk_death"]].to_numpy(float)
    again = interval_table(y, {"this submission": risks}, n_boot=20, seed=0)  # the sample keeps the truth's order
    assert scores["this submission"]["score"].estimate == pytest.approx(again.loc["this submission", "score"])


def test_km_curves_draws_one_curve_per_group_with_enough_patients():
    rng = np.random.default_rng(0)
    time, event = rng.exponential(5, 60), rng.random(60) < 0.5
    groups = np.array(["a"] * 30 + ["b"] * 27 + ["c"] * 3)
    fig, ax = plt.subplots()
    drawn = display.km_curves(ax, time, event, groups, order=["b", "a", "c", "d"], min_patients=6)
    assert drawn == ["b", "a"] and [line.get_label() for line in ax.get_lines()][:2] == ["b (n=27)", "a (n=30)"]
    plt.close(fig)
