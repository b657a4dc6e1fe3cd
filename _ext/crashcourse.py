"""The site's own Sphinx code, kept in one place.

- Serves Mermaid's JavaScript from the site itself (copied from node_modules).
- Diagrams: inlines the SVGs that `nox -s diagrams` made; Mermaid in the browser only as a fallback.
- ``{regions-table}``: the Region table, generated from the installed botocore data.
- ``{cli-commands-table}``: the AWS CLI commands the how-to guides run, described from botocore.
- ``{figures-table}``: every figure in figures.toml, where the site uses it, its date and its source.
- Link check: a network preflight before checking, and a summary a person can act on.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
import shutil
import socket
import subprocess
import tomllib
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path
from xml.etree import ElementTree

import botocore
import botocore.exceptions
import botocore.session
from botocore import xform_name
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinxcontrib.mermaid import Mermaid, install_js, mermaid

logger = logging.getLogger(__name__)

MERMAID_DIST = Path("node_modules", "mermaid", "dist")
MERMAID_ENTRY = "mermaid.esm.min.mjs"
MERMAID_CHUNKS = Path("chunks", "mermaid.esm.min")


# -- Self-hosted Mermaid ------------------------------------------------------


def _mermaid_dist(app) -> Path:
    return Path(app.confdir, MERMAID_DIST)


def check_mermaid(app) -> None:
    if app.builder.format != "html":
        return
    if not (_mermaid_dist(app) / MERMAID_ENTRY).is_file():
        raise ExtensionError(
            "Mermaid's JavaScript is missing: install Node.js 18 or newer with npm, "
            "then run `npm ci` in the repository root."
        )


def copy_mermaid(app, exception) -> None:
    """Copy only what the browser loads: the ESM entry file and its chunks, no source maps."""
    if exception or app.builder.format != "html" or app.builder.name == "epub":
        return  # the ePub has its diagrams as images, and no JavaScript
    dist = _mermaid_dist(app)
    target = Path(app.outdir, "_static", "mermaid")
    files = [Path(MERMAID_ENTRY)]
    files += [p.relative_to(dist) for p in (dist / MERMAID_CHUNKS).glob("*.mjs")]
    for rel in files:
        src, dst = dist / rel, target / rel
        if dst.is_file() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
            continue  # unchanged since the last build: keeps a no-op rebuild fast
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    for old in set(target.rglob("*.mjs")) - {target / rel for rel in files}:
        old.unlink()  # a chunk of an earlier Mermaid version


# -- Diagrams: rendered once by `nox -s diagrams`, inlined as SVG ----------------
# Each {mermaid} diagram has files in _diagrams/ named by diagram_key(): a light and a dark SVG
# (inlined in the HTML page, CSS shows the one that matches the theme) and a PDF (for the PDF
# edition; the ePub takes the light SVG). A diagram whose files are missing falls back to
# sphinxcontrib-mermaid's client-side rendering, and the build says so in one line.

DIAGRAMS = Path("_diagrams")
DIAGRAM_FILES = ("light.svg", "dark.svg", "light.pdf")
DIAGRAM_FORMAT = 1  # raise it when tests/render_diagrams.py changes what it writes


class diagram(nodes.General, nodes.Element):
    """A diagram's light and dark SVGs, inlined in an HTML page."""


def diagram_settings(config) -> dict[str, dict]:
    """What Mermaid is given in each theme: what sphinxcontrib-mermaid gives it in the browser."""
    themes = {"light": config.mermaid_light_theme, "dark": config.mermaid_dark_theme}
    return {theme: {**config.mermaid_init_config, "darkMode": theme == "dark", "theme": name} for theme, name in themes.items()}


