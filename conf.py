"""Sphinx configuration for "A Crash Course in AWS".

Read top to bottom: project facts, extensions, sources, HTML output, then
one block per extension. The site's own Sphinx code is in ``_ext/``, one module per concern.
"""

import contextlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "_ext"))
import sources  # noqa: E402  (_ext/sources/: the one reader of the site's sources, figures.toml too)

# -- Project -----------------------------------------------------------------
project = "A Crash Course in AWS"
author = "Marc Singleton and contributors"
copyright = "2026, Marc Singleton and contributors. Text CC BY 4.0, code MIT"
language = "en"
# The edition: the ePub must name one. Read the Docs names the version it builds (latest, stable...).
version = release = os.environ.get("READTHEDOCS_VERSION_NAME", "latest")

# Where the site is published and where its sources live. Read the Docs sets
# READTHEDOCS_CANONICAL_URL; anywhere else the default published address is used,
# so the sitemap, OpenGraph tags and canonical links are right in either case.
PUBLISHED_URL = "https://crash-course-in-aws.readthedocs.io/en/latest/"
REPOSITORY_URL = "https://github.com/crash-course-in-aws/crash-course-in-aws"
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", PUBLISHED_URL)

# -- Extensions --------------------------------------------------------------
extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.mermaid",
    "sphinx_copybutton",
    "sphinxext.opengraph",
    "sphinx_sitemap",
    "notfound.extension",
    "sphinx_last_updated_by_git",
    # The site's own, in _ext/:
    "diagrams",  # Mermaid diagrams drawn ahead (_diagrams/), inlined as SVG
    "aws_tables",  # {regions-table} and {partitions-table}, from botocore's endpoint data
    "cli_commands",  # {cli-commands-table}: every `aws` command the snippets run, described from botocore
    "figures",  # {figures-table}: every figure in figures.toml and the pages that use it
    "linkcheck_report",  # nox -s linkcheck: a network preflight and a summary by page
    "accessibility",  # aria-level on the theme's caption headings
    "quiet_build",  # drops myst-parser's configuration dump from the build log
    "editions",  # the PDF and ePub take the site's shape: a part per quadrant (see below)
]

# -- Sources -----------------------------------------------------------------
root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = [
    "_build",
    ".nox",
    ".venv",
    ".pytest_cache",
    "**/.pytest_cache",
    "node_modules",
    "README.md",
    "LICENSE.md",
    "docs/templates/*.md",  # starter pages, shown on docs/templates.md
    "howto/snippets",
    "howto/outputs",
    "requirements",
    "tests",
    "tools",
    ".github",
    ".ci",
]
nitpicky = True
suppress_warnings = []

# -- HTML output -------------------------------------------------------------
html_theme = "furo"
html_title = project
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"  # three blocks: compute, storage, network
html_css_files = ["crashcourse.css"]
html_js_files = [("crashcourse.js", {"defer": "defer"})]
html_last_updated_fmt = "%d %B %Y"
# Curly quotes and ellipses, but no dashes: with the default, docutils turns `--force` in prose or in
# a generated table into "–force", which fails when copied (tests/test_command_flags.py).
smartquotes_action = "qe"
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "source_repository": REPOSITORY_URL,
    "source_branch": "main",
    "source_directory": "",
    "top_of_page_buttons": ["edit"],
    "navigation_with_keys": True,
}
# Accessible syntax colours (4.5:1 contrast), from the accessible-pygments package.
pygments_style = "a11y-high-contrast-light"
pygments_dark_style = "a11y-high-contrast-dark"

# -- MyST --------------------------------------------------------------------
myst_enable_extensions = [
    "attrs_block",
    "attrs_inline",
    "colon_fence",
    "deflist",
    "substitution",
]
myst_heading_anchors = 3
# Every figure that can go stale (a price, a limit, a date a rule changed) is defined once, in
# figures.toml. A page writes {{ name }} for its value, linked to the AWS page that states it, and
# {{ name_as_of }} for the month it was checked; reference/figures.md lists them all. (A test's
# fixture project may have no figures.toml; a page of this site that uses one then fails the build.)
myst_substitutions = sources.figure_substitutions(sources.load_figures(ROOT / "figures.toml"))

