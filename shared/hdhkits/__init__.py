"""hdhkits: helpers for the Health Data Hub challenge starter kits.

One subpackage per challenge (``hdhkits.cytologia``, ``hdhkits.annitia``,
``hdhkits.cardihack``) holds its problem definition; the modules here are shared. Each
kit registers itself as an entry point of the group ``hdhkits.kits``
(:mod:`hdhkits.problem`), so a kit of another distribution is found the same way.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