def diagram_key(srcdir, config, code: str) -> str:
    """A hash of the diagram's source, Mermaid's version and the theme settings: its files' name."""
    package = Path(srcdir, MERMAID_DIST.parent, "package.json")
    version = json.loads(package.read_text())["version"] if package.is_file() else None
    blob = json.dumps([code, version, diagram_settings(config), DIAGRAM_FORMAT], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def diagram_files(srcdir, key: str) -> dict[str, Path]:
    return {kind: Path(srcdir, DIAGRAMS, f"{key}-{kind}") for kind in DIAGRAM_FILES}


def _stamp(files: dict[str, Path]) -> tuple[int, ...] | None:
    """When the files were written, or None if one is missing."""
    try:
        return tuple(f.stat().st_mtime_ns for f in files.values())
    except FileNotFoundError:
        return None


def _site_diagrams(env) -> dict[str, list[dict]]:
    """docname -> its diagrams, kept in the environment to tell when a page must be read again."""
    if not hasattr(env, "crashcourse_diagrams"):
        env.crashcourse_diagrams = {}
    return env.crashcourse_diagrams


class MermaidDiagram(Mermaid):
    """sphinxcontrib-mermaid's directive, plus where the diagram is and whether its files exist."""

    def run(self):
        result = super().run()
        node = next(result[0].findall(mermaid), None) if result and isinstance(result[0], nodes.Element) else None
        if node is None:
            return result  # sphinxcontrib-mermaid's warning
        env = self.state.document.settings.env
        path, line = self.state_machine.get_source_and_line(self.lineno)
        code = node["code"]
        # Line 1 of the code is the first content line, less any front matter the directive added.
        added = code.count("\n") - "\n".join(self.content).count("\n")
        title = re.search(r"^\s*accTitle\s*:\s*(.+?)\s*$", code, re.M)
        key = diagram_key(env.srcdir, env.config, code)
        files = diagram_files(env.srcdir, key)
        info = {
            "location": f"{Path(path).relative_to(env.srcdir).as_posix()}:{line}",
            "first_line": self.lineno + 1 + self.content_offset - added,
            "title": title.group(1) if title else f"the diagram at line {line}",
            "key": key,
            "stamp": _stamp(files),
            "code": code,
        }
        info["rendered"] = info["stamp"] is not None
        if info["rendered"]:  # for the ePub and PDF editions, which take them as images
            for kind in ("light.svg", "light.pdf"):
                env.images.add_file(env.docname, files[kind].relative_to(env.srcdir).as_posix())
        node["diagram"] = info
        _site_diagrams(env).setdefault(env.docname, []).append(info)
        return result


def purge_diagrams(app, env, docname) -> None:
    _site_diagrams(env).pop(docname, None)


def merge_diagrams(app, env, docnames, other) -> None:
    for docname in docnames & _site_diagrams(other).keys():
        _site_diagrams(env)[docname] = _site_diagrams(other)[docname]


def pages_with_changed_diagrams(app, env, added, changed, removed) -> list[str]:
    """Read a page again when its diagrams' files appeared, changed or vanished, or their names
    changed (a new Mermaid version or new theme settings)."""

    def now(info):
        key = diagram_key(env.srcdir, app.config, info["code"])
        return key, _stamp(diagram_files(env.srcdir, key))

    return [doc for doc, infos in _site_diagrams(env).items() if any(now(i) != (i["key"], i["stamp"]) for i in infos)]


def place_diagrams(app, doctree, docname) -> None:
    """Inline SVGs on the site; an image in the ePub and PDF; the source where there is no file."""
    site = app.builder.format == "html" and app.builder.name != "epub"
    for node in list(doctree.findall(mermaid)):
        info = node.get("diagram")
        if info is None or (site and not info["rendered"]):
            continue  # drawn by Mermaid in the browser (see visit_mermaid_in_browser)
        files = diagram_files(app.srcdir, info["key"])
        if site:
            node.replace_self(diagram(location=info["location"], light=files["light.svg"], dark=files["dark.svg"]))
        elif info["rendered"]:
            uri = files["light.pdf" if app.builder.format == "latex" else "light.svg"].relative_to(app.srcdir).as_posix()
            node.replace_self(nodes.image(uri=uri, candidates={"*": uri}, alt=_description(files["light.svg"])))
        else:
            node.replace_self(nodes.literal_block(info["code"], info["code"]))


def _description(svg: Path) -> str:
    """The diagram's accessible title and description, from its SVG."""
    root = ElementTree.parse(svg).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    parts = [root.findtext("svg:title", "", ns), root.findtext("svg:desc", "", ns)]
    return ". ".join(p.strip().rstrip(".") for p in parts if p.strip()) + "."


def visit_diagram(self, node) -> None:
    svgs = "".join(Path(node[theme]).read_text().strip() for theme in ("light", "dark"))
    self.body.append(f'<div class="diagram" data-diagram-source="{self.attval(node["location"])}">{svgs}</div>\n')
    raise nodes.SkipNode


def visit_mermaid_in_browser(self, node) -> None:
    """The fallback: the Mermaid source, drawn in the browser by sphinxcontrib-mermaid's script."""
    info = node.get("diagram", {})
    attrs = "".join(f' data-diagram-{a}="{self.attval(info[k])}"' for a, k in (("source", "location"), ("title", "title")) if k in info)
    self.body.append(f'<pre class="mermaid"{attrs}>{self.encode(node["code"])}</pre>\n')
    raise nodes.SkipNode


def load_mermaid_only_where_needed(app) -> None:
    """sphinxcontrib-mermaid puts its script on every page with a diagram node, and on every page
    without a doctree (search, index, 404): keep it to pages with a diagram left for Mermaid to draw."""
    for listener in list(app.events.listeners["html-page-context"]):
        if listener.handler is install_js:
            app.disconnect(listener.id)

            def install(app, pagename, templatename, context, doctree):
                if doctree is not None and doctree.next_node(mermaid) is not None:
                    install_js(app, pagename, templatename, context, doctree)

            app.connect("html-page-context", install, priority=listener.priority)


def report_fallback_diagrams(app, exception) -> None:
    """One line naming every diagram that has no files yet."""
    stale = [i for infos in _site_diagrams(app.env).values() for i in infos if not i["rendered"]]
    if exception or not stale:
        return
    names = "; ".join(f"{i['location']} ({i['title']})" for i in sorted(stale, key=lambda i: i["location"]))
    count = "1 diagram has" if len(stale) == 1 else f"{len(stale)} diagrams have"
    them = "it" if len(stale) == 1 else "them"
    logger.info(f"{count} no up-to-date files in {DIAGRAMS}/, so Mermaid draws {them} in the browser: {names}. Run `nox -s diagrams`.")


# -- Accessibility of theme markup ----------------------------------------------


def label_caption_headings(app, pagename, templatename, context, doctree) -> None:
    """Sphinx marks toctree captions role="heading" without the aria-level ARIA requires."""
    for key in ("furo_navigation_tree", "body"):
        if isinstance(context.get(key), str):
            context[key] = context[key].replace('class="caption" role="heading"', 'class="caption" role="heading" aria-level="2"')


# -- Regions, from botocore's endpoint data -------------------------------------


def botocore_data(name: str) -> dict:
    return json.loads(Path(botocore.__file__).with_name("data").joinpath(name).read_text())


def commercial_regions() -> list[tuple[str, str, str]]:
    """(code, name, partition) for every Region in the commercial ``aws`` partition."""
    for partition in botocore_data("endpoints.json")["partitions"]:
        if partition["partition"] == "aws":
            regions = partition["regions"]
            return sorted(
                (code, info["description"], partition["partitionName"])
                for code, info in regions.items()
            )
    raise ExtensionError("botocore's endpoints.json has no 'aws' partition")


def _pin_date(confdir: str) -> str | None:
    """The date the botocore pin last changed, from git (None outside a checkout or before a commit)."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "-G", "^botocore==", "--", "requirements/docs.txt"],
            cwd=confdir, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out or None


class RegionsTable(Directive):
    """A table of every commercial AWS Region, generated at build time."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(Path(botocore.__file__).with_name("data") / "endpoints.json"))
        env.note_dependency(__file__)
        regions = commercial_regions()
        table = make_table(
            "regions-table", {"Region code": 30, "Region name": 45, "Partition": 25},
            [[nodes.literal(text=code), name, partition] for code, name, partition in regions],
        )
        date = _pin_date(env.srcdir)
        source = f"botocore {botocore.__version__}" + (f", pinned on {date}" if date else "")
        caption = nodes.paragraph(
            text=f"{len(regions)} commercial Regions, generated from the endpoint data of {source}."
        )
        return [caption, table]


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


# -- AWS CLI commands used in the how-to guides ----------------------------------

# `aws [--global-option [value]]... SERVICE COMMAND`
AWS_COMMAND = re.compile(r"(?<![\w-])aws\s+(?:--[\w-]+(?:[ =](?!-)[^\s-]\S*)?\s+)*([a-z][a-z0-9-]*)\s+([a-z][a-z0-9-]*)")
CLI_SERVICE = {"s3api": "s3", "configservice": "config"}
# Hand-written descriptions: [cli] for the AWS CLI's own commands, [override] to replace botocore's.
CLI_DESCRIPTIONS = Path("reference", "cli-commands.toml")
# A note or warning, not a description: what botocore's documentation sometimes starts with.
NOTE = re.compile(
    r"^(Note\b|Important\b|Warning\b|DEPRECATED\b|End of support|We recommend|This (operation|action|API) is (not|no longer|deprecated)"
    r"|.* (is|are) no longer (available|open|supported)\b|.* reached end of life\b)",
    re.IGNORECASE,
)


def cli_descriptions(path: Path) -> dict[str, str]:
    """reference/cli-commands.toml's descriptions by "service command": [override] over [cli]."""
    data = tomllib.loads(Path(path).read_text())
    return {**data.get("cli", {}), **data.get("override", {})}


def _first_sentence(html: str) -> str:
    """The first sentence of an operation's documentation, after any leading <note> or <important>."""
    html = re.sub(r"^\s*(<(note|important)>.*?</\2>\s*)+", "", html or "", flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()
    m = re.match(r"(.+?\.)(\s|$)", text)
    return m.group(1) if m else text


def description_problem(text: str) -> str | None:
    """Why `text` cannot describe a command on the page, or None when it can."""
    if not text.strip():
        return "it is empty"
    if NOTE.match(text):
        return "it is a note, not a description"
    if not (text[:1].isupper() and text.endswith(".") and len(text.split()) >= 3) or "<" in text:
        return "it is not a sentence (a capital letter, three words or more, a full stop)"
    return None


def cli_commands(snippets: Path) -> dict[tuple[str, str], set[str]]:
    """(service, command) -> the guides whose snippets run it."""
    used: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(snippets.glob("*.sh")):
        page = path.stem  # a page's second file (set-up-cli-admin.sh: the administrator's) is the page's
        while not (snippets.parent / f"{page}.md").is_file() and "-" in page:
            page = page.rsplit("-", 1)[0]
        for line in path.read_text().splitlines():
            if line.lstrip().startswith("#"):
                continue
            for service, command in AWS_COMMAND.findall(line):
                used[(service, command)].add(page)
    return used


@functools.cache
def _service_model(service: str):
    """A service's API model, loaded once per build (the EC2 model alone is megabytes of JSON)."""
    try:
        return botocore.session.get_session().get_service_model(service)
    except botocore.exceptions.UnknownServiceError:
        raise ExtensionError(f"botocore {botocore.__version__} has no service {service!r}") from None


def describe_cli_command(service: str, command: str, hand: dict[str, str]) -> str:
    """What `aws SERVICE COMMAND` does: written by hand (`cli_descriptions`), or from botocore."""
    key = f"{service} {command}"
    if key in hand:
        return hand[key]
    model = _service_model(CLI_SERVICE.get(service, service))
    operations = {xform_name(op, "-"): op for op in model.operation_names}
    if command not in operations:
        raise ExtensionError(
            f"`aws {key}` is not a command of {service} in botocore {botocore.__version__}: if it is a command "
            f"of the AWS CLI itself, describe it under [cli] in {CLI_DESCRIPTIONS}"
        )
    return _first_sentence(model.operation_model(operations[command]).documentation)


SNIPPET_FOLDERS = (Path("howto", "snippets"),)


def input_files(srcdir: str) -> tuple[str, ...]:
    """The files the generated pages read, by name: a new or deleted one makes them outdated."""
    return tuple(sorted(str(p.relative_to(srcdir)) for f in SNIPPET_FOLDERS for p in Path(srcdir, f).glob("*")))


class CliCommandsTable(Directive):
    """Every `aws SERVICE COMMAND` the how-to snippets run, what it does, and the guides using it."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        snippets = Path(env.srcdir, "howto", "snippets")
        descriptions = Path(env.srcdir, CLI_DESCRIPTIONS)
        for path in [*snippets.glob("*.sh"), descriptions, Path(__file__)]:
            env.note_dependency(str(path))
        note_inputs(env)
        hand = cli_descriptions(descriptions)
        used = cli_commands(snippets)
        rows = []
        for (service, command), guides in sorted(used.items()):
            links = nodes.inline()
            for i, guide in enumerate(sorted(guides)):
                if i:
                    links += nodes.Text(", ")
                ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/howto/{guide}", refexplicit=False)
                ref += nodes.inline(text=guide)
                links += ref
            description = describe_cli_command(service, command, hand)
            if problem := description_problem(description):
                logger.warning(
                    f"`aws {service} {command}`: the description {description!r} cannot go on the page: {problem}; "
                    f"write one under [override] in {CLI_DESCRIPTIONS}",
                    location=(env.docname, self.lineno),
                )
            rows.append([nodes.literal(text=f"aws {service} {command}"), description, links])
        table = make_table("cli-commands-table", {"Command": 30, "What it does": 50, "Used in": 20}, rows)
        caption = nodes.paragraph(
            text=f"{len(used)} commands, found in howto/snippets/ at build time. A description is the first sentence "
            f"of the API documentation in botocore {botocore.__version__}, after any leading note, or one written for this "
            f"site ({CLI_DESCRIPTIONS.as_posix()}) for the AWS CLI's own commands and where botocore's reads badly."
        )
        return [caption, table]


# -- Generated pages: rebuilt when a file they read appears or goes ---------------
#
# Sphinx rebuilds a page when a file it noted as a dependency changes, but it cannot notice a
# NEW file. Each generated page records the list of files it read; when that list changes,
# `env-get-outdated` hands the page back to Sphinx to read again.


def note_inputs(env) -> None:
    if not hasattr(env, "crashcourse_inputs"):
        env.crashcourse_inputs = {}
    env.crashcourse_inputs[env.docname] = input_files(env.srcdir)


def outdated_generated_pages(app, env, added, changed, removed) -> list[str]:
    inputs = getattr(env, "crashcourse_inputs", {})
    now = input_files(env.srcdir)
    outdated = [doc for doc, files in inputs.items() if files != now and doc in env.found_docs]
    figures = getattr(env, "crashcourse_figures_doc", None)  # lists the pages: a new one may use a figure
    if figures in env.found_docs and (added or removed):
        outdated.append(figures)
    return outdated


def purge_inputs(app, env, docname) -> None:
    getattr(env, "crashcourse_inputs", {}).pop(docname, None)


def merge_inputs(app, env, docnames, other) -> None:
    if not hasattr(env, "crashcourse_inputs"):
        env.crashcourse_inputs = {}
    env.crashcourse_inputs.update({d: f for d, f in getattr(other, "crashcourse_inputs", {}).items() if d in docnames})


# -- Figures: every number that can go stale, defined once in figures.toml -------

FIGURES_FILE = "figures.toml"
FIGURE_FIELDS = ("what", "value", "unit", "as_of", "source")
# Directives whose body is Markdown prose; the others hold code, diagrams or file names.
PROSE_DIRECTIVES = {
    "note", "warning", "tip", "important", "caution", "danger", "attention", "hint", "seealso", "admonition",
    "glossary", "grid", "grid-item", "grid-item-card", "card", "tab-set", "tab-item", "dropdown", "list-table",
    "table", "div", "topic", "sidebar", "epigraph", "rubric",
}


def load_figures(path: Path) -> dict[str, dict]:
    """The entries of a figures file, in file order: name -> {what, value, unit, as_of, source}."""
    return tomllib.loads(Path(path).read_text())


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


@functools.cache
def _markdown_parser():
    """markdown-it as MyST configures it for this site, with the substitution syntax on."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    extensions = {"attrs_block", "attrs_inline", "colon_fence", "deflist", "substitution"}
    return create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)


def _directive_body(content: str) -> tuple[str, int]:
    """A directive's content without its leading `:option:` lines; and how many lines were dropped."""
    lines = content.split("\n")
    skipped = 0
    while skipped < len(lines) and re.match(r"\s*:[\w-]+:", lines[skipped]):
        skipped += 1
    return "\n".join(lines[skipped:]), skipped


def inline_tokens(text: str, first_line: int = 1):
    """(line, token) for every run of inline Markdown on a page, inside prose directives too."""
    for token in _markdown_parser().parse(text):
        if token.type == "inline" and token.map:
            yield first_line + token.map[0], token
        elif token.type in ("fence", "colon_fence") and token.info.startswith("{") and token.map:
            if token.info[1:].split("}", 1)[0] in PROSE_DIRECTIVES:
                body, skipped = _directive_body(token.content)
                yield from inline_tokens(body, first_line + token.map[0] + 1 + skipped)


def figure_uses(text: str) -> list[tuple[int, str]]:
    """(line, name) for every `{{ name }}` substitution on a page."""
    uses = []
    for line, token in inline_tokens(text):
        for child in token.children or []:
            if child.type == "softbreak":
                line += 1
            elif child.type == "substitution_inline":
                uses.append((line, child.content.strip()))
    return uses


def typed_figures(text: str, figures: dict[str, dict]) -> list[tuple[int, str, str]]:
    """(line, name, value) wherever the prose of a page types a figure's value instead of `{{ name }}`."""
    patterns = {
        name: re.compile(r"(?<![\w$.,])" + re.escape(str(f["value"])).replace(r"\ ", r"\s+") + r"(?![\w])", re.I)
        for name, f in figures.items() if f.get("value")
    }
    found = []
    for line, token in inline_tokens(text):
        prose, starts = "", []  # the token's visible text, and (offset, line) where each line begins
        for child in token.children or []:
            if child.type == "softbreak":
                line += 1
                prose += " "
                starts.append((len(prose), line))
            elif child.type == "text":
                if not starts:
                    starts.append((0, line))
                prose += child.content
            else:
                prose += " "  # code, roles and substitutions are not typed figures
        for name, pattern in patterns.items():
            for m in pattern.finditer(prose):
                at = max((ln for offset, ln in starts if offset <= m.start()), default=line)
                found.append((at, name, m.group(0)))
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
            for _, name in figure_uses(source.read_text()):
                used[name.removesuffix("_as_of")].add(docname)
        rows = []
        for name, figure in figures.items():
            pages = nodes.inline()
            for i, docname in enumerate(sorted(used[name])):
                if i:
                    pages += nodes.Text(", ")
                ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}", refexplicit=False)
                ref += nodes.inline(text=docname)
                pages += ref
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


