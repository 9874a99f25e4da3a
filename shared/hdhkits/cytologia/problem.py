"""The CYTOLOGIA problem definition: files, twin, submission rules and metric."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..findings import Finding, error
from ..problem import Problem, Score
from ..schema import ColumnSpec
from ..submission import SubmissionSpec, check_submission
from . import twin
from .classes import CLASSES
from .images import image_sizes
from .metric import score
from .plausibility import SUBMISSION_OUTSIDE_FIX, outside_box_findings
from .schema import check_data, read_test

__all__ = ["PROBLEM", "SUBMISSION_SPEC", "CytologiaProblem", "check_submission_rules"]

#: The submission: test.csv filled in, one row per trustii_id.
SUBMISSION_SPEC = SubmissionSpec(
    (
        ColumnSpec("trustii_id", "int"),
        ColumnSpec("NAME", "str"),
        ColumnSpec("x1", "float"),
        ColumnSpec("y1", "float"),
        ColumnSpec("x2", "float"),
        ColumnSpec("y2", "float"),
        ColumnSpec("class", "str", allowed=CLASSES),
    )
)


def _rows(index, limit: int = 5) -> str:
    rows = [int(i) + 1 for i in index]
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" … ({len(rows)} rows)" if len(rows) > limit else "")


def check_submission_rules(submission: pd.DataFrame, test: pd.DataFrame) -> list[Finding]:
    """The kit's rules beyond the column format: every problem, one sentence each.

    * ``NAME`` must be the image of that ``trustii_id`` in test.csv;
    * ``x2 > x1`` and ``y2 > y1``.
    """
    problems = check_submission(submission, SUBMISSION_SPEC, test["trustii_id"])
    cols = set(map(str, submission.columns))
    sub = submission.reset_index(drop=True)
    if {"trustii_id", "NAME"} <= cols:
        expected = pd.Series(test["NAME"].astype(str).to_numpy(), index=pd.to_numeric(test["trustii_id"]).to_numpy())
        ids = pd.to_numeric(sub["trustii_id"], errors="coerce")
        known = ids.isin(expected.index)
        want = ids[known].map(expected)
        got = sub.loc[known, "NAME"].astype(str)
        wrong = want.index[want.to_numpy() != got.to_numpy()]
        if len(wrong):
            i = wrong[0]
            problems.append(
                error(
                    f"column 'NAME': {len(wrong)} row(s) name another image than test.csv for their "
                    f"trustii_id (data row(s) {_rows(wrong)}; e.g. trustii_id {int(ids[i])} is "
                    f"{expected[ids[i]]!r}, not {sub.loc[i, 'NAME']!r})",
                    column="NAME",
                    count=len(wrong),
                    kind="wrong_name",
                    fix="copy NAME from test.csv",
                )
            )
    for lo, hi in (("x1", "x2"), ("y1", "y2")):
        if {lo, hi} <= cols:
            a = pd.to_numeric(sub[lo], errors="coerce")
            b = pd.to_numeric(sub[hi], errors="coerce")
            bad = (b <= a) & a.notna() & b.notna()
            if bad.any():
                problems.append(
                    error(
                        f"columns '{lo}', '{hi}': {int(bad.sum())} box(es) with {hi} <= {lo} at data "
                        f"row(s) {_rows(np.flatnonzero(bad))}",
                        column=hi,
                        count=int(bad.sum()),
                        kind="inverted_box",
                        fix=f"a box needs {hi} > {lo} (pixels, top-left to bottom-right)",
                    )
                )
    return problems


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


PROBLEM = CytologiaProblem()
