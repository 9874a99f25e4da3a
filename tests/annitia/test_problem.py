"""The ANNITIA problem definition: registry, twin writing, data checks, validation, scoring."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.features import build_features
from hdhkits.annitia.problem import PROBLEM, AnnitiaProblem
from hdhkits.annitia.schema import read_train
from hdhkits.datasource import resolve_data, write_twin
from hdhkits.findings import errors
from hdhkits.problem import Score, get_problem


@pytest.fixture(scope="module")
def folders(twin):
    return twin("annitia")


def _perfect(folders):
    test = pd.read_csv(folders.data_dir / "val_test.csv")
    truth = PROBLEM.read_truth(folders.truth_path)
    return pd.DataFrame(
        {
            "trustii_id": test["trustii_id"],
            "risk_hepatic_event": truth["true_risk_hepatic"],
            "risk_death": truth["true_risk_death"],
        }
    )


def test_registry_and_attributes():
    problem = get_problem("annitia")
    assert isinstance(problem, AnnitiaProblem)
    assert (problem.name, problem.title, problem.env_var) == ("annitia", "ANNITIA", "ANNITIA_DATA_DIR")
    assert problem.official_files == ("train.csv", "val_test.csv")
    assert problem.truth_file == "val_test_truth.csv" and "0.7" in problem.metric


def test_make_twin_writes_files(tmp_path):
    write_twin(PROBLEM, tmp_path / "data", tmp_path / "truth", seed=3, size="quick")
    # hidden files (write_twin's row-count marker) are the datasource's, not the kit's
    assert sorted(p.name for p in (tmp_path / "data").iterdir() if not p.name.startswith(".")) == [
        "train.csv",
        "val_test.csv",
    ]
    assert [p.name for p in (tmp_path / "truth").iterdir()] == ["val_test_truth.csv"]
    findings = PROBLEM.check_data(tmp_path / "data")
    assert not errors(findings)
    # only the official files' plausibility quirks, which the twin carries on purpose
    assert {f.kind for f in findings} <= {"below_minimum", "event_before_first_visit"}


def test_check_data_lists_problems(folders, tmp_path):
    test = pd.read_csv(folders.data_dir / "val_test.csv")
    test.drop(columns=["Age_v3"]).assign(extra=1).to_csv(tmp_path / "test.csv", index=False)
    problems = PROBLEM.check_data(tmp_path)
    assert any("train.csv" in p for p in problems)
    assert any("Age_v3" in p for p in problems) and any("extra" in p for p in problems)


def test_valid_submission_scores_with_parts(folders):
    sub = _perfect(folders)
    assert PROBLEM.validate_submission(sub, folders.data_dir) == []
    score = PROBLEM.score_submission(sub, PROBLEM.read_truth(folders.truth_path))
    assert isinstance(score, Score) and set(score.parts) == {"c_hepatic", "c_death"}
    assert score.value == pytest.approx(0.7 * score.parts["c_hepatic"] + 0.3 * score.parts["c_death"])
    shuffled = sub.sample(frac=1, random_state=0)  # row order does not matter
    again = PROBLEM.score_submission(shuffled, PROBLEM.read_truth(folders.truth_path))
    assert again.value == pytest.approx(score.value)


def test_validation_lists_every_problem_at_once(folders):
    sub = _perfect(folders)
    ids = sub["trustii_id"].to_numpy()
    bad = sub.iloc[:-2].copy()  # wrong row count, two ids missing
    bad["trustii_id"] = bad["trustii_id"].astype(object)
    bad.iloc[1, 0] = ids[0]  # duplicate
    bad.iloc[2, 0] = 10_000_000  # unknown id
    bad["risk_hepatic_event"] = bad["risk_hepatic_event"].astype(object)
    bad.iloc[3, 1] = np.nan
    bad.iloc[4, 1] = np.inf
    bad.iloc[5, 1] = "high"
    bad = bad.drop(columns=["risk_death"]).assign(comment="x")
    problems = PROBLEM.validate_submission(bad, folders.data_dir)
    text = "\n".join(map(str, problems))
    for fragment in (
        "missing column(s): 'risk_death'",
        "unexpected column(s): 'comment'",
        f"{len(bad)} rows where the test file has {len(sub)}",
        "duplicated id",
        "missing, such as",
        "not in the test file",
        "empty cell",
        "infinite",
        "non-numeric",
    ):
        assert fragment in text, fragment


def test_non_numeric_ids(folders):
    sub = _perfect(folders)
    sub["trustii_id"] = sub["trustii_id"].astype(object)
    sub.iloc[0, 0] = "abc"
    problems = PROBLEM.validate_submission(sub, folders.data_dir)
    assert any("not numbers" in p for p in problems)


def _doubled(frame, id_column, as_int):
    # two copies of a twin file, with fresh ids, so that the official row numbers exist
    out = pd.concat([frame, frame], ignore_index=True)
    ids = np.arange(1, len(out) + 1)
    out[id_column] = ids if as_int else [f"p{i}" for i in ids]
    return out


def test_official_file_findings_are_warnings(folders, tmp_path):
    """The official train.csv/test.csv load, their impossible labs are warnings with the report's facts."""
    train = _doubled(
        pd.read_csv(folders.data_dir / "train.csv", dtype={"patient_id_anon": str}), "patient_id_anon", as_int=False
    )
    test = _doubled(pd.read_csv(folders.data_dir / "val_test.csv"), "trustii_id", as_int=True)
    assert test.columns[1] == "patient_id_anon"
    test["patient_id_anon"] = [f"t{i}" for i in range(len(test))]
    for frame in (train, test):  # clear the twin's own impossible values first
        for col in ("ggt_v1", "fibrotest_BM_2_v1"):
            frame.loc[frame[col] < 0, col] = np.nan
    train.loc[[405, 727, 771, 971], "ggt_v1"] = [-3.2, -10.7658, -0.4, -7.75]
    fibrotest_rows = [128, 243, 273, 422, 487, 600, 810, 1100]
    train.loc[fibrotest_rows, "fibrotest_BM_2_v1"] = [-0.01, -0.0350329, -0.002, -0.02, -0.005, -0.03, -0.001, -0.015]
    test.loc[408, "ggt_v1"] = -1.08073
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "test.csv", index=False)  # the name the user's copy had

    findings = PROBLEM.check_data(tmp_path)
    assert not errors(findings), [str(f) for f in errors(findings)]
    lines = {str(f).split("; ")[0] for f in findings if f.kind == "below_minimum"}
    assert lines == {
        "train.csv: column 'ggt_v1': 4 value(s) below 0 (smallest -10.7658) at data row(s) 406, 728, 772, 972",
        "train.csv: column 'fibrotest_BM_2_v1': 8 value(s) below 0 (smallest -0.0350329) at data row(s) "
        "129, 244, 274, 423, 488 … (8 rows)",
        "test.csv: column 'ggt_v1': 1 value(s) below 0 (smallest -1.08073) at data row(s) 409",
    }
    ggt = next(f for f in findings if f.column == "ggt_v1" and f.file == "train.csv")
    assert (ggt.severity, ggt.count, ggt.rows, ggt.extreme) == ("warning", 4, (406, 728, 772, 972), -10.7658)
    assert "treats them as missing" in ggt.fix
    # the folder resolves (warnings kept, nothing raised) and the features hold no negative value
    source = resolve_data("annitia", tmp_path, verbose=False)
    assert len(source.findings) == len(findings)
    X = build_features(read_train(source.data_dir))
    assert X["ggt_min"].min() >= 0 and X["fibrotest_BM_2_min"].min() >= 0


def test_methods_have_the_contract_signatures():
    import inspect

    from hdhkits.problem import Problem

    for name, member in inspect.getmembers(Problem, inspect.isfunction):
        if name.startswith("_"):
            continue
        ours = getattr(AnnitiaProblem, name)
        assert inspect.signature(ours) == inspect.signature(member), name
        assert inspect.getdoc(ours), name
    assert AnnitiaProblem.order == 2


def test_signal_table_is_the_univariate_c_of_the_train_file(folders):
    from hdhkits.annitia.signal import official_univariate_c, univariate_c

    table = PROBLEM.signal_table(folders.data_dir)
    assert list(table.columns) == ["variable", "endpoint", "value"] and len(table) == len(official_univariate_c())
    expected = univariate_c(read_train(folders.data_dir))
    assert np.allclose(table["value"], expected["c_index"], equal_nan=True)
    assert set(table["endpoint"]) == {"liver", "death"}
