"""howto/stop-and-clean-up.md, on leftovers of every kind the page sweeps, made with boto3.

The reader's tour runs this page last, after every other page's clean-up, when there is
nothing left to find; that proves each block does nothing, without error, on an empty
account. This test proves the other half: with something of each kind the reader made left
in the Region (tagged crashcourse:owner with the reader's own ID), and a colleague's things
beside them (tagged with another ID, or not at all) and some that must stay anyway (another
Region's, a bucket the site did not make), the page stops, starts and terminates the
reader's instance, finds each of the reader's leftovers, deletes them and leaves the
colleague's. Then the two blocks for an account the reader owns alone list and delete
everything in the Region. The example lines the page quotes are lines this test saw printed.
"""

import re

import boto3
from markdown_it import MarkdownIt

from conftest import EMULATED_READER, OWNER_TAG, ROOT, Normalizer
from shown_outputs import outputs_test

test_outputs = outputs_test("stop-and-clean-up")  # its shown outputs (shown_outputs.py)

AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
ACCOUNT = "123456789012"  # moto's account
PAGE = ROOT / "howto" / "stop-and-clean-up.md"


def elsewhere(g, service):
    """A client for another Region than the reader's (eu-west-1; the tests use us-east-1)."""
    return boto3.client(service, endpoint_url=g.endpoint, region_name="eu-west-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


COLLEAGUE_TAG = {"Key": "crashcourse:owner", "Value": "AIDAEXAMPLECOLLEAGUE"}


def name_tag(name, kind="instance", owner=OWNER_TAG):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}, owner]}]


def owned(kind, owner=OWNER_TAG):
    return [{"ResourceType": kind, "Tags": [owner]}]


def make_colleagues(g):
    """What a colleague made in the same account and Region: the reader's sweep must leave it."""
    ec2, s3, efs = g.client("ec2"), g.client("s3"), g.client("efs")
    theirs = {}
    theirs["box"] = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                      TagSpecifications=name_tag("analysis-box", owner=COLLEAGUE_TAG))["Instances"][0]["InstanceId"]
    theirs["volume"] = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10,
                                         TagSpecifications=owned("volume", COLLEAGUE_TAG))["VolumeId"]
    theirs["untagged_volume"] = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    theirs["ip"] = ec2.allocate_address(Domain="vpc", TagSpecifications=owned("elastic-ip", COLLEAGUE_TAG))["AllocationId"]
    theirs["efs"] = efs.create_file_system(CreationToken="theirs", Tags=[{"Key": "Name", "Value": "shared-data"}, COLLEAGUE_TAG])["FileSystemId"]
    theirs["bucket"] = f"crashcourse-data-bob-{ACCOUNT}-us-east-1"
    s3.create_bucket(Bucket=theirs["bucket"])
    s3.put_bucket_tagging(Bucket=theirs["bucket"], Tagging={"TagSet": [COLLEAGUE_TAG]})
    theirs["alarm"] = "crashcourse-idle-stop-bob"
    idle_alarm(g, theirs["alarm"], theirs["box"], COLLEAGUE_TAG)
    theirs["log_group"] = "crashcourse-logs-bob"
    g.client("logs").create_log_group(logGroupName=theirs["log_group"], tags={COLLEAGUE_TAG["Key"]: COLLEAGUE_TAG["Value"]})
    theirs["batch"] = "crashcourse-batch-bob"
    batch_queue(g, theirs["batch"], COLLEAGUE_TAG)
    return theirs


def batch_queue(g, name, owner):
    """A Fargate Spot compute environment and its job queue, as "How to run many jobs with AWS Batch" makes them."""
    ec2, batch = g.client("ec2"), g.client("batch")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]]
    group = ec2.create_security_group(GroupName=name, Description="AWS Batch jobs", TagSpecifications=owned("security-group", owner))["GroupId"]
    tags = {owner["Key"]: owner["Value"]}
    batch.create_compute_environment(computeEnvironmentName=name, type="MANAGED", tags=tags, computeResources={
        "type": "FARGATE_SPOT", "maxvCpus": 4, "subnets": subnets, "securityGroupIds": [group]})
    batch.create_job_queue(jobQueueName=name, priority=1, tags=tags, computeEnvironmentOrder=[{"order": 1, "computeEnvironment": name}])


