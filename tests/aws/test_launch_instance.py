"""howto/launch-instance.md: an Amazon Linux 2023 instance with a key pair and a Name tag."""

import stat

from conftest import EMULATED_READER, OWNER_TAG
from shown_outputs import outputs_test

test_outputs = outputs_test("launch-instance")  # its shown outputs (shown_outputs.py)

KEY = f"crashcourse-{EMULATED_READER}"  # the reader's key pair

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def tagged(ec2, name, states=("pending", "running", "stopped")):
    return [
        i
        for r in ec2.describe_instances(
            Filters=[{"Name": "tag:Name", "Values": [name]}, {"Name": "instance-state-name", "Values": list(states)}]
        )["Reservations"]
        for i in r["Instances"]
    ]


def test_launch_instance(guide):
    g = guide("launch-instance")
    g.run()
    ec2, ssm = g.client("ec2"), g.client("ssm")

    latest = ssm.get_parameter(Name=AL2023)["Parameter"]["Value"]
    assert g.var("AMI_ID") == latest

    # The private key is on disk, readable by its owner only.
    key_file = g.workdir / ".ssh" / "analysis-key.pem"
    assert key_file.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o400
    (key,) = ec2.describe_key_pairs(KeyNames=[KEY])["KeyPairs"]
    assert key["KeyType"] == "ed25519"
    assert OWNER_TAG in key["Tags"]

    # Exactly one instance, running, of the chosen type and image, with the key and the tag.
    (instance,) = tagged(ec2, "analysis-box")
    assert instance["InstanceId"] == g.var("BOX_ID")
    assert instance["State"]["Name"] == "running"
    assert instance["InstanceType"] == "t3.micro"
    assert instance["ImageId"] == latest
    assert instance["KeyName"] == KEY
    assert OWNER_TAG in instance["Tags"]
    (root,) = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}])["Volumes"]
    assert OWNER_TAG in root["Tags"]  # tagged at launch, like the instance
    assert g.outputs["describe"].split()[:2] == ["running", "t3.micro"]
    assert "m7i.xlarge" in g.outputs["compare-types"]

    g.cleanup()
    assert not tagged(ec2, "analysis-box")
    gone = ec2.describe_instances(InstanceIds=[g.var("BOX_ID")])["Reservations"][0]["Instances"][0]
    assert gone["State"]["Name"] == "terminated"
    assert not ec2.describe_key_pairs()["KeyPairs"]
    assert not key_file.exists()


def test_launch_instance_with_boto3(guide):
    g = guide("launch-instance")
    g.client("ec2").create_key_pair(KeyName=KEY, KeyType="ed25519", TagSpecifications=[
        {"ResourceType": "key-pair", "Tags": [OWNER_TAG]}])
    printed = g.run_python()
    launched, terminated = printed.splitlines()
    instance_id, state, _ip = launched.split()
    assert state == "running"
    assert terminated == f"{instance_id} terminated"
    assert not tagged(g.client("ec2"), "analysis-box")
