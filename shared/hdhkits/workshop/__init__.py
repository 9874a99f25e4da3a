"""``hdhkits workshop``: a self-contained folder to teach one kit, or all of them.

The pack a facilitator hands out (:func:`build_workshop`)::

    DIR/README.md                      for learners: where to start
    DIR/FACILITATOR.md                 schedule, goals, traps, slow machines, offline and Colab
    DIR/<kit>/student/0N_*.ipynb       solutions replaced by "# your turn" and a fallback
    DIR/<kit>/solutions/0N_*.ipynb     the notebooks as they are
    DIR/data/<kit>/                    a quick twin, the notebooks' data_dir
    DIR/truth/<kit>/                   its truth: for the facilitator, not the learners
    DIR/hdhkits-<version>-py3-none-any.whl   the package's wheel (hdhkits.wheel): in Colab, the
                                       notebooks' setup cell finds it here from <kit>/student/

Every notebook's parameters cell points at ``../../data/<kit>`` and ``../../outputs/<kit>``
(paths relative to the notebook's folder, so the pack can move: a USB stick, a shared
drive, Colab) and sets ``quick = True``; outputs are cleared. The schedule comes from each
kit's teaching (:meth:`hdhkits.problem.Problem.teaching`, a :class:`hdhkits.exercises.Teaching`): its
exercises with their minutes and the notebooks' measured quick-mode run times.

Modules: :mod:`.authoring` (solution blocks, student cells, answer leaks), :mod:`.notebooks`
(student and solution versions, parameters), :mod:`.schedule`
(the session plan), :mod:`.markdown` (FACILITATOR.md and README.md), :mod:`.pack`
(reading the kits, writing the pack, :class:`WorkshopError`), :mod:`.command` (the
subcommand's arguments and output; it never imports :mod:`hdhkits.cli`).
"""

from .command import add_parser
from .markdown import facilitator_markdown, learner_readme
from .notebooks import set_parameters, solution_notebook, student_notebook
from .pack import WorkshopError, WorkshopInfo, build_workshop, load_teaching
from .schedule import MINUTES, Schedule, Slot, plan_schedule

__all__ = [
    "MINUTES",
    "Schedule",
    "Slot",
    "WorkshopError",
    "WorkshopInfo",
    "add_parser",
    "build_workshop",
    "facilitator_markdown",
    "learner_readme",
    "load_teaching",
    "plan_schedule",
    "set_parameters",
    "solution_notebook",
    "student_notebook",
]
