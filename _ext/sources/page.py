"""A page parsed into what a reader sees: headings, blocks, text, links, each with its line."""

from __future__ import annotations

import copy
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it.token import Token

from .mermaid import MermaidError, diagram_labels
from .items import Block, Heading, Link, Text
from .reading import DIRECTIVE, FENCES, PROSE_DIRECTIVES, QUADRANTS, figure_substitutions, load_figures, parser, where


@functools.cache
def substitutions() -> dict[str, str]:
    """What `{{ name }}` shows a reader (the substitutions conf.py makes from figures.toml)."""
    return {
        name: "".join(_plain(token) for token in parser().parse(value) if token.type == "inline")
        for name, value in figure_substitutions(load_figures()).items()
    }


# -- The parsed page ------------------------------------------------------------------------


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
        return self._text

    @functools.cached_property
    def _text(self) -> list[Text]:  # worked out once per parsed page: several checks read it
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

    def labels(self) -> list[Text]:
        """Text a reader sees outside the prose, with its line: each directive's `:caption:` (kind
        "caption", its inline code kind "code") and every label of each {mermaid} diagram (kind
        "diagram": its accessible title and description too, as mermaid.py reads them). A diagram
        the reader cannot read raises ValueError naming FILE:LINE."""
        return self._labels

    @functools.cached_property
    def _labels(self) -> list[Text]:
        found = []
        for block in self.blocks:
            if "caption" in block.options:
                line = block.option_lines.get("caption", block.line)
                for child in parser().parseInline(block.options["caption"])[0].children or []:
                    if child.type == "code_inline":
                        found.append(Text(line, child.content, "code", block.directives))
                    elif shown := _shown_inline(child):
                        found.append(Text(line, shown, "caption", block.directives))
            if block.name == "mermaid":
                try:
                    labels = diagram_labels(block.body)
                except MermaidError as e:
                    raise ValueError(f"{where(self.path, block.body_line + e.line)}: {e}") from None
                found += [Text(block.body_line + label.line, label.text, "diagram", block.directives) for label in labels]
        return sorted(found, key=lambda t: t.line)

    @functools.cached_property
    def substitutions_used(self) -> list[tuple[int, str]]:
        """(line, name) for every `{{ name }}` in the page's text."""
        found = []
        for token in self.tokens:
            if token.type == "inline" and token.map:
                line = token.map[0] + 1
                for child in token.children or []:
                    if child.type in ("softbreak", "hardbreak"):
                        line += 1
                    elif child.type == "substitution_inline":
                        found.append((line, child.content.strip()))
        return found

    def prose_runs(self) -> list[tuple[str, list[tuple[int, int]], tuple[str, ...]]]:
        """Each paragraph-like run of prose as one string (line breaks as spaces; code, roles and
        substitutions as a space), with (offset, line) where each source line starts, and the
        directives around it: for checks that match across a line break ("per\nhour")."""
        return self._prose_runs

    @functools.cached_property
    def _prose_runs(self) -> list[tuple[str, list[tuple[int, int]], tuple[str, ...]]]:
        runs = []
        for token in self.tokens:
            if token.type != "inline" or not token.map:
                continue
            line, text, starts = token.map[0] + 1, "", [(0, token.map[0] + 1)]
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                    text += " "
                    starts.append((len(text), line))
                elif child.type == "text":
                    text += child.content
                else:
                    text += " "
            runs.append((text, starts, token.meta["directives"]))
        return runs

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
    return "".join(_shown_inline(child) for child in inline.children or [])


def _shown_inline(child: Token) -> str:
    """What one inline token shows a reader: text, code, a role's text, a substitution's value."""
    if child.type in ("text", "code_inline"):
        return child.content
    if child.type in ("softbreak", "hardbreak"):
        return " "
    if child.type == "myst_role":
        return re.sub(r"\s*<[^<>]*>$", "", child.content)
    if child.type == "substitution_inline":
        return substitutions().get(child.content.strip(), "")
    return ""


def is_option_line(line: str) -> bool:
    """A `:key: value` line of a directive's options block (myst-parser's rule: not a `:::` fence)."""
    stripped = line.lstrip()
    return stripped.startswith(":") and not stripped.startswith(":::")


def _split_directive(body: str) -> tuple[dict[str, str], str, int, dict[str, int]]:
    """A directive's options (`:key: value` lines or a `---` YAML block), its body, how many
    lines come before the body, and the line of each option, counted from the body's first line."""
    lines = body.splitlines()
    options: dict[str, str] = {}
    option_lines: dict[str, int] = {}
    count = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
            options = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
            option_lines = {key: next((i for i in range(1, end) if lines[i].startswith(f"{key}:")), 0) for key in options}
            count = end + 1
    else:
        while count < len(lines) and is_option_line(lines[count]):
            key, _, value = lines[count].strip()[1:].partition(":")
            options[key.strip()] = value.strip()
            option_lines[key.strip()] = count
            count += 1
    if count < len(lines) and not lines[count].strip():
        count += 1  # one blank line between the options and the body
    return options, "\n".join(lines[count:]) + ("\n" if count < len(lines) else ""), count, option_lines


def _walk(page: Page, source: str, offset: int, directives: tuple[str, ...]) -> None:
    """Parse `source` (which starts at line `offset` + 1 of the file) into `page`."""
    heading = False
    for token in parser().parse(source):
        token = copy.copy(token)  # the parser's tokens are shared (parsed once per text): change a copy
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
                options, body, before, option_lines = _split_directive(token.content)
                name = m["name"]
                block = Block(page.path, start + 1, name, m["argument"].strip(), options, body,
                              start + 2 + before, directives, {k: start + 2 + n for k, n in option_lines.items()})
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
