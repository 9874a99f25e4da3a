"""The CYTOLOGIA problem definition: files, twin, submission rules, metric and the models of the loop.

The loop (:mod:`hdhkits.saved`) reaches the kit's models through :class:`CytologiaProblem`:
``models`` names them (the forest first: it needs no torch), ``make_model`` builds one
unfitted, ``fit_model`` fits it (or your classifier of the crop features) with
:func:`~hdhkits.cytologia.baselines.fit_baseline`, and the model files are
:mod:`~hdhkits.cytologia.saved`'s. :func:`make_submission` turns a fitted model into the
official table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ..datasource import cache_root
from ..findings import DataError, Finding
from ..problem import Noise, Problem, Score, UnitMetric, fidelity_rows
from ..quirks import Quirk
from . import twin
from .baselines import LEARNING_SETTINGS, Baseline, fit_baseline, full_settings, is_cnn, unfitted_copy
from .classical import make_classical
from .images import image_sizes
from .metric import score, unit_metric
from .optional_torch import cnn_module
from .plausibility import SUBMISSION_OUTSIDE_FIX, outside_box_findings
from .quirks import QUIRKS
from .reader import CytologiaData, last_dataset
from .saved import load_baseline, model_path, save_baseline
from .schema import TRAIN_SCHEMA, check_data, read_test, read_train
from .submission import SUBMISSION_SPEC, check_submission_rules

__all__ = [
    "PROBLEM",
    "SUBMISSION_SPEC",
    "CytologiaProblem",
    "check_submission_rules",
    "cnn_patience",
    "make_submission",
]


def cnn_patience(epochs: int) -> int:
    """Epochs without a better inner-split macro-F1 before the CNN stops: a quarter of ``epochs``, at least 4.

    4 for the default 10 epochs; 7 for quick mode's 30, whose few crops per class can leave the
    macro-F1 flat for several epochs before it climbs (a patience of 4 or 5 stopped some seeds
    there, at chance; ``benchmarks/bench_cytologia_cnn_quick.py``).
    """
    return max(4, int(epochs) // 4)


class CytologiaProblem(Problem):
    """CYTOLOGIA: find every leukocyte of a blood-smear image and name its class among 23."""

    name = "cytologia"
    title = "CYTOLOGIA"
    task = (
        "Draw a box around each leukocyte of a May-Grünwald-Giemsa smear image (as many as test.csv "
        "lists for it) and name its class among 23."
    )
    official_files = ("train.csv", "test.csv", "images/")
    metric = (
        "0.2 x mean((GIoU + 1) / 2) + 0.8 x macro-F1, each truth box matched to the best predicted box "
        "of its image (reconstructed; the official code is not public)"
    )
    env_var = "CYTOLOGIA_DATA_DIR"
    truth_file = "test_truth.csv"
    twin_version = "3"
    #: First in listings: the kits are sorted by ``order``.
    order = 1
    #: The kit's models: the forest first, the default (it needs no torch).
    models: ClassVar[dict[str, str]] = {"forest": "detector + features/forest", "cnn": "detector + CNN"}

    def make_twin(self, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
        """Write the synthetic twin: images and tables in ``data_dir``, the truth in ``truth_dir``.

        See :func:`hdhkits.cytologia.twin.make_twin`; deterministic in ``seed`` and ``size``.
        """
        twin.make_twin(data_dir, truth_dir, seed=seed, size=size)

    def check_data(self, data_dir: Path, deep: bool = False) -> list[Finding]:
        """Layout errors, then the warnings the notebooks will meet (see :func:`~hdhkits.cytologia.schema.check_data`)."""
        return check_data(data_dir, deep=deep)

    def validate_submission(self, submission: pd.DataFrame, data_dir: Path) -> list[Finding]:
        """Errors of the format and the box rules, then a warning for boxes wholly outside their image.

        Boxes partly outside their image are valid and silent: the truth holds such boxes
        (annotators box a cell cut by the border whole) and the metric scores boxes as
        given. A box with nothing inside its image gets a ``box_outside_image`` warning.
        Image sizes come from the headers of the test images in ``data_dir/images``
        (skipped when that folder is absent).
        """
        test = read_test(data_dir, check=False)  # test.csv's own errors are check_data's
        found = check_submission_rules(submission, test)
        images = Path(data_dir) / "images"
        if images.is_dir() and {"NAME", "x1", "y1", "x2", "y2"} <= set(map(str, submission.columns)):
            sizes = image_sizes(images, test["NAME"].astype(str))
            found += outside_box_findings(submission.reset_index(drop=True), sizes, "", SUBMISSION_OUTSIDE_FIX)
        return found

    def score_submission(self, submission: pd.DataFrame, truth: pd.DataFrame) -> Score:
        """The reconstructed score of a valid submission (:func:`hdhkits.cytologia.metric.score`).

        Boxes are matched by image ``NAME``; validation has checked it against test.csv.
        """
        return score(truth, submission)

    def sample_submission(self, data_dir: Path) -> pd.DataFrame:
        """The typical train box, placed where boxes usually are, with the most frequent class, for every test row."""
        test = pd.read_csv(Path(data_dir) / "test.csv", dtype={"NAME": "string"})
        train = pd.read_csv(Path(data_dir) / "train.csv", dtype={"NAME": "string", "class": "string"})
        box = train[["x1", "y1", "x2", "y2"]].median().round()
        if not (box["x2"] > box["x1"] and box["y2"] > box["y1"]):
            box = pd.Series({"x1": 0.0, "y1": 0.0, "x2": 100.0, "y2": 100.0})
        out = test[["trustii_id", "NAME"]].copy()
        for k in ("x1", "y1", "x2", "y2"):
            out[k] = float(box[k])
        out["class"] = train["class"].mode().iloc[0]
        return out[SUBMISSION_SPEC.names]

    # --- What the tools ask of the kit (leaderboard, its demo, workshop, quirks, fidelity) ---

    def unit_metric(self, truth: pd.DataFrame) -> UnitMetric:
        """The metric split over the test images of ``truth`` (:func:`hdhkits.cytologia.metric.unit_metric`)."""
        return unit_metric(truth)

    def demo_submissions(self, data_dir: Path, truth: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
        """Simulated teams, the classical model at two settings, its detector alone, the sample submission.

        See :mod:`hdhkits.cytologia.demo`.
        """
        from .demo import demo_submissions  # here: the demo's models matter to `leaderboard --demo` only

        return demo_submissions(data_dir, truth, self.sample_submission(Path(data_dir)), seed)

    def demo_noise(self, data_dir: Path) -> Noise:
        """Boxes jittered, classes redrawn among the train file's (:func:`hdhkits.cytologia.demo.demo_noise`)."""
        from .demo import demo_noise

        return demo_noise(data_dir)

    def teaching(self) -> Any:
        """The exercises, goals and traps of the notebooks (:data:`hdhkits.cytologia.teaching.TEACHING`)."""
        from .teaching import TEACHING  # here: the exercises matter to the notebooks' checks and workshops only

        return TEACHING

    def quirks(self) -> tuple[Quirk, ...]:
        """The known oddities of the official files (:data:`hdhkits.cytologia.quirks.QUIRKS`)."""
        return tuple(QUIRKS)

    def fidelity_table(self, data_dir: Path) -> pd.DataFrame | None:
        """The train file as :func:`~hdhkits.cytologia.schema.read_train` reads it, without its ids."""
        return fidelity_rows(read_train(data_dir), TRAIN_SCHEMA)

    # --- The models of the loop (hdhkits.saved) --------------------------------------------

    def make_model(self, name: str, seed: int = 0, quick: bool = False, settings: dict | None = None) -> Any:
        """The kit's model ``name``, unfitted: the forest (a scikit-learn classifier) or the CNN's ``TrainConfig``.

        Parameters
        ----------
        name : str
            ``"forest"`` (:func:`~hdhkits.cytologia.classical.make_classical`) or ``"cnn"``
            (:class:`~hdhkits.cytologia.cnn.training.TrainConfig`: needs torch).
        seed : int
        quick : bool
        settings : dict, optional
            The notebooks' settings (the CNN takes its ``epochs``, and stops early after
            :func:`cnn_patience` epochs without a better inner macro-F1).
        """
        if name == "forest":
            return make_classical(seed)
        if name == "cnn":
            epochs = int(full_settings(settings, quick)["epochs"])
            return cnn_module("the CYTOLOGIA CNN").TrainConfig(epochs=epochs, patience=cnn_patience(epochs), seed=seed)
        raise DataError(
            "<model>",
            [
                f"the CYTOLOGIA models are {', '.join(map(repr, self.models))}, not {name!r}; name one of them "
                "(your own model is 'yours', written in 02_baseline's 'Your model' cell)"
            ],
        )

    def fit_model(
        self, model: Any, source: Any, seed: int = 0, quick: bool = False, settings: dict | None = None
    ) -> Baseline:
        """Fit the detector and the classifier on the train boxes of ``source`` (:func:`~hdhkits.cytologia.baselines.fit_baseline`).

        The dataset the notebook read last is reused when it is this folder's
        (:func:`~hdhkits.cytologia.reader.last_dataset`); the CNN's training checkpoint goes
        to the cache folder (``$HDHKITS_CACHE/cytologia/``), from which an interrupted
        training resumes.

        Parameters
        ----------
        model : TrainConfig or classifier
            Unfitted: :meth:`make_model`'s, or your scikit-learn classifier of the crop features.
        source : hdhkits.datasource.DataSource
        seed, quick, settings
            As for :meth:`make_model`.

        Returns
        -------
        Baseline
        """
        s = full_settings(settings, quick)
        data = last_dataset(source.data_dir, images_dir=s["images_dir"])
        checkpoint = cache_root() / self.name / cnn_module().CHECKPOINT_FILE if is_cnn(model) else None
        return fit_baseline(model, data, s, seed, quick, checkpoint=checkpoint)

    def unfitted(self, model: Any) -> Any:
        """The unfitted model of a fitted :class:`~hdhkits.cytologia.baselines.Baseline`: its classifier, copied
        (``clone``), or the CNN's ``TrainConfig``.
        """
        if not isinstance(model, Baseline):
            return super().unfitted(model)
        if model.kind == "cnn":
            return cnn_module().TrainConfig(**model.meta["config"])
        return unfitted_copy(model.model)

    def stamped_settings(self, settings: dict | None) -> dict:
        """The settings that change what a model learns: ``max_train_images``, ``epochs``, ``n_folds``, ``images_dir``.

        ``device``, ``num_workers`` and ``resume`` only say how the CNN trains.
        """
        given = dict(settings or {})
        full_settings(given)  # unknown keys are refused
        return {
            key: (str(given[key]) if key == "images_dir" else given[key]) for key in LEARNING_SETTINGS if key in given
        }

    def model_file(self, output_dir: Path, name: str) -> Path:
        """``cytologia_forest/`` and ``cytologia_cnn/`` (folders), ``cytologia_yours.pkl`` (:func:`~hdhkits.cytologia.saved.model_path`)."""
        return model_path(output_dir, name)

    def save_model_file(self, model: Any, path: Path) -> None:
        """A ``.pkl`` path: cloudpickle (the base's format, for your model); a folder: :func:`~hdhkits.cytologia.saved.save_baseline`."""
        if Path(path).suffix == ".pkl":
            super().save_model_file(model, path)
        else:
            save_baseline(model, path)

    def load_model_file(self, path: Path) -> Any:
        """What :meth:`save_model_file` wrote (only files you saved: a pickle runs code)."""
        return super().load_model_file(path) if Path(path).suffix == ".pkl" else load_baseline(path)


