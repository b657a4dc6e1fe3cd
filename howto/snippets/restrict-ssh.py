# Python (boto3) examples for howto/restrict-ssh.md.

# [start allow-ssh]
import os

import boto3

ec2 = boto3.client("ec2")
my_ip = os.environ["MY_IP"]  # exported in step 1

instance = ec2.describe_instances(
    Filters=[
        {"Name": "tag:Name", "Values": ["analysis-box"]},
        {"Name": "instance-state-name", "Values": ["running"]},
    ]
)["Reservations"][0]["Instances"][0]

group_id = ec2.create_security_group(
    GroupName="ssh-from-my-address",
    Description="SSH from one IPv4 address only",
    VpcId=instance["VpcId"],
)["GroupId"]
ec2.authorize_security_group_ingress(
    GroupId=group_id,
    IpPermissions=[{
        "IpProtocol": "tcp",
        "FromPort": 22,
        "ToPort": 22,
        "IpRanges": [{"CidrIp": f"{my_ip}/32", "Description": "my-address"}],
    }],
)
groups = [g["GroupId"] for g in instance["SecurityGroups"]]  # keep the ones it has
ec2.modify_instance_attribute(InstanceId=instance["InstanceId"], Groups=[*groups, group_id])
print(group_id, "allows port 22 from", f"{my_ip}/32")
# [end allow-ssh]
