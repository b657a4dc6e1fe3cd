# Python (boto3) examples for howto/jupyter-tunnel.md.

# [start find-instance]
import boto3

ec2 = boto3.client("ec2")
owner = boto3.client("sts").get_caller_identity()["UserId"]
reservations = ec2.describe_instances(
    Filters=[
        {"Name": "tag:Name", "Values": ["analysis-box"]},
        {"Name": "tag:crashcourse:owner", "Values": [owner]},
        {"Name": "instance-state-name", "Values": ["running"]},
    ]
)["Reservations"]
for reservation in reservations:
    for instance in reservation["Instances"]:
        profile = instance.get("IamInstanceProfile", {}).get("Arn")
        print(instance["InstanceId"], instance.get("PublicIpAddress"), instance["InstanceType"], profile)
# [end find-instance]
