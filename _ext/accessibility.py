"""Fixes to the theme's markup that accessibility checkers (axe-core) ask for."""

from __future__ import annotations


def label_caption_headings(app, pagename, templatename, context, doctree) -> None:
    """Sphinx marks toctree captions role="heading" without the aria-level ARIA requires."""
    for key in ("furo_navigation_tree", "body"):
        if isinstance(context.get(key), str):
            context[key] = context[key].replace('class="caption" role="heading"', 'class="caption" role="heading" aria-level="2"')


def setup(app):
    app.connect("html-page-context", label_caption_headings, priority=900)  # after furo's
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
