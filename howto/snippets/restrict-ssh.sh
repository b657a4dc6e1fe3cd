# Commands for howto/restrict-ssh.md. MY_IP is your public IPv4 address (first section).

# [start my-ip] not-emulated: asks a web service for your address; the tests set MY_IP themselves
MY_IP=$(curl -s https://checkip.amazonaws.com)
echo "$MY_IP"
# [end my-ip]

# [start find-instance]
# The instance from "How to launch an EC2 instance", found by its Name tag.
INSTANCE_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
VPC_ID=$(aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].VpcId' --output text)
echo "$INSTANCE_ID $VPC_ID"
# [end find-instance]

# [start create-group]
SG_ID=$(aws ec2 create-security-group \
  --group-name ssh-from-my-address \
  --description "SSH from one IPv4 address only" \
  --vpc-id "$VPC_ID" \
  --query GroupId --output text)
echo "$SG_ID"
# [end create-group]

# [start allow-ssh]
aws ec2 authorize-security-group-ingress --group-id "$SG_ID" \
  --ip-permissions "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=$MY_IP/32,Description=my-address}]" \
  --query 'SecurityGroupRules[].[IpProtocol,FromPort,ToPort,CidrIpv4]' --output text
# [end allow-ssh]

# [start attach-group]
# --groups replaces the instance's security groups with the list you give.
aws ec2 modify-instance-attribute --instance-id "$INSTANCE_ID" --groups "$SG_ID"
# [end attach-group]

# [start check-rule]
aws ec2 describe-security-groups --group-ids "$SG_ID" \
  --query 'SecurityGroups[0].IpPermissions[].[IpProtocol,FromPort,ToPort,IpRanges[].CidrIp|join(`,`,@)]' \
  --output text
aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].SecurityGroups[].GroupName' --output text
PUBLIC_IP=$(aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].PublicIpAddress' --output text)
echo "$PUBLIC_IP"
# [end check-rule]

# [start connect] not-emulated: opens an SSH session to a real instance
ssh -i analysis-key.pem ec2-user@"$PUBLIC_IP"
# [end connect]

# [start cleanup]
# Give the instance back its VPC's default security group, then delete the SSH group.
DEFAULT_SG=$(aws ec2 describe-security-groups \
  --filters Name=vpc-id,Values="$VPC_ID" Name=group-name,Values=default \
  --query 'SecurityGroups[0].GroupId' --output text)
aws ec2 modify-instance-attribute --instance-id "$INSTANCE_ID" --groups "$DEFAULT_SG"
aws ec2 delete-security-group --group-id "$SG_ID"
# [end cleanup]
