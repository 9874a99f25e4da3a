"""``hdhkits leaderboard``: the final ranking of a challenge, with its uncertainty.

The command line wires :func:`add_parser` (from :mod:`.command`, which never imports
:mod:`hdhkits.cli`). Modules: :mod:`.inputs` (the submissions read and validated),
:mod:`.build` (scores, bootstrap intervals, ranks, pairwise tests, the public/private
split), :mod:`.resampling`, :mod:`.statistics`, :mod:`.split`, :mod:`.field`,
:mod:`.figures`, :mod:`.page` and :mod:`.outputs` (the files written), :mod:`.demo`
(a twin and plausible submissions, ranked).
"""

from .command import add_parser

__all__ = ["add_parser"]
