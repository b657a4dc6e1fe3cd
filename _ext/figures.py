"""Figures: every number that can go stale (a price, a limit, a date a rule changed), defined once.

figures.toml holds each figure's value, unit, as-of date and source. conf.py turns each into a MyST
substitution (``{{ name }}``, ``{{ name_as_of }}``); ``{figures-table}`` lists them all on
reference/figures.md with the pages that use them. The checks in tests/test_figures.py use
``figure_problems``, ``figure_uses``, ``typed_figures`` and ``dollar_amounts`` from here.
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


# A value that is a number alone, in digits or in words ("two", "16", "3,000", "32768–60999"), says
# nothing without its unit: it is matched only with its unit beside it ("two minutes").
NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    "thousand|million|billion|a|an"
)
BARE_NUMBER = re.compile(rf"(?:[\d.,–-]+|(?:{NUMBER_WORDS})(?:[\s-]+(?:{NUMBER_WORDS}))*)", re.I)


def _flexible(text: str) -> str:
    """`text` as a pattern in which any run of spaces matches any run of spaces and line breaks."""
    return r"\s+".join(re.escape(word) for word in text.split())


def figure_pattern(figure: dict) -> re.Pattern | None:
    """How a page would type this figure by hand: its value, and, for a value that is a number
    alone, the unit beside it (the unit's first word, singular or plural: "two minutes", "16 Nitro")."""
    value = str(figure.get("value", "")).strip()
    if not value:
        return None
    pattern = _flexible(value)
    if BARE_NUMBER.fullmatch(value):
        unit = str(figure.get("unit", "")).split()
        if not unit:
            return None  # a bare number with no unit cannot be told from any other number
        word = re.escape(unit[0].removesuffix("s"))
        pattern = rf"(?:{pattern}[\s-]+{word}s?|{word}s?\s+{pattern})"
    return re.compile(r"(?<![\w$.,])" + pattern + r"(?![\w])", re.I)


def typed_figures(path: Path, figures: dict[str, dict]) -> list[tuple[int, str, str]]:
    """(line, name, text) wherever the prose of a page types a figure instead of `{{ name }}`,
    matched with its unit (a figure "two" with unit "minutes" is found in "two minutes", not in
    "two Availability Zones"). Code, inline code and substitutions are not prose."""
    patterns = [(name, _clue(f), p) for name, f in figures.items() if (p := figure_pattern(f))]
    found = []
    for prose, starts, _ in sources.parse(path).prose_runs():
        lower = prose.lower()
        for name, clue, pattern in patterns:
            if clue in lower:  # a substring the figure cannot be typed without: most runs need no regex
                found += [(_line(starts, m.start()), name, m.group(0)) for m in pattern.finditer(prose)]
    return sorted(found)


def _clue(figure: dict) -> str:
    """The longest run of letters or digits in a figure's value, in lower case."""
    return max(re.findall(r"[a-z0-9]+", str(figure["value"]).lower()), key=len, default="")


# A dollar amount: "$12", "$0.0116", "US$200", "$1,000".
DOLLARS = re.compile(r"(?<![\w$])(?:US)?\$\s?\d[\d,]*(?:\.\d+)?")


def dollar_amounts(path: Path, allowed: list[dict] | None = None) -> list[tuple[int, str]]:
    """(line, amount) for each dollar amount typed into the prose of a page: a price belongs in
    figures.toml, shown with `{{ name }}` (a substitution is not typed, and code is not prose). An
    `allowed` entry (page, amount) lets a worked example stand on that page."""
    rel = _relative(path)
    exempt = {entry["amount"] for entry in allowed or () if entry.get("page") == rel}
    return [
        (_line(starts, m.start()), m.group(0))
        for prose, starts, _ in sources.parse(path).prose_runs()
        for m in DOLLARS.finditer(prose) if m.group(0) not in exempt
    ]


def _line(starts: list[tuple[int, int]], offset: int) -> int:
    return max(line for start, line in starts if start <= offset)


def _relative(path: Path) -> str:
    path = Path(path).resolve()
    return path.relative_to(sources.ROOT).as_posix() if path.is_relative_to(sources.ROOT) else str(path)


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
