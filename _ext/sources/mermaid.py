"""The words a Mermaid diagram shows, read from its source: for the checks that read a page's text
(acronyms), which must see a diagram's labels as a reader sees them.

``diagram_labels(code)`` parses the code of a ``{mermaid}`` block, statement by statement, as
Mermaid's own grammars read the three kinds of diagram this site draws (flowchart, state diagram,
sequence diagram), and returns each piece of text it shows, with its line: the accessible title and
description (``accTitle``, ``accDescr``), a front-matter ``title``, node, edge and subgraph labels,
states and their descriptions, notes, participants, messages and the titles of sequence blocks
(``loop``, ``alt``...). A node, state or participant given no label shows its ID, so its ID is its
label. ``<br>`` shows as a line break (a space here), and Mermaid's entity codes (``#quot;``) and
HTML entities as their characters.

A diagram of another kind, or a statement this reader does not know, raises ``MermaidError`` with
its line, rather than being skipped: a check must never pass because it could not read a label.
``tests/test_sources.py`` proves that, for every diagram of the site, these labels hold the words
Mermaid drew in its files in ``_diagrams/``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Label:
    line: int  # the line of the code it is on, from 0
    text: str  # as the diagram shows it
    role: str  # title, description, node, edge, subgraph, state, note, participant, message, block


class MermaidError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line  # from 0, like Label.line


def shown(text: str) -> str:
    """A label as the diagram shows it: unquoted, `<br>` as a space, entities decoded."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if len(text) >= 2 and text[0] == text[-1] == "`":  # a Markdown string: "`**bold** text`"
        text = re.sub(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)", "", text[1:-1])
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"#(\w+);", lambda m: html.unescape(f"&#{m[1]};" if m[1].isdigit() else f"&{m[1]};"), text)
    return " ".join(html.unescape(text).split())


# -- Statements every kind of diagram shares -----------------------------------------------------

ACC_TITLE = re.compile(r"^accTitle\s*:\s*(?P<text>.*)$")
ACC_DESCR = re.compile(r"^accDescr\s*:\s*(?P<text>.*)$")
ACC_DESCR_BLOCK = re.compile(r"^accDescr\s*\{\s*(?P<text>[^}]*)$")


def _statements(code: str) -> tuple[list[Label], list[tuple[int, str]]]:
    """The labels of front matter and accessibility statements, and every other statement
    (line, text), comments and blank lines left out."""
    labels: list[Label] = []
    lines = code.splitlines()
    rest: list[tuple[int, str]] = []
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].strip() == "---":  # front matter: config, and a title it shows
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "---"), None)
        if end is None:
            raise MermaidError(i, "front matter with no closing '---'")
        front = yaml.safe_load("\n".join(lines[i + 1:end])) or {}
        if isinstance(front, dict) and front.get("title"):
            line = next(j for j in range(i + 1, end) if lines[j].lstrip().startswith("title"))
            labels.append(Label(line, shown(str(front["title"])), "title"))
        i = end + 1
    while i < len(lines):
        text = lines[i].strip()
        if not text or text.startswith("%%"):
            i += 1
            continue
        if m := ACC_TITLE.match(text):
            labels.append(Label(i, shown(m["text"]), "title"))
        elif m := ACC_DESCR.match(text):
            labels.append(Label(i, shown(m["text"]), "description"))
        elif m := ACC_DESCR_BLOCK.match(text):
            start, body = i, [m["text"]]
            while "}" not in lines[i]:
                i += 1
                if i == len(lines):
                    raise MermaidError(start, "accDescr { ... } is never closed")
                body.append(lines[i].split("}", 1)[0] if "}" in lines[i] else lines[i])
            labels.append(Label(start, shown(" ".join(body)), "description"))
        else:
            rest.append((i, text))
        i += 1
    return labels, rest


def diagram_labels(code: str) -> list[Label]:
    """Every piece of text the diagram shows, in the order of its lines."""
    labels, statements = _statements(code)
    if not statements:
        raise MermaidError(0, "no diagram type")
    line, header = statements[0]
    kind = header.split()[0]
    if kind in ("flowchart", "graph"):
        labels += _flowchart(statements[1:])
    elif kind in ("stateDiagram", "stateDiagram-v2"):
        labels += _state_diagram(statements[1:])
    elif kind == "sequenceDiagram":
        labels += _sequence_diagram(statements[1:])
    else:
        raise MermaidError(line, f"a {kind!r} diagram, which the source reader cannot read yet (_ext/sources/mermaid.py)")
    return sorted(labels, key=lambda label: label.line)


# -- Flowcharts ------------------------------------------------------------------------------------

NODE_ID = re.compile(r"[A-Za-z0-9_]+")
# A node's shape: its opening and its closing, longest openings first (Mermaid's flowchart lexer).
SHAPES = [
    ("(((", ")))"), ("((", "))"), ("([", "])"), ("[[", "]]"), ("[(", ")]"), ("{{", "}}"),
    ("[/", "/]"), ("[/", "\\]"), ("[\\", "\\]"), ("[\\", "/]"), ("(", ")"), ("[", "]"), ("{", "}"), (">", "]"),
]
# An edge with its text inline: `-- text -->`, `-. text .->`, `== text ==>` (ends as Mermaid's lexer has them).
EDGE_WITH_TEXT = re.compile(r"\s*[<ox]?(?:--|==|-\.)\s+(?P<text>\"[^\"]*\"|[^\"]+?)\s*(?:--+[->ox]|---+|==+[=>ox]|\.-+[>ox]?)\s*")
EDGE = re.compile(r"\s*(?:\w+@)?[<ox]?(?:-{2,}|={2,}|-\.+-|~{3,})[>ox]?\s*")
EDGE_TEXT = re.compile(r"\|(?P<text>[^|]*)\|\s*")
IGNORED = re.compile(r"^(direction|classDef|class|style|linkStyle)\b")


def _label(text: str, pos: int, closing: str) -> tuple[str, int]:
    """A node's label from `pos`, up to its `closing`: quoted ("...") or not."""
    if text.startswith('"', pos):
        end = text.find('"', pos + 1)
        if end < 0 or not text.startswith(closing, end + 1):
            raise ValueError(f"a quoted label not closed by {closing!r}")
        return text[pos:end + 1], end + 1 + len(closing)
    end = text.find(closing, pos)
    if end < 0:
        raise ValueError(f"a label not closed by {closing!r}")
    return text[pos:end], end + len(closing)


def _node(text: str, pos: int) -> tuple[str, str | None, int]:
    """A node at `pos`: its ID, its label (None when it has no shape here) and where it ends."""
    m = NODE_ID.match(text, pos)
    if not m:
        raise ValueError(f"a node expected at {text[pos:pos + 20]!r}")
    node, pos, label = m.group(0), m.end(), None
    if text.startswith("@{", pos):  # the shape syntax: A@{ shape: rect, label: "Text" }
        end = text.find("}", pos)
        if end < 0:
            raise ValueError("a shape '@{' with no closing '}'")
        options = yaml.safe_load("{" + text[pos + 2:end] + "}") or {}
        label, pos = (str(options["label"]) if "label" in options else None), end + 1
    else:
        for opening, closing in SHAPES:
            if text.startswith(opening, pos):
                label, pos = _label(text, pos + len(opening), closing)
                break
    if text.startswith(":::", pos):
        pos = NODE_ID.match(text, pos + 3).end()
    return node, label, pos


def _chain(text: str) -> list[tuple[str, str | None]]:
    """A statement of nodes and edges (`a[A] -->|yes| b & c`), in order: (node ID, its label or
    None) for a node, ("", text) for an edge's text."""
    found, pos = [], 0
    while True:
        node, label, pos = _node(text, pos)
        found.append((node, label))
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if pos == len(text):
            return found
        if text[pos] in "&;":
            pos += 1
            while pos < len(text) and text[pos] == " ":
                pos += 1
            if pos == len(text):
                return found
            continue
        if m := EDGE_WITH_TEXT.match(text, pos):
            found.append(("", m["text"]))
        elif m := EDGE.match(text, pos):
            if t := EDGE_TEXT.match(text, m.end()):
                found.append(("", t["text"]))
                m = t
        else:
            raise ValueError(f"an edge or the end expected at {text[pos:pos + 20]!r}")
        pos = m.end()


def _flowchart(statements: list[tuple[int, str]]) -> list[Label]:
    labels, first_seen, labelled, subgraphs = [], {}, set(), set()
    for line, text in statements:
        if text == "end" or IGNORED.match(text):
            continue
        if text.startswith("subgraph ") or text == "subgraph":
            rest = text[len("subgraph"):].strip()
            if m := re.match(r"^(?P<id>[A-Za-z0-9_]+)\s*\[(?P<title>.*)\]$", rest):
                subgraphs.add(m["id"])
                labels.append(Label(line, shown(m["title"]), "subgraph"))
            elif rest:
                subgraphs.add(rest.strip('"'))
                labels.append(Label(line, shown(rest), "subgraph"))
            continue
        try:
            chain = _chain(text)
        except ValueError as e:
            raise MermaidError(line, f"a flowchart statement the source reader cannot read: {e}") from None
        for node, label in chain:
            if not node:
                labels.append(Label(line, shown(label), "edge"))
                continue
            first_seen.setdefault(node, line)
            if label is not None:
                labelled.add(node)
                labels.append(Label(line, shown(label), "node"))
    # A node given no label shows its ID; a subgraph's ID in an edge is the subgraph, not a node.
    labels += [Label(line, node, "node") for node, line in first_seen.items() if node not in labelled | subgraphs]
    return labels


# -- State diagrams --------------------------------------------------------------------------------

STATE_AS = re.compile(r'^state\s+"(?P<text>[^"]*)"\s+as\s+(?P<id>\w+)\s*(?P<open>\{)?$')
STATE = re.compile(r"^state\s+(?P<id>\w+)\s*(?:<<\w+>>)?\s*(?P<open>\{)?$")
STATE_NOTE = re.compile(r"^note\s+(?:left|right)\s+of\s+(?P<id>\w+)\s*(?::\s*(?P<text>.*))?$")
TRANSITION = re.compile(r"^(?P<a>\[\*\]|\w+)(?::::\w+)?\s*-->\s*(?P<b>\[\*\]|\w+)(?::::\w+)?\s*(?::\s*(?P<text>.*))?$")
DESCRIPTION = re.compile(r"^(?P<id>\w+)\s*:\s*(?P<text>.*)$")
STATE_IGNORED = re.compile(r"^(direction|classDef|class|style|--|\}$)")


def _state_diagram(statements: list[tuple[int, str]]) -> list[Label]:
    labels, first_seen, described = [], {}, set()
    i = 0
    while i < len(statements):
        line, text = statements[i]
        i += 1
        if STATE_IGNORED.match(text):
            continue
        if m := STATE_AS.match(text):
            first_seen.setdefault(m["id"], line)
            described.add(m["id"])
            labels.append(Label(line, shown(m["text"]), "state"))
        elif m := STATE.match(text):
            first_seen.setdefault(m["id"], line)
        elif m := STATE_NOTE.match(text):
            if m["text"] is not None:
                labels.append(Label(line, shown(m["text"]), "note"))
                continue
            body = []
            while i < len(statements) and statements[i][1] != "end note":
                body.append(statements[i][1])
                i += 1
            if i == len(statements):
                raise MermaidError(line, "a note with no 'end note'")
            i += 1
            labels.append(Label(line, shown(" ".join(body)), "note"))
        elif m := TRANSITION.match(text):
            for state in (m["a"], m["b"]):
                if state != "[*]":
                    first_seen.setdefault(state, line)
            if m["text"]:
                labels.append(Label(line, shown(m["text"]), "edge"))
        elif m := DESCRIPTION.match(text):
            first_seen.setdefault(m["id"], line)
            described.add(m["id"])
            labels.append(Label(line, shown(m["text"]), "state"))
        else:
            raise MermaidError(line, f"a state diagram statement the source reader cannot read: {text!r}")
    labels += [Label(line, state, "state") for state, line in first_seen.items() if state not in described]
    return labels


# -- Sequence diagrams -----------------------------------------------------------------------------

PARTICIPANT = re.compile(r"^(?:create\s+)?(?:participant|actor)\s+(?P<id>[^\s]+?)(?:\s+as\s+(?P<text>.+))?$")
MESSAGE = re.compile(r"^(?P<a>[^\s:+-][^:]*?)\s*(?:-{1,2}(?:>>|>|x|\))|<<-{1,2}>>)[+-]?\s*(?P<b>[^:]+?)\s*:\s*(?P<text>.*)$")
SEQUENCE_NOTE = re.compile(r"^note\s+(?:left of|right of|over)\s+[^:]+:\s*(?P<text>.*)$", re.IGNORECASE)
SEQUENCE_BLOCK = re.compile(r"^(?P<kind>loop|alt|else|opt|par|and|critical|option|break)\b\s*(?P<text>.*)$")
SEQUENCE_IGNORED = re.compile(r"^(end|autonumber|activate\s|deactivate\s|destroy\s|rect\s)")


def _sequence_diagram(statements: list[tuple[int, str]]) -> list[Label]:
    labels, first_seen, named = [], {}, set()
    for line, text in statements:
        if SEQUENCE_IGNORED.match(text):
            continue
        if m := PARTICIPANT.match(text):
            first_seen.setdefault(m["id"], line)
            if m["text"]:
                named.add(m["id"])
                labels.append(Label(line, shown(m["text"]), "participant"))
        elif m := SEQUENCE_NOTE.match(text):
            labels.append(Label(line, shown(m["text"]), "note"))
        elif m := SEQUENCE_BLOCK.match(text):
            if m["text"]:
                labels.append(Label(line, shown(m["text"]), "block"))
        elif m := MESSAGE.match(text):
            for actor in (m["a"], m["b"]):
                first_seen.setdefault(actor, line)
            labels.append(Label(line, shown(m["text"]), "message"))
        elif text.startswith("title "):
            labels.append(Label(line, shown(text[len("title "):]), "title"))
        else:
            raise MermaidError(line, f"a sequence diagram statement the source reader cannot read: {text!r}")
    labels += [Label(line, actor, "participant") for actor, line in first_seen.items() if actor not in named]
    return labels
