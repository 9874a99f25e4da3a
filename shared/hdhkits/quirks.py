"""Known oddities of the official files, as code that puts them into a data folder.

The official files hold things no published summary shows: noise-made impossible
values, boxes past the image border, images of other sizes, a test file under another
name. Each kit lists the ones reported so far, one :class:`Quirk` each, and offers them
as :meth:`hdhkits.problem.Problem.quirks`. The regression suite (``tests/test_quirks.py``)
injects every quirk into a copy of a synthetic twin and checks that ``check`` still
passes, naming the expected warning, and that the three notebooks run on it. A newly reported quirk gets
one :class:`Quirk` in its kit's list, and from then on it can never break a kit again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Quirk", "copy_data"]


@dataclass(frozen=True)
class Quirk:
    """One oddity of the official files.

    Parameters
    ----------
    name : str
        Short identifier (``negative_ggt``), used as the test id.
    description : str
        What the official files hold and where that is known from.
    inject : callable
        ``inject(data_dir, rng)`` changes the participant files of a data folder in
        place so that they hold the quirk (a few instances, never the whole file).
    kind : str or None
        The ``kind`` of the warning the kit's ``check_data`` must report for it; None
        for a quirk the kit accepts silently (e.g. an alternative file name).
    file : str
        The file the warning names (``train.csv``); ignored when ``kind`` is None.
    column : str, optional
        The column the warning names, when it is about one column.
    in_twin : bool
        Whether the kit's default synthetic twin holds the quirk too (it should, at the
        real rate, unless the quirk is a naming variant).
    """

    name: str
    description: str
    inject: Callable[[Path, np.random.Generator], None]
    kind: str | None
    file: str = ""
    column: str | None = None
    in_twin: bool = True


def copy_data(src: str | Path, dst: str | Path) -> Path:
    """Copy a data folder (files and sub-folders) to ``dst`` and return ``dst``.

    A real copy, never links: quirks edit files in place, and the source is usually a
    cached twin that other runs read.
    """
    shutil.copytree(Path(src), Path(dst))
    return Path(dst)
