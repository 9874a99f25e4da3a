"""ANNITIA problem definition: files, twin, submission rules, the official metric and the models.

:data:`PROBLEM` follows the kit contract (CONTRIBUTING.md): each method has exactly the
signature of :class:`hdhkits.problem.Problem` and delegates to the kit's modules
(:mod:`~hdhkits.annitia.twin`, :mod:`~hdhkits.annitia.schema`,
:mod:`~hdhkits.annitia.metric`, :mod:`~hdhkits.annitia.models`). Its model hooks
(:attr:`~AnnitiaProblem.models`, ``make_model``, ``fit_model``, ``stamped_settings``)
are what the participant's loop (:mod:`hdhkits.saved`) needs; :func:`make_submission`
turns a fitted model into the official table.

A model, in ANNITIA, is an estimator with ``fit(X, y)`` and ``predict(X)`` on the
per-patient features of :func:`~hdhkits.annitia.features.build_features`: ``y`` is the
:class:`~hdhkits.annitia.targets.SurvivalTargets` of the train file, and ``predict``
returns risks of shape (n, 2), liver event then death. Typically a
:class:`~hdhkits.annitia.baselines.TwoOutcomeModel` of one scikit-learn or
scikit-survival estimator per outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..findings import DataError, Finding
from ..problem import Noise, Problem, Score, UnitMetric, fidelity_rows
from ..quirks import Quirk
from .columns import RISK_DEATH, RISK_HEPATIC, TEST_ID
from .features import build_features
from .metric import score, unit_metric
from .models import EFFORT_PIECES, EFFORTS, make_clinical_model, make_leaderboard_model
from .quirks import QUIRKS
from .schema import TEST_FILE, TRAIN_FILE, TRAIN_SCHEMA, TRUTH_FILE, check_data, read_test, read_train
from .signal import univariate_c
from .submission import SUBMISSION_SPEC, submission_findings
from .targets import survival_targets
from .twin import make_twin

__all__ = ["PROBLEM", "SUBMISSION_SPEC", "AnnitiaProblem", "make_submission"]


def _settings_effort(settings: dict | None) -> str:
    """The ``effort`` of a notebook's ``settings`` (``{"effort": ...}``; ``"default"`` when absent).

    Raises
    ------
    hdhkits.findings.DataError
        An effort outside :data:`~hdhkits.annitia.models.EFFORTS`, or a setting ANNITIA
        does not know.
    """
    settings = dict(settings or {})
    unknown = sorted(set(settings) - {"effort"})
    if unknown:
        raise DataError(
            "<settings>",
            [f"ANNITIA's settings hold only 'effort', not {unknown}; write settings = {{\"effort\": effort}}"],
        )
    effort = settings.get("effort", "default")
    if effort not in EFFORTS:
        raise DataError(
            "<effort>",
            [
                f"effort must be one of {list(EFFORTS)}, not {effort!r}; set the notebooks' `effort` parameter "
                "(or ANNITIA_EFFORT) to one of them, the same in 02_baseline and 03_submission"
            ],
        )
    return effort


class AnnitiaProblem(Problem):
    """ANNITIA: rank MASLD patients by risk of a liver event and of death."""

    name = "annitia"
    title = "ANNITIA"
    task = (
        "From sparse visits (labs, FibroScan, FibroTest, Aixplorer), rank each test patient by "
        "risk of a major liver event and of death."
    )
    official_files = (TRAIN_FILE, TEST_FILE)
    metric = (
        "0.7 × C(hepatic) + 0.3 × C(death), Harrell's concordance as scikit-survival's "
        "concordance_index_censored (official); unknown death status left out of C(death)"
    )
    env_var = "ANNITIA_DATA_DIR"
    truth_file = TRUTH_FILE
    # 4: joint codes, blood panels, liver signal from the official univariate C;
    # 3: visits move like the official ones; 2: calibrated difficulty
    twin_version = "4"
    #: Place in kit listings (`hdhkits list`, the README).
    order = 2
    #: The kit's submittable models; the leaderboard model (best cross-validated score) is the default.
    models: ClassVar[dict[str, str]] = {"leaderboard": "leaderboard model", "clinical": "clinical model"}

    def make_twin(self, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
        """Write ``train.csv`` and ``val_test.csv`` to ``data_dir``, ``val_test_truth.csv`` to ``truth_dir``.

        Delegates to :func:`hdhkits.annitia.twin.make_twin`; deterministic in ``seed`` and ``size``.
        """
        make_twin(data_dir, truth_dir, seed=seed, size=size)

    def check_data(self, data_dir: Path, deep: bool = False) -> list[Finding]:
        """Every finding of both files (``test.csv`` accepted for ``val_test.csv``).

        Errors: layout (missing file or column, unparsable values, unknown codes,
        duplicate ids). Warnings: labs outside their plausible range (the features treat
        them as missing) and events dated before ``Age_v1`` (time set to 0.001 years).
        Delegates to :func:`hdhkits.annitia.schema.check_data` (``deep`` changes nothing:
        every value is read anyway).
        """
        return check_data(data_dir, deep=deep)

    def validate_submission(self, submission: pd.DataFrame, data_dir: Path) -> list[Finding]:
        """Every problem of a submission against the test file's ``trustii_id`` values.

        Raises
        ------
        hdhkits.findings.DataError
            The test file is missing or has no ``trustii_id`` column.
        """
        return submission_findings(submission, data_dir)

    def score_submission(self, submission: pd.DataFrame, truth: pd.DataFrame) -> Score:
        """Official score of a valid submission against the truth table.

        The truth is the twin's (or any table with ``trustii_id``, the four targets,
        ``Age_v1`` and ``last_visit_age`` or ``Age_v*``). Delegates to
        :func:`hdhkits.annitia.metric.score`.
        """
        return score(truth, submission)

    # --- What the tools ask of the kit (leaderboard, its demo, workshop, quirks, fidelity) ---

    def unit_metric(self, truth: pd.DataFrame) -> UnitMetric:
        """The metric split over the test patients of ``truth`` (:func:`hdhkits.annitia.metric.unit_metric`)."""
        return unit_metric(truth)

    def demo_submissions(self, data_dir: Path, truth: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
        """The kit's own models at several settings, then its sample submission (:mod:`hdhkits.annitia.demo`)."""
        from .demo import demo_submissions  # here: the demo's models matter to `leaderboard --demo` only

        return demo_submissions(data_dir, truth, self.sample_submission(Path(data_dir)), seed)

    def demo_noise(self, data_dir: Path) -> Noise:
        """Each risk replaced by its percentile rank plus Gaussian noise (:func:`hdhkits.annitia.demo.noisy`)."""
        from .demo import noisy

        return noisy

    def teaching(self) -> Any:
        """The exercises, goals and traps of the notebooks (:data:`hdhkits.annitia.teaching.TEACHING`)."""
        from .teaching import TEACHING  # here: the exercises matter to the notebooks' checks and workshops only

        return TEACHING

    def quirks(self) -> tuple[Quirk, ...]:
        """The known oddities of the official files (:data:`hdhkits.annitia.quirks.QUIRKS`)."""
        return tuple(QUIRKS)

    def fidelity_table(self, data_dir: Path) -> pd.DataFrame | None:
        """The train file as :func:`~hdhkits.annitia.schema.read_train` reads it, without the patient ids."""
        return fidelity_rows(read_train(data_dir), TRAIN_SCHEMA)

    def make_model(self, name: str, seed: int = 0, quick: bool = False, settings: dict | None = None) -> Any:
        """The leaderboard or the clinical model, unfitted, at the effort of ``settings``.

        ``"leaderboard"``: :func:`~hdhkits.annitia.models.make_leaderboard_model` (every
        feature family, the follow-up window included, with the liver pieces of the
        effort); ``"clinical"``: :func:`~hdhkits.annitia.models.make_clinical_model`
        (first-visit biology). Quick mode has fewer trees and inner folds.

        Raises
        ------
        hdhkits.findings.DataError
            An unknown name or effort.
        """
        effort = _settings_effort(settings)
        makers = {"leaderboard": make_leaderboard_model, "clinical": make_clinical_model}
        if name not in makers:
            raise DataError(
                "<model>",
                [f"ANNITIA's models are {', '.join(repr(n) for n in makers)}, not {name!r}; name one of them"],
            )
        return makers[name](quick=quick, seed=seed, effort=effort)

    def fit_model(
        self, model: Any, source: Any, seed: int = 0, quick: bool = False, settings: dict | None = None
    ) -> Any:
        """Fit a copy of ``model`` on the features and survival targets of ``train.csv`` of ``source``.

        The features are :func:`~hdhkits.annitia.features.build_features` of the train
        file, the targets its :func:`~hdhkits.annitia.targets.survival_targets`; the copy
        is :meth:`unfitted` (a scikit-learn clone), so the model given is left as it was.
        ``seed`` and ``quick`` are already in the model; ``settings`` is only checked.

        Returns
        -------
        object
            The fitted copy, what :func:`make_submission` takes.
        """
        _settings_effort(settings)
        frame = read_train(source.data_dir)
        fitted = self.unfitted(model)
        fitted.fit(build_features(frame), survival_targets(frame))
        return fitted

    def stamped_settings(self, settings: dict | None) -> dict:
        """The effort, and the liver pieces it uses: a model saved before either changed is trained again."""
        effort = _settings_effort(settings)
        return {"effort": effort, "liver_pieces": list(EFFORT_PIECES[effort])}

    def signal_table(self, data_dir: Path) -> pd.DataFrame | None:
        """Harrell's C of each variable alone, for the liver event and for death, on ``train.csv`` of ``data_dir``.

        Delegates to :func:`hdhkits.annitia.signal.univariate_c` (the rows of
        :func:`~hdhkits.annitia.signal.official_univariate_c`, measured by participants on the
        official train file).

        Returns
        -------
        DataFrame
            Columns ``variable``, ``endpoint`` (``"liver"`` or ``"death"``) and ``value``.
        """
        table = univariate_c(read_train(data_dir, check=False))
        return table.rename(columns={"c_index": "value"})

    def sample_submission(self, data_dir: Path) -> pd.DataFrame:
        """Age at the first visit as both risks (older: higher risk), for every test patient."""
        test = read_test(data_dir, check=False)
        first_age = pd.to_numeric(test["Age_v1"], errors="coerce")
        age = first_age.fillna(first_age.median()).to_numpy(float)
        return pd.DataFrame({TEST_ID: test[TEST_ID], RISK_HEPATIC: age, RISK_DEATH: age})[SUBMISSION_SPEC.names]


