"""A practice competition's Markdown pages, made from the kit's README, and its logo.

The README's sections are sorted into pages by their headings (files and twin go to
*Data*, metric and rules to *Evaluation*, how to run and the notebooks to *Starting
kit*, the rest to *Overview*), so the pages follow the README as it changes. Links
relative to the kit folder become links to the project's repository, where they
still resolve.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import install
from ..problem import Problem

__all__ = ["REPOSITORY", "final_ranking", "make_logo", "make_pages", "split_sections"]

#: Where relative links of a kit's README point once the page is on a platform: the repository's
#: ``main`` (its address is pyproject.toml's ``[project.urls] Repository``, :data:`hdhkits.install.REPOSITORY`).
REPOSITORY = f"{install.REPOSITORY}/blob/main"

#: Page for a README section, by the first matching word of its heading (in order).
_ROUTES: tuple[tuple[str, str], ...] = (
    (r"metric|rule|scor", "evaluation"),
    (r"file|twin|data", "data"),
    (r"run|notebook|baseline|expect|reference", "starting_kit"),
)


def split_sections(markdown: str) -> tuple[str, str, list[tuple[str, str]]]:
    """``(title, intro, [(heading, body), ...])`` of a README split at its ``##`` headings.

    Headings inside fenced code blocks are not headings.
    """
    title = ""
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("# ") and not title:
            title = line[2:].strip()
            continue
        if not fenced and line.startswith("## "):
            sections.append((line[3:].strip(), []))
            current = sections[-1][1]
            continue
        (intro if current is None else current).append(line)
    return title, "\n".join(intro).strip(), [(h, "\n".join(b).strip()) for h, b in sections]


def _absolute_links(text: str, kit: str) -> str:
    """Relative Markdown links made absolute on the repository (anchors and URLs unchanged)."""

    def fix(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        if re.match(r"[a-z]+:|#|/", target):
            return match.group(0)
        parts = [p for p in f"kits/{kit}/{target}".split("/") if p not in ("", ".")]
        resolved: list[str] = []
        for p in parts:
            if p == "..":
                if resolved:
                    resolved.pop()
            else:
                resolved.append(p)
        return f"[{label}]({REPOSITORY}/{'/'.join(resolved)})"

    return re.sub(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)", fix, text)


def final_ranking(problem: Problem) -> str:
    """The *Final ranking* paragraph of the Evaluation page: how the organisers rank with uncertainty."""
    return (
        "**Final ranking.** A test set of this size leaves scores uncertain: a few hundredths between two "
        "submissions are often noise. At the close, the organisers rank every submission with "
        f"`hdhkits leaderboard {problem.name} SUBMISSIONS/ --truth {problem.truth_file} --out final/` "
        "(SUBMISSIONS/ holds the submission zips as the platform stores them; the truth is this competition's "
        "reference data). It scores each one with the same metric, then on 1,000 bootstrap resamples of the test "
        "set, and publishes a page with each score's 95 % interval, the distribution of each rank, the "
        "probability of being first, pairwise one-sided tests (Holm-corrected) that say which top places are "
        "statistically tied, and how far each submission moved between the public part and the private rest. "
        f"`hdhkits leaderboard {problem.name} --demo 20 --out demo/` shows such a page on synthetic submissions."
    )


def make_pages(
    problem: Problem,
    readme: str,
    leaderboard_keys: list[str],
    seed: int,
    size: str,
    sample_score: float,
    lower_is_better: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """The pages of the competition, file name to Markdown.

    Parameters
    ----------
    problem : Problem
        The kit.
    readme : str
        The kit's README.
    leaderboard_keys : list of str
        The leaderboard columns (the metric and its parts).
    seed, size
        The twin the competition is built from.
    sample_score : float
        The sample submission's score (the floor to beat).
    lower_is_better : frozenset of str
        Leaderboard columns sorted ascending (a loss shown beside the metric).

    Returns
    -------
    dict
        ``overview.md``, ``data.md``, ``evaluation.md``, ``starting_kit.md``, ``terms.md``.
    """
    _title, intro, sections = split_sections(_absolute_links(readme, problem.name))
    routed: dict[str, list[str]] = {"overview": [], "data": [], "evaluation": [], "starting_kit": []}
    for heading, body in sections:
        page = next((p for pattern, p in _ROUTES if re.search(pattern, heading, re.I)), "overview")
        routed[page].append(f"## {heading}\n\n{body}")
    practice = (
        f"> **A practice competition on synthetic data.** The files are a synthetic twin of the "
        f"{problem.title} challenge's (seed {seed}, size {size}), made by the open-source "
        f"[hdhkits starter kits]({REPOSITORY.rsplit('/blob/', 1)[0]}); they hold no patient data and "
        "scores here say nothing about the official leaderboard."
    )
    overview = [
        f"# {problem.title}: practice competition",
        practice,
        f"**Task.** {problem.task}",
        intro,
        *routed["overview"],
    ]

    def meaning(key: str) -> str:
        if key == "score":
            return "the challenge metric (higher is better)"
        return "a part of it" + (" (lower is better)" if key in lower_is_better else "")

    columns = "\n".join(f"| `{k}` | {meaning(k)} |" for k in leaderboard_keys)
    evaluation = [
        "# Evaluation",
        f"**Metric.** {problem.metric}.",
        "Submit a zip holding `submission.csv` at its root. The scoring program first checks the file (columns, "
        "ids, empty or out-of-range values) and, if anything is wrong, lists every problem in the scoring log "
        "and scores nothing; the same check runs locally with `hdhkits validate " + problem.name + " submission.csv`.",
        f"| leaderboard column | meaning |\n|---|---|\n{columns}",
        f"The sample submission (the *solution* the platform runs to check the competition) scores "
        f"{sample_score:.4f}: a floor, not a target.",
        final_ranking(problem),
        *routed["evaluation"],
    ]
    data = [
        "# Data",
        practice,
        "Download the public files from the *Files* tab: the participant files, laid out exactly as the "
        "official download. The test labels are hidden (reference data).",
        *routed["data"],
    ]
    kit = [
        "# Starting kit",
        "The *Files* tab holds the kit's three notebooks and its README. Unzip the public data into a folder, "
        "set `data_dir` to it in each notebook's parameters cell, run the notebooks in order, and submit "
        "`submission.csv` (zipped) from the output folder.",
        *routed["starting_kit"],
    ]
    terms = [
        "# Terms",
        "This is a practice competition for learning and teaching. By taking part you accept that:",
        "- the data is **synthetic**: generated by the hdhkits starter kits from published summaries; it holds no "
        "patient information and is not the official challenge data;",
        "- the metric"
        + (
            " is a **reconstruction** from participants' public re-implementations, not the official code"
            if "reconstruct" in problem.metric.lower()
            else " follows the official definition"
        )
        + "; scores here are not comparable with the official leaderboard;",
        "- the organisers of this practice competition may reset the leaderboard or remove submissions;",
        f"- the official {problem.title} challenge has its own terms, on its platform; this page does not replace "
        "them.",
        f"The starter kits are open source (BSD-3-Clause): {REPOSITORY.rsplit('/blob/', 1)[0]}.",
    ]

    def join(parts):
        return "\n\n".join(p for p in parts if p).strip() + "\n"

    return {
        "overview.md": join(overview),
        "data.md": join(data),
        "evaluation.md": join(evaluation),
        "starting_kit.md": join(kit),
        "terms.md": join(terms),
    }


def make_logo(problem: Problem, path: Path) -> Path:
    """A small PNG logo (the kit's title on a coloured square), written to ``path``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    colours = {"cytologia": "#7b3f98", "annitia": "#b5651d", "cardihack": "#c0392b"}
    fig = Figure(figsize=(2, 2), dpi=64)
    fig.patch.set_facecolor(colours.get(problem.name, "#2c3e50"))
    fig.text(0.5, 0.58, problem.title, ha="center", va="center", color="white", fontsize=15, fontweight="bold")
    fig.text(0.5, 0.32, "practice", ha="center", va="center", color="white", fontsize=11)
    fig.savefig(path, format="png", facecolor=fig.get_facecolor())
    return Path(path)
