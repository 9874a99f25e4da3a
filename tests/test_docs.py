"""The HTML reference builds with no warning (``python3 bootstrap.py docs``, same options).

One Sphinx build into a temporary folder (the tests marked ``slow``): every module of
``hdhkits`` through autodoc and numpydoc, the kits' notebooks from their committed outputs
(myst-nb, not executed) and their gallery, the command line's reference, the concept
pages, the READMEs. Any warning fails it: a docstring whose reStructuredText breaks, an
ambiguous cross-reference, a page left out of the table of contents. The kits are the
registry's (:func:`hdhkits.problem.discover_kits`), never a list written here.

The two local extensions (``docs/_ext``: the gallery and the command-line reference) are
also tested without a build, on small parsers and notebooks made here.
"""

import argparse
import base64
import importlib
import io
import itertools
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hdhkits.cli import build_parser
from hdhkits.problem import NOTEBOOKS, discover_kits, get_problem
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
EXTENSIONS = ROOT / "docs" / "_ext"


def _extension(name: str):
    """A module of ``docs/_ext``, imported as Sphinx imports it (that folder on ``sys.path``)."""
    if str(EXTENSIONS) not in sys.path:
        sys.path.insert(0, str(EXTENSIONS))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-c", str(ROOT / "docs")]
    cmd += ["-d", str(out / "doctrees"), str(ROOT), str(out / "html")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"the docs build failed (python3 bootstrap.py docs shows the same):\n{done.stderr}"
    return out / "html"


# --- The build ---------------------------------------------------------------------------


@pytest.mark.slow
def test_every_module_of_the_package_has_its_page(built):
    package = ROOT / "shared"
    modules = {".".join(p.relative_to(package).with_suffix("").parts) for p in package.rglob("hdhkits/**/*.py")}
    modules = {m.removesuffix(".__init__") for m in modules}
    pages = {p.stem for p in (built / "docs" / "api").glob("hdhkits*.html")}
    assert modules <= pages, f"modules without a page: {sorted(modules - pages)}"


@pytest.mark.slow
def test_a_function_is_documented_from_its_numpydoc_docstring(built):
    page = (built / "docs" / "api" / "hdhkits.stats.html").read_text(encoding="utf-8")
    assert 'id="hdhkits.stats.bootstrap_interval"' in page
    assert "Parameters" in page and "Returns" in page


@pytest.mark.slow
@pytest.mark.parametrize("kit", discover_kits())
def test_the_notebooks_are_rendered_with_their_committed_outputs(built, kit):
    for name in NOTEBOOKS:
        page = built / "kits" / kit / f"{Path(name).stem}.html"
        assert page.is_file(), f"{name} has no page"
        assert "cell_output" in page.read_text(encoding="utf-8"), f"{page.name} shows no output"
    assert (built / "kits" / kit / "README.html").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("kit", discover_kits())
def test_the_gallery_has_a_card_per_notebook_of_every_registered_kit(built, kit):
    page = (built / "docs" / "gallery.html").read_text(encoding="utf-8")
    headings = [f"<h2>{get_problem(k).title}<" for k in discover_kits()]
    heading = headings[discover_kits().index(kit)]
    assert heading in page, f"the gallery has no section for {kit}"
    section = page.split(heading, 1)[1]
    for following in headings[headings.index(heading) + 1 :]:
        section = section.split(following, 1)[0]
    for name in NOTEBOOKS:
        link = f'href="../kits/{kit}/{Path(name).stem}.html"'
        assert link in section, f"the gallery has no card linking {kit}/{name}"
    figures = sum(_has_png(kit, name) for name in NOTEBOOKS)
    assert section.count('src="data:image/png;base64,') == figures, "a card lacks its notebook's first figure"


def _has_png(kit: str, name: str) -> bool:
    notebook = nbformat.read(ROOT / "kits" / kit / name, as_version=4)
    return any("image/png" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_the_cli_page_has_a_section_per_subcommand(built):
    page = (built / "docs" / "cli.html").read_text(encoding="utf-8")
    for name in _documented_subcommands():
        assert f'id="hdhkits-{name}"' in page, f"the command-line page has no section for hdhkits {name}"
    assert "--public-share" in page


@pytest.mark.slow
def test_every_concept_page_is_built(built):
    sources = sorted((ROOT / "docs" / "concepts").glob("*.md"))
    assert len(sources) >= 10
    for source in sources:
        assert (built / "docs" / "concepts" / f"{source.stem}.html").is_file(), f"{source.name} has no page"


@pytest.mark.slow
def test_the_site_uses_the_pydata_theme_and_loads_nothing_remote(built):
    assert "pydata-sphinx-theme" in (built / "docs" / "index.html").read_text(encoding="utf-8")
    remote = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]*\"[^>]*>")
    for page in built.rglob("*.html"):
        tags = [t for t in remote.findall(page.read_text(encoding="utf-8")) if "<script" in t or "stylesheet" in t]
        assert not tags, f"{page.relative_to(built)} loads remote assets: {tags[:3]}"


