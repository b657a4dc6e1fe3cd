"""howto/troubleshoot-ssh.md: each check tells a reachable instance from an unreachable one.

The first test builds what the guides before this one build (a public subnet with a route to an
internet gateway, a security group that allows SSH from MY_IP, a key pair) and the checks must
report each piece. The second builds an instance that cannot be reached, and the same checks must
show what is missing.
"""

import sys

from conftest import OWNER_TAG
from shown_outputs import outputs_test

test_outputs = outputs_test("troubleshoot-ssh")  # its shown outputs (shown_outputs.py)

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
MY_CIDR = "203.0.113.25/32"
TAG = [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}, OWNER_TAG]}]


def ami(g):
    return g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]


def reachable_setup(g):
    ec2 = g.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    sg = ec2.create_security_group(GroupName="ssh-from-my-address", Description="SSH", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": MY_CIDR}]}],
    )
    ec2.create_key_pair(KeyName="analysis-key", KeyType="ed25519")  # any name: the page reads it from the instance
    instance = ec2.run_instances(
        ImageId=ami(g), InstanceType="t3.micro", MinCount=1, MaxCount=1, KeyName="analysis-key",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [sg], "AssociatePublicIpAddress": True}],
        TagSpecifications=TAG,
    )["Instances"][0]
    return instance["InstanceId"], igw, sg


def test_checks_find_a_reachable_instance(guide):
    g = guide("troubleshoot-ssh")
    instance_id, igw, sg = reachable_setup(g)
    g.run()
    ec2 = g.client("ec2")
    public_ip = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["PublicIpAddress"]

    assert g.var("BOX_ID") == instance_id
    assert g.outputs["check-state"].split() == ["running", public_ip]
    assert g.outputs["check-route"].split() == ["0.0.0.0/0", igw, "active"]
    assert g.outputs["check-security-group"].split() == [sg, "tcp", "22", "22", MY_CIDR]
    assert "allow" in g.outputs["check-nacl"]
    key_name, image_id, image_name = g.outputs["check-key"].split()
    assert (key_name, image_id) == ("analysis-key", ami(g))
    assert image_name.startswith("al2023-ami-")  # Amazon Linux: the user name is ec2-user


def test_checks_show_what_blocks_an_unreachable_instance(guide, monkeypatch, tmp_path):
    g = guide("troubleshoot-ssh")
    # The page shows the reachable case's output; this run's output is compared with nothing.
    monkeypatch.setattr(sys.modules[type(g).__module__], "OUTPUTS", tmp_path / "not-shown")
    ec2 = g.client("ec2")
    # An instance in the default VPC, in its default security group, launched without a key pair,
    # in a VPC whose main route table has no route to the internet.
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    main = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"][0]
    if any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in main["Routes"]):
        ec2.delete_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0")
    ec2.run_instances(ImageId=ami(g), InstanceType="t3.micro", MinCount=1, MaxCount=1, TagSpecifications=TAG)
    g.run()

    assert g.var("BOX_RTB_ID") == main["RouteTableId"]  # found through the main-table fallback
    assert g.outputs["check-route"].strip() == ""  # no route to an internet gateway
    assert MY_CIDR not in g.outputs["check-security-group"]
    assert "\t22\t" not in g.outputs["check-security-group"]  # nothing opens port 22
    assert g.outputs["check-key"].split()[0] == "None"  # no key pair to log in with
