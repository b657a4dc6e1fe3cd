"""No secrets and no unsafe advice: real-looking keys, IAM IDs and account numbers, SSH or RDP open to
the world; and the cleaning of the emulator's outputs removes every credential and account value.

The example values a page may show are data, rules/example-values.toml (docs/style.md shows it);
what the emulator tests clean from outputs, and with what, is rules/output-cleaning.toml.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sources import ROOT, RUNNABLE, OutputCleaner, lines, load_rules, pages, where

pytestmark = pytest.mark.sources

EXAMPLES = load_rules("example-values")
EXAMPLE_KEYS = set(EXAMPLES["access_key_ids"] + EXAMPLES["temporary_access_key_ids"])
EXAMPLE_SECRETS = set(EXAMPLES["secret_access_keys"])
EXAMPLE_IDS = {value for values in EXAMPLES["unique_ids"].values() for value in values}
EXAMPLE_ACCOUNTS = set(EXAMPLES["account_ids"])
ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")
UNIQUE_ID = re.compile(r"\b(?:AIDA|AROA|AIPA|AGPA|ANPA|ANVA|ASCA|APKA)[0-9A-Z]{17}\b")
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
        hits = [f"access key {k}" for k in ACCESS_KEY.findall(text) if k not in EXAMPLE_KEYS]
        hits += [f"IAM unique ID {k}" for k in UNIQUE_ID.findall(text) if k not in EXAMPLE_IDS]
        if re.search(r"secret", text, re.I):
            hits += [f"secret key {k}" for k in SECRET_KEY.findall(text) if k not in EXAMPLE_SECRETS]
        hits += [f"account {a}" for a in ACCOUNT.findall(text) if a not in EXAMPLE_ACCOUNTS]
        found += [f"{where(path, number)}: {hit}" for hit in hits]
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
            found.append(f"{where(path, number)}: {text.strip()}")
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


def test_an_access_key_in_an_output_is_caught_with_file_and_line(tmp_path):
    output = tmp_path / "howto" / "outputs" / "rotate-keys" / "create-key.txt"
    output.parent.mkdir(parents=True)
    output.write_text('{\n    "AccessKey": {\n        "AccessKeyId": "AKIA4MOTOMADEUPKEY01",\n'
                      '        "SecretAccessKey": "Zx9/Qw3+ErTy7UiOp1AsDf5GhJkL2ZxCv8BnM4qW",\n'
                      '        "UserId": "AIDA4MOTOMADEUPID0001"\n    }\n}\n')
    assert secrets(output) == [
        f"{output}:3: access key AKIA4MOTOMADEUPKEY01",
        f"{output}:4: secret key Zx9/Qw3+ErTy7UiOp1AsDf5GhJkL2ZxCv8BnM4qW",
        f"{output}:5: IAM unique ID AIDA4MOTOMADEUPID0001",
    ]
    # The same output, cleaned as the emulator tests clean what they capture, holds none.
    output.write_text(OutputCleaner()(output.read_text()))
    assert secrets(output) == [], output.read_text()


# -- The cleaning of the emulator's outputs (rules/output-cleaning.toml) ---------------------------
#
# One sample per entry, as moto prints it (or real AWS would), and what the page then shows. A new
# entry in rules/output-cleaning.toml needs a sample here (test_every_cleaning_entry_is_proven).

TOKEN = "FQoGZXIvYXdzEBYaD" + "Kx7mSEI/qkPpKPi+kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZ" * 6 + "=="
SAMPLES = {
    "session token": (f'"SessionToken": "{TOKEN}",', f'"SessionToken": "{EXAMPLES["session_tokens"][0]}",'),
    "secret access key": ("SecretAccessKey\tZx9/Qw3+ErTy7UiOp1AsDf5GhJkL2ZxCv8BnM4qW\n",
                          "SecretAccessKey\twJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
    "access key ID": ('"AccessKeyId": "AKIA4MOTOMADEUPKEY01"', '"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"'),
    "temporary access key ID": ("ASIA4MOTOMADEUPKEY02\tActive", "ASIAIOSFODNN7EXAMPLE\tActive"),
    "IAM unique ID": ('"RoleId": "AROA4MOTOMADEUPROLE01", "UserId": "AIDA4MOTOMADEUPUSER01:me"',
                      '"RoleId": "AROADBQP57FF2AEXAMPLE", "UserId": "AIDACKCEVSQ6C2EXAMPLE:me"'),
    "emulator's IAM user ID": ('"UserId": "k3x9q0w8e7r6t5y4u3i2"', '"UserId": "AIDACKCEVSQ6C2EXAMPLE"'),
    "emulator's instance profile ID": ('"InstanceProfileId": "p0o9i8u7y6t5r4e3w2q1"',
                                       '"InstanceProfileId": "AIPAD5ARO2C5EXAMPLE3G"'),
    "emulator's policy ID": ('"PolicyId": "A7XKQ2M9ZP4LW8RT5NB3C"', '"PolicyId": "ANPAJ2YJQRJCG3EXAMPLE"'),
    "resource ID": ("vpc-5f2c9e1a7b3d4c6e8 subnet-0a1b2c3d vpc-5f2c9e1a7b3d4c6e8 i-9e8d7c6b5a4f3e2d1",
                    "vpc-0123456789abcdef0 subnet-0123456789abcdef0 vpc-0123456789abcdef0 i-0123456789abcdef0"),
    "UUID": ("RequestId: 4a93ceee-9966-11e1-b624-b1aabc123456", "RequestId: a1b2c3d4-5678-90ab-cdef-example00000"),
    "time with fractions of a second": ("2026-12-07T00:45:12.123456+00:00", "2026-11-27T09:30:00.000+00:00"),
    "time": ("2026-12-07 00:45:12", "2026-11-27 09:30:00"),
    "public IPv4 address": ("54.210.3.77 and 3.91.12.5, not 0.0.0.0/0 or 203.0.113.9",
                            "198.51.100.10 and 198.51.100.11, not 0.0.0.0/0 or 203.0.113.9"),
    "private host address": ("10.0.1.237 in 10.0.1.0/24, then 10.0.2.41", "10.0.1.10 in 10.0.1.0/24, then 10.0.2.11"),
    "account ID": ("arn:aws:iam::123456789012:role/x crashcourse-data-123456789012-us-east-1\n210987654321\n"
                   "123456789012.dkr.ecr.us-east-1.amazonaws.com/crashcourse-images-alice 123456789012.5\n",
                   "arn:aws:iam::111122223333:role/x crashcourse-data-111122223333-us-east-1\n444455556666\n"
                   "111122223333.dkr.ecr.us-east-1.amazonaws.com/crashcourse-images-alice 123456789012.5\n"),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_each_cleaning_entry_swaps_its_values_for_examples(name):
    raw, shown = SAMPLES[name]
    assert OutputCleaner()(raw) == shown


def test_every_cleaning_entry_is_proven():
    names = [entry["name"] for entry in load_rules("output-cleaning")["clean"]]
    assert len(names) == len(set(names)), names
    assert set(names) == set(SAMPLES), f"entries without a sample: {set(names) - set(SAMPLES)}; " \
        f"samples without an entry: {set(SAMPLES) - set(names)}"


def test_a_rotated_key_keeps_its_example_and_an_example_value_stays_itself():
    """Rotating keys shows two keys: each becomes its own example, the same one every time it appears.
    An example value already in the output (moto prints AWS's own example key) stays itself."""
    cleaner = OutputCleaner()
    old, new = "AKIA4MOTOMADEUPKEY01", "AKIA4MOTOMADEUPKEY02"
    assert cleaner(f"{old} Active\n{new} Active\n") == "AKIAIOSFODNN7EXAMPLE Active\nAKIAI44QH8DHBEXAMPLE Active\n"
    assert cleaner(f"{old} Inactive\n") == "AKIAIOSFODNN7EXAMPLE Inactive\n"
    cleaner = OutputCleaner()
    assert cleaner('{"UserId": "AKIAI44QH8DHBEXAMPLE", "Account": "123456789012"}') == \
        '{"UserId": "AKIAI44QH8DHBEXAMPLE", "Account": "111122223333"}'
    assert cleaner(old) == "AKIAIOSFODNN7EXAMPLE"


def test_more_values_than_examples_is_an_error_that_names_the_file():
    with pytest.raises(ValueError, match=r"rules/example-values.toml: account_ids lists 2 example values"):
        OutputCleaner()("111111111111 222222222222 333333333333")
