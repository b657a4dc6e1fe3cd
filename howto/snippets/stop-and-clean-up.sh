# Commands for howto/stop-and-clean-up.md. Sections are pasted as they are, so they hold no
# comments: interactive zsh (macOS) runs a pasted "# ..." line as a command. What a block
# does is said on the page, next to it.
#
# Every block finds what it acts on again, by the reader's owner tag (crashcourse:owner) or
# per-reader name, so each works in a new terminal, touches only what the reader made, and
# does nothing when there is nothing to do. The two cleanup-alone-* blocks, for an account the
# reader owns alone, list and then delete everything in the Region. Every wait is bounded: the AWS CLI
# waiters give up after a fixed number of tries, and the one hand-made loop (EFS mount
# targets) stops after 30 tries.

# [start set-instance]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
BOX_NAME=analysis-box
# [end set-instance]

# [start stop]
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values="$BOX_NAME" Name=tag:crashcourse:owner,Values="$OWNER" Name=instance-state-name,Values=running \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 stop-instances --instance-ids "$id" \
    --query 'StoppingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-stopped --instance-ids "$id"
done
# [end stop]

# [start start]
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values="$BOX_NAME" Name=tag:crashcourse:owner,Values="$OWNER" Name=instance-state-name,Values=stopped \
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
    --filters Name=tag:Name,Values="$BOX_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" \
    --query 'TerminatingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-terminated --instance-ids "$id"
done
# [end terminate]

# [start list-leftovers]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
SWEEP_REGION=$(aws ec2 describe-availability-zones --query 'AvailabilityZones[0].RegionName' --output text)
SWEEP_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
echo "Yours in $SWEEP_REGION:"
aws ec2 describe-instances \
  --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'Reservations[].Instances[].[`instance`,InstanceId,InstanceLifecycle || `on-demand`,State.Name,Tags[?Key==`Name`].Value | [0] || `-`]' \
  --output text
aws ec2 describe-spot-instance-requests --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=state,Values=open,active \
  --query 'SpotInstanceRequests[].[`spot-request`,SpotInstanceRequestId,Type,State]' --output text
aws ec2 describe-nat-gateways --filter Name=tag:crashcourse:owner,Values="$OWNER" Name=state,Values=pending,available \
  --query 'NatGateways[].[`nat-gateway`,NatGatewayId,State]' --output text
aws ec2 describe-addresses --filters Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'Addresses[].[`elastic-ip`,AllocationId,AssociationId || `unassociated`]' --output text
aws efs describe-file-systems --output text --query \
  "FileSystems[?Tags[?Key=='crashcourse:owner' && Value=='$OWNER']].['efs',FileSystemId,Name || '-',NumberOfMountTargets]"
aws ec2 describe-volumes --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=status,Values=available \
  --query 'Volumes[].[`volume`,VolumeId,Size,VolumeType]' --output text
aws ec2 describe-snapshots --owner-ids self --filters Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'Snapshots[].[`snapshot`,SnapshotId,VolumeSize,Description]' --output text
aws s3api list-buckets --output text --query \
  "Buckets[?starts_with(Name, 'crashcourse-') && ends_with(Name, '-$READER-$SWEEP_ACCOUNT-$SWEEP_REGION')].['bucket',Name]"
for alarm in $(aws cloudwatch describe-alarms --alarm-name-prefix crashcourse- --query 'MetricAlarms[].AlarmArn' --output text); do
  if alarm_owner=$(aws cloudwatch list-tags-for-resource --resource-arn "$alarm" \
      --query "Tags[?Key=='crashcourse:owner'].Value | [0]" --output text) \
      && [ "$alarm_owner" = "$OWNER" ]; then
    printf 'alarm\t%s\n' "${alarm##*:}"
  fi
done
for group in $(aws logs describe-log-groups --log-group-name-prefix crashcourse- --query 'logGroups[].logGroupArn' --output text); do
  if group_owner=$(aws logs list-tags-for-resource --resource-arn "$group" \
      --query 'tags."crashcourse:owner"' --output text) \
      && [ "$group_owner" = "$OWNER" ]; then
    printf 'log-group\t%s\n' "${group##*:}"
  fi
done
# [end list-leftovers]

# [start all-regions]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for region in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do
  if volumes=$(aws ec2 describe-volumes --region "$region" --filters Name=tag:crashcourse:owner,Values="$OWNER" \
      --query 'length(Volumes)' --output text 2>/dev/null); then
    if [ "$volumes" != 0 ]; then
      echo "$region: $volumes EBS volumes"
    fi
  else
    echo "$region: could not look (the Region may be closed to you)"
  fi
