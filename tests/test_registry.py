"""Kits are discovered, not listed: a throw-away fourth kit is seen everywhere with no other edit.

The fourth kit is its own distribution, ``toykit``, in a temporary folder: its package
and a ``toykit-0.1.dist-info`` whose ``entry_points.txt`` registers it in the group
``hdhkits.kits``, as ``pip install`` would write them (without running pip). It follows the
contract of CONTRIBUTING.md with the base package's own tools; the folder goes on
``sys.path`` for the in-process registry and on ``PYTHONPATH`` for the command line and
the shared parametrised tests, run in subprocesses.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hdhkits.problem import KITS, NOTEBOOKS, Problem, available_kits, discover_kits, get_problem

ROOT = Path(__file__).resolve().parents[1]

TOY = {
    "__init__.py": '''
        """A throw-away fourth kit (tests only)."""
        from hdhkits.saved import (
            YOURS,
            choose_best,
            chosen_model,
            load_choice,
            load_or_train,
            model_label,
            save_choice,
            save_model,
        )
        from .evaluation import cv_folds, paired_difference, score_interval
        from .plausibility import PLAUSIBLE_RANGES, plausibility_findings, plausible_values
        from .problem import PROBLEM, make_submission

        __all__ = [
            "PLAUSIBLE_RANGES",
            "PROBLEM",
            "YOURS",
            "choose_best",
            "chosen_model",
            "cv_folds",
            "load_choice",
            "load_or_train",
            "make_submission",
            "model_label",
            "paired_difference",
            "plausibility_findings",
            "plausible_values",
            "save_choice",
            "save_model",
            "score_interval",
        ]
    ''',
    "schema.py": '''
        """Layout of the toy kit's files."""
        from pathlib import Path

        from hdhkits.findings import Finding
        from hdhkits.schema import ColumnSpec, TableSchema
        from hdhkits.tables import check_files, read_table

        __all__ = ["TRAIN_SCHEMA", "TEST_SCHEMA", "check_data", "read_train", "read_test"]

        TRAIN_SCHEMA = TableSchema("train.csv", (ColumnSpec("id", "int", nullable=False), ColumnSpec("x"),
                                                 ColumnSpec("y", minimum=0.0)), id_column="id")
        TEST_SCHEMA = TableSchema("test.csv", (ColumnSpec("id", "int", nullable=False), ColumnSpec("x")),
                                  id_column="id")


        def check_data(data_dir, deep=False) -> list[Finding]:
            """Every finding of the two files."""
            return check_files(data_dir, (TRAIN_SCHEMA, TEST_SCHEMA))


        def read_train(data_dir, check=True):
            """The checked train table."""
            return read_table(Path(data_dir), TRAIN_SCHEMA, check=check)


        def read_test(data_dir, check=True):
            """The checked test table."""
            return read_table(Path(data_dir), TEST_SCHEMA, check=check)
    ''',
    "twin.py": '''
        """The toy twin: y = 2x + noise."""
        from pathlib import Path

        import numpy as np
        import pandas as pd

        from hdhkits.files import write_csv

        __all__ = ["make_twin"]


        def make_twin(data_dir, truth_dir, seed=0, size="default"):
            """Write train.csv, test.csv and the truth."""
            rng = np.random.default_rng(seed)
            n = {"quick": 40, "default": 100, "full": 400}[size]
            x = rng.normal(size=2 * n)
            y = np.abs(2 * x + rng.normal(scale=0.1, size=2 * n))
            ids = np.arange(2 * n)
            write_csv(pd.DataFrame({"id": ids[:n], "x": x[:n], "y": y[:n]}), Path(data_dir) / "train.csv")
            write_csv(pd.DataFrame({"id": ids[n:], "x": x[n:]}), Path(data_dir) / "test.csv")
            write_csv(pd.DataFrame({"id": ids[n:], "y": y[n:]}), Path(truth_dir) / "test_truth.csv")
    ''',
    "metric.py": '''
        """The toy metric: 1 / (1 + mean absolute error), and the same split over the test rows."""
        import numpy as np

        from hdhkits.problem import Score, UnitMetric

        __all__ = ["ToyUnitMetric", "score"]


        def score(truth, submission):
            """Higher is better, 1 for a perfect submission."""
            merged = truth.merge(submission, on="id", suffixes=("", "_pred"))
            mae = float(np.mean(np.abs(merged["y"] - merged["y_pred"])))
            return Score(1.0 / (1.0 + mae), {"mae": mae})


        class ToyUnitMetric(UnitMetric):
            """The toy metric over weighted test rows: each row's absolute error is its term."""

            unit_name = "rows"

            def __init__(self, truth):
                self.truth = truth.set_index("id")["y"]

            @property
            def units(self):
                """The test ids."""
                return self.truth.index.to_numpy()

            def unit_terms(self, submission):
                """Each row's absolute error."""
                predicted = submission.set_index("id")["y"].reindex(self.truth.index).to_numpy(float)
                return (np.abs(self.truth.to_numpy(float) - predicted),)

            def scores(self, terms, weights):
                """1 / (1 + the weighted mean absolute error) of each weighting."""
                return 1.0 / (1.0 + weights @ terms[0] / weights.sum(axis=1))
    ''',
    "baselines.py": '''
        """The toy oracle."""
        from .metric import score

        __all__ = ["oracle_score"]


        def oracle_score(truth):
            """The score of the truth itself."""
            return score(truth, truth)
    ''',
    "quirks.py": '"""The toy kit has no known quirk."""\nQUIRKS = ()\n',
    "evaluation.py": '''
        """The toy kit's cross-validation folds and intervals."""
        from __future__ import annotations

        import numpy as np
        from sklearn.model_selection import KFold

        from hdhkits.evaluation import bootstrap_difference, bootstrap_score
        from hdhkits.stats import Interval

        __all__ = ["cv_folds", "paired_difference", "score_interval"]


        def cv_folds(train, n_splits=5, n_repeats=1, seed=0) -> list[tuple[np.ndarray, np.ndarray]]:
            """``(train rows, validation rows)`` of a shuffled K-fold, repeated with other seeds."""
            rows = np.arange(len(train))
            return [pair for r in range(n_repeats)
                    for pair in KFold(n_splits, shuffle=True, random_state=seed + r).split(rows)]


        def _score(y, p):
            return 1.0 / (1.0 + float(np.mean(np.abs(np.asarray(y) - np.asarray(p)))))


        def score_interval(truth, predictions, n_boot=200, seed=0) -> dict[str, Interval]:
            """The toy metric of predictions of ``truth`` (arrays), with its bootstrap interval."""
            return {"score": bootstrap_score(_score, truth, predictions, n_boot=n_boot, seed=seed)}


        def paired_difference(truth, predictions, reference, n_boot=200, seed=0) -> Interval:
            """The toy metric of ``predictions`` minus that of ``reference``, paired bootstrap."""
            return bootstrap_difference(lambda y, p, r: _score(y, p), lambda y, p, r: _score(y, r),
                                        truth, predictions, reference, n_boot=n_boot, seed=seed)
    ''',
    "plausibility.py": '''
        """The toy kit's plausible range: y is never negative."""
        from hdhkits.findings import Finding, warning

        __all__ = ["PLAUSIBLE_RANGES", "plausibility_findings", "plausible_values"]

        PLAUSIBLE_RANGES = {"y": (0.0, float("inf"))}


        def plausibility_findings(frame, file):
            """A warning for negative y values."""
            bad = int((frame["y"] < 0).sum()) if "y" in frame else 0
            return [warning(f"{bad} negative y value(s)", file=file, column="y", fix="treated as missing")] if bad else []


        def plausible_values(frame):
            """The frame with negative y set to missing."""
            return frame.assign(y=frame["y"].where(frame["y"] >= 0)) if "y" in frame else frame
    ''',
    "problem.py": '''
        """The toy problem definition."""
        from __future__ import annotations

        from pathlib import Path
        from typing import ClassVar

        import pandas as pd
        from sklearn.linear_model import LinearRegression

        from hdhkits.findings import Finding
        from hdhkits.problem import Problem, Score
        from hdhkits.schema import ColumnSpec
        from hdhkits.submission import SubmissionSpec, check_submission
        from . import metric, schema, twin

        __all__ = ["PROBLEM", "make_submission"]

        SUBMISSION = SubmissionSpec((ColumnSpec("id", "int", nullable=False), ColumnSpec("y", nullable=False)))


        def make_submission(model, test) -> pd.DataFrame:
            """The submission ``id,y`` of a fitted model for the test table."""
            return pd.DataFrame({"id": test["id"], "y": model.predict(test[["x"]])})


        def sample_submission(data_dir) -> pd.DataFrame:
            """y = 2x for every test row: the rule the twin draws from, without its noise."""
            test = schema.read_test(data_dir)
            return pd.DataFrame({"id": test["id"], "y": 2 * test["x"].abs()})


        class ToyProblem(Problem):
            """A fourth kit made by a test."""

            name = "toykit"
            title = "TOYKIT"
            task = "Predict y from x."
            official_files = ("train.csv", "test.csv")
            metric = "1 / (1 + mean absolute error)"
            env_var = "TOYKIT_DATA_DIR"
            order = 2  # ties sort by name: after annitia, before cardihack
            models: ClassVar[dict[str, str]] = {"linear": "linear regression"}

            def make_model(self, name: str, seed: int = 0, quick: bool = False, settings: dict | None = None):
                """The linear regression."""
                return LinearRegression()

            def sample_submission(self, data_dir: Path) -> pd.DataFrame:
                """A valid submission with no model."""
                return sample_submission(data_dir)

            def fit_model(self, model, source, seed: int = 0, quick: bool = False, settings: dict | None = None):
                """Fit y on x of train.csv."""
                train = schema.read_train(source.data_dir)
                return model.fit(train[["x"]], train["y"])

            def make_twin(self, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
                """Write the toy files."""
                twin.make_twin(data_dir, truth_dir, seed=seed, size=size)

            def check_data(self, data_dir: Path, deep: bool = False) -> list[Finding]:
                """Every finding of the toy files."""
                return schema.check_data(data_dir, deep=deep)

            def validate_submission(self, submission: pd.DataFrame, data_dir: Path) -> list[Finding]:
                """Every finding of a toy submission."""
                return check_submission(submission, SUBMISSION, schema.read_test(data_dir)["id"])

            def score_submission(self, submission: pd.DataFrame, truth: pd.DataFrame) -> Score:
                """The toy metric."""
                return metric.score(truth, submission)

            def unit_metric(self, truth: pd.DataFrame) -> metric.ToyUnitMetric:
                """The toy metric over the test rows."""
                return metric.ToyUnitMetric(truth)

            def demo_submissions(self, data_dir: Path, truth: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
                """The linear model, then the sample submission."""
                train, test = schema.read_train(data_dir), schema.read_test(data_dir)
                fitted = LinearRegression().fit(train[["x"]], train["y"])
                return {"linear": make_submission(fitted, test), "sample": self.sample_submission(data_dir)}

            def demo_noise(self, data_dir: Path):
                """Gaussian noise on y."""
                return lambda table, level, rng: table.assign(y=table["y"] + rng.normal(0, level, len(table)))


        PROBLEM = ToyProblem()
    ''',
}


#: What ``pip install`` writes beside the package: the distribution's name and its entry point.
TOY_METADATA = {
    "METADATA": "Metadata-Version: 2.1\nName: toykit\nVersion: 0.1\nSummary: A throw-away fourth kit (tests only)\n",
    "entry_points.txt": "[hdhkits.kits]\ntoykit = toykit.problem:PROBLEM\n",
    "top_level.txt": "toykit\n",
}


@pytest.fixture(scope="module")
def toy_path(tmp_path_factory) -> Path:
    """A folder holding the ``toykit`` package and its ``toykit-0.1.dist-info``, to put on sys.path."""
    root = tmp_path_factory.mktemp("toy")
    kit = root / "toykit"
    kit.mkdir(parents=True)
    for name, source in TOY.items():
        (kit / name).write_text(textwrap.dedent(source).lstrip())
    info = root / "toykit-0.1.dist-info"
    info.mkdir()
    for name, text in TOY_METADATA.items():
        (info / name).write_text(text)
    return root


@pytest.fixture
def toy_registered(toy_path, monkeypatch):
    """The toy kit installed in this process: its folder on sys.path, the registry read again (and after)."""
    from hdhkits import problem

    monkeypatch.syspath_prepend(str(toy_path))
    problem._registry.cache_clear()
    problem.discover_kits.cache_clear()
    yield
    monkeypatch.undo()
    problem._registry.cache_clear()
    problem.discover_kits.cache_clear()
    for name in [m for m in sys.modules if m == "toykit" or m.startswith("toykit.")]:
        del sys.modules[name]


def _env(toy: Path, tmp: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(toy), os.environ.get("PYTHONPATH")])))
    env.update(HDHKITS_CACHE=str(tmp / "cache"), HDHKITS_OUTPUT_DIR=str(tmp / "out"))
    return env


def _hdhkits(env: dict, *args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hdhkits.cli", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_registry_is_what_discovery_finds():
    assert KITS == discover_kits() == tuple(available_kits())
    assert set(KITS) >= {"cytologia", "annitia", "cardihack"}
    assert "bundle" not in KITS  # a subpackage is no kit: only entry points are
    orders = [get_problem(k).order for k in KITS]
    assert orders == sorted(orders)
    for kit in KITS:
        assert isinstance(get_problem(kit), Problem)


def test_a_fourth_kit_installed_as_its_own_distribution_is_registered(toy_registered):
    assert discover_kits() == ("cytologia", "annitia", "toykit", "cardihack")  # order 2, ties by name
    problem = get_problem("TOYKIT")
    assert isinstance(problem, Problem) and type(problem).__module__ == "toykit.problem"
    assert problem.quirks() == () and problem.teaching() is None


def test_a_kit_that_fails_to_load_names_its_distribution_and_entry_point(toy_registered, toy_path):
    from hdhkits.problem import KitLoadError

    (toy_path / "toykit-0.1.dist-info" / "entry_points.txt").write_text(
        "[hdhkits.kits]\ntoykit = toykit.nowhere:PROBLEM\n"
    )
    try:
        with pytest.raises(
            KitLoadError, match=r"entry point toykit = 'toykit.nowhere:PROBLEM' of toykit .*fails to load"
        ):
            discover_kits()
    finally:
        (toy_path / "toykit-0.1.dist-info" / "entry_points.txt").write_text(TOY_METADATA["entry_points.txt"])


@pytest.mark.slow
def test_a_fourth_kit_is_seen_by_the_command_line(toy_path, tmp_path):
    env = _env(toy_path, tmp_path)
    listing = _hdhkits(env, "list", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "TOYKIT" in listing.stdout and "CYTOLOGIA" in listing.stdout
    order = [listing.stdout.index(t) for t in ("CYTOLOGIA", "ANNITIA", "TOYKIT", "Cardi-HACK")]
    assert order == sorted(order)

    data = tmp_path / "data"
    made = _hdhkits(env, "data", "toykit", "--out", data, "--size", "quick", "--seed", "1", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    checked = _hdhkits(env, "check", "toykit", data, cwd=tmp_path)
    assert checked.returncode == 0 and "match the official TOYKIT layout" in checked.stdout, checked.stdout

    import pandas as pd

    truth = pd.read_csv(tmp_path / "data_truth" / "test_truth.csv")
    good = tmp_path / "good.csv"
    truth.to_csv(good, index=False)
    valid = _hdhkits(env, "validate", "toykit", good, "--data", data, cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    scored = _hdhkits(env, "score", "toykit", good, "--truth", tmp_path / "data_truth", cwd=tmp_path)
    assert scored.returncode == 0 and "TOYKIT score: 1.0000" in scored.stdout, scored.stdout + scored.stderr

    kits_dir = tmp_path / "kits"
    (kits_dir / "toykit").mkdir(parents=True)
    for name in (*NOTEBOOKS, "README.md"):
        (kits_dir / "toykit" / name).write_text("{}" if name.endswith(".ipynb") else "# TOYKIT\n")
    bundled = _hdhkits(
        env, "bundle", "toykit", "--out", tmp_path / "toy.zip", "--size", "quick", "--kits-dir", kits_dir, cwd=ROOT
    )
    # a bundle's scoring program is a pruned copy of hdhkits: a kit of another distribution gets a sentence
    assert bundled.returncode == 2 and bundled.stderr.startswith("error: bundle toykit: "), bundled.stderr
    assert "Traceback" not in bundled.stderr and not (tmp_path / "toy.zip").exists()

    out = tmp_path / "lb"
    ranked = _hdhkits(
        env, "leaderboard", "toykit", "--demo", 5, "--size", "quick", "--boot", 100, "--out", out, cwd=tmp_path
    )
    assert ranked.returncode == 0, ranked.stdout + ranked.stderr
    board = pd.read_csv(out / "leaderboard.csv")
    assert {"linear", "sample", "linear_resubmitted"} <= set(board["submission"]), board

    bad = tmp_path / "bad.csv"
    truth.drop(columns="y").to_csv(bad, index=False)
    invalid = _hdhkits(env, "validate", "toykit", bad, "--data", data, cwd=tmp_path)
    assert invalid.returncode == 1 and "'y'" in invalid.stdout + invalid.stderr


@pytest.mark.slow
def test_the_shared_parametrised_tests_see_a_fourth_kit(toy_path, tmp_path):
    env = _env(toy_path, tmp_path)
    tests = ["tests/test_problem.py", "tests/test_contract.py", "tests/test_cli.py"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            *tests,
            "-k",
            "toykit",
            "-o",
            "addopts=-p no:cacheprovider",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = done.stdout[-3000:]
    assert done.returncode == 0, tail
    passed = int(tail.strip().splitlines()[-1].split(" passed")[0].split()[-1])
    assert passed >= 8, tail  # every parametrised test of those modules, for the toy kit
