"""howto/session-manager.md: a role with AmazonSSMManagedInstanceCore on an instance with no inbound rules.

The reader's tour (test_tour.py) follows the page after launch-instance, when `analysis-box`
has no instance profile yet, so it takes the `associate` branch of step 6. This test gives
`analysis-box` a profile of its own first, so the page's other branch (replace) runs too, and
then runs the clean-up from a shell that knows none of the page's variables.
"""

import json
from pathlib import Path

import pytest

from conftest import EMULATED_OWNER, EMULATED_READER, OWNER_TAG, ROOT, profiles_on
from paste_twice import paste_twice
from shown_outputs import outputs_test
from tour import steps

test_outputs = outputs_test("session-manager")  # its shown outputs (shown_outputs.py)

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
ROLE = f"crashcourse-ssm-{EMULATED_READER}"
GROUP = f"crashcourse-no-inbound-{EMULATED_READER}"
PATH = f"/crashcourse/{EMULATED_OWNER}/"  # the reader's own path, which the policies fence roles and profiles by
UNGUARDED_LAUNCH = Path(__file__).parent / "fixtures" / "session-manager-unguarded-launch.sh"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def instance(ec2, instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def test_session_manager(guide):
    g = guide("session-manager")
    ec2, iam = g.client("ec2"), g.client("iam")
    ami = g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    # The instance "How to launch an EC2 instance" leaves running, here with a profile already.
    iam.create_role(RoleName="crashcourse-other", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_instance_profile(InstanceProfileName="crashcourse-other")
    iam.add_role_to_instance_profile(InstanceProfileName="crashcourse-other", RoleName="crashcourse-other")
    existing = ec2.run_instances(
        ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        IamInstanceProfile={"Name": "crashcourse-other"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}, OWNER_TAG]}],
    )["Instances"][0]["InstanceId"]
    g.run()
    assert not g.json_left_in_home(), g.json_left_in_home()

    # The role trusts EC2 and carries exactly the AWS managed core policy; the profile carries the role.
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [CORE]
    assert OWNER_TAG in role["Tags"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(":policy/crashcourse-boundary")
    profile = iam.get_instance_profile(InstanceProfileName=ROLE)["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [ROLE]
    assert role["Path"] == profile["Path"] == PATH and role["Arn"].endswith(f":role{PATH}{ROLE}"), (role["Arn"], profile["Path"])
    assert g.outputs["create-role"].strip() == role["Arn"]

    # The new instance: running, IMDSv2 only, with the profile, in one group that lets nothing in.
    new = instance(ec2, g.var("SSM_BOX_ID"))
    assert new["State"]["Name"] == "running"
    assert new["MetadataOptions"]["HttpTokens"] == "required"
    assert new["IamInstanceProfile"]["Arn"] == profile["Arn"]
    (group,) = new["SecurityGroups"]
    assert group["GroupId"] == g.var("SSM_SG_ID")
    (sg,) = ec2.describe_security_groups(GroupIds=[group["GroupId"]])["SecurityGroups"]
    assert sg["IpPermissions"] == []
    assert OWNER_TAG in new["Tags"] and OWNER_TAG in sg["Tags"]
    assert not new.get("KeyName")  # no key pair: nothing to connect with over SSH
    assert g.outputs["no-inbound-group"].split() == [GROUP, "0", "1"]
    assert g.outputs["check-instance"].split() == ["running", profile["Arn"], GROUP, "None"]

    # The existing instance now holds this page's profile, in place of the one it had.
    assert g.var("BOX_ID") == existing
    assert profiles_on(ec2, existing) == [ROLE]
    assert g.outputs["attach-existing"].strip() == profile["Arn"]

    # The clean-up, in a new shell: nothing the page set is known there.
    cleanup = [s for s in g.sections() if s.cleanup]
    assert [s.name for s in cleanup] == ["cleanup", "cleanup-existing", "cleanup-role"]
    g._bash(cleanup, None, g.workdir / "after.sh")
    assert instance(ec2, g.var("SSM_BOX_ID"))["State"]["Name"] == "terminated"
    assert GROUP not in [s["GroupName"] for s in ec2.describe_security_groups()["SecurityGroups"]]
    assert profiles_on(ec2, existing) == []
    assert instance(ec2, existing)["State"]["Name"] == "running"  # not this page's to stop
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]] == ["crashcourse-other"]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["crashcourse-other"]

    # Run twice (the reader is not sure it worked): nothing left to find, and no error.
    g._bash(cleanup, None, g.workdir / "after.sh")
    assert g.outputs["cleanup"] == g.outputs["cleanup-existing"] == g.outputs["cleanup-role"] == ""


