import os
import shutil

import pandas as pd
import pytest
from hdhkits.cytologia.reader import last_dataset, read_dataset
from hdhkits.cytologia.schema import check_data, check_folder_images, layout_problems, read_test, read_train
from hdhkits.findings import DataError


@pytest.fixture
def broken(tmp_path, cyto_source):
    """A small folder with one problem of each kind."""
    src = cyto_source.data_dir
    train = pd.read_csv(src / "train.csv")
    test = pd.read_csv(src / "test.csv")
    names = train["NAME"].drop_duplicates().head(5).tolist()
    (tmp_path / "images").mkdir()
    for n in names + test["NAME"].head(2).tolist():
        shutil.copy(src / "images" / n, tmp_path / "images" / n)
    rows = train[train["NAME"].isin(names)].drop_duplicates("NAME").reset_index(drop=True)
    (tmp_path / "images" / names[0]).write_bytes(b"\xff\xd8\xff\xe0 this is not a real jpeg")  # corrupt
    rows.loc[1, ["x1", "y1"]] = [-40, -12]  # box past the border
    rows.loc[2, "class"] = "NEUTRO"  # unknown code
    rows.loc[len(rows)] = ["missing.jpg", 10, 10, 100, 100, "LY"]  # image not there
    rows.to_csv(tmp_path / "train.csv", index=False)
    test[test["NAME"].isin(test["NAME"].head(2))].to_csv(tmp_path / "test.csv", index=False)
    return tmp_path


def test_report_lists_every_problem(broken):
    data = read_dataset(broken)
    r = data.report
    assert r.missing_images == ["missing.jpg"]
    assert len(r.unreadable_images) == 1
    assert r.boxes_clipped == 1
    assert r.unknown_classes == {"NEUTRO": 1}
    text = "\n".join(r.problems)
    for word in ("missing", "cannot be decoded", "clipped", "NEUTRO"):
        assert word in text
    assert len(data.train) == 3  # 6 rows minus the corrupt, unknown-class and missing ones
    assert (data.train[["x1", "y1"]] >= 0).all().all()


def test_clean_twin_reports_duplicates(cyto_data):
    assert len(cyto_data.report.duplicates) >= 2
    dup = cyto_data.report.duplicates.iloc[0]
    groups = cyto_data.images.set_index("NAME")["group"]
    assert groups[dup["name_a"]] == groups[dup["name_b"]]
    assert not cyto_data.report.missing_images and not cyto_data.report.unreadable_images


def test_images_dir_is_configurable(broken):
    (broken / "images").rename(broken / "jpegs")
    with pytest.raises(DataError, match="images folder"):
        read_dataset(broken)
    assert read_dataset(broken, images_dir="jpegs").report.n_train_images == 6


def test_missing_column_is_a_clear_error(broken):
    pd.read_csv(broken / "train.csv").rename(columns={"class": "klass"}).to_csv(broken / "train.csv", index=False)
    with pytest.raises(DataError, match="'class' is missing"):
        read_dataset(broken)
    assert any("class" in p for p in layout_problems(broken))


def test_check_data_lists_errors_and_warnings(broken):
    found = check_data(broken)
    kinds = {(f.severity, f.kind, f.column) for f in found}
    assert ("error", "missing_file", None) in kinds and ("error", "truncated_image", None) in kinds
    assert ("warning", "unknown_code", "class") in kinds
    past = [f for f in found if f.kind == "box_past_border"]
    assert {f.column for f in past} == {"x1", "y1"}
    x1 = next(f for f in past if f.column == "x1")
    assert x1.rows == (2,) and x1.extreme == -40 and x1.file == "train.csv"


def test_check_folder_images_reads_another_images_folder(broken):
    # the same findings as check_data, before its row-count warnings (the folder holds 6 of 52,748 rows)
    assert check_folder_images(broken) == [f for f in check_data(broken) if f.kind not in ("fewer_rows", "more_rows")]
    (broken / "images").rename(broken / "jpegs")
    assert any("no images folder" in f.message for f in check_data(broken))
    assert not any("no images folder" in f.message for f in check_folder_images(broken, "jpegs"))


def test_read_train_and_test(cyto_source, broken):
    train, test = read_train(cyto_source.data_dir), read_test(cyto_source.data_dir)
    assert list(train.columns) == ["NAME", "x1", "y1", "x2", "y2", "class"]
    assert list(test.columns) == ["trustii_id", "NAME"] and test["trustii_id"].is_unique
    assert len(read_train(broken)) == 6  # unknown codes are warnings: read, left out by read_dataset only
    test = pd.read_csv(broken / "test.csv")
    pd.concat([test, test]).to_csv(broken / "test.csv", index=False)
    with pytest.raises(DataError, match="duplicated id"):
        read_test(broken)
    assert len(read_test(broken, check=False)) == 2 * len(test)
    (broken / "train.csv").unlink()
    with pytest.raises(DataError, match="train.csv not found"):
        read_train(broken)


def test_last_dataset_hands_back_the_dataset_read_last_until_a_file_changes(cyto_source, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(cyto_source.data_dir, folder)
    data = read_dataset(folder)
    assert last_dataset(folder) is data  # the images are not read again
    read_dataset(folder, hash_images=False)  # without hashes (no duplicate groups): never handed back
    assert last_dataset(folder) is data
    stat = (folder / "test.csv").stat()
    os.utime(folder / "test.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # the folder changed
    again = last_dataset(folder)
    assert again is not data and again.test.equals(data.test)
