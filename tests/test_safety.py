"""No secrets and no unsafe advice: real-looking keys and account numbers, SSH or RDP open to the world."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sources import ROOT, RUNNABLE, lines, pages

pytestmark = pytest.mark.sources

EXAMPLE_KEYS = {"AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE"}
EXAMPLE_ACCOUNTS = {"111122223333", "444455556666"}
ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA|ABIA|ACCA)[0-9A-Z]{16}\b")
SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])")
ACCOUNT = re.compile(r"(?:arn:aws[\w-]*:[\w-]*:[\w-]*:|account[\w\s\"':=-]{0,20}?|--owners?\s+)(\d{12})\b", re.I)
WORLD = re.compile(r"0\.0\.0\.0/0|::/0")
ADMIN_PORT = re.compile(r"(?:port[\s\"':=]*|--port\s+|FromPort[\"':\s=]*|\b)(22|3389)\b|\bSSH\b|\bRDP\b", re.I)


def sources() -> list[Path]:
    snippets = [p for q in RUNNABLE for p in sorted((ROOT / q / "snippets").glob("*"))]
    outputs = [p for q in RUNNABLE for p in sorted((ROOT / q / "outputs").rglob("*.txt"))]
    return pages() + snippets + outputs


def secrets(path: Path) -> list[str]:
    found = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        where = f"{path}:{number}"
        found += [f"{where}: access key {k}" for k in ACCESS_KEY.findall(text) if k not in EXAMPLE_KEYS]
        found += [
            f"{where}: secret key {k}" for k in SECRET_KEY.findall(text)
            if "EXAMPLEKEY" not in k and re.search(r"secret", text, re.I)
        ]
        found += [f"{where}: account {a}" for a in ACCOUNT.findall(text) if a not in EXAMPLE_ACCOUNTS]
    return found


def open_admin_ports(path: Path) -> list[str]:
    """A rule letting SSH/RDP in from anywhere, outside a warning (code counts wherever it is)."""
    found = []
    if path.suffix == ".md":
        items = [(ln.number, ln.text, ln.code, ln.directives) for ln in lines(path)]
    else:
        items = [(n, t, True, ()) for n, t in enumerate(path.read_text().splitlines(), start=1)]
    for number, text, code, directives in items:
        if not WORLD.search(text) or not ADMIN_PORT.search(text):
            continue
        if {"warning", "danger", "caution"} & set(directives):
            continue
        warned = re.search(r"\b(never|not|avoid|don't)\b", text, re.I)
        if code or (text.lstrip().startswith("|") and not warned):  # commands, and rules in tables
            found.append(f"{path}:{number}: {text.strip()}")
    return found


def test_no_real_looking_secrets_or_accounts():
    found = [hit for path in sources() for hit in secrets(path)]
    assert not found, "\n".join(found)


def test_no_recommended_rule_opens_ssh_or_rdp_to_the_world():
    found = [hit for path in sources() for hit in open_admin_ports(path)]
    assert not found, "\n".join(found)


def test_checks_catch_bad_examples(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text(
        "# Bad\n\n"
        "```bash\naws configure set aws_access_key_id AKIAJ4EXAMPLE7QWERTY\n"
        "aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 0.0.0.0/0\n```\n\n"
        "Role arn:aws:iam::210987654321:role/x and arn:aws:iam::111122223333:role/ok.\n\n"
        ":::{warning}\nA rule with port 22 from 0.0.0.0/0 lets anyone try to log in.\n:::\n\n"
        "| SSH | 22 | 0.0.0.0/0 |\n"
        "| SSH | 22 | your /32, never 0.0.0.0/0 |\n"
    )
    assert [h.split(":")[1] for h in secrets(bad)] == ["4", "8"]
    assert [h.split(":")[1] for h in open_admin_ports(bad)] == ["5", "14"]
