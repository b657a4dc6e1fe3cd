"""Render every Mermaid diagram of the site into _diagrams/ (`nox -s diagrams`).

For each diagram: a light and a dark SVG, which the build inlines in the page, and a PDF of the
light one for the PDF edition. The files are named by a hash of the diagram's source, Mermaid's
version and the theme settings (`diagram_key()` in _ext/diagram_keys.py), so a changed diagram
has no files until this runs again. It renders only what is missing and deletes files that no
diagram uses. Where Mermaid cannot draw a diagram, it names the Markdown file and line, fails, and
deletes nothing: the last good files stay until the diagram is fixed (or its edit undone).
Each file is written whole or not at all.

The diagrams are found by reading the site with Sphinx, exactly as the build does. They are drawn
by Debian's Chromium (through Playwright) with the Mermaid that package-lock.json pins, served
from node_modules on 127.0.0.1. Labels are laid out with the fonts installed here: the theme
settings ask for Arial or Liberation Sans, its metric twin (Debian's fonts-liberation, which
Chromium's package recommends), so a reader's browser draws each label the width it was measured;
without either font, this stops and says so.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from browser import chromium  # noqa: E402
from localsite import ROOT, serve  # noqa: E402

# Draw one diagram in one theme; make the SVG stand alone (its natural size as width and height)
# and read as one image (role="img", named by its <title>, described by its <desc>).
RENDER = r"""async ([code, id, theme, settings]) => {
    const GEOMETRY = ["d", "points", "transform", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height"];
    mermaid.initialize({...settings, startOnLoad: false});
    let svg;
    try {
        ({svg} = await mermaid.render(id, code));
    } catch (error) {
        document.getElementById("d" + id)?.remove();
        return {error: String(error.message || error)};
    }
    const root = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
    // Mermaid writes every rule and arrowhead any diagram might use: keep those this one uses.
    const used = new Set([...svg.matchAll(/url\(#([^)]+)\)/g)].map(m => m[1]));
    root.querySelectorAll("marker").forEach(m => used.has(m.id) || m.remove());
    const style = root.querySelector("style"), sheet = new CSSStyleSheet();
    sheet.replaceSync(style.textContent);
    style.textContent = [...sheet.cssRules]
        .filter(rule => rule instanceof CSSStyleRule && (root.matches(rule.selectorText) || root.querySelector(rule.selectorText)))
        .map(rule => rule.cssText).join("");
    root.querySelectorAll('[style=""]').forEach(el => el.removeAttribute("style"));
    // Coordinates to 0.01 px: a third of the bytes. Numbers are read as SVG reads them ("1.25.5"
    // is 1.25 and .5) and written apart, since rounding changes where one ends ("0" then ".5").
    const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;
    const round = (n, at, all) => (/[\d.]/.test(all[at - 1] || "") ? " " : "")
        + (/\.\d{3,}$/.test(n) ? Math.round(Number(n) * 100) / 100 : n);
    for (const el of root.querySelectorAll("*")) {
        for (const name of GEOMETRY) {
            const value = el.getAttribute(name);
            // An arc's flags may run together with the next number ("a1 1 0 01.5 2"): leave arcs alone.
            if (value && !(name === "d" && /[aA]/.test(value))) el.setAttribute(name, value.replace(NUMBER, round));
        }
    }
    const [width, height] = root.getAttribute("viewBox").split(/[\s,]+/).slice(2).map(n => Math.ceil(Number(n)));
    root.setAttribute("width", width);
    root.setAttribute("height", height);
    root.setAttribute("style", `--diagram-width: ${width}px`);
    root.setAttribute("role", "img");
    root.removeAttribute("aria-roledescription");
    root.classList.add(`diagram-${theme}`);
    return {svg: new XMLSerializer().serializeToString(root), width, height};
}"""
# The PDF for the PDF edition: one page the size of the diagram, without the drop shadows, which
# Chromium would print as bitmaps.
PAGE = """<!doctype html><html><head><style>
@page {{ margin: 0 }} body {{ margin: 0 }} svg * {{ filter: none !important }}
</style></head><body>{}</body></html>"""


def site_diagrams(srcdir: Path) -> tuple[list[dict], dict]:
    """Every diagram the site's pages hold, as the build reads them, and Mermaid's settings per theme."""
    from sphinx.application import Sphinx

    sys.path.insert(0, str(srcdir / "_ext"))
    from diagram_keys import diagram_settings
    from diagrams import _site_diagrams

    with tempfile.TemporaryDirectory() as out:
        app = Sphinx(srcdir, srcdir, out, Path(out, "doctrees"), "dummy", status=None, warning=None, freshenv=True)
        app.build()
        found = [info for doc in sorted(_site_diagrams(app.env)) for info in _site_diagrams(app.env)[doc]]
        config = app.config
        return found, diagram_settings(config.mermaid_light_theme, config.mermaid_dark_theme, config.mermaid_init_config)


def check_fonts() -> None:
    """Stop, in one sentence, where the labels could only be measured in some other font."""
    if shutil.which("fc-list"):
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        if not re.search(r"\b(Arial|Liberation Sans)\b", families):
            raise SystemExit("Neither Arial nor Liberation Sans is installed, so labels would be measured in another "
                             "font and overflow their boxes on readers' screens: install fonts-liberation "
                             "(Debian and Ubuntu: `apt-get install fonts-liberation`), then run this again.")


def where_mermaid_failed(info: dict, message: str) -> str:
    """The Markdown file and line Mermaid's message points at (its "line N" counts from the diagram's first line)."""
    path, fence = info["location"].rsplit(":", 1)
    found = re.search(r"\bon line (\d+)", message)
    line = info["first_line"] + int(found.group(1)) - 1 if found else int(fence)
    detail = "\n".join("    " + text for text in message.strip().splitlines())
    return f"{path}:{line}: Mermaid cannot draw the diagram {info['title']!r} (it starts at line {fence}):\n{detail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--srcdir", type=Path, default=ROOT, help="the site's folder (default: this repository)")
    args = parser.parse_args()
    srcdir = args.srcdir.resolve()
    outdir = srcdir / "_diagrams"
    outdir.mkdir(exist_ok=True)

    diagrams, settings = site_diagrams(srcdir)
    wanted = {outdir / f"{info['key']}-{kind}" for info in diagrams for kind in ("light.svg", "dark.svg", "light.pdf")}
    todo = [info for info in diagrams if not all((outdir / f"{info['key']}-{k}").is_file() for k in ("light.svg", "dark.svg", "light.pdf"))]
    failures, rendered = [], 0
    if todo:
        check_fonts()
        with serve(srcdir / "node_modules" / "mermaid" / "dist", prefix="/") as url, chromium() as browser:
            page = browser.new_page()
            page.goto(f"{url}/")
            page.evaluate("async src => { window.mermaid = (await import(src)).default; }", f"{url}/mermaid.esm.min.mjs")
            for info in todo:
                drawn = {}
                for theme in ("light", "dark"):
                    drawn[theme] = page.evaluate(RENDER, [info["code"], f"d-{info['key']}-{theme}", theme, settings[theme]])
                    if "error" in drawn[theme]:
                        failures.append(where_mermaid_failed(info, drawn[theme]["error"]))
                        break
                else:
                    printer = browser.new_page()
                    printer.set_content(PAGE.format(drawn["light"]["svg"]))
                    size = {"width": f"{drawn['light']['width']}px", "height": f"{drawn['light']['height']}px"}
                    pdf = printer.pdf(**size, page_ranges="1")
                    printer.close()
                    for theme in ("light", "dark"):
                        write_whole(outdir / f"{info['key']}-{theme}.svg", (drawn[theme]["svg"] + "\n").encode())
                    write_whole(outdir / f"{info['key']}-light.pdf", pdf)
                    rendered += 1
                    print(f"rendered {info['location']} ({info['title']})")
    unused = [path for path in sorted(outdir.iterdir()) if path not in wanted]
    if failures:  # an unused file may be the last good drawing of the diagram that failed: keep it
        print(f"{len(diagrams)} diagrams: {rendered} rendered, {len(diagrams) - len(todo)} already up to date, "
              f"{len(failures)} failed; {len(unused)} files no diagram uses kept until every diagram draws")
        print("\n".join(failures), file=sys.stderr)
        return 1
    for path in unused:
        path.unlink()
        print(f"removed {path.relative_to(srcdir)}: no diagram uses it")
    print(f"{len(diagrams)} diagrams: {rendered} rendered, {len(diagrams) - len(todo)} already up to date, {len(unused)} files removed")
    return 0


def write_whole(path: Path, data: bytes) -> None:
    """Write the file under another name, then rename it: an interrupted run leaves no half file."""
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(data)
    part.replace(path)


if __name__ == "__main__":
    sys.exit(main())
