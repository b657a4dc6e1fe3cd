"""Diagrams: each {mermaid} diagram drawn ahead by `nox -s diagrams`, inlined as SVG.

- Inlines the light and dark SVGs in _diagrams/ on the HTML site (CSS shows the one that matches the
  theme), and gives the PDF and ePub editions the PDF and light SVG as images.
- A diagram whose current source has no files there is a warning naming its Markdown file and line,
  so a strict build fails: a published page never leaves a diagram to the reader's browser.
- While editing, `nox -s serve` sets `diagrams_in_browser`: a diagram without files is then drawn in
  the browser by Mermaid, served from the site itself (copied from node_modules, which that session
  installs), and the build says so in one line.

Neither the files' names (diagram_keys.py: Mermaid's version comes from package-lock.json) nor a
build with every diagram drawn needs Node.js or node_modules.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinxcontrib.mermaid import Mermaid, install_js, mermaid

from diagram_keys import ACC_TITLE, DIAGRAMS, diagram_files, diagram_key, diagram_settings, mermaid_version, undrawn_message

logger = logging.getLogger(__name__)

MERMAID_DIST = Path("node_modules", "mermaid", "dist")
MERMAID_ENTRY = "mermaid.esm.min.mjs"
MERMAID_CHUNKS = Path("chunks", "mermaid.esm.min")


def in_browser(app) -> bool:
    """Whether a diagram without files is drawn in the browser (the HTML site, with diagrams_in_browser)."""
    return app.config.diagrams_in_browser and app.builder.format == "html" and app.builder.name != "epub"


# -- Self-hosted Mermaid, for the diagrams drawn in the browser while editing -------------------


def _mermaid_dist(app) -> Path:
    return Path(app.confdir, MERMAID_DIST)


def check_mermaid(app) -> None:
    if in_browser(app) and not (_mermaid_dist(app) / MERMAID_ENTRY).is_file():
        raise ExtensionError(
            "diagrams_in_browser needs Mermaid's JavaScript in node_modules/: `nox -s serve` installs it "
            "(npm ci, on the Node.js that requirements/node.txt pins)."
        )


def copy_mermaid(app, exception) -> None:
    """Copy only what the browser loads: the ESM entry file and its chunks, no source maps; and none
    of it into a site whose diagrams are all drawn ahead."""
    if exception or app.builder.format != "html" or app.builder.name == "epub":
        return  # the ePub has its diagrams as images, and no JavaScript
    target = Path(app.outdir, "_static", "mermaid")
    if not in_browser(app):
        shutil.rmtree(target, ignore_errors=True)  # left by `nox -s serve` in the same folder
        return
    dist = _mermaid_dist(app)
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
# edition; the ePub takes the light SVG). A diagram whose files are missing is a warning; with
# diagrams_in_browser it falls back to sphinxcontrib-mermaid's client-side rendering instead.


class diagram(nodes.General, nodes.Element):
    """A diagram's light and dark SVGs, inlined in an HTML page."""


def _key(srcdir, config, code: str) -> str:
    settings = diagram_settings(config.mermaid_light_theme, config.mermaid_dark_theme, config.mermaid_init_config)
    return diagram_key(code, mermaid_version(srcdir), settings)


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
        title = ACC_TITLE.search(code)
        key = _key(env.srcdir, env.config, code)
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
        elif not env.config.diagrams_in_browser:  # the page is read again in every build, so it says so every time
            logger.warning(undrawn_message(info["title"]), location=(env.docname, line), type="diagrams", subtype="undrawn")
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
    changed (a new Mermaid version or new theme settings); and in every build while a diagram of it
    has no files, so that its warning is given every time, not only when the page changes."""

    def now(info):
        key = _key(env.srcdir, app.config, info["code"])
        return key, _stamp(diagram_files(env.srcdir, key))

    return [doc for doc, infos in _site_diagrams(env).items()
            if any(not i["rendered"] or now(i) != (i["key"], i["stamp"]) for i in infos)]


def place_diagrams(app, doctree, docname) -> None:
    """Inline SVGs on the site; an image in the ePub and PDF; where there is no file, the source (drawn
    by Mermaid in the browser with diagrams_in_browser, shown as code otherwise)."""
    site = app.builder.format == "html" and app.builder.name != "epub"
    for node in list(doctree.findall(mermaid)):
        info = node.get("diagram")
        if info is None or (not info["rendered"] and in_browser(app)):
            continue  # drawn by Mermaid in the browser (see visit_mermaid_in_browser)
        files = diagram_files(app.srcdir, info["key"])
        if not info["rendered"]:  # the build has warned
            node.replace_self(nodes.literal_block(info["code"], info["code"], language="text"))
        elif site:
            node.replace_self(diagram(location=info["location"], light=files["light.svg"], dark=files["dark.svg"]))
        else:
            uri = files["light.pdf" if app.builder.format == "latex" else "light.svg"].relative_to(app.srcdir).as_posix()
            node.replace_self(nodes.image(uri=uri, candidates={"*": uri}, alt=_description(files["light.svg"])))


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
    """With diagrams_in_browser: one line naming every diagram that has no files yet."""
    stale = [i for infos in _site_diagrams(app.env).values() for i in infos if not i["rendered"]]
    if exception or not stale or not in_browser(app):
        return
    names = "; ".join(f"{i['location']} ({i['title']})" for i in sorted(stale, key=lambda i: i["location"]))
    count = "1 diagram has" if len(stale) == 1 else f"{len(stale)} diagrams have"
    them = "it" if len(stale) == 1 else "them"
    logger.info(f"{count} no up-to-date files in {DIAGRAMS}/, so Mermaid draws {them} in the browser: {names}. Run `nox -s diagrams`.")


def setup(app):
    # `nox -s serve` sets it (-D diagrams_in_browser=1); every other build fails on an undrawn diagram.
    app.add_config_value("diagrams_in_browser", False, "html", types=frozenset({bool}),
                         description="draw a diagram without files in _diagrams/ in the browser, not fail")
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
    app.connect("build-finished", copy_mermaid)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
