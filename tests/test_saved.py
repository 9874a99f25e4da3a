"""The loop's models on disk (:mod:`hdhkits.saved`), on a small problem made here.

The kits' own loops run end to end in ``tests/<kit>/test_problem_loop.py``; these tests
pin the base: what is reloaded, what is retrained and why, your model carried by its file
(a class defined nowhere importable included), the choice and its stamp.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import ClassVar

import hdhkits.fingerprint
import hdhkits.problem
import hdhkits.saved
import numpy as np
import pandas as pd
import pytest
from hdhkits.datasource import DataSource
from hdhkits.findings import DataError
from hdhkits.problem import Problem, Score
from hdhkits.saved import (
    YOURS,
    Choice,
    choice_path,
    choose_best,
    chosen_model,
    load_choice,
    load_or_train,
    save_choice,
    save_model,
    training_stamp,
)
from hdhkits.stats import Interval
from sklearn.base import BaseEstimator


class MeanModel(BaseEstimator):
    """Predicts the training mean of y, plus ``shift``."""

    def __init__(self, shift: float = 0.0):
        self.shift = shift

    def fit(self, X, y):
        self.mean_ = float(np.mean(y)) + self.shift
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


class SmallProblem(Problem):
    """A one-file problem: predict y from x."""

    name = "small"
    title = "SMALL"
    official_files = ("train.csv",)
    env_var = "SMALL_DATA_DIR"
    models: ClassVar[dict[str, str]] = {"mean": "mean model", "shifted": "shifted mean model"}
    fits: ClassVar[list[str]] = []

    def make_twin(self, data_dir, truth_dir, seed=0, size="default"):
        """Not used."""

    def check_data(self, data_dir, deep=False):
        """Nothing to check."""
        return []

    def validate_submission(self, submission, data_dir):
        """Always valid."""
        return []

    def score_submission(self, submission, truth):
        """Not used."""
        return Score(0.0)

    def make_model(self, name, seed=0, quick=False, settings=None):
        """The mean model, shifted by 1 for ``"shifted"`` (and by ``settings["extra"]``)."""
        return MeanModel(shift=(1.0 if name == "shifted" else 0.0) + (settings or {}).get("extra", 0.0))

    def fit_model(self, model, source, seed=0, quick=False, settings=None):
        """Fit on ``train.csv``."""
        train = pd.read_csv(Path(source.data_dir) / "train.csv")
        self.fits.append(type(model).__name__)
        return model.fit(train[["x"]], train["y"])


@pytest.fixture
def small(monkeypatch, tmp_path):
    """The small problem, found by name; a data folder; a source on it."""
    problem = SmallProblem()
    problem.fits.clear()
    for module in (hdhkits.saved, hdhkits.fingerprint, hdhkits.problem):
        monkeypatch.setattr(module, "get_problem", lambda name: problem)
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.csv").write_text("x,y\n1,1\n2,3\n3,5\n")
    source = DataSource("small", data, None, False, "parameter", env_var="SMALL_DATA_DIR")
    return problem, source, tmp_path / "out"


def test_a_saved_model_is_reloaded_only_for_its_data_and_settings(small, capsys):
    problem, source, out = small
    fitted = problem.fit_model(problem.make_model("mean"), source)
    path = save_model(fitted, "mean", source, out, seed=1)
    assert path == out / "small_mean.pkl" and (out / "small_mean.pkl.stamp.json").is_file()
    model, reloaded = load_or_train("mean", source, out, seed=1)
    assert reloaded and model.mean_ == 3.0 and problem.fits == ["MeanModel"]
    assert "reloaded mean model saved in" in capsys.readouterr().out

    model, reloaded = load_or_train("mean", source, out, seed=2)  # another seed: trained again, saying why
    assert not reloaded and problem.fits == ["MeanModel", "MeanModel"]
    assert "training mean model here: it was trained with seed 1 (now 2)" in capsys.readouterr().out
    (source.data_dir / "train.csv").write_text("x,y\n1,1\n2,1\n")  # other data
    model, reloaded = load_or_train("mean", source, out, seed=2)
    assert not reloaded and model.mean_ == 1.0
    assert "it was trained on other data" in capsys.readouterr().out


def test_a_kit_model_whose_definition_changed_is_retrained(small, capsys):
    problem, source, out = small
    save_model(problem.fit_model(problem.make_model("shifted"), source), "shifted", source, out)
    stamp = training_stamp(source, "shifted", settings={"extra": 0.5})
    assert stamp.settings["definition"] != training_stamp(source, "shifted").settings["definition"]
    model, reloaded = load_or_train("shifted", source, out, settings={"extra": 0.5})
    assert not reloaded and model.mean_ == 4.5
    out_text = capsys.readouterr().out
    assert "its extra was None (now 0.5)" in out_text and "its definition was" in out_text


def test_an_unreadable_model_file_is_retrained_not_a_traceback(small, capsys):
    problem, source, out = small
    path = save_model(problem.fit_model(problem.make_model("mean"), source), "mean", source, out)
    path.write_bytes(b"not a pickle")  # the stamp still matches: the file itself is broken
    model, reloaded = load_or_train("mean", source, out)
    assert not reloaded and model.mean_ == 3.0
    assert "cannot be read (UnpicklingError" in capsys.readouterr().out


YOUR_CELL = '''
import numpy as np

class MedianPlusTen:
    """A model class written in a notebook cell: importable from nowhere."""

    def fit(self, X, y):
        self.median_ = float(np.median(y)) + 10
        return self

    def predict(self, X):
        return np.full(len(X), self.median_)

your_model = MedianPlusTen()
'''


def _your_model():
    namespace: dict = {"__name__": "__main__"}  # as in a notebook's kernel
    exec(compile(YOUR_CELL, "<cell>", "exec"), namespace)
    return namespace["your_model"]


def test_your_model_travels_with_its_file_and_is_retrained_on_other_data(small, capsys):
    problem, source, out = small
    fitted = problem.fit_model(_your_model(), source)
    path = save_model(fitted, YOURS, source, out)
    assert path.name == "small_yours.pkl"
    assert "definition" not in training_stamp(source, YOURS).settings  # the definition travels in the file
    # Another interpreter, where no cell defined the class, reads the file.
    script = f"import pickle, pathlib; m = pickle.loads(pathlib.Path({str(path)!r}).read_bytes()); print(m.median_)"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "13.0"

    model, reloaded = load_or_train(YOURS, source, out)
    assert reloaded and model.median_ == 13.0
    (source.data_dir / "train.csv").write_text("x,y\n1,0\n2,2\n3,4\n5,6\n")  # the official files, say
    model, reloaded = load_or_train(YOURS, source, out)
    assert not reloaded and model.median_ == 13.0 and problem.fits[-1] == "MedianPlusTen"
    assert "training your model here: it was trained on other data" in capsys.readouterr().out


def test_asking_for_your_model_before_02_saved_one_says_what_to_do(small):
    _, source, out = small
    with pytest.raises(DataError, match="no model of yours is saved here; write it in the 'Your model' cell"):
        load_or_train(YOURS, source, out)
    out.mkdir()
    (out / "small_yours.pkl").write_bytes(b"cut")
    with pytest.raises(DataError, match="your model's file cannot be read"):
        load_or_train(YOURS, source, out)


def test_an_unknown_model_name_lists_the_names(small):
    _, source, out = small
    with pytest.raises(DataError, match="model must be one of 'mean', 'shifted', 'yours', not 'best'"):
        load_or_train("best", source, out)
    with pytest.raises(DataError, match="set the notebook's `model` parameter"):
        chosen_model("best", source, out)


def test_choose_best_takes_the_higher_score_and_says_by_how_much():
    scores = {"kit": Interval(0.70, 0.60, 0.80), "yours": Interval(0.74, 0.65, 0.82)}
    asked = []

    def difference(a, b):
        asked.append((a, b))
        return Interval(0.04, -0.01, 0.09)

    choice = choose_best(scores, difference, labels={"yours": "your model"}, evaluated_on="cross-validation")
    assert choice.model == "yours" and asked == [("yours", "kit")]
    assert choice.reason == (
        "your model scores highest in cross-validation: 0.740 [0.650, 0.820], against 0.700 [0.600, 0.800] "
        "for kit; difference 0.040 [-0.010, 0.090] (paired bootstrap), an interval that holds 0: "
        "the two may be equally good"
    )
    assert choice.scores["kit"] == {"estimate": 0.70, "low": 0.60, "high": 0.80}
    tie = choose_best({"kit": Interval(0.7, 0.6, 0.8), "yours": Interval(0.7, 0.6, 0.8)})
    assert tie.model == "kit"  # the first named wins a tie
    alone = choose_best({"kit": Interval(0.7, 0.6, 0.8)})
    assert alone.model == "kit" and alone.reason == "kit scores highest: 0.700 [0.600, 0.800]"
    with pytest.raises(ValueError):
        choose_best({})


def test_the_choice_is_submitted_only_for_its_data(small):
    _, source, out = small
    name, why = chosen_model(None, source, out)
    assert name == "mean" and why.startswith(
        "the kit's default, mean model: no choice of 02_baseline applies (02_baseline saved no choice in"
    )
    save_choice(Choice(YOURS, "your model scores highest"), source, out, settings={"extra": 1.0})
    assert json.loads(choice_path(hdhkits.saved.get_problem("small"), out).read_text())["model"] == YOURS
    assert chosen_model(None, source, out, settings={"extra": 1.0}) == (
        YOURS,
        "02_baseline's choice: your model scores highest",
    )
    choice, reason = load_choice(source, out)  # other settings: not this run's choice
    assert choice is None and "its extra was 1.0 (now None)" in reason
    assert chosen_model(None, source, out)[0] == "mean"
    assert chosen_model("shifted", source, out) == ("shifted", "shifted mean model, as the parameter `model` asks")
    with pytest.raises(DataError, match="not 'other'"):
        save_choice(Choice("other", ""), source, out)


def test_the_digest_of_a_model_ignores_memory_addresses():
    def factory():
        return 1

    first = hdhkits.fingerprint.describe_model(MeanModel(shift=np.float64(0.5)))
    assert first == "MeanModel(shift=np.float64(0.5))"
    text = hdhkits.fingerprint.describe_model({"make": factory, "obj": object()})
    assert " at 0x" not in text and "test_saved.test_the_digest_of_a_model_ignores_memory_addresses.<locals>" in text
    assert hdhkits.fingerprint.model_digest(MeanModel(1.0)) != hdhkits.fingerprint.model_digest(MeanModel(2.0))
    # the same in another interpreter: nothing in it depends on the process
    script = textwrap.dedent(
        """
        import sys; sys.path.insert(0, sys.argv[1])
        from test_saved import MeanModel
        from hdhkits.fingerprint import model_digest
        print(model_digest(MeanModel(1.0)))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent)], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == hdhkits.fingerprint.model_digest(MeanModel(1.0))
