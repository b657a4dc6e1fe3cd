"""rules/divergences.toml: each place the emulator answers differently from AWS, proven and used.

Each entry names a botocore service and operation some snippet calls, what the emulator does, what
AWS does and the source that proves it: an AWS page (`https://...`) or a shape of botocore's model
(`botocore:SERVICE:SHAPE`, looked up here). An entry with a `correction` names a function of
tests/aws/divergences.py, and is used only while a shown output's provenance
(`<quadrant>/outputs/provenance.toml`) records that the correction changed it. This module reads
only the sources (marked `sources`): `nox -s check` runs it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from botocore_models import service_model  # _ext/ (on sys.path: tests/conftest.py)
from conftest import ROOT
from divergences import CORRECTIONS, REGISTRY, REQUIRED  # tests/aws/
from provenance import MANIFEST, read

pytestmark = pytest.mark.sources

FIXTURES = ROOT / "tests" / "aws" / "fixtures" / "divergences"
BOTOCORE_SOURCE = re.compile(r"botocore:(?P<service>[\w-]+):(?P<shape>\w+)")


def entry_lines(path: Path) -> list[int]:
    """The line of each `[[divergence]]` header, in order."""
    return [n for n, line in enumerate(path.read_text().splitlines(), start=1) if line.strip() == "[[divergence]]"]


def recorded_corrections(root: Path = ROOT) -> set[str]:
    """The corrections some shown output's provenance records as having changed it."""
    return {name for manifest in root.glob(f"*/outputs/{MANIFEST}") for p in read(manifest).values() for name in p.corrected}


def called_operations() -> set[tuple[str, str]]:
    """Every API call the snippets make: the reader's, and the administrator's (whose calls the
    permissions check leaves out, but which the emulator answers all the same)."""
    from permissions import ADMINISTRATOR, all_calls, shell_calls  # tests/aws/
    from snippetshell import snippet_files

    admin = [c for p in snippet_files(".sh") if p.name in ADMINISTRATOR for c in shell_calls(p, {})]
    return {(c.service, c.operation) for c in all_calls()[0] + admin}


def source_problem(source: str) -> str | None:
    if source.startswith("https://"):
        return None
    if m := BOTOCORE_SOURCE.fullmatch(source):
        try:
            shapes = service_model(m["service"]).shape_names
        except Exception:
            return f"source {source!r}: botocore has no service {m['service']!r}"
        return None if m["shape"] in shapes else f"source {source!r}: {m['service']}'s model has no shape {m['shape']!r}"
    return f"source {source!r} is neither an AWS page (https://...) nor a botocore shape (botocore:SERVICE:SHAPE)"


def registry_problems(path: Path = REGISTRY, recorded: set[str] | None = None,
                      called: set[tuple[str, str]] | None = None) -> list[str]:
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    recorded = recorded_corrections() if recorded is None else recorded
    called = called_operations() if called is None else called
    entries = tomllib.loads(path.read_text()).get("divergence", [])
    problems = []
    for line, entry in zip(entry_lines(path), entries):
        where = f"{rel}:{line}"
        missing = [key for key in REQUIRED if not str(entry.get(key, "")).strip()]
        problems += [f"{where}: no {key}" for key in missing]
        if "source" not in missing and (problem := source_problem(entry["source"])):
            problems.append(f"{where}: {problem}")
        service, operation = entry.get("service", ""), entry.get("operation", "")
        if service and operation:
            try:
                known = operation in service_model(service).operation_names
            except Exception:
                known = False
            if not known:
                problems.append(f"{where}: botocore has no operation {service} {operation}")
            elif (service, operation) not in called:
                problems.append(f"{where}: no snippet calls {service} {operation}: the entry is unused; delete it")
        if name := entry.get("correction"):
            if name not in CORRECTIONS:
                problems.append(f"{where}: correction {name!r} is not a function of tests/aws/divergences.py")
            elif name not in recorded:
                problems.append(f"{where}: no shown output records correction {name!r} (<quadrant>/outputs/{MANIFEST}): "
                                "the entry is unused; refresh the outputs it corrects with UPDATE_OUTPUTS=1, or delete it")
    return problems


def test_every_divergence_is_proven_and_used():
    problems = registry_problems()
    assert not problems, "\n".join(problems)


def test_every_correction_is_in_the_registry():
    named = {e.get("correction") for e in tomllib.loads(REGISTRY.read_text()).get("divergence", [])}
    assert sorted(set(CORRECTIONS) - named) == [], "corrections in tests/aws/divergences.py that no entry names"


def test_an_entry_without_a_source_or_unused_fails_naming_its_line():
    fixture = FIXTURES / "divergences.toml"
    called = {("ec2", "DeleteSecurityGroup"), ("budgets", "DescribeNotificationsForBudget")}
    rel = fixture.relative_to(ROOT)
    assert registry_problems(fixture, recorded={"delete_security_group_result"}, called=called) == [
        f"{rel}:4: no source",
        f"{rel}:11: no shown output records correction 'budget_thresholds_as_doubles' (<quadrant>/outputs/"
        f"{MANIFEST}): the entry is unused; refresh the outputs it corrects with UPDATE_OUTPUTS=1, or delete it",
        f"{rel}:19: source 'botocore:ec2:NoSuchShape': ec2's model has no shape 'NoSuchShape'",
        f"{rel}:19: no snippet calls ec2 DescribeVpcs: the entry is unused; delete it",
    ]
