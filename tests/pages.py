"""Reading the site's Markdown sources the way the build does.

Each page is parsed by markdown-it-py set up exactly as myst-parser sets it up for Sphinx
(`create_md_parser` with the `myst_*` settings of conf.py), so a check sees what a reader sees:
a heading is a heading, a numbered list is a list, code is code. The body of a directive whose
content is Markdown (`{note}`, `{tab-item}`, `{grid-item-card}`...) is parsed the same way, in
place, so its text counts as prose; every other fenced block is code. Every token keeps its
line in the source file, so each check can name `FILE:LINE`.

What the checks use:

- `pages()`: every page of the site, in quadrant order;
- `parse(path)`: a `Page`, with its `headings`, `blocks` (directives and code), `text()`
  (the words a reader sees, line by line), `links`, `ordered_lists` and `front_matter`;
- `lines(path)` / `prose(path)`: every source line with whether it is code and which
  directives enclose it, for checks that read whole lines (secrets, open ports);
- `words(path)`: how many words a reader sees on the page;
- `sections(path)`: the `# [start NAME]` ... `# [end NAME]` sections of a snippet file.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import is_option_line
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).resolve().parents[1]
QUADRANTS = ("tutorials", "explanation", "howto", "reference", "docs")
# Quadrants whose pages run commands from <quadrant>/snippets/, with output in <quadrant>/outputs/.
RUNNABLE = ("tutorials", "howto")

# Directives whose body is Markdown a reader reads; the body of any other directive is code.
PROSE_DIRECTIVES = {
    "note", "warning", "tip", "important", "caution", "danger", "attention", "hint", "seealso", "admonition",
    "grid", "grid-item", "grid-item-card", "card", "tab-set", "tab-item", "dropdown", "glossary", "list-table",
    "table", "div", "rubric", "topic", "sidebar", "epigraph", "figure",
}
FENCES = ("fence", "colon_fence")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")


def pages(root: Path = ROOT) -> list[Path]:
    found = [p for q in QUADRANTS for p in sorted((root / q).glob("*.md"))]
    return found + ([root / "index.md"] if (root / "index.md").is_file() else [])


def where(path: Path, line: int) -> str:
    """`FILE:LINE`, with FILE relative to the repository when it is inside it."""
    try:
        return f"{path.relative_to(ROOT)}:{line}"
    except ValueError:
        return f"{path}:{line}"


@functools.cache
def _conf():
    """The site's conf.py, as a module."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import conf

    return conf


@functools.cache
def parser() -> MarkdownIt:
    """markdown-it-py as myst-parser builds it from conf.py's `myst_*` settings."""
    conf = _conf()
    names = {f.name for f in dataclasses.fields(MdParserConfig)}
    settings = {
        name: getattr(conf, f"myst_{name}") for name in names if hasattr(conf, f"myst_{name}")
    }
    if "enable_extensions" in settings:
        settings["enable_extensions"] = set(settings["enable_extensions"])
    return create_md_parser(MdParserConfig(**settings), RendererHTML)


@functools.cache
def substitutions() -> dict[str, str]:
    """What `{{ name }}` shows a reader (conf.py's `myst_substitutions`, which may hold Markdown)."""
    conf = _conf()
    return {
        str(name): "".join(_plain(token) for token in parser().parse(str(value)) if token.type == "inline")
        for name, value in getattr(conf, "myst_substitutions", {}).items()
    }


# -- The parsed page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced block: a directive (`name` is its name) or code (`name` is "code")."""

    path: Path
    line: int  # the opening fence, from 1
    name: str
    argument: str  # after the directive name; for code, the language
    options: dict[str, str]
    body: str
    body_line: int  # the first line of the body
    directives: tuple[str, ...]  # the directives around it, outermost first

    def where(self) -> str:
        return where(self.path, self.line)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Text:
    """A run of text a reader sees, on one source line. `kind`: text, code (inline) or heading."""

    line: int
    text: str
    kind: str
    directives: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """A link in a page's text: to a page of the site (`page` is its .md file) or to anything else."""

    line: int
    url: str  # as written
    page: Path | None  # the .md file it leads to, for a link to a page of the site


