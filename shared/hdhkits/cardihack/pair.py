"""A Cardi-HACK model is a pair: one estimator per outcome, fitted and submitted together.

The challenge scores two columns, a SEVERITY probability and a MACE class, each with its own
modelling rule. :class:`Pair` puts a SEVERITY estimator and a MACE estimator together as one
scikit-learn estimator: ``fit(train)`` fits each on its outcome column, ``predict_severity``
and ``predict_mace`` predict the test table, ``clone`` copies it unfitted. It is the form of
"your model" (the "Your model" cell of ``02_baseline``) and what
:func:`~hdhkits.cardihack.problem.make_submission` takes.

:class:`BestPerOutcome` is the kit's own pair: at ``fit`` it cross-validates the kit's
candidates of each outcome (:mod:`hdhkits.cardihack.candidates`) and keeps the best SEVERITY
model and the best MACE model, each on its own part of the metric, among those that follow
the rules. :func:`rule_findings` checks the rules on the columns the two models of any pair
declare (a model that declares none gets a sentence saying how to declare them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ..findings import DataError, Finding, error, warning
from .baselines import declared_features
from .candidates import (
    apply_modelling_limits,
    choose_per_outcome,
    combination_name,
    mace_candidates,
    modelling_limits,
    severity_candidates,
)
from .evaluation import cross_validate_outcome, features_only
from .rules import check_feature_rules
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY

__all__ = ["PAIR_FORM", "BestPerOutcome", "Pair", "outcome_models", "pair_summary", "rule_findings"]

#: How to write a Cardi-HACK model, for the sentences that refuse something else.
PAIR_FORM = (
    "a Cardi-HACK model is kit.Pair(severity, mace): a SEVERITY estimator (predict_proba) and a MACE "
    "estimator (predict: classes 0/1/2), each a scikit-learn estimator on the train table's columns"
)


def _train_table(X: pd.DataFrame, y: pd.DataFrame | None) -> pd.DataFrame:
    """The training table with both outcome columns: ``X`` itself, or ``X`` with those of ``y``."""
    source = X if y is None else y
    if not isinstance(X, pd.DataFrame) or not (
        isinstance(source, pd.DataFrame) and {OUTCOME_SEVERITY, OUTCOME_MACE} <= set(source.columns)
    ):
        raise DataError(
            "<train>",
            [
                f"a pair learns both outcomes: fit it on the train table (read_train's, with '{OUTCOME_SEVERITY}' "
                f"and '{OUTCOME_MACE}'), or pass them as y, a table with these two columns"
            ],
        )
    if y is None:
        return X
    return X.assign(**{c: y[c].to_numpy() for c in (OUTCOME_SEVERITY, OUTCOME_MACE)})


class Pair(BaseEstimator):
    """A Cardi-HACK model: a SEVERITY estimator and a MACE estimator, fitted and used together.

    Both see the table without its outcomes and ``trustii_id``
    (:func:`~hdhkits.cardihack.evaluation.features_only`). Start each with
    :class:`~hdhkits.cardihack.features.ColumnSelector` so it declares the columns it reads:
    the challenge's rules are checked on them (:func:`rule_findings`).

    Parameters
    ----------
    severity : classifier
        ``fit(X, y)`` and ``predict_proba`` (column 1: P(severe)); cloned at ``fit``.
    mace : classifier
        ``fit(X, y)`` and ``predict`` (classes 0/1/2); cloned at ``fit``.

    Attributes
    ----------
    severity_, mace_ : fitted estimators
    """

    def __init__(self, severity: BaseEstimator | None = None, mace: BaseEstimator | None = None) -> None:
        self.severity = severity
        self.mace = mace

    def fit(self, X: pd.DataFrame, y: pd.DataFrame | None = None) -> Pair:
        """Fit a clone of each estimator on its outcome column of the train table ``X`` (or of ``y``, a table)."""
        if self.severity is None or self.mace is None:
            raise DataError("<model>", [f"a Pair needs both models, kit.Pair(severity=..., mace=...); {PAIR_FORM}"])
        train = _train_table(X, y)
        features = features_only(train)
        self.severity_ = clone(self.severity).fit(features, train[OUTCOME_SEVERITY].to_numpy(int))
        self.mace_ = clone(self.mace).fit(features, train[OUTCOME_MACE].to_numpy(int))
        return self

    def predict_severity(self, X: pd.DataFrame) -> np.ndarray:
        """P(severe) of each row of ``X`` (the test table as ``read_test`` returns it)."""
        check_is_fitted(self, "severity_")
        return np.asarray(self.severity_.predict_proba(features_only(X))[:, 1], dtype=float)

    def predict_mace(self, X: pd.DataFrame) -> np.ndarray:
        """The MACE class (0, 1 or 2) of each row of ``X``."""
        check_is_fitted(self, "mace_")
        return np.asarray(self.mace_.predict(features_only(X))).astype(int)

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        """Both predictions, the submission's columns in its order: ``OUTCOME MACE``, ``OUTCOME SEVERITY``."""
        return pd.DataFrame(
            {OUTCOME_MACE: self.predict_mace(X), OUTCOME_SEVERITY: self.predict_severity(X)}, index=X.index
        )


