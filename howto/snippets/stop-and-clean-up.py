# Python (boto3) version of the all-Regions survey in howto/stop-and-clean-up.md: what carries
# your owner tag, Region by Region.

# [start boto3-all-regions]
import boto3
from botocore.exceptions import ClientError

LIVE = [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
OPEN = [{"Name": "state", "Values": ["open", "active"]}]
NAT_UP = [{"Name": "state", "Values": ["pending", "available"]}]

session = boto3.Session()
owner = session.client("sts").get_caller_identity()["UserId"]
mine = [{"Name": "tag:crashcourse:owner", "Values": [owner]}]
regions = [r["RegionName"] for r in session.client("ec2").describe_regions()["Regions"]]
for region in regions:
    ec2 = session.client("ec2", region_name=region)
    efs = session.client("efs", region_name=region)
    try:
        found = {
            "instances": sum(
                len(reservation["Instances"])
                for page in ec2.get_paginator("describe_instances").paginate(Filters=LIVE + mine)
                for reservation in page["Reservations"]
            ),
            "Spot requests": len(ec2.describe_spot_instance_requests(Filters=OPEN + mine)["SpotInstanceRequests"]),
            "volumes": len(ec2.describe_volumes(Filters=mine)["Volumes"]),
            "snapshots": len(ec2.describe_snapshots(OwnerIds=["self"], Filters=mine)["Snapshots"]),
            "Elastic IPs": len(ec2.describe_addresses(Filters=mine)["Addresses"]),
            "NAT gateways": len(ec2.describe_nat_gateways(Filters=NAT_UP + mine)["NatGateways"]),
            "EFS file systems": sum(
                {"Key": "crashcourse:owner", "Value": owner} in fs["Tags"]
                for fs in efs.describe_file_systems()["FileSystems"]
            ),
        }
    except ClientError:
        print(region, "could not look (the Region may be closed to you)")
        continue
    left = {kind: count for kind, count in found.items() if count}
    if left:
        print(region, left)
# [end boto3-all-regions]
