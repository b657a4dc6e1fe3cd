"""Whole source lines, with whether each is code, for checks that read lines (secrets, open ports)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .page import FENCES, PROSE_DIRECTIVES, parse
from .reading import where


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
    path = Path(path)
    return _lines(path, path.stat().st_mtime)


@functools.lru_cache(maxsize=256)
def _lines(path: Path, mtime: float) -> list[Line]:  # once per version of the file, as parse()
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
