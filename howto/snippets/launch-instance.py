# Python (boto3) examples for howto/launch-instance.md.

# [start launch]
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


ssm = boto3.client("ssm")
ec2 = boto3.client("ec2")
identity = boto3.client("sts").get_caller_identity()
owner = identity["UserId"]  # the value of your crashcourse:owner tag
reader = reader_name(identity["Arn"])

ami_id = ssm.get_parameter(
    Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
)["Parameter"]["Value"]

mine = [  # yours already, found by its Name tag and your owner tag: run twice, it launches once
    (i["InstanceId"], i["State"]["Name"])
    for r in ec2.describe_instances(Filters=[
        {"Name": "tag:Name", "Values": ["analysis-box"]},
        {"Name": "tag:crashcourse:owner", "Values": [owner]},
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]},
    ])["Reservations"]
    for i in r["Instances"]
]
if mine and mine[0][1] in ("stopping", "stopped"):
    instance_id = mine[0][0]
    ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id])
    ec2.start_instances(InstanceIds=[instance_id])
    print(f"Instance {instance_id} is yours and was stopped: starting it, not launching another")
elif mine:
    instance_id = mine[0][0]
    print(f"Instance {instance_id} is yours and running already: not launching another")
else:
    reservation = ec2.run_instances(
        ImageId=ami_id,
        InstanceType="t3.micro",
        KeyName=f"crashcourse-{reader}",  # your key pair, made in step 4
        MinCount=1,
        MaxCount=1,
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"},
                                                  {"Key": "crashcourse:owner", "Value": owner}]},
            {"ResourceType": "volume", "Tags": [{"Key": "crashcourse:owner", "Value": owner}]},
        ],
    )
    instance_id = reservation["Instances"][0]["InstanceId"]
ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id])

instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
print(instance_id, instance["State"]["Name"], instance.get("PublicIpAddress"))
# [end launch]

# [start cleanup]
import boto3

ec2 = boto3.client("ec2")
owner = boto3.client("sts").get_caller_identity()["UserId"]
mine = [{"Name": "tag:crashcourse:owner", "Values": [owner]}]
ids = [  # found by the Name tag and your owner tag, so this works in a new session
    i["InstanceId"]
    for r in ec2.describe_instances(Filters=mine + [
        {"Name": "tag:Name", "Values": ["analysis-box"]},
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]},
    ])["Reservations"]
    for i in r["Instances"]
]
if ids:
    ec2.terminate_instances(InstanceIds=ids)
    ec2.get_waiter("instance_terminated").wait(InstanceIds=ids)
for key in ec2.describe_key_pairs(Filters=mine)["KeyPairs"]:
    ec2.delete_key_pair(KeyName=key["KeyName"])
print(*ids, "terminated")
# [end cleanup]
