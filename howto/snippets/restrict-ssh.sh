# Commands for howto/restrict-ssh.md. Sections hold no comments (interactive zsh would run them).

# [start my-ip] not-emulated: asks a web service for your address
MY_IP=$(curl -s https://checkip.amazonaws.com)
export MY_IP
echo "$MY_IP"
# [end my-ip]
# [stand-in my-ip] export MY_IP=203.0.113.25

# [start find-instance]
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
BOX_VPC_ID=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].VpcId' --output text)
echo "$BOX_ID $BOX_VPC_ID"
# [end find-instance]

# [start create-group]
SSH_SG_ID=$(aws ec2 create-security-group \
  --group-name ssh-from-my-address \
  --description "SSH from one IPv4 address only" \
  --vpc-id "$BOX_VPC_ID" \
  --query GroupId --output text)
echo "$SSH_SG_ID"
# [end create-group]

# [start allow-ssh]
aws ec2 authorize-security-group-ingress --group-id "$SSH_SG_ID" \
  --ip-permissions "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=$MY_IP/32,Description=my-address}]" \
  --query 'SecurityGroupRules[].[IpProtocol,FromPort,ToPort,CidrIpv4]' --output text
# [end allow-ssh]

# [start attach-group]
aws ec2 modify-instance-attribute --instance-id "$BOX_ID" --groups "$SSH_SG_ID" \
  $(aws ec2 describe-instances --instance-ids "$BOX_ID" \
    --query 'Reservations[0].Instances[0].SecurityGroups[].GroupId' --output text)
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

# [start cleanup]
for sg in $(aws ec2 describe-security-groups --filters Name=group-name,Values=ssh-from-my-address \
    --query 'SecurityGroups[].GroupId' --output text); do
  for id in $(aws ec2 describe-instances --query 'Reservations[].Instances[].InstanceId' --output text \
      --filters Name=instance.group-id,Values="$sg" Name=instance-state-name,Values=pending,running,stopping,stopped); do
    aws ec2 modify-instance-attribute --instance-id "$id" --groups $(aws ec2 describe-instances \
      --instance-ids "$id" --output text \
      --query "Reservations[0].Instances[0].SecurityGroups[?GroupId!='$sg'].GroupId")
  done
  aws ec2 delete-security-group --group-id "$sg"
done
# [end cleanup]
