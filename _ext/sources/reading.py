"""The site's files, conf.py's MyST settings and the Markdown parser they give."""

from __future__ import annotations

import ast
import functools
import re
import tomllib
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import make_fence_rule
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin
from mdit_py_plugins.substitution import substitution_plugin

ROOT = Path(__file__).resolve().parents[2]
QUADRANTS = ("tutorials", "explanation", "howto", "reference", "docs")
# Quadrants whose pages run commands from <quadrant>/snippets/, with output in <quadrant>/outputs/.
RUNNABLE = ("tutorials", "howto")
FIGURES_FILE = "figures.toml"

# Directives whose body is Markdown a reader reads; the body of any other directive is code.
PROSE_DIRECTIVES = {
    "note", "warning", "tip", "important", "caution", "danger", "attention", "hint", "seealso", "admonition",
    "grid", "grid-item", "grid-item-card", "card", "tab-set", "tab-item", "dropdown", "glossary", "list-table",
    "table", "div", "rubric", "topic", "sidebar", "epigraph", "figure",
}
FENCES = ("fence", "colon_fence")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")
# The MyST syntax extensions this reader knows; conf.py may enable no other (a test checks it).
KNOWN_EXTENSIONS = {"attrs_block", "attrs_inline", "colon_fence", "deflist", "substitution"}


def pages(root: Path = ROOT) -> list[Path]:
    found = [p for q in QUADRANTS for p in sorted((root / q).glob("*.md"))]
    return found + ([root / "index.md"] if (root / "index.md").is_file() else [])


def where(path: Path, line: int) -> str:
    """`FILE:LINE`, with FILE relative to the repository when it is inside it."""
    return f"{_shown(Path(path))}:{line}"


@functools.lru_cache(maxsize=1024)
def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def conf_value(name: str, default=None, root: Path = ROOT):
    """A literal setting of conf.py (`myst_enable_extensions = [...]`), read without running conf.py."""
    conf = Path(root, "conf.py")
    if not conf.is_file():
        return default
    node = _conf_settings(conf, conf.stat().st_mtime).get(name)
    return default if node is None else ast.literal_eval(node)


@functools.lru_cache(maxsize=8)
def _conf_settings(conf: Path, mtime: float) -> dict[str, ast.expr]:
    """Each `name = value` at the top of conf.py, parsed once per version of the file (the checks
    ask for many settings, myst-parser's whole configuration among them)."""
    settings = {}
    for node in ast.parse(conf.read_text()).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    settings.setdefault(target.id, node.value)
    return settings


class _OncePerText(MarkdownIt):
    """markdown-it-py that parses a given text once: the checks read each page many times, and
    tests/test_sources.py parses each one again beside myst-parser. The tokens are shared by every
    caller, so no caller may change them (page.py's `_walk` changes copies)."""

    def parse(self, src: str, env=None):
        return super().parse(src, env) if env is not None else list(self._parsed(src))

    @functools.lru_cache(maxsize=512)  # noqa: B019  (one parser for the whole run: parser() is cached)
    def _parsed(self, src: str) -> tuple:
        return tuple(super().parse(src))


@functools.cache
def parser() -> MarkdownIt:
    """markdown-it-py with the plugins myst-parser's `create_md_parser` uses for conf.py's extensions."""
    extensions = set(conf_value("myst_enable_extensions", []))
    if unknown := extensions - KNOWN_EXTENSIONS:
        raise ValueError(f"conf.py enables MyST extensions _ext/sources.py cannot read yet: {sorted(unknown)}")
    md = (
        _OncePerText("commonmark", renderer_cls=RendererHTML)
        .enable("table")
        .use(front_matter_plugin)
        .use(myst_block_plugin)
        .use(myst_role_plugin)
        .use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    )
    if "colon_fence" in extensions:
        rule = make_fence_rule(markers=(":",), token_type="colon_fence", exact_match=False)
        md.block.ruler.before("fence", "colon_fence", rule,
                              {"alt": ["paragraph", "reference", "blockquote", "list", "footnote_def"]})
    if "deflist" in extensions:
        md.use(deflist_plugin)
    if "substitution" in extensions:
        md.use(substitution_plugin, "{", "}")
    if "attrs_inline" in extensions:
        md.use(attrs_plugin, after=("image", "code_inline", "link_close", "span_close"), spans=True, span_after="footnote_ref")
    if "attrs_block" in extensions:
        md.use(attrs_block_plugin)
    return md


def load_figures(path: Path | str = ROOT / FIGURES_FILE) -> dict[str, dict]:
    """The entries of a figures file, in file order: name -> {what, value, unit, as_of, source}."""
    path = Path(path)
    return tomllib.loads(path.read_text()) if path.is_file() else {}


def figure_substitutions(figures: dict[str, dict]) -> dict[str, str]:
    """What conf.py gives MyST: `{{ name }}` is the value linked to its source, `{{ name_as_of }}` its month."""
    subs = {name: f"[{fig['value']}]({fig['source']})" for name, fig in figures.items()}
    return subs | {f"{name}_as_of": f"{fig['as_of']:%B %Y}" for name, fig in figures.items()}
