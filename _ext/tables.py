"""Docutils tables and page links for the generated reference pages (aws_tables.py, cli_commands.py, figures.py)."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes


def make_table(name: str, columns: dict[str, int], rows: list[list]) -> nodes.table:
    """A docutils table: `columns` maps each heading to its relative width; cells are text or nodes."""

    def row(cells):
        tr = nodes.row()
        for cell in cells:
            para = nodes.paragraph()
            para += cell if isinstance(cell, nodes.Node) else nodes.Text(cell)
            tr += nodes.entry("", para)
        return tr

    table = nodes.table(classes=[name])
    group = nodes.tgroup(cols=len(columns))
    table += group
    for width in columns.values():
        group += nodes.colspec(colwidth=width)
    group += nodes.thead("", row(columns))
    group += nodes.tbody("", *(row(cells) for cells in rows))
    return table


def page_links(docnames) -> nodes.inline:
    """Links to the named pages (`howto/launch-instance`), separated by commas."""
    links = nodes.inline()
    for i, docname in enumerate(sorted(docnames)):
        if i:
            links += nodes.Text(", ")
        ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}", refexplicit=False)
        ref += nodes.inline(text=docname)
        links += ref
    return links
