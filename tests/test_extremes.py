"""Extreme but valid folders: whatever ``check`` accepts, every notebook runs.

Hypothesis builds folders in each kit's official layout at quick size: a copy of the
kit's quick twin pushed to extremes a real download, another cohort recast in the layout
or a filtered file can hold (a variable empty at every visit, every lab family empty, the
fewest events a model can learn from, one visit per patient, a handful of patients, one
test row; a class without boxes, one box per class, boxes of 1 px and boxes larger than
their image, one test image asking for 11 cells; an empty or constant clinical column, an
absent MACE class, two severe patients), then:

* ``check`` never fails with a traceback, and no finding prints more than
  :data:`hdhkits.findings.MAX_CHARS` characters (``test_check_on_extreme_folders``,
  cheap: many examples, no notebook);
* when ``check`` accepts the folder, the three notebooks run to the end on it and write a
  valid submission; when it refuses it, ``01_exploration`` stops in its first data cell
  with the check's sentence (``test_notebooks_run_on_extreme_folders``).

Each drawn parameter's simplest value is its extreme, so the first example Hypothesis
runs (the simplest) holds every extreme at once, together with every known quirk of the
official files (``hdhkits.<kit>.quirks``): that run replaces the quirks-at-once run of
``tests/test_quirks.py``. The notebook test runs that one example per kit (about 90 s for
the three kits on 2 cores) plus one refused folder per kit (01 only, a few seconds); set
``HDHKITS_EXTREME_EXAMPLES=N`` for N drawn folders per kit. ``derandomize`` keeps CI runs
reproducible; a failure names the kit, the case (every extreme drawn), the notebook and
the cell.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from hdhkits.findings import MAX_CHARS, errors
from hdhkits.problem import KITS, NOTEBOOKS, get_problem
from hdhkits.runner import kits_root
from hdhkits.submission import read_submission
from hdhkits.tables import TWIN_MARKER
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from .light_settings import LIGHT

#: Drawn folders per kit whose notebooks run (the simplest, every extreme at once, comes first).
NOTEBOOK_EXAMPLES = int(os.environ.get("HDHKITS_EXTREME_EXAMPLES", "1"))
#: Kits whose notebooks do not run yet on every extreme the check accepts, and why (strict
#: xfails: remove the entry when the fix lands).
PENDING: dict[str, str] = {}

_SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


@dataclass(frozen=True)
class Case:
    """One extreme folder: the kit and every extreme drawn (its repr is what a failure prints)."""

    kit: str
    extremes: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.extremes.items())
        return f"Case({self.kit}: {shown})"


# -- ANNITIA -----------------------------------------------------------------------------

_LABS = (
    "alt",
    "plt",
    "ast",
    "fibs_stiffness_med_BM_1",
    "BMI",
    "bilirubin",
    "chol",
    "ggt",
    "gluc_fast",
    "triglyc",
    "aixp_aix_result_BM_3",
    "fibrotest_BM_2",
)


def annitia_cases(refused: bool = False) -> st.SearchStrategy[Case]:
    from hdhkits.annitia.schema import MIN_EVENTS

    low = 1 if refused else MIN_EVENTS
    high = MIN_EVENTS - 1 if refused else 20
    return st.builds(
        lambda **kw: Case("annitia", kw),
        empty_variables=st.sampled_from([list(_LABS), ["alt"], ["plt", "ast"], []]),
        liver_events=st.integers(low, high),
        deaths=st.integers(MIN_EVENTS, 40),
        one_visit_each=st.sampled_from([True, False]),
        train_rows=st.integers(40, 700),
        test_rows=st.integers(1, 240),
        constant_codes=st.sampled_from([True, False]),
        extreme_labs=st.sampled_from([True, False]),
    )


def _keep_events(frame: pd.DataFrame, event: str, age: str, n: int) -> None:
    rows = np.flatnonzero(pd.to_numeric(frame[event], errors="coerce").to_numpy() == 1)
    frame.loc[frame.index[rows[n:]], event] = 0
    frame.loc[frame.index[rows[n:]], age] = np.nan


def build_annitia(train: pd.DataFrame, test: pd.DataFrame, x: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The twin's tables pushed to the extremes of ``x`` (same columns, same order)."""
    from hdhkits.annitia.columns import CODE_COLUMNS, DEATH, DEATH_AGE, HEPATIC_AGE, HEPATIC_EVENT, visit_columns
    from hdhkits.annitia.plausibility import PLAUSIBLE_RANGES

    liver = np.flatnonzero(train[HEPATIC_EVENT].to_numpy() == 1)[: x["liver_events"]]
    death = np.flatnonzero(train[DEATH].to_numpy() == 1)[: x["deaths"]]
    keep = np.union1d(np.union1d(liver, death), np.arange(min(len(train), x["train_rows"])))
    train, test = train.iloc[keep].reset_index(drop=True), test.head(x["test_rows"]).copy()
    _keep_events(train, HEPATIC_EVENT, HEPATIC_AGE, x["liver_events"])
    _keep_events(train, DEATH, DEATH_AGE, x["deaths"])
    for frame in (train, test):
        for var in x["empty_variables"]:
            frame[visit_columns(var)] = np.nan
        if x["one_visit_each"]:
            later = [c for c in visit_columns() if not c.endswith("_v1")]
            frame[later] = np.nan
        if x["constant_codes"]:
            frame["gender"] = 2
            frame[CODE_COLUMNS[0]] = np.nan
        if x["extreme_labs"]:  # the plausible bounds themselves, on the first visit
            for var in sorted({"ggt", "alt", "fibrotest_BM_2"} - set(x["empty_variables"])):
                low, high = PLAUSIBLE_RANGES[var]
                frame[f"{var}_v1"] = np.where(np.arange(len(frame)) % 2, low, high)
    return train, test


