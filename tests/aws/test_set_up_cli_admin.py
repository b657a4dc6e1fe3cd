"""howto/set-up-cli.md, for the administrator of a shared account: the site's policies and
boundary are accepted by IAM, and the reader's user gets exactly them. The clean-up, pasted into
bash and zsh (admin_steps.py), deletes the user with what the page gave it and an access key the
administrator added, in an emulator whose DeleteUser refuses, as IAM's does, a user that still has
any of them (motofork.iam_as_aws); pasted again, it says nothing is left. A user with more than the
page gave it (a group, an inline policy, an MFA device, a signing certificate, an SSH public key)
is named with each, and nothing is deleted."""

import datetime
import json
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from admin_steps import paste_admin_steps

SNIPPETS = Path(__file__).resolve().parents[2] / "howto" / "snippets"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
POLICY_FILES = ["crashcourse-boundary.json", "crashcourse-policy.json", "crashcourse-policy-iam.json",
                "crashcourse-policy-services.json", "crashcourse-policy-batch.json"]


def test_administrator_creates_the_readers_user(guide):
    g = guide("set-up-cli-admin")
    for name in POLICY_FILES:  # the administrator saved the page's five documents in this folder
        shutil.copy(SNIPPETS / name, g.workdir / name)
    g.run()
    iam = g.client("iam")
    made = {p["PolicyName"]: p for p in iam.list_policies(Scope="Local")["Policies"]}
    assert set(made) == {n.removesuffix(".json") for n in POLICY_FILES}, sorted(made)
    for name in POLICY_FILES:  # what IAM stored is the page's document, unchanged
        policy = made[name.removesuffix(".json")]
        stored = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        assert stored["Document"] == json.loads((SNIPPETS / name).read_text()), name
    attached = sorted(p["PolicyName"] for p in iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"])
    assert attached == ["IAMUserChangePassword", "SignInLocalDevelopmentAccess", "crashcourse-policy",
                        "crashcourse-policy-batch", "crashcourse-policy-iam", "crashcourse-policy-services"], attached
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["UserName"] == "alice"  # moto keeps no reset flag
    assert len(g.outputs["admin-user"].split()[-1]) == 32  # the first password, printed once for the reader

    g.cleanup()
    assert [u["UserName"] for u in iam.list_users()["Users"]] == []


def administrator_made_alice(g, shell: str):
    """The page's first two admin blocks, pasted, for the user `alice` (the page's example)."""
    for name in POLICY_FILES:
        shutil.copy(SNIPPETS / name, g.workdir / name)
    paste_admin_steps(g, shell, only=("admin-policies", "admin-user"))
    iam = g.client("iam")
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["UserName"] == "alice"
    assert len(iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]) == 6
    return iam


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_administrator_removes_the_readers_user(guide, shell):
    g = guide("set-up-cli-admin")
    iam = administrator_made_alice(g, shell)
    iam.create_access_key(UserName="alice")  # the administrator also gave alice a key
    printed = paste_admin_steps(g, shell, cleanup=True)
    assert printed["cleanup-admin-user"] == "Deleted user alice.\n"
    assert [u["UserName"] for u in iam.list_users()["Users"]] == []
    assert {p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]} == {
        n.removesuffix(".json") for n in POLICY_FILES}  # the account's policies stay, for other readers
    again = paste_admin_steps(g, shell, cleanup=True)
    assert again["cleanup-admin-user"] == "No user alice in this account: nothing left to delete.\n"


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_user_name_is_found_whatever_its_case(guide, shell):
    """IAM user names are not distinguished by case (CreateUser, IAM API Reference:
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html), so
    an administrator who types ALICE for the user alice is removing that user: the clean-up finds
    it and deletes it under its own name. The fixture, the clean-up as it was, said there was no
    such user and left alice with the site's permissions."""
    typed = {"READER_NAME=alice": "READER_NAME=ALICE"}
    g = guide("set-up-cli-admin")
    iam = administrator_made_alice(g, shell)
    assert paste_admin_steps(g, shell, typed, cleanup=True)["cleanup-admin-user"] == "Deleted user alice.\n"
    assert [u["UserName"] for u in iam.list_users()["Users"]] == []

    iam.create_user(UserName="alice")
    before = guide("set-up-cli-admin-cleanup-case", snippets=FIXTURES)
    printed = paste_admin_steps(before, shell, typed, cleanup=True)["cleanup-admin-user"]
    assert printed == "No user ALICE in this account: nothing left to delete.\n", printed
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_clean_up_deletes_no_other_user(guide, shell):
    """The clean-up matches the whole name, as a fixed string, whatever its case: `alice` is not
    `alice2`, `xalice` or `alice.x`; `a.ice` (a dot, not any character) is not `alice`; a name with
    each other character IAM allows (`+=,.@-_`) is found as typed and deleted alone."""
    g = guide("set-up-cli-admin")
    iam = g.client("iam")
    odd = "Lab+Alice=1,x.y@z-w_v"
    for name in ("alice2", "xalice", "alice.x", odd, odd + "2"):
        iam.create_user(UserName=name)

    def users() -> list[str]:
        return sorted(u["UserName"] for u in iam.list_users()["Users"])

    printed = paste_admin_steps(g, shell, {"READER_NAME=alice": "READER_NAME=alice"}, cleanup=True)
    assert printed["cleanup-admin-user"] == "No user alice in this account: nothing left to delete.\n"
    iam.create_user(UserName="alice")
    printed = paste_admin_steps(g, shell, {"READER_NAME=alice": "READER_NAME=a.ice"}, cleanup=True)
    assert printed["cleanup-admin-user"] == "No user a.ice in this account: nothing left to delete.\n"
    assert users() == sorted(["alice", "alice2", "xalice", "alice.x", odd, odd + "2"])
    printed = paste_admin_steps(g, shell, {"READER_NAME=alice": "READER_NAME=" + odd.lower()}, cleanup=True)
    assert printed["cleanup-admin-user"] == f"Deleted user {odd}.\n"
    assert users() == sorted(["alice", "alice2", "xalice", "alice.x", odd + "2"])


