"""What a snippet section may print, as a grammar over the lines of its shown output, and the matcher.

A section's output is what its printing commands print, in order: each `aws` command prints its
operation's output (JSON, text or a table, through its `--query`: `awstypes.py` gives the type),
`echo` and `printf` print their words, a loop prints its body any number of times, an `if` one of
its branches. `expected()` in outputshapes.py builds that grammar from the parsed section; this
module holds its parts and matches a shown output against it.

Matching is done twice. First strictly: every value as AWS CLI version 2 prints it. When that
fails, loosely (a number is a number, whether `80` or `80.0`; a missing JSON document is allowed),
which finds which line came from which command; each strict difference on that reading is then a
problem at its line. When even the loose reading fails, the problem is at the furthest line any
reading reached, with what the commands could have printed there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from awstypes import (ANY, NULL, Array, Literal, Object, Scalar, Shape, Tuple, Type, Union, describe, element_of, kind_of,
                      scalar_problem, shape_name, union)


@dataclass
class Problem:
    line: int  # the output file's line index, from 0
    message: str


@dataclass
class Hit:
    """Lines `start` to `end` (from 0, end excluded) of the output, as `leaf` prints them."""

    leaf: "Leaf"
    start: int
    end: int


@dataclass
class Source:
    """The command a part of the grammar comes from, as messages name it."""

    text: str  # `aws ec2 describe-instances`, `echo`
    where: str  # howto/snippets/x.sh:12
    command: object = None  # for an operation of botocore, its outputshapes.AwsCommand


class Node:
    def match(self, m: "Matcher", i: int):
        """Yield (j, problems) for each way lines[i:j] can be this node's output, shortest first."""
        raise NotImplementedError


@dataclass
class Seq(Node):
    items: list[Node]

    def match(self, m, i):
        yield from self._from(m, 0, i)

    def _from(self, m, k, i):
        if k == len(self.items):
            yield i, ()
            return
        for j, found in self.items[k].match(m, i):
            for end, rest in self._from(m, k + 1, j):
                yield end, found + rest


@dataclass
class Alt(Node):
    options: list[Node]

    def match(self, m, i):
        seen = set()
        for option in self.options:
            for j, found in option.match(m, i):
                key = (j, tuple((p.line, p.message) for p in found if isinstance(p, Problem)))
                if key not in seen:
                    seen.add(key)
                    yield j, found


@dataclass
class Rep(Node):
    """`item` any number of times (at least `least`), each time consuming at least one line."""

    item: Node
    least: int = 0

    def match(self, m, i, count=0):
        if count >= self.least:
            yield i, ()
        for j, found in self.item.match(m, i):
            if j > i:
                for end, rest in self.match(m, j, count + 1):
                    yield end, found + rest


def optional(node: Node) -> Node:
    return Alt([Seq([]), node])


@dataclass
class Required(Node):
    """`node`, which must print at least one line: loosely, nothing counts, as a problem."""

    node: Node
    message: str

    def match(self, m, i):
        for j, found in self.node.match(m, i):
            if j > i:
                yield j, found
        if not m.strict:
            yield i, (Problem(min(i, max(len(m.lines) - 1, 0)), self.message),)


class Leaf(Node):
    source: Source

    def describe(self) -> str:
        raise NotImplementedError

    def match(self, m, i):
        found = list(self.lines(m, i))
        if not found:
            m.missed(i, self)
        for j, problems in found:
            if m.strict and problems:
                m.missed(i, self)
                continue
            yield j, (*problems, Hit(self, i, j))

    def lines(self, m, i):
        raise NotImplementedError


@dataclass
class Cell:
    type: Type
    many: bool = False  # one or more values (a list of scalars on one line)
    optional: bool = False  # an absent member: no value at all
    blank: bool = False  # an empty value (a member other elements of a list have, this one not)


