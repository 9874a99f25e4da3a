"""What each feature family and liver piece adds to the ANNITIA models, on the same folds.

* :func:`family_ablation`: a ridge Cox model on feature families added one at a time;
* :func:`liver_ablation`: each liver piece alone and each effort's set, against the
  leaderboard model without liver pieces (:data:`~hdhkits.annitia.models.NO_LIVER_PIECES`),
  with paired intervals;
* :func:`versus_no_liver_pieces`: the leaderboard model's paired gain over the same
  model without its liver pieces;
* :func:`measured_liver_ablation`: the record of :func:`liver_ablation` on the twin, as
  ``benchmarks/bench_annitia_liver.py`` wrote it into the package's data file
  (:data:`LIVER_RECORD_FILE`, :func:`write_liver_record`), with the date and twin version
  it came from; nothing is fitted.

Every row is cross-validated on the folds of :func:`hdhkits.annitia.evaluation.cv_folds`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import atomic_path
from ..findings import DataError
from .baselines import ClinicalScore, TwoOutcomeModel, as_frame
from .evaluation import cv_risks, interval_table, mean_parts, paired_gains, patients_first
from .models import (
    EFFORT_PIECES,
    EFFORTS,
    FAMILIES,
    LIVER_PIECES,
    NO_LIVER_PIECES,
    Component,
    add_followup_features,
    family_columns,
    make_leaderboard_model,
)
from .targets import SurvivalTargets

__all__ = [
    "LIVER_RECORD_FILE",
    "LiverRecord",
    "family_ablation",
    "liver_ablation",
    "measured_liver_ablation",
    "versus_no_liver_pieces",
    "write_liver_record",
]

#: The record of :func:`liver_ablation` on the twin, shipped in the package beside this module.
LIVER_RECORD_FILE = "liver_ablation.json"


def versus_no_liver_pieces(
    X: pd.DataFrame,
    y: SurvivalTargets,
    leaderboard_risks: np.ndarray,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    n_boot: int = 200,
    n_jobs: int = 1,
    quick: bool = False,
    progress: bool = False,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The leaderboard model's paired gain over the same model without liver pieces.

    Cross-validates the liver blend without pieces (``make_leaderboard_model(pieces=())``,
    :data:`~hdhkits.annitia.models.NO_LIVER_PIECES`) on the folds
    :func:`~hdhkits.annitia.evaluation.compare_models` drew with the same ``n_splits``,
    ``n_repeats`` and ``seed``. The death blend does not depend on the effort or the liver
    pieces, so that model's death risks *are* the leaderboard model's: only the liver
    blend is fitted (half the cost), and the C(death) gain is 0 by construction.

    Parameters
    ----------
    leaderboard_risks : array (n_repeats, n, 2)
        The leaderboard model's out-of-fold risks from :func:`~hdhkits.annitia.evaluation.compare_models`.

    Returns
    -------
    gains : DataFrame
        Index ``score``, ``c_hepatic``, ``c_death``; columns ``leaderboard model``,
        :data:`~hdhkits.annitia.models.NO_LIVER_PIECES`, ``gain`` (the first minus the
        second), ``low``, ``high`` (paired bootstrap 95 % interval of the gain, ``n_boot``
        resamples; :func:`~hdhkits.annitia.evaluation.paired_gains`).
    risks : array (n_repeats, n, 2)
        The out-of-fold risks of the model without liver pieces.
    """
    leaderboard_risks = np.asarray(leaderboard_risks, float)
    if leaderboard_risks.shape != (n_repeats, len(X), 2):
        raise ValueError(
            f"leaderboard_risks has shape {leaderboard_risks.shape}, expected {(n_repeats, len(X), 2)}: "
            "pass compare_models' out-of-fold risks with the same n_splits, n_repeats and seed"
        )
    # The placeholder death score is cheap; its risks are replaced by the leaderboard's.
    liver_only = TwoOutcomeModel(
        make_leaderboard_model(quick=quick, seed=seed, pieces=()).hepatic, ClinicalScore("age_first")
    )
    risks = cv_risks({NO_LIVER_PIECES: liver_only}, X, y, n_splits, n_repeats, seed, n_jobs, progress=progress)[
        NO_LIVER_PIECES
    ]
    risks[..., 1] = leaderboard_risks[..., 1]
    mine, reference = mean_parts(y, patients_first(leaderboard_risks)), mean_parts(y, patients_first(risks))
    gains = paired_gains(y, leaderboard_risks, risks, n_boot=n_boot, seed=seed)
    gains.insert(0, "leaderboard model", [mine[part] for part in gains.index])
    gains.insert(1, NO_LIVER_PIECES, [reference[part] for part in gains.index])
    return gains, risks


