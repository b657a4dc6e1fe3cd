# Commands for howto/efs-shared.md. Sections hold no comments (interactive zsh would run them):
# what a comment would say is on the page, next to the block.

# [start find-network]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
EFS_VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true \
  --query 'Vpcs[0].VpcId' --output text)
echo "$EFS_VPC_ID"
aws ec2 describe-subnets \
  --filters Name=vpc-id,Values="$EFS_VPC_ID" Name=default-for-az,Values=true \
  --query 'sort_by(Subnets, &AvailabilityZone)[].[AvailabilityZone,SubnetId]' --output text
# [end find-network]

# [start security-groups]
EFS_CLIENT_SG_ID=$(aws ec2 describe-security-groups \
  --filters Name=group-name,Values="crashcourse-efs-clients-$READER" Name=vpc-id,Values="$EFS_VPC_ID" \
    Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'SecurityGroups[0].GroupId' --output text)
if [ "$EFS_CLIENT_SG_ID" = None ]; then
  EFS_CLIENT_SG_ID=$(aws ec2 create-security-group --vpc-id "$EFS_VPC_ID" \
    --group-name "crashcourse-efs-clients-$READER" \
    --description "Instances that mount the shared file system" \
    --tag-specifications "ResourceType=security-group,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
    --query GroupId --output text)
fi
EFS_TARGET_SG_ID=$(aws ec2 describe-security-groups \
  --filters Name=group-name,Values="crashcourse-efs-targets-$READER" Name=vpc-id,Values="$EFS_VPC_ID" \
    Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'SecurityGroups[0].GroupId' --output text)
if [ "$EFS_TARGET_SG_ID" = None ]; then
  EFS_TARGET_SG_ID=$(aws ec2 create-security-group --vpc-id "$EFS_VPC_ID" \
    --group-name "crashcourse-efs-targets-$READER" --description "NFS from the clients group only" \
    --tag-specifications "ResourceType=security-group,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
    --query GroupId --output text)
fi
EFS_NFS_RULES=$(aws ec2 describe-security-group-rules --filters Name=group-id,Values="$EFS_TARGET_SG_ID" \
  --query "length(SecurityGroupRules[?ReferencedGroupInfo.GroupId=='$EFS_CLIENT_SG_ID'])" \
  --output text)
if [ "$EFS_NFS_RULES" = 0 ]; then
  aws ec2 authorize-security-group-ingress --group-id "$EFS_TARGET_SG_ID" \
    --ip-permissions "IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=$EFS_CLIENT_SG_ID}]" \
    --query 'SecurityGroupRules[0].[IpProtocol,FromPort,ReferencedGroupInfo.GroupId]' --output text
else
  echo "NFS from $EFS_CLIENT_SG_ID is already allowed"
fi
# [end security-groups]

# [start join-clients]
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
aws ec2 modify-instance-attribute --instance-id "$BOX_ID" --groups "$EFS_CLIENT_SG_ID" \
  $(aws ec2 describe-instances --instance-ids "$BOX_ID" \
    --query 'Reservations[0].Instances[0].SecurityGroups[].GroupId' --output text)
aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].SecurityGroups[].GroupName' --output text
# [end join-clients]

# [start create-file-system]
aws efs create-file-system --creation-token "crashcourse-shared-data-$READER" \
  --encrypted --performance-mode generalPurpose --throughput-mode elastic \
  --tags Key=Name,Value=shared-data "Key=crashcourse:owner,Value=$OWNER" \
  --query FileSystemId --output text
EFS_ID=$(aws efs describe-file-systems --creation-token "crashcourse-shared-data-$READER" \
  --query 'FileSystems[0].FileSystemId' --output text)
EFS_WAITED=0
until EFS_STATE=$(aws efs describe-file-systems --file-system-id "$EFS_ID" \
    --query 'FileSystems[0].LifeCycleState' --output text) \
    && [ "$EFS_STATE" = available ] || [ "$EFS_WAITED" -ge 120 ]; do
  sleep 5
  EFS_WAITED=$((EFS_WAITED + 5))
done
aws efs describe-file-systems --file-system-id "$EFS_ID" \
  --query 'FileSystems[0].[FileSystemId,LifeCycleState,Encrypted]' --output text
# [end create-file-system]

