"""The gallery of the kits' notebooks: one card per notebook, its first figure as thumbnail.

The directive ``.. kit-gallery::`` (``docs/gallery.rst``) lists the kits the registry
finds (:func:`hdhkits.problem.discover_kits`, the ``hdhkits.kits`` entry points, in
their order), never a list written here: a kit added to the registry, with its notebooks
in ``kits/<kit>/``, gets its section in the next build. Each section gives the kit's
task and metric (its :class:`~hdhkits.problem.Problem`'s ``task`` and ``metric``), a
hidden table of contents of its README and notebooks (the sidebar's navigation), and a
card per notebook: the notebook's first figure, its title and the first sentence of its
purpose paragraph.

Everything is read from the committed notebooks (their outputs, as
:func:`hdhkits.report.notebook_figures` reads them): no notebook is executed. The
thumbnails go into the page as ``data:`` URIs, so the build writes no file into the
source tree.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from docutils import nodes
from docutils.statemachine import StringList
from rst_text import plain
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

__all__ = [
    "SUMMARY_WORDS",
    "THUMBNAIL_WIDTH",
    "KitGallery",
    "NotebookCard",
    "first_sentence",
    "gallery_lines",
    "kit_notebooks",
    "notebook_card",
    "setup",
    "thumbnail",
]

#: Width in pixels of a card's thumbnail (the cards are about 300 px wide; twice for sharp screens).
THUMBNAIL_WIDTH = 480

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")  # a badge or picture: no text to keep
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # a link: its text stays
_EMPHASIS = re.compile(r"[*`]")  # bold, italics and code marks: the card shows plain text
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
#: Words of a card's sentence at most; a longer one is cut with an ellipsis.
SUMMARY_WORDS = 24


@dataclass(frozen=True)
class NotebookCard:
    """What a gallery card shows of one notebook.

    Parameters
    ----------
    docname : str
        The notebook's page, from the source root without suffix (``kits/annitia/01_exploration``).
    title : str
        Its first heading, ``#`` removed.
    summary : str
        The first sentence of the paragraph under that heading, markdown removed.
    figure : bytes or None
        Its first image output as a PNG thumbnail (:func:`thumbnail`); None when it has none.
    """

    docname: str
    title: str
    summary: str
    figure: bytes | None


def thumbnail(png: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """A PNG scaled down to ``width`` pixels wide (aspect kept; a narrower image is kept as it is)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        if image.width > width:
            image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _title_and_summary(notebook: nbformat.NotebookNode, fallback: str) -> tuple[str, str]:
    """The first markdown cell's ``#`` heading and the first sentence of its next paragraph."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        paragraphs = [p.strip() for p in cell.source.split("\n\n") if p.strip()]
        if not paragraphs or not paragraphs[0].startswith("# "):
            break
        title = paragraphs[0].splitlines()[0][2:].strip()
        text = _EMPHASIS.sub("", _LINK.sub(r"\1", _IMAGE.sub("", paragraphs[1]))) if len(paragraphs) > 1 else ""
        return title, first_sentence(text)
    return fallback, ""


def first_sentence(text: str, limit: int = SUMMARY_WORDS) -> str:
    """The first sentence of ``text``; a longer one than ``limit`` words is cut with an ellipsis.

    The cut falls after the last comma, colon or semicolon within the limit that closes
    every parenthesis opened before it (a clause, not half of one), else at the limit.
    """
    words = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0].split()
    if len(words) <= limit:
        return " ".join(words)
    cut = limit
    for end in range(limit, limit // 3, -1):
        head = " ".join(words[:end])
        if head.endswith((",", ":", ";")) and head.count("(") == head.count(")"):
            cut = end
            break
    return " ".join(words[:cut]).rstrip(",;:") + " …"


def notebook_card(path: Path, source_root: Path) -> NotebookCard:
    """The card of the committed notebook ``path``, read without running it.

    Parameters
    ----------
    path : Path
        The notebook, under ``source_root``.
    source_root : Path
        The docs' source folder (the repository's root).

    Returns
    -------
    NotebookCard
        Its page, title, first sentence and first figure.
    """
    from hdhkits.report import notebook_figures

    notebook = nbformat.read(path, as_version=4)
    title, summary = _title_and_summary(notebook, fallback=path.stem)
    figures = notebook_figures(path)
    figure = thumbnail(base64.b64decode(figures[0][1])) if figures else None
    docname = path.relative_to(source_root).with_suffix("").as_posix()
    return NotebookCard(docname, title, summary, figure)


def kit_notebooks(kit_folder: Path) -> list[Path]:
    """The notebooks of the kit contract (:data:`hdhkits.problem.NOTEBOOKS`) that ``kit_folder`` holds, in order."""
    from hdhkits.problem import NOTEBOOKS

    return [kit_folder / name for name in NOTEBOOKS if (kit_folder / name).is_file()]


def _card_lines(card: NotebookCard) -> list[str]:
    """One card: thumbnail (or a blank placeholder), linked title, first sentence."""
    lines = ["   .. container:: kit-card", ""]
    if card.figure is not None:
        uri = "data:image/png;base64," + base64.b64encode(card.figure).decode("ascii")
        lines += [f"      .. image:: {uri}", f"         :alt: {plain(card.title)}, its first figure", ""]
    else:
        lines += ["      .. container:: kit-card-blank", "", "         (no figure)", ""]
    lines += [f"      :doc:`{plain(card.title)} </{card.docname}>`", ""]
    if card.summary:
        lines += [f"      {plain(card.summary)}", ""]
    return lines


def gallery_lines(kits: list[tuple[str, str, str, str]], source_root: Path) -> list[str]:
    """The gallery as reStructuredText: a section per kit, its hidden toctree and its cards.

    Parameters
    ----------
    kits : list of (name, title, task, metric)
        The kits, in the order of their sections.
    source_root : Path
        The docs' source folder (the repository's root), holding ``kits/<name>/``.

    Returns
    -------
    list of str
        Lines for ``nested_parse_with_titles``.
    """
    lines: list[str] = []
    for name, title, task, metric in kits:
        folder = source_root / "kits" / name
        notebooks = kit_notebooks(folder)
        readme = folder / "README.md"
        heading = plain(title)
        lines += [heading, "-" * len(heading), "", plain(task), "", f"**Metric**: {plain(metric)}", ""]
        if readme.is_file():
            lines += [
                f"The kit's :doc:`README </kits/{name}/README>` says how to run it and what its twin reproduces.",
                "",
            ]
        if not notebooks:
            lines += ["This kit's notebooks are not in this repository's ``kits/`` folder.", ""]
            continue
        pages = ([f"/kits/{name}/README"] if readme.is_file() else []) + [
            f"/{p.relative_to(source_root).with_suffix('').as_posix()}" for p in notebooks
        ]
        lines += [".. toctree::", "   :hidden:", f"   :caption: {title}", "", *(f"   {page}" for page in pages), ""]
        lines += [".. container:: kit-gallery", ""]
        for path in notebooks:
            lines += _card_lines(notebook_card(path, source_root))
    return lines


class KitGallery(SphinxDirective):
    """``.. kit-gallery::``: every registered kit's notebooks as cards (:func:`gallery_lines`)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Parse the gallery in place; read the page again when a notebook or README changes."""
        from hdhkits.problem import discover_kits, get_problem

        root = Path(self.env.srcdir)
        self.env.note_dependency(__file__)  # an edit of this extension changes the page too
        kits = []
        for name in discover_kits():
            problem = get_problem(name)
            kits.append((name, problem.title or name, problem.task, problem.metric))
            for path in [*kit_notebooks(root / "kits" / name), root / "kits" / name / "README.md"]:
                if path.is_file():
                    self.env.note_dependency(str(path))
        holder = nodes.section()
        holder.document = self.state.document
        nested_parse_with_titles(self.state, StringList(gallery_lines(kits, root), source="kit-gallery"), holder)
        return holder.children


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the directive and the gallery's style sheet."""
    app.add_directive("kit-gallery", KitGallery)
    app.add_css_file("gallery.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
