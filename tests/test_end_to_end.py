"""Each kit's three notebooks, run headless with papermill, give a valid, scored submission.

The runs on the default twin (a participant's first run) are the session's
(``tests/notebook_runs.py``): the ones whose cells nbval compares, made once with
:func:`hdhkits.runner.run_kit`. On folders of official-format files (no truth beside them)
the notebooks run in ``tests/test_extremes.py`` (every extreme the check accepts) and in
``tests/test_participant_session.py`` (a workshop pack's data folder, with a participant's
own model written into 02 and submitted by 03).
"""

import json

import numpy as np
import pytest
from hdhkits.cli import main
from hdhkits.problem import KITS, get_problem
from hdhkits.submission import read_submission


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS)
def test_kit_runs_end_to_end(kit, tmp_path, twin, capsys, notebook_runs):
    runs = notebook_runs.kit(kit)
    failed = [f"{r.notebook}: {r.error}" for r in runs if r.status != "ok"]
    assert not failed, failed
    assert runs[-1].key_score, "03_submission should record its local score"
    source = twin(kit, "default")
    problem = get_problem(kit)
    path = notebook_runs.output_dir(kit) / "submission.csv"
    submission = read_submission(path)
    assert problem.validate_submission(submission, source.data_dir) == []

    code, out = cli(capsys, "validate", kit, path, "--data", source.data_dir)
    assert code == 0 and "valid" in out
    code, out = cli(capsys, "score", kit, path, "--truth", source.truth_path, "--json")
    assert code == 0
    result = json.loads(out)
    assert np.isfinite(result["score"]) and result["parts"]
    # the notebook's recorded local score is the CLI's score
    assert f"{result['score']:.3f}" in runs[-1].key_score

    # break it in several ways at once: every problem is listed, no traceback
    broken = submission.copy()
    id_col = broken.columns[0]
    value_col = broken.select_dtypes("number").columns[-1]
    broken = broken.iloc[1:].copy()  # one id missing
    broken.iloc[0, 0] = broken.iloc[1, 0]  # one duplicated
    broken[value_col] = broken[value_col].astype(float)
    broken.iloc[2, broken.columns.get_loc(value_col)] = np.nan
    broken["unexpected"] = 1
    broken.to_csv(tmp_path / "broken.csv", index=False)
    code, out = cli(capsys, "validate", kit, tmp_path / "broken.csv", "--data", source.data_dir)
    assert code == 1
    for fragment in ("unexpected", "duplicated", "missing", "empty"):
        assert fragment in out, (fragment, out)
    assert id_col in out
