# Commands for howto/choose-region.md. Sections hold no comments (interactive zsh would run them).

# [start list-regions]
aws ec2 describe-regions --query 'Regions[].RegionName' --output text
# [end list-regions]

# [start set-region] replace: us-east-1
aws configure set region us-east-1
aws configure get region
# [end set-region]

# [start list-zones]
aws ec2 describe-availability-zones \
  --query 'AvailabilityZones[].[ZoneName,ZoneId,State]' --output table
# [end list-zones]

# [start name-to-id]
ZONE_NAME=$(aws ec2 describe-availability-zones \
  --query 'AvailabilityZones[0].ZoneName' --output text)
aws ec2 describe-availability-zones \
  --zone-names "$ZONE_NAME" --query 'AvailabilityZones[0].ZoneId' --output text
# [end name-to-id]

# [start id-to-name]
ZONE_ID=$(aws ec2 describe-availability-zones \
  --query 'AvailabilityZones[1].ZoneId' --output text)
aws ec2 describe-availability-zones \
  --filters Name=zone-id,Values="$ZONE_ID" --query 'AvailabilityZones[0].ZoneName' --output text
# [end id-to-name]
