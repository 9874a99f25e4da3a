"""The problem-definition contract every kit implements, and the kit registry.

Each challenge is a kit: a :class:`Problem` instance its distribution registers under the
entry-point group ``hdhkits.kits`` (:data:`ENTRY_POINT_GROUP`), e.g. ``annitia =
"hdhkits.annitia.problem:PROBLEM"`` in ``pyproject.toml``. The notebooks, the command
line, the leaderboard, the workshop and the tests all go through it, so a file schema, a
metric or a submission rule is written once, and a kit installed as its own distribution
is seen everywhere without an edit here.
"""

from __future__ import annotations

import copy
import importlib.metadata
import pickle
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .findings import DataError, Finding
from .quirks import Quirk
from .schema import TableSchema

__all__ = [
    "ENTRY_POINT_GROUP",
    "KITS",  # noqa: F822 (module __getattr__: discovered on first use)
    "NOTEBOOKS",
    "SIZES",
    "KitLoadError",
    "KitNotAvailable",
    "Noise",
    "Problem",
    "Score",
    "UnitMetric",
    "available_kits",
    "discover_kits",
    "fidelity_rows",
    "get_problem",
]


def __getattr__(name: str) -> tuple[str, ...]:
    # ``KITS`` is discovered on first use, not at import: the kits' problem modules import
    # this module, so discovering them while it loads would be circular.
    if name == "KITS":
        return discover_kits()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The notebooks of every kit, in the order they run.
NOTEBOOKS: tuple[str, ...] = ("01_exploration.ipynb", "02_baseline.ipynb", "03_submission.ipynb")

#: Twin sizes every kit accepts.
SIZES: tuple[str, ...] = ("quick", "default", "full")

#: The entry-point group under which a distribution registers its kits (name = its ``Problem``).
ENTRY_POINT_GROUP = "hdhkits.kits"

#: ``noisy(table, level, rng)``: a copy of a submission with noise of strength ``level`` (0 to 1),
#: in the kit's terms (:meth:`Problem.demo_noise`).
Noise = Callable[[pd.DataFrame, float, np.random.Generator], pd.DataFrame]


class KitNotAvailable(LookupError):
    """The named kit does not exist or is not built yet."""


class KitLoadError(ImportError):
    """An installed kit cannot be loaded: the message names its distribution and entry point."""


@dataclass(frozen=True)
class Score:
    """A metric value and its components.

    Parameters
    ----------
    value : float
        The challenge metric (higher is better for every kit).
    parts : dict
        Named components, e.g. ``{"c_hepatic": 0.81, "c_death": 0.74}``.
    """

    value: float
    parts: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """``{"score": value, "parts": {...}}``, the JSON shape ``hdhkits score --json`` prints."""
        return {"score": float(self.value), "parts": {k: float(v) for k, v in self.parts.items()}}

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v:.4f}" for k, v in self.parts.items())
        return f"{self.value:.4f}" + (f" ({parts})" if parts else "")


class UnitMetric(ABC):
    """A kit's metric split over the test units, so that resamples of the units score fast.

    The test set is a list of *units* (patients; for CYTOLOGIA images, each with all its
    boxes). A submission is reduced once to its per-unit terms (:meth:`unit_terms`); the
    metric of any weighting of the units (a bootstrap resample counts each unit as often
    as it was drawn; a public part weighs its units 1 and the others 0) is then computed
    from those terms alone (:meth:`scores`), without matching or merging tables again.
    With every weight 1 it is the kit's official ``score`` (to 1e-12; the leaderboard's
    tests check it).

    ``hdhkits leaderboard`` uses it through :meth:`Problem.unit_metric`.
    """

    #: What a unit is, plural, for sentences ("patients", "images").
    unit_name: str = "units"

    @property
    @abstractmethod
    def units(self) -> np.ndarray:
        """The units' labels (ids or image names), in the order of the weight columns."""

    @abstractmethod
    def unit_terms(self, submission: pd.DataFrame) -> tuple[np.ndarray, ...]:
        """The per-unit terms of one valid submission, as a tuple of arrays.

        Their memory grows with the number of units (not with the resamples); the
        caller treats them as opaque, except for hashing their bytes to recognise
        identical submissions.
        """

    @abstractmethod
    def scores(self, terms: tuple[np.ndarray, ...], weights: np.ndarray) -> np.ndarray:
        """The metric of each row of ``weights`` (shape ``(r, n_units)``): an array of ``r`` floats.

        A weighting where the metric is undefined (a resample without an event, one
        class only) gives NaN, as the official metric does or refuses to score.
        """

    @property
    def n_units(self) -> int:
        """Number of units."""
        return len(self.units)


