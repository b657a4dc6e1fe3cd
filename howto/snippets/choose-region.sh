# Commands for howto/choose-region.md.

# [start list-regions]
# Regions enabled for your account (add --all-regions to include opt-in Regions you have not enabled).
aws ec2 describe-regions --query 'Regions[].RegionName' --output text
# [end list-regions]

# [start set-region]
REGION=us-east-1   # the Region you chose
aws configure set region "$REGION"
aws configure get region
# [end set-region]

# [start list-zones]
aws ec2 describe-availability-zones --region "$REGION" \
  --query 'AvailabilityZones[].[ZoneName,ZoneId,State]' --output table
# [end list-zones]

# [start name-to-id]
# The AZ ID behind one of your zone names...
aws ec2 describe-availability-zones --region "$REGION" \
  --zone-names us-east-1a --query 'AvailabilityZones[0].ZoneId' --output text
# ...and the zone name that an AZ ID has in your account.
aws ec2 describe-availability-zones --region "$REGION" \
  --filters Name=zone-id,Values=use1-az1 --query 'AvailabilityZones[0].ZoneName' --output text
# [end name-to-id]
