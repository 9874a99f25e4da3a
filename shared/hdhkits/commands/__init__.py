"""The ``hdhkits`` subcommands that have no subject package of their own, one module each.

:mod:`.listing` (``list``), :mod:`.data`, :mod:`.check`, :mod:`.run`, :mod:`.validate` and
:mod:`.score`. Each has the shape of :mod:`hdhkits.bundle.command`: ``add_parser(subparsers)``
adds the subcommand and ``run(args)`` runs it, returning the exit code. None imports
:mod:`hdhkits.cli` or another subcommand; what they share is in :mod:`hdhkits.arguments`.
"""
