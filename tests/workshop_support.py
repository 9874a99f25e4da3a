"""Shared by the workshop tests: fake kits of the template's shape with one exercise per notebook, and their teaching."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from hdhkits.exercises import CORRECT, NOT_ATTEMPTED, NOT_YET, Exercise, Teaching
from hdhkits.problem import KITS, NOTEBOOKS
from hdhkits.workshop.authoring import BEGIN, END

__all__ = [
    "KIT",
    "SOLUTION_LINE",
    "check_lines",
    "fake_notebook",
    "fake_teaching",
    "run_from_its_folder",
    "schedule_rows",
    "write_fake_kits",
]

KIT = "cardihack"  # the fastest quick twin: the fake notebooks below run on it
SOLUTION_LINE = "answer_{i} = 6 * 7 + {i} - {i}"


def fake_notebook(kit: str, i: int) -> nbformat.NotebookNode:
    """A notebook of the template's shape with one exercise; it reads its data_dir and checks an answer."""
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {kit} · 0{i}\n\nPurpose.\n\n[![Open In Colab](https://colab.research."
            f"google.com/assets/colab-badge.svg)](https://colab.research.google.com/x.ipynb)"
        ),
        nbformat.v4.new_code_cell('import sys\nif "google.colab" in sys.modules:  # Colab only\n    pass'),
        nbformat.v4.new_code_cell(
            "from hdhkits.datasource import resolve_data\nfrom hdhkits.exercises import Exercise, check_answer, register\n"
            "from hdhkits.notebook import default_output_dir, env_flag"
        ),
        nbformat.v4.new_code_cell(
            f"data_dir = None  # folder with the official files (None: ${kit.upper()}_DATA_DIR, else the twin)\n"
            f"output_dir = str(default_output_dir(\"{kit}\"))  # models go here (a '#' in a comment stays)\n"
            "seed = 0\n"
            'quick = env_flag("HDHKITS_QUICK")  # smaller twin and lighter models (tests, workshops)\n'
            'label = "a # in a string"  # kit-specific parameter',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell(
            'source = resolve_data("%s", data_dir, verbose=False)\n'
            'print("synthetic:", source.synthetic, "quick:", quick)' % kit
        ),
        nbformat.v4.new_code_cell(
            f'register(Exercise("0{i}.ipynb", "exercise {i}", 5, key="toy {i}", expected=lambda: 42))  # a teacher\'s own'
        ),
        nbformat.v4.new_markdown_cell(f"### Exercise {i}: exercise {i}\n\nMultiply."),
        nbformat.v4.new_code_cell(f'{BEGIN}\n{SOLUTION_LINE.format(i=i)}\n{END}\ncheck_answer("toy {i}", answer_{i})'),
        nbformat.v4.new_code_cell('print("the end")'),
    ]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="stale output\n")]
            cell.execution_count = 1
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def fake_teaching(kit: str, minutes: int = 10, seconds: float = 20.0) -> Teaching:
    """A teaching declaration: one exercise of ``minutes`` per notebook, each run time ``seconds``."""
    exercises = tuple(
        Exercise(nb, f"exercise {i}", minutes, key=f"toy {i}", expected=lambda: 42, teaches=("sum",))
        for i, nb in enumerate(NOTEBOOKS, start=1)
    )
    return Teaching(
        goals=(f"{kit} goal one.", f"{kit} goal two."),
        traps=(f"{kit} trap.",),
        exercises=exercises,
        quick_seconds={nb: seconds for nb in NOTEBOOKS},
        slow_machine=f"{kit}: run 02 in the break.",
    )


def write_fake_kits(root: Path) -> Path:
    """Every kit's three notebooks, faked, under ``root`` (a ``kits/`` folder); returns ``root``."""
    for kit in KITS:
        (root / kit).mkdir(parents=True)
        for i, name in enumerate(NOTEBOOKS, start=1):
            nbformat.write(fake_notebook(kit, i), root / kit / name)
    return root


def schedule_rows(markdown: str) -> list[tuple[int, int, int]]:
    """(start, end, minutes) of every row of the schedule table."""
    rows = re.findall(r"^\| (\d+):(\d\d)–(\d+):(\d\d) \((\d+) min\) \|", markdown, re.M)
    return [(int(a) * 60 + int(b), int(c) * 60 + int(d), int(m)) for a, b, c, d, m in rows]


def run_from_its_folder(path: Path, timeout: int = 900, parameters: dict | None = None) -> nbformat.NotebookNode:
    """Execute a notebook from its own folder, its paths as the pack wrote them, as a learner would.

    ``parameters`` (lighter learning settings only) are injected after the pack's own: the
    relative ``data_dir`` and ``output_dir`` a learner runs with are never replaced.
    """
    import papermill

    assert not {"data_dir", "output_dir", "quick", "seed"} & set(parameters or {}), "the pack's paths stay"
    executed = path.with_name(f".executed-{path.name}")
    papermill.execute_notebook(
        str(path),
        str(executed),
        parameters=parameters or {},
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=timeout,
    )
    return nbformat.read(executed, as_version=4)


def check_lines(nb: nbformat.NotebookNode) -> list[str]:
    """Every line check_answer printed."""
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    return [line for line in text.splitlines() if any(m in line for m in (CORRECT, NOT_YET, NOT_ATTEMPTED))]
