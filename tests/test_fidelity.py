"""The fidelity figures (hdhkits.fidelity) on tables built to hold a known difference, and the bench that prints them."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hdhkits.fidelity import (
    adversarial_auc,
    column_gaps,
    column_groups,
    comparable_columns,
    group_aucs,
    pair_gaps,
    pair_summary,
    signal_gaps,
)

ROOT = Path(__file__).resolve().parents[1]


def table(n: int = 1200, seed: int = 0) -> pd.DataFrame:
    """Numbers, codes, text and missing values, as in a kit's train file."""
    rng = np.random.default_rng(seed)
    lab = rng.normal(5, 1, size=(n, 3))
    lab[rng.random((n, 3)) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "age": rng.normal(55, 10, n).round(1),
            "code": rng.choice([0.0, 1.0, 2.0, np.nan], n, p=[0.5, 0.3, 0.1, 0.1]),
            "site": rng.choice(["north", "south", "west"], n),
            "lab_v1": lab[:, 0],
            "lab_v2": lab[:, 1],
            "lab_v3": lab[:, 2],
        }
    )


def halves(frame: pd.DataFrame, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = np.random.default_rng(seed).permutation(len(frame))
    half = len(frame) // 2
    return frame.iloc[order[:half]].reset_index(drop=True), frame.iloc[order[half:]].reset_index(drop=True)


def test_two_halves_of_one_table_cannot_be_told_apart():
    a, b = halves(table())
    assert 0.42 < adversarial_auc(a, b) < 0.58


def test_a_shifted_column_gives_the_twin_away():
    a, b = halves(table())
    a["age"] += 50.0  # five standard deviations, on a column no row lacks
    assert adversarial_auc(a, b) > 0.98


def test_text_and_missing_values_are_compared_as_such():
    a, b = halves(table())
    a["site"] = a["site"].where(a["site"] != "west", "east")  # a category the other table never has
    assert adversarial_auc(a, b, columns=["site"]) > 0.6
    a, b = halves(table())
    a.loc[a.index[: len(a) // 2], "code"] = np.nan  # only more missing values
    assert adversarial_auc(a, b, columns=["code"]) > 0.6


def test_the_group_of_the_giveaway_column_comes_first():
    a, b = halves(table())
    a["lab_v3"] = a["lab_v3"] * 1.6
    assert column_groups(list(a.columns)) == {
        "age": ["age"],
        "code": ["code"],
        "site": ["site"],
        "lab": ["lab_v1", "lab_v2", "lab_v3"],
    }
    aucs = group_aucs(a, b)
    assert aucs.loc[0, "group"] == "lab" and aucs.loc[0, "columns"] == 3
    assert aucs.loc[0, "auc"] > 0.7 > aucs["auc"].iloc[1:].max()
    only = group_aucs(a, b, groups={"demographics": ["age", "site", "absent"], "none": ["absent"]})
    assert only["group"].tolist() == ["demographics"] and only.loc[0, "columns"] == 2


def test_suffixes_make_groups_but_other_digits_stay():
    assert column_groups(["SNP1", "SNP12", "aixp_BM_3_v1", "aixp_BM_3_v2", "BM_3", "Variant.Pathogene"]) == {
        "SNP": ["SNP1", "SNP12"],
        "aixp_BM_3": ["aixp_BM_3_v1", "aixp_BM_3_v2"],
        "BM_3": ["BM_3"],
        "Variant.Pathogene": ["Variant.Pathogene"],
    }


def test_names_empty_columns_and_columns_of_one_table_are_not_compared():
    a, b = halves(table())
    a["name"] = [f"img{i}.jpg" for i in range(len(a))]
    b["name"] = [f"IMG_{i}.png" for i in range(len(b))]
    a["empty"] = b["empty"] = np.nan
    a["extra"] = 1.0
    assert comparable_columns(a, b) == ["age", "code", "site", "lab_v1", "lab_v2", "lab_v3"]


def test_column_gaps_find_a_change_of_missing_share_and_of_shape():
    a, b = halves(table())
    a.loc[a.index[: len(a) * 2 // 5], "lab_v1"] = np.nan  # 20 % missing becomes about 52 %
    a["age"] += 15
    gaps = column_gaps(a, b).set_index("column")
    assert gaps.index[:2].tolist() == ["age", "lab_v1"]
    assert gaps.loc["lab_v1", "missing_gap"] == pytest.approx(0.32, abs=0.05)
    assert gaps.loc["lab_v1", "shape"] < 0.1  # the values left are drawn alike
    assert gaps.loc["age", "shape"] > 0.25 and gaps.loc["age", "kind"] == "numbers"
    assert gaps.loc["code", "kind"] == "codes" and gaps.loc["site", "kind"] == "codes"
    assert gaps.drop(index=["age", "lab_v1"])["gap"].max() < 0.1


def test_a_shape_on_too_few_values_is_not_given():
    a, b = halves(table())
    a.loc[a.index[5:], "lab_v2"] = np.nan
    assert np.isnan(column_gaps(a, b).set_index("column").loc["lab_v2", "shape"])


def test_column_shapes_are_sdmetrics_figures():
    from sdmetrics.single_column import KSComplement, TVComplement

    a, b = halves(table())
    a["age"] += 2
    gaps = column_gaps(a, b).set_index("column")
    assert gaps.loc["age", "shape"] == pytest.approx(1 - KSComplement.compute(b["age"], a["age"]))
    assert gaps.loc["code", "shape"] == pytest.approx(1 - TVComplement.compute(b["code"], a["code"]))


def test_pair_gaps_find_a_correlation_the_official_table_lacks():
    a, b = halves(table())
    a["lab_v2"] = a["lab_v1"] + np.random.default_rng(3).normal(0, 0.5, len(a))
    pairs = pair_gaps(a, b)
    top = pairs.iloc[0]
    assert {top.column_a, top.column_b} == {"lab_v1", "lab_v2"} and top.gap > 0.8
    assert "site" not in set(pairs.column_a) | set(pairs.column_b)
    summary = pair_summary(pairs)
    assert summary["pairs"] == 10 and summary["max_gap"] == top.gap
    assert summary["similarity"] == pytest.approx(1 - pairs["gap"].mean() / 2)
    assert pair_summary(pairs.iloc[:0])["pairs"] == 0


def test_pair_gaps_are_sdmetrics_correlation_similarity():
    from sdmetrics.column_pairs import CorrelationSimilarity

    a, b = halves(table())
    a["lab_v2"] = a["lab_v1"] * 0.5 + a["lab_v2"]
    pairs = pair_gaps(a, b).set_index(["column_a", "column_b"])
    for pair in [("lab_v1", "lab_v2"), ("age", "lab_v3"), ("code", "lab_v1")]:
        expected = CorrelationSimilarity.compute(b[list(pair)], a[list(pair)])
        assert 1 - pairs.loc[pair, "gap"] / 2 == pytest.approx(expected)


def test_pairs_with_too_few_rows_are_left_out():
    a, b = halves(table())
    a.loc[a.index[10:], "lab_v3"] = np.nan
    pairs = pair_gaps(a, b, min_rows=30)
    assert "lab_v3" not in set(pairs.column_a) | set(pairs.column_b)


def signal(rows):
    return pd.DataFrame(rows, columns=["variable", "endpoint", "value"])


def test_signal_gaps_mean_and_largest():
    real = signal([("age", "liver", 0.57), ("age", "death", 0.70), ("chol", "liver", 0.42), ("bmi", "liver", 0.5)])
    twin = signal([("age", "liver", 0.51), ("age", "death", 0.71), ("chol", "liver", 0.48), ("ggt", "liver", 0.6)])
    gaps = signal_gaps(twin, real)
    assert gaps.mean == pytest.approx((0.06 + 0.01 + 0.06) / 3)
    assert gaps.max == pytest.approx(0.06)
    assert gaps.unmatched == 1  # bmi: the twin's table lacks it; ggt: not in the official one, ignored
    assert gaps.rows.columns.tolist() == ["variable", "endpoint", "value_twin", "value_real", "gap"]
    assert gaps.rows["gap"].is_monotonic_decreasing
    assert np.isnan(signal_gaps(signal([]), real).mean)


def test_signal_tables_of_the_wrong_shape_are_refused():
    real = signal([("age", "liver", 0.57)])
    with pytest.raises(ValueError, match="lacks the columns"):
        signal_gaps(real.rename(columns={"value": "c_index"}), real)
    with pytest.raises(ValueError, match="more than once"):
        signal_gaps(pd.concat([real, real]), real)


def test_without_sdmetrics_column_gaps_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sdmetrics", None)  # import sdmetrics now raises ImportError
    a, b = halves(table(200))
    with pytest.raises(ImportError, match=r"SDMetrics.*install the test extra"):
        column_gaps(a, b)
    assert 0 <= adversarial_auc(a, b) <= 1  # the classifier needs scikit-learn only


def test_the_package_imports_without_sdmetrics():
    code = "import sys; sys.modules['sdmetrics'] = None; import hdhkits.fidelity, hdhkits.problem; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_twins", ROOT / "benchmarks" / "bench_twins.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_compares_twins_of_two_seeds(bench, capsys):
    bench.main(["--against-seed", "0", "--seeds", "0", "1", "--kits", "cardihack", "--size", "quick", "--folds", "2"])
    out = capsys.readouterr().out
    assert "cardihack: twins of seed(s) 1 (size quick) against the twin of seed 0" in out
    auc = float(re.search(r"adversarial AUC, all columns: seed 1 (\d\.\d+)", out).group(1))
    assert 0.35 < auc < 0.65
    # 16 groups by name (SNP1 ... SNP288 one of them), and the 15 one-column groups together
    assert "by column group alone, highest mean first (10 of 17)" in out
    assert len(re.findall(r"^ {4}\S.*\s\d+\s+0\.\d{3}\s+0\.\d{3}$", out, re.M)) == 10
    assert "worst columns" in out and "CorrelationSimilarity" in out
    # Cardi-HACK offers a signal table (each clinical column's AUC alone): its gaps, twin against twin
    gaps = re.search(r"seed 1: (\d+) rows, mean (0\.\d{3}), max (0\.\d{3})", out)
    assert gaps and int(gaps.group(1)) == 26 and float(gaps.group(2)) < 0.1, out


def test_the_bench_refuses_a_folder_that_is_not_the_kits(bench, tmp_path, capsys):
    (tmp_path / "train.csv").write_text("a,b\n1,2\n")
    with pytest.raises(SystemExit) as stop:
        bench.main(["--real", str(tmp_path), "--kits", "cardihack"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"--real {tmp_path}: not a folder of the Cardi-HACK official files" in err
    assert "point --real at the folder holding train.csv, test.csv" in err
    with pytest.raises(SystemExit):
        bench.main(["--real", str(tmp_path / "absent"), "--kits", "cardihack"])
    assert "no such folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--real", str(tmp_path)])  # every kit: which one does the folder hold?
    assert "name that kit alone with --kits" in capsys.readouterr().err


def test_the_bench_prints_the_signal_gaps_of_each_seed(bench, capsys):
    real = signal([("age", "liver", 0.57), ("chol", "liver", 0.42)])
    by_seed = {
        1: {"signal": signal_gaps(signal([("age", "liver", 0.51), ("chol", "liver", 0.40)]), real)},
        2: {"signal": signal_gaps(signal([("age", "liver", 0.58)]), real)},
    }
    bench.report_signal(bench.get_problem("annitia"), by_seed)
    out = capsys.readouterr().out
    assert "seed 1: 2 rows, mean 0.040, max 0.060, largest at age (liver); 0 reference row(s) the twin lacks" in out
    assert "seed 2: 1 rows, mean 0.010, max 0.010, largest at age (liver); 1 reference row(s) the twin lacks" in out
