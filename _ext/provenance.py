"""Where each shown output came from: the emulator, or AWS itself, with the date and the AWS CLI.

A page includes an output file whole (``literalinclude``), so nothing about its origin can live in
it. Each outputs folder has one manifest instead, ``<quadrant>/outputs/provenance.toml``, one line
per output file, which no page includes::

    "budget-alert/check.txt" = { source = "emulator", date = 2026-12-08, cli = "aws-cli/1.46.3", emulator = "moto 5.2.5", section = "3f2a9c1b07de", corrected = ["budget_thresholds_as_doubles"] }

- ``source``: ``emulator`` (the reader's tour against moto, ``UPDATE_OUTPUTS=1``) or ``aws`` (a live
  capture, ``nox -s aws-live -- --capture``);
- ``date``: the day the text was captured; for the emulator, the day it last changed;
- ``cli``: the AWS CLI that printed it, as ``aws --version`` starts (``aws-cli/2.27.0``);
- ``emulator``: the emulator and its version, for the emulator's outputs;
- ``section``: a hash of the snippet section's code when it was captured;
- ``corrected``: the corrections of rules/divergences.toml that changed an answer while its section
  ran (one that changes the emulator's state, as six zones make six default subnets, is listed
  where its own operation answers).

A live capture wins: the emulator's ``UPDATE_OUTPUTS=1`` leaves an output captured on AWS as it is,
and the tour does not compare it, until its section's code changes (its hash differs), when the
capture is stale and the emulator's output replaces it. One line per file keeps merges simple.

Standard library only: the docs, tests and emulator environments all import it.

    capture(path, text, source="aws", cli="aws-cli/2.27.0")   # what a live capture calls
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from snippets import parse_sections

MANIFEST = "provenance.toml"
SOURCES = ("emulator", "aws")
HEADER = """\
# Where each output file of this folder came from, one line per file: written by the captures
# (UPDATE_OUTPUTS=1 from the emulator, `nox -s aws-live -- --capture` from AWS), never by hand.
# _ext/provenance.py says what each key means; docs/checks.md how the checks use them.
"""


@dataclass
class Provenance:
    source: str
    date: datetime.date
    cli: str
    section: str
    emulator: str = ""
    corrected: list[str] = field(default_factory=list)

    def line(self, key: str) -> str:
        values = {"source": self.source, "date": self.date, "cli": self.cli}
        if self.emulator:
            values["emulator"] = self.emulator
        values["section"] = self.section
        if self.corrected:
            values["corrected"] = sorted(set(self.corrected))
        return f"{json.dumps(key)} = {{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in values.items()) + " }"


def _toml(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"
    return json.dumps(value)  # a JSON string is a TOML basic string for the text these hold


def manifest_of(output: Path) -> Path:
    """The manifest of an output file: ``<quadrant>/outputs/provenance.toml``."""
    return Path(output).parent.parent / MANIFEST


def key_of(output: Path) -> str:
    return f"{Path(output).parent.name}/{Path(output).name}"


def read(manifest: Path) -> dict[str, Provenance]:
    if not manifest.is_file():
        return {}
    return {key: Provenance(**entry) for key, entry in tomllib.loads(manifest.read_text()).items()}


def write(manifest: Path, entries: dict[str, Provenance]) -> None:
    lines = [entries[key].line(key) for key in sorted(entries)]
    manifest.write_text(HEADER + "\n" + "\n".join(lines) + "\n")


def section_hash(output: Path) -> str:
    """A hash of the code of the snippet section an output file shows (its file, its section)."""
    output = Path(output)
    snippet = output.parent.parent.parent / "snippets" / f"{output.parent.name}.sh"
    section = next((s for s in parse_sections(snippet) if s.name == output.stem), None) if snippet.is_file() else None
    return hashlib.sha256((section.code if section else "").encode()).hexdigest()[:12]


def live(output: Path) -> bool:
    """Whether an output is a live capture that still stands: from AWS, its section unchanged since."""
    found = read(manifest_of(output)).get(key_of(output))
    return bool(found and found.source == "aws" and found.section == section_hash(output))


def capture(output: Path, text: str, *, source: str, cli: str, emulator: str = "", corrected=(),
            today: datetime.date | None = None) -> bool:
    """Write a captured output and record where it came from; return whether the file was written.

    `source` is "aws" for a live capture, which always writes, or "emulator", which leaves a live
    capture whose section is unchanged (see the module's docstring). The date moves only when the
    text or its source changes, so a capture that prints the same keeps its day.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    if not re.match(r"aws-cli/\d", cli):
        raise ValueError(f"cli must be as `aws --version` starts (aws-cli/2.27.0), not {cli!r}")
    output = Path(output)
    if source == "emulator" and live(output):
        return False
    manifest = manifest_of(output)
    entries = read(manifest)
    old = entries.get(key_of(output))
    same = old is not None and old.source == source and output.is_file() and output.read_text() == text
    entries[key_of(output)] = Provenance(
        source=source, date=old.date if same else (today or datetime.date.today()), cli=cli,
        section=section_hash(output), emulator=emulator if source == "emulator" else "",
        corrected=list(corrected) if source == "emulator" else [],
    )
    if not same:
        output.write_text(text)
    write(manifest, entries)
    return True
