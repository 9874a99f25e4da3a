"""The problem definition: data folders, submissions, scoring, official-format scripts."""

import inspect
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import PROBLEM, validate_submission_and_rules
from hdhkits.cardihack.metric import score
from hdhkits.cardihack.oracle import oracle_submission
from hdhkits.cardihack.schema import check_data
from hdhkits.cardihack.signal import OFFICIAL_COLUMN_AUC, column_aucs
from hdhkits.datasource import resolve_data, write_twin
from hdhkits.findings import DataError
from hdhkits.problem import Problem, get_problem


def test_registered_with_the_contract():
    assert get_problem("Cardi-HACK") is PROBLEM
    assert PROBLEM.official_files == ("train.csv", "test.csv")
    assert PROBLEM.env_var == "CARDIHACK_DATA_DIR"
    assert PROBLEM.order == 3


@pytest.mark.parametrize("method", ["make_twin", "check_data", "validate_submission", "score_submission"])
def test_methods_have_the_base_signature_and_a_docstring(method):
    ours = getattr(type(PROBLEM), method)
    assert inspect.signature(ours) == inspect.signature(getattr(Problem, method))
    assert ours.__doc__ and ours.__doc__.strip()


def test_check_data_is_the_schemas(twin):
    src = twin("cardihack")
    assert PROBLEM.check_data(src.data_dir) == check_data(src.data_dir)


def test_score_submission_is_the_metrics(twin):
    src = twin("cardihack")
    truth = PROBLEM.read_truth(src.truth_path)
    sub = oracle_submission(truth)
    assert PROBLEM.score_submission(sub, truth) == score(truth, sub)
    assert "Reconstructed" in PROBLEM.metric


def _submission(data_dir) -> pd.DataFrame:
    test = pd.read_csv(data_dir / "test.csv")
    return pd.DataFrame({"trustii_id": test["trustii_id"], "OUTCOME MACE": 0, "OUTCOME SEVERITY": 0.33718})


def test_signal_table_is_each_columns_auc_alone(twin, tmp_path):
    source = twin("cardihack")
    table = PROBLEM.signal_table(source.data_dir)
    aucs = column_aucs(pd.read_csv(source.data_dir / "train.csv"))
    assert list(table.columns) == ["variable", "endpoint", "value"]
    assert set(table["endpoint"]) == {"SEVERITY", "MACE >= 1"} and len(table) == 2 * len(OFFICIAL_COLUMN_AUC)
    assert set(table["variable"]) == set(OFFICIAL_COLUMN_AUC)  # the columns the official figures name
    for row in table.itertuples():
        assert row.value == pytest.approx(aucs.loc[row.variable, row.endpoint])
    age = table.set_index(["variable", "endpoint"]).loc[("Age_Baseline", "SEVERITY"), "value"]
    assert age > 0.55  # the strongest signal, as on the official file
    # another train file, another table: the AUCs are read from the folder given
    shutil.copytree(source.data_dir, tmp_path / "data")
    train = pd.read_csv(tmp_path / "data/train.csv")
    train["Age_Baseline"] = 105 - train["Age_Baseline"]  # the order reversed, within the plausible ages
    train.to_csv(tmp_path / "data/train.csv", index=False)
    flipped = PROBLEM.signal_table(tmp_path / "data").set_index(["variable", "endpoint"])["value"]
    assert flipped[("Age_Baseline", "SEVERITY")] == pytest.approx(1 - age)


def test_valid_submission_and_the_dummy_score(twin):
    src = twin("cardihack")
    sub = _submission(src.data_dir)
    assert PROBLEM.validate_submission(sub, src.data_dir) == []
    score = PROBLEM.score_submission(sub, PROBLEM.read_truth(src.truth_path))
    assert score.parts["kappa_mace"] == 0
    assert set(score.parts) == {"kappa_mace", "severity_rescaled", "severity_logloss"}


def test_every_submission_problem_is_listed_at_once(twin):
    src = twin("cardihack")
    sub = _submission(src.data_dir).iloc[:-3].copy()
    sub.loc[0, "OUTCOME MACE"] = 3
    sub.loc[1, "OUTCOME SEVERITY"] = 1.2
    sub.loc[2, "OUTCOME SEVERITY"] = np.nan
    sub.loc[4, "trustii_id"] = sub.loc[5, "trustii_id"]
    sub["extra"] = 1
    problems = validate_submission_and_rules(
        sub, src.data_dir, severity_features=["FEVG"], mace_features=["Age_Baseline"]
    )
    text = "\n".join(map(str, problems))
    for fragment in (
        "unexpected column(s): 'extra'",
        "146 rows where the test file has 149",
        "duplicated id",
        "test id(s) missing",
        "'OUTCOME MACE': value(s) 3",
        "'OUTCOME SEVERITY': 1 value(s) above 1",
        "'OUTCOME SEVERITY': 1 empty cell",
        "SEVERITY model reads 'FEVG'",
        "no priority SNP",
    ):
        assert fragment in text, fragment


