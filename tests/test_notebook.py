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
    from hdhkits.notebook import tqdm
    from tqdm.auto import tqdm as auto_tqdm
    from tqdm.std import tqdm as text_tqdm

    assert tqdm is (text_tqdm if os.environ.get("HDHKITS_TEXT_PROGRESS") == "1" else auto_tqdm)  # conftest sets it
    # pytest resets warning filters per test, so check a fresh interpreter
    code = (
        "import warnings, hdhkits.notebook; print(any(a == 'ignore' and m is not None and "
        "m.match('IProgress not found') for a, m, *_ in warnings.filters))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr


def test_text_progress_bars_for_headless_runs():
    import os
    import subprocess
    import sys

    code = "from hdhkits.notebook import tqdm; print(tqdm.__module__)"
    for flag, module in (("1", "tqdm.std"), ("", "tqdm.notebook")):
        env = dict(os.environ, HDHKITS_TEXT_PROGRESS=flag)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        got = out.stdout.strip()
        # without the flag, tqdm.auto picks the widget bar where ipywidgets is installed
        assert got == module or (not flag and got in ("tqdm.notebook", "tqdm.auto", "tqdm.asyncio")), got
