"""Shared by the leaderboard tests: small fields of submissions for a twin, and a plain bootstrap to check against.

The plain bootstrap is written without the leaderboard's code: it builds each resampled
truth and submission table row by row (a unit drawn twice appears twice, under new ids or
image names) and calls the kit's official ``score_submission`` on them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hdhkits.problem import get_problem

#: The column that names a test unit in the truth and the submission, per kit.
UNIT_COLUMN = {"cardihack": "trustii_id", "annitia": "trustii_id", "cytologia": "NAME"}


def perfect_submission(kit: str, truth: pd.DataFrame) -> pd.DataFrame:
    """A submission that scores the metric's best on every resample."""
    if kit == "cardihack":
        return truth[["trustii_id", "OUTCOME MACE", "OUTCOME SEVERITY"]].astype({"OUTCOME SEVERITY": float})
    if kit == "annitia":
        from hdhkits.annitia.targets import survival_targets

        t = survival_targets(truth)
        risks = {}
        for col, event, time in (
            ("risk_hepatic_event", t.hepatic_event, t.hepatic_time),
            ("risk_death", t.death_event, t.death_time),
        ):
            order = np.lexsort((~event, time))  # earliest first; an event before a censoring at the same time
            risk = np.empty(len(order))
            risk[order] = np.arange(len(order), 0, -1)
            risks[col] = risk
        return pd.DataFrame({"trustii_id": truth["trustii_id"], **risks})
    return truth[["trustii_id", "NAME", "x1", "y1", "x2", "y2", "class"]].copy()


def field_of_submissions(kit: str, data_dir: Path, truth: pd.DataFrame, seed: int = 0) -> dict[str, pd.DataFrame]:
    """A perfect submission, two noisy ones, the sample submission, and an exact copy of one noisy one."""
    rng = np.random.default_rng(seed)
    problem = get_problem(kit)
    perfect = perfect_submission(kit, truth)
    subs = {"perfect": perfect, "sample": problem.sample_submission(data_dir)}
    for name, level in (("noisy_a", 0.3), ("noisy_b", 0.6)):
        subs[name] = _noisy(kit, perfect, level, rng)
    subs["noisy_a_copy"] = subs["noisy_a"].copy()
    return subs


def noisy_copies(kit: str, truth: pd.DataFrame, n: int, seed: int = 0) -> list[pd.DataFrame]:
    """``n`` noisy copies of the perfect submission, from little to much noise, columns in the official order."""
    rng = np.random.default_rng(seed)
    perfect = perfect_submission(kit, truth)
    return [_noisy(kit, perfect, level, rng) for level in np.linspace(0.1, 0.9, n)]


def _noisy(kit: str, perfect: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
    out = perfect.copy()
    n = len(out)
    if kit == "cardihack":
        flip = rng.random(n) < level
        out.loc[flip, "OUTCOME MACE"] = rng.integers(0, 3, int(flip.sum()))
        out["OUTCOME SEVERITY"] = np.clip(
            0.5 + (out["OUTCOME SEVERITY"] - 0.5) * (1 - level) + rng.normal(0, 0.2, n), 0.01, 0.99
        )
    elif kit == "annitia":
        for col in ("risk_hepatic_event", "risk_death"):
            out[col] = out[col] + rng.normal(0, level * n, n)
    else:
        out[["x1", "y1"]] += rng.integers(-20, 20, (n, 2))
        swap = rng.random(n) < level
        out.loc[swap, "class"] = rng.choice(out["class"].unique(), int(swap.sum()))
    return out


def write_field(subs: dict[str, pd.DataFrame], folder: Path) -> Path:
    """Write the submissions as ``<name>.csv`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in subs.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    return folder


def resampled(table: pd.DataFrame, column: str, units: np.ndarray, idx: np.ndarray) -> pd.DataFrame:
    """The rows of the drawn units ``units[idx]``, in draw order, each draw under its own id or image name."""
    positions = table.groupby(column, sort=False).indices
    rows, labels = [], []
    for draw, u in enumerate(units[idx]):
        found = positions.get(u, np.array([], int))
        rows.append(found)
        labels.append(np.full(len(found), draw))
    out = table.iloc[np.concatenate(rows)].reset_index(drop=True)
    draw = np.concatenate(labels)
    if column == "NAME":
        out["NAME"] = [f"{name}#{d}" for name, d in zip(out["NAME"], draw)]
        out["trustii_id"] = np.arange(1, len(out) + 1)
    else:
        out[column] = draw + 1
    return out


def plain_bootstrap(
    kit: str, truth: pd.DataFrame, subs: dict[str, pd.DataFrame], indices: list[np.ndarray]
) -> np.ndarray:
    """``(S, B)`` official scores of every submission on every resampled table (NaN where it cannot score)."""
    problem = get_problem(kit)
    column = UNIT_COLUMN[kit]
    units = pd.unique(truth[column].to_numpy())
    out = np.full((len(subs), len(indices)), np.nan)
    for b, idx in enumerate(indices):
        t = resampled(truth, column, units, idx)
        for s, table in enumerate(subs.values()):
            try:
                out[s, b] = problem.score_submission(resampled(table, column, units, idx), t).value
            except ValueError:  # the metric refuses this resample (no event): left out, as the leaderboard does
                pass
    return out


def direct_ranks(scores: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """1 + the number of submissions scoring strictly higher (beyond ``tol``), column by column, with loops."""
    n, boot = scores.shape
    ranks = np.zeros((n, boot))
    for b in range(boot):
        for i in range(n):
            ranks[i, b] = 1 + sum(scores[j, b] > scores[i, b] + tol for j in range(n))
    return ranks


def synthetic_leaderboard(n: int = 6, boot: int = 200, seed: int = 0, invalid: int = 1, names=None):
    """A leaderboard from made-up resampled scores (no kit): ``n`` valid submissions and ``invalid`` broken files."""
    from hdhkits.leaderboard.build import FileResult, Leaderboard, summarise

    rng = np.random.default_rng(seed)
    names = names or [f"team{i:02d}" for i in range(n)]
    results = []
    for i, name in enumerate(names):
        centre = 0.8 - 0.02 * i
        rows = np.concatenate(
            [[centre, centre + rng.normal(0, 0.02), centre + rng.normal(0, 0.02)], rng.normal(centre, 0.03, boot)]
        )
        results.append(FileResult(name, f"{name}.csv", True, score=centre, parts={"part_a": centre / 2}, rows=rows))
    results += [
        FileResult(f"broken{i}", f"broken{i}.csv", False, error="is empty; write the file again")
        for i in range(invalid)
    ]
    table, matrices, numbers = summarise(results)
    settings = {
        "kit": "demo",
        "title": "DEMO",
        "metric": "a made-up metric",
        "units": "patients",
        "n_units": 150,
        "n_public": 75,
        "n_private": 75,
        "n_boot": boot,
        "truth_file": "truth.csv",
        "truth_sha256": "0" * 64,
        "alpha": 0.05,
        "ties": "min rank",
        "test": "paired bootstrap z-test",
        "max_file_bytes": 2**26,
        "hdhkits": "0",
        "seed": seed,
        "public_share": 0.5,
        "level": 0.95,
        "validated_against": "the truth's ids",
        "seconds": 1.0,
        "ignored": [],
        **numbers,
    }
    return Leaderboard(
        table,
        matrices["order"],
        matrices["beats"],
        matrices["p_value"],
        matrices["p_holm"],
        matrices["rank_share"],
        settings,
    )
