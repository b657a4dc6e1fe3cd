"""howto/ebs-encryption.md, for the account's administrator: encryption by default turned on in
every Region the account has, the check that names a Region where it is still off, a default key of
the account's own, and turning it off again; pasted into bash and zsh (admin_steps.py), with the
outputs the page shows; signed out, the check names no Region as on (a stand-in `aws` that fails as
an expired sign-in does)."""

import pytest

from admin_steps import check_admin_outputs, paste_admin_steps
from conftest import SNIPPETS, parse_sections
from test_leaked_credentials import SHELLS, signed_out

OFF_SOMEWHERE = "eu-west-2"


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_administrator_turns_it_on_in_every_region(guide, shell):
    g = guide("ebs-encryption-admin")
    ec2 = g.client("ec2")
    regions = [r["RegionName"] for r in ec2.describe_regions()["Regions"]]
    assert len(regions) > 10, regions
    kms = g.client("kms")  # the key of the account's own that the optional step names
    key = kms.create_key(Description="the lab's key for EBS")["KeyMetadata"]
    kms.create_alias(AliasName="alias/lab-ebs", TargetKeyId=key["KeyId"])

    printed = paste_admin_steps(g, shell)
    on = {r: g.client("ec2", r).get_ebs_encryption_by_default()["EbsEncryptionByDefault"] for r in regions}
    assert all(on.values()), [r for r, value in on.items() if not value]
    assert printed["admin-enable"].splitlines() == [f"{r} True" for r in regions]
    assert printed["admin-check"] == "Regions where EBS encryption by default is off: none\n"
    assert printed["admin-own-key"] == f"{key['Arn']}\n"
    check_admin_outputs(g, shell, printed)

    g.client("ec2", OFF_SOMEWHERE).disable_ebs_encryption_by_default()  # a Region turned off since
    again = paste_admin_steps(g, shell, only=("admin-check",))
    assert again["admin-check"] == f"Regions where EBS encryption by default is off: {OFF_SOMEWHERE}\n"

    off = paste_admin_steps(g, shell, cleanup=True)  # turned off again, in a new terminal
    assert off["cleanup-admin-turn-off"].splitlines() == [f"{r} False" for r in regions]
    assert not any(g.client("ec2", r).get_ebs_encryption_by_default()["EbsEncryptionByDefault"] for r in regions)


@pytest.mark.parametrize("shell", SHELLS)
def test_signed_out_the_check_does_not_say_none(shell, tmp_path):
    [section] = [s for s in parse_sections(SNIPPETS / "ebs-encryption-admin.sh") if s.name == "admin-check"]
    printed, calls = signed_out(section.code, shell, tmp_path)
    assert "off: none" not in printed and "expired" in printed, printed
    assert [c.split()[:2] for c in calls] == [["ec2", "describe-regions"]], calls
