"""Your model and the kit's, on disk: saved with a stamp, reloaded or retrained, and 02's choice.

The loop is the same in every kit. ``02_baseline`` cross-validates the kit's models and
the participant's own (its "Your model" cell) on the same folds, saves each fitted model
under its name with :func:`save_model`, and the choice between them with
:func:`save_choice`. ``03_submission`` asks :func:`chosen_model` what to submit (02's
choice, or the notebook's ``model`` parameter), and :func:`load_or_train` reloads it
when its stamp says it was trained on this data with these settings; otherwise the kit's
model is made again from its definition, and yours from the unfitted copy of what 02
saved, then trained here, and a line says why. Nothing is copied between notebooks.

What differs between kits is behind their :class:`~hdhkits.problem.Problem`:
:attr:`~hdhkits.problem.Problem.models` (names), ``make_model``, ``fit_model``,
``unfitted``, ``stamped_settings`` and the file format (``model_file``,
``save_model_file``, ``load_model_file``). The stamp is :mod:`hdhkits.fingerprint`'s.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import fingerprint
from .files import atomic_path, display_path
from .findings import DataError
from .problem import Problem, get_problem
from .stats import Interval

__all__ = [
    "YOURS",
    "Choice",
    "choice_path",
    "choose_best",
    "chosen_model",
    "load_choice",
    "load_or_train",
    "model_label",
    "save_choice",
    "save_model",
    "training_stamp",
]

#: The name of the participant's own model, in every kit (``model = "yours"`` in ``03``).
YOURS = "yours"
_YOURS_LABEL = "your model"


def _problem(source: Any) -> Problem:
    return get_problem(source.kit)


def model_label(problem: Problem, name: str) -> str:
    """What the model ``name`` is, for sentences (``"your model"``, ``"leaderboard model"``)."""
    return _YOURS_LABEL if name == YOURS else problem.models.get(name, name)


def _check_name(problem: Problem, name: str) -> None:
    names = [*problem.models, YOURS]
    if name not in names:
        raise DataError(
            "<model>",
            [
                f"model must be one of {', '.join(repr(n) for n in names)}, not {name!r}; "
                "set the notebook's `model` parameter to one of them (None: the model 02_baseline chose)"
            ],
        )


def training_stamp(
    source: Any, name: str, seed: int = 0, quick: bool = False, settings: dict | None = None
) -> fingerprint.TrainingStamp:
    """What the model ``name`` is trained on: the data's fingerprint, the seed, mode and settings.

    For the kit's models the stamp also holds a digest of the model's definition
    (:func:`hdhkits.fingerprint.model_digest`), so a model saved by another version of
    the kit is trained again. Your model's definition travels with its file instead.

    Parameters
    ----------
    source : hdhkits.datasource.DataSource
        The data (``resolve_data``'s result).
    name : str
        ``"yours"`` or one of the kit's :attr:`~hdhkits.problem.Problem.models`.
    seed : int
        The notebooks' seed.
    quick : bool
        Quick mode.
    settings : dict, optional
        The kit's settings (its ``stamped_settings`` part is stamped).

    Returns
    -------
    hdhkits.fingerprint.TrainingStamp
    """
    problem = _problem(source)
    _check_name(problem, name)
    extra: dict[str, Any] = {"model": name, **problem.stamped_settings(settings)}
    if name != YOURS:
        extra["definition"] = fingerprint.model_digest(problem.make_model(name, seed, quick, settings))
    return fingerprint.training_stamp(source, seed=seed, quick=quick, **extra)


def save_model(
    model: Any,
    name: str,
    source: Any,
    output_dir: str | Path,
    seed: int = 0,
    quick: bool = False,
    settings: dict | None = None,
) -> Path:
    """Save a fitted model under its name, with its stamp (both written atomically).

    Parameters
    ----------
    model : object
        Fitted (what the kit's ``make_submission`` takes).
    name : str
        ``"yours"`` or one of the kit's models.
    source, seed, quick, settings
        What it was trained on, as for :func:`training_stamp`.
    output_dir : str or Path
        The notebooks' output folder.

    Returns
    -------
    Path
        The model file (:meth:`~hdhkits.problem.Problem.model_file`).
    """
    problem = _problem(source)
    stamp = training_stamp(source, name, seed, quick, settings)
    path = problem.model_file(Path(output_dir), name)
    problem.save_model_file(model, path)
    fingerprint.write_stamp(path, stamp)
    return path


def _unfitted_yours(problem: Problem, path: Path) -> Any:
    """The unfitted copy of the model of yours saved in ``path`` (to train it on other data)."""
    try:
        saved = problem.load_model_file(path)
    except FileNotFoundError:
        saved = None
    except Exception as exc:
        raise DataError(
            path,
            [
                f"your model's file cannot be read ({type(exc).__name__}: {exc}); run 02_baseline "
                "again, with your model in its 'Your model' cell, to save it anew"
            ],
        ) from exc
    if saved is None:
        raise DataError(
            path,
            [
                "no model of yours is saved here; write it in the 'Your model' cell of 02_baseline "
                "and run that notebook (same output_dir), or set `model` to one of the kit's models"
            ],
        )
    return problem.unfitted(saved)


def load_or_train(
    name: str,
    source: Any,
    output_dir: str | Path,
    seed: int = 0,
    quick: bool = False,
    settings: dict | None = None,
    verbose: bool = True,
) -> tuple[Any, bool]:
    """The model ``name`` saved in ``output_dir`` when its stamp matches this run, else trained here.

    The one staleness check (:func:`hdhkits.fingerprint.load_or_train`): a model saved
    for other data (the twin, when ``data_dir`` now names the official files), another
    seed, mode or setting, without a stamp or unreadable is trained again on the train
    file of ``source``, saved and stamped, and (with ``verbose``) a line says why. The
    kit's model is made from its definition; yours from the unfitted copy of the model
    02_baseline saved, so its cell need not be copied anywhere.

    Parameters
    ----------
    name : str
        ``"yours"`` or one of the kit's :attr:`~hdhkits.problem.Problem.models`
        (:func:`chosen_model` says which).
    source : hdhkits.datasource.DataSource
        The data.
    output_dir : str or Path
        Where 02_baseline saved the models.
    seed, quick, settings
        This run's, as for :func:`training_stamp`.
    verbose : bool
        Print whether the model was reloaded or trained, and why.

    Returns
    -------
    model, reloaded : (object, bool)

    Raises
    ------
    hdhkits.findings.DataError
        ``name`` is not a model of the kit; or your model is asked for and none was
        saved (run 02_baseline first).
    """
    problem = _problem(source)
    stamp = training_stamp(source, name, seed, quick, settings)
    path = problem.model_file(Path(output_dir), name)

    def train() -> Any:
        unfitted = _unfitted_yours(problem, path) if name == YOURS else problem.make_model(name, seed, quick, settings)
        return problem.fit_model(unfitted, source, seed, quick, settings)

    return fingerprint.load_or_train(
        path,
        stamp,
        load=problem.load_model_file,
        train=train,
        save=problem.save_model_file,
        verbose=verbose,
        what=model_label(problem, name),
    )


@dataclass(frozen=True)
class Choice:
    """What 02_baseline chose to submit, and why.

    Attributes
    ----------
    model : str
        ``"yours"`` or one of the kit's models: what ``03_submission`` submits by default.
    reason : str
        One sentence, printed by ``03_submission``.
    scores : dict
        ``{name: {"estimate", "low", "high"}}``: every candidate's score as 02 measured it.
    evaluated_on : str
        Where the scores come from (``"1 x 5-fold cross-validation"``, ``"the hold-out fold"``).
    """

    model: str
    reason: str
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    evaluated_on: str = ""


def choose_best(
    scores: Mapping[str, Interval],
    difference: Callable[[str, str], Interval] | None = None,
    labels: Mapping[str, str] | None = None,
    evaluated_on: str = "",
) -> Choice:
    """The candidate with the highest score, and a sentence that says by how much.

    Ties go to the candidate named first (list the kit's models before yours).

    Parameters
    ----------
    scores : mapping of str to Interval
        Each candidate's score with its interval, all on the same rows.
    difference : callable, optional
        ``difference(best, runner_up)``: the paired bootstrap interval of the score
        difference (a kit's ``paired_difference``), said in the sentence.
    labels : mapping, optional
        What each name is, for the sentence (default: the names).
    evaluated_on : str
        Where the scores come from, for the sentence.

    Returns
    -------
    Choice
    """
    if not scores:
        raise ValueError("choose_best needs at least one candidate")
    labels = dict(labels or {})
    order = sorted(scores, key=lambda n: -scores[n].estimate)  # stable: ties keep the given order
    best = order[0]
    where = f" in {evaluated_on}" if evaluated_on else ""
    reason = f"{labels.get(best, best)} scores highest{where}: {scores[best]}"
    if len(order) > 1:
        second = order[1]
        reason += f", against {scores[second]} for {labels.get(second, second)}"
        if difference is not None:
            gap = difference(best, second)
            verdict = "clearly above 0" if gap.low > 0 else "an interval that holds 0: the two may be equally good"
            reason += f"; difference {gap} (paired bootstrap), {verdict}"
    return Choice(best, reason, {n: iv.as_dict() for n, iv in scores.items()}, evaluated_on)


def choice_path(problem: Problem, output_dir: str | Path) -> Path:
    """Where 02's choice is saved: ``<output_dir>/<kit>_choice.json``."""
    return Path(output_dir) / f"{problem.name}_choice.json"


def _choice_stamp(source: Any, seed: int, quick: bool, settings: dict | None) -> fingerprint.TrainingStamp:
    problem = _problem(source)
    return fingerprint.training_stamp(
        source, seed=seed, quick=quick, record="choice", **problem.stamped_settings(settings)
    )


def save_choice(
    choice: Choice,
    source: Any,
    output_dir: str | Path,
    seed: int = 0,
    quick: bool = False,
    settings: dict | None = None,
) -> Path:
    """Save 02's choice with its stamp (both atomically); returns the file.

    Parameters
    ----------
    choice : Choice
        :func:`choose_best`'s result (or one made by hand).
    source, output_dir, seed, quick, settings
        As for :func:`save_model`.
    """
    problem = _problem(source)
    _check_name(problem, choice.model)
    path = choice_path(problem, output_dir)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(asdict(choice), indent=1) + "\n")
    fingerprint.write_stamp(path, _choice_stamp(source, seed, quick, settings))
    return path


def load_choice(
    source: Any, output_dir: str | Path, seed: int = 0, quick: bool = False, settings: dict | None = None
) -> tuple[Choice | None, str]:
    """02's choice when it was made on this data with these settings.

    Returns
    -------
    choice, reason : (Choice or None, str)
        The choice and ``""``; or None and why the saved one (if any) does not apply.
    """
    path = choice_path(_problem(source), output_dir)
    if not path.is_file():
        return None, f"02_baseline saved no choice in {display_path(Path(output_dir))}"
    reason = fingerprint.stale_reason(path, _choice_stamp(source, seed, quick, settings))
    if reason is not None:
        return None, reason
    try:
        return Choice(**json.loads(path.read_text())), ""
    except (OSError, ValueError, TypeError) as exc:
        return None, f"{display_path(path)} cannot be read ({type(exc).__name__})"


def chosen_model(
    model: str | None,
    source: Any,
    output_dir: str | Path,
    seed: int = 0,
    quick: bool = False,
    settings: dict | None = None,
) -> tuple[str, str]:
    """Which model ``03_submission`` submits, and why.

    Parameters
    ----------
    model : str or None
        The notebook's ``model`` parameter: a name (``"yours"`` or one of the kit's
        models) is taken as it is; None takes 02_baseline's choice, or the kit's default
        model (the first of :attr:`~hdhkits.problem.Problem.models`) when no choice was
        saved for this data and these settings.
    source, output_dir, seed, quick, settings
        As for :func:`load_or_train`.

    Returns
    -------
    name, why : (str, str)
    """
    problem = _problem(source)
    if model is not None:
        _check_name(problem, model)
        return model, f"{model_label(problem, model)}, as the parameter `model` asks"
    choice, reason = load_choice(source, output_dir, seed, quick, settings)
    if choice is not None:
        return choice.model, f"02_baseline's choice: {choice.reason}"
    default = next(iter(problem.models))
    return default, f"the kit's default, {model_label(problem, default)}: no choice of 02_baseline applies ({reason})"