@dataclass
class Line(Leaf):
    """One line of tab-separated values (or one table row), a value per cell."""

    cells: list[Cell]
    source: Source
    multiline: bool = True  # the last value may run over lines (a string holding a JSON document)

    def describe(self):
        cells = " TAB ".join(("one or more " if c.many else "") + describe(c.type) for c in self.cells)
        return f"{self.source.text} ({self.source.where}) prints a line: {cells}"

    def lines(self, m, i):
        if i >= len(m.lines):
            return
        ends = [i + 1]
        last = self.cells[-1].type if self.cells else None
        if m.text and self.multiline and _plain_string(last) and m.tokens(i)[-1][:1] in ("{", "["):
            k = i + 1  # a JSON document held in a string (an EventPattern, a policy) runs over lines
            while k < len(m.lines) and "\t" not in m.lines[k]:
                k += 1
                ends.append(k)
        for j in ends:
            tokens = m.tokens(i) if j == i + 1 else m.tokens(i)[:-1] + ["\n".join([m.tokens(i)[-1], *m.lines[i + 1:j]])]
            for problems in _cells(self.cells, tokens):
                yield j, [Problem(i, f"{p} ({self.source.text}, {self.source.where})") for p in problems]
                break


def _plain_string(t: Type | None) -> bool:
    return (isinstance(t, Shape) and t.kind == "string" and not t.shape.enum) or t in (ANY, Scalar("string"))


def _cells(cells: list[Cell], tokens: list[str], k: int = 0, n: int = 0):
    """Each way `tokens[n:]` fills `cells[k:]`: the strict problems of that way."""
    if k == len(cells):
        if n == len(tokens):
            yield []
        return
    cell = cells[k]
    if cell.optional:
        yield from _cells(cells, tokens, k + 1, n)
    counts = range(1, len(tokens) - n + 1) if cell.many else [1]
    for count in counts:
        if n + count > len(tokens):
            break
        problems, ok = [], True
        for token in tokens[n:n + count]:
            if cell.blank and token == "":
                continue
            fits, problem = scalar_problem(token, cell.type)
            ok = ok and fits
            if problem:
                problems.append(problem)
        if ok:
            for rest in _cells(cells, tokens, k + 1, n + count):
                yield problems + rest


@dataclass
class Pattern(Leaf):
    """A line an `echo` or `printf` prints: literal text, and what its expansions may hold."""

    regex: str
    source: Source

    def describe(self):
        return f"{self.source.text} ({self.source.where}) prints a line like /{self.regex}/"

    def lines(self, m, i):
        if i < len(m.lines) and re.fullmatch(self.regex, m.lines[i], re.S):
            yield i + 1, []


@dataclass
class AnyLine(Leaf):
    source: Source

    def describe(self):
        return f"{self.source.text} ({self.source.where}) prints a line"

    def lines(self, m, i):
        if i < len(m.lines):
            yield i + 1, []


def any_lines(source: Source) -> Node:
    return Rep(AnyLine(source))


# -- JSON ------------------------------------------------------------------------------------------

@dataclass
class JsonValue:
    kind: str  # object, array, string, number, literal (true, false, null)
    raw: str
    line: int  # from 0, within the document
    value: object = None
    items: list = field(default_factory=list)  # array: JsonValue; object: (key, line, JsonValue)


