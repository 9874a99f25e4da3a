"""The participant's loop in CYTOLOGIA: PROBLEM's model hooks, make_submission, and 'Your model' from 02 to 03."""

import numpy as np
import pytest
from hdhkits import cytologia as kit
from hdhkits.cytologia.baselines import Baseline, fit_baseline
from hdhkits.cytologia.classes import CLASSES
from hdhkits.cytologia.evaluation import subsample_train
from hdhkits.cytologia.problem import PROBLEM, SUBMISSION_SPEC, make_submission
from hdhkits.findings import DataError, errors
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

#: Light settings: few images, one CNN epoch.
SETTINGS = {"max_train_images": 60, "epochs": 1, "n_folds": 5, "images_dir": "images", "device": "cpu"}


def test_the_kits_models_are_the_forest_then_the_cnn():
    assert list(PROBLEM.models) == ["forest", "cnn"]  # the torch-free forest is the default
    forest = PROBLEM.make_model("forest", seed=3)
    assert isinstance(forest, RandomForestClassifier) and forest.random_state == 3 and not hasattr(forest, "classes_")
    cnn = PROBLEM.make_model("cnn", seed=2, quick=True)
    assert type(cnn).__name__ == "TrainConfig" and (cnn.epochs, cnn.patience, cnn.seed) == (30, 7, 2)  # quick mode's
    assert PROBLEM.make_model("cnn", settings={"epochs": 7}).epochs == 7
    assert (PROBLEM.make_model("cnn").epochs, PROBLEM.make_model("cnn").patience) == (10, 4)  # the default run's
    with pytest.raises(DataError, match="'forest', 'cnn'"):
        PROBLEM.make_model("svm")


def test_only_the_learning_settings_are_stamped():
    stamped = PROBLEM.stamped_settings({**SETTINGS, "num_workers": 2, "resume": False})
    assert stamped == {"max_train_images": 60, "epochs": 1, "n_folds": 5, "images_dir": "images"}
    assert PROBLEM.stamped_settings(None) == {}
    with pytest.raises(DataError, match="unknown setting"):
        PROBLEM.stamped_settings({"epoch": 3})


def test_fit_model_and_make_submission_give_a_valid_submission(cyto_source, cyto_data):
    fitted = PROBLEM.fit_model(PROBLEM.make_model("forest"), cyto_source, seed=0, quick=True, settings=SETTINGS)
    assert isinstance(fitted, Baseline) and fitted.kind == "features" and fitted.meta["refit_on_all"]
    assert fitted.meta["n_fit_boxes"] == len(subsample_train(cyto_data.train, 60, 0))  # every train box
    submission = make_submission(fitted, cyto_data)
    assert list(submission.columns) == SUBMISSION_SPEC.names == ["trustii_id", "NAME", "x1", "y1", "x2", "y2", "class"]
    assert submission["trustii_id"].tolist() == cyto_data.test["trustii_id"].tolist()  # test.csv's order
    assert errors(PROBLEM.validate_submission(submission, cyto_source.data_dir)) == []
    assert submission["class"].isin(CLASSES).all()
    assert kit.make_submission is make_submission


def test_make_submission_refuses_what_it_cannot_predict(cyto_data):
    with pytest.raises(DataError, match="dataset read_dataset returned"):
        make_submission(None, cyto_data.test)
    with pytest.raises(DataError, match="fitted model"):
        make_submission(RandomForestClassifier(), cyto_data)


def test_the_cnn_fits_saves_and_reloads_through_the_hooks(cyto_source, cyto_data, tmp_path):
    config = PROBLEM.make_model("cnn", seed=0, settings=SETTINGS)
    fitted = PROBLEM.fit_model(config, cyto_source, seed=0, quick=True, settings=SETTINGS)
    assert fitted.kind == "cnn" and fitted.meta["epochs_run"] == 1
    assert PROBLEM.unfitted(fitted) == config  # the CNN's unfitted form is its TrainConfig
    path = PROBLEM.model_file(tmp_path, "cnn")
    PROBLEM.save_model_file(fitted, path)
    assert sorted(p.name for p in path.iterdir()) == [
        "cytologia_cnn.json",
        "cytologia_cnn.pt",
        "cytologia_detector.json",
    ]
    again = PROBLEM.load_model_file(path)
    test = cyto_data.test.head(15)[["trustii_id", "NAME"]]
    assert fitted.predict(cyto_data, test, device="cpu").equals(again.predict(cyto_data, test, device="cpu"))


class Nearest:
    """A classifier without get_params (no clone): the unfitted copy is a deep copy."""

    def fit(self, X, y):
        self.centre_, self.label_ = np.asarray(X)[0], y[0]
        return self

    def predict(self, X):
        return np.full(len(X), self.label_, dtype=object)


def test_your_model_is_fitted_on_the_features_saved_with_cloudpickle_and_unfitted(cyto_source, cyto_data, tmp_path):
    yours = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    fitted = PROBLEM.fit_model(yours, cyto_source, seed=0, quick=True, settings=SETTINGS)
    assert not hasattr(yours[-1], "coef_")  # fitted on a copy: the notebook's object stays unfitted
    assert fitted.meta["classifier"] == "Pipeline"
    unfitted = PROBLEM.unfitted(fitted)
    assert unfitted is not fitted.model and not hasattr(unfitted[-1], "coef_")
    path = PROBLEM.model_file(tmp_path, kit.YOURS)
    assert path.name == "cytologia_yours.pkl"
    PROBLEM.save_model_file(fitted, path)
    again = PROBLEM.load_model_file(path)
    test = cyto_data.test.head(10)[["trustii_id", "NAME"]]
    assert fitted.predict(cyto_data, test).equals(again.predict(cyto_data, test))
    # a class without get_params is copied, not cloned
    plain = fit_baseline(Nearest(), cyto_data, SETTINGS, quick=True, progress=False)
    assert isinstance(PROBLEM.unfitted(plain), Nearest)


def test_a_stale_stamp_retrains_and_says_why(cyto_source, tmp_path, capsys):
    fitted = PROBLEM.fit_model(PROBLEM.make_model("forest"), cyto_source, seed=0, quick=True, settings=SETTINGS)
    kit.save_model(fitted, "forest", cyto_source, tmp_path, seed=0, quick=True, settings=SETTINGS)
    capsys.readouterr()
    _, reloaded = kit.load_or_train("forest", cyto_source, tmp_path, seed=0, quick=True, settings=SETTINGS)
    assert reloaded and "reloaded detector + features/forest" in capsys.readouterr().out
    other = {**SETTINGS, "max_train_images": 40}
    model, reloaded = kit.load_or_train("forest", cyto_source, tmp_path, seed=0, quick=True, settings=other)
    out = capsys.readouterr().out
    assert not reloaded and "its max_train_images was 60 (now 40)" in out
    assert model.meta["max_train_images"] == 40
    # how the CNN trains (its device, workers) is not in the stamp: no retraining for it
    _, reloaded = kit.load_or_train(
        "forest", cyto_source, tmp_path, seed=0, quick=True, settings={**other, "device": "x"}
    )
    assert reloaded
