"""`--capture` of the live run (tools/aws_live.py): what real AWS printed, written where the pages
show it, with documentation values in place of the account's own.

* Each output a page shows (`<outputs>/<page>/<section>.txt`, or one that rules/live-capture.toml
  awaits for a step the emulator cannot run) is rewritten from what the run printed, cleaned as
  the emulator's outputs are: the caller's user ID and name become the emulated reader's, then
  `Normalizer` (rules/output-cleaning.toml) swaps account IDs, keys, addresses and made-up IDs for
  rules/example-values.toml's, and `reader_values_shown` (tests/aws/test_tour.py) the reader's
  values for the ones the page shows.
* The marks of rules/live-capture.toml that the capture satisfies are removed, and so is the
  caption that marks such an output on its page as a form (FORM_CAPTION in tests/test_tutorials.py).
* record_provenance() keeps, for each file written, the day and the AWS CLI version.
"""

from __future__ import annotations

import ast
import datetime
import re
import tomllib
from pathlib import Path

from markdown_it import MarkdownIt

from conftest import EMULATED_OWNER, EMULATED_READER, Normalizer
from test_tour import reader_values_shown

ROOT = Path(__file__).resolve().parents[1]
MARKS = ROOT / "rules" / "live-capture.toml"
PROVENANCE = ROOT / "rules" / "captured-on-aws.toml"


def form_caption(root: Path = ROOT) -> str:
    """FORM_CAPTION, as tests/test_tutorials.py defines it (read from its source, not imported:
    that module belongs to the documentation's environment)."""
    tree = ast.parse((root / "tests" / "test_tutorials.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "FORM_CAPTION" for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError("tests/test_tutorials.py defines no FORM_CAPTION")


def as_emulated(text: str, user_id: str, reader: str) -> str:
    """The live caller's user ID and name (READER) as the emulator's, which the cleaning turns
    into the documented reader's."""
    if user_id:
        text = text.replace(user_id, EMULATED_OWNER)
    if reader:
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(reader)}(?![a-z0-9])", EMULATED_READER, text)
    return text


def write_outputs(printed: dict[str, dict[str, str]], outputs: Path, snippets: Path, user_id: str, reader: str,
                  root: Path = ROOT) -> list[Path]:
    """Write each shown (or awaited) output from what the run printed; return the files written."""
    marks = tomllib.loads((root / "rules" / "live-capture.toml").read_text()) if (root / "rules" / "live-capture.toml").is_file() else {}
    awaited = {(m["snippet"], m["name"]) for m in marks.get("section", [])}
    written = []
    for page, sections in printed.items():
        clean = Normalizer()  # one per page: the same value keeps its example value within a page
        for section, text in sections.items():
            target = outputs / page / f"{section}.txt"
            snippet = (snippets / f"{page}.sh").relative_to(root).as_posix() if snippets.is_relative_to(root) else ""
            if not target.is_file() and (snippet, section) not in awaited:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(reader_values_shown(clean(as_emulated(text, user_id, reader))))
            written.append(target)
    return written


def _entries(text: str) -> list[tuple[int, int, dict]]:
    """Each `[[...]]` entry of a TOML file: its first and last line (0-based) and its values."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("[[")] + [len(lines)]
    out = []
    for start, end in zip(starts, starts[1:]):
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        kind = lines[start].strip()[2:-2]
        out.append((start, end, {"kind": kind, **tomllib.loads("".join(lines[start + 1:end]))}))
    return out


def satisfy_marks(written: list[Path], root: Path = ROOT) -> list[str]:
    """Remove the marks of rules/live-capture.toml that the files written satisfy, and the form
    caption of each such output on its page; return what was removed, as `FILE:LINE: ...`."""
    marks = root / "rules" / "live-capture.toml"
    if not marks.is_file():
        return []
    done = {p.resolve().relative_to(root.resolve()).as_posix() for p in written}
    # tutorials/outputs/PAGE/SECTION.txt answers the mark of section SECTION of tutorials/snippets/PAGE.sh
    sections = {f"{rel.split('/')[0]}/snippets/{rel.split('/')[-2]}.sh:{Path(rel).stem}" for rel in done}
    text = marks.read_text()
    lines = text.splitlines(keepends=True)
    removed, drop = [], set()
    for start, end, entry in _entries(text):
        if (entry["kind"] == "output" and entry.get("file") in done) or \
                (entry["kind"] == "section" and f"{entry.get('snippet')}:{entry.get('name')}" in sections):
            removed.append(f"rules/live-capture.toml:{start + 1}: {entry.get('file') or entry.get('name')} captured")
            drop |= set(range(start, end + (1 if end < len(lines) and not lines[end].strip() else 0)))
    marks.write_text("".join(line for i, line in enumerate(lines) if i not in drop))
    outputs = {e.get("file") for _, _, e in _entries(text) if e["kind"] == "output" and e.get("file") in done}
    removed += remove_form_captions(outputs, root)
    return removed


def remove_form_captions(files: set[str], root: Path = ROOT) -> list[str]:
    """Take the form caption off each `{literalinclude}` of `files` in the tutorial pages."""
    caption, removed = f":caption: {form_caption(root)}", []
    for page in sorted((root / "tutorials").glob("*.md")):
        lines = page.read_text().splitlines(keepends=True)
        drop = set()
        for token in MarkdownIt().parse("".join(lines)):
            name, _, argument = token.info.strip().partition(" ")
            if token.type != "fence" or name != "{literalinclude}" or not token.map:
                continue
            shown = (page.parent / argument.strip()).resolve().relative_to(root.resolve()).as_posix()
            if shown in files:
                drop |= {i for i in range(*token.map) if lines[i].strip() == caption}
        if drop:
            page.write_text("".join(line for i, line in enumerate(lines) if i not in drop))
            removed += [f"{page.relative_to(root)}:{i + 1}: form caption removed" for i in sorted(drop)]
    return removed


def record_provenance(files: list[Path], day: datetime.date, cli_version: str, region: str, source: str = "aws",
                      registry: Path = PROVENANCE, root: Path = ROOT) -> None:
    """Note where each output file last came from: `source` (real AWS, or the endpoint a test gave),
    on `day`, with the AWS CLI `cli_version`, in `region`. One TOML table per file, sorted (the
    emulator's outputs have none). The one place the live run records provenance: point it at the
    site's provenance record when there is one."""
    if not files:
        return
    kept = tomllib.loads(registry.read_text()) if registry.is_file() else {}
    registry.parent.mkdir(parents=True, exist_ok=True)
    for path in files:
        kept[path.resolve().relative_to(root.resolve()).as_posix()] = {
            "source": source, "captured": day.isoformat(), "cli": cli_version, "region": region}
    header = ("# Outputs last written from real AWS by `nox -s aws-live -- --capture` (tools/aws_live.py), each\n"
              "# with the day, the AWS CLI version and the Region. An output not listed here is the emulator's.\n")
    body = "".join(f'\n["{name}"]\nsource = "{v["source"]}"\ncaptured = {v["captured"]}\ncli = "{v["cli"]}"\n'
                   f'region = "{v["region"]}"\n' for name, v in sorted(kept.items()))
    registry.write_text(header + body)
