"""The PDF and ePub editions take the site's shape: a part per quadrant, a page per chapter.

index.md holds the navigation: one hidden toctree per quadrant, captioned, its index page first.
Furo shows the captions in the sidebar, but Sphinx's LaTeX and ePub builders ignore them. This
extension gives both builders the quadrants (tests/test_editions.py reads what they make):

- the PDF has a part per quadrant, titled by its caption, with a chapter per page (the quadrant's
  index page first); the root page's own headings ("Where to start", "Credits") lead into Part I
  unnumbered, since at the top level they would be parts of their own;
- the ePub's contents (nav.xhtml, toc.ncx) list each page under its quadrant's index page, whose
  own headings are left out (they are lists of the pages beneath).
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.epub3 import Epub3Builder
from sphinx.builders.latex import LaTeXBuilder


def quadrants(env) -> dict[str, tuple[str, list[str]]]:
    """index.md's captioned toctrees: each quadrant's index page -> (caption, its pages, index first)."""
    trees = env.get_doctree(env.config.root_doc).findall(addnodes.toctree)
    return {t["includefiles"][0]: (t["caption"], t["includefiles"]) for t in trees if t.get("caption")}


def pdf_parts(env, doctree):
    """The PDF as the LaTeX builder assembles it (each toctree replaced by its pages), with a part
    per quadrant at the end and the root page's own headings made unnumbered."""
    root = doctree.next_node(nodes.section)
    quads = quadrants(env)
    parts = []
    for first in [f for f in doctree.findall(addnodes.start_of_file) if f["docname"] in quads]:
        pages = first.parent  # the toctree's wrapper, which now holds its pages
        caption = quads[first["docname"]][0]
        pages.parent.remove(pages)
        parts.append(nodes.section("", nodes.title(caption, caption), pages, ids=[nodes.make_id(f"part-{caption}")]))
    for section in reversed(list(root.findall(nodes.section, include_self=False))):
        title, *body = section.children
        section.replace_self([nodes.rubric(title.rawsource, "", *title.children, ids=section["ids"]), *body])
    root.extend(parts)
    return doctree


def epub_contents(env, entries: list[dict], suffix: str) -> list[dict]:
    """The ePub's contents (Sphinx's refnodes: each entry's refuri, text and level), with each page
    one level below its quadrant's index page, and that page's own headings left out."""
    quads = quadrants(env)
    index_of = {page: index for index, (_, pages) in quads.items() for page in pages[1:]}
    kept = []
    for entry in entries:
        page, _, anchor = entry["refuri"].partition("#")
        page = page.removesuffix(suffix)
        if page in quads and anchor:
            continue
        kept.append({**entry, "level": entry["level"] + (page in index_of)})
    return kept


def setup(app):
    class Latex(LaTeXBuilder):
        def assemble_doctree(self, indexfile, *args, **kwargs):
            doctree = super().assemble_doctree(indexfile, *args, **kwargs)
            return pdf_parts(self.env, doctree) if indexfile == self.config.root_doc else doctree

        def get_contentsname(self, indexfile):
            return ""  # LaTeX's own "Contents" (Sphinx takes the first toctree's caption, "Tutorials")

    class Epub(Epub3Builder):
        def get_toc(self):
            super().get_toc()
            self.refnodes = epub_contents(self.env, self.refnodes, self.out_suffix)

    app.add_builder(Latex, override=True)
    app.add_builder(Epub, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
