"""howto/ebs-volume.md: a gp3 volume in the instance's AZ, attached, snapshotted and grown."""

import pytest
from botocore.exceptions import ClientError

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def test_ebs_volume(guide):
    g = guide("ebs-volume")
    ec2 = g.client("ec2")
    ami = g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    instance = ec2.run_instances(  # the instance "How to launch an EC2 instance" leaves running
        ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        Placement={"AvailabilityZone": "us-east-1c"},  # not the first zone, so the AZ lookup matters
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}]}],
    )["Instances"][0]
    g.run()

    (volume,) = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["analysis-data"]}])["Volumes"]
    assert volume["VolumeId"] == g.var("VOLUME_ID")
    assert volume["VolumeType"] == "gp3"
    assert volume["Size"] == 200  # created at 100 GiB, then grown
    assert volume["AvailabilityZone"] == instance["Placement"]["AvailabilityZone"] == g.var("AZ")
    (attachment,) = volume["Attachments"]
    assert attachment["InstanceId"] == instance["InstanceId"]
    assert attachment["State"] == "attached"
    assert attachment["Device"] == "/dev/sdf"

    (snapshot,) = ec2.describe_snapshots(SnapshotIds=[g.var("SNAPSHOT_ID")])["Snapshots"]
    assert snapshot["VolumeId"] == volume["VolumeId"]
    assert snapshot["Description"] == "analysis-data before resize"
    # (moto reports a snapshot's VolumeSize from the live volume, so its size is not checked here)
    assert snapshot["State"] == "completed"

    assert g.outputs["grow-volume"].split()[:2] == ["100", "200"]
    assert g.outputs["check-volume"].split() == ["gp3", "200", "us-east-1c", instance["InstanceId"], "attached"]

    g.cleanup()
    assert not ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["analysis-data"]}])["Volumes"]
    with pytest.raises(ClientError, match="NotFound"):
        ec2.describe_snapshots(SnapshotIds=[g.var("SNAPSHOT_ID")])
