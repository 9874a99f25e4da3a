"""The ANNITIA column names and their order match the official files exactly."""

from hdhkits.annitia.columns import N_VISITS, VISIT_VARIABLES, train_columns, val_test_columns, visit_columns


def test_column_counts_match_official():
    assert len(train_columns()) == 287
    assert len(val_test_columns()) == 284
    assert len(set(train_columns())) == 287 and len(set(val_test_columns())) == 284


def test_column_order():
    train = train_columns()
    assert train[:7] == [
        "patient_id_anon",
        "gender",
        "T2DM",
        "Hypertension",
        "Dyslipidaemia",
        "bariatric_surgery",
        "bariatric_surgery_age",
    ]
    assert train[7:9] == ["Age_v1", "Age_v2"]
    assert train[-4:] == [
        "evenements_hepatiques_majeurs",
        "evenements_hepatiques_age_occur",
        "death",
        "death_age_occur",
    ]
    test = val_test_columns()
    assert test[:2] == ["trustii_id", "patient_id_anon"]
    assert test[2:] == train[1:-4]
    # visit groups in the official order, each v1..vN
    assert VISIT_VARIABLES == (
        "Age",
        "BMI",
        "alt",
        "ast",
        "bilirubin",
        "chol",
        "ggt",
        "gluc_fast",
        "plt",
        "triglyc",
        "aixp_aix_result_BM_3",
        "fibrotest_BM_2",
        "fibs_stiffness_med_BM_1",
    )
    assert train[7 + 22 - 1] == "Age_v22" and train[7 + 22] == "BMI_v1"
    assert visit_columns("fibs_stiffness_med_BM_1")[-1] == "fibs_stiffness_med_BM_1_v22"
    assert visit_columns("plt")[-1] == "plt_v21"


def test_visit_counts():
    assert N_VISITS["Age"] == N_VISITS["BMI"] == N_VISITS["fibs_stiffness_med_BM_1"] == 22
    assert all(N_VISITS[v] == 21 for v in VISIT_VARIABLES if v not in ("Age", "BMI", "fibs_stiffness_med_BM_1"))
