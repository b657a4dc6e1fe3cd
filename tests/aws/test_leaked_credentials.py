"""howto/leaked-credentials.md, the reader's part: who the reader is, for the message to the
administrator, and every instance in every Region that does not carry the reader's owner tag, a
colleague's and an untagged one among them, while the reader's own is left out; it only reads.
Signed out (an expired `aws login`), the search says so instead of reporting that no instance is
there, run against a stand-in `aws` that fails as an expired sign-in does (the emulator accepts
any credentials). The administrator's part is tests/aws/test_leaked_credentials_admin.py."""

import subprocess
from pathlib import Path

import pytest

from conftest import EMULATED_OWNER, OWNER_TAG, SNIPPETS, parse_sections
from shown_outputs import outputs_test

test_outputs = outputs_test("leaked-credentials")  # the tour up to this guide: its outputs, checked or refreshed

FAR = "ap-southeast-2"  # a Region the reader never uses
COLLEAGUE = {"Key": "crashcourse:owner", "Value": "AIDAANOTHERREADER"}


def launch(g, region: str, tags: list[dict]) -> str:
    ec2 = g.client("ec2", region)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    spec = [{"ResourceType": "instance", "Tags": tags}] if tags else []
    return ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                             TagSpecifications=spec)["Instances"][0]["InstanceId"]


def test_nothing_but_the_readers_own_instances(guide):
    g = guide("leaked-credentials")
    launch(g, "us-east-1", [OWNER_TAG])
    g.run()
    account, user_id = g.outputs["who-am-i"].split()
    assert (len(account), user_id) == (12, EMULATED_OWNER)
    assert g.outputs["every-region"] == "No instance in any Region that is not yours.\n"


def test_every_instance_that_is_not_the_readers_is_named_with_its_region(guide):
    g = guide("leaked-credentials")
    launch(g, "us-east-1", [OWNER_TAG])
    theirs = launch(g, "us-east-1", [COLLEAGUE])
    stranger = launch(g, FAR, [])  # what a leaked key launches: another Region, no owner tag
    g.run()
    lines = sorted(line.split("\t") for line in g.outputs["every-region"].splitlines())
    assert [(line[0], line[1], line[2], line[-1]) for line in lines] == sorted([
        (FAR, stranger, "t3.micro", "None"),
        ("us-east-1", theirs, "t3.micro", COLLEAGUE["Value"]),
    ])
    assert all(len(line) == 5 for line in lines), lines  # Region, ID, type, launch time, owner
    states = g.client("ec2", FAR).describe_instances(InstanceIds=[stranger])["Reservations"][0]["Instances"]
    assert states[0]["State"]["Name"] == "running"  # the reader's block only looks


SIGNED_OUT_AWS = """#!/bin/sh
echo "$*" >> "$AWS_LOG"
echo "Your session has expired. Please reauthenticate using 'aws login'." >&2
exit 255
"""
SHELLS = {"bash": ["bash", "-c"], "zsh": ["zsh", "-f", "-c"]}


def signed_out(code: str, shell: str, tmp_path: Path) -> tuple[str, list[str]]:
    """Run `code` in `shell` with an `aws` on PATH that fails every call as an expired sign-in
    does; what it printed, and the calls it made."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "aws").write_text(SIGNED_OUT_AWS)
    (bin_dir / "aws").chmod(0o755)
    log = tmp_path / "aws.log"
    log.write_text("")
    result = subprocess.run([*SHELLS[shell], code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "AWS_LOG": str(log)})
    return result.stdout + result.stderr, log.read_text().splitlines()


NOTHING_FOUND = "No instance in any Region that is not yours."
UNGUARDED = ("NOT_MINE=$(for region in $(aws ec2 describe-regions --output text); do echo \"$region\"; done)\n"
             f'echo "${{NOT_MINE:-{NOTHING_FOUND}}}"\n')  # the search as it was: no sign-in check


@pytest.mark.parametrize("shell", SHELLS)
def test_signed_out_the_search_says_so(shell, tmp_path):
    [section] = [s for s in parse_sections(SNIPPETS / "leaked-credentials.sh") if s.name == "every-region"]
    printed, calls = signed_out(section.code, shell, tmp_path)
    assert "Not signed in" in printed and NOTHING_FOUND not in printed, printed
    assert calls == ["sts get-caller-identity --query UserId --output text"], calls
    printed, _ = signed_out(UNGUARDED, shell, tmp_path)  # the fixture: without the check it reassures
    assert NOTHING_FOUND in printed, printed
