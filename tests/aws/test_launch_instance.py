"""howto/launch-instance.md: an Amazon Linux 2023 instance with a key pair and a Name tag."""

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EMULATED_READER, OWNER_TAG, ROOT
from paste_twice import paste_twice
from shown_outputs import outputs_test
from tour import steps

test_outputs = outputs_test("launch-instance")  # its shown outputs (shown_outputs.py)

KEY = f"crashcourse-{EMULATED_READER}"  # the reader's key pair

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
UNGUARDED = Path(__file__).parent / "fixtures" / "launch-instance-unguarded.sh"


def held(path: Path):
    """What the reader holds in a file: its bytes and mode, or None when it is missing."""
    return (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) if path.exists() else None


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


def test_launch_instance_with_boto3_run_twice(guide):
    """The Python tab's launch, run a second time, finds the reader's instance, says so, and
    launches no other."""
    g = guide("launch-instance")
    ec2 = g.client("ec2")
    ec2.create_key_pair(KeyName=KEY, KeyType="ed25519", TagSpecifications=[
        {"ResourceType": "key-pair", "Tags": [OWNER_TAG]}])
    (launch,) = [s.code for s in g.sections(".py") if s.name == "launch"]
    runs = [subprocess.run([sys.executable, "-c", launch], env=g.env, cwd=g.workdir, capture_output=True, text=True,
                           timeout=300, check=True).stdout for _ in range(2)]
    (instance,) = tagged(ec2, "analysis-box")
    box = instance["InstanceId"]
    assert runs[0].split()[:2] == [box, "running"]
    assert runs[1].splitlines()[0] == f"Instance {box} is yours and running already: not launching another"
    assert runs[1].splitlines()[1].split()[:2] == [box, "running"]
    ec2.stop_instances(InstanceIds=[box])  # a third run, the instance stopped: started, not launched again
    third = subprocess.run([sys.executable, "-c", launch], env=g.env, cwd=g.workdir, capture_output=True, text=True,
                           timeout=300, check=True).stdout
    assert third.splitlines()[0] == f"Instance {box} is yours and was stopped: starting it, not launching another"
    assert [i["InstanceId"] for i in tagged(ec2, "analysis-box")] == [box]
    assert tagged(ec2, "analysis-box")[0]["State"]["Name"] == "running"
    g.run_python()  # with its clean-up
    assert not tagged(ec2, "analysis-box")


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_launch_instance_pasted_twice(guide, shell):
    """Every block pasted twice (paste_twice.py): one instance, one key pair, the private key's file
    as the first paste wrote it; the second pastes of the key pair and the launch say what they found."""
    g = guide("launch-instance")
    ec2 = g.client("ec2")
    key_file = g.workdir / ".ssh" / "analysis-key.pem"
    run = paste_twice(g, shell, watch=lambda: held(key_file))
    try:
        assert not run.problems, "\n".join(run.problems)
        (instance,) = tagged(ec2, "analysis-box")
        assert run.value("BOX_ID") == instance["InstanceId"]
        assert run.printed["run-instance"][1] == (
            f"Instance {instance['InstanceId']} is yours and running already: not launching another\n")
        assert run.printed["create-key"][1] == (
            f"Key pair {KEY} is yours already, with its private key in ~/.ssh/analysis-key.pem: keeping both\n")
    finally:
        run.shell.close()
    assert [k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]] == [KEY]
    assert key_file.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o400
    g.cleanup()
    assert not tagged(ec2, "analysis-box") and not key_file.exists()


