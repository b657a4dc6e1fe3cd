"""The one reader of the site's sources: Markdown pages and snippet files.

Used by the Sphinx extensions in ``_ext/``, by the tests and by the tools alike. It imports
without Sphinx or myst-parser (the emulator tests' environment has neither): each page is parsed by
markdown-it-py with the plugins myst-parser uses, set up from conf.py's ``myst_*`` settings (read
from conf.py's text, not by running it), so a check sees what a reader sees: a heading is a
heading, a numbered list is a list, code is code. ``tests/test_sources.py`` proves the tokens are
myst-parser's own for every page. The body of a directive whose content is Markdown (``{note}``,
``{tab-item}``, ``{grid-item-card}``...) is parsed the same way, in place, so its text counts as
prose; every other fenced block is code. Every token keeps its line in the source file, so each
check can name ``FILE:LINE``.

What the checks use:

- ``pages()``: every page of the site, in quadrant order;
- ``parse(path)``: a ``Page``, with its ``headings``, ``blocks`` (directives and code), ``text()``
  (the words a reader sees, line by line), ``labels()`` (the captions and the diagrams' labels,
  which ``mermaid.py`` parses from each ``{mermaid}`` block), ``links``, ``substitutions_used``,
  ``ordered_lists`` and ``front_matter``;
- ``lines(path)`` / ``prose(path)``: every source line with whether it is code and which
  directives enclose it, for checks that read whole lines (secrets, open ports);
- ``words(path)``: how many words a reader sees on the page;
- ``figures()`` and ``substitutions()``: figures.toml, and what each ``{{ name }}`` shows;
- ``load_rules(name)``: the lists the content rules read, rules/NAME.toml; ``title_problem(title)``
  is the how-to title rule that tools/new_page.py applies too, ``OutputCleaner`` the cleaning of the
  emulator's outputs (``rules.py``, standard library only);
- snippet files (``# [start NAME]`` ... ``# [end NAME]``) are read by ``snippets.py`` beside this file.
"""

from .lines import Line, lines, prose, words
from .page import Block, Heading, Link, Page, Text, parse, site_root, substitutions
from .reading import (
    DIRECTIVE, FENCES, FIGURES_FILE, KNOWN_EXTENSIONS, PROSE_DIRECTIVES, QUADRANTS, ROOT, RUNNABLE,
    conf_value, figure_substitutions, load_figures, pages, parser, where,
)
from .rules import RULES, OutputCleaner, load_rules, title_problem

__all__ = [
    "Block", "DIRECTIVE", "FENCES", "FIGURES_FILE", "Heading", "KNOWN_EXTENSIONS", "Line", "Link", "OutputCleaner",
    "PROSE_DIRECTIVES", "Page", "QUADRANTS", "ROOT", "RULES", "RUNNABLE", "Text", "conf_value", "figure_substitutions",
    "lines", "load_figures", "load_rules", "pages", "parse", "parser", "prose", "site_root", "substitutions",
    "title_problem", "where", "words",
]
