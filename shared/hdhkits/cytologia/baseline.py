"""Deprecated: the baseline pipeline moved to :mod:`hdhkits.cytologia.baselines`.

This module re-exports its names for one release and warns on import.
"""
import warnings

from .baselines import *  # noqa: F401,F403  (the old module's names)
from .baselines import __all__  # noqa: F401

warnings.warn("hdhkits.cytologia.baseline is deprecated; import from hdhkits.cytologia.baselines",
              DeprecationWarning, stacklevel=2)