# -- CYTOLOGIA ---------------------------------------------------------------------------


def cytologia_cases(refused: bool = False) -> st.SearchStrategy[Case]:
    from hdhkits.cytologia.schema import MIN_TRAIN_IMAGES

    images = st.integers(1, MIN_TRAIN_IMAGES - 1) if refused else st.integers(MIN_TRAIN_IMAGES, 240)
    return st.builds(
        lambda **kw: Case("cytologia", kw),
        one_box_per_class=st.sampled_from([True, False]),
        train_images=images,
        absent_classes=st.sampled_from([5, 0, 22 if refused else 1]),
        tiny_boxes=st.sampled_from([True, False]),
        huge_boxes=st.sampled_from([True, False]),
        test_images=st.integers(1, 100),
        cells_in_first_test_image=st.sampled_from([11, 1, 3]),
    )


def build_cytologia(train: pd.DataFrame, test: pd.DataFrame, x: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The twin's tables pushed to the extremes of ``x`` (the images are left as they are)."""
    from hdhkits.cytologia.classes import CLASSES

    gone = list(reversed(CLASSES))[: x["absent_classes"]]
    train = train[~train["class"].isin(gone)]
    if x["one_box_per_class"]:
        train = train.drop_duplicates("class")
    names = train["NAME"].drop_duplicates().head(x["train_images"])
    train = train[train["NAME"].isin(names)].reset_index(drop=True)
    if x["tiny_boxes"]:  # 1 x 2 px
        rows = train.index[::3]
        train.loc[rows, "x2"] = train.loc[rows, "x1"] + 1
        train.loc[rows, "y2"] = train.loc[rows, "y1"] + 2
    if x["huge_boxes"]:  # far past every border of the image
        rows = train.index[1::3]
        train.loc[rows, ["x1", "y1"]] = -150
        train.loc[rows, ["x2", "y2"]] = 900
    test = test[test["NAME"].isin(test["NAME"].drop_duplicates().head(x["test_images"]))].reset_index(drop=True)
    first = test["NAME"].iloc[0]
    extra = x["cells_in_first_test_image"] - int((test["NAME"] == first).sum())
    if extra > 0:
        ids = np.arange(1, extra + 1) + int(test["trustii_id"].max())
        test = pd.concat([test, pd.DataFrame({"trustii_id": ids, "NAME": first})], ignore_index=True)
    return train, test


# -- Cardi-HACK --------------------------------------------------------------------------


def cardihack_cases(refused: bool = False) -> st.SearchStrategy[Case]:
    return st.builds(
        lambda **kw: Case("cardihack", kw),
        empty_columns=st.sampled_from([["Diam_OG"], ["Diam_OG", "Epaiss_max", "TVNS"], []]),
        constant_columns=st.sampled_from([["SYNCOPE", "BMI"], []]),
        absent_mace_class=st.sampled_from([1, 2, None]),
        severe_patients=st.integers(0, 0) if refused else st.integers(2, 117),
        train_rows=st.integers(60, 347),
        test_rows=st.integers(1, 149),
    )


def build_cardihack(train: pd.DataFrame, test: pd.DataFrame, x: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The twin's tables pushed to the extremes of ``x``."""
    from hdhkits.cardihack.schema import OUTCOME_MACE, OUTCOME_SEVERITY

    severe = train[OUTCOME_SEVERITY].to_numpy() == 1
    kept_severe = np.flatnonzero(severe)[: x["severe_patients"]]
    others = np.flatnonzero(~severe)[: max(1, x["train_rows"] - len(kept_severe))]
    train = train.iloc[np.sort(np.concatenate([kept_severe, others]))].reset_index(drop=True)
    test = test.head(x["test_rows"]).copy()
    if x["absent_mace_class"] is not None:  # its patients get the other event class
        gone = x["absent_mace_class"]
        train.loc[train[OUTCOME_MACE] == gone, OUTCOME_MACE] = {1: 2, 2: 1}[gone]
    for frame in (train, test):
        frame[x["empty_columns"]] = np.nan
        for column in x["constant_columns"]:
            frame[column] = frame[column].iloc[0]
    return train, test


STRATEGIES = {"annitia": annitia_cases, "cytologia": cytologia_cases, "cardihack": cardihack_cases}
BUILDERS = {"annitia": build_annitia, "cytologia": build_cytologia, "cardihack": build_cardihack}


# -- building and running ----------------------------------------------------------------


def _copy_twin(source: Path, folder: Path, link_images: bool) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    # hard links cost nothing; quirks rewrite images, so folders that get quirks get real copies
    shutil.copytree(
        source,
        folder,
        copy_function=os.link if link_images else shutil.copy2,
        ignore=shutil.ignore_patterns(TWIN_MARKER),
    )


def make_folder(case: Case, source: Path, folder: Path, quirks: bool) -> Path:
    """Write the case's folder from the quick twin in ``source`` (with every known quirk when asked)."""
    problem = get_problem(case.kit)
    _copy_twin(source, folder, link_images=not quirks)
    if quirks:
        rng = np.random.default_rng(1)
        for quirk in get_problem(case.kit).quirks():
            quirk.inject(folder, rng)
    train_file, test_file = problem.official_files[-2:] if case.kit != "cytologia" else ("train.csv", "test.csv")
    test_path = next(p for p in (folder / test_file, folder / "test.csv") if p.is_file())
    train, test = pd.read_csv(folder / train_file, low_memory=False), pd.read_csv(test_path, low_memory=False)
    train, test = BUILDERS[case.kit](train, test, case.extremes)
    (folder / train_file).unlink()
    test_path.unlink()
    train.to_csv(folder / train_file, index=False)
    test.to_csv(folder / test_path.name, index=False)
    return folder


def _assert_short(findings) -> None:
    long = [str(f) for f in findings if len(str(f)) > MAX_CHARS]
    assert not long, f"findings longer than {MAX_CHARS} characters: {long}"
    assert all(f.fix for f in errors(findings)), [str(f) for f in errors(findings) if not f.fix]


def _first_data_cell(kit: str) -> str:
    """The source of 01_exploration's first code cell that reads the data (calls resolve_data)."""
    nb = nbformat.read(kits_root() / kit / NOTEBOOKS[0], as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code" and "resolve_data(" in c.source)


def run_notebooks(case: Case, folder: Path, out: Path, notebooks=NOTEBOOKS) -> tuple[str, str, str] | None:
    """Run the notebooks in order with papermill; None when all end well, else (notebook, cell source, error)."""
    import papermill as pm

    params = {"data_dir": str(folder), "output_dir": str(out), "seed": 0, "quick": True, **LIGHT[case.kit]}
    kit_dir = kits_root() / case.kit
    for name in notebooks:
        try:
            pm.execute_notebook(
                str(kit_dir / name),
                str(out / f"executed-{name}"),
                parameters=params,
                cwd=str(kit_dir),
                kernel_name="python3",
                progress_bar=False,
            )
        except Exception as exc:  # papermill's execution error carries the cell and the kernel's error
            where = f"cell {getattr(exc, 'cell_index', '?')}:\n{getattr(exc, 'source', '')}"
            return name, where, f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
    return None


def _kit_params(kits=KITS) -> list:
    return [
        pytest.param(
            kit,
            marks=[pytest.mark.xfail(strict=True, raises=AssertionError, reason=PENDING[kit])]
            if kit in PENDING
            else [],
            id=kit,
        )
        for kit in kits
    ]


# -- the properties ----------------------------------------------------------------------


@pytest.mark.parametrize("kit", KITS)
def test_check_on_extreme_folders(kit, twin):
    """Accepted or refused, an extreme folder gets findings, never a traceback, each line short."""
    source = twin(kit, "quick").data_dir
    problem = get_problem(kit)
    scratch = Path(tempfile.mkdtemp(prefix=f"extreme-check-{kit}-"))

    @settings(max_examples=6, phases=(Phase.explicit, Phase.generate), **_SETTINGS)
    @given(case=st.one_of(STRATEGIES[kit](), STRATEGIES[kit](refused=True)))
    def check(case: Case) -> None:
        folder = make_folder(case, source, scratch / "data", quirks=False)
        _assert_short(problem.check_data(folder))

    try:
        check()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("kit", _kit_params())
def test_notebooks_run_on_extreme_folders(kit, twin):
    """Every notebook runs to the end on what check accepts; 01 stops at its data cell on what it refuses."""
    source = twin(kit, "quick").data_dir
    problem = get_problem(kit)
    scratch = Path(tempfile.mkdtemp(prefix=f"extreme-run-{kit}-"))

    @settings(max_examples=NOTEBOOK_EXAMPLES, phases=(Phase.explicit, Phase.generate), **_SETTINGS)
    @given(case=STRATEGIES[kit]())
    @example(case=_simplest_refused(kit))
    def run(case: Case) -> None:
        folder = make_folder(case, source, scratch / "data", quirks=True)
        out = scratch / "out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        findings = problem.check_data(folder)
        _assert_short(findings)
        blocking = errors(findings)
        if blocking:
            failed = run_notebooks(case, folder, out, NOTEBOOKS[:1])
            assert failed is not None, f"{case}: check refused the folder but 01_exploration ran through"
            _notebook, cell, message = failed
            assert cell.endswith(_first_data_cell(kit)), f"{case}: 01_exploration stopped in {cell}\n{message}"
            assert blocking[0].message in message, f"{case}: the check's sentence is not shown: {message}"
            return
        failed = run_notebooks(case, folder, out)
        assert failed is None, f"{case}: {failed[0]} failed in {failed[1][:600]}\n{failed[2][:800]}"
        submission = read_submission(out / "submission.csv")
        assert not errors(problem.validate_submission(submission, folder)), case

    try:
        run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _simplest_refused(kit: str) -> Case:
    """The refused folder of the explicit example: the simplest draw below the kit's floor."""
    return {
        "annitia": Case(
            "annitia",
            dict(
                empty_variables=[],
                liver_events=1,
                deaths=5,
                one_visit_each=False,
                train_rows=700,
                test_rows=240,
                constant_codes=False,
                extreme_labs=False,
            ),
        ),
        "cytologia": Case(
            "cytologia",
            dict(
                one_box_per_class=False,
                train_images=5,
                absent_classes=0,
                tiny_boxes=False,
                huge_boxes=False,
                test_images=100,
                cells_in_first_test_image=1,
            ),
        ),
        "cardihack": Case(
            "cardihack",
            dict(
                empty_columns=[],
                constant_columns=[],
                absent_mace_class=None,
                severe_patients=0,
                train_rows=347,
                test_rows=149,
            ),
        ),
    }[kit]
