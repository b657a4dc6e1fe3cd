# boto3 version of the all-Regions survey in howto/stop-and-clean-up.md.

# [start boto3-all-regions]
import boto3

regions = [r["RegionName"] for r in boto3.client("ec2").describe_regions()["Regions"]]
for region in regions:
    ec2 = boto3.client("ec2", region_name=region)
    found = {
        "instances": sum(
            len(r["Instances"])
            for page in ec2.get_paginator("describe_instances").paginate(
                Filters=[{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
            )
            for r in page["Reservations"]
        ),
        "volumes": len(ec2.describe_volumes()["Volumes"]),
        "Elastic IPs": len(ec2.describe_addresses()["Addresses"]),
        "NAT gateways": len(
            ec2.describe_nat_gateways(Filters=[{"Name": "state", "Values": ["pending", "available"]}])["NatGateways"]
        ),
    }
    if any(found.values()):
        print(region, found)
# [end boto3-all-regions]
