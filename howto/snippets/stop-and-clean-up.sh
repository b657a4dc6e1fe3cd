# Commands for howto/stop-and-clean-up.md.

# [start set-instance]
# The instance to stop, found by its Name tag (or set INSTANCE_ID yourself).
INSTANCE_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=instance-state-name,Values=running,stopped \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
# [end set-instance]

# [start stop]
aws ec2 stop-instances --instance-ids "$INSTANCE_ID" \
  --query 'StoppingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-stopped --instance-ids "$INSTANCE_ID"
# [end stop]

# [start start]
aws ec2 start-instances --instance-ids "$INSTANCE_ID" \
  --query 'StartingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-running --instance-ids "$INSTANCE_ID"
# The public IPv4 address usually changes after a stop and start:
aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].[State.Name,PublicIpAddress]' --output text
# [end start]

# [start terminate]
aws ec2 terminate-instances --instance-ids "$INSTANCE_ID" \
  --query 'TerminatingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-terminated --instance-ids "$INSTANCE_ID"
# [end terminate]

# [start all-regions]
# Every Region you can use: how many EBS volumes are attached (to running or stopped
# instances) and how many are not.
for r in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do
  read -r attached loose < <(aws ec2 describe-volumes --region "$r" --output text \
    --query '[length(Volumes[?State==`in-use`]), length(Volumes[?State==`available`])]')
  if [ "$attached$loose" != "00" ]; then
    echo "$r: $attached attached, $loose unattached EBS volumes"
  fi
done
# [end all-regions]

# [start find-volumes]
# Volumes attached to no instance.
VOLUMES=$(aws ec2 describe-volumes --filters Name=status,Values=available \
  --query 'Volumes[].VolumeId' --output text)
aws ec2 describe-volumes --filters Name=status,Values=available \
  --query 'Volumes[].[VolumeId,Size,VolumeType,AvailabilityZone]' --output text
# [end find-volumes]

# [start find-snapshots]
# Snapshots your account owns, less those behind your own AMIs.
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
SNAPSHOTS=$(aws ec2 describe-snapshots --filters Name=owner-id,Values="$ACCOUNT_ID" \
  --query "Snapshots[?!starts_with(Description, 'Created by CreateImage')].SnapshotId" \
  --output text)
aws ec2 describe-snapshots --filters Name=owner-id,Values="$ACCOUNT_ID" \
  --query 'Snapshots[].[SnapshotId,VolumeSize,StorageTier]' --output text
# [end find-snapshots]

# [start find-nat-gateways]
NAT_GATEWAYS=$(aws ec2 describe-nat-gateways --filter Name=state,Values=available \
  --query 'NatGateways[].NatGatewayId' --output text)
NAT_ADDRESSES=$(aws ec2 describe-nat-gateways --filter Name=state,Values=available \
  --query 'NatGateways[].NatGatewayAddresses[].AllocationId' --output text)
echo "$NAT_GATEWAYS"
# [end find-nat-gateways]

# [start find-addresses]
# Elastic IP addresses that no instance or network interface uses.
ADDRESSES=$(aws ec2 describe-addresses \
  --query 'Addresses[?AssociationId==null].AllocationId' --output text)
aws ec2 describe-addresses \
  --query 'Addresses[].[AllocationId,AssociationId || `unassociated`]' --output text
# [end find-addresses]

# [start find-buckets]
aws s3 ls
# [end find-buckets]

# [start cleanup-volumes]
for v in $VOLUMES; do aws ec2 delete-volume --volume-id "$v"; done
# [end cleanup-volumes]

# [start cleanup-snapshots]
for s in $SNAPSHOTS; do aws ec2 delete-snapshot --snapshot-id "$s"; done
# [end cleanup-snapshots]

# [start cleanup-nat-gateways]
for n in $NAT_GATEWAYS; do
  aws ec2 delete-nat-gateway --nat-gateway-id "$n" --query NatGatewayId --output text
done
if [ -n "$NAT_GATEWAYS" ]; then
  aws ec2 wait nat-gateway-deleted --nat-gateway-ids $NAT_GATEWAYS
fi
# Their Elastic IP addresses stay allocated, and billed, until you release them.
for a in $NAT_ADDRESSES; do aws ec2 release-address --allocation-id "$a"; done
# [end cleanup-nat-gateways]

# [start cleanup-addresses]
for a in $ADDRESSES; do aws ec2 release-address --allocation-id "$a"; done
# [end cleanup-addresses]

# [start cleanup-bucket]
# Deletes every object in the bucket, then the bucket. There is no undo.
BUCKET=amzn-s3-demo-bucket-111122223333   # one name from the list in the earlier step
aws s3 rb "s3://$BUCKET" --force
# [end cleanup-bucket]

# [start cleanup-check]
aws ec2 describe-volumes --filters Name=status,Values=available --query 'length(Volumes)'
aws ec2 describe-addresses --query 'length(Addresses)'
aws ec2 describe-nat-gateways --filter Name=state,Values=pending,available \
  --query 'length(NatGateways)'
# [end cleanup-check]
