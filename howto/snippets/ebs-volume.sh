# Commands for howto/ebs-volume.md.

# [start find-instance]
INSTANCE_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
AZ=$(aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].Placement.AvailabilityZone' --output text)
echo "$INSTANCE_ID $AZ"
# [end find-instance]

# [start create-volume]
VOLUME_ID=$(aws ec2 create-volume --availability-zone "$AZ" \
  --volume-type gp3 --size 100 \
  --tag-specifications 'ResourceType=volume,Tags=[{Key=Name,Value=analysis-data}]' \
  --query VolumeId --output text)
aws ec2 wait volume-available --volume-ids "$VOLUME_ID"
echo "$VOLUME_ID"
# [end create-volume]

# [start attach-volume]
aws ec2 attach-volume --volume-id "$VOLUME_ID" --instance-id "$INSTANCE_ID" \
  --device /dev/sdf --query State --output text
aws ec2 wait volume-in-use --volume-ids "$VOLUME_ID"
# [end attach-volume]

# [start find-device] not-emulated: runs on the instance
# On Nitro instances the volume shows up as an NVMe device; its SERIAL is the volume ID without the dash.
lsblk -o NAME,SIZE,TYPE,FSTYPE,MOUNTPOINT,SERIAL
DEVICE=/dev/nvme1n1   # the 100G disk whose SERIAL is your volume ID (no FSTYPE yet); numbering varies
sudo file -s "$DEVICE"       # "data" means empty; anything else means it already holds a file system
# [end find-device]

# [start format-mount] not-emulated: runs on the instance
sudo mkfs -t xfs "$DEVICE"
sudo mkdir -p /data
sudo mount "$DEVICE" /data
sudo chown ec2-user: /data
df -h /data
# [end format-mount]

# [start fstab] not-emulated: runs on the instance
UUID=$(sudo blkid -s UUID -o value "$DEVICE")
sudo cp /etc/fstab /etc/fstab.orig
echo "UUID=$UUID  /data  xfs  defaults,nofail  0  2" | sudo tee -a /etc/fstab
sudo umount /data
sudo mount -a
findmnt /data
# [end fstab]

# [start snapshot]
SNAPSHOT_ID=$(aws ec2 create-snapshot --volume-id "$VOLUME_ID" \
  --description "analysis-data before resize" \
  --tag-specifications 'ResourceType=snapshot,Tags=[{Key=Name,Value=analysis-data-before-resize}]' \
  --query SnapshotId --output text)
aws ec2 wait snapshot-completed --snapshot-ids "$SNAPSHOT_ID"
echo "$SNAPSHOT_ID"
# [end snapshot]

# [start grow-volume]
aws ec2 modify-volume --volume-id "$VOLUME_ID" --size 200 \
  --query 'VolumeModification.[OriginalSize,TargetSize]' --output text
aws ec2 describe-volumes-modifications --volume-ids "$VOLUME_ID" \
  --query 'VolumesModifications[0].[ModificationState,Progress]' --output text
# [end grow-volume]

# [start grow-filesystem] not-emulated: runs on the instance
lsblk "$DEVICE"              # the disk now shows 200G
sudo xfs_growfs -d /data     # grow the XFS file system to fill the disk
df -h /data
# A disk with partitions (such as the root volume) needs its partition grown first:
#   sudo growpart /dev/nvme0n1 1 && sudo xfs_growfs -d /
# [end grow-filesystem]

# [start check-volume]
aws ec2 describe-volumes --volume-ids "$VOLUME_ID" \
  --query 'Volumes[0].[VolumeType,Size,AvailabilityZone,Attachments[0].InstanceId,Attachments[0].State]' \
  --output text
# [end check-volume]

# [start cleanup-unmount] not-emulated: runs on the instance
sudo umount /data
sudo sed -i '\|[[:space:]]/data[[:space:]]|d' /etc/fstab   # the line this guide added
# [end cleanup-unmount]

# [start cleanup]
aws ec2 detach-volume --volume-id "$VOLUME_ID" --instance-id "$INSTANCE_ID" \
  --query State --output text
aws ec2 wait volume-available --volume-ids "$VOLUME_ID"
aws ec2 delete-volume --volume-id "$VOLUME_ID"
aws ec2 delete-snapshot --snapshot-id "$SNAPSHOT_ID"
# [end cleanup]