# -- Link check: preflight and summary ------------------------------------------


def preflight(app) -> None:
    """Stop a link check early, in one sentence, when there is no network."""
    if app.builder.name != "linkcheck":
        return
    url = urllib.parse.urlsplit(app.config.crashcourse_preflight_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=5).close()
    except OSError as error:
        # SystemExit, not a Sphinx error: Sphinx answers those with a crash report and a
        # request to file a bug, where one sentence is all the reader needs.
        raise SystemExit(
            f"No network: cannot reach {url.hostname}:{port} ({error}), so external links "
            "cannot be checked here; run `nox -s linkcheck` on a machine with internet access."
        ) from None


def only_named_pages(app, doctree, docname) -> None:
    """`nox -s linkcheck -- PAGE...` names pages in `crashcourse_linkcheck_only`: Sphinx also
    writes the pages whose toctree lists them (index.md), whose links are left out here."""
    only = app.config.crashcourse_linkcheck_only
    if app.builder.name == "linkcheck" and only and docname not in only:
        for uri in [uri for uri, link in app.builder.hyperlinks.items() if link.docname == docname]:
            del app.builder.hyperlinks[uri]


def summarize_links(app, exception) -> None:
    """Print broken, redirected and timed-out links grouped by page, with counts."""
    if exception or app.builder.name != "linkcheck":
        return
    report = Path(app.outdir, "output.json")
    if not report.is_file():
        return
    results = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    counts = Counter(r["status"] for r in results)
    by_page = defaultdict(list)
    for r in results:
        if r["status"] in {"broken", "redirected", "timeout"}:
            by_page[r["filename"]].append(r)
    lines = ["", "Link check summary"]
    for filename in sorted(by_page):
        lines.append(f"  {filename}")
        for r in sorted(by_page[filename], key=lambda r: r["lineno"]):
            detail = f" -> {r['info']}" if r["info"] else ""
            lines.append(f"    {filename}:{r['lineno']}: {r['status']}: {r['uri']}{detail}")
    lines.append("Counts: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    logger.info("\n".join(lines))


# -- Quiet builds ------------------------------------------------------------------


def _not_myst_configuration(record) -> bool:
    """myst-parser logs its whole configuration in every build; that one message is dropped."""
    return "myst v%s:" not in str(record.msg)


def setup(app):
    logging.getLogger("myst_parser.sphinx_ext.main").logger.addFilter(_not_myst_configuration)
    app.add_config_value("crashcourse_preflight_url", "https://docs.aws.amazon.com/", "env")
    app.add_config_value("crashcourse_linkcheck_only", [], "", list)
    app.add_directive("regions-table", RegionsTable)
    app.add_directive("cli-commands-table", CliCommandsTable)
    app.connect("env-get-outdated", outdated_generated_pages)
    app.connect("env-purge-doc", purge_inputs)
    app.connect("env-merge-info", merge_inputs)
    app.add_directive("figures-table", FiguresTable)
    app.add_directive("mermaid", MermaidDiagram, override=True)
    app.add_node(mermaid, override=True, html=(visit_mermaid_in_browser, None))
    app.add_node(diagram, html=(visit_diagram, None))
    app.connect("env-purge-doc", purge_diagrams)
    app.connect("env-merge-info", merge_diagrams)
    app.connect("env-get-outdated", pages_with_changed_diagrams)
    app.connect("doctree-resolved", place_diagrams)
    app.connect("build-finished", report_fallback_diagrams)
    load_mermaid_only_where_needed(app)
    app.connect("builder-inited", check_mermaid)
    app.connect("builder-inited", preflight)
    app.connect("html-page-context", label_caption_headings, priority=900)  # after furo's
    app.connect("build-finished", copy_mermaid)
    app.connect("doctree-resolved", only_named_pages)
    app.connect("build-finished", summarize_links)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