class JsonReader:
    """JSON, keeping each value's line and its text as printed (`80` and `80.0` differ here)."""

    NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
    STRING = re.compile(r'"(?:[^"\\]|\\.)*"')

    def __init__(self, text: str):
        self.text, self.at = text, 0

    def line(self) -> int:
        return self.text.count("\n", 0, self.at)

    def skip(self):
        while self.at < len(self.text) and self.text[self.at] in " \t\r\n":
            self.at += 1

    def value(self) -> JsonValue:
        import json

        self.skip()
        line, c = self.line(), self.text[self.at:self.at + 1]
        if c == "{":
            self.at += 1
            node = JsonValue("object", "{", line)
            self.skip()
            if self.text[self.at:self.at + 1] == "}":
                self.at += 1
                return node
            while True:
                self.skip()
                key_line = self.line()
                key = self.STRING.match(self.text, self.at)
                if not key:
                    raise ValueError("a key")
                self.at = key.end()
                self.skip()
                if self.text[self.at:self.at + 1] != ":":
                    raise ValueError("a colon")
                self.at += 1
                node.items.append((json.loads(key.group()), key_line, self.value()))
                self.skip()
                c, self.at = self.text[self.at:self.at + 1], self.at + 1
                if c == "}":
                    return node
                if c != ",":
                    raise ValueError("a comma")
        if c == "[":
            self.at += 1
            node = JsonValue("array", "[", line)
            self.skip()
            if self.text[self.at:self.at + 1] == "]":
                self.at += 1
                return node
            while True:
                node.items.append(self.value())
                self.skip()
                c, self.at = self.text[self.at:self.at + 1], self.at + 1
                if c == "]":
                    return node
                if c != ",":
                    raise ValueError("a comma")
        for pattern, kind in ((self.STRING, "string"), (self.NUMBER, "number")):
            if found := pattern.match(self.text, self.at):
                self.at = found.end()
                return JsonValue(kind, found.group(), line, json.loads(found.group()))
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.at):
                self.at += len(word)
                return JsonValue("literal", word, line, value)
        raise ValueError("a value")


@dataclass
class Json(Leaf):
    """One JSON document, as `--output json` prints the query's result."""

    type: Type
    source: Source

    def describe(self):
        return f"{self.source.text} ({self.source.where}) prints JSON: {describe(self.type)}"

    def lines(self, m, i):
        if i >= len(m.lines):
            return
        text = "\n".join(m.lines[i:]) + "\n"
        reader = JsonReader(text)
        try:
            document = reader.value()
        except (ValueError, IndexError):
            return
        if text[reader.at:reader.at + 1] != "\n":
            return
        problems: list[Problem] = []
        if json_fits(document, self.type, problems, i):
            yield i + reader.line() + 1, [Problem(p.line, f"{p.message} ({self.source.text}, {self.source.where})")
                                          for p in problems]


def json_fits(node: JsonValue, t: Type, problems: list[Problem], offset: int) -> bool:
    """Whether a JSON value can be a value of `t` (loose); strict differences go into `problems`."""
    if isinstance(t, Union):
        tried = []
        for option in t.options:
            found: list[Problem] = []
            if json_fits(node, option, found, offset):
                if not found:
                    return True
                tried.append(found)
        if tried:
            problems += min(tried, key=len)
            return True
        return False
    if node.kind == "literal" and node.value is None:
        return not isinstance(t, Literal) or t.value is None
    if t == ANY:
        return True
    if isinstance(t, Literal):
        return node.kind not in ("object", "array") and node.value == t.value
    if isinstance(t, Object):
        if node.kind != "object":
            return False
        keys = dict(t.items)
        if [k for k, _, _ in node.items] != list(keys):
            return False
        return all(json_fits(v, keys[k], problems, offset) for k, _, v in node.items)
    if isinstance(t, Tuple):
        if node.kind != "array" or len(node.items) != len(t.items):
            return False
        return all(json_fits(v, item, problems, offset) for v, item in zip(node.items, t.items))
    if isinstance(t, Array):
        return node.kind == "array" and all(json_fits(v, t.element, problems, offset) for v in node.items)
    if isinstance(t, Shape) and t.kind == "structure":
        if node.kind != "object":
            return False
        ok = True
        for key, line, value in node.items:
            if key not in t.shape.members:
                problems.append(Problem(offset + line, f"`{key}` is not a member of {shape_name(t)}: "
                                                       f"its members are {', '.join(t.shape.members) or 'none'}"))
                continue
            ok = json_fits(value, Shape(t.shape.members[key], f"{t.path}.{key}"), problems, offset) and ok
        return ok
    if isinstance(t, Shape) and t.kind == "map":
        return node.kind == "object" and all(
            json_fits(v, Shape(t.shape.value, f"{t.path}.{k}"), problems, offset) for k, _, v in node.items)
    if isinstance(t, Shape) and t.kind == "list":
        return node.kind == "array" and all(
            json_fits(v, Shape(t.shape.member, f"{t.path}[]"), problems, offset) for v in node.items)
    if node.kind in ("object", "array"):
        return False
    shown = node.value if node.kind == "string" else node.raw
    fits, problem = scalar_problem(str(shown), t, json=True, raw=node.raw)
    if problem:
        problems.append(Problem(offset + node.line, problem))
    return fits


