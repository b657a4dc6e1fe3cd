"""Reading the site's Markdown sources: pages, their lines outside code, their code blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUADRANTS = ("explanation", "howto", "reference", "docs")
FENCE = re.compile(r"^\s*(`{3,}|:{3,})\s*(\{(?P<directive>[\w:-]+)\}|(?P<lang>[\w-]+))?")


def pages(root: Path = ROOT) -> list[Path]:
    found = [p for q in QUADRANTS for p in sorted((root / q).glob("*.md"))]
    return found + ([root / "index.md"] if (root / "index.md").is_file() else [])


@dataclass
class Line:
    path: Path
    number: int
    text: str
    code: bool  # inside a code block (a literal block, not a directive holding prose)
    directives: tuple[str, ...]  # the enclosing directives, outermost first

    def where(self) -> str:
        try:
            return f"{self.path.relative_to(ROOT)}:{self.number}"
        except ValueError:
            return f"{self.path}:{self.number}"


PROSE_DIRECTIVES = {
    "note", "warning", "tip", "important", "caution", "danger", "attention", "hint", "seealso", "admonition",
    "grid", "grid-item", "grid-item-card", "card", "tab-set", "tab-item", "dropdown", "glossary", "list-table",
    "table", "div", "rubric", "topic", "sidebar", "epigraph", "toctree",
}


def lines(path: Path) -> list[Line]:
    """Every line with whether it is code and which directives enclose it (fences tracked by length)."""
    out, stack = [], []  # stack of (fence, directive or None)
    in_front_matter = False
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if number == 1 and text.strip() == "---":
            in_front_matter = True
            out.append(Line(path, number, text, True, ()))
            continue
        if in_front_matter:
            in_front_matter = text.strip() != "---"
            out.append(Line(path, number, text, True, ()))
            continue
        m = FENCE.match(text)
        code = any(d is None or d not in PROSE_DIRECTIVES for _, d in stack)
        if m and stack and m.group(1) == stack[-1][0] and not m.group(2):
            stack.pop()
            out.append(Line(path, number, text, True, tuple(d or "code" for _, d in stack)))
            continue
        if m and not code and (m.group(2) or m.group(1).startswith("`")):
            directive = m.group("directive")
            stack.append((m.group(1), directive if directive else None))
            out.append(Line(path, number, text, True, tuple(d or "code" for _, d in stack)))
            continue
        out.append(Line(path, number, text, code, tuple(d or "code" for _, d in stack)))
    return out


def prose(path: Path) -> list[Line]:
    return [ln for ln in lines(path) if not ln.code]


def words(path: Path) -> int:
    text = " ".join(ln.text for ln in prose(path))
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets are not words
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", text))
