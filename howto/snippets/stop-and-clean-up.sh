# Commands for howto/stop-and-clean-up.md. Sections are pasted as they are, so they hold no
# comments: interactive zsh (macOS) runs a pasted "# ..." line as a command. What a block
# does is said on the page, next to it.
#
# Every block finds what it acts on again, by name or by listing, so each works in a new
# terminal and does nothing when there is nothing to do. Every wait is bounded: the AWS CLI
# waiters give up after a fixed number of tries, and the one hand-made loop (EFS mount
# targets) stops after 30 tries.

# [start set-instance]
BOX_NAME=analysis-box
# [end set-instance]

# [start stop]
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values="$BOX_NAME" Name=instance-state-name,Values=running \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 stop-instances --instance-ids "$id" \
    --query 'StoppingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-stopped --instance-ids "$id"
done
# [end stop]

# [start start]
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values="$BOX_NAME" Name=instance-state-name,Values=stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 start-instances --instance-ids "$id" \
    --query 'StartingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-running --instance-ids "$id"
  aws ec2 describe-instances --instance-ids "$id" \
    --query 'Reservations[0].Instances[0].[State.Name,PublicIpAddress]' --output text
done
# [end start]

# [start terminate]
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values="$BOX_NAME" Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" \
    --query 'TerminatingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-terminated --instance-ids "$id"
done
# [end terminate]

# [start list-leftovers]
SWEEP_REGION=$(aws ec2 describe-availability-zones --query 'AvailabilityZones[0].RegionName' --output text)
SWEEP_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
echo "In $SWEEP_REGION:"
aws ec2 describe-instances \
  --filters Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'Reservations[].Instances[].[`instance`,InstanceId,InstanceLifecycle || `on-demand`,State.Name,Tags[?Key==`Name`].Value | [0] || `-`]' \
  --output text
aws ec2 describe-spot-instance-requests --filters Name=state,Values=open,active \
  --query 'SpotInstanceRequests[].[`spot-request`,SpotInstanceRequestId,Type,State]' --output text
aws ec2 describe-nat-gateways --filter Name=state,Values=pending,available \
  --query 'NatGateways[].[`nat-gateway`,NatGatewayId,State]' --output text
aws ec2 describe-addresses \
  --query 'Addresses[].[`elastic-ip`,AllocationId,AssociationId || `unassociated`]' --output text
aws efs describe-file-systems \
  --query 'FileSystems[].[`efs`,FileSystemId,Name || `-`,NumberOfMountTargets]' --output text
aws ec2 describe-volumes --filters Name=status,Values=available \
  --query 'Volumes[].[`volume`,VolumeId,Size,VolumeType]' --output text
aws ec2 describe-snapshots --filters Name=owner-id,Values="$SWEEP_ACCOUNT" \
  --query 'Snapshots[].[`snapshot`,SnapshotId,VolumeSize,Description]' --output text
aws s3api list-buckets \
  --query "Buckets[?starts_with(Name, 'crashcourse-') && ends_with(Name, '-$SWEEP_ACCOUNT-$SWEEP_REGION')].['bucket',Name]" \
  --output text
# [end list-leftovers]

# [start all-regions]
for region in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do
  volumes=$(aws ec2 describe-volumes --region "$region" --query 'length(Volumes)' --output text)
  if [ "$volumes" != 0 ]; then
    echo "$region: $volumes EBS volumes"
  fi
done
# [end all-regions]

# [start cleanup-spot-requests]
for request in $(aws ec2 describe-spot-instance-requests --filters Name=state,Values=open,active \
    --query 'SpotInstanceRequests[].SpotInstanceRequestId' --output text); do
  aws ec2 cancel-spot-instance-requests --spot-instance-request-ids "$request" \
    --query 'CancelledSpotInstanceRequests[0].State' --output text
done
# [end cleanup-spot-requests]

# [start cleanup-instances]
for id in $(aws ec2 describe-instances \
    --filters Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" \
    --query 'TerminatingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-terminated --instance-ids "$id"
done
# [end cleanup-instances]

# [start cleanup-nat-gateways]
for nat in $(aws ec2 describe-nat-gateways --filter Name=state,Values=pending,available \
    --query 'NatGateways[].NatGatewayId' --output text); do
  aws ec2 delete-nat-gateway --nat-gateway-id "$nat" --query NatGatewayId --output text
  aws ec2 wait nat-gateway-deleted --nat-gateway-ids "$nat"
  for allocation in $(aws ec2 describe-nat-gateways --nat-gateway-ids "$nat" \
      --query 'NatGateways[0].NatGatewayAddresses[].AllocationId' --output text); do
    aws ec2 release-address --allocation-id "$allocation"
  done
done
# [end cleanup-nat-gateways]

# [start cleanup-addresses]
for allocation in $(aws ec2 describe-addresses \
    --query 'Addresses[?AssociationId==null].AllocationId' --output text); do
  aws ec2 release-address --allocation-id "$allocation"
done
# [end cleanup-addresses]

# [start cleanup-efs]
for fs in $(aws efs describe-file-systems --query 'FileSystems[].FileSystemId' --output text); do
  for target in $(aws efs describe-mount-targets --file-system-id "$fs" \
      --query 'MountTargets[].MountTargetId' --output text); do
    aws efs delete-mount-target --mount-target-id "$target"
  done
  for attempt in $(seq 1 30); do
    [ "$(aws efs describe-mount-targets --file-system-id "$fs" --query 'length(MountTargets)' --output text)" = 0 ] && break
    echo "Check $attempt of 30: the mount targets of $fs are still there; checking again in 10 seconds."
    sleep 10
  done
  aws efs delete-file-system --file-system-id "$fs"
done
# [end cleanup-efs]

# [start cleanup-volumes]
for volume in $(aws ec2 describe-volumes --filters Name=status,Values=available \
    --query 'Volumes[].VolumeId' --output text); do
  aws ec2 delete-volume --volume-id "$volume"
done
# [end cleanup-volumes]

# [start cleanup-snapshots]
SWEEP_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
for snapshot in $(aws ec2 describe-snapshots --filters Name=owner-id,Values="$SWEEP_ACCOUNT" \
    --query 'Snapshots[?!starts_with(Description || `""`, `"Created by CreateImage"`)].SnapshotId' \
    --output text); do
  aws ec2 delete-snapshot --snapshot-id "$snapshot"
done
# [end cleanup-snapshots]

# [start cleanup-buckets]
SWEEP_REGION=$(aws ec2 describe-availability-zones --query 'AvailabilityZones[0].RegionName' --output text)
SWEEP_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
for bucket in $(aws s3api list-buckets \
    --query "Buckets[?starts_with(Name, 'crashcourse-') && ends_with(Name, '-$SWEEP_ACCOUNT-$SWEEP_REGION')].Name" \
    --output text); do
  aws s3 rb "s3://$bucket" --force
done
# [end cleanup-buckets]

# [start cleanup-check]
SWEEP_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
aws ec2 describe-instances --filters Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'length(Reservations[].Instances[])' --output text
aws ec2 describe-nat-gateways --filter Name=state,Values=pending,available --query 'length(NatGateways)' --output text
aws ec2 describe-addresses --query 'length(Addresses)' --output text
aws efs describe-file-systems --query 'length(FileSystems)' --output text
aws ec2 describe-volumes --query 'length(Volumes)' --output text
aws ec2 describe-snapshots --filters Name=owner-id,Values="$SWEEP_ACCOUNT" \
  --query 'length(Snapshots)' --output text
# [end cleanup-check]