# --- The command-line reference (docs/_ext/cli_reference.py), without a build ---------------


def _documented_subcommands() -> list[str]:
    """The subcommands :mod:`hdhkits.cli`'s docstring promises to keep stable (``hdhkits NAME ...``)."""
    import hdhkits.cli

    names = re.findall(r"^\s+hdhkits ([a-z]+)\b", hdhkits.cli.__doc__ or "", flags=re.MULTILINE)
    return list(dict.fromkeys(names))


def test_the_cli_reference_has_a_section_per_subcommand():
    lines = _extension("cli_reference").reference_lines(build_parser())
    titles = {line for line, below in itertools.pairwise(lines) if below and set(below) == {"-"}}
    expected = {f"hdhkits {name}" for name in _documented_subcommands()}
    assert len(expected) >= 9
    assert expected <= titles, f"subcommands without a section: {sorted(expected - titles)}"


def test_the_cli_reference_names_every_option_the_help_shows():
    cli_reference = _extension("cli_reference")
    for command in cli_reference.commands(build_parser()):
        section = "\n".join(cli_reference.command_lines(command, "-"))
        # The option lines of --help (two spaces in), not the options a help sentence mentions.
        options = set(re.findall(r"^  (?:-\w, )?(--[a-z][a-z-]*)", command.parser.format_help(), re.MULTILINE))
        options -= {"--help"}
        missing = {option for option in options if f"``{option}" not in section}
        assert not missing, f"{command.name}: options missing from the reference: {sorted(missing)}"


def test_the_cli_reference_walks_nested_subcommands_in_order():
    cli_reference = _extension("cli_reference")
    parser = argparse.ArgumentParser(prog="tool", description="the tool")
    outer = parser.add_subparsers().add_parser("outer", help="outer help")
    outer.add_subparsers().add_parser("inner", help="inner help")
    assert [c.name for c in cli_reference.commands(parser)] == ["tool", "tool outer", "tool outer inner"]
    assert [c.summary for c in cli_reference.commands(parser)] == ["the tool", "outer help", "inner help"]
    lines = cli_reference.reference_lines(parser)
    assert lines[lines.index("tool outer") + 1] == "-" * len("tool outer")
    assert lines[lines.index("tool outer inner") + 1] == "=" * len("tool outer inner")


def test_an_argument_entry_gives_form_help_and_details():
    entry = _extension("cli_reference").argument_entry
    parser = argparse.ArgumentParser(prog="tool")
    size = parser.add_argument("--size", choices=("quick", "full"), default="quick", help="twin size")
    files = parser.add_argument("files", nargs="+", help="the files (*.csv)")
    boot = parser.add_argument("--boot", type=int, required=True, help="resamples (default %(default)s)", default=9)
    flag = parser.add_argument("--force", action="store_true")
    assert entry(size, "tool") == ["``--size {quick,full}``", "   twin size (default ``quick``)", ""]
    assert entry(files, "tool")[:2] == ["``files [files ...]``", r"   the files (\*.csv)"]
    assert entry(boot, "tool")[1] == "   resamples (default 9) (required)"
    assert entry(flag, "tool")[:2] == ["``--force``", "   —"]


