"""Plain text inside generated reStructuredText: the one escaping of the docs' extensions."""

from __future__ import annotations

import re

__all__ = ["plain"]

# Characters reStructuredText reads as markup; a backslash makes each a plain character.
_RST_MARKUP = re.compile(r"([\\`*_|<>\[\]:])")


def plain(text: str) -> str:
    """``text`` as plain reStructuredText: every markup character escaped, lines joined by spaces.

    Parameters
    ----------
    text : str
        A help text, a title, a sentence from a notebook.

    Returns
    -------
    str
        One line that reStructuredText shows as ``text`` itself (whitespace runs made one space).
    """
    return _RST_MARKUP.sub(r"\\\1", " ".join(text.split()))
