"""Where a kit's data comes from: a folder, an environment variable, or the synthetic twin.

Resolution order, the same for every kit and every notebook:

1. the ``data_dir`` parameter, when given;
2. else the kit's environment variable (``ANNITIA_DATA_DIR``, ...), when set;
3. else the synthetic twin, generated on first use into a cache folder
   (``$HDHKITS_CACHE``, default ``~/.cache/hdhkits``) and reused afterwards.

The same reader then handles official and synthetic files.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .files import atomic_dir, display_path
from .findings import DataError, Finding, format_findings, raise_for_errors
from .problem import SIZES, Problem, get_problem
from .tables import TWIN_MARKER, count_rows

__all__ = ["DataSource", "cache_root", "locate_data", "resolve_data", "write_twin"]


@dataclass(frozen=True)
class DataSource:
    """A resolved data folder.

    Attributes
    ----------
    kit : str
        Kit name.
    data_dir : Path
        Folder with the participant files (official names).
    truth_dir : Path or None
        Folder with the organiser-side truth; only for the synthetic twin.
    synthetic : bool
        Whether the data is the synthetic twin.
    origin : str
        How it was found: ``"parameter"``, ``"environment"`` or ``"twin"``.
    seed, size
        Twin seed and size (meaningless for official data).
    findings : tuple of Finding
        The warnings the kit's check found in the folder (plausibility problems the
        notebooks show and handle); a folder with an error is never resolved.
    """

    kit: str
    data_dir: Path
    truth_dir: Path | None
    synthetic: bool
    origin: str
    seed: int = 0
    size: str = "default"
    truth_file: str = "test_truth.csv"
    env_var: str = ""
    findings: tuple[Finding, ...] = ()

    @property
    def truth_path(self) -> Path | None:
        """The truth file, when the data is the synthetic twin."""
        if self.truth_dir is None:
            return None
        return self.truth_dir / self.truth_file

    def describe(self) -> str:
        """One line for notebooks, with no absolute machine path."""
        where = display_path(self.data_dir)
        if self.synthetic:
            return f"synthetic twin (seed {self.seed}, size {self.size}) in {where}"
        how = "data_dir parameter" if self.origin == "parameter" else f"${self.env_var}"
        return f"official-format files from {how}: {where}"

    def __str__(self) -> str:
        return self.describe()


def cache_root() -> Path:
    """The cache folder for generated twins (``$HDHKITS_CACHE`` or ``~/.cache/hdhkits``)."""
    env = os.environ.get("HDHKITS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "hdhkits"


def write_twin(problem: Problem, data_dir: Path, truth_dir: Path, seed: int = 0, size: str = "default") -> None:
    """Generate a kit's twin into two folders, each written atomically.

    Parameters
    ----------
    problem : Problem
        The kit.
    data_dir, truth_dir : Path
        Participant files and organiser-side truth; must be different folders.
    seed : int
        Twin seed.
    size : {"quick", "default", "full"}
        Twin size.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, not {size!r}")
    data_dir, truth_dir = Path(data_dir), Path(truth_dir)
    if data_dir.resolve() == truth_dir.resolve():
        raise ValueError("the truth must go to a folder other than the participant files")
    truth_existed = truth_dir.exists()
    try:
        with atomic_dir(data_dir) as tmp_data, atomic_dir(truth_dir) as tmp_truth:
            problem.make_twin(tmp_data, tmp_truth, seed=seed, size=size)
            _write_marker(problem, Path(tmp_data), seed, size)
    except BaseException:
        # The truth folder is committed first: when the data folder then fails (a full
        # disk, Ctrl-C), a truth without its data must not be left behind.
        if not truth_existed and truth_dir.exists() and not data_dir.exists():
            shutil.rmtree(truth_dir, ignore_errors=True)
        raise


