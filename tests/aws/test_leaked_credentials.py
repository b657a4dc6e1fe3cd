"""howto/leaked-credentials.md, the reader's part: who the reader is, for the message to the
administrator, and every instance in every Region that does not carry the reader's owner tag, a
colleague's and an untagged one among them, while the reader's own is left out; it only reads. The
administrator's part is tests/aws/test_leaked_credentials_admin.py."""

from conftest import EMULATED_OWNER, OWNER_TAG
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
