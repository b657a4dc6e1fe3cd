"""Reading the snippet files as the reader's shell reads them (shared by the rule checks, which
`nox -s check` runs, and the emulator tests; it needs neither boto3 nor the emulator).

* ``snippet_files()``: every snippet file a page includes (howto/ and, when present, tutorials/).
* ``on_instance(section)``: a section that runs on the instance, not in the reader's terminal;
  its start line says ``not-emulated: runs on the instance`` (the reason must start so).
* ``logical_lines(section)``: the section's commands as the shell sees them, one per logical
  line (backslash-newline joined), with here-document bodies left out: a body is data written
  to a file (JSON, a user data script), not a command the reader's shell parses.
* ``zsh_words(texts)``: zsh's own lexer (the ``(z)`` parameter flag) splits each text into
  words as interactive zsh does with its defaults, where ``#`` starts no comment; ``(Z+C+)``
  splits it again with comments stripped. The two differ exactly where a shell that allows
  comments sees one, with quoting, ``${x##*/}``, ``$#`` and ``a#b`` handled by zsh itself.
  One zsh process splits every text not split before (``section_words()`` hands it all the
  lines of all the files at once); the answers are kept for the rest of the run.
* ``variables_read(section)``: the variables a section reads before it sets them, which must
  therefore be set before it is pasted (a part's "If you opened a new terminal" block must set
  them), as bashlex (a port of bash's parser) finds them: ``$X`` and ``${X...}`` outside single
  quotes, in an unquoted here-document too, but not after ``X=...`` or ``for X in`` has set it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from snippets import Section  # _ext/snippets.py, the one reader of snippet files

ROOT = Path(__file__).resolve().parents[2]

SNIPPET_DIRS = (ROOT / "howto" / "snippets", ROOT / "tutorials" / "snippets")
ON_INSTANCE = "runs on the instance"
# `<<EOF`, `<<'EOF'`, `<<"EOF"`, `<<-EOF`: the operator that starts a here-document.
HEREDOC = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def snippet_files(suffix: str) -> list[Path]:
    return sorted(p for d in SNIPPET_DIRS if d.is_dir() for p in d.glob(f"*{suffix}"))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def on_instance(section: Section) -> bool:
    return bool(section.reason and section.reason.startswith(ON_INSTANCE))


@dataclass
class Line:
    number: int  # the file line where the logical line starts
    text: str


@dataclass
class HereDoc:
    number: int  # the line of the `<<` operator
    target: str | None  # the file it writes, for `cat > FILE <<...` and `cat >> FILE <<...`
    body: str


def split_heredocs(section: Section) -> tuple[list[Line], list[HereDoc]]:
    """The section's physical lines without here-document bodies, and the bodies."""
    lines, docs, body, end = [], [], None, None
    for number, text in enumerate(section.code.splitlines(), start=section.line + 1):
        if body is not None:
            if (text.lstrip("\t") if end[1] else text) == end[0]:
                docs[-1].body = "\n".join(body) + "\n"
                body = None
            else:
                body.append(text)
            continue
        lines.append(Line(number, text))
        if m := HEREDOC.search(text):
            target = re.search(r'>>?[ \t]*"?([\w./~$-]+)"?', text[: m.start()])  # `> x.json`, `> "$DIR/x.json"`
            docs.append(HereDoc(number, target and target[1], ""))
            body, end = [], (m[3], m[1] == "-")
    assert body is None, f"section {section.name!r}: here-document {end[0]} is never ended"
    return lines, docs


def logical_lines(section: Section) -> list[Line]:
    """Physical lines joined at a trailing backslash, here-document bodies left out."""
    out: list[Line] = []
    joining = False
    for line in split_heredocs(section)[0]:
        if joining:
            out[-1].text = out[-1].text[:-1] + line.text
        else:
            out.append(Line(line.number, line.text))
        joining = re.search(r"(?<!\\)(\\\\)*\\$", line.text) is not None
    return [line for line in out if line.text.strip()]


ZSH_SPLIT = r"""
while IFS= read -r -d '' text; do
  print -rn -- "${(pj:\x1f:)${(z)text}}"$'\x1e'"${(pj:\x1f:)${(Z+C+)text}}"$'\0'
done
"""


