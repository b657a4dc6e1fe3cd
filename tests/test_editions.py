"""The PDF and ePub editions have the site's shape.

index.md's toctrees define the quadrants: one per caption, in order, its index page first. The PDF
must have a part per quadrant, titled by its caption, holding a chapter per page in the toctree's
order; the ePub's contents (nav.xhtml for EPUB 3 readers, toc.ncx for older ones) must list each
quadrant's index page at the top, with the quadrant's other pages beneath it.

The editions are built with the project's strict command: the `latex` builder (what pdflatex would
typeset; no LaTeX needed) and the `epub` builder, from a copy of the built site's doctrees so that
each writes in seconds without reading every page again. The checks read the .tex's \\part,
\\chapter and \\section commands, with the `DOC::doc` label Sphinx puts after the first heading of
each page, and parse the ePub's navigation files as XML, found as a reader finds them (from
META-INF/container.xml). A fixture site with Sphinx's defaults and its toctree under a heading (as
this site had) proves that the checks fail there, naming each page.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import ROOT, run_sphinx
from sources import parse, where
from test_content import toctrees

# -- The PDF: \part, \chapter and \section in the .tex that pdflatex typesets ---------------------

HEADING = re.compile(
    r"^\\(part|chapter|section|subsection)(?:\[[^\]]*\])?\{(.*)\}\n((?:\\label\{\\detokenize\{[^{}]*\}\})*)", re.M
)
PAGE_LABEL = re.compile(r"\\label\{\\detokenize\{([^{}]*)::doc\}\}")


@dataclass(frozen=True)
class Heading:
    command: str  # part, chapter, section, subsection
    title: str
    page: str | None  # the document this heading starts, if it is a page's first heading
    part: str | None  # the part it is in
    chapter: str | None  # the chapter it is in (for a section)


def pdf_outline(tex: str) -> list[Heading]:
    """Every part, chapter and section heading of the .tex, in order."""
    outline, part, chapter = [], None, None
    for command, title, labels in HEADING.findall(tex):
        title = title.replace(r"\sphinxhyphen{}", "-")
        page = next(iter(PAGE_LABEL.findall(labels)), None)
        if command == "part":
            part, chapter = title, None
        heading = Heading(command, title, page, part, chapter)
        if command == "chapter":
            chapter = title
        outline.append(heading)
    return outline


def page_where(root: Path, page: str) -> str:
    """FILE:LINE of a page's title."""
    path = root / f"{page}.md"
    headings = parse(path).headings if path.is_file() else []
    return where(path, headings[0].line if headings else 1)


def describe(heading: Heading | None) -> str:
    """Where a page's first heading is: "a \\section in chapter 'Credits' in no part", "a \\chapter of part 'Reference'"."""
    if heading is None:
        return "missing"
    words = [f"a \\{heading.command}"]
    if heading.command not in ("part", "chapter") and heading.chapter:
        words.append(f"in chapter {heading.chapter!r}")
    if heading.command != "part":
        words.append(f"of part {heading.part!r}" if heading.part else "in no part")
    return " ".join(words)


def pdf_problems(tex: str, root: Path = ROOT) -> list[str]:
    """One line per page that is not a chapter of its quadrant's part, in order, and per heading of
    the wrong kind (a part that is no quadrant, a chapter that is no page)."""
    quadrants, index = toctrees(root), where(root / "index.md", 1)
    outline = pdf_outline(tex)
    problems = []
    parts = [h.title for h in outline if h.command == "part"]
    if parts != list(quadrants):
        problems.append(f"{index}: the PDF's parts are {parts}, not the toctrees' captions {list(quadrants)}")
    problems += [f"{index}: the PDF has a chapter {h.title!r} that is no page" for h in outline if h.command == "chapter" and not h.page]
    first = {}
    for heading in outline:
        if heading.page:
            first.setdefault(heading.page, heading)
    for caption, pages in quadrants.items():
        for page in pages:
            heading = first.get(page)
            if heading is None or (heading.command, heading.part) != ("chapter", caption):
                problems.append(f"{page_where(root, page)}: in the PDF, {describe(heading)}, not a chapter of part {caption!r}")
        chapters = [h.page for h in outline if h.command == "chapter" and h.part == caption and h.page]
        if set(chapters) == set(pages) and chapters != pages:
            problems.append(f"{index}: the PDF's part {caption!r} has its chapters in the order {chapters}, not {pages}")
    return problems