class BestPerOutcome(Pair):
    """The kit's pair: its best SEVERITY candidate and its best MACE candidate, chosen by cross-validation.

    ``fit`` cross-validates every candidate on :func:`~hdhkits.cardihack.evaluation.cv_folds`
    (``n_splits``, ``n_repeats``, ``seed``), keeps the SEVERITY model with the best rescaled
    log-loss and the MACE model with the best kappa among those that follow the rules
    (:func:`~hdhkits.cardihack.candidates.choose_per_outcome`), and fits both on every training
    patient. An outcome with too few patients to model gets a constant
    (:func:`~hdhkits.cardihack.candidates.modelling_limits`); a MACE constant breaks the MACE
    rule, which the submission's rule check then says.

    Parameters
    ----------
    severity_candidates, mace_candidates : dict, optional
        Candidates by name, unfitted (default: the kit's,
        :func:`~hdhkits.cardihack.candidates.severity_candidates` and
        :func:`~hdhkits.cardihack.candidates.mace_candidates` with ``seed``).
    n_splits, n_repeats : int
        The cross-validation the choice is made on.
    seed : int
        Seed of its folds.

    Attributes
    ----------
    severity_, mace_ : fitted estimators
        The chosen models, fitted on every training patient.
    severity_name_, mace_name_ : str
        Their names.
    scores_ : dict
        Every candidate's cross-validated part (rescaled log-loss or kappa), by name.
    limits_ : dict
        :func:`~hdhkits.cardihack.candidates.modelling_limits` of the training table.
    """

    def __init__(
        self,
        severity_candidates: dict[str, BaseEstimator] | None = None,
        mace_candidates: dict[str, BaseEstimator] | None = None,
        n_splits: int = 5,
        n_repeats: int = 1,
        seed: int = 0,
    ) -> None:
        self.severity_candidates = severity_candidates
        self.mace_candidates = mace_candidates
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.seed = seed

    def candidates(self, train: pd.DataFrame) -> tuple[dict, dict, dict]:
        """The candidates of each outcome for ``train`` (constants where it cannot be modelled), and the limits."""
        limits = modelling_limits(train, self.n_splits)
        severity_models, mace_models = apply_modelling_limits(
            self.severity_candidates if self.severity_candidates is not None else severity_candidates(self.seed),
            self.mace_candidates if self.mace_candidates is not None else mace_candidates(self.seed),
            limits,
        )
        return severity_models, mace_models, limits

    def fit(self, X: pd.DataFrame, y: pd.DataFrame | None = None, cv: dict | None = None) -> BestPerOutcome:
        """Cross-validate the candidates, keep each outcome's best that follows the rules, fit both on every row.

        ``cv`` (optional): the candidates' cross-validations by name
        (:class:`~hdhkits.cardihack.evaluation.OutcomeCV`), e.g. ``02_baseline``'s; one made on this
        table with this model's folds (:meth:`~hdhkits.cardihack.evaluation.OutcomeCV.made_with`)
        is reused, any other candidate is cross-validated here.
        """
        train = _train_table(X, y)
        severity_models, mace_models, self.limits_ = self.candidates(train)
        self.scores_ = {}
        for models, outcome in ((severity_models, OUTCOME_SEVERITY), (mace_models, OUTCOME_MACE)):
            for name, model in models.items():
                result = (cv or {}).get(name)
                if result is None or result.outcome != outcome or not result.made_with(train, *self._folds()):
                    result = cross_validate_outcome(name, model, train, outcome, *self._folds())
                self.scores_[name] = float(result.value())
        self.severity_name_, self.mace_name_ = choose_per_outcome(
            {n: self.scores_[n] for n in severity_models},
            {n: self.scores_[n] for n in mace_models},
            severity_models,
            mace_models,
            enforce_rules=not self.limits_[OUTCOME_MACE],
        )
        features = features_only(train)
        self.severity_ = clone(severity_models[self.severity_name_]).fit(
            features, train[OUTCOME_SEVERITY].to_numpy(int)
        )
        self.mace_ = clone(mace_models[self.mace_name_]).fit(features, train[OUTCOME_MACE].to_numpy(int))
        return self

    def _folds(self) -> tuple[int, int, int]:
        return self.n_splits, self.n_repeats, self.seed

    @property
    def chosen_name(self) -> str:
        """``SEVERITY: <name> + MACE: <name>`` of the chosen models (a row of ``02_baseline``'s table)."""
        check_is_fitted(self, "severity_name_")
        return combination_name(self.severity_name_, self.mace_name_)


