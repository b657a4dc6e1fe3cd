"""howto/leaked-credentials.md, for the account's administrator: the leaked access key deactivated
(first, alone), its user denied everything, an instance the key launched in another Region
terminated even with termination protection on, the key deleted, and the check that lists every
user's active keys and inline policies; a colleague's key untouched; the clean-up lifts the deny and
is safe to paste twice. Pasted into bash and zsh (admin_steps.py), with the outputs the page shows."""

import pytest

from admin_steps import check_admin_outputs, paste_admin_steps
from test_leaked_credentials import launch
from conftest import SNIPPETS, parse_sections
from tour import PLACEHOLDERS, Shell

SHOWN_KEY, SHOWN_INSTANCE, REGION_USED = "AKIAIOSFODNN7EXAMPLE", "i-0123456789abcdef0", "eu-west-1"
DENY_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_administrator_cuts_off_a_leaked_key(guide, shell):
    g = guide("leaked-credentials-admin")
    iam = g.client("iam")
    iam.create_user(UserName="alice")  # the reader whose key leaked
    leaked = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.create_user(UserName="bob")  # a colleague, whose key must keep working
    bobs = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    stranger = launch(g, REGION_USED, [])  # what the key launched, protected against termination
    g.client("ec2", REGION_USED).modify_instance_attribute(InstanceId=stranger, DisableApiTermination={"Value": True})
    values = {SHOWN_KEY: leaked, SHOWN_INSTANCE: stranger, PLACEHOLDERS["<region-code>"][0]: REGION_USED}

    first = paste_admin_steps(g, shell, values, only=("admin-deactivate-key",))  # the first minute
    assert [(k["AccessKeyId"], k["Status"]) for k in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == [
        (leaked, "Inactive")]
    assert first["admin-deactivate-key"].split() == ["alice", "None", "N/A", "N/A"]  # a key never used

    printed = paste_admin_steps(g, shell, values)  # the page in order, deactivation pasted again
    assert iam.list_access_keys(UserName="alice")["AccessKeyMetadata"] == []
    assert iam.get_user_policy(UserName="alice", PolicyName="deny-all-after-leak")["PolicyDocument"] == DENY_ALL
    assert [(k["AccessKeyId"], k["Status"]) for k in iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]] == [
        (bobs, "Active")]
    assert iam.list_user_policies(UserName="bob")["PolicyNames"] == []
    (instance,) = g.client("ec2", REGION_USED).describe_instances(InstanceIds=[stranger])["Reservations"][0]["Instances"]
    assert instance["State"]["Name"] in ("shutting-down", "terminated")
    assert printed["admin-check"].splitlines() == ["alice\t0\tdeny-all-after-leak", "bob\t1\t"]
    assert not g.json_left_in_home(), g.json_left_in_home()  # the policy document went to a mktemp folder
    check_admin_outputs(g, shell, printed)

    for _ in range(2):  # the next day, in a new terminal, pasted twice: the deny lifted, no error
        paste_admin_steps(g, shell, cleanup=True)
        assert iam.list_user_policies(UserName="alice")["PolicyNames"] == []


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_clean_up_pasted_unchanged_keeps_the_deny(guide, shell):
    """The clean-up pasted with `<user-name>` left in, in the terminal where step 4 denied the user:
    the shell refuses its first line, and the deny must stay (the block must not fall back on the user
    name step 4 left in the terminal and lift the deny before the leaked sessions have run out)."""
    g = guide("leaked-credentials-admin")
    iam = g.client("iam")
    iam.create_user(UserName="alice")
    sections = {s.name: s for s in parse_sections(SNIPPETS / "leaked-credentials-admin.sh")}
    terminal = Shell(shell, g.env, g.workdir)
    try:
        terminal.paste(sections["admin-deny-user"].filled({"<user-name>": "alice"}))
        assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["deny-all-after-leak"]
        terminal.paste(sections["cleanup-admin-allow-again"].code)  # `<user-name>` not replaced
    finally:
        terminal.close()
    assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["deny-all-after-leak"]