def test_a_stopped_box_and_a_lost_key_are_reported(guide):
    """The guards' other branches: a stopped `analysis-box` is named with the command that starts it,
    not launched again; a key pair whose private key file is gone is named with the command that
    deletes it; a key file with no key pair of the reader's in the Region is kept. Nothing is made."""
    g = guide("launch-instance")
    ec2 = g.client("ec2")
    key_file = g.workdir / ".ssh" / "analysis-key.pem"
    g.run()
    box = g.var("BOX_ID")
    ec2.stop_instances(InstanceIds=[box])
    sections = {s.section.name: s.section for s in steps(g.snippets / "launch-instance.sh", cleanup=False, reader_values=False)}
    again = [sections["set-names"], sections["find-ami"], sections["create-key"], sections["run-instance"]]

    key_file.unlink()  # the private key is lost
    g._bash(again, None, g.workdir / "state.sh")
    assert g.outputs["run-instance"] == (f"Instance {box} is yours and stopped: not launching another\n"
                                         f"Start it with: aws ec2 wait instance-stopped --instance-ids {box}"
                                         f" && aws ec2 start-instances --instance-ids {box}\n")
    assert g.var("BOX_ID") == box
    assert g.outputs["create-key"] == (
        f"Key pair {KEY} is yours, but ~/.ssh/analysis-key.pem is missing, and AWS gives a private key only once.\n"
        f"Delete the key pair with: aws ec2 delete-key-pair --key-name {KEY}\nthen paste this block again.\n")
    assert not key_file.exists()

    start = g.outputs["run-instance"].splitlines()[1].removeprefix("Start it with: ")
    subprocess.run(["bash", "-c", start], env=g.env, cwd=g.workdir, check=True, capture_output=True, timeout=300)
    assert tagged(ec2, "analysis-box")[0]["State"]["Name"] in ("pending", "running")  # the command as printed starts it

    ec2.delete_key_pair(KeyName=KEY)  # as the message says; and a file of another Region's key
    key_file.write_text("another Region's key\n")
    g._bash([sections["set-names"], sections["create-key"]], None, g.workdir / "state.sh")
    assert g.outputs["create-key"].startswith(f"A file ~/.ssh/analysis-key.pem exists, but no key pair {KEY} of yours")
    assert key_file.read_text() == "another Region's key\n"
    assert not ec2.describe_key_pairs()["KeyPairs"]
    assert [i["InstanceId"] for i in tagged(ec2, "analysis-box")] == [box]

    key_file.unlink()  # moved aside: pasted again, the block makes the key pair and its file
    g._bash([sections["set-names"], sections["create-key"]], None, g.workdir / "state.sh")
    assert g.outputs["create-key"] == f"Saved the private key of {KEY} in ~/.ssh/analysis-key.pem\n"
    assert held(key_file)[1] == 0o400 and key_file.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    g.cleanup()


def test_a_key_pair_of_that_name_but_not_the_reader_s_is_reported(guide):
    """A key pair named as the reader's but without their owner tag (made before the owner tags, or
    by a colleague whose READER is the same): CreateKeyPair refuses the name (InvalidKeyPair.Duplicate),
    and the block says what that means and what to do, saves no file, and leaves the key pair alone."""
    g = guide("launch-instance")
    ec2 = g.client("ec2")
    theirs = ec2.create_key_pair(KeyName=KEY, KeyType="ed25519")["KeyFingerprint"]
    sections = {s.section.name: s.section for s in steps(g.snippets / "launch-instance.sh", cleanup=False, reader_values=False)}
    g._bash([sections["set-names"], sections["create-key"]], None, g.workdir / "state.sh")
    assert g.outputs["create-key"].splitlines() == [
        f"AWS did not make key pair {KEY} (its error is above): nothing was saved.",
        "If the error says it already exists, a key pair of that name without your owner tag is in this Region.",
        f"In your own account, if you made it and no longer need it, delete it with: aws ec2 delete-key-pair --key-name {KEY}",
        "In a lab account, your permissions cannot delete it: ask your administrator. Then paste this block again.",
    ]
    assert not (g.workdir / ".ssh" / "analysis-key.pem").exists()
    (key,) = ec2.describe_key_pairs()["KeyPairs"]
    assert key["KeyFingerprint"] == theirs and not key.get("Tags")


def test_paste_twice_catches_the_unguarded_blocks(guide):
    """The fixture's key pair and launch blocks, as they were without their guards: pasted twice, the
    first fails (and, where the shell may write the file, empties the private key) and the second
    launches a second instance, each named with the fixture's file and line."""
    g = guide("launch-instance")
    key_file = g.workdir / ".ssh" / "analysis-key.pem"
    run = paste_twice(g, "bash", fixture=UNGUARDED, watch=lambda: held(key_file))
    run.shell.close()
    lines = {s.section.name: s.section.line for s in steps(UNGUARDED, cleanup=False, reader_values=False)}
    fixture = UNGUARDED.relative_to(ROOT)
    key = f"{fixture}:{lines['create-key']}: [bash] section 'create-key' pasted twice failed"
    launch = f"{fixture}:{lines['run-instance']}: [bash] section 'run-instance' pasted twice made something new: ec2 instance:"
    assert any(p.startswith(key) for p in run.problems), run.problems
    assert any(p.startswith(launch) for p in run.problems), run.problems
    assert len(tagged(g.client("ec2"), "analysis-box")) == 2
    g.cleanup()
