"""The Cardi-HACK problem definition: files, twin, models, submission rules and the reconstructed metric.

:data:`PROBLEM` follows the :class:`hdhkits.problem.Problem` contract exactly and
delegates: the data check to :func:`hdhkits.cardihack.schema.check_data`, the twin to
:func:`hdhkits.cardihack.twin.make_twin`, the score to
:func:`hdhkits.cardihack.metric.score`, the kit's model to
:class:`hdhkits.cardihack.pair.BestPerOutcome`. A model, the kit's or yours, is a pair
(:class:`~hdhkits.cardihack.pair.Pair`); :func:`make_submission` turns a fitted one into the
official table. The challenge's modelling rules (which columns each model may read) are not
a property of the submission file, so the CLI does not check them;
:func:`validate_submission_and_rules` adds them for the notebooks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from sklearn.exceptions import NotFittedError

from ..findings import DataError, Finding, error
from ..problem import Noise, Problem, Score, UnitMetric, fidelity_rows
from ..quirks import Quirk
from ..schema import ColumnSpec
from ..submission import SubmissionSpec, check_submission
from .candidates import mace_candidates, severity_candidates
from .metric import DUMMY_MACE, DUMMY_SEVERITY, score, unit_metric
from .pair import PAIR_FORM, BestPerOutcome, rule_findings
from .quirks import QUIRKS
from .rules import check_feature_rules
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY, TEST_ID, TRAIN_SCHEMA, check_data, read_test, read_train
from .signal import OUTCOME_LABELS, column_aucs
from .twin import TEST_TRUTH_FILE, make_twin

__all__ = [
    "KIT_MODEL",
    "PROBLEM",
    "SUBMISSION_SPEC",
    "CardihackProblem",
    "kit_model_repeats",
    "make_submission",
    "validate_submission_and_rules",
]

#: The name of the kit's own model (``model = "best_per_outcome"`` in ``03_submission``).
KIT_MODEL = "best_per_outcome"

#: The submission file: ``trustii_id,OUTCOME MACE,OUTCOME SEVERITY``.
SUBMISSION_SPEC = SubmissionSpec(
    (
        ColumnSpec(TEST_ID, "int", nullable=False),
        ColumnSpec(OUTCOME_MACE, "code", nullable=False, allowed=(0, 1, 2)),
        ColumnSpec(OUTCOME_SEVERITY, "float", nullable=False, minimum=0.0, maximum=1.0),
    )
)


def _submission_findings(submission: pd.DataFrame, data_dir: Path) -> list[Finding]:
    """Every finding of a submission file against the ``trustii_id`` of ``test.csv``.

    Errors, and the ``column_order`` warning of :func:`~hdhkits.submission.check_submission`
    (the three columns in another order are scored by name).
    """
    test = read_test(data_dir, check=False)
    return check_submission(submission, SUBMISSION_SPEC, test[TEST_ID])


class CardihackProblem(Problem):
    """Cardi-HACK: severe phenotype and major cardiac events in hypertrophic cardiomyopathy."""

    name = "cardihack"
    title = "Cardi-HACK"
    task = (
        "From clinical and genetic data of HCM patients, predict the probability of a severe phenotype "
        "(OUTCOME SEVERITY) and the MACE class 0/1/2 (none / within 1,000 days / within 3,000 days)."
    )
    official_files = ("train.csv", "test.csv")
    metric = (
        "Reconstructed (not official): 0.7 x class-weighted quadratic kappa on MACE + 0.3 x rescaled "
        "class-weighted log-loss on SEVERITY"
    )
    env_var = "CARDIHACK_DATA_DIR"
    truth_file = TEST_TRUTH_FILE
    twin_version = "4"  # 2: effects recalibrated, Age_Diag after baseline; 3: the official signal; 4: official SNPs
    order = 3
    models: ClassVar[dict[str, str]] = {KIT_MODEL: "the kit's best pair"}  # its best SEVERITY and MACE candidates

    def make_twin(self, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
        """Write ``train.csv``/``test.csv`` and the truth (``test_truth.csv``, ``train_truth.csv``).

        Delegates to :func:`hdhkits.cardihack.twin.make_twin`.
        """
        make_twin(Path(data_dir), Path(truth_dir), seed=seed, size=size)  # the module function, not this method

    def check_data(self, data_dir: Path, deep: bool = False) -> list[Finding]:
        """Every finding of ``train.csv`` and ``test.csv`` in a folder, each naming its file.

        Delegates to :func:`hdhkits.cardihack.schema.check_data`: layout errors block,
        plausibility warnings are handled as :mod:`hdhkits.cardihack.plausibility` states;
        row counts far from the official files' warn. ``deep`` changes nothing (every value is read).
        """
        return check_data(data_dir, deep=deep)  # the module function, not this method

    def validate_submission(self, submission: pd.DataFrame, data_dir: Path) -> list[Finding]:
        """Every finding of a submission: errors (columns, codes, ids of ``test.csv``), a warning for another order.

        Parameters
        ----------
        submission : DataFrame
            ``trustii_id,OUTCOME MACE,OUTCOME SEVERITY``.
        data_dir : Path
            Folder with ``test.csv`` (its ``trustii_id`` are the expected ids).

        Returns
        -------
        list of Finding
            Empty for a valid submission in the official column order; the three columns
            in another order give one ``column_order`` warning (scored by name). The
            modelling rules are checked by :func:`validate_submission_and_rules`, which
            knows the models' columns.
        """
        return _submission_findings(submission, data_dir)

    def score_submission(self, submission: pd.DataFrame, truth: pd.DataFrame) -> Score:
        """Reconstructed metric: combined score, ``kappa_mace``, ``severity_rescaled``, ``severity_logloss``.

        Delegates to :func:`hdhkits.cardihack.metric.score`.
        """
        return score(truth, submission)

    def sample_submission(self, data_dir: Path) -> pd.DataFrame:
        """The organisers' own dummy: no event for anyone, the training prevalence of a severe phenotype."""
        test = read_test(data_dir, check=False)
        return pd.DataFrame({TEST_ID: test[TEST_ID], OUTCOME_MACE: DUMMY_MACE, OUTCOME_SEVERITY: DUMMY_SEVERITY})[
            SUBMISSION_SPEC.names
        ]

    def signal_table(self, data_dir: Path) -> pd.DataFrame | None:
        """Each column's signal alone in ``train.csv`` of ``data_dir``: its AUC for each outcome.

        The AUCs of :func:`~hdhkits.cardihack.signal.column_aucs` (the clinical columns and
        ``Variant.Pathogene``, ``Age_Diag`` read where known), the figures participants measured
        on the official train file (:data:`~hdhkits.cardihack.signal.OFFICIAL_COLUMN_AUC`). The
        SNPs are left out: officially they are known only as a whole, no more than chance.

        Returns
        -------
        DataFrame
            One row per (column, outcome): ``variable``, ``endpoint`` (``"SEVERITY"`` or
            ``"MACE >= 1"``) and ``value`` (the AUC; 0.5 = nothing, NaN where it cannot be computed).
        """
        aucs = column_aucs(read_train(Path(data_dir), check=False))
        table = aucs[list(OUTCOME_LABELS)].rename_axis("variable").reset_index()
        long = table.melt(id_vars="variable", var_name="endpoint", value_name="value")
        return long.reset_index(drop=True)

    # --- What the tools ask of the kit (leaderboard, its demo, workshop, quirks, fidelity) ---

    def unit_metric(self, truth: pd.DataFrame) -> UnitMetric:
        """The metric split over the test patients of ``truth`` (:func:`hdhkits.cardihack.metric.unit_metric`)."""
        return unit_metric(truth)

    def demo_submissions(self, data_dir: Path, truth: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
        """The kit's pair, the other pairings of its candidates, the ESC bands and the organisers' dummy.

        See :mod:`hdhkits.cardihack.demo`.
        """
        from .demo import demo_submissions  # here: the demo's models matter to `leaderboard --demo` only

        return demo_submissions(data_dir, truth, self.sample_submission(Path(data_dir)), seed)

    def demo_noise(self, data_dir: Path) -> Noise:
        """The SEVERITY logit jittered, MACE redrawn for a share of patients (:func:`hdhkits.cardihack.demo.noisy`)."""
        from .demo import noisy

        return noisy

    def teaching(self) -> Any:
        """The exercises, goals and traps of the notebooks (:data:`hdhkits.cardihack.teaching.TEACHING`)."""
        from .teaching import TEACHING  # here: the exercises matter to the notebooks' checks and workshops only

        return TEACHING

    def quirks(self) -> tuple[Quirk, ...]:
        """The known oddities of the official files (:data:`hdhkits.cardihack.quirks.QUIRKS`)."""
        return tuple(QUIRKS)

    def fidelity_table(self, data_dir: Path) -> pd.DataFrame | None:
        """The train file as :func:`~hdhkits.cardihack.schema.read_train` reads it, without its patient ids."""
        return fidelity_rows(read_train(data_dir), TRAIN_SCHEMA)

    def make_model(self, name: str, seed: int = 0, quick: bool = False, settings: dict | None = None) -> Any:
        """The kit's pair, unfitted: :class:`~hdhkits.cardihack.pair.BestPerOutcome` over the kit's candidates.

        Its ``fit`` cross-validates the three SEVERITY and the three MACE candidates
        (:func:`kit_model_repeats` x 5-fold, ``seed``) and keeps each outcome's best, as
        ``02_baseline`` does. Cardi-HACK has no ``settings``.

        Raises
        ------
        hdhkits.findings.DataError
            ``name`` is not one of :attr:`models`.
        """
        if name not in self.models:
            raise DataError("<model>", [f"the Cardi-HACK kit's model is {KIT_MODEL!r}, not {name!r}"])
        return BestPerOutcome(
            severity_candidates(seed), mace_candidates(seed), n_splits=5, n_repeats=kit_model_repeats(quick), seed=seed
        )

    def fit_model(
        self, model: Any, source: Any, seed: int = 0, quick: bool = False, settings: dict | None = None
    ) -> Any:
        """Fit an unfitted pair (the kit's, or a :class:`~hdhkits.cardihack.pair.Pair` of yours) on ``train.csv`` of ``source``.

        Returns
        -------
        Pair
            Fitted: what :func:`make_submission` takes.

        Raises
        ------
        hdhkits.findings.DataError
            ``model`` is not in the kit's form for a model (a pair).
        """
        if not all(hasattr(model, m) for m in ("fit", "predict_severity", "predict_mace")):
            raise DataError("<model>", [f"{type(model).__name__} is not a pair; {PAIR_FORM}"])
        return model.fit(read_train(source.data_dir))


PROBLEM = CardihackProblem()


def kit_model_repeats(quick: bool) -> int:
    """Repeats of the 5-fold cross-validation the kit's pair chooses on: 2 in quick mode, else 5 (``02_baseline``'s default)."""
    return 2 if quick else 5


def make_submission(model: Any, test: pd.DataFrame) -> pd.DataFrame:
    """The official submission table of a fitted pair for the test table.

    Parameters
    ----------
    model : Pair
        Fitted (:meth:`CardihackProblem.fit_model`, or reloaded by ``load_or_train``): the
        kit's pair or yours, anything with ``predict_severity`` and ``predict_mace``.
    test : DataFrame
        ``test.csv`` as :func:`~hdhkits.cardihack.schema.read_test` returns it.

    Returns
    -------
    DataFrame
        ``trustii_id,OUTCOME MACE,OUTCOME SEVERITY`` (the official order): the MACE class as
        an integer, the SEVERITY probability.

    Raises
    ------
    hdhkits.findings.DataError
        ``model`` is not a pair or is not fitted, or ``test`` has no ``trustii_id``.
    """
    if not all(hasattr(model, m) for m in ("predict_severity", "predict_mace")):
        raise DataError("<model>", [f"{type(model).__name__} is not a pair; {PAIR_FORM}"])
    if not isinstance(test, pd.DataFrame) or TEST_ID not in test.columns:
        raise DataError("test.csv", [f"the test table has no '{TEST_ID}'; pass the table read_test returns"])
    try:
        mace, severity = model.predict_mace(test), model.predict_severity(test)
    except NotFittedError as exc:
        raise DataError(
            "<model>", [f"the model is not fitted; fit it first, PROBLEM.fit_model(model, source) ({exc})"]
        ) from exc
    table = pd.DataFrame({TEST_ID: test[TEST_ID].to_numpy(), OUTCOME_MACE: mace, OUTCOME_SEVERITY: severity})
    return table.astype({OUTCOME_MACE: int, OUTCOME_SEVERITY: float})[SUBMISSION_SPEC.names]


def validate_submission_and_rules(
    submission: pd.DataFrame,
    data_dir: str | Path,
    severity_features: Iterable[str] | None = None,
    mace_features: Iterable[str] | None = None,
    model: object = None,
) -> list[Finding]:
    """:meth:`PROBLEM.validate_submission <CardihackProblem.validate_submission>` plus the modelling rules.

    Parameters
    ----------
    submission : DataFrame
        ``trustii_id,OUTCOME MACE,OUTCOME SEVERITY``.
    data_dir : str or Path
        Folder with ``test.csv``.
    severity_features, mace_features : iterable of str, optional
        Columns the two models read (:func:`~hdhkits.cardihack.baselines.declared_features`),
        checked by :func:`~hdhkits.cardihack.rules.check_feature_rules`; not checked
        when both are ``None``.
    model : Pair, optional
        The pair that made the submission: the rules are checked on the columns its two
        models declare (:func:`~hdhkits.cardihack.pair.rule_findings`; a model that declares
        none gets a warning saying how to declare them).

    Returns
    -------
    list of Finding
        Errors, rule violations with ``kind="feature_rule"``, and the ``column_order``
        warning of a file whose columns are in another order.
    """
    problems = _submission_findings(submission, Path(data_dir))
    if severity_features is not None or mace_features is not None:
        problems += [error(p, kind="feature_rule") for p in check_feature_rules(severity_features, mace_features)]
    if model is not None:
        problems += rule_findings(model)
    return problems