# -- The ePub: its navigation files, as a reader finds them ---------------------------------------

NS = {
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}


@dataclass
class Entry:
    title: str
    page: str  # the document it opens, like howto/s3-data
    anchor: str  # the heading within it, or ""
    children: list[Entry] = field(default_factory=list)


def _entry(title: str, href: str, here: str, children: list[Entry]) -> Entry:
    """An entry from its link, relative to the folder `here` of the file that holds it."""
    path, _, anchor = href.partition("#")
    page = posixpath.normpath(posixpath.join(here, path)).removesuffix(".xhtml")
    return Entry(" ".join(title.split()), page, anchor, children)


def epub_contents(book: Path) -> dict[str, list[Entry]]:
    """The contents of the ePub at `book`: {"nav.xhtml": [...], "toc.ncx": [...]} (by their names
    in the ePub), each a tree of entries."""
    with zipfile.ZipFile(book) as epub:
        container = ElementTree.fromstring(epub.read("META-INF/container.xml"))
        opf_path = container.find(".//container:rootfile", NS).get("full-path")
        opf = ElementTree.fromstring(epub.read(opf_path))
        items = {i.get("id"): i for i in opf.iterfind("opf:manifest/opf:item", NS)}
        nav = next(i.get("href") for i in items.values() if "nav" in (i.get("properties") or "").split())
        ncx = items[opf.find("opf:spine", NS).get("toc")].get("href")
        files = {name: posixpath.join(posixpath.dirname(opf_path), name) for name in (nav, ncx)}  # names relative to content.opf

        def nav_entries(ol, here) -> list[Entry]:
            found = []
            for li in ol.iterfind("xhtml:li", NS):
                a, sub = li.find("xhtml:a", NS), li.find("xhtml:ol", NS)
                found.append(_entry("".join(a.itertext()), a.get("href"), here, nav_entries(sub, here) if sub is not None else []))
            return found

        def ncx_entries(parent, here) -> list[Entry]:
            return [
                _entry(p.findtext("ncx:navLabel/ncx:text", "", NS), p.find("ncx:content", NS).get("src"), here, ncx_entries(p, here))
                for p in parent.iterfind("ncx:navPoint", NS)
            ]

        toc = ElementTree.fromstring(epub.read(files[nav])).find(".//xhtml:nav[@epub:type='toc']/xhtml:ol", NS)
        ncx_map = ElementTree.fromstring(epub.read(files[ncx])).find("ncx:navMap", NS)
        return {
            nav: nav_entries(toc, posixpath.dirname(nav)),
            ncx: ncx_entries(ncx_map, posixpath.dirname(ncx)),
        }