# -- Mermaid: `nox -s diagrams` renders each diagram to SVG with these settings; the browser ----
# draws a diagram only while its SVG is missing (see _ext/diagrams.py).
mermaid_version = ""
mermaid_use_local = "mermaid/mermaid.esm.min.mjs"
mermaid_output_format = "raw"
mermaid_light_theme = "neutral"
mermaid_dark_theme = "dark"
# dagre, not Mermaid 12's default ELK: the ELK layout engine alone is 1.5 MB of JavaScript.
# Labels as SVG text (not HTML), which the ePub and PDF editions can show, in Arial or its
# metric twin Liberation Sans (Linux), so a label fits the box measured for it on most systems.
mermaid_init_config = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "layout": "dagre",
    "htmlLabels": False,
    "fontFamily": "arial, 'Liberation Sans', sans-serif",
}
mermaid_height = "auto"  # the width is set by _static/crashcourse.js, the height follows
mermaid_fullscreen = False  # its button shows a glyph that most fonts lack

# -- PDF and ePub editions --------------------------------------------------------------------------
# Read the Docs builds both (nox -s rtd, nox -s epub); the PDF with pdflatex, its diagrams the PDFs in
# _diagrams/. Both take the site's shape, a part per quadrant and a chapter per page: _ext/editions.py
# reads the quadrants from index.md's captioned toctrees.
latex_toplevel_sectioning = "part"
epub_tocscope = "includehidden"  # the toctrees are hidden: the sidebar shows them, not the page
latex_elements = {
    # pdflatex has no U+2212 MINUS SIGN of its own (2<sup>32−n</sup> on reference/networking), and a
    # tall diagram shrinks to 80% of the page's height so that its caption fits beneath it.
    "preamble": r"""
\DeclareUnicodeCharacter{2212}{\ensuremath{-}}
\makeatletter\AtBeginDocument{\spx@image@maxheight=0.8\textheight}\makeatother
""",
    # The root page's text, after the contents, is in no chapter: its footer names none, not "Contents".
    "tableofcontents": r"\sphinxtableofcontents\markboth{}{}",
}


# -- Copy button: copy the command, not the prompt or the output -------------
copybutton_exclude = ".linenos, .gp, .go"

# -- OpenGraph, sitemap, 404 page ---------------------------------------------
ogp_site_url = html_baseurl
ogp_site_name = project
ogp_social_cards = {"enable": False}
# Social cards would need matplotlib, which the site leaves out; sphinxext-opengraph says so with a
# print() when it is imported, in every build. Importing it here first, silently, keeps builds quiet.
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: E402, F401
ogp_enable_meta_description = True
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
notfound_urls_prefix = "/" + html_baseurl.split("://", 1)[-1].split("/", 1)[-1]

# -- Link check (nox -s linkcheck); each exception carries its reason ---------
linkcheck_timeout = 15
linkcheck_retries = 2
linkcheck_workers = 5
linkcheck_rate_limit_timeout = 120.0
linkcheck_report_timeouts_as_broken = False
linkcheck_anchors = True
linkcheck_anchors_ignore_for_url = [
    # AWS documentation pages build their in-page anchors with JavaScript.
    r"https://docs\.aws\.amazon\.com/.*",
    # GitHub renders README headings client-side.
    r"https://github\.com/.*",
]
linkcheck_ignore = [
    # The site itself: checked against the local build by tests/test_internal_links.py.
    r"^" + PUBLISHED_URL.replace(".", r"\."),
    # The AWS console needs a signed-in session; it answers a link checker with a redirect to sign-in.
    r"https://console\.aws\.amazon\.com/.*",
    r"https://.*\.console\.aws\.amazon\.com/.*",
]
linkcheck_allowed_redirects = {
    # AWS documentation sends versionless pages to the current version.
    r"https://docs\.aws\.amazon\.com/.*": r"https://docs\.aws\.amazon\.com/.*",
    r"https://aws\.amazon\.com/.*": r"https://aws\.amazon\.com/.*",
    # Read the Docs sends a project's root to its default version.
    r"https://[a-z0-9-]+\.readthedocs\.io/.*": r"https://[a-z0-9-]+\.readthedocs\.io/.*",
}