def idle_alarm(g, name, instance_id, owner):
    """An alarm like the one "How to stop an idle instance automatically" makes."""
    g.client("cloudwatch").put_metric_alarm(
        AlarmName=name, Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average",
        Dimensions=[{"Name": "InstanceId", "Value": instance_id}], Period=300, EvaluationPeriods=12,
        Threshold=5, ComparisonOperator="LessThanThreshold", AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"],
        Tags=[owner])


def make_leftovers(g):
    ec2, s3, efs = g.client("ec2"), g.client("s3"), g.client("efs")
    made = {}
    made["box"] = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                    TagSpecifications=name_tag("analysis-box"))["Instances"][0]["InstanceId"]
    made["spot"] = ec2.run_instances(
        ImageId=AMI, InstanceType="m7i.xlarge", MinCount=1, MaxCount=1,
        TagSpecifications=name_tag("spot-worker") + owned("volume"),
        InstanceMarketOptions={"MarketType": "spot", "SpotOptions": {"SpotInstanceType": "one-time"}},
    )["Instances"][0]["InstanceId"]
    made["request"] = ec2.request_spot_instances(
        InstanceCount=1, Type="persistent", LaunchSpecification={"ImageId": AMI, "InstanceType": "t3.micro"},
        TagSpecifications=owned("spot-instances-request"),
    )["SpotInstanceRequests"][0]["SpotInstanceRequestId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=100, VolumeType="gp3",
                               TagSpecifications=name_tag("analysis-data", "volume"))
    made["volume"] = volume["VolumeId"]
    made["snapshot"] = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="results before the rerun",
                                           TagSpecifications=owned("snapshot"))["SnapshotId"]
    made["loose_ip"] = ec2.allocate_address(Domain="vpc", TagSpecifications=owned("elastic-ip"))["AllocationId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
    made["nat_ip"] = ec2.allocate_address(Domain="vpc", TagSpecifications=owned("elastic-ip"))["AllocationId"]
    made["nat"] = ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], AllocationId=made["nat_ip"],
                                         TagSpecifications=owned("natgateway"))["NatGateway"]["NatGatewayId"]
    made["efs"] = efs.create_file_system(CreationToken="shared-data",
                                         Tags=[{"Key": "Name", "Value": "shared-data"}, OWNER_TAG])["FileSystemId"]
    efs.create_mount_target(FileSystemId=made["efs"], SubnetId=subnet["SubnetId"])
    made["bucket"] = f"crashcourse-data-{EMULATED_READER}-{ACCOUNT}-us-east-1"
    s3.create_bucket(Bucket=made["bucket"])
    s3.put_bucket_tagging(Bucket=made["bucket"], Tagging={"TagSet": [OWNER_TAG]})
    s3.put_object(Bucket=made["bucket"], Key="results/counts.tsv", Body=b"gene\tcount\n")
    # What the sweep must leave: a bucket the site did not make, and another Region's things.
    s3.create_bucket(Bucket="lab-archive-0001")
    s3.create_bucket(Bucket=f"crashcourse-data-{EMULATED_READER}-{ACCOUNT}-eu-west-1",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    made["alarm"] = f"crashcourse-idle-stop-{EMULATED_READER}"
    idle_alarm(g, made["alarm"], made["box"], OWNER_TAG)
    made["log_group"] = f"crashcourse-logs-{EMULATED_READER}"
    g.client("logs").create_log_group(logGroupName=made["log_group"], tags={OWNER_TAG["Key"]: OWNER_TAG["Value"]})
    made["batch"] = f"crashcourse-batch-{EMULATED_READER}"
    batch_queue(g, made["batch"], OWNER_TAG)

    made["elsewhere"] = elsewhere(g, "ec2").create_volume(AvailabilityZone="eu-west-1a", Size=8,
                                                          TagSpecifications=owned("volume"))["VolumeId"]
    return made


def states(ec2, ids):
    return {i["InstanceId"]: i["State"]["Name"]
            for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]}


KINDS = ("instance", "spot-request", "nat-gateway", "elastic-ip", "efs", "volume", "snapshot", "bucket", "alarm",
         "log-group", "job-queue", "compute-environment")


