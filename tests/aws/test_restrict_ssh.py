"""howto/restrict-ssh.md: a security group that lets SSH in from the reader's /32 only."""

from conftest import EMULATED_READER, OWNER_TAG
from shown_outputs import outputs_test

test_outputs = outputs_test("restrict-ssh")  # its shown outputs (shown_outputs.py)

GROUP = f"crashcourse-ssh-{EMULATED_READER}"
AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
MY_CIDR = "203.0.113.25/32"  # MY_IP, which the harness sets, as a /32
NEW_CIDR = "203.0.113.77/32"  # the address-changed steps' stand-in, as a /32


def launch_analysis_box(g):
    """The instance that "How to launch an EC2 instance" leaves running."""
    ec2 = g.client("ec2")
    ami = g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    instance_id = ec2.run_instances(
        ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}, OWNER_TAG]}],
    )["Instances"][0]["InstanceId"]
    return ec2, instance_id


def groups_of(ec2, instance_id):
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    return [sg["GroupId"] for sg in instance["SecurityGroups"]]


def assert_ssh_from_my_address_only(ec2, group_id, cidr=MY_CIDR):
    (group,) = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert OWNER_TAG in group["Tags"]
    (permission,) = group["IpPermissions"]  # one inbound rule, nothing else
    assert (permission["IpProtocol"], permission["FromPort"], permission["ToPort"]) == ("tcp", 22, 22)
    assert [r["CidrIp"] for r in permission["IpRanges"]] == [cidr]
    assert not permission.get("Ipv6Ranges") and not permission.get("UserIdGroupPairs")


def test_restrict_ssh(guide):
    g = guide("restrict-ssh")
    ec2, instance_id = launch_analysis_box(g)
    before = groups_of(ec2, instance_id)
    g.run()
    group_id = g.var("SSH_SG_ID")

    assert g.var("BOX_ID") == instance_id
    assert sorted(groups_of(ec2, instance_id)) == sorted([*before, group_id])  # added, nothing replaced
    assert g.outputs["allow-ssh"].split() == ["tcp", "22", "22", MY_CIDR]
    assert g.outputs["check-rule"].split()[:5] == ["tcp", "22", "22", MY_CIDR, GROUP]
    # The address changed: the later steps found the group again, revoked the old /32 and
    # allowed the new one.
    assert g.outputs["again-find-group"].split() == [GROUP, MY_CIDR]
    assert g.outputs["again-replace-rule"].split() == ["True", "tcp", "22", "22", NEW_CIDR, "tcp", "22", "22", NEW_CIDR]
    assert_ssh_from_my_address_only(ec2, group_id, NEW_CIDR)

    # The whole guide again (the reader is unsure it worked): the same group, no error.
    g.run()
    assert g.var("SSH_SG_ID") == group_id
    assert [sg["GroupId"] for sg in ec2.describe_security_groups()["SecurityGroups"] if sg["GroupName"] == GROUP] == [group_id]
    assert sorted(groups_of(ec2, instance_id)) == sorted([*before, group_id])

    g.cleanup()
    assert groups_of(ec2, instance_id) == before
    names = [sg["GroupName"] for sg in ec2.describe_security_groups()["SecurityGroups"]]
    assert GROUP not in names


def test_restrict_ssh_with_boto3(guide):
    g = guide("restrict-ssh")
    ec2, instance_id = launch_analysis_box(g)
    before = groups_of(ec2, instance_id)
    printed = g.run_python(MY_IP="203.0.113.25")
    group_id = printed.split()[0]
    assert printed.strip() == f"{group_id} allows port 22 from {MY_CIDR}"
    assert_ssh_from_my_address_only(ec2, group_id)
    assert group_id in groups_of(ec2, instance_id) and set(before) <= set(groups_of(ec2, instance_id))
