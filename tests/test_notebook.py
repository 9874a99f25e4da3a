import os
import random
import subprocess
import sys

import numpy as np
from hdhkits.notebook import default_output_dir, env_flag, in_colab, read_scores, record_score, seed_everything


def test_env_flag(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_flag("X_FLAG")
    monkeypatch.setenv("X_FLAG", "0")
    assert not env_flag("X_FLAG")
    monkeypatch.delenv("X_FLAG")
    assert env_flag("X_FLAG", default=True)


def test_seed_everything_repeats_draws():
    seed_everything(5)
    a = (random.random(), np.random.rand())
    seed_everything(5)
    assert a == (random.random(), np.random.rand())


def test_record_and_read_scores(tmp_path):
    assert read_scores(tmp_path) == {}
    record_score(tmp_path, "02_baseline", "CV score", 0.81234)
    record_score(tmp_path, "03_submission", "local test score", 0.7)
    scores = read_scores(tmp_path)
    assert scores["02_baseline"] == {"name": "CV score", "value": 0.81234}
    assert set(scores) == {"02_baseline", "03_submission"}


def test_recorded_interval_reaches_the_runner_summary(tmp_path):
    from hdhkits.runner.execute import score_interval

    record_score(tmp_path, "02_baseline", "CV score", 0.81, interval=(0.78, np.float64(0.84)))
    score = read_scores(tmp_path)["02_baseline"]
    assert score == {"name": "CV score", "value": 0.81, "low": 0.78, "high": 0.84}
    assert score_interval(score) == (0.78, 0.84)


def test_default_output_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("HDHKITS_OUTPUT_DIR", str(tmp_path))
    assert default_output_dir("annitia") == tmp_path / "annitia"
    monkeypatch.delenv("HDHKITS_OUTPUT_DIR")
    assert str(default_output_dir("annitia")) == "outputs"
    assert in_colab() is False


def test_tqdm_is_reexported_after_the_ipywidgets_filter():
    # pytest resets warning filters per test, so check a fresh interpreter
    code = (
        "import warnings, hdhkits.notebook; print(any(a == 'ignore' and m is not None and "
        "m.match('IProgress not found') for a, m, *_ in warnings.filters))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr


def test_headless_runs_show_no_progress_bar():
    code = (
        "import sys\nfrom hdhkits.notebook import tqdm\n"
        "print(tqdm.__module__)\n"
        "for _ in tqdm(range(3), desc='bar'): pass\n"
        "bar = tqdm(total=2, desc='manual'); bar.update(2); bar.close()\n"
    )
    for flag in ("1", ""):
        env = dict(os.environ, HDHKITS_HEADLESS=flag)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        if flag:  # the tests, hdhkits run, refreshed outputs: nothing on stderr
            assert out.stdout.strip() == "hdhkits.notebook" and out.stderr == ""
        else:  # live: tqdm.auto's widget where ipywidgets is installed, its text bar otherwise
            assert out.stdout.strip() in ("tqdm.notebook", "tqdm.auto", "tqdm.asyncio", "tqdm.std")
            assert "bar: 100%" in out.stderr


def test_the_submission_is_shown_whole_with_how_to_hand_it_in(monkeypatch, tmp_path, capsys):
    from hdhkits.datasource import DataSource
    from hdhkits.notebook import show_submission, submission_location

    path = tmp_path / "out" / "submission.csv"
    path.parent.mkdir()
    path.write_text("x\n")
    monkeypatch.delenv("HDHKITS_OUTPUT_DIR", raising=False)
    assert submission_location(path) == path.resolve().as_posix()  # a participant's run: the full path
    monkeypatch.setenv("HDHKITS_OUTPUT_DIR", str(tmp_path / "out"))
    assert submission_location(path) == "$HDHKITS_OUTPUT_DIR/submission.csv"  # tests: no machine path

    twin = DataSource("cardihack", tmp_path, tmp_path, True, "twin", seed=3, size="quick", env_var="CARDIHACK_DATA_DIR")
    text = show_submission(path, twin)
    assert capsys.readouterr().out.strip() == text
    assert "scored here, not on the platform" in text and "$CARDIHACK_DATA_DIR" in text
    assert "hdhkits validate cardihack $HDHKITS_OUTPUT_DIR/submission.csv --seed 3 --size quick" in text
    official = DataSource("annitia", tmp_path / "official", None, False, "parameter", env_var="ANNITIA_DATA_DIR")
    text = show_submission(path, official)
    assert "to submit: upload this file on the challenge's page of the Trustii platform" in text
    assert f"--data {(tmp_path / 'official').resolve().as_posix()}" in text and "Colab" not in text
