"""Saved models are reloaded only when trained on the same data and settings (issue #11)."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia import build_features, read_test
from hdhkits.annitia.models import EFFORT_PIECES
from hdhkits.annitia.saved import load_cv, load_or_train, model_path, save_cv, save_model, training_stamp
from hdhkits.findings import DataError
from hdhkits.fingerprint import read_stamp


@pytest.fixture(scope="module")
def trained(twin, tmp_path_factory):
    """The clinical model trained on the quick twin of seed 0, saved in a fresh output folder."""
    out = tmp_path_factory.mktemp("annitia-saved")
    source = twin("annitia", size="quick", seed=0)
    model, reloaded = load_or_train("clinical", source, out, seed=0, quick=True, verbose=False)
    assert not reloaded
    return out, source, model


def test_same_data_and_settings_reload(trained, capsys):
    out, source, model = trained
    again, reloaded = load_or_train("clinical", source, out, seed=0, quick=True)
    assert reloaded
    assert "reloaded the model saved in" in capsys.readouterr().out
    X = build_features(read_test(source.data_dir))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    assert read_stamp(model_path(out, "clinical")).settings["model"] == "clinical"


def test_other_data_retrains_and_says_why(trained, twin, capsys):
    out, _, _ = trained
    other = twin("annitia", size="quick", seed=1)  # another twin: other patients
    _, reloaded = load_or_train("clinical", other, out, seed=0, quick=True)
    said = capsys.readouterr().out
    assert not reloaded
    assert "trained on other data" in said
    assert "seed 0" in said and "seed 1" in said  # the message names both data sources


def test_other_settings_retrain(twin, tmp_path, capsys):
    source = twin("annitia", size="quick", seed=0)
    trained = load_or_train("clinical", source, tmp_path, seed=0, quick=True, verbose=False)[0]
    save_model(trained, "clinical", source, tmp_path, seed=0, quick=False)  # stamped as a full-mode model
    _, reloaded = load_or_train("clinical", source, tmp_path, seed=0, quick=True)
    assert not reloaded
    assert "full mode (now quick)" in capsys.readouterr().out


def test_other_effort_retrains(twin, tmp_path, capsys):
    source = twin("annitia", size="quick", seed=0)
    trained = load_or_train("clinical", source, tmp_path, seed=0, quick=True, verbose=False)[0]
    assert read_stamp(model_path(tmp_path, "clinical")).settings["effort"] == "default"
    save_model(trained, "clinical", source, tmp_path, seed=0, quick=True, effort="full")
    assert load_or_train("clinical", source, tmp_path, seed=0, quick=True, effort="full")[1]
    _, reloaded = load_or_train("clinical", source, tmp_path, seed=0, quick=True)
    assert not reloaded
    assert "its effort was 'full' (now 'default')" in capsys.readouterr().out
    with pytest.raises(DataError, match="effort"):
        load_or_train("clinical", source, tmp_path, seed=0, quick=True, effort="huge")
    stamp = training_stamp(source, "leaderboard", seed=0, quick=True, effort="full")
    assert stamp.settings["liver_pieces"] == list(EFFORT_PIECES["full"])


def test_unstamped_model_is_stale(twin, tmp_path, capsys):
    import joblib

    source = twin("annitia", size="quick", seed=0)
    joblib.dump({"hand-made": True}, model_path(tmp_path, "clinical"))
    _, reloaded = load_or_train("clinical", source, tmp_path, seed=0, quick=True)
    assert not reloaded
    assert "no readable stamp" in capsys.readouterr().out


def test_cv_table_only_for_same_data(twin, tmp_path):
    table = pd.DataFrame({"score": [0.8]}, index=pd.Index(["clinical model"], name="model"))
    save_cv(table, twin("annitia", size="quick", seed=0), tmp_path, seed=0, quick=True)
    same, reason = load_cv(twin("annitia", size="quick", seed=0), tmp_path, seed=0, quick=True)
    assert reason == "" and same.loc["clinical model", "score"] == 0.8
    other, reason = load_cv(twin("annitia", size="quick", seed=1), tmp_path, seed=0, quick=True)
    assert other is None and "trained on other data" in reason
    full, reason = load_cv(twin("annitia", size="quick", seed=0), tmp_path, seed=0, quick=True, effort="full")
    assert full is None and "effort" in reason


def test_unknown_model_name(tmp_path):
    with pytest.raises(DataError, match="leaderboard"):
        model_path(tmp_path, "best")
