"""The HTML reference builds with no warning (``python3 bootstrap.py docs``, same options).

One Sphinx build into a temporary folder: every module of ``hdhkits`` through autodoc and
numpydoc, the kits' notebooks from their committed outputs (myst-nb, not executed), the
READMEs. Any warning fails it: a docstring whose reStructuredText breaks, an ambiguous
cross-reference, a page left out of the table of contents.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from hdhkits.problem import KITS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-c", str(ROOT / "docs")]
    cmd += ["-d", str(out / "doctrees"), str(ROOT), str(out / "html")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"the docs build failed (python3 bootstrap.py docs shows the same):\n{done.stderr}"
    return out / "html"


def test_every_module_of_the_package_has_its_page(built):
    package = ROOT / "shared"
    modules = {".".join(p.relative_to(package).with_suffix("").parts) for p in package.rglob("hdhkits/**/*.py")}
    modules = {m.removesuffix(".__init__") for m in modules}
    pages = {p.stem for p in (built / "docs" / "api").glob("hdhkits*.html")}
    assert modules <= pages, f"modules without a page: {sorted(modules - pages)}"


def test_a_function_is_documented_from_its_numpydoc_docstring(built):
    page = (built / "docs" / "api" / "hdhkits.stats.html").read_text(encoding="utf-8")
    assert 'id="hdhkits.stats.bootstrap_interval"' in page
    assert "Parameters" in page and "Returns" in page


@pytest.mark.parametrize("kit", KITS)
def test_the_notebooks_are_rendered_with_their_committed_outputs(built, kit):
    for notebook in sorted((ROOT / "kits" / kit).glob("0[123]_*.ipynb")):
        page = built / "kits" / kit / f"{notebook.stem}.html"
        assert page.is_file(), f"{notebook.name} has no page"
        assert "cell_output" in page.read_text(encoding="utf-8"), f"{page.name} shows no output"
    assert (built / "kits" / kit / "README.html").is_file()