@dataclass
class Page:
    path: Path
    source: str
    tokens: list[Token] = field(default_factory=list)  # every block token; directive bodies in place
    blocks: list[Block] = field(default_factory=list)
    front_matter: dict = field(default_factory=dict)
    front_matter_lines: tuple[int, int] = (0, 0)  # first and last line, or (0, 0)

    def _line(self, token: Token) -> int:
        return token.map[0] + 1 if token.map else 0

    @functools.cached_property
    def headings(self) -> list[Heading]:
        found = []
        for i, token in enumerate(self.tokens):
            if token.type == "heading_open":
                found.append(Heading(int(token.tag[1]), _plain(self.tokens[i + 1]), self._line(token)))
        return found

    @functools.cached_property
    def ordered_lists(self) -> list[int]:
        """The line of each numbered list outside code (numbered steps)."""
        return [self._line(t) for t in self.tokens if t.type == "ordered_list_open"]

    @functools.cached_property
    def list_items(self) -> list[tuple[int, bool, str]]:
        """(line, numbered, text of its first paragraph) for each list item."""
        found, kinds = [], []
        for i, token in enumerate(self.tokens):
            if token.type in ("bullet_list_open", "ordered_list_open"):
                kinds.append(token.type == "ordered_list_open")
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                kinds.pop()
            elif token.type == "list_item_open":
                inline = next((t for t in self.tokens[i:] if t.type == "inline"), None)
                found.append((self._line(token), kinds[-1], _plain(inline) if inline else ""))
        return found

    def text(self) -> list[Text]:
        """Every run of text a reader sees, with its line: not link targets, raw HTML or comments."""
        found = []
        for token in self.tokens:
            if token.type != "inline" or not token.map:
                continue
            heading = token.meta.get("heading", False)
            line = token.map[0] + 1
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "text" and child.content:
                    found.append(Text(line, child.content, "heading" if heading else "text", token.meta["directives"]))
                elif child.type == "code_inline":
                    found.append(Text(line, child.content, "code", token.meta["directives"]))
                elif child.type == "myst_role":
                    shown = re.sub(r"\s*<[^<>]*>$", "", child.content)
                    found.append(Text(line, shown, "heading" if heading else "text", token.meta["directives"]))
                elif child.type == "substitution_inline":
                    shown = substitutions().get(child.content.strip(), "")
                    found.append(Text(line, shown, "heading" if heading else "text", token.meta["directives"]))
                elif child.type == "image":
                    found.append(Text(line, child.content, "text", token.meta["directives"]))
                line += child.content.count("\n") if child.type == "code_inline" else 0
        return found

    @functools.cached_property
    def links(self) -> list[Link]:
        """Every link in the page's text, `{doc}` roles and cards' `:link:` options included."""
        found = []
        for token in self.tokens:
            if token.type == "inline" and token.map:
                line = token.map[0] + 1
                for child in token.children or []:
                    if child.type in ("softbreak", "hardbreak"):
                        line += 1
                    elif child.type == "link_open":
                        found.append(self._link(line, child.attrGet("href") or "", role=False))
                    elif child.type == "myst_role" and child.meta.get("name") == "doc":
                        target = re.search(r"<([^<>]*)>$", child.content)
                        found.append(self._link(line, target.group(1) if target else child.content, role=True))
        for block in self.blocks:
            if "link" in block.options and block.options.get("link-type") == "doc":
                found.append(self._link(block.line, block.options["link"], role=True))
        return found

    def _link(self, line: int, url: str, role: bool) -> Link:
        target = url.split("#", 1)[0]
        if not target or re.match(r"^[a-z][\w+.-]*:", target) or (not role and not target.endswith(".md")):
            return Link(line, url, None)
        name = target[:-3] if target.endswith(".md") else target
        base = site_root(self.path) if name.startswith("/") else self.path.parent
        return Link(line, url, Path(os.path.normpath(base / (name.lstrip("/") + ".md"))))


def site_root(path: Path) -> Path:
    """The folder that holds the site's index.md: pages live in it or in a quadrant folder of it."""
    return path.parent.parent if path.parent.name in QUADRANTS else path.parent


def _plain(inline: Token) -> str:
    """The text of an inline token as a reader sees it."""
    out = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "myst_role":
            out.append(re.sub(r"\s*<[^<>]*>$", "", child.content))
        elif child.type == "substitution_inline":
            out.append(substitutions().get(child.content.strip(), ""))
    return "".join(out)


def _split_directive(body: str) -> tuple[dict[str, str], str, int]:
    """A directive's options (`:key: value` lines or a `---` YAML block), its body, and how many
    lines come before the body."""
    lines = body.splitlines()
    options: dict[str, str] = {}
    count = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
            options = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
            count = end + 1
    else:
        while count < len(lines) and is_option_line(lines[count]):
            key, _, value = lines[count].strip()[1:].partition(":")
            options[key.strip()] = value.strip()
            count += 1
    if count < len(lines) and not lines[count].strip():
        count += 1  # one blank line between the options and the body
    return options, "\n".join(lines[count:]) + ("\n" if count < len(lines) else ""), count


