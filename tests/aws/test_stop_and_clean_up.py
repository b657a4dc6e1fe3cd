"""howto/stop-and-clean-up.md, on leftovers of every kind the page sweeps, made with boto3.

The reader's tour runs this page last, after every other page's clean-up, when there is
nothing left to find; that proves each block does nothing, without error, on an empty
account. This test proves the other half: with something of each kind left in the Region
(and some things that must stay: another Region's, a bucket the site did not make), the
page stops, starts and terminates the instance, finds each leftover, deletes it, and leaves
the rest. The example lines the page quotes for that case are lines this test saw printed.
"""

import re

import boto3
from markdown_it import MarkdownIt

from conftest import ROOT, Normalizer

AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
ACCOUNT = "123456789012"  # moto's account
PAGE = ROOT / "howto" / "stop-and-clean-up.md"


def elsewhere(g, service):
    """A client for another Region than the reader's (eu-west-1; the tests use us-east-1)."""
    return boto3.client(service, endpoint_url=g.endpoint, region_name="eu-west-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


def name_tag(name, kind="instance"):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def make_leftovers(g):
    ec2, s3, efs = g.client("ec2"), g.client("s3"), g.client("efs")
    made = {}
    made["box"] = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                    TagSpecifications=name_tag("analysis-box"))["Instances"][0]["InstanceId"]
    made["spot"] = ec2.run_instances(
        ImageId=AMI, InstanceType="m7i.xlarge", MinCount=1, MaxCount=1, TagSpecifications=name_tag("spot-worker"),
        InstanceMarketOptions={"MarketType": "spot", "SpotOptions": {"SpotInstanceType": "one-time"}},
    )["Instances"][0]["InstanceId"]
    made["request"] = ec2.request_spot_instances(
        InstanceCount=1, Type="persistent", LaunchSpecification={"ImageId": AMI, "InstanceType": "t3.micro"},
    )["SpotInstanceRequests"][0]["SpotInstanceRequestId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=100, VolumeType="gp3",
                               TagSpecifications=name_tag("analysis-data", "volume"))
    made["volume"] = volume["VolumeId"]
    made["snapshot"] = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="results before the rerun")["SnapshotId"]
    made["loose_ip"] = ec2.allocate_address(Domain="vpc")["AllocationId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
    made["nat_ip"] = ec2.allocate_address(Domain="vpc")["AllocationId"]
    made["nat"] = ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], AllocationId=made["nat_ip"])["NatGateway"]["NatGatewayId"]
    made["efs"] = efs.create_file_system(CreationToken="shared-data", Tags=[{"Key": "Name", "Value": "shared-data"}])["FileSystemId"]
    efs.create_mount_target(FileSystemId=made["efs"], SubnetId=subnet["SubnetId"])
    made["bucket"] = f"crashcourse-data-{ACCOUNT}-us-east-1"
    s3.create_bucket(Bucket=made["bucket"])
    s3.put_object(Bucket=made["bucket"], Key="results/counts.tsv", Body=b"gene\tcount\n")
    # What the sweep must leave: a bucket the site did not make, and another Region's things.
    s3.create_bucket(Bucket="lab-archive-0001")
    s3.create_bucket(Bucket=f"crashcourse-data-{ACCOUNT}-eu-west-1",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    made["elsewhere"] = elsewhere(g, "ec2").create_volume(AvailabilityZone="eu-west-1a", Size=8)["VolumeId"]
    return made


def states(ec2, ids):
    return {i["InstanceId"]: i["State"]["Name"]
            for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]}


KINDS = ("instance", "spot-request", "nat-gateway", "elastic-ip", "efs", "volume", "snapshot", "bucket")


