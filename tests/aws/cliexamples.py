"""The shown outputs beside the AWS CLI's own examples, for review only.

The AWS CLI ships an example page for most commands (``awscli/examples/SERVICE/COMMAND.rst``, in
the version 1 package the emulator's tests install; the same examples are on the AWS CLI Command
Reference). For each `aws` command whose printed lines outputshapes.py has found in a shown output,
``notes()`` applies the command's `--query` to each JSON output of its example, prints the result
as the AWS CLI would (its own text formatter) and compares it with the shown lines: a value the
example has where the shown output has None (a member it lacks), a number printed otherwise
(`80.0` and `80`), an example that shows no output where the shown output has some, or the
reverse. These are notes for a reviewer, not failures: some examples are older than the API
(delete-security-group's says it prints nothing; DeleteSecurityGroup's output shape has members),
and an example's account is not the reader's. botocore's output shape decides (outputshapes.py).
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from pathlib import Path

from outputshapes import ROOT, reading, shown_outputs
from printing import Json, Line, Table

OUTPUT_BLOCK = re.compile(r"^Output::\s*\n\n((?:[ \t]+.*\n|\s*\n)+)", re.M)


def examples_folder() -> Path:
    import awscli

    return Path(awscli.__file__).parent / "examples"


def example_outputs(page: Path) -> list[object]:
    """The JSON outputs an example page shows (an output that is not JSON is left out)."""
    found = []
    for block in OUTPUT_BLOCK.findall(page.read_text()):
        try:
            found.append(json.loads(textwrap.dedent(block)))
        except ValueError:
            continue
    return found


def says_no_output(page: Path) -> bool:
    return bool(re.search(r"no output|produces no output|does not (produce|return) (any )?output", page.read_text(), re.I))


def _kind(token: str) -> str:
    if token == "None":
        return "None"
    if re.fullmatch(r"-?\d+", token):
        return "integer"
    if re.fullmatch(r"-?\d+\.\d+", token):
        return "decimal"
    return "text"


def text_lines(value: object) -> list[list[str]]:
    from awscli.text import format_text

    stream = io.StringIO()
    format_text(value, stream)
    return [line.split("\t") for line in stream.getvalue().splitlines()]


def _empty(value: object) -> bool:
    """Whether a query found nothing in an example (an example of another form of the command)."""
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return value is None


def compare(shown: list[list[str]], example: list[list[str]]) -> list[tuple[int, str]]:
    """What an example's printed lines have that the shown ones lack, value by value: (line, note),
    the line counted from 0 within the shown lines."""
    notes = []
    for n, (mine, theirs) in enumerate(zip(shown, example)):
        for k, (a, b) in enumerate(zip(mine, theirs), start=1):
            if a == "None" and b != "None":
                notes.append((n, f"value {k}: the example has `{b}` where the shown output has None"))
            elif {_kind(a), _kind(b)} == {"integer", "decimal"}:
                notes.append((n, f"value {k}: the example prints `{b}` where the shown output prints `{a}`"))
    return notes


def notes(root: Path = ROOT, examples: Path | None = None) -> tuple[list[str], int]:
    """Review notes, `FILE:LINE: ...` (the shown output's line), and how many commands' shown lines
    were compared with an example."""
    import jmespath

    examples = examples or examples_folder()
    found, compared = [], 0
    for output, snippet, section in shown_outputs(root):
        lines = output.read_text().splitlines()
        rel = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
        for hit in reading(output, snippet, section):
            command = hit.leaf.source.command
            if command is None or not isinstance(hit.leaf, (Json, Line, Table)):
                continue
            page = examples / command.service / f"{command.command}.rst"
            if not page.is_file():
                continue
            compared += 1
            beside = f"beside awscli/examples/{command.service}/{command.command}.rst"
            where = f"{rel}:{hit.start + 1}: {beside}"
            outputs = example_outputs(page)
            if not outputs:
                if says_no_output(page) and hit.end > hit.start:
                    found.append(f"{where}: the example says the command prints nothing; the shown output has "
                                 f"{hit.end - hit.start} line(s) from it")
                continue
            for example in outputs:
                try:
                    result = jmespath.search(command.query, example) if command.query else example
                except jmespath.exceptions.JMESPathError:
                    continue  # an example of another form of the command (other options, other output)
                if _empty(result):
                    continue
                if command.output == "json":
                    mine = json.loads("\n".join(lines[hit.start:hit.end]))
                    if isinstance(mine, dict) and isinstance(result, dict):
                        missing = sorted(set(result) - set(mine))
                        if missing:
                            found.append(f"{where}: the example shows {', '.join(missing)}, which the shown output lacks")
                    continue
                if command.output == "text":
                    shown = [line.split("\t") for line in lines[hit.start:hit.end]]
                    found += [f"{rel}:{hit.start + n + 1}: {beside}: {note}" for n, note in compare(shown, text_lines(result))]
    return list(dict.fromkeys(found)), compared