def make_submission(model: Any, test: Any) -> pd.DataFrame:
    """The official submission of a fitted model: ``trustii_id,NAME,x1,y1,x2,y2,class`` in the order of test.csv.

    The detector draws as many boxes in each test image as ``test.csv`` lists rows for it
    and the model's classifier names each (the CNN on CUDA, else Apple MPS, else the CPU).

    Parameters
    ----------
    model : Baseline
        Fitted by :meth:`CytologiaProblem.fit_model` (or reloaded by ``load_or_train``).
    test : CytologiaData
        The dataset :func:`~hdhkits.cytologia.reader.read_dataset` returned: its test table
        and the images.

    Returns
    -------
    DataFrame
        One row per ``trustii_id``, the columns of :data:`SUBMISSION_SPEC`.
    """
    if not isinstance(test, CytologiaData):
        raise DataError(
            "<test>",
            [f"make_submission takes the dataset read_dataset returned (its images), not a {type(test).__name__}"],
        )
    if not isinstance(model, Baseline):
        raise DataError(
            "<model>",
            [
                f"make_submission takes a fitted model (PROBLEM.fit_model or load_or_train), not a {type(model).__name__}"
            ],
        )
    boxes = model.predict(test, test.test[["trustii_id", "NAME"]], progress=True)
    return boxes[SUBMISSION_SPEC.names].reset_index(drop=True)


PROBLEM = CytologiaProblem()
