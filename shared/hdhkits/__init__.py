"""hdhkits: helpers for the Health Data Hub challenge starter kits.

One subpackage per challenge (``hdhkits.cytologia``, ``hdhkits.annitia``,
``hdhkits.cardihack``) holds its problem definition; the modules here are shared.
"""

from pkgutil import extend_path

# A folder named ``hdhkits`` elsewhere on ``sys.path`` adds its subpackages to this one:
# that is how a kit developed outside the repository (or a test's throw-away kit) is
# discovered by ``hdhkits.problem.discover_kits`` without editing this package.
__path__ = extend_path(__path__, __name__)

__version__ = "0.1.0"

__all__ = ["__version__"]
