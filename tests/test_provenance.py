"""Every output file records where it came from, in a form no page shows.

`<quadrant>/outputs/provenance.toml` (written by the captures through `_ext/provenance.py`, never by
hand) has one entry per output file: the emulator or AWS, the day, the AWS CLI that printed it and,
for the emulator, the corrections of rules/divergences.toml that changed it. This fails, naming
the manifest's line or the output file, when an output has no entry, an entry has no output, or a
value is not what a capture writes. It reads only the sources (marked `sources`): `nox -s check`.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from conftest import ROOT
from divergences import CORRECTIONS  # tests/aws/
from provenance import MANIFEST, SOURCES, capture, key_of, read, section_hash

pytestmark = pytest.mark.sources

QUADRANTS = ("howto", "tutorials")


def manifest_problems(root: Path = ROOT) -> list[str]:
    problems = []
    for quadrant in QUADRANTS:
        folder = root / quadrant / "outputs"
        if not folder.is_dir():
            continue
        manifest = folder / MANIFEST
        rel = manifest.relative_to(root)
        lines = {line.split(" = ", 1)[0].strip('"'): n for n, line in enumerate(manifest.read_text().splitlines(), 1)
                 if line.startswith('"')} if manifest.is_file() else {}
        entries = read(manifest)
        files = {key_of(p): p for p in folder.glob("*/*.txt")}
        for key in sorted(set(files) - set(entries)):
            problems.append(f"{files[key].relative_to(root)}:1: not in {rel}: capture it (UPDATE_OUTPUTS=1, or "
                            "`nox -s aws-live -- --capture`), which records where it came from")
        for key, entry in sorted(entries.items()):
            where = f"{rel}:{lines.get(key, 1)}"
            if key not in files:
                problems.append(f"{where}: {key} is no output file of {quadrant}/outputs: remove its line")
            if entry.source not in SOURCES:
                problems.append(f"{where}: source {entry.source!r} is not one of {', '.join(SOURCES)}")
            if not isinstance(entry.date, datetime.date):
                problems.append(f"{where}: date {entry.date!r} is not a day (2026-12-08)")
            if not re.match(r"aws-cli/\d+\.\d+\.\d+$", entry.cli):
                problems.append(f"{where}: cli {entry.cli!r} is not as `aws --version` starts (aws-cli/2.27.0)")
            if entry.source == "emulator" and not entry.emulator:
                problems.append(f"{where}: an emulator's output names the emulator (emulator = \"moto 5.2.5\")")
            if entry.source == "aws" and entry.corrected:
                problems.append(f"{where}: a live capture has nothing corrected")
            problems += [f"{where}: correction {name!r} is not in tests/aws/divergences.py"
                         for name in entry.corrected if name not in CORRECTIONS]
    return problems


def test_every_output_records_where_it_came_from():
    problems = manifest_problems()
    assert not problems, "\n".join(problems)


def site_with_outputs(tmp_path: Path) -> Path:
    """A site with one guide's snippet section and its shown output."""
    (tmp_path / "howto" / "snippets").mkdir(parents=True)
    (tmp_path / "howto" / "outputs" / "guide").mkdir(parents=True)
    (tmp_path / "howto" / "snippets" / "guide.sh").write_text("# [start check]\naws sts get-caller-identity\n# [end check]\n")
    return tmp_path / "howto" / "outputs" / "guide" / "check.txt"


def test_an_output_without_provenance_fails_naming_it(tmp_path):
    output = site_with_outputs(tmp_path)
    output.write_text("111122223333\n")
    assert manifest_problems(tmp_path) == [
        "howto/outputs/guide/check.txt:1: not in howto/outputs/provenance.toml: capture it (UPDATE_OUTPUTS=1, or "
        "`nox -s aws-live -- --capture`), which records where it came from"]


def test_a_live_capture_wins_until_its_section_changes(tmp_path):
    output = site_with_outputs(tmp_path)
    day = datetime.date(2026, 12, 8)
    assert capture(output, "111122223333\n", source="emulator", cli="aws-cli/1.46.3", emulator="moto 5.2.5",
                   corrected=["budget_thresholds_as_doubles"], today=day)
    assert capture(output, "444455556666\n", source="aws", cli="aws-cli/2.27.0", today=day)
    assert not capture(output, "111122223333\n", source="emulator", cli="aws-cli/1.46.3", emulator="moto 5.2.5")
    assert output.read_text() == "444455556666\n"
    entry = read(tmp_path / "howto" / "outputs" / MANIFEST)["guide/check.txt"]
    assert (entry.source, entry.cli, entry.date, entry.corrected) == ("aws", "aws-cli/2.27.0", day, [])
    assert entry.section == section_hash(output)
    assert manifest_problems(tmp_path) == []

    snippet = tmp_path / "howto" / "snippets" / "guide.sh"
    snippet.write_text(snippet.read_text().replace("identity", "identity --query Account --output text"))
    assert capture(output, "111122223333\n", source="emulator", cli="aws-cli/1.46.3", emulator="moto 5.2.5")
    assert read(tmp_path / "howto" / "outputs" / MANIFEST)["guide/check.txt"].source == "emulator"


def test_a_bad_entry_fails_naming_its_line(tmp_path):
    output = site_with_outputs(tmp_path)
    output.write_text("111122223333\n")
    (tmp_path / "howto" / "outputs" / MANIFEST).write_text(
        '"guide/check.txt" = { source = "laptop", date = 2026-12-08, cli = "1.46", section = "x", '
        'corrected = ["no_such_correction"] }\n"guide/gone.txt" = { source = "aws", date = 2026-12-08, '
        'cli = "aws-cli/2.27.0", section = "x" }\n')
    assert manifest_problems(tmp_path) == [
        "howto/outputs/provenance.toml:1: source 'laptop' is not one of emulator, aws",
        "howto/outputs/provenance.toml:1: cli '1.46' is not as `aws --version` starts (aws-cli/2.27.0)",
        "howto/outputs/provenance.toml:1: correction 'no_such_correction' is not in tests/aws/divergences.py",
        "howto/outputs/provenance.toml:2: guide/gone.txt is no output file of howto/outputs: remove its line",
    ]
