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
# The AZ ID behind one of your zone names (here the Region's first zone)...
ZONE_NAME=$(aws ec2 describe-availability-zones --region "$REGION" \
  --query 'AvailabilityZones[0].ZoneName' --output text)
aws ec2 describe-availability-zones --region "$REGION" \
  --zone-names "$ZONE_NAME" --query 'AvailabilityZones[0].ZoneId' --output text
# ...and the zone name that an AZ ID (here the second zone's) has in your account.
ZONE_ID=$(aws ec2 describe-availability-zones --region "$REGION" \
  --query 'AvailabilityZones[1].ZoneId' --output text)
aws ec2 describe-availability-zones --region "$REGION" \
  --filters Name=zone-id,Values="$ZONE_ID" --query 'AvailabilityZones[0].ZoneName' --output text
# [end name-to-id]
