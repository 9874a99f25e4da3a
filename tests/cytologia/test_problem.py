import pandas as pd
from PIL import Image

from hdhkits.cytologia.problem import PROBLEM
from hdhkits.problem import get_problem


def test_registry_and_attributes():
    p = get_problem("cytologia")
    assert p is PROBLEM and p.title == "CYTOLOGIA" and p.env_var == "CYTOLOGIA_DATA_DIR"
    assert p.official_files == ("train.csv", "test.csv", "images/")
    assert "reconstructed" in p.metric


def test_check_data_clean_twin(cyto_source):
    assert PROBLEM.check_data(cyto_source.data_dir) == []


def test_truth_scores_one_and_validates(cyto_source):
    truth = PROBLEM.read_truth(cyto_source.truth_dir)
    assert PROBLEM.validate_submission(truth, cyto_source.data_dir) == []
    s = PROBLEM.score_submission(truth, truth)
    assert s.value == 1 and set(s.parts) == {"giou_term", "mean_giou", "macro_f1"}


def test_every_problem_listed_at_once(cyto_source):
    sub = PROBLEM.read_truth(cyto_source.truth_dir).astype({"x1": object})
    sub.loc[0, "NAME"] = sub.loc[1, "NAME"] if sub.loc[1, "NAME"] != sub.loc[0, "NAME"] else "other.jpg"
    sub.loc[2, "class"] = "NEUTRO"
    sub.loc[3, "x1"] = "left"
    sub.loc[4, "x2"] = sub.loc[4, "x1"] - 5
    sub = sub.drop(index=5)
    problems = PROBLEM.validate_submission(sub, cyto_source.data_dir)
    text = "\n".join(map(str, problems))
    assert "column 'NAME'" in text and "copy NAME from test.csv" in text
    assert "NEUTRO" in text
    assert "non-numeric" in text and "'x1'" in text
    assert "x2 <= x1" in text
    assert "test id(s) missing" in text and "rows where the test file has" in text
    assert len(problems) >= 6


def test_official_style_script_runs_on_the_twin(cyto_source):
    """A participant's script written for the official files, unchanged: plain pandas + PIL."""
    folder = cyto_source.data_dir
    train = pd.read_csv(folder / "train.csv")
    test = pd.read_csv(folder / "test.csv")
    sizes = []
    for name in train["NAME"].unique()[:20]:
        img = Image.open(folder / "images" / name)
        sizes.append(img.size)
        row = train[train["NAME"] == name].iloc[0]
        crop = img.crop((max(row.x1, 0), max(row.y1, 0), row.x2, row.y2))
        assert crop.size[0] > 0
    assert all(300 <= w <= 420 for w, h in sizes)
    sub = test.copy()
    per_image = test.groupby("NAME")["trustii_id"].transform("size")
    for name in test["NAME"].unique()[:5]:
        Image.open(folder / "images" / name).load()
    w, h = 370, 368
    sub["x1"], sub["y1"], sub["x2"], sub["y2"] = w // 2 - 70, h // 2 - 70, w // 2 + 70, h // 2 + 70
    sub["class"] = train["class"].mode()[0]
    assert (per_image >= 1).all()
    assert PROBLEM.validate_submission(sub, folder) == []