def page_examples() -> list[str]:
    """The example lines the page quotes in its prose (inline code), for a found leftover."""
    tokens = MarkdownIt().parse(PAGE.read_text())
    spans = [c.content for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "code_inline"]
    return [s for s in spans if s.split()[0] in KINDS and re.search(r"\d", s) or re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d: \d+ EBS volumes", s)]


def check_examples(printed: str) -> None:
    """Each example line the page quotes is a line the commands printed here (IDs made example values)."""
    names, requests = Normalizer(), {}
    printed = re.sub(rf"-{EMULATED_READER}-", "-alice-", names(printed))  # the page's reader is alice
    printed = re.sub(r"\bsir-[0-9a-z]{8,17}\b", lambda m: requests.setdefault(m[0], f"sir-a1b2c3d{len(requests)}"), printed)
    lines = {" ".join(line.split()) for line in printed.splitlines()}
    examples = page_examples()
    assert len(examples) >= 7, examples
    missing = [e for e in examples if e not in lines]
    assert not missing, f"{PAGE.relative_to(ROOT)}: the page quotes lines the commands do not print: {missing}\n{printed}"


def release_deleted_nat_addresses(ec2, nat_id):
    """Where moto differs from AWS: deleting a NAT gateway "disassociates its Elastic IP address"
    (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html), but moto 5.2
    keeps the address associated with the deleted gateway, so the next block, which releases your
    unassociated addresses, would not see it. Here the test does what AWS does."""
    (nat,) = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"]
    assert nat["State"] == "deleted"
    for address in nat["NatGatewayAddresses"]:
        found = ec2.describe_addresses(AllocationIds=[address["AllocationId"]])["Addresses"][0]
        if found.get("AssociationId"):
            ec2.disassociate_address(AssociationId=found["AssociationId"])


def live(ec2, **filters):
    found = [i["InstanceId"] for r in ec2.describe_instances(Filters=[
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]},
        *({"Name": k, "Values": [v]} for k, v in filters.items())])["Reservations"] for i in r["Instances"]]
    return sorted(found)