done
# [end all-regions]

# [start cleanup-spot-requests]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for request in $(aws ec2 describe-spot-instance-requests --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=state,Values=open,active \
    --query 'SpotInstanceRequests[].SpotInstanceRequestId' --output text); do
  launched=$(aws ec2 describe-spot-instance-requests --spot-instance-request-ids "$request" \
    --query 'SpotInstanceRequests[0].InstanceId' --output text)
  aws ec2 cancel-spot-instance-requests --spot-instance-request-ids "$request" \
    --query 'CancelledSpotInstanceRequests[0].State' --output text
  if [ "$launched" != None ]; then
    aws ec2 terminate-instances --instance-ids "$launched" \
      --query 'TerminatingInstances[0].CurrentState.Name' --output text
  fi
done
# [end cleanup-spot-requests]

# [start cleanup-instances]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for id in $(aws ec2 describe-instances \
    --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" \
    --query 'TerminatingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-terminated --instance-ids "$id"
done
# [end cleanup-instances]

# [start cleanup-nat-gateways]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for nat in $(aws ec2 describe-nat-gateways --filter Name=tag:crashcourse:owner,Values="$OWNER" Name=state,Values=pending,available \
    --query 'NatGateways[].NatGatewayId' --output text); do
  aws ec2 delete-nat-gateway --nat-gateway-id "$nat" --query NatGatewayId --output text
  aws ec2 wait nat-gateway-deleted --nat-gateway-ids "$nat"
done
# [end cleanup-nat-gateways]

# [start cleanup-addresses]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for allocation in $(aws ec2 describe-addresses --filters Name=tag:crashcourse:owner,Values="$OWNER" \
    --query 'Addresses[?AssociationId==null].AllocationId' --output text); do
  aws ec2 release-address --allocation-id "$allocation"
done
# [end cleanup-addresses]

# [start cleanup-efs]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for fs in $(aws efs describe-file-systems --output text --query \
    "FileSystems[?Tags[?Key=='crashcourse:owner' && Value=='$OWNER']].FileSystemId"); do
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
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for volume in $(aws ec2 describe-volumes --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=status,Values=available \
    --query 'Volumes[].VolumeId' --output text); do
  aws ec2 delete-volume --volume-id "$volume"
done
# [end cleanup-volumes]

# [start cleanup-snapshots]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for snapshot in $(aws ec2 describe-snapshots --owner-ids self --filters Name=tag:crashcourse:owner,Values="$OWNER" \
    --query 'Snapshots[].SnapshotId' --output text); do
  aws ec2 delete-snapshot --snapshot-id "$snapshot"
done
# [end cleanup-snapshots]

# [start cleanup-buckets]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
SWEEP_REGION=$(aws ec2 describe-availability-zones --query 'AvailabilityZones[0].RegionName' --output text)
SWEEP_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
for bucket in $(aws s3api list-buckets --output text --query \
    "Buckets[?starts_with(Name, 'crashcourse-') && ends_with(Name, '-$READER-$SWEEP_ACCOUNT-$SWEEP_REGION')].Name"); do
  if bucket_owner=$(aws s3api get-bucket-tagging --bucket "$bucket" \
      --query "TagSet[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$bucket_owner" = "$OWNER" ]; then
    aws s3 rb "s3://$bucket" --force
  fi
done
# [end cleanup-buckets]

# [start cleanup-alarms]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for alarm in $(aws cloudwatch describe-alarms --alarm-name-prefix crashcourse- --query 'MetricAlarms[].AlarmArn' --output text); do
  if alarm_owner=$(aws cloudwatch list-tags-for-resource --resource-arn "$alarm" \
      --query "Tags[?Key=='crashcourse:owner'].Value | [0]" --output text) \
      && [ "$alarm_owner" = "$OWNER" ]; then
    aws cloudwatch delete-alarms --alarm-names "${alarm##*:}" && echo "deleted ${alarm##*:}"
  fi
done
# [end cleanup-alarms]

# [start cleanup-log-groups]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for group in $(aws logs describe-log-groups --log-group-name-prefix crashcourse- --query 'logGroups[].logGroupArn' --output text); do
  if group_owner=$(aws logs list-tags-for-resource --resource-arn "$group" \
      --query 'tags."crashcourse:owner"' --output text) \
      && [ "$group_owner" = "$OWNER" ]; then
    aws logs delete-log-group --log-group-name "${group##*:}" && echo "deleted ${group##*:}"
  fi
done
# [end cleanup-log-groups]