def test_a_clean_up_that_leaves_the_access_key_fails(guide):
    """The fixture, the clean-up as it was: IAM (and the emulator, as motofork.iam_as_aws makes it)
    keeps a user that still has an access key, and the block fails, named with its file and line."""
    g = guide("set-up-cli-admin")
    iam = administrator_made_alice(g, "bash")
    iam.create_access_key(UserName="alice")
    before = guide("set-up-cli-admin-cleanup-before", snippets=FIXTURES)
    where = r"tests/aws/fixtures/set-up-cli-admin-cleanup-before\.sh:7: \[bash\] section 'cleanup-admin-user': a command failed"
    with pytest.raises(pytest.fail.Exception, match=where) as failed:
        paste_admin_steps(before, "bash", cleanup=True)
    assert "DeleteConflict" in str(failed.value), failed.value
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]


def signing_certificate() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "alice")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_a_user_with_more_than_the_page_gave_is_named_and_kept(guide, shell):
    g = guide("set-up-cli-admin")
    iam = administrator_made_alice(g, shell)
    iam.create_group(GroupName="lab")
    iam.add_user_to_group(GroupName="lab", UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="deny-all-after-leak",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Deny", "Action": "*", "Resource": "*"}]}))
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device, AuthenticationCode1="123456", AuthenticationCode2="654321")
    cert = iam.upload_signing_certificate(UserName="alice", CertificateBody=signing_certificate())["Certificate"]
    ssh = iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample alice")

    printed = paste_admin_steps(g, shell, cleanup=True)["cleanup-admin-user"].splitlines()
    assert printed == [
        "User alice has more than this page gave it; remove these, then paste the block again. Nothing was deleted.",
        "Groups: lab", "Inline policies: deny-all-after-leak", f"MFA devices: {device}",
        f"Signing certificates: {cert['CertificateId']}", f"SSH public keys: {ssh['SSHPublicKey']['SSHPublicKeyId']}",
    ], printed
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["UserName"] == "alice"  # nothing deleted
    assert len(iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]) == 6
