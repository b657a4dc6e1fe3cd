"""howto/ebs-encryption.md, the reader's part: step 1 reads whether EBS encryption by default is on
in the reader's Region and lists the reader's own volumes, encrypted or not, and changes nothing.
The administrator's part is tests/aws/test_ebs_encryption_admin.py."""

from conftest import OWNER_TAG
from shown_outputs import outputs_test

test_outputs = outputs_test("ebs-encryption")  # the tour up to this guide: its outputs, checked or refreshed


def test_the_reader_reads_the_setting_and_their_own_volumes(guide):
    g = guide("ebs-encryption")
    ec2 = g.client("ec2")
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]

    def volume(owner: dict) -> str:
        return ec2.create_volume(AvailabilityZone=zone, Size=8, TagSpecifications=[
            {"ResourceType": "volume", "Tags": [owner]}])["VolumeId"]

    mine = volume(OWNER_TAG)
    volume({"Key": "crashcourse:owner", "Value": "AIDAANOTHERREADER"})  # a colleague's: not listed
    g.run()
    assert g.outputs["check-setting"] == "False\n"  # a new account: off until someone turns it on
    assert g.outputs["check-volumes"].split() == [mine, "8", "False"]

    ec2.enable_ebs_encryption_by_default()  # the administrator turned it on: the reader sees it
    g.run()
    assert g.outputs["check-setting"] == "True\n"
    assert g.outputs["check-volumes"].split() == [mine, "8", "False"]  # an existing volume stays as it was
