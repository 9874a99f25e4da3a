"""Old public names of the Cardi-HACK kit, kept for one release as warning aliases (issue #12).

Published notebooks called ``make_twin_frames``, ``write_twin_files`` and
``cardihack_metric``; the kit contract renamed them. An alias forwards to the new
function and warns, so old code keeps running while it says what to call instead.
"""
from __future__ import annotations

import functools
import warnings
from typing import Any, Callable

__all__ = ["deprecated_alias"]


def deprecated_alias(func: Callable[..., Any], old_name: str, new_name: str) -> Callable[..., Any]:
    """A function named ``old_name`` that warns ``DeprecationWarning`` and calls ``func``.

    Parameters
    ----------
    func : callable
        The function under its new name.
    old_name : str
        The name the alias answers to.
    new_name : str
        What the warning tells the caller to use instead (e.g. a dotted path).

    Returns
    -------
    callable
        Same arguments and result as ``func``.
    """
    message = (f"{old_name} is deprecated and will be removed in the next release of hdhkits; "
               f"use {new_name} instead")

    @functools.wraps(func)
    def alias(*args: Any, **kwargs: Any) -> Any:
        # stacklevel 2 points the warning at the caller's line rather than at this wrapper
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return func(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old_name
    alias.__doc__ = f"Deprecated alias of :func:`{new_name}`; calling it warns ``DeprecationWarning``."
    return alias
