# Python (boto3) examples for howto/choose-region.md.

# [start zones]
import boto3

session = boto3.Session()  # the Region comes from your profile or AWS_REGION
ec2 = session.client("ec2")

regions = sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
print(len(regions), "Regions enabled for this account")

for zone in ec2.describe_availability_zones()["AvailabilityZones"]:
    print(zone["ZoneName"], "->", zone["ZoneId"])
# [end zones]
