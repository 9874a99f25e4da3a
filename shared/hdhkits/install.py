"""Where the helper package is installed from: the one place that names the repository and release.

The notebooks' setup cell installs hdhkits in Colab. It pins the release tag of the
package version the notebooks were made with, not ``main``: a notebook opened from a
published release must get the helpers it was written against, not whatever ``main``
holds that day. ``tools/sync_install_cell.py`` writes :func:`setup_cell_source` into every
notebook under ``kits/``; ``tests/test_install.py`` checks that they agree.

Releasing: bump ``hdhkits.__version__``, run ``tools/sync_install_cell.py``, commit, and
push the tag :data:`RELEASE_TAG` (the setup cell installs from that tag, so it must exist).
"""

from __future__ import annotations

from . import __version__

__all__ = ["INSTALL_SPEC", "RELEASE_TAG", "REPOSITORY", "setup_cell_source"]

#: The public repository the package installs from (also the Colab badges' source).
REPOSITORY: str = "https://github.com/health-data-hub/hdh-starter-kits"

#: The git tag of this version's release.
RELEASE_TAG: str = f"v{__version__}"

#: The pip requirement of this release: a direct reference pinned to :data:`RELEASE_TAG`.
INSTALL_SPEC: str = f"hdhkits @ git+{REPOSITORY}@{RELEASE_TAG}"

# The condition test_notebook_template.py looks for; outside Colab the cell does nothing,
# so a local or CI run never installs over the developer's environment.
_COLAB_ONLY = 'if "google.colab" in sys.modules:'


def setup_cell_source() -> str:
    """The exact source of every notebook's setup cell (second cell, before the imports).

    Returns
    -------
    str
        Three lines, no trailing newline (as Jupyter stores a cell): import ``sys``, and
        in Colab only, ``%pip install`` :data:`INSTALL_SPEC`.

    Examples
    --------
    >>> print(setup_cell_source())  # doctest: +ELLIPSIS
    import sys
    if "google.colab" in sys.modules:  # Colab only: install the kits' helper package, this release
        %pip install -q "hdhkits @ git+https://github.com/health-data-hub/hdh-starter-kits@v..."
    """
    return "\n".join(
        [
            "import sys",
            f"{_COLAB_ONLY}  # Colab only: install the kits' helper package, this release",
            f'    %pip install -q "{INSTALL_SPEC}"',
        ]
    )
