"""The problem-definition contract every kit implements, and the kit registry.

Each challenge has one subpackage ``hdhkits.<kit>`` whose ``problem`` module defines a
:class:`Problem` instance named ``PROBLEM``. The notebooks, the command line and the
tests all go through it, so a file schema, a metric or a submission rule is written
once.
"""

from __future__ import annotations

import copy
import importlib
import pickle
import pkgutil
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .findings import DataError, Finding

__all__ = [
    "KITS",  # noqa: F822 (module __getattr__: discovered on first use)
    "NOTEBOOKS",
    "SIZES",
    "KitNotAvailable",
    "Problem",
    "Score",
    "UnitMetric",
    "available_kits",
    "discover_kits",
    "get_problem",
]


def __getattr__(name: str):
    # ``KITS`` is discovered on first use, not at import: the kits' problem modules import
    # this module, so discovering them while it loads would be circular.
    if name == "KITS":
        return discover_kits()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The notebooks of every kit, in the order they run.
NOTEBOOKS: tuple[str, ...] = ("01_exploration.ipynb", "02_baseline.ipynb", "03_submission.ipynb")

#: Twin sizes every kit accepts.
SIZES: tuple[str, ...] = ("quick", "default", "full")


class KitNotAvailable(LookupError):
    """The named kit does not exist or is not built yet."""


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

    def _kit_function(self, module: str, function: str):
        """``function`` of the kit's module ``module`` (beside its ``problem`` module), or ``None``."""
        name = f"{type(self).__module__.rsplit('.', 1)[0]}.{module}"
        try:
            return getattr(importlib.import_module(name), function, None)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            return None

    def unit_metric(self, truth: pd.DataFrame) -> UnitMetric:
        """The kit's metric split over the test units of ``truth`` (for ``hdhkits leaderboard``).

        The default calls ``unit_metric(truth)`` of the kit's ``metric`` module, the
        module that holds the official ``score``, so the two stay side by side.

        Raises
        ------
        NotImplementedError
            The kit's metric module defines no ``unit_metric``.
        """
        builder = self._kit_function("metric", "unit_metric")
        if builder is None:
            raise NotImplementedError(
                f"the {self.title or self.name} kit's metric module defines no unit_metric; "
                "add unit_metric(truth) -> hdhkits.problem.UnitMetric beside its score "
                "to rank submissions with hdhkits leaderboard"
            )
        return builder(truth)

    def demo_submissions(self, data_dir: Path, truth: pd.DataFrame, n: int, seed: int) -> dict[str, pd.DataFrame]:
        """``n`` plausible submissions for the test file in ``data_dir`` (``hdhkits leaderboard KIT --demo N``).

        The kit's own models at several settings, trained on the participant files of
        ``data_dir``, then noisy copies of them and one exact duplicate
        (:func:`hdhkits.leaderboard.field.fill_to`), so the demo's ranking holds clear gaps,
        close calls and a tie. The default calls ``demo_submissions(data_dir, truth, n,
        seed)`` of the kit's ``demo`` module.

        Parameters
        ----------
        data_dir : Path
            The twin's participant files.
        truth : DataFrame
            The twin's truth (:meth:`read_truth`): models never see it; a kit whose models
            are too slow for a demo may simulate teams from it, and says so.
        n : int
            How many submissions (names are the files' stems, so file-name safe).
        seed : int
            Seed of the models and of the noise.

        Raises
        ------
        NotImplementedError
            The kit has no ``demo`` module, or it defines no ``demo_submissions``.
        """
        builder = self._kit_function("demo", "demo_submissions")
        if builder is None:
            raise NotImplementedError(
                f"the {self.title or self.name} kit has no demo submissions; add "
                "demo_submissions(data_dir, truth, n, seed) to its demo.py (beside its "
                "problem.py), or rank a folder of real submissions"
            )
        return builder(data_dir, truth, n, seed)

    # --- The twin's fidelity (hdhkits.fidelity, benchmarks/bench_twins.py) ---------------

    def fidelity_table(self, data_dir: Path) -> pd.DataFrame | None:
        """The rows a classifier compares between a twin and the official files, or None.

        ``benchmarks/bench_twins.py --real DIR`` reads this table from a twin and from the
        official folder and measures how well a classifier tells their rows apart
        (:func:`hdhkits.fidelity.adversarial_auc`), column by column too. The default is
        the train file as the kit's ``schema`` module reads it (``read_train``), without
        the id column of its ``TRAIN_SCHEMA`` (a twin's ids tell nothing); None when that
        module offers neither. A kit whose twin shows itself elsewhere (its test file, one
        row per visit) overrides it.

        Parameters
        ----------
        data_dir : Path
            A folder holding the kit's files (a twin's or the official ones), checked.

        Returns
        -------
        DataFrame or None
            One row per unit of the file, identifiers left out; None: nothing to compare.
        """
        read_train = self._kit_function("schema", "read_train")
        schema = self._kit_function("schema", "TRAIN_SCHEMA")
        if read_train is None or schema is None:
            return None
        table = read_train(data_dir)
        return table.drop(columns=[c for c in [schema.id_column] if c in table.columns])

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

        The default is ``TEACHING`` of the kit's ``teaching`` module (beside its
        ``problem`` module), or None for a kit without exercises.
        """
        return self._kit_function("teaching", "TEACHING")

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


@cache
def discover_kits() -> tuple[str, ...]:
    """Every kit of the installed package, in :attr:`Problem.order`.

    A kit is a subpackage of :mod:`hdhkits` whose ``problem`` module defines ``PROBLEM``,
    a :class:`Problem`; nothing else lists the kits. A subpackage without a ``problem``
    module (``bundle``) is not a kit; a kit whose problem module fails to import raises,
    rather than silently vanishing from every listing and test.

    Returns
    -------
    tuple of str
        Kit names as used on the command line.
    """
    import hdhkits

    found: list[tuple[int, str]] = []
    for info in pkgutil.iter_modules(hdhkits.__path__):
        if not info.ispkg or info.name.startswith("_"):
            continue
        qualified = f"hdhkits.{info.name}.problem"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:
                continue
            raise
        problem = getattr(module, "PROBLEM", None)
        if isinstance(problem, Problem):
            found.append((problem.order, problem.name))
    return tuple(name for _, name in sorted(found))


def get_problem(name: str) -> Problem:
    """The :class:`Problem` of a kit by name (case-insensitive, ``-`` and ``_`` ignored).

    Raises
    ------
    KitNotAvailable
        Unknown kit name.
    """
    key = name.lower().replace("-", "").replace("_", "")
    kits = discover_kits()
    if key not in kits:
        raise KitNotAvailable(f"unknown kit {name!r}; the kits are: {', '.join(kits)}")
    return importlib.import_module(f"hdhkits.{key}.problem").PROBLEM


def available_kits() -> list[str]:
    """The kits of the installed package, in :attr:`Problem.order` (same as ``KITS``)."""
    return list(discover_kits())
