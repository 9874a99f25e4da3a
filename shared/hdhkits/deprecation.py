"""Old public names, kept for one release as warning aliases: one mechanism for every kit.

Issue #12 gave every kit the same verbs (``read_train``, ``check_data``, ``make_twin``,
``score`` ...). Published notebooks called the old names; an alias forwards to the new
function and warns, so those notebooks keep running while they say what to call instead.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["deprecated_alias"]


def deprecated_alias(func: Callable[..., Any], old_name: str, new_name: str) -> Callable[..., Any]:
    """A function named ``old_name`` that warns ``DeprecationWarning`` and calls ``func``.

    Parameters
    ----------
    func : callable
        The function that replaces the old name.
    old_name : str
        The name the alias is published under (e.g. ``"load_train"``).
    new_name : str
        Where the replacement lives, as a user would import it
        (e.g. ``"hdhkits.annitia.schema.read_train"``).

    Returns
    -------
    callable
        Same signature as ``func`` (``functools.wraps``), ``__name__`` ``old_name``.
    """
    message = (
        f"{old_name} is deprecated and will be removed in the next release of hdhkits; use {new_name} (same arguments)"
    )

    @functools.wraps(func)
    def alias(*args: Any, **kwargs: Any) -> Any:
        # stacklevel 2: the warning points at the caller's line, not at this wrapper.
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return func(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old_name
    alias.__doc__ = f"Deprecated alias of :func:`{new_name}`; calling it warns ``DeprecationWarning``."
    return alias
