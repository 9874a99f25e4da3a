"""The CYTOLOGIA submission: its columns, and the rules a submission must follow beyond them.

:class:`~hdhkits.cytologia.problem.CytologiaProblem` validates with these, and so does an
exercise of the notebooks (:func:`hdhkits.cytologia.teaching.inverted_box_kind`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import SupportsInt

import numpy as np
import pandas as pd

from ..findings import Finding, error
from ..schema import ColumnSpec
from ..submission import SubmissionSpec, check_submission
from .classes import CLASSES

__all__ = ["SUBMISSION_SPEC", "check_submission_rules"]

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


def _rows(index: Iterable[SupportsInt], limit: int = 5) -> str:
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
