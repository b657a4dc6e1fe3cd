"""The emulator's managed nodes (ssmagent.py): an instance is listed, `Online`, only while it runs
with AmazonSSMManagedInstanceCore on its profile's role and can send HTTPS out to Systems
Manager's endpoints (a public address, an outbound rule for TCP 443), as AWS's prerequisites for
Session Manager require; a filter the emulator does not know is refused rather than ignored."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from test_tour import client

REGION = "us-east-1"
CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def launch(endpoint: str, name: str, policy: str | None, **network) -> str:
    iam, ec2 = client(endpoint, "iam", REGION), client(endpoint, "ec2", REGION)
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    if policy:
        iam.attach_role_policy(RoleName=name, PolicyArn=policy)
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             IamInstanceProfile={"Name": name}, **network)["Instances"][0]["InstanceId"]


def listed(endpoint: str, *ids: str) -> list[tuple[str, str]]:
    ssm = client(endpoint, "ssm", REGION)
    nodes = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": list(ids)}])["InstanceInformationList"]
    return [(n["InstanceId"], n["PingStatus"]) for n in nodes]


def test_only_a_running_instance_with_the_core_policy_reports_in(fresh_account):
    managed = launch(fresh_account, "with-core", CORE)
    bare = launch(fresh_account, "without-core", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    assert listed(fresh_account, managed, bare) == [(managed, "Online")]
    client(fresh_account, "ec2", REGION).stop_instances(InstanceIds=[managed])
    assert listed(fresh_account, managed, bare) == []


def test_the_fields_are_those_aws_shows_for_any_linux_node(fresh_account):
    managed = launch(fresh_account, "with-core", CORE)
    (node,) = client(fresh_account, "ssm", REGION).describe_instance_information()["InstanceInformationList"]
    assert node == {"InstanceId": managed, "PingStatus": "Online", "ResourceType": "EC2Instance", "PlatformType": "Linux"}


def test_an_unknown_filter_is_refused(fresh_account):
    launch(fresh_account, "with-core", CORE)
    with pytest.raises(ClientError, match="InstanceIds"):
        client(fresh_account, "ssm", REGION).describe_instance_information(Filters=[{"Key": "tag-key", "Values": ["DEV"]}])


def test_an_instance_that_cannot_reach_systems_manager_does_not_report_in(fresh_account):
    """Without a public address (in the default VPC, no other way out), or with no outbound rule
    that lets HTTPS out, the agent cannot reach Systems Manager's endpoints, and the node is never
    listed; a rule for TCP 443 alone is enough."""
    ec2 = client(fresh_account, "ec2", REGION)
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]["SubnetId"]
    no_address = launch(fresh_account, "no-address", CORE, NetworkInterfaces=[
        {"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": False}])
    closed = ec2.create_security_group(GroupName="closed", Description="no way out")["GroupId"]
    ec2.revoke_security_group_egress(GroupId=closed, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    no_way_out = launch(fresh_account, "no-way-out", CORE, SecurityGroupIds=[closed])
    https = ec2.create_security_group(GroupName="https", Description="HTTPS out only")["GroupId"]
    ec2.revoke_security_group_egress(GroupId=https, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=https, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    https_only = launch(fresh_account, "https-only", CORE, SecurityGroupIds=[https])
    assert listed(fresh_account, no_address, no_way_out, https_only) == [(https_only, "Online")]