def test_plain_text_escapes_every_markup_character():
    plain = _extension("rst_text").plain
    assert plain("folder (default: <out>_truth)") == r"folder (default\: \<out\>\_truth)"
    assert plain("`code` *a* |b| [c]\n   d") == r"\`code\` \*a\* \|b\| \[c\] d"


# --- The gallery (docs/_ext/kit_gallery.py), without a build -------------------------------


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "purple").save(out, format="PNG")
    return out.getvalue()


def _notebook(path: Path, first_paragraph: str, figure: bytes | None) -> Path:
    cells = [nbformat.v4.new_markdown_cell(f"# KIT · 01 Look\n\n{first_paragraph}\n\n[![badge](x.svg)](y)")]
    code = nbformat.v4.new_code_cell("plot()")
    if figure is not None:
        data = {"image/png": base64.b64encode(figure).decode(), "text/plain": "<Figure>"}
        code.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nbformat.write(nbformat.v4.new_notebook(cells=[*cells, code]), path)
    return path


def test_a_notebook_card_has_its_titlefirst_sentence_and_a_small_first_figure(tmp_path):
    gallery = _extension("kit_gallery")
    folder = tmp_path / "kits" / "kit"
    folder.mkdir(parents=True)
    text = "A **first** look at the [files](x.md): `train.csv` and more. A second sentence."
    card = gallery.notebook_card(_notebook(folder / "01_look.ipynb", text, _png(1200, 600)), tmp_path)
    assert (card.docname, card.title) == ("kits/kit/01_look", "KIT · 01 Look")
    assert card.summary == "A first look at the files: train.csv and more."
    with Image.open(io.BytesIO(card.figure)) as image:
        assert image.size == (gallery.THUMBNAIL_WIDTH, gallery.THUMBNAIL_WIDTH // 2)
    bare = gallery.notebook_card(_notebook(folder / "02_none.ipynb", "Words.", None), tmp_path)
    assert bare.figure is None


def test_a_longfirst_sentence_is_cut_after_a_whole_clause():
    cut = _extension("kit_gallery").first_sentence
    words = " ".join(f"w{i}" for i in range(30))
    assert cut(f"Start (a, b) one two, {words}.", limit=12) == "Start (a, b) one two …"
    assert cut(words, limit=5) == "w0 w1 w2 w3 w4 …"


def test_the_gallery_lists_a_kit_with_its_notebooks_and_says_when_it_has_none(tmp_path):
    gallery = _extension("kit_gallery")
    folder = tmp_path / "kits" / "fourth"
    folder.mkdir(parents=True)
    for name in NOTEBOOKS:
        _notebook(folder / name, "What it does.", _png(40, 30))
    (folder / "README.md").write_text("# Fourth\n")
    kits = [("fourth", "FOURTH", "Predict things.", "A metric"), ("elsewhere", "ELSEWHERE", "Task.", "Metric")]
    text = "\n".join(gallery.gallery_lines(kits, tmp_path))
    fourth, elsewhere = text.split("ELSEWHERE\n", 1)
    assert "   :caption: FOURTH" in fourth and "   /kits/fourth/README" in fourth
    for name in NOTEBOOKS:
        assert f"</kits/fourth/{Path(name).stem}>`" in fourth and f"   /kits/fourth/{Path(name).stem}" in fourth
    assert fourth.count("data:image/png;base64,") == len(NOTEBOOKS)
    assert "not in this repository" in elsewhere and "toctree" not in elsewhere