# -- Tables ----------------------------------------------------------------------------------------

@dataclass
class Table(Leaf):
    """`--output table`: a bordered table titled with the operation's name, its rows the query's."""

    title: str
    rows: Node  # a grammar over the table's rows, each row's cells as one Line's values
    source: Source

    def describe(self):
        return f"{self.source.text} ({self.source.where}) prints a table titled {self.title}"

    def lines(self, m, i):
        n = i
        while n < len(m.lines) and m.lines[n][:1] in ("-", "+", "|"):
            n += 1
        block = m.lines[i:n]
        if len(block) < 3 or not block[0].startswith("-") or not block[1].startswith("|"):
            return
        title = block[1].strip("|").strip()
        borders = [k for k, line in enumerate(block) if line.startswith("+")]
        rows = [(i + k, [c.strip() for c in line[1:-1].split("|")]) for k, line in enumerate(block)
                if line.startswith("|") and k > 1]
        inner = Matcher([" ".join(cells) for _, cells in rows], m.strict, cells=[cells for _, cells in rows])
        found = inner.first(self.rows)
        if found is None or not borders:
            return
        problems = [Problem(rows[p.line][0] if p.line < len(rows) else i, p.message) for p in found
                    if isinstance(p, Problem)]
        if title != self.title:
            problems.append(Problem(i + 1, f"a table from {self.source.text} is titled {self.title}, not {title}"))
        yield n, problems


# -- The matcher ------------------------------------------------------------------------------------

class TooAmbiguous(RuntimeError):
    pass


class Matcher:
    BUDGET = 200_000  # steps before a reading is given up as too ambiguous to check

    def __init__(self, lines: list[str], strict: bool, cells: list[list[str]] | None = None):
        self.lines, self.strict, self.cells = lines, strict, cells
        self.text = cells is None
        self.furthest: tuple[int, list[str]] = (-1, [])  # the furthest line a leaf failed on, and the leaves
        self.reached = 0  # the furthest line a whole reading ended on, short of the end
        self.steps = 0

    def tokens(self, i: int) -> list[str]:
        return self.cells[i] if self.cells is not None else self.lines[i].split("\t")

    def missed(self, i: int, leaf: Leaf) -> None:
        self.steps += 1
        if self.steps > self.BUDGET:
            raise TooAmbiguous
        if i > self.furthest[0]:
            self.furthest = (i, [])
        if i == self.furthest[0] and leaf.describe() not in self.furthest[1]:
            self.furthest[1].append(leaf.describe())

    def first(self, node: Node) -> list[Problem | Hit] | None:
        for j, found in node.match(self, 0):
            self.steps += 1
            if self.steps > self.BUDGET:
                raise TooAmbiguous
            if j == len(self.lines):
                return list(found)
            self.reached = max(self.reached, j)
        return None


# -- Formats: what the AWS CLI prints for a value of a type (awscli/text.py, formatter.py) ----------

def text_node(t: Type, source: Source, identifier: str | None = None) -> Node:
    """`--output text` of a value of `t`, as the AWS CLI's text formatter writes it."""
    kinds, options = kind_of(t), []
    if "scalar" in kinds:
        options.append(Line([Cell(_scalar_part(t))], source))
    if "list" in kinds:
        options.append(_text_list(t, source, identifier))
    if "dict" in kinds:
        options.append(_text_dict(t, source, identifier))
    if "scalar" not in kinds:
        options.append(Line([Cell(NULL)], source))  # a member that is absent, a query that found nothing
    return options[0] if len(options) == 1 else Alt(options)


