"""Figures: every number that can go stale (a price, a limit, a date a rule changed), defined once.

figures.toml holds each figure's value, unit, as-of date and source. conf.py turns each into a MyST
substitution (``{{ name }}``, ``{{ name_as_of }}``); ``{figures-table}`` lists them all on
reference/figures.md with the pages that use them. The checks in tests/test_figures.py use
``figure_problems``, ``figure_uses`` and ``typed_figures`` from here.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections import defaultdict
from pathlib import Path

import sources
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.util import logging
from sources import FIGURES_FILE, load_figures
from tables import make_table, page_links

logger = logging.getLogger(__name__)

FIGURE_FIELDS = ("what", "value", "unit", "as_of", "source")


FIGURE_FIELDS = ("what", "value", "unit", "as_of", "source")
def figure_problems(figures: dict[str, dict]) -> list[str]:
    """An entry without one of its fields, a date that is not a date, or a source that is not https://."""
    problems = []
    for name, figure in figures.items():
        missing = [field for field in FIGURE_FIELDS if not figure.get(field)]
        if missing:
            problems.append(f"{name}: no {', no '.join(missing)}")
        if figure.get("as_of") and not isinstance(figure["as_of"], datetime.date):
            problems.append(f"{name}: as_of {figure['as_of']!r} is not a date (write it as 2026-11-29)")
        if figure.get("source") and not str(figure["source"]).startswith("https://"):
            problems.append(f"{name}: source {figure['source']!r} is not an https:// address")
    return problems


def figure_uses(path: Path) -> list[tuple[int, str]]:
    """(line, name) for every `{{ name }}` substitution on a page."""
    return sources.parse(path).substitutions_used


def typed_figures(path: Path, figures: dict[str, dict]) -> list[tuple[int, str, str]]:
    """(line, name, value) wherever the prose of a page types a figure's value instead of `{{ name }}`."""
    patterns = {
        name: re.compile(r"(?<![\w$.,])" + re.escape(str(f["value"])).replace(r"\ ", r"\s+") + r"(?![\w])", re.I)
        for name, f in figures.items() if f.get("value")
    }
    found = []
    for prose, starts, _ in sources.parse(path).prose_runs():
        for name, pattern in patterns.items():
            for m in pattern.finditer(prose):
                found.append((max(line for offset, line in starts if offset <= m.start()), name, m.group(0)))
    return sorted(found)


def _link_text(url: str) -> str:
    """A short name for a source: the page's last path segment, with its parent when that is short."""
    parts = [part for part in urllib.parse.urlsplit(url).path.split("/") if part]
    if not parts:
        return urllib.parse.urlsplit(url).netloc
    last = parts[-1].removesuffix(".html")
    return "/".join([*parts[-2:-1], last]) if len(last) < 12 else last


class FiguresTable(Directive):
    """Every entry of figures.toml: what it is, its value, where the site uses it, when it was checked, its source."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        env.crashcourse_figures_doc = env.docname
        path = Path(env.srcdir, FIGURES_FILE)
        env.note_dependency(str(path))
        figures = load_figures(path)
        for problem in figure_problems(figures):
            logger.warning(f"{FIGURES_FILE}: {problem}", location=(env.docname, self.lineno))
        used: dict[str, set[str]] = defaultdict(set)
        for docname in sorted(env.found_docs):
            source = Path(env.doc2path(docname))
            env.note_dependency(str(source))
            for _, name in figure_uses(source):
                used[name.removesuffix("_as_of")].add(docname)
        rows = []
        for name, figure in figures.items():
            pages = page_links(used[name])
            url = str(figure.get("source", ""))
            rows.append([
                nodes.strong(text=str(figure.get("what", name))), str(figure.get("value", "")),
                str(figure.get("as_of", "")), pages, nodes.reference("", _link_text(url), refuri=url, reftitle=url),
            ])
        table = make_table("figures-table", {"Figure": 30, "Value": 18, "As of": 12, "Used on": 20, "Source": 20}, rows)
        caption = nodes.paragraph(
            text=f"{len(figures)} figures, read from {FIGURES_FILE} when the site is built; the pages that "
            "use each one are found in the Markdown sources at the same time."
        )
        return [caption, table]


def figures_page_outdated(app, env, added, changed, removed) -> list[str]:
    """The figures page lists the pages that use each figure: a page added or removed may change it."""
    figures = getattr(env, "crashcourse_figures_doc", None)
    return [figures] if figures in env.found_docs and (added or removed) else []


def setup(app):
    app.add_directive("figures-table", FiguresTable)
    app.connect("env-get-outdated", figures_page_outdated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
