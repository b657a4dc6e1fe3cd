# Commands for howto/troubleshoot-ssh.md. Every check only reads; nothing is changed.
# Sections hold no comments (interactive zsh would run them).

# [start find-instance]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
BOX_NAME=analysis-box
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values="$BOX_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
echo "$BOX_ID"
# [end find-instance]

# [start check-state]
aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].[State.Name,PublicIpAddress]' --output text
BOX_IP=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].PublicIpAddress' --output text)
BOX_SUBNET_ID=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].SubnetId' --output text)
BOX_VPC_ID=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].VpcId' --output text)
# [end check-state]

# [start check-route]
BOX_RTB_ID=$(aws ec2 describe-route-tables \
  --filters Name=association.subnet-id,Values="$BOX_SUBNET_ID" \
  --query 'RouteTables[0].RouteTableId' --output text)
if [ "$BOX_RTB_ID" = "None" ]; then
  BOX_RTB_ID=$(aws ec2 describe-route-tables \
    --filters Name=vpc-id,Values="$BOX_VPC_ID" Name=association.main,Values=true \
    --query 'RouteTables[0].RouteTableId' --output text)
fi
aws ec2 describe-route-tables --route-table-ids "$BOX_RTB_ID" \
  --query "RouteTables[0].Routes[?DestinationCidrBlock=='0.0.0.0/0'].[DestinationCidrBlock,GatewayId || NatGatewayId,State]" \
  --output text
# [end check-route]

# [start check-security-group]
BOX_SG_IDS=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].NetworkInterfaces[].Groups[].GroupId' \
  --output text | tr '\t' ',')
aws ec2 describe-security-group-rules --filters Name=group-id,Values="$BOX_SG_IDS" \
  --query 'SecurityGroupRules[?!IsEgress].[GroupId,IpProtocol,FromPort,ToPort,CidrIpv4]' \
  --output text
# [end check-security-group]

# [start check-nacl]
aws ec2 describe-network-acls --filters Name=association.subnet-id,Values="$BOX_SUBNET_ID" \
  --query 'NetworkAcls[0].Entries[].[Egress,RuleNumber,Protocol,PortRange.From,PortRange.To,CidrBlock,RuleAction]' \
  --output table
# [end check-nacl]

# [start check-key]
aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].[KeyName,ImageId]' --output text
AMI_ID=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].ImageId' --output text)
aws ec2 describe-images --image-ids "$AMI_ID" --query 'Images[0].Name' --output text
# [end check-key]

# [start compare-key] not-emulated: needs your private key file
ssh-keygen -y -f ~/.ssh/analysis-key.pem
aws ec2 describe-key-pairs --include-public-key --key-names "$(aws ec2 describe-instances \
  --instance-ids "$BOX_ID" --query 'Reservations[0].Instances[0].KeyName' --output text)" \
  --query 'KeyPairs[0].PublicKey' --output text
# [end compare-key]

# [start ssh-verbose] not-emulated: connects to a real instance
ssh -v -o ConnectTimeout=10 -i ~/.ssh/analysis-key.pem ec2-user@"$BOX_IP"
# [end ssh-verbose]
