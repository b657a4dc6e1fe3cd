# Commands for howto/ebs-volume.md. Sections hold no comments (interactive zsh would run them):
# what a comment would say is on the page, next to the block.

# [start find-instance]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
BOX_AZ=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].Placement.AvailabilityZone' --output text)
echo "$BOX_ID $BOX_AZ"
# [end find-instance]

# [start create-volume]
DATA_VOLUME_ID=$(aws ec2 describe-volumes \
  --filters Name=tag:Name,Values=analysis-data Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=status,Values=creating,available,in-use \
  --query 'Volumes[0].VolumeId' --output text)
if [ -z "$DATA_VOLUME_ID" ]; then
  echo "AWS did not answer the look-up for your volume (its error is above): nothing was created."
  echo "If the error says your session expired, run aws login (or aws sso login), paste the earlier steps of this page again, then this block."
else
  if [ "$DATA_VOLUME_ID" != None ]; then
    echo "Volume $DATA_VOLUME_ID (analysis-data) is yours already: not creating another"
  else
    DATA_VOLUME_ID=$(aws ec2 create-volume --availability-zone "$BOX_AZ" \
      --volume-type gp3 --size 100 \
      --tag-specifications \
        "ResourceType=volume,Tags=[{Key=Name,Value=analysis-data},{Key=crashcourse:owner,Value=$OWNER}]" \
      --query VolumeId --output text)
    aws ec2 wait volume-available --volume-ids "$DATA_VOLUME_ID"
  fi
  echo "$DATA_VOLUME_ID"
fi
# [end create-volume]

# [start attach-volume]
DATA_ATTACHED_TO=$(aws ec2 describe-volumes --volume-ids "$DATA_VOLUME_ID" \
  --query 'Volumes[0].Attachments[0].InstanceId' --output text)
if [ -z "$DATA_ATTACHED_TO" ]; then
  echo "AWS did not answer the look-up for your volume (its error is above): nothing was attached."
  echo "If the error says your session expired, run aws login (or aws sso login), paste the earlier steps of this page again, then this block."
else
  if [ "$DATA_ATTACHED_TO" = "$BOX_ID" ]; then
    echo "Volume $DATA_VOLUME_ID is attached to $BOX_ID already: not attaching it again"
  elif [ "$DATA_ATTACHED_TO" != None ]; then
    echo "Volume $DATA_VOLUME_ID is attached to another instance, $DATA_ATTACHED_TO: not attaching it"
  else
    aws ec2 attach-volume --volume-id "$DATA_VOLUME_ID" --instance-id "$BOX_ID" \
      --device /dev/sdf --query State --output text
    aws ec2 wait volume-in-use --volume-ids "$DATA_VOLUME_ID"
  fi
fi
# [end attach-volume]

# [start find-device] not-emulated: runs on the instance
lsblk -o NAME,SIZE,TYPE,FSTYPE,MOUNTPOINT,SERIAL
DATA_DEVICE=$(readlink -f /dev/sdf)
echo "$DATA_DEVICE"
sudo file -s "$DATA_DEVICE"
# [end find-device]

# [start format-mount] not-emulated: runs on the instance
if [ -z "$DATA_DEVICE" ]; then
  echo "DATA_DEVICE is empty: paste step 4 in this shell first; nothing was changed."
elif findmnt /data > /dev/null; then
  echo "/data is mounted already: not formatting anything"
else
  sudo mkfs -t xfs "$DATA_DEVICE"
  sudo mkdir -p /data
  sudo mount "$DATA_DEVICE" /data
  sudo chown ec2-user:ec2-user /data
  df -h /data
fi
# [end format-mount]

# [start fstab] not-emulated: runs on the instance
if [ -z "$DATA_DEVICE" ]; then
  echo "DATA_DEVICE is empty: paste step 4 in this shell first; nothing was changed."
elif grep -q '[[:space:]]/data[[:space:]]' /etc/fstab; then
  echo "/etc/fstab mounts /data already: not adding another line"
else
  DATA_UUID=$(sudo blkid -s UUID -o value "$DATA_DEVICE")
  sudo cp /etc/fstab /etc/fstab.orig
  echo "UUID=$DATA_UUID  /data  xfs  defaults,nofail  0  2" | sudo tee -a /etc/fstab
  sudo systemctl daemon-reload
  sudo umount /data
  sudo mount -a
  findmnt /data
fi
# [end fstab]

