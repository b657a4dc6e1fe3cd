# Python (boto3) examples for howto/restrict-ssh.md.

# [start allow-ssh]
import os
import re

import boto3


def reader_name(arn):
    """Your name in the names the guides give things, as their shell blocks make it (READER)."""
    name = re.sub(r"[^a-z0-9]", "-", re.split(r"[/:]", arn)[-1].lower())
    if len(name) <= 16:
        return name
    data, crc = (name + "\n").encode(), 0  # a long name: 10 characters and its POSIX cksum
    for byte in data + len(data).to_bytes(8, "little").rstrip(b"\0"):
        crc ^= byte << 24
        for _ in range(8):
            crc = (crc << 1) ^ (0x04C11DB7 if crc & 0x80000000 else 0)
        crc &= 0xFFFFFFFF
    checksum = f"{~crc & 0xFFFFFFFF} {len(data)}"  # what cksum prints
    return f"{name[:10]}-{checksum[:5]}"


ec2 = boto3.client("ec2")
my_ip = os.environ["MY_IP"]  # exported in step 1
identity = boto3.client("sts").get_caller_identity()
owner = identity["UserId"]  # the value of your crashcourse:owner tag
reader = reader_name(identity["Arn"])
mine = [{"Name": "tag:crashcourse:owner", "Values": [owner]}]

instance = ec2.describe_instances(
    Filters=mine + [
        {"Name": "tag:Name", "Values": ["analysis-box"]},
        {"Name": "instance-state-name", "Values": ["running"]},
    ]
)["Reservations"][0]["Instances"][0]

name = f"crashcourse-ssh-{reader}"
found = ec2.describe_security_groups(Filters=mine + [
    {"Name": "group-name", "Values": [name]},
    {"Name": "vpc-id", "Values": [instance["VpcId"]]},
])["SecurityGroups"]
if found:  # made on an earlier run: use it again
    group_id = found[0]["GroupId"]
else:
    group_id = ec2.create_security_group(
        GroupName=name,
        Description="SSH from one IPv4 address only",
        VpcId=instance["VpcId"],
        TagSpecifications=[{"ResourceType": "security-group",
                            "Tags": [{"Key": "crashcourse:owner", "Value": owner}]}],
    )["GroupId"]
rule = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}
ranges = [r["CidrIp"] for p in (found[0]["IpPermissions"] if found else []) if p.get("FromPort") == 22
          for r in p["IpRanges"]]
if old := [cidr for cidr in ranges if cidr != f"{my_ip}/32"]:  # addresses no longer yours
    ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=[
        {**rule, "IpRanges": [{"CidrIp": cidr} for cidr in old]}])
if f"{my_ip}/32" not in ranges:
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {**rule, "IpRanges": [{"CidrIp": f"{my_ip}/32", "Description": "my-address"}]}])
groups = [g["GroupId"] for g in instance["SecurityGroups"] if g["GroupId"] != group_id]
ec2.modify_instance_attribute(InstanceId=instance["InstanceId"], Groups=[*groups, group_id])
print(group_id, "allows port 22 from", f"{my_ip}/32")
# [end allow-ssh]
