# Python (boto3) examples for howto/restrict-ssh.md.

# [start allow-ssh]
import os
import re

import boto3

ec2 = boto3.client("ec2")
my_ip = os.environ["MY_IP"]  # exported in step 1
identity = boto3.client("sts").get_caller_identity()
owner = identity["UserId"]  # the value of your crashcourse:owner tag
reader = re.sub(r"[^a-z0-9]", "-", identity["Arn"].rsplit("/", 1)[-1].lower())[:16]
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
