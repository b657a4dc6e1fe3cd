"""The path the guides give each reader's roles and instance profiles, `/crashcourse/<user ID>/`,
is one IAM accepts for every kind of reader, as IAM's service model (botocore's copy) states it.

An IAM user's ID is letters and digits (`AIDA...`). A reader who signs in through IAM Identity
Center, or any role session, has the role's ID, a colon and the session name
(`AROA...:alice@example.org`). The session name is whatever STS's AssumeRole accepts as a
`RoleSessionName`; Identity Center uses the user name. This module checks, from the models
alone, that every such ID makes a path that CreateRole and CreateInstanceProfile accept and a
prefix that ListRoles and ListInstanceProfiles accept.
"""

from __future__ import annotations

import re

import botocore.session
import pytest

MODELS = botocore.session.get_session()
IAM = MODELS.get_service_model("iam")
STS = MODELS.get_service_model("sts")

ROLE_ID = "AROADBQP57FF2AEXAMPLE"  # a role's unique ID: AROA and 17 characters (IAM User Guide, unique identifiers)
USER_IDS = {
    "an IAM user": "AIDACKCEVSQ6C2EXAMPLE",
    "the root user": "111122223333",  # the root user's UserId is the account ID
    "an IAM Identity Center user": f"{ROLE_ID}:alice@example.org",
}


def member(service, operation: str, name: str):
    return service.operation_model(operation).input_shape.members[name]


def accepts(shape, value: str) -> bool:
    """Whether a value meets a string shape's length limits and whole-string pattern."""
    limits = shape.metadata
    return (limits.get("min", 0) <= len(value) <= limits.get("max", 10**9)
            and re.fullmatch(limits["pattern"], value) is not None)


def path_of(user_id: str) -> str:
    return f"/crashcourse/{user_id}/"  # as the guides write it: "/crashcourse/$OWNER/"


def longest_session_name() -> str:
    """A session name of the greatest length STS accepts, of every character it accepts."""
    shape = member(STS, "AssumeRole", "RoleSessionName")
    allowed = "".join(c for c in map(chr, range(0x21, 0x7F)) if re.fullmatch(shape.metadata["pattern"], c))
    return (allowed * 3)[: shape.metadata["max"]]


@pytest.mark.parametrize("operation", ["CreateRole", "CreateInstanceProfile"])
@pytest.mark.parametrize("reader", USER_IDS)
def test_each_readers_path_is_accepted(operation, reader):
    shape = member(IAM, operation, "Path")
    assert accepts(shape, path_of(USER_IDS[reader])), f"{operation} refuses {path_of(USER_IDS[reader])!r}"


@pytest.mark.parametrize("operation", ["ListRoles", "ListInstanceProfiles"])
@pytest.mark.parametrize("reader", USER_IDS)
def test_each_readers_prefix_is_accepted(operation, reader):
    assert accepts(member(IAM, operation, "PathPrefix"), path_of(USER_IDS[reader]))


def test_every_session_name_makes_a_path_iam_accepts():
    """The longest session name, holding every character STS allows in one (`@`, `=`, `,`...)."""
    name = longest_session_name()
    assert len(name) == 64 and "@" in name and "=" in name
    path = path_of(f"{ROLE_ID}:{name}")
    for operation in ("CreateRole", "CreateInstanceProfile"):
        assert accepts(member(IAM, operation, "Path"), path), (operation, path)


def test_a_path_iam_refuses_is_refused_here():
    """The check reads the model's pattern: a space, which no user ID holds, is refused."""
    assert not accepts(member(IAM, "CreateRole", "Path"), path_of("AROADBQP57FF2AEXAMPLE:alice smith"))
    assert not accepts(member(IAM, "CreateRole", "Path"), "/crashcourse/" + "A" * 512 + "/")
