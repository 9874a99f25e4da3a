"""The model folders behind PROBLEM's model files: what is written, what comes back."""

import json

import pytest
from hdhkits.cytologia.baselines import fit_baseline
from hdhkits.cytologia.classical import FOREST_FILE, make_classical
from hdhkits.cytologia.problem import PROBLEM
from hdhkits.cytologia.saved import DETECTOR_FILE, MODEL_META_FILE, load_baseline, model_path, save_baseline

SETTINGS = {"max_train_images": 60, "epochs": 1, "device": "cpu"}


def test_model_paths():
    assert model_path("out", "forest").as_posix() == "out/cytologia_forest"
    assert model_path("out", "cnn").as_posix() == "out/cytologia_cnn"
    assert model_path("out", "yours").as_posix() == "out/cytologia_yours.pkl"


def test_a_forest_folder_holds_the_kits_files_and_predicts_the_same(cyto_data, tmp_path):
    fitted = fit_baseline(make_classical(0), cyto_data, SETTINGS, progress=False)
    folder = save_baseline(fitted, tmp_path / "cytologia_forest")
    assert sorted(p.name for p in folder.iterdir()) == [DETECTOR_FILE, FOREST_FILE, MODEL_META_FILE]
    assert json.loads((folder / MODEL_META_FILE).read_text())["model"] == "features"
    again = load_baseline(folder)
    assert again.kind == "features" and again.detector == fitted.detector
    test = cyto_data.test.head(12)[["trustii_id", "NAME"]]
    assert fitted.predict(cyto_data, test).equals(again.predict(cyto_data, test))


def test_saving_again_replaces_the_folder_whole(cyto_data, tmp_path):
    fitted = fit_baseline(make_classical(0), cyto_data, SETTINGS, progress=False)
    folder = tmp_path / "cytologia_forest"
    folder.mkdir()
    (folder / "stale.txt").write_text("from an older run")
    PROBLEM.save_model_file(fitted, folder)
    assert not (folder / "stale.txt").exists() and (folder / FOREST_FILE).is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["cytologia_forest"]  # no temporary folder left


def test_an_incomplete_folder_cannot_be_loaded(cyto_data, tmp_path):
    fitted = fit_baseline(make_classical(0), cyto_data, SETTINGS, progress=False)
    folder = save_baseline(fitted, tmp_path / "cytologia_forest")
    (folder / MODEL_META_FILE).unlink()  # neither a forest nor a CNN any more
    with pytest.raises(FileNotFoundError):
        load_baseline(folder)
    (folder / DETECTOR_FILE).unlink()
    with pytest.raises(FileNotFoundError):
        PROBLEM.load_model_file(folder)
