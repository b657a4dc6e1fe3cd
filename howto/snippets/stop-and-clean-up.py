# Python (boto3) version of the all-Regions survey in howto/stop-and-clean-up.md.

# [start boto3-all-regions]
import boto3

LIVE = [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
OPEN = [{"Name": "state", "Values": ["open", "active"]}]
NAT_UP = [{"Name": "state", "Values": ["pending", "available"]}]

session = boto3.Session()
mine = [{"Name": "owner-id", "Values": [session.client("sts").get_caller_identity()["Account"]]}]
regions = [r["RegionName"] for r in session.client("ec2").describe_regions()["Regions"]]
for region in regions:
    ec2 = session.client("ec2", region_name=region)
    efs = session.client("efs", region_name=region)
    found = {
        "instances": sum(
            len(reservation["Instances"])
            for page in ec2.get_paginator("describe_instances").paginate(Filters=LIVE)
            for reservation in page["Reservations"]
        ),
        "Spot requests": len(ec2.describe_spot_instance_requests(Filters=OPEN)["SpotInstanceRequests"]),
        "volumes": len(ec2.describe_volumes()["Volumes"]),
        "snapshots": len(ec2.describe_snapshots(Filters=mine)["Snapshots"]),
        "Elastic IPs": len(ec2.describe_addresses()["Addresses"]),
        "NAT gateways": len(ec2.describe_nat_gateways(Filters=NAT_UP)["NatGateways"]),
        "EFS file systems": len(efs.describe_file_systems()["FileSystems"]),
    }
    left = {kind: count for kind, count in found.items() if count}
    if left:
        print(region, left)
# [end boto3-all-regions]
