"""The reader's policies cannot grow into more: no privilege escalation, resource exposure,
data exfiltration or credentials exposure (cloudsplaining), no role that escapes the site's
permissions boundary, and each policy fits IAM's size quota.

cloudsplaining runs as `cloudsplaining scan-policy-file` does by default (its `scan_policy`
with the default exclusions): it judges statements whose resource is `*` and no condition, so
it reads what the policies allow to anyone, whatever the tags. What the tags and conditions
allow is judged by an IAM evaluator in tests/test_permissions.py and test_two_readers.py.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import yaml

with warnings.catch_warnings():  # policy_sentry and its database print deprecation warnings on import
    warnings.simplefilter("ignore")
    from cloudsplaining.command.scan_policy_file import scan_policy
    from cloudsplaining.scan.statement_detail import StatementDetail
    from cloudsplaining.shared.constants import EXCLUSIONS_FILE

from conftest import ROOT

SNIPPETS = ROOT / "howto" / "snippets"
POLICIES = sorted(SNIPPETS.glob("crashcourse-policy*.json"))  # what the administrator attaches to the reader
BOUNDARY = SNIPPETS / "crashcourse-boundary.json"  # what the guides' roles may ever do
FIXTURES = Path(__file__).parent / "fixtures"
# The policy before issue 19: its EC2 statement and its IAM statement (from git, commit e1d17a8).
BEFORE_EC2 = FIXTURES / "policy-before-issue-19-ec2.json"
BEFORE_ROLES = FIXTURES / "policy-before-issue-19-roles.json"

HIGH_RISK = ("PrivilegeEscalation", "ResourceExposure", "DataExfiltration", "CredentialsExposure")

# Actions that give a role (or user) permissions, and the condition key that must limit each.
GRANTS = {
    "iam:createrole": "iam:PermissionsBoundary",
    "iam:putrolepolicy": "iam:PermissionsBoundary",
    "iam:attachrolepolicy": "iam:PolicyARN",
    "iam:putrolepermissionsboundary": "iam:PermissionsBoundary",
    "iam:createuser": "iam:PermissionsBoundary",
    "iam:putuserpolicy": "iam:PermissionsBoundary",
    "iam:attachuserpolicy": "iam:PolicyARN",
    "iam:createpolicyversion": None,  # rewrites a policy: never allowed
    "iam:setdefaultpolicyversion": None,
}


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def high_risk_findings(path: Path) -> list[str]:
    """cloudsplaining's findings in the four high-risk categories, each naming its actions."""
    policy = json.loads(path.read_text())
    exclusions = yaml.safe_load(EXCLUSIONS_FILE.read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = scan_policy(policy, exclusions)
    found = []
    for category in HIGH_RISK:
        for finding in (results.get(category) or {}).get("findings", []):
            if isinstance(finding, dict):  # privilege escalation: a method and the actions it combines
                found.append(f"{rel(path)}: {category} ({finding['type']}): {', '.join(finding['actions'])}")
            else:
                found.append(f"{rel(path)}: {category}: {finding}")
    return found


def line_of(path: Path, sid: str | None, index: int) -> int:
    """The line where a statement starts: its Sid's line, else the index-th `{` after "Statement"."""
    lines = path.read_text().splitlines()
    if sid:
        return next(n for n, line in enumerate(lines, 1) if f'"Sid": "{sid}"' in line)
    opening = [n for n, line in enumerate(lines, 1) if line.strip() == "{"][1:]  # the first is the document's
    return opening[index] if index < len(opening) else 1


def ungated_grants(path: Path) -> list[str]:
    """Allow statements that let the holder create a role or give one permissions without the
    condition that limits it: a permissions boundary, or the managed policies it may attach."""
    problems = []
    for index, statement in enumerate(json.loads(path.read_text())["Statement"]):
        if statement["Effect"] != "Allow":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            actions = {a.lower() for a in StatementDetail(statement).expanded_actions or []}
        keys = {
            key.lower()
            for operator, block in statement.get("Condition", {}).items()
            if "Not" not in operator and "IfExists" not in operator  # a negated or optional test limits nothing
            for key in block
        }
        for action in sorted(actions & set(GRANTS)):
            needed = GRANTS[action]
            if needed is None or needed.lower() not in keys:
                where = f"{rel(path)}:{line_of(path, statement.get('Sid'), index)}"
                limit = f"without a {needed} condition" if needed else "at all"
                problems.append(f"{where}: statement {statement.get('Sid', index)!r} allows {action} {limit}")
    return problems


@pytest.mark.parametrize("path", [*POLICIES, BOUNDARY], ids=lambda p: p.name)
def test_cloudsplaining_finds_no_high_risk(path):
    assert POLICIES, "no crashcourse-policy*.json in howto/snippets"
    findings = high_risk_findings(path)
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_roles_only_with_boundary_and_named_policies(path):
    problems = ungated_grants(path)
    assert not problems, "\n".join(problems)


def test_the_old_ec2_statement_is_privilege_escalation():
    """Fixture: the EC2 statement the policy had before (every action on `*`)."""
    findings = high_risk_findings(BEFORE_EC2)
    assert any("PrivilegeEscalation (ModifyEC2InstanceUserDataThenRestart)" in f and "ec2:modifyinstanceattribute" in f
               for f in findings), findings


def test_the_old_role_statement_lets_roles_grow():
    """Fixture: the IAM statement the policy had before (any policy on any crashcourse- role)."""
    problems = ungated_grants(BEFORE_ROLES)
    line = line_of(BEFORE_ROLES, "InstanceRoles", 0)
    assert f"tests/aws/fixtures/{BEFORE_ROLES.name}:{line}: statement 'InstanceRoles' allows iam:attachrolepolicy without a iam:PolicyARN condition" in problems, problems
    assert any("iam:createrole without a iam:PermissionsBoundary condition" in p for p in problems), problems
    assert any("iam:putrolepolicy without a iam:PermissionsBoundary condition" in p for p in problems), problems


def test_a_negated_condition_does_not_count(tmp_path):
    """Fixture: `StringNotEquals iam:PolicyARN` names the key but limits nothing."""
    path = tmp_path / "negated.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Negated", "Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*",
        "Condition": {"ArnNotEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}}}]}, indent=2))
    problems = ungated_grants(path)
    assert problems == [f"{path}:5: statement 'Negated' allows iam:attachrolepolicy without a iam:PolicyARN condition"], problems