def family_ablation(
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int = 5,
    seed: int = 0,
    n_boot: int = 0,
    families: tuple[str, ...] = FAMILIES,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """What each feature family adds: a ridge Cox model on families added one at a time.

    The first row reads ``families[0]``; each next row adds one family (the default
    order ends with the clinical set after two rows, then adds what only the leaderboard
    model reads). A Cox model keeps this cheap; trees gain more from some families.

    Returns
    -------
    DataFrame
        Index ``+ <family>``; columns ``score``, ``c_hepatic``, ``c_death``, ``gain`` (score
        minus the previous row's) and ``n_features``; with ``n_boot`` > 0 also the intervals.
    """
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    X = add_followup_features(as_frame(X))
    steps = {("" if k == 1 else "+ ") + families[k - 1]: tuple(families[:k]) for k in range(1, len(families) + 1)}
    models = {
        label: TwoOutcomeModel(Component(CoxPHSurvivalAnalysis(alpha=100.0), used)) for label, used in steps.items()
    }
    oof = cv_risks(models, X, y, n_splits, 1, seed, n_jobs)
    rows = []
    for label, used in steps.items():
        if n_boot:
            interval = interval_table(y, {label: oof[label]}, n_boot=n_boot, seed=seed).iloc[0]
            summary = {str(part): float(value) for part, value in interval.items()}
        else:
            summary = mean_parts(y, patients_first(oof[label]))
        rows.append({"family": label, **summary, "n_features": len(family_columns(list(X.columns), used))})
    table = pd.DataFrame(rows).set_index("family")
    table.insert(1, "gain", table["score"].diff())
    first = ["score", "gain", "c_hepatic", "c_death", "n_features"]
    return table[first + [c for c in table.columns if c not in first]]


def _step_pieces(pieces: tuple[str, ...], efforts: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    # Rows after the first: each piece alone, then each effort that uses any piece (an
    # effort without pieces is the first row).
    steps: dict[str, tuple[str, ...]] = {f"+ {piece}": (piece,) for piece in pieces}
    steps.update({f"effort {effort!r}": EFFORT_PIECES[effort] for effort in efforts if EFFORT_PIECES[effort]})
    return steps


def _liver_steps(
    pieces: tuple[str, ...], efforts: tuple[str, ...], quick: bool, seed: int
) -> dict[str, TwoOutcomeModel]:
    # The model without liver pieces, then each piece alone, then each effort's set. Only the first
    # row fits the death blend: it does not depend on the liver pieces, so every row
    # shares its risks (the others get a cheap placeholder, replaced by the caller).
    steps = {NO_LIVER_PIECES: make_leaderboard_model(quick=quick, seed=seed, pieces=())}
    for label, used in _step_pieces(pieces, efforts).items():
        liver = make_leaderboard_model(quick=quick, seed=seed, pieces=used).hepatic
        steps[label] = TwoOutcomeModel(liver, ClinicalScore("age_first"))
    return steps


def liver_ablation(
    X: pd.DataFrame,
    y: SurvivalTargets,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    n_boot: int = 200,
    n_jobs: int = 1,
    quick: bool = False,
    pieces: tuple[str, ...] = LIVER_PIECES,
    efforts: tuple[str, ...] = EFFORTS,
    progress: bool = False,
) -> pd.DataFrame:
    """What each liver piece adds to the leaderboard model, on the same splits.

    The first row is the leaderboard model without liver pieces
    (``make_leaderboard_model(pieces=())``, :data:`~hdhkits.annitia.models.NO_LIVER_PIECES`); then one row per piece of ``pieces``
    (:data:`~hdhkits.annitia.models.LIVER_PIECES`) added alone to its liver blend; then
    one row per effort (:data:`~hdhkits.annitia.models.EFFORT_PIECES`: the pieces it
    uses together; an effort without pieces is the first row, and gets none). The death
    blend is the same in every row (it does not depend on the pieces), so the combined
    score moves by 0.7 × the change of C(hepatic).

    Returns
    -------
    DataFrame
        Index: :data:`~hdhkits.annitia.models.NO_LIVER_PIECES`, ``+ <piece>``, ``effort '<name>'``.
        Columns: ``score``, ``c_hepatic``, ``c_death`` (means over repeats of the out-of-fold
        concordance); ``vs_no_pieces``, ``vs_no_pieces_low``, ``vs_no_pieces_high``: C(hepatic)
        minus the first row's, with its paired bootstrap 95 % interval (``n_boot``
        resamples of patients; NaN bounds with ``n_boot=0``); ``pieces``: the pieces used.
    """
    unknown = set(pieces) - set(LIVER_PIECES)
    if unknown:
        raise ValueError(f"unknown liver piece(s) {sorted(unknown)}; choose from {LIVER_PIECES}")
    unknown = set(efforts) - set(EFFORTS)
    if unknown:
        raise ValueError(f"unknown effort(s) {sorted(unknown)}; choose from {EFFORTS}")
    models = _liver_steps(tuple(pieces), tuple(efforts), quick, seed)
    oof = cv_risks(models, X, y, n_splits, n_repeats, seed, n_jobs, progress=progress)
    reference = oof[NO_LIVER_PIECES]
    used = {NO_LIVER_PIECES: (), **_step_pieces(tuple(pieces), tuple(efforts))}
    rows = []
    for label, risks in oof.items():
        risks[..., 1] = reference[..., 1]
        parts = mean_parts(y, patients_first(risks))
        diff = paired_gains(y, risks, reference, n_boot=n_boot, seed=seed, parts=("c_hepatic",)).loc["c_hepatic"]
        rows.append(
            {
                "step": label,
                "score": parts["score"],
                "c_hepatic": parts["c_hepatic"],
                "c_death": parts["c_death"],
                "vs_no_pieces": diff["gain"],
                "vs_no_pieces_low": diff["low"],
                "vs_no_pieces_high": diff["high"],
                "pieces": ", ".join(used[label]) or "-",
            }
        )
    return pd.DataFrame(rows).set_index("step")


@dataclass(frozen=True)
class LiverRecord:
    """The record of :func:`liver_ablation` on the twin, as its benchmark measured it.

    Attributes
    ----------
    per_seed : DataFrame
        Index (step, seed); ``c_hepatic``, ``change`` (against the first step, the
        leaderboard model without liver pieces), ``low``, ``high`` (paired 95 % interval
        of the change).
    twin_version : str
        The twin version it was measured on (:attr:`hdhkits.problem.Problem.twin_version`).
    date : str
        ISO date of the record.
    date_is : str
        What the date is: ``"measurement"`` (the benchmark's run) or ``"conversion"``
        (when an older measurement was converted into the file; see ``note``).
    size : str
        Twin size.
    n_splits, n_boot : int
        Folds of each seed's cross-validation and paired bootstrap resamples.
    note : str
        Anything else the file says about where the numbers come from.
    what : str
        One sentence saying what the numbers are.
    """

    per_seed: pd.DataFrame
    twin_version: str
    date: str
    date_is: str = "measurement"
    size: str = "default"
    n_splits: int = 5
    n_boot: int = 200
    note: str = ""
    what: str = ""

    @property
    def seeds(self) -> list[int]:
        """The twin seeds measured."""
        return sorted(int(s) for s in self.per_seed.index.get_level_values("seed").unique())

    @property
    def table(self) -> pd.DataFrame:
        """One row per step: ``c_hepatic`` (mean over seeds), ``change`` (mean), ``seeds_better``, ``lowest``, ``highest``, ``kept``.

        ``seeds_better`` counts the seeds where the change is positive ("6 of 8");
        ``lowest`` and ``highest`` are the per-seed changes; ``kept`` names the efforts
        using the piece (:data:`~hdhkits.annitia.models.EFFORT_PIECES`; "-" for none).
        """
        grouped = self.per_seed.groupby(level="step", sort=False)
        table = grouped[["c_hepatic", "change"]].mean()
        better = grouped["change"].apply(lambda change: int((change > 0).sum()))
        table["seeds_better"] = [f"{k} of {m}" for k, m in zip(better, grouped.size())]
        table["lowest"], table["highest"] = grouped["change"].min(), grouped["change"].max()
        table["kept"] = [_kept(step) for step in table.index]
        return table

    def describe(self, twin_version: str) -> str:
        """Where the numbers come from, and whether the twin of ``twin_version`` is newer than them."""
        seeds = self.seeds
        if len(seeds) == 1:
            span = f"seed {seeds[0]}"
        elif seeds == list(range(seeds[0], seeds[-1] + 1)):
            span = f"seeds {seeds[0]} to {seeds[-1]}"
        else:
            span = "seeds " + ", ".join(str(s) for s in seeds)
        when = (
            f"measured {self.date}"
            if self.date_is == "measurement"
            else f"recorded {self.date} (the date it was converted into this file; measured earlier)"
        )
        text = (
            f"measured on the twin (version {self.twin_version}, {self.size} size, {span}, {self.n_splits}-fold), "
            f"not on the official files; {when}"
        )
        if _newer(twin_version, self.twin_version):
            text += (
                f"\nthe twin is now version {twin_version}, newer than this measurement: re-run "
                "benchmarks/bench_annitia_liver.py --parts ablation --write-record"
            )
        return text


def _kept(step: str) -> str:
    # The efforts that use the step's piece ("-" for none); an effort's own step names itself.
    if step.startswith("effort "):
        return step.split("'")[1]
    piece = step[2:] if step.startswith("+ ") else None
    return ", ".join(e for e in EFFORTS if piece in EFFORT_PIECES[e]) or "-"


def _newer(current: str, measured: str) -> bool:
    # Twin versions are whole numbers as text; any other change of text counts as newer.
    if current.isdigit() and measured.isdigit():
        return int(current) > int(measured)
    return current != measured


def _record_path(path: str | Path | None) -> Path:
    if path is not None:
        return Path(path)
    return Path(str(resources.files(__package__).joinpath(LIVER_RECORD_FILE)))


def measured_liver_ablation(path: str | Path | None = None) -> LiverRecord:
    """The liver ablation as measured on the twin (a record: nothing is fitted).

    ``benchmarks/bench_annitia_liver.py`` ran :func:`liver_ablation` on the default twin
    of several seeds, each a 5-fold cross-validation with the same splits for every row;
    the changes are paired against the leaderboard model without liver pieces. They hold
    for the twin they were measured on (:attr:`LiverRecord.twin_version`) only: on the
    official files run :func:`liver_ablation` itself.

    Parameters
    ----------
    path : str or Path, optional
        A record file; default: the one shipped in the package (:data:`LIVER_RECORD_FILE`).

    Returns
    -------
    LiverRecord

    Raises
    ------
    hdhkits.findings.DataError
        The file is missing or not a record.
    """
    path = _record_path(path)
    try:
        raw = json.loads(path.read_text())
        per_seed = pd.DataFrame(raw["rows"], columns=["step", "seed", "c_hepatic", "change", "low", "high"])
        return LiverRecord(
            per_seed=per_seed.set_index(["step", "seed"]),
            twin_version=str(raw["twin_version"]),
            date=str(raw["date"]),
            date_is=str(raw.get("date_is", "measurement")),
            size=str(raw.get("size", "default")),
            n_splits=int(raw.get("n_splits", 5)),
            n_boot=int(raw.get("n_boot", 200)),
            note=str(raw.get("note", "")),
            what=str(raw.get("what", "")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            path,
            [
                f"the liver ablation record cannot be read ({type(exc).__name__}: {exc}); write it again with "
                "benchmarks/bench_annitia_liver.py --parts ablation --write-record"
            ],
        ) from exc


def write_liver_record(record: LiverRecord, path: str | Path | None = None) -> Path:
    """Write a liver ablation record (atomically), one line per (step, seed); returns the file.

    :func:`measured_liver_ablation` reads it back.

    Parameters
    ----------
    record : LiverRecord
        What to write (its ``per_seed`` from :func:`liver_ablation`'s ``c_hepatic`` and
        ``vs_no_pieces`` columns, as ``change``, ``low``, ``high``).
    path : str or Path, optional
        Default: the package's file (:data:`LIVER_RECORD_FILE`, beside this module).
    """
    path = _record_path(path)
    head = {
        "what": record.what or "C(hepatic) of liver_ablation's steps and its paired change against the first step",
        "twin_version": record.twin_version,
        "size": record.size,
        "seeds": record.seeds,
        "n_splits": record.n_splits,
        "n_boot": record.n_boot,
        "date": record.date,
        "date_is": record.date_is,
        "note": record.note,
    }
    values = record.per_seed[["c_hepatic", "change", "low", "high"]]
    rows = [
        json.dumps({"step": step, "seed": int(seed), **{k: round(float(v), 6) for k, v in zip(values.columns, row)}})
        for (step, seed), row in zip(values.index, values.to_numpy())
    ]
    text = json.dumps(head, indent=1)[:-2] + ',\n "rows": [\n  ' + ",\n  ".join(rows) + "\n ]\n}\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return path