def _write_marker(problem: Problem, folder: Path, seed: int, size: str) -> None:
    # The row counts let a check tell a cut twin from a small one (see tables.TWIN_MARKER).
    rows = {
        name: count_rows(folder / name)
        for name in problem.official_files
        if name.endswith(".csv") and (folder / name).is_file()
    }
    (folder / TWIN_MARKER).write_text(
        json.dumps(
            {"kit": problem.name, "seed": seed, "size": size, "twin_version": problem.twin_version, "rows": rows},
            indent=2,
            sort_keys=True,
        )
        + "\n"
    )


def _twin_folder(problem: Problem, seed: int, size: str) -> Path:
    return cache_root() / problem.name / f"{size}-seed{seed}-v{__version__}.{problem.twin_version}"


def locate_data(problem: Problem, data_dir: str | Path | None = None) -> tuple[Path | None, str]:
    """Which data a kit reads, by the one precedence: the parameter, then the environment, then the twin.

    Parameters
    ----------
    problem : Problem
        The kit.
    data_dir : str or Path, optional
        The folder the caller was given (a notebook's ``data_dir``, the CLI's ``--data``);
        None or an empty string when none was.

    Returns
    -------
    folder, origin : (Path or None, str)
        The folder named by ``data_dir`` (origin ``"parameter"``) or by the kit's
        environment variable (``"environment"``), not checked; ``(None, "twin")`` when
        neither names one.
    """
    if data_dir is not None and str(data_dir) != "":
        return Path(data_dir).expanduser(), "parameter"
    if os.environ.get(problem.env_var):
        return Path(os.environ[problem.env_var]).expanduser(), "environment"
    return None, "twin"


def resolve_data(
    kit: str | Problem,
    data_dir: str | Path | None = None,
    seed: int = 0,
    size: str = "default",
    verbose: bool = True,
) -> DataSource:
    """Find the data a notebook or command should use.

    Parameters
    ----------
    kit : str or Problem
        Kit name or problem definition.
    data_dir : str or Path, optional
        Folder with the official files; overrides everything else.
    seed : int
        Seed of the synthetic twin (used only when falling back to it).
    size : {"quick", "default", "full"}
        Size of the synthetic twin.
    verbose : bool
        Print one line saying which data is used.

    Returns
    -------
    DataSource

    Raises
    ------
    DataError
        ``data_dir`` or the environment variable names a folder that does not exist or
        whose files do not match the official layout (every error listed). Warnings
        (plausibility) do not raise: they are printed and kept in
        :attr:`DataSource.findings`.
    """
    problem = kit if isinstance(kit, Problem) else get_problem(kit)
    folder, origin = locate_data(problem, data_dir)
    if folder is not None:
        source_name = "data_dir" if origin == "parameter" else f"${problem.env_var}"
        if not folder.is_dir():
            raise DataError(
                folder,
                [
                    f"{source_name} names a folder that does not exist; point it at the "
                    f"folder holding {', '.join(problem.official_files)}"
                ],
            )
        notes = raise_for_errors(folder, problem.check_data(folder))
        source = DataSource(
            problem.name, folder, None, False, origin, seed, size, problem.truth_file, problem.env_var, tuple(notes)
        )
    else:
        root = _twin_folder(problem, seed, size)
        data, truth = root / "data", root / "truth"
        if not (data.is_dir() and truth.is_dir()):
            if verbose:
                print(f"Generating the {problem.title} synthetic twin (seed {seed}, size {size}) ...")
            write_twin(problem, data, truth, seed=seed, size=size)
        # the twin carries the real files' quirks, so it is checked like them
        notes = raise_for_errors(data, problem.check_data(data))
        source = DataSource(
            problem.name, data, truth, True, "twin", seed, size, problem.truth_file, problem.env_var, tuple(notes)
        )
    if verbose:
        print(f"Data: {source.describe()}")
        if source.findings:
            print(
                f"{len(source.findings)} warning(s) about what the files hold (the data loads; "
                "each line says how the kit handles it):"
            )
            print(format_findings(source.findings))
    return source