def test_a_role_made_before_paths_is_reported_not_reused(guide):
    """A role and instance profile of the page's names at IAM's top path `/`, made by the version of
    this page before paths (tagged as the reader's): the create blocks say so and make or reuse
    nothing, pasting them twice changes nothing, and the clean-up's role block deletes them, after
    which the blocks make the role and profile under the reader's path. A colleague's role of the
    same kind at `/` (another owner tag) is left alone."""
    g = guide("session-manager")
    iam = g.client("iam")
    for name, owner in ((ROLE, OWNER_TAG), ("crashcourse-ssm-bob", {"Key": "crashcourse:owner", "Value": "AIDAANOTHERREADER"})):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST), Tags=[owner])
        iam.create_instance_profile(InstanceProfileName=name, Tags=[owner])
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
        iam.attach_role_policy(RoleName=name, PolicyArn=CORE)  # as that version's step 2 did
    sections = {s.name: s for s in g.sections()}
    make = [sections["set-names"], sections["create-role"], sections["create-profile"]]
    for _ in range(2):
        g._bash(make, None, g.workdir / "state.sh")
        assert g.outputs["create-role"].startswith(f"Role {ROLE} exists outside {PATH} "), g.outputs["create-role"]
        assert g.outputs["create-profile"].startswith(f"Instance profile {ROLE} exists outside {PATH} "), g.outputs["create-profile"]
        assert iam.get_role(RoleName=ROLE)["Role"]["Path"] == "/"
        assert iam.get_instance_profile(InstanceProfileName=ROLE)["InstanceProfile"]["Path"] == "/"
    g._bash([sections["cleanup-role"]], None, g.workdir / "after.sh")
    assert sorted(r["RoleName"] for r in iam.list_roles()["Roles"]) == ["crashcourse-ssm-bob"]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]] == ["crashcourse-ssm-bob"]
    g._bash(make, None, g.workdir / "state.sh")
    assert iam.get_role(RoleName=ROLE)["Role"]["Path"] == iam.get_instance_profile(InstanceProfileName=ROLE)["InstanceProfile"]["Path"] == PATH


def named(ec2, name):
    """The reader's live instances with this Name tag."""
    live = ["pending", "running", "stopping", "stopped"]
    return [i for r in ec2.describe_instances(Filters=[
        {"Name": "tag:Name", "Values": [name]}, {"Name": "instance-state-name", "Values": live}])["Reservations"]
        for i in r["Instances"]]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_session_manager_pasted_twice(guide, shell):
    """After "How to launch an EC2 instance", every block pasted twice (paste_twice.py): one new
    instance, one role, profile and group, and the existing instance's profile associated once; the
    second pastes of the launch and the association say what they found."""
    g = guide("session-manager")
    ec2 = g.client("ec2")
    run = paste_twice(g, shell, before=("launch-instance",))
    try:
        assert not run.problems, "\n".join(run.problems)
        (new,) = named(ec2, "analysis-private")
        (box,) = named(ec2, "analysis-box")
        assert run.value("SSM_BOX_ID") == new["InstanceId"]
        assert run.printed["launch"][1] == f"Instance {new['InstanceId']} is yours and running already: not launching another\n"
        assert run.printed["attach-existing"][1] == (
            f"Instance {box['InstanceId']} has the instance profile {ROLE} already: not replacing it\n")
    finally:
        run.shell.close()
    assert profiles_on(ec2, box["InstanceId"]) == [ROLE]
    g.cleanup()
    assert not named(ec2, "analysis-private")


def test_a_stopped_instance_is_reported_not_launched_again(guide):
    """The launch's other branch: a stopped `analysis-private` is named with the command that starts it."""
    g = guide("session-manager")
    ec2 = g.client("ec2")
    sections = {s.section.name: s.section for s in steps(g.snippets / "session-manager.sh", cleanup=False, reader_values=False)}
    make = [sections[name] for name in ("set-names", "create-role", "create-profile", "no-inbound-group", "launch")]
    g._bash(make, None, g.workdir / "state.sh")
    first = g.var("SSM_BOX_ID")
    ec2.stop_instances(InstanceIds=[first])
    g._bash(make, None, g.workdir / "state.sh")
    assert g.outputs["launch"] == (f"Instance {first} is yours and stopped: not launching another\n"
                                   f"Start it with: aws ec2 wait instance-stopped --instance-ids {first}"
                                   f" && aws ec2 start-instances --instance-ids {first}\n")
    assert g.var("SSM_BOX_ID") == first
    assert [i["InstanceId"] for i in named(ec2, "analysis-private")] == [first]
    g.cleanup()


def test_paste_twice_catches_a_launch_without_its_guard(guide):
    """The fixture's launch block, as it was without its guard: pasted twice, it launches a second
    instance, named with the fixture's file and line."""
    g = guide("session-manager")
    run = paste_twice(g, "bash", before=("launch-instance",), fixture=UNGUARDED_LAUNCH)
    run.shell.close()
    (line,) = [s.section.line for s in steps(UNGUARDED_LAUNCH, cleanup=False, reader_values=False)]
    where = f"{UNGUARDED_LAUNCH.relative_to(ROOT)}:{line}: [bash] section 'launch' pasted twice made something new: ec2 instance:"
    assert any(p.startswith(where) for p in run.problems), run.problems
    assert len(named(g.client("ec2"), "analysis-private")) == 2
    g.cleanup()
