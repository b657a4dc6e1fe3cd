"""Run howto/stop-and-clean-up.md against the emulator, on leftovers made with boto3."""

AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
ACCOUNT = "123456789012"  # moto's account


def make_leftovers(g):
    ec2, s3 = g.client("ec2"), g.client("s3")
    instance = ec2.run_instances(
        ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}]}],
    )["Instances"][0]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=100, VolumeType="gp3")
    snapshot = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="results before the rerun")
    loose_ip = ec2.allocate_address(Domain="vpc")
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
    nat_ip = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], AllocationId=nat_ip["AllocationId"])["NatGateway"]
    bucket = "amzn-s3-demo-bucket-111122223333"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="results/counts.tsv", Body=b"gene\tcount\n")
    return {
        "instance": instance["InstanceId"], "volume": volume["VolumeId"], "snapshot": snapshot["SnapshotId"],
        "ips": {loose_ip["AllocationId"], nat_ip["AllocationId"]}, "nat": nat["NatGatewayId"],
    }


def test_stop_and_clean_up(guide):
    g = guide("stop-and-clean-up")
    made = make_leftovers(g)
    ec2, s3 = g.client("ec2"), g.client("s3")

    g.run()
    assert g.var("INSTANCE_ID") == made["instance"]
    state = ec2.describe_instances(InstanceIds=[made["instance"]])["Reservations"][0]["Instances"][0]["State"]
    assert state["Name"] == "terminated"
    # The guide found each leftover.
    assert g.var("VOLUMES").split() == [made["volume"]]
    assert g.var("SNAPSHOTS").split() == [made["snapshot"]]
    assert g.var("NAT_GATEWAYS").split() == [made["nat"]]
    assert set(g.var("ADDRESSES").split()) | set(g.var("NAT_ADDRESSES").split()) == made["ips"]
    assert g.outputs["all-regions"] == "us-east-1: 0 attached, 1 unattached EBS volumes\n"

    survey = g.run_python()
    assert survey.strip() == (
        "us-east-1 {'instances': 0, 'volumes': 1, 'Elastic IPs': 2, 'NAT gateways': 1}"
    )

    g.cleanup()
    assert g.run_python() == ""  # nothing left in any Region
    assert not ec2.describe_volumes(Filters=[{"Name": "status", "Values": ["available"]}])["Volumes"]
    assert not ec2.describe_snapshots(Filters=[{"Name": "owner-id", "Values": [ACCOUNT]}])["Snapshots"]
    assert not ec2.describe_addresses()["Addresses"]
    nat = ec2.describe_nat_gateways(NatGatewayIds=[made["nat"]])["NatGateways"][0]
    assert nat["State"] == "deleted"
    assert not s3.list_buckets()["Buckets"]
    assert g.outputs["cleanup-check"].split() == ["0", "0", "0"]
