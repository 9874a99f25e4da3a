"""Sphinx configuration of the hdhkits reference (``python3 bootstrap.py docs``).

The source folder is the repository root (``sphinx-build -c docs . docs/_build/html``),
so the kits' notebooks and READMEs are rendered where they live, from their committed
outputs: nothing is copied and no notebook is executed. Only the files matched by
``include_patterns`` are read.

The site builds offline: the theme's assets are in its package, no inventory is fetched
(no intersphinx), and the pages load no remote script or style sheet. Two local
extensions (``docs/_ext``) write what the code knows: the gallery of the kits' notebooks
(``kit_gallery``, the kits from the registry) and the command line's reference
(``cli_reference``, from its argparse parsers).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hdhkits import __version__
from hdhkits.install import REPOSITORY
from hdhkits.problem import NOTEBOOKS

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

project = "hdhkits"
author = "Health Data Hub starter kits contributors"
copyright = "the hdhkits contributors"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "kit_gallery",
    "cli_reference",
]

root_doc = "docs/index"
include_patterns = [
    "docs/*.md",
    "docs/*.rst",
    "docs/concepts/*.md",
    "docs/api/**",
    "README.md",
    "CONTRIBUTING.md",
    "kits/*/README.md",
    *(f"kits/*/{notebook}" for notebook in NOTEBOOKS),  # the gallery's cards link these, and only these
]
# Folders Sphinx must not even walk into (the venv alone holds tens of thousands of files).
exclude_patterns = [".venv", ".git", "outputs", "build", "docs/_build", "**/.ipynb_checkpoints", "**/__pycache__"]
templates_path = ["_templates"]

# The API pages are generated on every build from the package itself (autosummary's
# :recursive: walks it with pkgutil), so a module added, moved or renamed needs no edit here.
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc's Parameters sections already give the types
# torch is an optional extra (CYTOLOGIA's CNN only): its names are always mocked, so the
# reference is the same with or without it (and the build never loads torch).
autodoc_mock_imports = ["torch"]

numpydoc_show_class_members = False  # members are documented by autodoc, once
numpydoc_class_members_toctree = False

# Notebooks are shown with the outputs committed by the tests' run, never executed here.
nb_execution_mode = "off"
nb_merge_streams = True
myst_heading_anchors = 3
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# The READMEs are written for GitHub, whose pages start at "###" under the title.
suppress_warnings = ["myst.header"]

html_theme = "pydata_sphinx_theme"
html_title = f"hdhkits {__version__}"
html_theme_options = {
    "icon_links": [{"name": "Repository", "url": REPOSITORY, "icon": "fa-brands fa-github", "type": "fontawesome"}],
    "navbar_align": "left",
    "header_links_before_dropdown": 6,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
# Pages without sub-pages: no left sidebar (it would hold an empty "Section Navigation").
html_sidebars = {page: [] for page in ("README", "CONTRIBUTING", "docs/index", "docs/cli")}
html_static_path = ["_static"]  # gallery.css (the gallery's extension adds it), layout.css
html_css_files = ["layout.css"]
html_extra_path = ["_extra"]  # index.html at the root, sending to docs/index.html


def _clear_generated(app) -> None:
    """Remove the API pages of the previous build, so a renamed module leaves no stale page."""
    import shutil
    from pathlib import Path

    shutil.rmtree(Path(app.srcdir) / "docs" / "api", ignore_errors=True)


# The root README links each kit's folder, which GitHub shows with its README.
_KIT_FOLDER_LINK = re.compile(r"\]\((kits/[a-z]+)/\)")


def _link_kit_readmes(app, docname: str, source: list[str]) -> None:
    """Point the root README's links to a kit folder at that kit's README page."""
    if docname == "README":
        source[0] = _KIT_FOLDER_LINK.sub(r"](\1/README.md)", source[0])


def _skip_foreign(app, what: str, name: str, obj: object, skip: bool, options: object) -> bool | None:
    """Leave out members a library attaches to the kits' classes (scikit-learn's ``set_*_request``)."""
    module = getattr(obj, "__module__", None)
    if callable(obj) and isinstance(module, str) and not module.startswith("hdhkits"):
        return True
    return None


def _reuse_numpydoc_environment() -> None:
    """Let numpydoc compile its docstring template once per build instead of once per docstring.

    numpydoc 1.11's ``get_doc_object`` builds a new Jinja environment, and so compiles
    ``numpydoc_docstring.rst`` again, for each of the ~4,500 objects it formats: a fifth of
    the build's time. The environment depends only on the loader's kind (the builder's
    template folders do not change during a build), so the first one of each kind is kept.
    The pages are byte-identical either way.
    """
    import numpydoc.docscrape_sphinx as sphinx_docstrings

    make = sphinx_docstrings.SandboxedEnvironment
    if getattr(make, "reused", False):
        return
    made: dict[type, object] = {}

    def environment(loader):
        if type(loader) not in made:
            made[type(loader)] = make(loader=loader)
        return made[type(loader)]

    environment.reused = True  # type: ignore[attr-defined]
    sphinx_docstrings.SandboxedEnvironment = environment  # type: ignore[assignment]


def setup(app) -> dict[str, bool]:
    """Clear the generated pages before autosummary writes them anew; wire the two hooks above."""
    _reuse_numpydoc_environment()
    app.connect("builder-inited", _clear_generated, priority=100)
    app.connect("source-read", _link_kit_readmes)
    app.connect("autodoc-skip-member", _skip_foreign)
    return {"parallel_read_safe": True}