# [start cleanup-check]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
aws ec2 describe-instances --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'length(Reservations[].Instances[])' --output text
aws ec2 describe-nat-gateways --filter Name=tag:crashcourse:owner,Values="$OWNER" Name=state,Values=pending,available \
  --query 'length(NatGateways)' --output text
aws ec2 describe-addresses --filters Name=tag:crashcourse:owner,Values="$OWNER" --query 'length(Addresses)' --output text
aws efs describe-file-systems --output text \
  --query "length(FileSystems[?Tags[?Key=='crashcourse:owner' && Value=='$OWNER']])"
aws ec2 describe-volumes --filters Name=tag:crashcourse:owner,Values="$OWNER" --query 'length(Volumes)' --output text
aws ec2 describe-snapshots --owner-ids self --filters Name=tag:crashcourse:owner,Values="$OWNER" --query 'length(Snapshots)' --output text
# [end cleanup-check]

# [start cleanup-alone-list]
SWEEP_REGION=$(aws ec2 describe-availability-zones --query 'AvailabilityZones[0].RegionName' --output text)
SWEEP_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
echo "Everything in $SWEEP_REGION, whoever made it:"
aws ec2 describe-instances --filters Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'Reservations[].Instances[].[`instance`,InstanceId,State.Name,Tags[?Key==`Name`].Value | [0] || `-`]' \
  --output text
aws ec2 describe-spot-instance-requests --filters Name=state,Values=open,active \
  --query 'SpotInstanceRequests[].[`spot-request`,SpotInstanceRequestId,Type,State]' --output text
aws ec2 describe-nat-gateways --filter Name=state,Values=pending,available \
  --query 'NatGateways[].[`nat-gateway`,NatGatewayId,State]' --output text
aws ec2 describe-addresses --query 'Addresses[?AssociationId==null].[`elastic-ip`,AllocationId]' --output text
aws efs describe-file-systems --query 'FileSystems[].[`efs`,FileSystemId,Name || `-`]' --output text
aws ec2 describe-volumes --filters Name=status,Values=available \
  --query 'Volumes[].[`volume`,VolumeId,Size,VolumeType]' --output text
aws ec2 describe-snapshots --filters Name=owner-id,Values="$SWEEP_ACCOUNT" \
  --query 'Snapshots[?!starts_with(Description || `""`, `"Created by CreateImage"`)].[`snapshot`,SnapshotId,Description]' \
  --output text
aws s3api list-buckets --output text --query \
  "Buckets[?starts_with(Name, 'crashcourse-') && ends_with(Name, '-$SWEEP_ACCOUNT-$SWEEP_REGION')].['bucket',Name]"
# [end cleanup-alone-list]

# [start cleanup-alone-delete]
SWEEP_REGION=$(aws ec2 describe-availability-zones --query 'AvailabilityZones[0].RegionName' --output text)
SWEEP_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
for request in $(aws ec2 describe-spot-instance-requests --filters Name=state,Values=open,active \
    --query 'SpotInstanceRequests[].SpotInstanceRequestId' --output text); do
  aws ec2 cancel-spot-instance-requests --spot-instance-request-ids "$request" \
    --query 'CancelledSpotInstanceRequests[0].State' --output text
done
for id in $(aws ec2 describe-instances --filters Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" \
    --query 'TerminatingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-terminated --instance-ids "$id"
done
for nat in $(aws ec2 describe-nat-gateways --filter Name=state,Values=pending,available \
    --query 'NatGateways[].NatGatewayId' --output text); do
  aws ec2 delete-nat-gateway --nat-gateway-id "$nat" --query NatGatewayId --output text
  aws ec2 wait nat-gateway-deleted --nat-gateway-ids "$nat"
done
for allocation in $(aws ec2 describe-addresses \
    --query 'Addresses[?AssociationId==null].AllocationId' --output text); do
  aws ec2 release-address --allocation-id "$allocation"
done
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
for volume in $(aws ec2 describe-volumes --filters Name=status,Values=available \
    --query 'Volumes[].VolumeId' --output text); do
  aws ec2 delete-volume --volume-id "$volume"
done
for snapshot in $(aws ec2 describe-snapshots --filters Name=owner-id,Values="$SWEEP_ACCOUNT" \
    --query 'Snapshots[?!starts_with(Description || `""`, `"Created by CreateImage"`)].SnapshotId' \
    --output text); do
  aws ec2 delete-snapshot --snapshot-id "$snapshot"
done
for bucket in $(aws s3api list-buckets --output text --query \
    "Buckets[?starts_with(Name, 'crashcourse-') && ends_with(Name, '-$SWEEP_ACCOUNT-$SWEEP_REGION')].Name"); do
  aws s3 rb "s3://$bucket" --force
done
# [end cleanup-alone-delete]
