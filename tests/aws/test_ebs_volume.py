"""howto/ebs-volume.md: a gp3 volume in the instance's AZ, attached, snapshotted and grown.

The clean-up runs as the reader runs it the next day: in a new terminal that knows none of
the page's variables, so it must find the volume and the snapshot again by their Name tags.
"""

from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from shown_outputs import outputs_test

test_outputs = outputs_test("ebs-volume")  # its shown outputs (shown_outputs.py)

from conftest import OWNER_TAG, ROOT
from paste_twice import paste_twice
from tour import steps

UNGUARDED = Path(__file__).parent / "fixtures" / "ebs-volume-unguarded.sh"

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


def data_volumes(ec2):
    return ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["analysis-data"]}])["Volumes"]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_ebs_volume_pasted_twice(guide, shell):
    """After "How to launch an EC2 instance", every block pasted twice (paste_twice.py): one volume,
    attached once, one snapshot, one modification; each second paste says what it found."""
    g = guide("ebs-volume")
    ec2 = g.client("ec2")
    run = paste_twice(g, shell, before=("launch-instance",))
    try:
        assert not run.problems, "\n".join(run.problems)
        (volume,) = data_volumes(ec2)
        box, vol = run.value("BOX_ID"), volume["VolumeId"]
        assert run.value("DATA_VOLUME_ID") == vol
        assert run.printed["create-volume"][1] == f"Volume {vol} (analysis-data) is yours already: not creating another\n{vol}\n"
        assert run.printed["attach-volume"][1] == f"Volume {vol} is attached to {box} already: not attaching it again\n"
        assert run.printed["grow-volume"][1].startswith(f"Volume {vol} is 200 GiB already: not growing it\n")
        assert run.printed["snapshot"][1].startswith("Snapshot snap-")
    finally:
        run.shell.close()
    assert [(a["InstanceId"], a["State"]) for a in volume["Attachments"]] == [(box, "attached")]
    assert volume["Size"] == 200
    assert len(ec2.describe_volumes_modifications(VolumeIds=[vol])["VolumesModifications"]) == 1
    g.cleanup()
    assert not data_volumes(ec2)


def test_a_volume_on_another_instance_is_not_attached(guide):
    """The attach block's last branch: the reader's volume attached to another instance is named, not moved."""
    g = guide("ebs-volume")
    ec2 = g.client("ec2")
    ami = g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    launch(ec2, ami, "analysis-box", "us-east-1a")
    other = launch(ec2, ami, "scratch", "us-east-1a")["InstanceId"]
    sections = {s.section.name: s.section for s in steps(g.snippets / "ebs-volume.sh", cleanup=False, reader_values=False)}
    g._bash([sections["find-instance"], sections["create-volume"]], None, g.workdir / "state.sh")
    vol = g.var("DATA_VOLUME_ID")
    ec2.attach_volume(VolumeId=vol, InstanceId=other, Device="/dev/sdg")
    g._bash([sections["find-instance"], sections["create-volume"], sections["attach-volume"]], None, g.workdir / "state.sh")
    assert g.outputs["attach-volume"] == f"Volume {vol} is attached to another instance, {other}: not attaching it\n"
    assert [a["InstanceId"] for a in data_volumes(ec2)[0]["Attachments"]] == [other]
    g.cleanup()


def test_paste_twice_catches_the_unguarded_volume_blocks(guide):
    """The fixture's volume blocks, as they were without their guards: pasted twice, the first makes a
    second volume, named with the fixture's file and line."""
    g = guide("ebs-volume")
    run = paste_twice(g, "bash", before=("launch-instance",), fixture=UNGUARDED)
    run.shell.close()
    line = next(s.section.line for s in steps(UNGUARDED, cleanup=False, reader_values=False) if s.section.name == "create-volume")
    where = f"{UNGUARDED.relative_to(ROOT)}:{line}: [bash] section 'create-volume' pasted twice made something new: EBS volume:"
    assert any(p.startswith(where) for p in run.problems), run.problems
    assert len(data_volumes(g.client("ec2"))) == 2
    g.cleanup()
