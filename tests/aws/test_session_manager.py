"""howto/session-manager.md: a role with AmazonSSMManagedInstanceCore on an instance with no inbound rules."""

import pytest

from conftest import moto_server

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


@pytest.fixture(scope="module")
def moto_endpoint():
    """This module's own emulator, with AWS managed policies loaded (moto leaves them out by default).

    It overrides the session-wide server from conftest.py for these tests only.
    """
    with moto_server(MOTO_IAM_LOAD_MANAGED_POLICIES="true") as url:
        yield url


def instance(ec2, instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def test_session_manager(guide):
    g = guide("session-manager")
    ec2, iam = g.client("ec2"), g.client("iam")
    ami = g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    existing = ec2.run_instances(  # the instance "How to launch an EC2 instance" leaves running
        ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}]}],
    )["Instances"][0]["InstanceId"]
    g.run()

    # The role trusts EC2 and carries exactly the AWS managed core policy; the profile carries the role.
    role = iam.get_role(RoleName="analysis-ssm")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = iam.list_attached_role_policies(RoleName="analysis-ssm")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [CORE]
    profile = iam.get_instance_profile(InstanceProfileName="analysis-ssm")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["analysis-ssm"]

    # The new instance: running, with the profile, in one group that lets nothing in.
    new = instance(ec2, g.var("INSTANCE_ID"))
    assert new["State"]["Name"] == "running"
    assert new["IamInstanceProfile"]["Arn"] == profile["Arn"]
    (group,) = new["SecurityGroups"]
    assert group["GroupId"] == g.var("SG_ID")
    (sg,) = ec2.describe_security_groups(GroupIds=[group["GroupId"]])["SecurityGroups"]
    assert sg["IpPermissions"] == []
    assert not new.get("KeyName")  # no key pair: nothing to connect with over SSH
    assert g.outputs["no-inbound-group"].split() == ["no-inbound", "0", "1"]

    # The existing instance got the same profile.
    assert g.var("EXISTING_ID") == existing
    (assoc,) = ec2.describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": [existing]}]
    )["IamInstanceProfileAssociations"]
    assert assoc["IamInstanceProfile"]["Arn"] == profile["Arn"]

    g.cleanup()
    assert instance(ec2, g.var("INSTANCE_ID"))["State"]["Name"] == "terminated"
    assert "no-inbound" not in [s["GroupName"] for s in ec2.describe_security_groups()["SecurityGroups"]]
    assert not [
        a for a in ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"]
        if a["State"] == "associated"
    ]
    assert not iam.list_instance_profiles()["InstanceProfiles"]
    assert not iam.list_roles()["Roles"]
