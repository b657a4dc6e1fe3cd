"""Which files in _diagrams/ draw a diagram, worked out without Sphinx and without Node.js.

Each {mermaid} diagram is drawn ahead by `nox -s diagrams` into three files named by its key: a
hash of the code Mermaid is given, Mermaid's version and the theme settings. The build
(_ext/diagrams.py), `nox -s diagrams` (tools/render_diagrams.py) and the diagram rule of `nox -s
check` (tests/test_diagrams.py) name the files with the same `diagram_key()`:

- Mermaid's version is read from package-lock.json, so a build needs no node_modules;
- the theme settings are conf.py's `mermaid_*` values: the build passes Sphinx's, the sources
  rule reads them from conf.py's text (`sources.conf_value`);
- `source_diagrams()` finds every diagram in the Markdown sources with `sources.parse()` and gives
  the code sphinxcontrib-mermaid would give Mermaid (`diagram_code()`); a test proves that its
  keys are the build's own.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

import sources

DIAGRAMS = Path("_diagrams")
DIAGRAM_FILES = ("light.svg", "dark.svg", "light.pdf")
DIAGRAM_FORMAT = 1  # raise it when tools/render_diagrams.py changes what it writes
LOCK = "package-lock.json"
# sphinxcontrib-mermaid's defaults, for a conf.py that leaves a setting out.
DEFAULTS = {"mermaid_light_theme": "default", "mermaid_dark_theme": "dark", "mermaid_init_config": {"startOnLoad": False},
            "mermaid_config": None}
ACC_TITLE = re.compile(r"^\s*accTitle\s*:\s*(.+?)\s*$", re.M)


def mermaid_version(root: Path | str) -> str | None:
    """The Mermaid version package-lock.json pins (None without one): what `npm ci` installs."""
    lock = Path(root, LOCK)
    if not lock.is_file():
        return None
    return json.loads(lock.read_text()).get("packages", {}).get("node_modules/mermaid", {}).get("version")


def diagram_settings(light_theme: str, dark_theme: str, init_config: dict) -> dict[str, dict]:
    """What Mermaid is given in each theme: what sphinxcontrib-mermaid gives it in the browser."""
    themes = {"light": light_theme, "dark": dark_theme}
    return {theme: {**init_config, "darkMode": theme == "dark", "theme": name} for theme, name in themes.items()}


def diagram_key(code: str, version: str | None, settings: dict[str, dict]) -> str:
    """A hash of the diagram's code, Mermaid's version and the theme settings: its files' name."""
    blob = json.dumps([code, version, settings, DIAGRAM_FORMAT], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def diagram_files(root: Path | str, key: str) -> dict[str, Path]:
    return {kind: Path(root, DIAGRAMS, f"{key}-{kind}") for kind in DIAGRAM_FILES}


def is_drawn(root: Path | str, key: str) -> bool:
    return all(path.is_file() for path in diagram_files(root, key).values())


def diagram_code(body: str, options: dict[str, str], mermaid_config: dict | None = None) -> str:
    """The code sphinxcontrib-mermaid gives Mermaid for a {mermaid} block: its body (the lines after
    the options and one blank line, as myst-parser gives them: after options, less one empty last
    line), after front matter for `:config:`, `:title:` or conf.py's `mermaid_config`, as the
    directive writes it. tests/test_diagrams.py proves it is the build's code, case by case."""
    front = "---"
    if "config" in options:
        front += "\n" + yaml.dump({"config": json.loads(options["config"])})
    elif mermaid_config is not None:
        front += "\n" + yaml.dump({"config": mermaid_config})
    if "title" in options:
        front += f"\ntitle: {options['title']}"
    front += "\n---\n"
    lines = body.splitlines()
    if options and lines and not lines[-1]:
        lines.pop()  # myst-parser re-joins the body after the options, and splits it again
    code = "\n".join(lines)
    return code if front == "---\n---\n" else front + code


@dataclass(frozen=True)
class SourceDiagram:
    """A {mermaid} block of a page, as the sources give it."""

    where: str  # FILE:LINE of its opening fence
    title: str  # its accTitle, or which line it starts on
    code: str
    key: str
    drawn: bool


def source_diagrams(paths: list[Path] | None = None, root: Path | None = None) -> list[SourceDiagram]:
    """Every {mermaid} block of the pages (default: every page of the site), with its key from its
    current source, and whether its files are in `root`/_diagrams/. `root` holds conf.py,
    package-lock.json and _diagrams/ (default: this repository)."""
    root = Path(root or sources.ROOT)
    settings = diagram_settings(*(sources.conf_value(name, DEFAULTS[name], root)
                                  for name in ("mermaid_light_theme", "mermaid_dark_theme", "mermaid_init_config")))
    version, config = mermaid_version(root), sources.conf_value("mermaid_config", DEFAULTS["mermaid_config"], root)
    found = []
    for path in sources.pages(root) if paths is None else paths:
        for block in sources.parse(path).blocks:
            if block.name != "mermaid":
                continue
            code = diagram_code(block.body, block.options, config)
            key = diagram_key(code, version, settings)
            title = ACC_TITLE.search(code)
            title = title.group(1) if title else f"the diagram at line {block.line}"  # as the build calls it
            found.append(SourceDiagram(block.where(), title, code, key, is_drawn(root, key)))
    return found


def undrawn_message(title: str) -> str:
    """What the build and the sources rule say (after FILE:LINE) of a diagram whose current source has no files."""
    return (f"the diagram {title!r} has no drawn files in {DIAGRAMS}/ for its current source: run "
            "`nox -s diagrams`, which draws it or names the line Mermaid cannot read, and commit the files")
