"""howto/ebs-volume.md: a gp3 volume in the instance's AZ, attached, snapshotted and grown.

The clean-up runs as the reader runs it the next day: in a new terminal that knows none of
the page's variables, so it must find the volume and the snapshot again by their Name tags.
"""

import pytest
from botocore.exceptions import ClientError
from shown_outputs import outputs_test

test_outputs = outputs_test("ebs-volume")  # its shown outputs (shown_outputs.py)

from conftest import OWNER_TAG

COLLEAGUE = {"Key": "crashcourse:owner", "Value": "AIDAI23HXD2O5EXAMPLE"}  # another reader in a shared account

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def launch(ec2, ami, name, zone, owner=OWNER_TAG):
    return ec2.run_instances(
        ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        Placement={"AvailabilityZone": zone},
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}, owner]}],
    )["Instances"][0]


def test_ebs_volume(guide):
    g = guide("ebs-volume")
    ec2 = g.client("ec2")
    ami = g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    # The instance "How to launch an EC2 instance" leaves running, not in the first zone, so the
    # zone lookup matters; and a colleague's instance of the same name, which the page must leave alone.
    instance = launch(ec2, ami, "analysis-box", "us-east-1c")
    other = launch(ec2, ami, "analysis-box", "us-east-1a", COLLEAGUE)
    unrelated = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    g.run()

    (volume,) = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["analysis-data"]}])["Volumes"]
    assert volume["VolumeId"] == g.var("DATA_VOLUME_ID")
    assert g.var("BOX_ID") == instance["InstanceId"] != other["InstanceId"]
    assert volume["VolumeType"] == "gp3"
    assert volume["Size"] == 200  # created at 100 GiB, then grown
    assert volume["AvailabilityZone"] == instance["Placement"]["AvailabilityZone"] == g.var("BOX_AZ")
    (attachment,) = volume["Attachments"]
    assert attachment["InstanceId"] == instance["InstanceId"]
    assert attachment["State"] == "attached"
    assert attachment["Device"] == "/dev/sdf"  # the name the page's on-instance step resolves

    (snapshot,) = ec2.describe_snapshots(SnapshotIds=[g.var("DATA_SNAPSHOT_ID")])["Snapshots"]
    assert snapshot["VolumeId"] == volume["VolumeId"]
    assert snapshot["Description"] == "analysis-data before resize"
    # (moto reports a snapshot's VolumeSize from the live volume, so its size is not checked here)
    assert snapshot["State"] == "completed"

    assert g.outputs["find-instance"].split() == [instance["InstanceId"], "us-east-1c"]
    assert g.outputs["grow-volume"].split() == ["100", "200", "optimizing"]  # rules/divergences.toml
    assert g.outputs["check-volume"].split() == ["gp3", "200", "us-east-1c", instance["InstanceId"], "attached"]

    (g.workdir / "state.sh").write_text("")  # the next day: a new terminal, none of the variables
    g.cleanup()
    assert not ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["analysis-data"]}])["Volumes"]
    with pytest.raises(ClientError, match="NotFound"):
        ec2.describe_snapshots(SnapshotIds=[g.var("DATA_SNAPSHOT_ID")])
    assert [v["VolumeId"] for v in ec2.describe_volumes(VolumeIds=[unrelated])["Volumes"]] == [unrelated]

    g.cleanup()  # pasted twice, or after the volume is gone: finds nothing and fails on nothing