def outcome_models(model: object) -> tuple[object, object]:
    """The SEVERITY and MACE estimators of a pair: the fitted ones when it is fitted, else those it was given.

    Raises
    ------
    hdhkits.findings.DataError
        ``model`` is not a pair (or is the kit's pair, unfitted: its models are chosen at ``fit``).
    """
    if hasattr(model, "severity_") and hasattr(model, "mace_"):
        return model.severity_, model.mace_
    if isinstance(model, Pair) and not isinstance(model, BestPerOutcome):
        return model.severity, model.mace
    raise DataError("<model>", [f"{type(model).__name__} has no SEVERITY and MACE models to read; {PAIR_FORM}"])


def _undeclared(label: str, model: object) -> Finding:
    return warning(
        f"the {label} model ({type(model).__name__}) does not declare the columns it reads: the challenge's rules "
        "cannot be checked on it",
        kind="feature_rule_unchecked",
        fix="start it with kit.ColumnSelector([...]), e.g. Pipeline([('select', kit.ColumnSelector(['Age_Baseline'])), "
        "...])",
    )


def rule_findings(model: object) -> list[Finding]:
    """The challenge's modelling rules on the columns the two models of a pair declare.

    Parameters
    ----------
    model : Pair
        Fitted or not (the kit's :class:`BestPerOutcome` fitted: its models are chosen then).

    Returns
    -------
    list of Finding
        An error (``kind="feature_rule"``) per broken rule
        (:func:`~hdhkits.cardihack.rules.check_feature_rules`; a SEVERITY constant, reading
        nothing, is allowed as the organisers' dummy is); a warning
        (``kind="feature_rule_unchecked"``) for a model that declares no column, saying how to
        declare them; empty when both follow the rules.
    """
    try:
        models = dict(zip(("SEVERITY", "MACE"), outcome_models(model)))
    except DataError as exc:
        return [warning(f"{exc.problems[0]}; the rules cannot be checked on it", kind="feature_rule_unchecked", fix="")]
    declared, findings = {}, []
    for label, estimator in models.items():
        try:
            declared[label] = declared_features(estimator)
        except TypeError:
            findings.append(_undeclared(label, estimator))
    severity = declared.get("SEVERITY") or None  # a constant reads nothing: allowed
    problems = check_feature_rules(severity, declared.get("MACE"))
    return [error(p, kind="feature_rule") for p in problems] + findings


def pair_summary(model: object) -> list[str]:
    """What a fitted pair is, in a few printed lines: the chosen candidates and their scores, or the two models.

    Parameters
    ----------
    model : Pair
        Fitted (:meth:`~hdhkits.cardihack.problem.CardihackProblem.fit_model`'s result).

    Returns
    -------
    list of str
    """
    if isinstance(model, BestPerOutcome) and hasattr(model, "scores_"):
        where = f"{model.n_repeats} x {model.n_splits}-fold cross-validation"
        lines = [f"{outcome}: {limit}" for outcome, limit in model.limits_.items() if limit]
        for label, chosen, part in (
            ("SEVERITY", model.severity_name_, "rescaled log-loss"),
            ("MACE", model.mace_name_, "weighted kappa"),
        ):
            lines.append(f"{label}: {chosen} ({part} {model.scores_[chosen]:.3f} in {where})")
        others = ", ".join(
            f"{n} {v:.3f}" for n, v in model.scores_.items() if n not in (model.severity_name_, model.mace_name_)
        )
        return [*lines, f"the other candidates: {others or 'none'}"]
    try:
        severity, mace = outcome_models(model)
    except DataError as exc:
        return [exc.problems[0]]
    return [f"SEVERITY: {_what(severity)}", f"MACE: {_what(mace)}"]


def _what(estimator: object) -> str:
    """An estimator's class and, when it declares them, how many columns it reads."""
    name = type(estimator).__name__
    if hasattr(estimator, "steps"):
        name = " -> ".join(type(step).__name__ for _, step in estimator.steps)
    try:
        columns = declared_features(estimator)
    except TypeError:
        return f"{name} (reads undeclared columns)"
    snps = sum(str(c).startswith("SNP") for c in columns)
    shown = ", ".join(c for c in columns if not str(c).startswith("SNP"))
    return f"{name} (reads {shown or 'nothing'}" + (f" + {snps} SNP(s))" if snps else ")")
