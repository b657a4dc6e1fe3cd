# Commands for howto/restrict-ssh.md. Sections hold no comments (interactive zsh would run them).

# [start my-ip] not-emulated: asks a web service for your address
MY_IP=$(curl -s https://checkip.amazonaws.com)
export MY_IP
echo "$MY_IP"
# [end my-ip]
# [stand-in my-ip] export MY_IP=203.0.113.25

# [start find-instance]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
BOX_VPC_ID=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].VpcId' --output text)
echo "$BOX_ID $BOX_VPC_ID"
# [end find-instance]

# [start create-group]
SSH_SG_NAME="crashcourse-ssh-$READER"
SSH_SG_ID=$(aws ec2 describe-security-groups \
  --filters Name=group-name,Values="$SSH_SG_NAME" Name=vpc-id,Values="$BOX_VPC_ID" \
    Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'SecurityGroups[0].GroupId' --output text)
if [ "$SSH_SG_ID" = None ]; then
  SSH_SG_ID=$(aws ec2 create-security-group \
    --group-name "$SSH_SG_NAME" \
    --description "SSH from one IPv4 address only" \
    --vpc-id "$BOX_VPC_ID" \
    --tag-specifications "ResourceType=security-group,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
    --query GroupId --output text)
fi
echo "$SSH_SG_NAME $SSH_SG_ID"
# [end create-group]

# [start allow-ssh]
if [ -z "$MY_IP" ]; then
  echo "MY_IP is empty: paste the block that finds your address again; nothing was changed."
else
  SSH_RULE=missing
  for old in $(aws ec2 describe-security-groups --group-ids "$SSH_SG_ID" \
      --query 'SecurityGroups[0].IpPermissions[?FromPort==`22`].IpRanges[].CidrIp' --output text); do
    if [ "$old" = "$MY_IP/32" ]; then
      SSH_RULE=present
    else
      aws ec2 revoke-security-group-ingress --group-id "$SSH_SG_ID" \
        --ip-permissions "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=$old}]" \
        --query Return --output text
    fi
  done
  if [ "$SSH_RULE" = missing ]; then
    aws ec2 authorize-security-group-ingress --group-id "$SSH_SG_ID" \
      --ip-permissions "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=$MY_IP/32,Description=my-address}]" \
      --query 'SecurityGroupRules[].[IpProtocol,FromPort,ToPort,CidrIpv4]' --output text
  fi
fi
# [end allow-ssh]

# [start attach-group]
aws ec2 modify-instance-attribute --instance-id "$BOX_ID" --groups "$SSH_SG_ID" \
  $(aws ec2 describe-instances --instance-ids "$BOX_ID" --output text \
    --query "Reservations[0].Instances[0].SecurityGroups[?GroupId!='$SSH_SG_ID'].GroupId")
# [end attach-group]

# [start check-rule]
aws ec2 describe-security-groups --group-ids "$SSH_SG_ID" \
  --query 'SecurityGroups[0].IpPermissions[].[IpProtocol,FromPort,ToPort,IpRanges[].CidrIp|join(`,`,@)]' \
  --output text
aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].SecurityGroups[].GroupName' --output text
BOX_IP=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].PublicIpAddress' --output text)
echo "$BOX_IP"
# [end check-rule]

# [start connect] not-emulated: opens an SSH session to a real instance
ssh -i ~/.ssh/analysis-key.pem ec2-user@"$BOX_IP"
# [end connect]

# [start again-my-ip] not-emulated: asks a web service for your address
MY_IP=$(curl -s https://checkip.amazonaws.com)
echo "$MY_IP"
# [end again-my-ip]
# [stand-in again-my-ip] MY_IP=203.0.113.77

# [start again-find-group]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
SSH_SG_ID=$(aws ec2 describe-security-groups \
  --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=group-name,Values='crashcourse-ssh-*' \
  --query 'SecurityGroups[0].GroupId' --output text)
aws ec2 describe-security-groups --group-ids "$SSH_SG_ID" \
  --query 'SecurityGroups[0].[GroupName,IpPermissions[?FromPort==`22`].IpRanges[].CidrIp|join(`,`,@)]' \
  --output text
# [end again-find-group]

# [start again-replace-rule]
if [ -z "$MY_IP" ]; then
  echo "MY_IP is empty: paste the block that finds your address again; nothing was changed."
else
  SSH_RULE=missing
  for old in $(aws ec2 describe-security-groups --group-ids "$SSH_SG_ID" \
      --query 'SecurityGroups[0].IpPermissions[?FromPort==`22`].IpRanges[].CidrIp' --output text); do
    if [ "$old" = "$MY_IP/32" ]; then
      SSH_RULE=present
    else
      aws ec2 revoke-security-group-ingress --group-id "$SSH_SG_ID" \
        --ip-permissions "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=$old}]" \
        --query Return --output text
    fi
  done
  if [ "$SSH_RULE" = missing ]; then
    aws ec2 authorize-security-group-ingress --group-id "$SSH_SG_ID" \
      --ip-permissions "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=$MY_IP/32,Description=my-address}]" \
      --query 'SecurityGroupRules[].[IpProtocol,FromPort,ToPort,CidrIpv4]' --output text
  fi
  aws ec2 describe-security-groups --group-ids "$SSH_SG_ID" \
    --query 'SecurityGroups[0].IpPermissions[].[IpProtocol,FromPort,ToPort,IpRanges[].CidrIp|join(`,`,@)]' \
    --output text
fi
# [end again-replace-rule]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for sg in $(aws ec2 describe-security-groups \
    --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=group-name,Values='crashcourse-ssh-*' \
    --query 'SecurityGroups[].GroupId' --output text); do
  for id in $(aws ec2 describe-instances --query 'Reservations[].Instances[].InstanceId' --output text \
      --filters Name=instance.group-id,Values="$sg" Name=instance-state-name,Values=pending,running,stopping,stopped); do
    aws ec2 modify-instance-attribute --instance-id "$id" --groups $(aws ec2 describe-instances \
      --instance-ids "$id" --output text \
      --query "Reservations[0].Instances[0].SecurityGroups[?GroupId!='$sg'].GroupId")
  done
  aws ec2 delete-security-group --group-id "$sg" --query GroupId --output text
done
# [end cleanup]
