"""Run the kits' notebooks headless with papermill, in order, and summarise.

``hdhkits run`` calls :func:`run_kits` (several kits, in parallel processes when
asked; a kit's notebooks stay in order), prints :func:`format_summary` and saves the
run's record with :func:`write_run_record` (``run.json``, read by the HTML report).

Modules: :mod:`.execute` (one kit's notebooks through papermill, :class:`NotebookRun`,
:class:`RunInterrupted`), :mod:`.pool` (several kits, worker processes and Ctrl-C),
:mod:`.kernels` (the kernels' peak memory, stopping them), :mod:`.quiet` (what the
kernels and libraries would print over the runner's lines), :mod:`.kits` (the
repository's ``kits/`` folder), :mod:`.record` (``run.json``).
"""

from .execute import NotebookRun, RunInterrupted, format_summary, run_kit
from .kernels import KernelMemory
from .kits import kits_root
from .pool import run_kits
from .record import RUN_RECORD, data_source_record, library_versions, read_run_record, write_run_record

__all__ = [
    "RUN_RECORD",
    "KernelMemory",
    "NotebookRun",
    "RunInterrupted",
    "data_source_record",
    "format_summary",
    "kits_root",
    "library_versions",
    "read_run_record",
    "run_kit",
    "run_kits",
    "write_run_record",
]
