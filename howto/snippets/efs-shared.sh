# Commands for howto/efs-shared.md.

# [start find-network]
VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true \
  --query 'Vpcs[0].VpcId' --output text)
# One default subnet per Availability Zone: a mount target in each, so every instance can mount.
SUBNETS=$(aws ec2 describe-subnets \
  --filters Name=vpc-id,Values="$VPC_ID" Name=default-for-az,Values=true \
  --query 'sort_by(Subnets, &AvailabilityZone)[].SubnetId' --output text)
echo "$VPC_ID $SUBNETS"
# [end find-network]

# [start security-groups]
# The group your instances carry. If they already share one, set CLIENT_SG to its ID instead.
CLIENT_SG=$(aws ec2 create-security-group --vpc-id "$VPC_ID" \
  --group-name efs-clients --description "Instances that mount the shared file system" \
  --query GroupId --output text)
# The group of the mount targets: NFS (TCP 2049) only from members of CLIENT_SG.
EFS_SG=$(aws ec2 create-security-group --vpc-id "$VPC_ID" \
  --group-name efs-mount-targets --description "NFS from efs-clients only" \
  --query GroupId --output text)
aws ec2 authorize-security-group-ingress --group-id "$EFS_SG" \
  --ip-permissions "IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=$CLIENT_SG}]" \
  --query 'SecurityGroupRules[0].[IpProtocol,FromPort,ReferencedGroupInfo.GroupId]' --output text
# [end security-groups]

# [start create-file-system]
aws efs create-file-system --creation-token shared-data-2026-11 \
  --encrypted --performance-mode generalPurpose --throughput-mode elastic \
  --tags Key=Name,Value=shared-data Key=project,Value=crash-course \
  --query FileSystemId --output text
# Look the ID up by its creation token, which also works if you run this step again.
FS_ID=$(aws efs describe-file-systems --creation-token shared-data-2026-11 \
  --query 'FileSystems[0].FileSystemId' --output text)
# Wait until the file system is ready (usually a few seconds).
until [ "$(aws efs describe-file-systems --file-system-id "$FS_ID" \
  --query 'FileSystems[0].LifeCycleState' --output text)" = "available" ]; do sleep 5; done
echo "$FS_ID"
# [end create-file-system]

# [start mount-targets]
for SUBNET in $SUBNETS; do
  aws efs create-mount-target --file-system-id "$FS_ID" --subnet-id "$SUBNET" \
    --security-groups "$EFS_SG" --query MountTargetId --output text
done
# [end mount-targets]

# [start check]
aws efs describe-mount-targets --file-system-id "$FS_ID" \
  --query 'MountTargets[].[AvailabilityZoneName,SubnetId,LifeCycleState]' --output text
# [end check]

# [start mount] not-emulated: runs on the instance
# On each instance (Amazon Linux 2023), as ec2-user. Use the file system ID from step 3.
FS_ID=fs-0123456789abcdef0
sudo dnf install -y amazon-efs-utils
sudo mkdir -p /mnt/shared
sudo mount -t efs -o tls "$FS_ID":/ /mnt/shared
# Mount it again after a reboot:
echo "$FS_ID:/ /mnt/shared efs _netdev,tls 0 0" | sudo tee -a /etc/fstab
# [end mount]

# [start check-on-instance] not-emulated: runs on the instance
df -h -t nfs4
sudo touch /mnt/shared/hello-from-"$(hostname)"
ls -l /mnt/shared
# [end check-on-instance]

# [start cleanup]
for MT in $(aws efs describe-mount-targets --file-system-id "$FS_ID" \
    --query 'MountTargets[].MountTargetId' --output text); do
  aws efs delete-mount-target --mount-target-id "$MT"
done
# The file system can be deleted only when its mount targets are gone.
while [ "$(aws efs describe-mount-targets --file-system-id "$FS_ID" \
    --query 'length(MountTargets)' --output text)" != "0" ]; do sleep 10; done
aws efs delete-file-system --file-system-id "$FS_ID"
aws ec2 delete-security-group --group-id "$EFS_SG"
aws ec2 delete-security-group --group-id "$CLIENT_SG"
# [end cleanup]