def page_examples() -> list[str]:
    """The example lines the page quotes in its prose (inline code), for a found leftover."""
    tokens = MarkdownIt().parse(PAGE.read_text())
    spans = [c.content for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "code_inline"]
    return [s for s in spans if s.split()[0] in KINDS and re.search(r"\d", s) or re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d: \d+ EBS volumes", s)]


def check_examples(printed: str) -> None:
    """Each example line the page quotes is a line the commands printed here (IDs made example values)."""
    names, requests = Normalizer(), {}
    printed = names(printed)
    printed = re.sub(r"\bsir-[0-9a-z]{8,17}\b", lambda m: requests.setdefault(m[0], f"sir-a1b2c3d{len(requests)}"), printed)
    lines = {" ".join(line.split()) for line in printed.splitlines()}
    examples = page_examples()
    assert len(examples) >= 7, examples
    missing = [e for e in examples if e not in lines]
    assert not missing, f"{PAGE.relative_to(ROOT)}: the page quotes lines the commands do not print: {missing}\n{printed}"


def test_stop_and_clean_up(guide):
    g = guide("stop-and-clean-up")
    made = make_leftovers(g)
    ec2, s3, efs = g.client("ec2"), g.client("s3"), g.client("efs")

    g.run()
    # Steps 1 to 4: the named instance only, stopped, started and terminated.
    assert g.outputs["stop"] == "stopping\n"
    assert g.outputs["start"].splitlines()[0] == "pending"
    assert g.outputs["start"].splitlines()[1].startswith("running\t")
    assert g.outputs["terminate"] == "shutting-down\n"
    assert states(ec2, [made["box"]]) == {made["box"]: "terminated"}

    # Step 5 lists one of each kind in the Region, and only this Region's buckets of the site.
    kinds = [line.split("\t")[0] for line in g.outputs["list-leftovers"].splitlines()[1:]]
    assert sorted(kinds) == sorted(
        ["instance", "instance", "spot-request", "nat-gateway", "elastic-ip", "elastic-ip", "efs", "volume",
         "snapshot", "bucket"]
    ), g.outputs["list-leftovers"]
    assert "lab-archive" not in g.outputs["list-leftovers"]
    assert "eu-west-1" not in g.outputs["list-leftovers"]
    # Step 6 names both Regions that hold volumes (here: the loose one and the two Spot Instances' root volumes).
    assert g.outputs["all-regions"] == "eu-west-1: 1 EBS volumes\nus-east-1: 3 EBS volumes\n"
    survey = g.run_python()
    assert "eu-west-1 {'volumes': 1}" in survey
    assert "us-east-1 {'instances': 2, 'Spot requests': 1, 'volumes': 3, 'snapshots': 1, " in survey
    check_examples(g.outputs["list-leftovers"] + g.outputs["all-regions"])

    # The clean-up, in a new shell that knows none of the variables the steps set.
    cleanup = [s for s in g.sections() if s.cleanup]
    g._bash(cleanup, None, g.workdir / "after.sh")
    assert not ec2.describe_instances(Filters=[
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"]
    open_requests = ec2.describe_spot_instance_requests(
        Filters=[{"Name": "state", "Values": ["open", "active"]}])["SpotInstanceRequests"]
    assert not open_requests  # (moto forgets a cancelled request; AWS shows it as `cancelled`)
    assert ec2.describe_nat_gateways(NatGatewayIds=[made["nat"]])["NatGateways"][0]["State"] == "deleted"
    assert not ec2.describe_addresses()["Addresses"]
    assert not efs.describe_file_systems()["FileSystems"]
    assert not ec2.describe_volumes()["Volumes"]
    # (moto ignores OwnerIds=["self"] and lists its own images' snapshots too; the filter it honours)
    assert not ec2.describe_snapshots(Filters=[{"Name": "owner-id", "Values": [ACCOUNT]}])["Snapshots"]
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == [
        f"crashcourse-data-{ACCOUNT}-eu-west-1", "lab-archive-0001"]
    assert g.outputs["cleanup-check"].split() == ["0"] * 6
    # Another Region is left alone: the page says how to sweep it.
    assert [v["VolumeId"] for v in elsewhere(g, "ec2").describe_volumes()["Volumes"]] == [made["elsewhere"]]
    assert g.run_python() == "eu-west-1 {'volumes': 1}\n"
    # (That every block does nothing, without error, when nothing is left is what the reader's
    # tour proves: it runs this page last, on an account its other pages have emptied.)