class Problem(ABC):
    """What a kit must define: files, synthetic twin, submission format and metric.

    Subclasses set the class attributes and implement the abstract methods; everything
    else (data resolution, the CLI, the runner) is shared.
    """

    #: Kit name as used on the command line (``annitia``).
    name: str = ""
    #: Display name (``ANNITIA``).
    title: str = ""
    #: One sentence: what participants predict.
    task: str = ""
    #: Official participant file names, in the data folder.
    official_files: tuple[str, ...] = ()
    #: The metric in one line (says "reconstructed" where it is).
    metric: str = ""
    #: Environment variable pointing at a folder with the official files.
    env_var: str = ""
    #: Name of the organiser-side truth file written in the truth folder.
    truth_file: str = "test_truth.csv"
    #: Bump when the twin generator changes, so cached twins are regenerated.
    twin_version: str = "1"
    #: Position in listings (``hdhkits list``, the README's order); ties sort by name.
    order: int = 100
    #: The kit's own submittable models, ``{name: what it is}``, the default first
    #: (:mod:`hdhkits.saved`; the participant's own model is ``"yours"`` in every kit).
    models: ClassVar[dict[str, str]] = {}
    #: Where a participant hands in a submission file, as the end of a sentence.
    submit_on: str = "on the challenge's page of the Trustii platform, where the official files are downloaded"

    @abstractmethod
    def make_twin(self, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
        """Write the synthetic participant files into ``data_dir`` and the truth into ``truth_dir``.

        Both folders exist and are empty; the caller makes the write atomic.
        Must be deterministic in ``seed`` and ``size``.
        """

    @abstractmethod
    def check_data(self, data_dir: Path, deep: bool = False) -> list[Finding]:
        """Every finding of a data folder (empty if none): what the notebooks will meet.

        ``deep`` also decodes what the default check only looks at the headers of
        (CYTOLOGIA's images); kits whose files are all read anyway ignore it.

        Layout problems are errors (the kit cannot read the folder); plausibility
        problems are warnings (the data loads and the kit handles the values as each
        finding's ``fix`` says). See :mod:`hdhkits.findings` for the policy.
        """

    @abstractmethod
    def validate_submission(self, submission: pd.DataFrame, data_dir: Path) -> list[Finding]:
        """Every finding of a submission for the test file in ``data_dir``.

        An error makes the submission invalid; a warning (e.g. a box partly outside its
        image) is reported and scored as given.
        """

    @abstractmethod
    def score_submission(self, submission: pd.DataFrame, truth: pd.DataFrame) -> Score:
        """The challenge metric of a valid submission against the truth table."""

    def sample_submission(self, data_dir: Path) -> pd.DataFrame:
        """A simple valid submission for the test file in ``data_dir``: no model, no truth.

        What a participant could write in a minute: it shows the format, passes
        validation and scores a floor. ``hdhkits bundle`` uses it as the competition's
        solution. A kit that offers bundles overrides it.
        """
        raise NotImplementedError(
            f"the {self.title or self.name} kit defines no sample submission; "
            "implement Problem.sample_submission in its problem.py to build bundles"
        )

    def unit_metric(self, truth: pd.DataFrame) -> UnitMetric:
        """The kit's metric split over the test units of ``truth`` (for ``hdhkits leaderboard``).

        A kit keeps it beside its official ``score`` (its ``metric`` module) and returns it here.

        Raises
        ------
        NotImplementedError
            The kit defines no unit metric.
        """
        raise NotImplementedError(
            f"the {self.title or self.name} kit defines no unit metric; implement Problem.unit_metric(truth) "
            "-> hdhkits.problem.UnitMetric in its problem.py to rank submissions with hdhkits leaderboard"
        )

    def demo_submissions(self, data_dir: Path, truth: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
        """The kit's own plausible submissions for the test file in ``data_dir`` (``hdhkits leaderboard KIT --demo N``).

        The kit's models at several settings, trained on the participant files of
        ``data_dir``, best-informed first. The leaderboard's demo
        (:func:`hdhkits.leaderboard.field.demo_field`) takes the first ``N`` of them, or
        adds noisy copies (:meth:`demo_noise`) and one exact duplicate, so the demo's
        ranking holds clear gaps, close calls and a tie.

        Parameters
        ----------
        data_dir : Path
            The twin's participant files.
        truth : DataFrame
            The twin's truth (:meth:`read_truth`): models never see it; a kit whose models
            are too slow for a demo may simulate teams from it, and says so.
        seed : int
            Seed of the models.

        Returns
        -------
        dict
            Submission tables by name (names are the files' stems, so file-name safe).

        Raises
        ------
        NotImplementedError
            The kit has no demo submissions.
        """
        raise NotImplementedError(
            f"the {self.title or self.name} kit has no demo submissions; implement "
            "Problem.demo_submissions(data_dir, truth, seed) in its problem.py, or rank a folder of real submissions"
        )

    def demo_noise(self, data_dir: Path) -> Noise:
        """How the leaderboard's demo adds noise to one of :meth:`demo_submissions`, in the kit's terms.

        Asked only when the demo needs more submissions than the kit's own.

        Parameters
        ----------
        data_dir : Path
            The twin's participant files (e.g. to know the classes a label may be redrawn from).

        Returns
        -------
        callable
            ``noisy(table, level, rng)``: a copy of a submission with noise of strength
            ``level`` (0 to 1) drawn from ``rng`` (:data:`Noise`).

        Raises
        ------
        NotImplementedError
            The kit defines no noise.
        """
        raise NotImplementedError(
            f"the {self.title or self.name} kit adds no noise to its demo submissions; ask for at most as many "
            "as it has, or implement Problem.demo_noise(data_dir) in its problem.py"
        )

    def quirks(self) -> tuple[Quirk, ...]:
        """The known oddities of the official files, each able to put itself into a data folder.

        ``tests/test_quirks.py`` injects each into a copy of a twin and checks that the kit
        still reads it (:mod:`hdhkits.quirks`). The default is none.
        """
        return ()

    # --- The twin's fidelity (hdhkits.fidelity, benchmarks/bench_twins.py) ---------------

    def fidelity_table(self, data_dir: Path) -> pd.DataFrame | None:
        """The rows a classifier compares between a twin and the official files, or None.

        ``benchmarks/bench_twins.py --real DIR`` reads this table from a twin and from the
        official folder and measures how well a classifier tells their rows apart
        (:func:`hdhkits.fidelity.adversarial_auc`), column by column too. The default is
        None (nothing to compare). A kit returns the file its twin shows itself in, usually
        its train file as it reads it, without its id column (a twin's ids tell nothing):
        :func:`fidelity_rows` of that table and its schema.

        Parameters
        ----------
        data_dir : Path
            A folder holding the kit's files (a twin's or the official ones), checked.

        Returns
        -------
        DataFrame or None
            One row per unit of the file, identifiers left out; None: nothing to compare.
        """
        return None

    def signal_table(self, data_dir: Path) -> pd.DataFrame | None:
        """Each variable's signal alone for each outcome of a data folder, or None.

        What ``benchmarks/bench_twins.py --real DIR`` compares between a twin and the
        official files with :func:`hdhkits.fidelity.signal_gaps`, e.g. each variable's
        Harrell's C alone for each endpoint. The default is None (nothing to compare);
        a kit whose twin is written to reproduce such figures overrides it.

        Parameters
        ----------
        data_dir : Path
            A folder holding the kit's files (a twin's or the official ones), checked.

        Returns
        -------
        DataFrame or None
            Columns ``variable, endpoint, value``, one row per pair.
        """
        return None

    # --- The models of the loop (hdhkits.saved): what differs between kits -------------

    def make_model(self, name: str, seed: int = 0, quick: bool = False, settings: dict | None = None) -> Any:
        """The kit's model ``name`` (a key of :attr:`models`), unfitted.

        Parameters
        ----------
        name : str
            One of :attr:`models`.
        seed : int
            Its seed.
        quick : bool
            Quick mode (lighter models).
        settings : dict, optional
            The notebook's kit-specific settings (e.g. ANNITIA's ``effort``).

        Returns
        -------
        object
            What :meth:`fit_model` fits.
        """
        raise NotImplementedError(
            f"the {self.title or self.name} kit defines no models; implement Problem.make_model in its problem.py"
        )

    def fit_model(
        self, model: Any, source: Any, seed: int = 0, quick: bool = False, settings: dict | None = None
    ) -> Any:
        """Fit an unfitted model (:meth:`make_model`'s, or a participant's) on the train file of ``source``.

        Parameters
        ----------
        model : object
            Unfitted, in the kit's form for a model (its "Your model" cell says which).
        source : hdhkits.datasource.DataSource
            The data (``resolve_data``'s result).
        seed, quick, settings
            As for :meth:`make_model`.

        Returns
        -------
        object
            The fitted model, what the kit's ``make_submission`` takes.
        """
        raise NotImplementedError(
            f"the {self.title or self.name} kit cannot fit models; implement Problem.fit_model in its problem.py"
        )

    def unfitted(self, model: Any) -> Any:
        """The unfitted model a fitted one was made from (what :meth:`fit_model` takes).

        The default clones a scikit-learn estimator, else copies the object.
        """
        from sklearn.base import clone

        try:
            return clone(model)
        except TypeError:
            return copy.deepcopy(model)

    def stamped_settings(self, settings: dict | None) -> dict:
        """The part of a notebook's ``settings`` that changes what a model learns (it goes into the stamp).

        The default keeps them all; a kit drops those that only say how to train (a
        device, a number of workers).
        """
        return dict(settings or {})

    def model_file(self, output_dir: Path, name: str) -> Path:
        """Where the model ``name`` is saved in ``output_dir`` (default ``<kit>_<name>.pkl``)."""
        return Path(output_dir) / f"{self.name}_{name}.pkl"

    def save_model_file(self, model: Any, path: Path) -> None:
        """Write a fitted model to ``path``, atomically.

        The default pickles it with ``cloudpickle``, which also writes classes and
        functions defined in a notebook, so ``03_submission`` reloads a participant's own
        model class without its cell.
        """
        import cloudpickle

        from .files import atomic_path

        with atomic_path(path) as tmp:
            tmp.write_bytes(cloudpickle.dumps(model))

    def load_model_file(self, path: Path) -> Any:
        """Read what :meth:`save_model_file` wrote (only files you saved: a pickle runs code)."""
        return pickle.loads(Path(path).read_bytes())

    def teaching(self) -> Any:
        """What a facilitator and the exercises' checks need: the kit's ``hdhkits.exercises.Teaching``.

        The default is None: a kit without exercises (the workshop leaves it out with a sentence).
        """
        return None

    def read_truth(self, path: Path) -> pd.DataFrame:
        """Read an organiser-side truth file (``truth_file`` in a truth folder)."""
        path = Path(path)
        if path.is_dir():
            path = path / self.truth_file
        if not path.is_file():
            raise DataError(path, [f"truth file not found; `hdhkits data {self.name}` writes it"])
        return pd.read_csv(path)

    def __repr__(self) -> str:
        return f"<Problem {self.name}>"


def fidelity_rows(table: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """The rows a fidelity check compares: ``table`` without the id column of ``schema``.

    What a kit's :meth:`Problem.fidelity_table` returns of the file it reads: a twin's ids
    tell nothing about how close it is to the official file, so a classifier must not see
    them.

    Parameters
    ----------
    table : DataFrame
        A file as the kit reads it (e.g. its ``read_train``).
    schema : TableSchema
        The file's schema; a table without its ``id_column`` (or a schema with none) loses
        no column.

    Returns
    -------
    DataFrame
        A copy of ``table`` without the id column.
    """
    return table.drop(columns=[c for c in [schema.id_column] if c in table.columns])


def _entry_point_problem(entry: importlib.metadata.EntryPoint) -> Problem:
    """The :class:`Problem` an entry point names; a :class:`KitLoadError` saying which one when it cannot."""
    dist = entry.dist.name if entry.dist is not None else "an unnamed distribution"
    where = f"the entry point {entry.name} = {entry.value!r} of {dist} (group {ENTRY_POINT_GROUP})"
    try:
        problem = entry.load()
    except Exception as exc:  # whatever the kit's import raises, the sentence says which kit
        raise KitLoadError(f"{where} fails to load ({type(exc).__name__}: {exc}); fix {dist} or uninstall it") from exc
    if not isinstance(problem, Problem):
        raise KitLoadError(f"{where} names a {type(problem).__name__}, not a hdhkits.problem.Problem; fix {dist}")
    if problem.name != entry.name:
        raise KitLoadError(f"{where} names the kit {problem.name!r}: name the entry point after its kit; fix {dist}")
    return problem


@cache
def _registry() -> dict[str, Problem]:
    """Every registered kit's :class:`Problem` by name, in :attr:`Problem.order` (ties by name)."""
    problems: dict[str, Problem] = {}
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        problem = _entry_point_problem(entry)
        if problems.setdefault(problem.name, problem) is not problem:
            raise KitLoadError(
                f"two kits are registered as {problem.name!r} (group {ENTRY_POINT_GROUP}), "
                f"{type(problems[problem.name]).__module__} and {type(problem).__module__}; uninstall one"
            )
    return dict(sorted(problems.items(), key=lambda item: (item[1].order, item[0])))


@cache
def discover_kits() -> tuple[str, ...]:
    """Every installed kit, in :attr:`Problem.order` (ties sort by name).

    A kit is a :class:`Problem` that a distribution registers under the entry-point group
    ``hdhkits.kits`` (:data:`ENTRY_POINT_GROUP`), named after the kit; nothing else lists
    the kits. A kit whose entry point fails to load raises :class:`KitLoadError` naming
    the distribution and the entry point, rather than silently vanishing from every
    listing and test.

    Returns
    -------
    tuple of str
        Kit names as used on the command line.
    """
    return tuple(_registry())


def get_problem(name: str) -> Problem:
    """The :class:`Problem` of a kit by name (case-insensitive, ``-`` and ``_`` ignored).

    Raises
    ------
    KitNotAvailable
        Unknown kit name.
    KitLoadError
        An installed kit cannot be loaded (:func:`discover_kits`).
    """
    key = name.lower().replace("-", "").replace("_", "")
    registry = _registry()
    if key not in registry:
        raise KitNotAvailable(f"unknown kit {name!r}; the kits are: {', '.join(registry)}")
    return registry[key]


def available_kits() -> list[str]:
    """The installed kits, in :attr:`Problem.order` (same as ``KITS``)."""
    return list(discover_kits())