def test_another_column_order_is_a_warning_and_the_rules_still_apply(twin):
    src = twin("cardihack")
    sub = _submission(src.data_dir)[["trustii_id", "OUTCOME SEVERITY", "OUTCOME MACE"]]
    found = PROBLEM.validate_submission(sub, src.data_dir)
    assert [(f.severity, f.kind) for f in found] == [("warning", "column_order")]
    assert "write the header trustii_id,OUTCOME MACE,OUTCOME SEVERITY" in found[0]
    ruled = validate_submission_and_rules(sub, src.data_dir, severity_features=["FEVG"], mace_features=["SNP1"])
    assert sorted(f.kind for f in ruled) == ["column_order", "feature_rule"]
    broken = sub.assign(**{"OUTCOME MACE": 3})  # the other rules hold whatever the order
    assert "'OUTCOME MACE': value(s) 3" in "\n".join(map(str, PROBLEM.validate_submission(broken, src.data_dir)))


def test_oracle_beats_the_dummy(twin):
    src = twin("cardihack")
    truth = PROBLEM.read_truth(src.truth_path)
    oracle = PROBLEM.score_submission(oracle_submission(truth), truth)
    dummy = PROBLEM.score_submission(_submission(src.data_dir), truth)
    assert oracle.value > dummy.value + 0.1


OFFICIAL_SCRIPT = textwrap.dedent("""
    # A participant's script written for the official files: plain pandas, columns by name.
    import sys
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    folder, out = sys.argv[1], sys.argv[2]
    train = pd.read_csv(f"{folder}/train.csv")
    test = pd.read_csv(f"{folder}/test.csv")
    sev_cols = ["Age_Baseline", "Genre", "Variant.Pathogene"] + [f"SNP{i}" for i in range(1, 289)]
    mace_cols = ["Epaiss_max", "Diam_OG", "Gradient", "TVNS", "SYNCOPE", "ATCD_MS", "Age_Baseline", "SNP1", "SNP2"]
    sev = LogisticRegression(C=0.05, solver="liblinear").fit(train[sev_cols], train["OUTCOME SEVERITY"])
    mace = LogisticRegression(solver="newton-cg").fit(train[mace_cols], train["OUTCOME MACE"])
    pd.DataFrame({
        "trustii_id": test["trustii_id"],
        "OUTCOME MACE": mace.predict(test[mace_cols]),
        "OUTCOME SEVERITY": sev.predict_proba(test[sev_cols])[:, 1],
    }).to_csv(out, index=False)
""")


def test_a_script_for_the_official_files_runs_unchanged_on_the_twin(twin, tmp_path):
    src = twin("cardihack")
    script = tmp_path / "participant.py"
    script.write_text(OFFICIAL_SCRIPT)
    out = tmp_path / "submission.csv"
    subprocess.run([sys.executable, str(script), str(src.data_dir), str(out)], check=True, timeout=120)
    sub = pd.read_csv(out)
    assert PROBLEM.validate_submission(sub, src.data_dir) == []


def test_an_official_format_folder_works_through_data_dir(tmp_path):
    write_twin(PROBLEM, tmp_path / "twin" / "data", tmp_path / "twin" / "truth", seed=11)
    folder = tmp_path / "official"
    folder.mkdir()
    for name in PROBLEM.official_files:
        shutil.copy(tmp_path / "twin" / "data" / name, folder / name)
    src = resolve_data("cardihack", folder, verbose=False)
    assert not src.synthetic and src.origin == "parameter" and src.truth_path is None
    sub = _submission(src.data_dir)
    assert PROBLEM.validate_submission(sub, src.data_dir) == []


def test_environment_variable_and_broken_folders(tmp_path, monkeypatch, twin):
    folder = tmp_path / "official"
    shutil.copytree(twin("cardihack").data_dir, folder)
    monkeypatch.setenv("CARDIHACK_DATA_DIR", str(folder))
    assert resolve_data("cardihack", verbose=False).origin == "environment"
    train = pd.read_csv(folder / "train.csv").rename(columns={"Diam_OG": "Diam OG"})
    train.to_csv(folder / "train.csv", index=False)
    (folder / "test.csv").unlink()
    with pytest.raises(DataError) as err:
        resolve_data("cardihack", folder, verbose=False)
    text = str(err.value)
    assert "train.csv: column 'Diam_OG' is missing; found 'Diam OG'" in text
    assert "no file named 'test.csv'" in text
