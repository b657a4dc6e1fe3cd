# Commands for howto/choose-region.md. Sections hold no comments (interactive zsh would run them).

# [start list-regions]
aws ec2 describe-regions --query 'Regions[].RegionName' --output text
# [end list-regions]

# [start show-region]
aws configure get region
# [end show-region]

# [start set-region] replace: <region-code>
NEW_REGION=<region-code>
if [ -z "$NEW_REGION" ]; then
  echo "NEW_REGION is empty: put your Region's code in place of the placeholder on the first line. Nothing was changed."
elif aws ec2 describe-regions --region "$NEW_REGION" --region-names "$NEW_REGION" >/dev/null; then
  aws configure set region "$NEW_REGION"
else
  echo "Your account cannot use $NEW_REGION (a mistyped code, or an opt-in Region not enabled). Nothing was changed."
fi
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