def place(entries: list[Entry], page: str, parents: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The titles of the entries above `page`'s own entry (not one of its headings), or None."""
    for entry in entries:
        if entry.page == page and not entry.anchor:
            return parents
        if (found := place(entry.children, page, (*parents, entry.title))) is not None:
            return found
    return None


def position(entries: list[Entry], page: str) -> str:
    parents = place(entries, page)
    return "missing" if parents is None else f"under {' > '.join(map(repr, parents))}" if parents else "at the top"


def epub_problems(contents: dict[str, list[Entry]], root: Path = ROOT) -> list[str]:
    """One line per quadrant's index page that is not at the top of a navigation file, titled by
    the quadrant's caption, and per page not directly beneath it, in the toctree's order."""
    quadrants, index = toctrees(root), where(root / "index.md", 1)
    problems = []
    for name, entries in contents.items():
        top = {e.page: e for e in entries if not e.anchor}
        for caption, (first, *pages) in quadrants.items():
            quadrant = top.get(first)
            if quadrant is None or quadrant.title != caption:
                problems.append(f"{page_where(root, first)}: in the ePub's {name}, {position(entries, first)}, not at the top as {caption!r}")
            # toc.ncx repeats an entry first among its children (epub_tocdup), for readers that cannot open an entry with children
            beneath = [c.page for c in quadrant.children if not c.anchor and c.page != first] if quadrant else []
            problems += [
                f"{page_where(root, page)}: in the ePub's {name}, {position(entries, page)}, not under {caption!r}"
                for page in pages if page not in beneath
            ]
            if set(beneath) == set(pages) and beneath != pages:
                problems.append(f"{index}: the ePub's {name} lists {caption!r}'s pages in the order {beneath}, not {pages}")
        listed = {p for pages in quadrants.values() for p in pages} | {"index"}
        problems += [f"{index}: the ePub's {name} has {e.title!r} ({e.page}) at the top, which is no quadrant" for e in entries if e.page not in listed]
    return problems


# -- The site's editions ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def doctrees(site, tmp_path_factory) -> Path:
    """A copy of the built site's doctrees, so that each edition writes without reading every page
    again (or, for a site built without them, an empty folder: the builds then read the pages)."""
    copy = tmp_path_factory.mktemp("editions") / "doctrees"
    if (site / ".doctrees" / "environment.pickle").is_file():
        shutil.copytree(site / ".doctrees", copy)
    return copy


def build(builder: str, out: Path, doctrees: Path, src: Path = ROOT) -> Path:
    result = run_sphinx(src, out, builder, "-d", str(doctrees))
    assert result.returncode == 0, f"the {builder} edition does not build strictly:\n{result.stderr}"
    return out


@pytest.fixture(scope="module")
def tex(doctrees, tmp_path_factory) -> str:
    out = build("latex", tmp_path_factory.mktemp("latex"), doctrees)
    (main,) = out.glob("*.tex")
    return main.read_text()


@pytest.fixture(scope="module")
def epub(doctrees, tmp_path_factory) -> Path:
    out = build("epub", tmp_path_factory.mktemp("epub"), doctrees)
    (book,) = out.glob("*.epub")
    return book


def test_the_pdf_has_a_part_per_quadrant_and_a_chapter_per_page(tex):
    problems = pdf_problems(tex)
    assert not problems, "\n".join(problems)


def test_the_epub_lists_every_page_under_its_quadrant(epub):
    contents = epub_contents(epub)
    assert sorted(contents) == ["nav.xhtml", "toc.ncx"], contents.keys()
    problems = epub_problems(contents)
    assert not problems, "\n".join(problems)


# -- A fixture: Sphinx's defaults, and the toctree under the root page's last heading ---------------


def test_the_checks_name_each_page_of_a_site_whose_toctree_is_under_a_heading(tmp_path):
    src = tmp_path / "src"
    (src / "tutorials").mkdir(parents=True)
    (src / "conf.py").write_text('extensions = ["myst_parser"]\nversion = "1"\ncopyright = "2026, us"\n')
    (src / "index.md").write_text(
        "# Home\n\nWelcome.\n\n## Credits\n\nBy us.\n\n```{toctree}\n:hidden:\n:caption: Tutorials\n\ntutorials/index\ntutorials/first\n```\n"
    )
    (src / "tutorials" / "index.md").write_text("# Tutorials\n\nLessons.\n")
    (src / "tutorials" / "first.md").write_text("---\nmyst:\n  html_meta:\n    description: A lesson.\n---\n\n# First lesson\n\nStep one.\n")
    out = build("latex", tmp_path / "latex", tmp_path / "doctrees", src)
    (main,) = out.glob("*.tex")
    index, lessons, first = src / "index.md", src / "tutorials" / "index.md", src / "tutorials" / "first.md"
    assert pdf_problems(main.read_text(), src) == [
        f"{index}:1: the PDF's parts are [], not the toctrees' captions ['Tutorials']",
        f"{index}:1: the PDF has a chapter 'Credits' that is no page",
        f"{lessons}:1: in the PDF, a \\section in chapter 'Credits' in no part, not a chapter of part 'Tutorials'",
        f"{first}:7: in the PDF, a \\section in chapter 'Credits' in no part, not a chapter of part 'Tutorials'",
    ]
    book = next(build("epub", tmp_path / "epub", tmp_path / "doctrees", src).glob("*.epub"))
    assert epub_problems(epub_contents(book), src) == [
        f"{lessons}:1: in the ePub's nav.xhtml, missing, not at the top as 'Tutorials'",
        f"{first}:7: in the ePub's nav.xhtml, missing, not under 'Tutorials'",
        f"{lessons}:1: in the ePub's toc.ncx, missing, not at the top as 'Tutorials'",
        f"{first}:7: in the ePub's toc.ncx, missing, not under 'Tutorials'",
    ]