_SPLIT: dict[str, tuple[list[str], list[str]]] = {}  # text -> its words, as zsh_words() found them


def zsh_words(texts: list[str]) -> list[tuple[list[str], list[str]]]:
    """For each text: its words as interactive zsh splits them, and without comments."""
    new = list(dict.fromkeys(t for t in texts if t not in _SPLIT))
    if new:
        out = subprocess.run(
            ["zsh", "-f", "-c", ZSH_SPLIT], input="".join(t + "\0" for t in new),
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout
        pairs = [item.split("\x1e") for item in out.split("\0")[:-1]]
        assert len(pairs) == len(new), "zsh did not split every line"
        for text, (a, b) in zip(new, pairs):
            _SPLIT[text] = ([w for w in a.split("\x1f") if w], [w for w in b.split("\x1f") if w])
    return [_SPLIT[t] for t in texts]


def section_words(sections: list[Section]) -> list[list[tuple[Line, list[str], list[str]]]]:
    """For each section: its logical lines, each with its words as pasted and without comments,
    split by one zsh process for all the sections."""
    lines = [logical_lines(section) for section in sections]
    zsh_words([line.text for each in lines for line in each])
    return [[(line, *zsh_words([line.text])[0]) for line in each] for each in lines]


def _nodes(node):
    """Every bashlex node under node, here-documents' words included (and an `if`'s third branch on,
    which bashlex nests as a list in a reserved word's `word`)."""
    yield node
    for name in ("parts", "list", "command", "body", "output", "heredoc", "word"):
        child = getattr(node, name, None)
        for c in child if isinstance(child, list) else [child] if child is not None and hasattr(child, "kind") else []:
            yield from _nodes(c)


def _name(parameter: str) -> str | None:
    """The variable a parameter expansion reads: `#READER` (its length) reads READER; `?`, `1` none."""
    m = re.match(r"[#!]?([A-Za-z_][A-Za-z0-9_]*)", parameter)
    return m[1] if m else None


def _events(code: str, offset: int = 0) -> list[tuple[int, str, str]]:
    """(position, "read" or "set", name) for what the code reads and sets, as bashlex parses it. A
    variable is set where its assignment ends (`X=$(f "$X")` reads X first) or, for a loop's
    variable, at the loop's `do`."""
    import bashlex  # building its parser takes half a second: only when there is code to read

    found = []
    for tree in bashlex.parse(code):
        for node in _nodes(tree):
            if node.kind == "assignment":
                found.append((offset + node.pos[1], "set", node.word.split("=", 1)[0]))
            elif node.kind == "parameter" and (name := _name(node.value)):
                found.append((offset + node.pos[0], "read", name))
            elif node.kind == "for":
                words = [p for p in node.parts if p.kind == "word"]
                do = next((p.pos[0] for p in node.parts if p.kind == "reservedword" and p.word == "do"), node.pos[1])
                if words:
                    found.append((offset + do, "set", words[0].word))
    return found


def variables_read(section: Section) -> list[str]:
    """The variables the section reads before it sets them, in the order of their first read."""
    lines, docs = split_heredocs(section)
    text = [""] * len(section.code.splitlines())
    for line in lines:
        text[line.number - section.line - 1] = HEREDOC.sub("", line.text)
    code = "\n".join(text) + "\n"
    events = _events(code)
    starts = [0]
    for line in text:
        starts.append(starts[-1] + len(line) + 1)
    for doc in docs:
        operator = HEREDOC.search(section.code.splitlines()[doc.number - section.line - 1])
        if not operator[2]:  # an unquoted delimiter: the body expands, as a double-quoted string does
            body = '"' + doc.body.replace('"', '\\"') + '"'
            events += [(starts[doc.number - section.line - 1], kind, name) for _, kind, name in _events(f"echo {body}\n")]
    set_, read = set(), []
    for _, kind, name in sorted(events):
        if kind == "set":
            set_.add(name)
        elif name not in set_ and name not in read:
            read.append(name)
    return read
