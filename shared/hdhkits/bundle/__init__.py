"""Practice competitions: a kit as a Codabench bundle, and a check of a bundle without a server.

``hdhkits bundle KIT --out FILE.zip`` calls :func:`build_bundle`;
``hdhkits bundle --check FILE.zip`` calls :func:`check_bundle`. The bundle's scoring
program carries the kit's own validation and metric code, pruned by
:mod:`.vendor` to what they use, so it runs in Codabench's default image.

Modules: :mod:`.command` (the subcommand's arguments and output), :mod:`.build` (layout,
``competition.yaml``, zip), :mod:`.check` (the server-free check), :mod:`.vendor` (the pruned copy of the kit's code),
:mod:`.pages` (pages from the kit's README, logo), :mod:`.samples` (the sample and a
broken submission), ``scoring_program.py`` (the program's entry script, shipped as
``scoring.py``).
"""

from .build import BundleError, BundleInfo, build_bundle
from .check import BundleCheckError, CheckReport, check_bundle
from .command import add_parser

__all__ = ["BundleCheckError", "BundleError", "BundleInfo", "CheckReport", "add_parser", "build_bundle", "check_bundle"]