def test_stop_and_clean_up(guide):
    g = guide("stop-and-clean-up")
    made = make_leftovers(g)
    theirs = make_colleagues(g)
    ec2, s3, efs = g.client("ec2"), g.client("s3"), g.client("efs")

    g.run()
    # Steps 1 to 4: the reader's named instance only, stopped, started and terminated.
    assert g.outputs["stop"] == "stopping\n"
    assert g.outputs["start"].splitlines()[0] == "pending"
    assert g.outputs["start"].splitlines()[1].startswith("running\t")
    assert g.outputs["terminate"] == "shutting-down\n"
    assert states(ec2, [made["box"]]) == {made["box"]: "terminated"}
    assert states(ec2, [theirs["box"]]) == {theirs["box"]: "running"}  # the colleague's, untouched

    # Step 5 lists one of each kind the reader made in the Region, and only those.
    kinds = [line.split("\t")[0] for line in g.outputs["list-leftovers"].splitlines()[1:]]
    assert sorted(kinds) == sorted(
        ["instance", "spot-request", "nat-gateway", "elastic-ip", "elastic-ip", "efs", "volume",
         "snapshot", "bucket", "alarm", "log-group", "job-queue", "compute-environment"]
    ), g.outputs["list-leftovers"]
    assert f"alarm\t{made['alarm']}" in g.outputs["list-leftovers"].splitlines()
    assert f"job-queue\t{made['batch']}\tENABLED" in g.outputs["list-leftovers"].splitlines()
    for other in (theirs["box"], theirs["volume"], theirs["untagged_volume"], theirs["ip"], theirs["efs"], "bob", "lab-archive", "eu-west-1"):
        assert other not in g.outputs["list-leftovers"]
    # Step 6 names both Regions that hold the reader's volumes (the loose one and the Spot Instance's root volume).
    assert g.outputs["all-regions"] == "eu-west-1: 1 EBS volumes\nus-east-1: 2 EBS volumes\n"
    survey = g.run_python()
    assert "eu-west-1 {'volumes': 1}" in survey
    assert "us-east-1 {'instances': 1, 'Spot requests': 1, 'volumes': 2, 'snapshots': 1, " in survey
    check_examples(g.outputs["list-leftovers"] + g.outputs["all-regions"])

    # The clean-up, in a new shell that knows none of the variables the steps set: the reader's only.
    sweep = [s for s in g.sections() if s.cleanup and not s.name.startswith("cleanup-alone")]
    nat_done = [s.name for s in sweep].index("cleanup-nat-gateways") + 1
    g._bash(sweep[:nat_done], None, g.workdir / "after.sh")
    release_deleted_nat_addresses(ec2, made["nat"])
    g._bash(sweep[nat_done:], None, g.workdir / "after.sh")
    assert live(ec2) == [theirs["box"]]
    open_requests = ec2.describe_spot_instance_requests(
        Filters=[{"Name": "state", "Values": ["open", "active"]}])["SpotInstanceRequests"]
    assert not open_requests  # (moto forgets a cancelled request; AWS shows it as `cancelled`)
    assert ec2.describe_nat_gateways(NatGatewayIds=[made["nat"]])["NatGateways"][0]["State"] == "deleted"
    assert [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]] == [theirs["ip"]]
    assert [f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]] == [theirs["efs"]]
    assert sorted(v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]
                  if not v["Attachments"]) == sorted([theirs["volume"], theirs["untagged_volume"]])
    assert not ec2.describe_snapshots(Filters=[{"Name": "tag:crashcourse:owner", "Values": [OWNER_TAG["Value"]]}])["Snapshots"]
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == sorted([
        f"crashcourse-data-{EMULATED_READER}-{ACCOUNT}-eu-west-1", "lab-archive-0001", theirs["bucket"]])
    assert g.outputs["cleanup-check"].split() == ["0"] * 6
    assert [a["AlarmName"] for a in g.client("cloudwatch").describe_alarms()["MetricAlarms"]] == [theirs["alarm"]]
    assert g.outputs["cleanup-alarms"] == f"deleted {made['alarm']}\n"
    logs = g.client("logs")
    assert [x["logGroupName"] for x in logs.describe_log_groups(logGroupNamePrefix="crashcourse-")["logGroups"]] == [theirs["log_group"]]
    assert g.outputs["cleanup-log-groups"] == f"deleted {made['log_group']}\n"
    batch = g.client("batch")
    assert [q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]] == [theirs["batch"]]
    assert [e["computeEnvironmentName"] for e in batch.describe_compute_environments()["computeEnvironments"]] == [theirs["batch"]]
    assert g.outputs["cleanup-batch"] == f"{made['batch']}\n{made['batch']}\n"  # its queue, then its compute environment
    # Another Region is left alone: the page says how to sweep it.
    assert [v["VolumeId"] for v in elsewhere(g, "ec2").describe_volumes()["Volumes"]] == [made["elsewhere"]]
    assert g.run_python() == "eu-west-1 {'volumes': 1}\n"

    # For an account the reader owns alone: list everything in the Region, then delete it.
    alone = [s for s in g.sections() if s.name.startswith("cleanup-alone")]
    assert [s.name for s in alone] == ["cleanup-alone-list", "cleanup-alone-delete"]
    g._bash(alone[:1], None, g.workdir / "after.sh")
    listed = g.outputs["cleanup-alone-list"]
    for other in (theirs["box"], theirs["volume"], theirs["untagged_volume"], theirs["ip"], theirs["efs"], theirs["bucket"]):
        assert other in listed, (other, listed)
    assert "lab-archive" not in listed and "eu-west-1" not in listed.splitlines()[1:]
    assert live(ec2) == [theirs["box"]]  # listing deletes nothing
    g._bash(alone[1:], None, g.workdir / "after.sh")
    assert live(ec2) == []
    assert not ec2.describe_addresses()["Addresses"]
    assert not efs.describe_file_systems()["FileSystems"]
    assert not [v for v in ec2.describe_volumes()["Volumes"] if not v["Attachments"]]
    # (moto ignores OwnerIds=["self"] and lists its own images' snapshots too; the filter it honours)
    assert not ec2.describe_snapshots(Filters=[{"Name": "owner-id", "Values": [ACCOUNT]}])["Snapshots"]
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == [
        f"crashcourse-data-{EMULATED_READER}-{ACCOUNT}-eu-west-1", "lab-archive-0001"]
    # (That every block does nothing, without error, when nothing is left is what the reader's
    # tour proves: it runs this page last, on an account its other pages have emptied.)