# [start mount-targets]
for subnet in $(aws ec2 describe-subnets \
    --filters Name=vpc-id,Values="$EFS_VPC_ID" Name=default-for-az,Values=true \
    --query 'Subnets[].SubnetId' --output text); do
  aws efs create-mount-target --file-system-id "$EFS_ID" --subnet-id "$subnet" \
    --security-groups "$EFS_TARGET_SG_ID" --query MountTargetId --output text
done
EFS_WAITED=0
until EFS_CREATING=$(aws efs describe-mount-targets --file-system-id "$EFS_ID" \
    --query 'length(MountTargets[?LifeCycleState==`creating`])' --output text) \
    && [ "$EFS_CREATING" = 0 ] || [ "$EFS_WAITED" -ge 300 ]; do
  sleep 10
  EFS_WAITED=$((EFS_WAITED + 10))
done
# [end mount-targets]

# [start check]
aws efs describe-mount-targets --file-system-id "$EFS_ID" \
  --query 'sort_by(MountTargets, &AvailabilityZoneName)[].[AvailabilityZoneName,SubnetId,LifeCycleState]' \
  --output text
# [end check]

# [start mount] not-emulated: runs on the instance
EFS_ID=fs-0123456789abcdef0
sudo dnf install -y amazon-efs-utils
sudo mkdir -p /mnt/shared
sudo mount -t efs -o tls "$EFS_ID":/ /mnt/shared
echo "$EFS_ID:/ /mnt/shared efs _netdev,tls 0 0" | sudo tee -a /etc/fstab
sudo systemctl daemon-reload
# [end mount]

# [start check-on-instance] not-emulated: runs on the instance
df -h -t nfs4
sudo touch /mnt/shared/hello-from-"$(hostname)"
ls -l /mnt/shared
# [end check-on-instance]

# [start cleanup-unmount] not-emulated: runs on the instance
sudo umount /mnt/shared
sudo sed -i '\|[[:space:]]/mnt/shared[[:space:]]|d' /etc/fstab
sudo systemctl daemon-reload
# [end cleanup-unmount]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for efs in $(aws efs describe-file-systems --output text --query \
    "FileSystems[?Name=='shared-data' && Tags[?Key=='crashcourse:owner' && Value=='$OWNER']].FileSystemId"); do
  for target in $(aws efs describe-mount-targets --file-system-id "$efs" \
      --query 'MountTargets[].MountTargetId' --output text); do
    aws efs delete-mount-target --mount-target-id "$target"
  done
  waited=0
  until targets=$(aws efs describe-mount-targets --file-system-id "$efs" \
      --query 'length(MountTargets)' --output text) \
      && [ "$targets" = 0 ] || [ "$waited" -ge 300 ]; do
    sleep 10
    waited=$((waited + 10))
  done
  aws efs delete-file-system --file-system-id "$efs"
done
for sg in $(aws ec2 describe-security-groups \
    --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=group-name,Values='crashcourse-efs-clients-*' \
    --query 'SecurityGroups[].GroupId' --output text); do
  for id in $(aws ec2 describe-instances --query 'Reservations[].Instances[].InstanceId' --output text \
      --filters Name=instance.group-id,Values="$sg" Name=instance-state-name,Values=pending,running,stopping,stopped); do
    aws ec2 modify-instance-attribute --instance-id "$id" --groups $(aws ec2 describe-instances \
      --instance-ids "$id" --output text \
      --query "Reservations[0].Instances[0].SecurityGroups[?GroupId!='$sg'].GroupId")
  done
done
for name in 'crashcourse-efs-targets-*' 'crashcourse-efs-clients-*'; do
  for sg in $(aws ec2 describe-security-groups \
      --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=group-name,Values="$name" \
      --query 'SecurityGroups[].GroupId' --output text); do
    waited=0
    until interfaces=$(aws ec2 describe-network-interfaces --filters Name=group-id,Values="$sg" \
        --query 'length(NetworkInterfaces)' --output text) \
        && [ "$interfaces" = 0 ] || [ "$waited" -ge 300 ]; do
      sleep 10
      waited=$((waited + 10))
    done
    aws ec2 delete-security-group --group-id "$sg" --query GroupId --output text
  done
done
# [end cleanup]
