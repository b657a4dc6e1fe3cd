"""What a parsed page is made of: its blocks, headings, runs of text and links, each with its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .reading import where


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
    option_lines: dict[str, int] = field(default_factory=dict)  # the line of each option

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