def _scalar_part(t: Type) -> Type:
    if isinstance(t, Union):
        return union(*(o for o in t.options if "scalar" in kind_of(o)))
    return t


def _prefix(identifier: str | None) -> list[Cell]:
    return [Cell(Literal(identifier.upper()))] if identifier else []


def _text_list(t: Type, source: Source, identifier: str | None) -> Node:
    if isinstance(t, Tuple):
        scalars = [item for item in t.items if kind_of(item) == {"scalar"}]
        others = [item for item in t.items if kind_of(item) != {"scalar"}]
        if not others:
            if identifier:
                return Seq([Line(_prefix(identifier) + [Cell(item)], source) for item in scalars])
            return Line([Cell(item) for item in t.items], source)
        parts = [Line(_prefix(identifier) + [Cell(item) for item in scalars], source)] if scalars else []
        return Seq(parts + [text_node(item, source, identifier) for item in others])
    element = element_of(t) or ANY
    kinds, options = kind_of(element), []
    if "scalar" in kinds:
        scalar = _scalar_part(element)
        options.append(Rep(Line(_prefix(identifier) + [Cell(scalar)], source), 1) if identifier
                       else Line([Cell(scalar, many=True)], source))
    if "list" in kinds:
        options.append(Rep(text_node(element, source, identifier), 1))
    if "dict" in kinds:
        options.append(Rep(_text_dict(element, source, identifier, in_list=True), 1))
    return optional(options[0] if len(options) == 1 else Alt(options))


def _text_dict(t: Type, source: Source, identifier: str | None, in_list: bool = False) -> Node:
    if isinstance(t, Union):
        return Alt([_text_dict(o, source, identifier, in_list) for o in t.options if "dict" in kind_of(o)])
    if isinstance(t, Object):
        members = [(k, v, False) for k, v in t.items]
    elif isinstance(t, Shape) and t.kind == "structure":
        members = [(k, Shape(s, f"{t.path}.{k}"), True) for k, s in t.shape.members.items()]
    elif isinstance(t, Shape) and t.kind == "map":
        value = Shape(t.shape.value, f"{t.path}.*")
        if kind_of(value) == {"scalar"}:
            return optional(Line(_prefix(identifier) + [Cell(value, many=True)], source))
        return any_lines(source)
    else:
        return any_lines(source)
    scalars = sorted((k, v, absent) for k, v, absent in members if kind_of(v) == {"scalar"})
    others = sorted((k, v, absent) for k, v, absent in members if kind_of(v) != {"scalar"})
    cells = [Cell(v, optional=absent and not in_list, blank=absent and in_list) for _, v, absent in scalars]
    parts: list[Node] = []
    if cells:
        line = Line(_prefix(identifier) + cells, source)
        parts.append(optional(line) if all(c.optional or c.blank for c in cells) else line)
    for key, value, absent in others:
        node = text_node(value, source, key)
        parts.append(optional(node) if absent else node)
    return Seq(parts)


def table_rows(t: Type, source: Source) -> Node | None:
    """The rows of `--output table` for a value of `t`, when they are lists (None for other tables)."""
    if isinstance(t, Tuple):
        if all(kind_of(item) == {"scalar"} for item in t.items):
            return Seq([Line([Cell(item)], source, multiline=False) for item in t.items])
        return None
    element = element_of(t)
    if element is None:
        return None
    if kind_of(element) == {"scalar"}:
        return Rep(Line([Cell(element)], source, multiline=False))
    if isinstance(element, Tuple) and all(kind_of(item) == {"scalar"} for item in element.items):
        return Rep(Line([Cell(item) for item in element.items], source, multiline=False))
    if isinstance(element, Array) or (isinstance(element, Shape) and element.kind == "list"):
        inner = element_of(element)
        if inner is not None and kind_of(inner) == {"scalar"}:
            return Rep(Line([Cell(inner, many=True)], source, multiline=False))
    return None