# [start snapshot]
DATA_SNAPSHOT_ID=$(aws ec2 describe-snapshots --owner-ids self \
  --filters Name=tag:Name,Values=analysis-data-before-resize Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'Snapshots[0].SnapshotId' --output text)
if [ -z "$DATA_SNAPSHOT_ID" ]; then
  echo "AWS did not answer the look-up for your snapshot (its error is above): no snapshot was taken."
  echo "If the error says your session expired, run aws login (or aws sso login), paste the earlier steps of this page again, then this block."
else
  if [ "$DATA_SNAPSHOT_ID" != None ]; then
    echo "Snapshot $DATA_SNAPSHOT_ID (analysis-data-before-resize) is yours already: not taking another"
  else
    DATA_SNAPSHOT_ID=$(aws ec2 create-snapshot --volume-id "$DATA_VOLUME_ID" \
      --description "analysis-data before resize" \
      --tag-specifications \
        "ResourceType=snapshot,Tags=[{Key=Name,Value=analysis-data-before-resize},{Key=crashcourse:owner,Value=$OWNER}]" \
      --query SnapshotId --output text)
  fi
  aws ec2 wait snapshot-completed --snapshot-ids "$DATA_SNAPSHOT_ID"
  echo "$DATA_SNAPSHOT_ID"
fi
# [end snapshot]

# [start grow-volume]
DATA_SIZE=$(aws ec2 describe-volumes --volume-ids "$DATA_VOLUME_ID" \
  --query 'Volumes[0].Size' --output text)
if [ -z "$DATA_SIZE" ]; then
  echo "AWS did not answer the look-up for your volume (its error is above): nothing was changed."
  echo "If the error says your session expired, run aws login (or aws sso login), paste the earlier steps of this page again, then this block."
else
  if [ "$DATA_SIZE" -ge 200 ]; then
    echo "Volume $DATA_VOLUME_ID is $DATA_SIZE GiB already: not growing it"
  else
    aws ec2 modify-volume --volume-id "$DATA_VOLUME_ID" --size 200 \
      --query 'VolumeModification.[OriginalSize,TargetSize]' --output text
  fi
  DATA_WAITED=0
  until DATA_STATE=$(aws ec2 describe-volumes-modifications --volume-ids "$DATA_VOLUME_ID" \
      --query 'VolumesModifications[0].ModificationState' --output text) \
      && [ "$DATA_STATE" != modifying ] || [ "$DATA_WAITED" -ge 300 ]; do
    sleep 10
    DATA_WAITED=$((DATA_WAITED + 10))
  done
  aws ec2 describe-volumes-modifications --volume-ids "$DATA_VOLUME_ID" \
    --query 'VolumesModifications[0].ModificationState' --output text
fi
# [end grow-volume]

# [start grow-filesystem] not-emulated: runs on the instance
lsblk "$DATA_DEVICE"
sudo xfs_growfs -d /data
df -h /data
# [end grow-filesystem]

# [start check-volume]
aws ec2 describe-volumes --volume-ids "$DATA_VOLUME_ID" \
  --query 'Volumes[0].[VolumeType,Size,AvailabilityZone,Attachments[0].InstanceId,Attachments[0].State]' \
  --output text
# [end check-volume]

# [start cleanup-unmount] not-emulated: runs on the instance
sudo umount /data
sudo sed -i '\|[[:space:]]/data[[:space:]]|d' /etc/fstab
sudo systemctl daemon-reload
# [end cleanup-unmount]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for volume in $(aws ec2 describe-volumes \
    --filters Name=tag:Name,Values=analysis-data Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=attachment.status,Values=attached \
    --query 'Volumes[].VolumeId' --output text); do
  aws ec2 detach-volume --volume-id "$volume" --query State --output text --instance-id \
    "$(aws ec2 describe-volumes --volume-ids "$volume" \
      --query 'Volumes[0].Attachments[0].InstanceId' --output text)"
done
for volume in $(aws ec2 describe-volumes \
    --filters Name=tag:Name,Values=analysis-data Name=tag:crashcourse:owner,Values="$OWNER" \
    --query 'Volumes[].VolumeId' --output text); do
  aws ec2 wait volume-available --volume-ids "$volume"
  aws ec2 delete-volume --volume-id "$volume"
done
for snapshot in $(aws ec2 describe-snapshots --owner-ids self \
    --filters Name=tag:Name,Values=analysis-data-before-resize Name=tag:crashcourse:owner,Values="$OWNER" \
    --query 'Snapshots[].SnapshotId' --output text); do
  aws ec2 delete-snapshot --snapshot-id "$snapshot"
done
# [end cleanup]
