"""Scoring program of an hdhkits practice competition (runs on Codabench, self-contained).

Written into the bundle as ``scoring.py`` by ``hdhkits bundle``, beside ``kit.json``
and ``hdhkits_scoring/``: the kit's own validation and metric code, copied from the
hdhkits package and pruned to what they use (standard library, NumPy, pandas only).

Codabench runs ``python3 scoring.py`` in ``/app/program`` with the participant's zip
unpacked in ``/app/input/res``, the reference data in ``/app/input/ref``, and reads
``/app/output/scores.json``. The folders are found from this file's place (``../input``,
``../output``), or given as ``python3 scoring.py INPUT OUTPUT`` (CodaLab's convention).

A submission that breaks the format is refused with every problem, one sentence each
(the same sentences ``hdhkits validate`` prints), and a non-zero exit.
"""

import json
import math
import sys
from pathlib import Path
from typing import NoReturn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the copied package sits beside this file

SUBMISSION = "submission.csv"


def fail(message: str) -> NoReturn:
    """Print the reason the participant sees in the scoring log, and exit 1."""
    print(message)
    sys.exit(1)


def find_submission(res: Path) -> Path:
    """``submission.csv`` at the zip's root, else the only CSV anywhere in it."""
    if (res / SUBMISSION).is_file():
        return res / SUBMISSION
    found = sorted(p for p in res.rglob("*.csv") if not any(part.startswith(("__MACOSX", ".")) for part in p.parts))
    if len(found) == 1:
        return found[0]
    names = ", ".join(p.relative_to(res).as_posix() for p in found) or "no CSV file"
    fail(
        f"{SUBMISSION}: not found in your zip (it holds {names}); zip the file {SUBMISSION} alone, at the "
        "zip's root, and submit again"
    )


def main(argv: list) -> int:
    config = json.loads((HERE / "kit.json").read_text())
    app = HERE.parent
    input_dir = Path(argv[1]) if len(argv) > 1 else app / "input"
    output_dir = Path(argv[2]) if len(argv) > 2 else app / "output"
    ref, res = input_dir / "ref", input_dir / "res"

    import importlib

    from hdhkits_scoring.findings import DataError, errors, warnings_of
    from hdhkits_scoring.submission import read_submission

    # the copy holds no installed metadata (no entry points): the bundle names the module that defines PROBLEM
    problem = importlib.import_module(config["problem_module"]).PROBLEM
    path = find_submission(res)
    name = path.relative_to(res).as_posix()
    try:
        submission = read_submission(path)
    except DataError as exc:  # the sentences only: the platform's folders mean nothing to the participant
        fail("\n".join([f"{name}: INVALID, {len(exc.problems)} problem(s)"] + [f"  - {p}" for p in exc.problems]))
    findings = problem.validate_submission(submission, ref / config["data_folder"])
    blocking, notes = errors(findings), warnings_of(findings)
    if blocking:
        lines = [f"{name}: INVALID, {len(blocking)} problem(s)"] + [f"  - {p}" for p in blocking]
        fail("\n".join(lines))
    print(f"{name}: valid {problem.title} submission, {len(submission)} rows")
    if notes:
        print(f"{len(notes)} warning(s) (the file is scored as given):")
        print("\n".join(f"  - {f.line()}" for f in notes))
    truth = problem.read_truth(ref / config["truth_folder"])
    try:
        score = problem.score_submission(submission, truth)
    except DataError as exc:
        fail(f"{name}: cannot be scored: " + "; ".join(exc.problems))
    except (ValueError, KeyError, TypeError) as exc:
        fail(f"{name}: cannot be scored ({exc})")
    scores = {"score": float(score.value), **{k: float(v) for k, v in score.parts.items()}}
    for key in config["leaderboard_keys"]:
        if key not in scores:
            fail(f"internal error: the metric gave no {key!r}; tell the organisers")
    bad = [k for k, v in scores.items() if not math.isfinite(v)]
    if bad:
        # JSON has no NaN; the platform needs numbers
        print(f"note: {', '.join(bad)} undefined on this reference set (e.g. one class only); reported as 0")
        scores.update({k: 0.0 for k in bad})
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "scores.json").write_text(json.dumps(scores, indent=2) + "\n")
    print(f"{problem.title} score: {scores['score']:.4f}")
    for k, v in score.parts.items():
        print(f"  {k}: {float(v):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
