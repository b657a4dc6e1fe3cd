"""Every shown output of an `aws` command, checked against botocore's description of what AWS prints.

A page shows a snippet section's output from ``<quadrant>/outputs/<file>/<section>.txt``: what the
commands of ``<quadrant>/snippets/<file>.sh``'s section ``<section>`` print. ``problems()`` reads
each such section as bash parses it (bashlex), works out what its commands may print
(``expected()``: each `aws` command prints its operation's output shape through its `--query`,
in its `--output` format; `echo` and `printf` their words; loops and `if` as the shell runs them)
and matches the shown output against that (printing.py). It fails, naming the output file and
line, when:

- a value does not print as AWS CLI version 2 prints it: a Double without its decimal point
  (`80` for Budgets' Threshold, which AWS prints `80.0`), a string amount unquoted in JSON, an
  Integer with one, a Timestamp not in ISO 8601, a value outside its enum;
- the output shows a member the output shape lacks, or the query names one (the query's problem
  is named at the snippet's line too);
- an operation whose output shape has members shows no output (DeleteSecurityGroup prints
  `Return` and `GroupId`): only a command whose output goes elsewhere (`>/dev/null`, `$(...)`)
  or that a `--query` narrows prints less;
- the shown lines cannot be what the commands print at all (a table where text is printed,
  a line too many).

botocore's output shape decides. The AWS CLI's own examples (``awscli/examples/``, in the AWS CLI
version 1 package the emulator's tests install) are compared by ``example_notes()`` for review
only: some are older than the API (delete-security-group's says it prints nothing).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from botocore import xform_name

from awstypes import Literal, QueryError, Scalar, Shape, query_type
from printing import (Alt, AnyLine, Hit, Json, Matcher, Node, Pattern, Problem, Required, Rep, Seq, Source, Table,
                      TooAmbiguous, any_lines, optional, table_rows, text_node)
from snippets import Section, parse_sections
from snippetshell import HEREDOC, split_heredocs

ROOT = Path(__file__).resolve().parents[2]
QUADRANTS = ("howto", "tutorials")
ARITHMETIC = re.compile(r"\$\(\([^()]*(?:\([^()]*\)[^()]*)*\)\)")  # bashlex cannot parse $((...)); it holds no command
SERVICES = {"s3api": "s3"}  # the AWS CLI's name of a service, where botocore's differs
SILENT = {"cd", "export", "read", "sleep", "set", "unset", "local", "true", "false", ":", "break", "continue",
          "return", "mkdir", "rm", "[", "[[", "test", "shift", "wait", "trap", "source", ".", "chmod", "touch",
          "umask", "exit", "alias", "typeset", "declare", "setopt"}


@functools.cache
def _model(service: str):
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    from botocore_models import service_model

    return service_model(service)


@dataclass
class Context:
    """One section as bashlex read it: its code (here-document bodies blanked) and where it lives."""

    code: str
    path: Path
    section: Section
    problems: list  # (snippet line, message): a query naming what the shape lacks, a command unknown

    def where(self, pos: int) -> str:
        rel = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{rel}:{self.section.line + 1 + self.code.count(chr(10), 0, pos)}"


def section_code(section: Section) -> str:
    """The section's code as bashlex can read it: each value to replace filled in (its placeholder is
    a line the shell refuses), here-document bodies and `$((...))` blanked, every line where it was
    (permissions.py reads snippets the same way)."""
    section = dataclasses.replace(section, code=section.filled())
    lines, _ = split_heredocs(section)
    text = [""] * len(section.code.splitlines())
    for line in lines:
        text[line.number - section.line - 1] = HEREDOC.sub("", line.text)
    return ARITHMETIC.sub("0", "\n".join(text) + "\n")


def expected(path: Path, section: Section) -> tuple[Node, list[tuple[str, str]]]:
    """What a section may print, and the problems found reading its commands."""
    import bashlex

    ctx = Context(section_code(section), path, section, [])
    trees = bashlex.parse(ctx.code)
    return Seq([_printed(tree, ctx) for tree in trees]), ctx.problems


def _parts(node) -> list:
    return [p for p in (getattr(node, "parts", None) or getattr(node, "list", None) or [])]


def _stdout_elsewhere(redirects) -> bool:
    """Whether a redirect sends standard output away from the terminal (`> file`, `>/dev/null`, `&>`)."""
    for r in redirects:
        if r.kind != "redirect":
            continue
        fd = getattr(r, "input", None)
        if r.type in (">", ">>", ">|", "&>", "&>>") and fd in (None, 1):
            return True
        if r.type == ">&" and fd in (None, 1) and getattr(r, "output", None) == 2:
            return True
    return False


def _printed(node, ctx: Context) -> Node:
    kind = node.kind
    if kind == "list":
        items, after = [], None
        for part in node.parts:
            if part.kind == "operator":
                after = part.op
                continue
            printed = _printed(part, ctx)
            items.append(optional(printed) if after in ("&&", "||") else printed)
        return Seq(items)
    if kind == "compound":
        if _stdout_elsewhere(getattr(node, "redirects", []) or []):
            return Seq([])
        return Seq([_printed(p, ctx) for p in node.list if p.kind not in ("reservedword", "operator")])
    if kind == "pipeline":
        commands = [p for p in node.parts if p.kind != "pipe"]
        return _printed(commands[-1], ctx)
    if kind == "if":
        return _if(node, ctx)
    if kind in ("for", "while", "until"):
        parts = node.parts
        do = next(k for k, p in enumerate(parts) if p.kind == "reservedword" and p.word == "do")
        body = Seq([_printed(p, ctx) for p in parts[do + 1:-1] if p.kind not in ("reservedword", "operator")])
        if kind == "for":
            return Rep(body)
        condition = Seq([_printed(p, ctx) for p in parts[1:do] if p.kind not in ("reservedword", "operator")])
        return Seq([Rep(Seq([condition, body])), condition])
    if kind == "function":
        return Seq([])
    if kind == "command":
        return _command(node, ctx)
    return Seq([])


def _branches(parts: list) -> list:
    """An `if`'s parts in order: bashlex nests its third branch on (`elif ...; then ...`) as a list in
    a reserved word's `word`, which this flattens. bashlex (0.18) places the nodes of such a branch
    too early by the backslash-newlines the section has before the `if`, so what they print reads
    wrongly there: a section that shows its output keeps to two branches (`if`, `elif`, `else`) and
    nests a further choice."""
    flat = []
    for part in parts:
        flat += _branches(part.word) if part.kind == "reservedword" and isinstance(part.word, list) else [part]
    return flat


def _if(node, ctx: Context) -> Node:
    """One branch: the conditions tried up to it, then its body (or, without `else`, the conditions alone)."""
    segments: list[tuple[str, list[Node]]] = []
    for part in _branches(node.parts):
        if part.kind == "reservedword" and part.word in ("if", "elif", "then", "else", "fi"):
            segments.append((part.word, []))
        elif part.kind not in ("operator", "reservedword"):
            segments[-1][1].append(_printed(part, ctx))
    conditions, branches = [], []
    for keyword, nodes in segments:
        if keyword in ("if", "elif"):
            conditions.append(Seq(nodes))
        elif keyword in ("then", "else"):
            branches.append(Seq([*conditions, Seq(nodes)]))
    if "else" not in [keyword for keyword, _ in segments]:
        branches.append(Seq(conditions))
    return Alt(branches)


def _command(node, ctx: Context) -> Node:
    words = [p for p in node.parts if p.kind == "word"]
    redirects = [p for p in node.parts if p.kind == "redirect"]
    if not words or _stdout_elsewhere(redirects):
        return Seq([])
    name = words[0].word
    source = Source(" ".join(w.word for w in words[:3]) if name == "aws" else name, ctx.where(node.pos[0]))
    if name == "aws":
        return _aws([w.word for w in words[1:]], source, ctx)
    if name == "echo":
        return _lines(_echo(words[1:], ctx), source)
    if name == "printf" and len(words) > 1:
        return _lines(_printf(words[1].word), source)
    if name in SILENT:
        return Seq([])
    return any_lines(source)


def _lines(pieces: list[tuple[str, bool]], source: Source) -> Node:
    """Pattern lines from literal text and expansions (`(text, is_regex)` pieces), split at newlines."""
    lines, current = [], ""
    for text, is_regex in pieces:
        if is_regex:
            current += text
            continue
        chunks = text.split("\n")
        current += re.escape(chunks[0])
        for chunk in chunks[1:]:
            lines.append(current)
            current = re.escape(chunk)
    if current or not lines:
        lines.append(current)
    return Seq([Pattern(line, source) for line in lines])


def _echo(words, ctx: Context) -> list[tuple[str, bool]]:
    while words and re.fullmatch(r"-[neE]+", words[0].word):
        words = words[1:]
    pieces: list[tuple[str, bool]] = []
    for k, word in enumerate(words):
        if k:
            pieces.append((" ", False))
        pieces += _word(word, ctx)
    return pieces


def _word(word, ctx: Context) -> list[tuple[str, bool]]:
    """A word as it prints: its literal text, with a pattern for each expansion."""
    expansions = {p.pos[0]: p for p in (word.parts or []) if p.kind in ("parameter", "commandsubstitution", "tilde")}
    pieces, i, quote, end = [], word.pos[0], None, word.pos[1]
    code = ctx.code
    while i < end:
        if i in expansions:
            part = expansions[i]
            pieces.append((_substituted(part, ctx), True))
            i = _closing(code, i) if part.kind == "commandsubstitution" else part.pos[1]
            continue
        c = code[i]
        if c in "'\"" and quote in (None, c):
            quote = None if quote else c
        elif c == "\\" and quote != "'" and i + 1 < end:
            pieces.append((code[i + 1] if quote is None or code[i + 1] in '$`"\\' else code[i:i + 2], False))
            i += 2
            continue
        else:
            pieces.append((c, False))
        i += 1
    return pieces


def _closing(code: str, start: int) -> int:
    """Where the `$(...)` starting at `start` ends (bashlex's end is off after a backslash-newline)."""
    depth, quote, i = 0, None, start + 1
    while i < len(code):
        c = code[i]
        if quote:
            quote = None if c == quote else quote
            i += 2 if c == "\\" and quote == '"' else 1
            continue
        if c in "'\"":
            quote = c
        elif c == "\\":
            i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(code)


def _substituted(part, ctx: Context) -> str:
    """What an expansion may hold: a number where `$(aws ... --output text)` prints an integer."""
    if part.kind == "commandsubstitution" and part.command.kind == "command":
        words = [w.word for w in part.command.parts if w.kind == "word"]
        if words[:1] == ["aws"]:
            t = _query_result(words[1:])
            if t == Scalar("integer"):
                return r"-?\d+"
            if isinstance(t, Shape) and t.kind in ("integer", "long"):
                return r"-?\d+|None"
            if isinstance(t, Literal):
                return re.escape(str(t.value))
    return ".*"


def _printf(fmt: str) -> list[tuple[str, bool]]:
    pieces, i = [], 0
    conversions = {"s": ".*", "d": r"-?\d+", "i": r"-?\d+", "f": r"-?\d+(\.\d+)?", "%": "%"}
    while i < len(fmt):
        if fmt[i] == "\\" and i + 1 < len(fmt):
            pieces.append(({"t": "\t", "n": "\n", "\\": "\\"}.get(fmt[i + 1], fmt[i:i + 2]), False))
            i += 2
        elif fmt[i] == "%" and (m := re.match(r"%[-+ 0#]*\d*(\.\d+)?([sdif%])", fmt[i:])):
            pieces.append((conversions[m[2]], True) if m[2] != "%" else ("%", False))
            i += m.end()
        else:
            pieces.append((fmt[i], False))
            i += 1
    if pieces and pieces[-1] == ("\n", False):
        pieces.pop()
    return pieces


@dataclass
class AwsCommand:
    service: str  # the AWS CLI's name (s3api)
    command: str
    query: str | None
    output: str

    @property
    def operation(self) -> str | None:
        """The botocore operation the command calls, or None for a command of the AWS CLI itself."""
        try:
            model = _model(SERVICES.get(self.service, self.service))
        except Exception:
            return None
        return {xform_name(op, "-"): op for op in model.operation_names}.get(self.command)

    def output_shape(self):
        return _model(SERVICES.get(self.service, self.service)).operation_model(self.operation).output_shape


def read_aws(words: list[str]) -> AwsCommand | None:
    """An `aws` command's service, command, `--query` and `--output` (the words after `aws`)."""
    options, positional, i = {}, [], 0
    takes_value = {"--query", "--output", "--region", "--profile", "--endpoint-url", "--color"}
    while i < len(words):
        if words[i] in takes_value and i + 1 < len(words):
            options[words[i]] = words[i + 1]
            i += 2
            continue
        if not words[i].startswith("-"):
            positional.append(words[i])
        i += 1
    if len(positional) < 2:
        return None
    return AwsCommand(positional[0], positional[1], options.get("--query"), options.get("--output", "json"))


def _query_result(words: list[str]):
    command = read_aws(words)
    if not command or not command.operation or command.output != "text":
        return None
    try:
        return query_type(command.output_shape(), command.query)[0]
    except QueryError:
        return None


def _aws(words: list[str], source: Source, ctx: Context) -> Node:
    command = read_aws(words)
    if command is None:
        return any_lines(source)
    if command.service == "configure":
        return optional(AnyLine(source)) if command.command == "get" else Seq([])
    if command.command == "wait":
        return Seq([])
    if command.service == "s3":  # the AWS CLI's own commands over Amazon S3: their output is their own
        if "--quiet" in words or command.command in ("website", "presign"):
            return Seq([]) if "--quiet" in words else AnyLine(source)
        if command.command in ("mb", "rb"):
            return Pattern(("make_bucket" if command.command == "mb" else "remove_bucket") + ": .+", source)
        if command.command in ("cp", "mv", "sync", "rm"):
            line = Pattern(r"(download|upload|copy|move|delete): .+", source)
            return line if command.command in ("cp", "mv") and "--recursive" not in words else Rep(line)
        return any_lines(source)
    operation = command.operation
    if operation is None:
        return any_lines(source)
    shape = command.output_shape()
    source.text, source.command = f"aws {command.service} {command.command}", command
    try:
        t, problems = query_type(shape, command.query)
    except QueryError as e:
        ctx.problems.append((source.where, str(e)))
        return any_lines(source)
    ctx.problems += [(source.where, f"--query {command.query!r}: {p}") for p in problems]
    members = list(shape.members) if shape is not None else []
    if command.query is None and not members:
        return Seq([])  # nothing to print: the AWS CLI prints nothing
    if command.output == "json":
        node = Json(t, source)
    elif command.output == "text":
        node = text_node(t, source)
    elif command.output == "table":
        rows = table_rows(t, source)
        if rows is None:
            ctx.problems.append((source.where, f"the check reads tables of lists only, not of {t!r}: extend "
                                               "table_rows in tests/aws/printing.py"))
            return any_lines(source)
        node = Table(operation, rows, source)
    else:
        return any_lines(source)
    if command.query is None:
        return Required(node, f"{source.text} prints {operation}'s output ({', '.join(members)}): the shown "
                              f"output has nothing from it here ({source.where})")
    return node


# -- The check over the site ------------------------------------------------------------------------

def shown_outputs(root: Path = ROOT) -> list[tuple[Path, Path, Section]]:
    """(output file, snippet file, section) for each shown output of a section of a snippet file."""
    found = []
    for quadrant in QUADRANTS:
        for output in sorted((root / quadrant / "outputs").glob("*/*.txt")):
            snippet = root / quadrant / "snippets" / f"{output.parent.name}.sh"
            if not snippet.is_file():
                continue
            section = {s.name: s for s in parse_sections(snippet)}.get(output.stem)
            if section is not None:
                found.append((output, snippet, section))
    return found


def check(output: Path, snippet: Path, section: Section, root: Path = ROOT) -> list[str]:
    """The problems of one shown output, each `FILE:LINE: ...` (the output file's line)."""
    rel = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    grammar, read = expected(snippet, section)
    problems = [f"{rel}:1: {where}: {message}" for where, message in read]
    lines = output.read_text().splitlines()
    try:
        if Matcher(lines, strict=True).first(grammar) is not None:
            return problems
        loose = Matcher(lines, strict=False)
        found = loose.first(grammar)
    except TooAmbiguous:
        return problems + [f"{rel}:1: too many ways to read this output against section {section.name!r}: "
                           "split the section, or print less"]
    if found is not None:
        found = sorted((p for p in found if isinstance(p, Problem)), key=lambda p: p.line)
        return problems + [f"{rel}:{p.line + 1}: {p.message}" for p in found]
    at, expectations = loose.furthest
    if loose.reached > at:
        return problems + [f"{rel}:{loose.reached + 1}: section {section.name!r} ({snippet.name}:{section.line}) "
                           f"has printed everything it prints before this line ({lines[loose.reached]!r})"]
    shown = f"it shows {lines[at]!r}" if 0 <= at < len(lines) else "the output ends there"
    return problems + [f"{rel}:{max(at, 0) + 1}: section {section.name!r} ({snippet.name}:{section.line}) cannot "
                       f"print this; {shown}, where " + ("; or ".join(expectations) or "it prints nothing more")]


def reading(output: Path, snippet: Path, section: Section) -> list[Hit]:
    """Which lines of a shown output each command printed (strictly if it can, else loosely); [] when
    no reading fits."""
    grammar, _ = expected(snippet, section)
    lines = output.read_text().splitlines()
    found = Matcher(lines, strict=True).first(grammar) or Matcher(lines, strict=False).first(grammar) or []
    return [h for h in found if isinstance(h, Hit)]


def problems(root: Path = ROOT) -> list[str]:
    found = []
    for output, snippet, section in shown_outputs(root):
        found += check(output, snippet, section, root)
    return found
