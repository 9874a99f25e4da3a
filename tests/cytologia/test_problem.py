import pandas as pd
from hdhkits.cytologia.images import image_sizes
from hdhkits.cytologia.plausibility import box_findings
from hdhkits.cytologia.problem import PROBLEM
from hdhkits.findings import errors
from hdhkits.problem import get_problem
from hdhkits.quirks import copy_data
from PIL import Image


def test_registry_and_attributes():
    p = get_problem("cytologia")
    assert p is PROBLEM and p.title == "CYTOLOGIA" and p.env_var == "CYTOLOGIA_DATA_DIR"
    assert p.official_files == ("train.csv", "test.csv", "images/")
    assert "reconstructed" in p.metric


def test_check_data_on_the_twin_warns_what_the_real_files_hold(cyto_source):
    findings = PROBLEM.check_data(cyto_source.data_dir)
    assert not errors(findings), [str(f) for f in findings]
    kinds = {(f.kind, f.file, f.column) for f in findings}
    assert ("box_past_border", "train.csv", "x1") in kinds or ("box_past_border", "train.csv", "y1") in kinds
    assert ("unusual_image_size", "images/", None) in kinds
    for f in findings:
        assert f.severity == "warning" and f.fix and f.count > 0
    past = next(f for f in findings if f.kind == "box_past_border" and f.column in ("x1", "y1"))
    assert past.extreme < 0 and past.rows and f"smallest {past.extreme:g}" in past.message
    train = pd.read_csv(cyto_source.data_dir / "train.csv")
    row = train.iloc[past.rows[0] - 1]  # rows are 1-based data rows
    assert row[past.column] < 0


def test_missing_and_unreadable_images_are_errors(cyto_source, tmp_path):
    folder = copy_data(cyto_source.data_dir, tmp_path / "data")
    names = pd.read_csv(folder / "test.csv")["NAME"].unique()[:2].tolist()
    (folder / "images" / names[0]).unlink()
    (folder / "images" / names[1]).write_bytes(b"not a jpeg at all")
    found = errors(PROBLEM.check_data(folder))
    assert {f.kind for f in found} == {"missing_file", "unreadable_file"}
    assert all(f.file == "images/" for f in found)
    assert names[0] in str(found[0]) and names[1] in str(found[1])


def test_submission_boxes_partly_outside_pass_wholly_outside_warn(cyto_source):
    truth = PROBLEM.read_truth(cyto_source.truth_dir)
    sub = truth.copy()
    sub.loc[0, "x1"] = -40  # partly outside: valid and silent, scored as given
    sub.loc[1, "y2"] = 5000
    sub.loc[2, ["x1", "x2"]] = [900, 1000]  # wholly outside (coordinates of a resized copy?)
    sub.loc[3, ["y1", "y2"]] = [-90, -10]
    found = PROBLEM.validate_submission(sub, cyto_source.data_dir)
    assert not errors(found)
    assert [f.kind for f in found] == ["box_outside_image"]
    assert found[0].rows == (3, 4) and found[0].count == 2 and "(900, " in found[0].message
    assert "resized" in found[0].fix
    assert PROBLEM.score_submission(sub.iloc[:2], truth.iloc[:2]).value < 1
    assert PROBLEM.score_submission(sub, sub).value == 1


def test_truth_scores_one_and_validates(cyto_source):
    truth = PROBLEM.read_truth(cyto_source.truth_dir)
    # the truth holds boxes partly outside their image, as the official one: valid, no finding
    assert PROBLEM.validate_submission(truth, cyto_source.data_dir) == []
    sizes = image_sizes(cyto_source.data_dir / "images", truth["NAME"])
    assert box_findings(truth, sizes, "test_truth.csv", "scored as given")  # boxes past the border are there
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
    assert all(300 <= w <= 820 for w, h in sizes)
    sub = test.copy()
    per_image = test.groupby("NAME")["trustii_id"].transform("size")
    for name in test["NAME"].unique()[:5]:
        Image.open(folder / "images" / name).load()
    w, h = 370, 368
    sub["x1"], sub["y1"], sub["x2"], sub["y2"] = w // 2 - 70, h // 2 - 70, w // 2 + 70, h // 2 + 70
    sub["class"] = train["class"].mode()[0]
    assert (per_image >= 1).all()
    assert PROBLEM.validate_submission(sub, folder) == []
