"""Writing a workshop pack: kits and notebooks read, every problem raised first, then one atomic write.

:func:`build_workshop` raises :class:`WorkshopError` (``where: what; fix``) for
anything the facilitator must fix; the command line prints it as its ``error:`` line.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datasource import write_twin
from ..exercises import Teaching
from ..files import atomic_dir
from ..problem import NOTEBOOKS, KitNotAvailable, available_kits, get_problem
from ..runner.kits import kits_root
from ..wheel import WheelError, build_wheel
from .markdown import facilitator_markdown, learner_readme
from .notebooks import answer_problems, exercise_problems, set_parameters, solution_notebook, student_notebook
from .schedule import MINUTES, WALKTHROUGH_MINUTES, WELCOME_MINUTES, WRAP_UP_MINUTES, Schedule, plan_schedule

__all__ = ["WorkshopError", "WorkshopInfo", "build_workshop", "load_teaching"]


class WorkshopError(Exception):
    """A pack that cannot be built, as one sentence: ``<file or argument>: <what is wrong>; <the fix>``.

    Parameters
    ----------
    where : object
        The file, folder, kit or argument at fault (printed as it is).
    what : str
        What is wrong with it.
    fix : str
        What the facilitator should do.
    """

    def __init__(self, where: object, what: str, fix: str):
        super().__init__(f"{where}: {what}; {fix}")
        self.where, self.what, self.fix = where, what, fix

    def __reduce__(self) -> tuple[type, tuple[object, str, str]]:
        # rebuilt from its three parts (the default would pass the one message to __init__)
        return type(self), (self.where, self.what, self.fix)


@dataclass(frozen=True)
class WorkshopInfo:
    """What :func:`build_workshop` wrote.

    Parameters
    ----------
    out : Path
        The pack's folder.
    kits : tuple of str
        The kits in the pack.
    minutes, seed : int
        Session length and twin seed.
    schedule : Schedule
        The plan written in FACILITATOR.md.
    notebooks : int
        Notebooks written (student and solution versions).
    seconds : float
        Time taken.
    warnings : tuple of str
        What the facilitator should know (content that does not fit, exercises not found).
    """

    out: Path
    kits: tuple[str, ...]
    minutes: int
    seed: int
    schedule: Schedule
    notebooks: int
    seconds: float
    warnings: tuple[str, ...] = field(default_factory=tuple)


def load_teaching(kit: str) -> Teaching:
    """A kit's teaching declaration (:meth:`hdhkits.problem.Problem.teaching`).

    Raises
    ------
    WorkshopError
        The kit declares no :class:`Teaching` (its ``Problem.teaching()`` returns none).
    """
    teaching = get_problem(kit).teaching()
    if not isinstance(teaching, Teaching):
        found = "nothing" if teaching is None else type(teaching).__name__
        raise WorkshopError(
            f"the {kit} kit",
            f"declares no teaching (found {found}), and the pack needs its learning goals, traps and exercises",
            "implement Problem.teaching() in its problem.py, returning a hdhkits.exercises.Teaching(goals=..., "
            "traps=..., exercises=...), or leave this kit out",
        )
    return teaching


def _kit_names(kits: str | Sequence[str]) -> list[str]:
    names = [kits] if isinstance(kits, str) else list(kits)
    if names == ["all"]:
        return available_kits()
    if not names:
        raise WorkshopError("KIT", "no kit given", f"name one of {', '.join(available_kits())}, or all")
    out = []
    for name in names:
        try:
            out.append(get_problem(name).name)
        except KitNotAvailable as exc:
            raise WorkshopError("KIT", str(exc), f"choose one of {', '.join(available_kits())}, or all") from None
    return list(dict.fromkeys(out))


def _kits_folder(kits_dir: str | Path | None) -> Path:
    if kits_dir is not None:
        return Path(kits_dir)
    try:
        return kits_root()
    except FileNotFoundError as exc:
        raise WorkshopError("--kits-dir", str(exc), "pass the repository's kits/ folder") from None


def _check_out(out: Path, force: bool, kits_dir: Path) -> None:
    """Refuse an output folder that is a file, holds files (unless forced) or holds the kits themselves."""
    blocking = next((a for a in (out, *out.parents) if a.exists() and not a.is_dir()), None)
    if blocking is not None:
        raise WorkshopError(
            out, f"cannot be a folder: {blocking} is a file", "give --out a folder path (it is created)"
        )
    resolved, kits = out.resolve(), kits_dir.resolve()
    if resolved == kits or resolved in kits.parents or kits in resolved.parents:
        raise WorkshopError(
            out,
            f"holds or sits inside the kits' folder {kits_dir}, which the pack would replace or fill with copies",
            "choose a folder outside the repository's kits/",
        )
    if out.exists() and any(out.iterdir()) and not force:
        raise WorkshopError(out, "exists and is not empty", "choose another folder or pass --force to replace it")


def _read_notebooks(kit: str, kits_dir: Path) -> dict[str, Any]:
    import nbformat

    folder = kits_dir / kit
    notebooks = {}
    for name in NOTEBOOKS:
        path = folder / name
        if not path.is_file():
            raise WorkshopError(path, "not found", "pass --kits-dir with the repository's kits/ folder")
        try:
            notebooks[name] = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several types for a damaged file
            raise WorkshopError(
                path,
                f"cannot be read as a notebook ({type(exc).__name__}: {exc})",
                "restore it from git (git checkout -- <file>)",
            ) from None
    return notebooks


def _pack_versions(kit: str, notebooks: Mapping[str, Any], kits_dir: Path) -> dict[str, dict[str, Any]]:
    """``{"student": {name: nb}, "solutions": {name: nb}}``, parameters set; every problem raised first."""
    values = {"data_dir": f'"../../data/{kit}"', "output_dir": f'"../../outputs/{kit}"', "quick": "True"}
    versions: dict[str, dict[str, Any]] = {"student": {}, "solutions": {}}
    for name, nb in notebooks.items():
        try:
            versions["student"][name] = set_parameters(student_notebook(nb), values)
            versions["solutions"][name] = set_parameters(solution_notebook(nb), values)
        except ValueError as exc:
            raise WorkshopError(
                kits_dir / kit / name, str(exc).split("; ")[0], str(exc).partition("; ")[2] or "fix the notebook"
            ) from None
    return versions


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_workshop(
    kits: str | Sequence[str],
    out: str | Path,
    minutes: int = 120,
    seed: int = 0,
    force: bool = False,
    *,
    kits_dir: str | Path | None = None,
    teachings: Mapping[str, Teaching] | None = None,
) -> WorkshopInfo:
    """Write a workshop pack: student and solution notebooks, quick twins, the wheel, FACILITATOR.md, README.md.

    Parameters
    ----------
    kits : str or sequence of str
        A kit name, several, or ``"all"``.
    out : str or Path
        The pack's folder. Built in a temporary folder beside it and renamed at the end,
        so an error half-way leaves nothing (and an existing folder as it was).
    minutes : int
        Length of the session the schedule plans (the command offers 90, 120, 180).
    seed : int
        Seed of the twins.
    force : bool
        Replace an existing non-empty ``out``.
    kits_dir : str or Path, optional
        The repository's ``kits/`` folder (default: found from here).
    teachings : mapping of str to Teaching, optional
        A teaching declaration per kit, instead of its ``Problem.teaching()``.

    Returns
    -------
    WorkshopInfo

    Raises
    ------
    WorkshopError
        Unknown kit, a kit with no teaching, a notebook missing or with broken
        solution markers, an output folder that cannot be used, a wheel that cannot be
        built (:class:`hdhkits.wheel.WheelError`, in this error's shape).
    """
    started = time.perf_counter()
    names = _kit_names(kits)
    if minutes < WELCOME_MINUTES + WRAP_UP_MINUTES + WALKTHROUGH_MINUTES:
        raise WorkshopError(
            "--minutes", f"{minutes} minutes leave no time for a notebook", f"give {', '.join(map(str, MINUTES))}"
        )
    given = dict(teachings or {})
    teach = {kit: given[kit] if kit in given else load_teaching(kit) for kit in names}
    out, folder = Path(out), _kits_folder(kits_dir)
    _check_out(out, force, folder)
    notebooks = {kit: _read_notebooks(kit, folder) for kit in names}
    versions = {kit: _pack_versions(kit, notebooks[kit], folder) for kit in names}
    problems = [
        p
        for kit in names
        for p in exercise_problems(kit, notebooks[kit], teach[kit]) + answer_problems(kit, notebooks[kit], teach[kit])
    ]
    schedule = plan_schedule(teach, minutes)
    with atomic_dir(out) as tmp:
        _write_pack(Path(tmp), versions, teach, schedule, seed)
    warnings = tuple(schedule.warnings() + problems)
    count = sum(len(nbs) for v in versions.values() for nbs in v.values())
    return WorkshopInfo(out, tuple(names), minutes, seed, schedule, count, time.perf_counter() - started, warnings)


def _write_pack(
    root: Path,
    versions: Mapping[str, Mapping[str, Mapping[str, Any]]],
    teachings: Mapping[str, Teaching],
    schedule: Schedule,
    seed: int,
) -> None:
    import nbformat

    for kit, kinds in versions.items():
        for kind, notebooks in kinds.items():
            (root / kit / kind).mkdir(parents=True)
            for name, nb in notebooks.items():
                nbformat.write(nb, root / kit / kind / name)
        (root / "outputs" / kit).mkdir(parents=True)
        write_twin(get_problem(kit), root / "data" / kit, root / "truth" / kit, seed=seed, size="quick")
    _write_text(root / "FACILITATOR.md", facilitator_markdown(teachings, schedule.minutes, seed, schedule))
    _write_text(root / "README.md", learner_readme(list(versions)))
    try:  # at the root, where the notebooks' setup cell finds it in Colab from <kit>/student and <kit>/solutions
        build_wheel(root)
    except WheelError as exc:
        raise WorkshopError(exc.where, exc.what, exc.fix) from None