PROBLEM = AnnitiaProblem()


def make_submission(model: Any, test: pd.DataFrame) -> pd.DataFrame:
    """The official table ``trustii_id,risk_hepatic_event,risk_death`` of a fitted model for a test file.

    Parameters
    ----------
    model : estimator
        Fitted (:meth:`AnnitiaProblem.fit_model`, ``load_or_train``); its ``predict`` takes
        the features of :func:`~hdhkits.annitia.features.build_features` and returns
        risks of shape (n, 2), liver event then death (higher: earlier event).
    test : DataFrame
        ``val_test.csv`` as :func:`~hdhkits.annitia.schema.read_test` returns it.

    Returns
    -------
    DataFrame
        One row per test patient, in the test file's order, official columns in official order.

    Raises
    ------
    hdhkits.findings.DataError
        The test table has no ``trustii_id``, or the model's ``predict`` does not give one
        pair of risks per test patient.
    """
    if TEST_ID not in test.columns:
        raise DataError("<test>", [f"the test table has no '{TEST_ID}' column; read it with read_test()"])
    risks = np.asarray(model.predict(build_features(test)), dtype=float)
    if risks.shape != (len(test), 2):
        raise DataError(
            "<model>",
            [
                f"the model's predict returned shape {risks.shape}, not ({len(test)}, 2): one pair of risks "
                "(liver event, death) per test patient; wrap one estimator per outcome in TwoOutcomeModel"
            ],
        )
    table = pd.DataFrame({TEST_ID: test[TEST_ID].to_numpy(), RISK_HEPATIC: risks[:, 0], RISK_DEATH: risks[:, 1]})
    return table[SUBMISSION_SPEC.names]
