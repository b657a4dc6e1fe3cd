# Commands for howto/session-manager.md.

# [start set-names]
ROLE=analysis-ssm                # the IAM role, and the instance profile that carries it
INSTANCE_NAME=analysis-private   # the Name tag of the new instance
# [end set-names]

# [start create-role]
cat > ec2-trust-policy.json <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "ec2.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
aws iam create-role --role-name "$ROLE" \
  --assume-role-policy-document file://ec2-trust-policy.json \
  --query Role.Arn --output text
aws iam attach-role-policy --role-name "$ROLE" \
  --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
# [end create-role]

# [start create-profile]
aws iam create-instance-profile --instance-profile-name "$ROLE" \
  --query InstanceProfile.Arn --output text
aws iam add-role-to-instance-profile --instance-profile-name "$ROLE" --role-name "$ROLE"
aws iam wait instance-profile-exists --instance-profile-name "$ROLE"
sleep 15   # IAM is eventually consistent: let the new profile reach Amazon EC2
# [end create-profile]

# [start no-inbound-group]
VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true \
  --query 'Vpcs[0].VpcId' --output text)
# A new security group has no inbound rules; its one outbound rule lets the agent reach AWS.
SG_ID=$(aws ec2 create-security-group --group-name no-inbound \
  --description "No inbound rules: connect with Session Manager" \
  --vpc-id "$VPC_ID" --query GroupId --output text)
aws ec2 describe-security-groups --group-ids "$SG_ID" \
  --query 'SecurityGroups[0].[GroupName,length(IpPermissions),length(IpPermissionsEgress)]' \
  --output text
# [end no-inbound-group]

# [start launch]
AMI_ID=$(aws ssm get-parameter \
  --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \
  --query Parameter.Value --output text)
INSTANCE_ID=$(aws ec2 run-instances --image-id "$AMI_ID" --instance-type t3.micro \
  --iam-instance-profile Name="$ROLE" \
  --security-group-ids "$SG_ID" \
  --tag-specifications "ResourceType=instance,Tags=[{Key=Name,Value=$INSTANCE_NAME}]" \
  --query 'Instances[0].InstanceId' --output text)
aws ec2 wait instance-running --instance-ids "$INSTANCE_ID"
echo "$INSTANCE_ID"
# [end launch]

# [start attach-existing]
# An instance you already have (here the one from "How to launch an EC2 instance"):
EXISTING_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
CURRENT_PROFILE=$(aws ec2 describe-instances --instance-ids "$EXISTING_ID" \
  --query 'Reservations[0].Instances[0].IamInstanceProfile.Arn' --output text)
if [ "$CURRENT_PROFILE" = "None" ]; then
  aws ec2 associate-iam-instance-profile --instance-id "$EXISTING_ID" \
    --iam-instance-profile Name="$ROLE" \
    --query 'IamInstanceProfileAssociation.AssociationId' --output text
else
  # An instance has at most one profile: give the role it already has Session Manager's policy.
  EXISTING_ROLE=$(aws iam get-instance-profile --instance-profile-name "${CURRENT_PROFILE##*/}" \
    --query 'InstanceProfile.Roles[0].RoleName' --output text)
  aws iam attach-role-policy --role-name "$EXISTING_ROLE" \
    --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
fi
# [end attach-existing]

# [start check-instance]
aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].[State.Name,IamInstanceProfile.Arn,SecurityGroups[0].GroupName]' \
  --output text
# [end check-instance]

# [start check-plugin] not-emulated: checks a program installed on your computer
session-manager-plugin --version
# [end check-plugin]

# [start check-managed] not-emulated: needs the SSM Agent on a real instance to report in
aws ssm describe-instance-information \
  --filters "Key=InstanceIds,Values=$INSTANCE_ID" \
  --query 'InstanceInformationList[].[InstanceId,PingStatus,PlatformName]' --output text
# [end check-managed]

# [start start-session] not-emulated: opens an interactive shell on a real instance
aws ssm start-session --target "$INSTANCE_ID"
# [end start-session]

# [start port-forward] not-emulated: forwards a port to a real instance
aws ssm start-session --target "$INSTANCE_ID" \
  --document-name AWS-StartPortForwardingSession \
  --parameters '{"portNumber":["8888"],"localPortNumber":["8888"]}'
# [end port-forward]

# [start cleanup]
aws ec2 terminate-instances --instance-ids "$INSTANCE_ID" \
  --query 'TerminatingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-terminated --instance-ids "$INSTANCE_ID"
aws ec2 delete-security-group --group-id "$SG_ID"
# [end cleanup]

# [start cleanup-existing]
if [ "$CURRENT_PROFILE" = "None" ]; then  # this guide attached the profile: take it off
  ASSOCIATION_ID=$(aws ec2 describe-iam-instance-profile-associations \
    --filters Name=instance-id,Values="$EXISTING_ID" Name=state,Values=associated \
    --query 'IamInstanceProfileAssociations[0].AssociationId' --output text)
  aws ec2 disassociate-iam-instance-profile --association-id "$ASSOCIATION_ID" \
    --query 'IamInstanceProfileAssociation.State' --output text
else  # this guide added a policy to the instance's own role: remove it
  aws iam detach-role-policy --role-name "$EXISTING_ROLE" \
    --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
fi
# [end cleanup-existing]

# [start cleanup-role]
aws iam remove-role-from-instance-profile --instance-profile-name "$ROLE" --role-name "$ROLE"
aws iam delete-instance-profile --instance-profile-name "$ROLE"
aws iam detach-role-policy --role-name "$ROLE" \
  --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
aws iam delete-role --role-name "$ROLE"
# [end cleanup-role]