def _walk(page: Page, source: str, offset: int, directives: tuple[str, ...]) -> None:
    """Parse `source` (which starts at line `offset` + 1 of the file) into `page`."""
    heading = False
    for token in parser().parse(source):
        if token.map:
            token.map = [token.map[0] + offset, token.map[1] + offset]
        token.meta = {**(token.meta or {}), "directives": directives, "heading": heading}
        if token.type == "front_matter" and not directives:
            page.front_matter = yaml.safe_load(token.content) or {}
            page.front_matter_lines = (token.map[0] + 1, token.map[1])
            continue
        if token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        if token.type in FENCES or token.type == "code_block":
            m = DIRECTIVE.match(token.info.strip()) if token.type in FENCES else None
            start = token.map[0]
            if m:
                options, body, before = _split_directive(token.content)
                name = m["name"]
                block = Block(page.path, start + 1, name, m["argument"].strip(), options, body,
                              start + 2 + before, directives)
            else:
                block = Block(page.path, start + 1, "code", token.info.strip(), {}, token.content,
                              start + 2 if token.type in FENCES else start + 1, directives)
            page.blocks.append(block)
            page.tokens.append(token)
            if m and m["name"] in PROSE_DIRECTIVES:
                _walk(page, block.body, block.body_line - 1, (*directives, m["name"]))
            continue
        page.tokens.append(token)


@functools.lru_cache(maxsize=256)
def _parse(path: Path, mtime: float) -> Page:
    source = path.read_text()
    page = Page(path, source)
    _walk(page, source, 0, ())
    return page


def parse(path: Path) -> Page:
    """The page at `path`, parsed (once per version of the file)."""
    path = Path(path)
    return _parse(path, path.stat().st_mtime)


# -- Lines, for checks that read whole lines -------------------------------------------------


@dataclass
class Line:
    path: Path
    number: int
    text: str
    code: bool  # in code: a code block, a directive whose body is not Markdown, front matter
    directives: tuple[str, ...]  # the enclosing directives, outermost first ("code" for a code block)

    def where(self) -> str:
        return where(self.path, self.number)


def lines(path: Path) -> list[Line]:
    """Every line of the page, with whether it is code and which directives enclose it."""
    page = parse(path)
    texts = page.source.splitlines()
    code = [False] * len(texts)
    around: list[tuple[str, ...]] = [()] * len(texts)
    first, last = page.front_matter_lines
    for n in range(first - 1, last) if first else ():
        code[n] = True
    for token, block in zip((t for t in page.tokens if t.type in FENCES or t.type == "code_block"), page.blocks):
        start, end = token.map
        inner = (*block.directives, block.name)
        prose_body = block.name in PROSE_DIRECTIVES
        for n in range(start, min(end, len(texts))):
            if prose_body:
                fence = n == start or (n == end - 1 and token.type in FENCES and _closes(texts[n], token.markup))
                code[n] = fence
                around[n] = block.directives if fence and n != start else inner
            else:
                code[n] = True
                around[n] = inner
    return [Line(page.path, n + 1, texts[n], code[n], around[n]) for n in range(len(texts))]


def _closes(text: str, markup: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and set(stripped) == {markup[0]} and len(stripped) >= len(markup)


def prose(path: Path) -> list[Line]:
    return [ln for ln in lines(path) if not ln.code]


def words(path: Path) -> int:
    """The words a reader sees: text, headings and inline code, not link targets or markup."""
    return sum(len(re.findall(r"[A-Za-z0-9][\w'’-]*", t.text)) for t in parse(path).text())


# -- Snippet files ------------------------------------------------------------------------------

# `# [start NAME]`, maybe followed by `not-emulated: REASON` or another `key: value` for the runner.
START = re.compile(r"^# \[start (?P<name>[\w-]+)\](?:\s+not-emulated:\s*(?P<reason>.+)|\s+[\w-]+:.*)?$")
END = re.compile(r"^# \[end (?P<name>[\w-]+)\]$")


@dataclass(frozen=True)
class Section:
    name: str
    line: int
    reason: str | None  # why the emulator does not run it, if it does not


def sections(path: Path) -> list[Section]:
    """The named sections of a snippet file (the runner in tests/aws/ checks their shape)."""
    found = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if m := START.match(text):
            found.append(Section(m["name"], number, m["reason"]))
    return found
