# Commands for howto/session-manager.md. Sections are pasted as they are, so they hold no
# comments: interactive zsh (macOS) runs a pasted "# ..." line as a command. What a block
# does is said on the page, next to it.

# [start set-names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
SSM_ROLE="crashcourse-ssm-$READER"
SSM_BOX_NAME=analysis-private
SSM_SG_NAME="crashcourse-no-inbound-$READER"
echo "$OWNER $SSM_ROLE"
# [end set-names]

# [start create-role]
SSM_DIR=$(mktemp -d)
cat > "$SSM_DIR/ssm-trust-policy.json" <<'EOF'
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
SSM_ROLE_ARN=$(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
  --query "Roles[?RoleName=='$SSM_ROLE'].Arn" --output text)
if [ -z "$SSM_ROLE_ARN" ] && aws iam get-role --role-name "$SSM_ROLE" > /dev/null 2>&1; then
  echo "Role $SSM_ROLE exists outside /crashcourse/$OWNER/ (an earlier version of this guide made it): delete it with this page's clean-up, then paste this block again"
else
  if [ -z "$SSM_ROLE_ARN" ]; then
    SSM_ROLE_ARN=$(aws iam create-role --role-name "$SSM_ROLE" --path "/crashcourse/$OWNER/" \
      --assume-role-policy-document "file://$SSM_DIR/ssm-trust-policy.json" \
      --permissions-boundary "arn:aws:iam::$ACCOUNT_ID:policy/crashcourse-boundary" \
      --tags "Key=crashcourse:owner,Value=$OWNER" \
      --query Role.Arn --output text)
  fi
  echo "$SSM_ROLE_ARN"
  aws iam attach-role-policy --role-name "$SSM_ROLE" \
    --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
fi
# [end create-role]

# [start create-profile]
SSM_PROFILE_ARN=$(aws iam list-instance-profiles --path-prefix "/crashcourse/$OWNER/" \
  --query "InstanceProfiles[?InstanceProfileName=='$SSM_ROLE'].Arn" --output text)
if [ -z "$SSM_PROFILE_ARN" ] && aws iam get-instance-profile --instance-profile-name "$SSM_ROLE" > /dev/null 2>&1; then
  echo "Instance profile $SSM_ROLE exists outside /crashcourse/$OWNER/ (an earlier version of this guide made it): delete it with this page's clean-up, then paste this block again"
else
  if [ -z "$SSM_PROFILE_ARN" ]; then
    SSM_PROFILE_ARN=$(aws iam create-instance-profile --instance-profile-name "$SSM_ROLE" \
      --path "/crashcourse/$OWNER/" --tags "Key=crashcourse:owner,Value=$OWNER" \
      --query InstanceProfile.Arn --output text)
  fi
  echo "$SSM_PROFILE_ARN"
  SSM_PROFILE_ROLES=$(aws iam get-instance-profile --instance-profile-name "$SSM_ROLE" \
    --query 'length(InstanceProfile.Roles)' --output text)
  if [ "$SSM_PROFILE_ROLES" = 0 ]; then
    aws iam add-role-to-instance-profile --instance-profile-name "$SSM_ROLE" --role-name "$SSM_ROLE"
  fi
  aws iam wait instance-profile-exists --instance-profile-name "$SSM_ROLE"
fi
# [end create-profile]

# [start no-inbound-group]
SSM_VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true \
  --query 'Vpcs[0].VpcId' --output text)
SSM_SG_ID=$(aws ec2 describe-security-groups \
  --filters Name=group-name,Values="$SSM_SG_NAME" Name=vpc-id,Values="$SSM_VPC_ID" \
    Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'SecurityGroups[0].GroupId' --output text)
if [ "$SSM_SG_ID" = None ]; then
  SSM_SG_ID=$(aws ec2 create-security-group --group-name "$SSM_SG_NAME" \
    --description "No inbound rules: connect with Session Manager" \
    --tag-specifications "ResourceType=security-group,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
    --vpc-id "$SSM_VPC_ID" --query GroupId --output text)
fi
aws ec2 describe-security-groups --group-ids "$SSM_SG_ID" \
  --query 'SecurityGroups[0].[GroupName,length(IpPermissions),length(IpPermissionsEgress)]' \
  --output text
# [end no-inbound-group]

# [start launch]
SSM_BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values="$SSM_BOX_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=pending,running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
SSM_BOX_STOPPED=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values="$SSM_BOX_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=stopping,stopped \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
if [ -z "$SSM_BOX_ID" ] || [ -z "$SSM_BOX_STOPPED" ]; then
  SSM_BOX_ID=
  echo "AWS did not answer the look-up for your instance (its error is above): nothing was launched."
  echo "If the error says your session expired, run aws login (or aws sso login), paste the earlier steps of this page again, then this block."
else
  if [ "$SSM_BOX_ID" != None ]; then
    echo "Instance $SSM_BOX_ID is yours and running already: not launching another"
  elif [ "$SSM_BOX_STOPPED" != None ]; then
    SSM_BOX_ID="$SSM_BOX_STOPPED"
    echo "Instance $SSM_BOX_ID is yours and stopped: not launching another"
    echo "Start it with: aws ec2 wait instance-stopped --instance-ids $SSM_BOX_ID && aws ec2 start-instances --instance-ids $SSM_BOX_ID"
  else
    SSM_AMI_ID=$(aws ssm get-parameter \
      --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \
      --query Parameter.Value --output text)
    SSM_BOX_ID=
    for SSM_TRY in $(seq 1 30); do
      if SSM_LAUNCH=$(aws ec2 run-instances --image-id "$SSM_AMI_ID" --instance-type t3.micro \
          --iam-instance-profile Name="$SSM_ROLE" \
          --security-group-ids "$SSM_SG_ID" \
          --metadata-options HttpTokens=required,HttpEndpoint=enabled \
          --tag-specifications \
            "ResourceType=instance,Tags=[{Key=Name,Value=$SSM_BOX_NAME},{Key=crashcourse:owner,Value=$OWNER}]" \
            "ResourceType=volume,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
          --query 'Instances[0].InstanceId' --output text 2>&1); then
        SSM_BOX_ID="$SSM_LAUNCH"
        break
      fi
      echo "$SSM_LAUNCH"
      if echo "$SSM_LAUNCH" | grep -q PendingVerification; then
        SSM_WAIT=60
      elif echo "$SSM_LAUNCH" | grep -q -e "Invalid IAM Instance Profile" -e RequestLimitExceeded; then
        SSM_WAIT=10
      else
        break
      fi
      if [ "$SSM_TRY" -lt 30 ]; then
        echo "Try $SSM_TRY of 30 failed: trying again in $SSM_WAIT seconds"
        sleep "$SSM_WAIT"
      fi
    done
    if [ -n "$SSM_BOX_ID" ]; then
      aws ec2 wait instance-running --instance-ids "$SSM_BOX_ID"
      echo "$SSM_BOX_ID"
    else
      echo "No instance was launched: find the error above in this step's list, then paste this block again"
    fi
  fi
fi
# [end launch]

# [start attach-existing]
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
BOX_PROFILE_ASSOCIATION=$(aws ec2 describe-iam-instance-profile-associations \
  --filters Name=instance-id,Values="$BOX_ID" Name=state,Values=associated \
  --query 'IamInstanceProfileAssociations[0].AssociationId' --output text)
BOX_PROFILE_ARN=$(aws ec2 describe-iam-instance-profile-associations \
  --filters Name=instance-id,Values="$BOX_ID" Name=state,Values=associated \
  --query 'IamInstanceProfileAssociations[0].IamInstanceProfile.Arn' --output text)
if [ "${BOX_PROFILE_ARN##*/}" = "$SSM_ROLE" ]; then
  echo "Instance $BOX_ID has the instance profile $SSM_ROLE already: not replacing it"
elif [ "$BOX_PROFILE_ASSOCIATION" = None ]; then
  aws ec2 associate-iam-instance-profile --instance-id "$BOX_ID" \
    --iam-instance-profile Name="$SSM_ROLE" \
    --query 'IamInstanceProfileAssociation.IamInstanceProfile.Arn' --output text
else
  aws ec2 replace-iam-instance-profile-association --association-id "$BOX_PROFILE_ASSOCIATION" \
    --iam-instance-profile Name="$SSM_ROLE" \
    --query 'IamInstanceProfileAssociation.IamInstanceProfile.Arn' --output text
fi
# [end attach-existing]

# [start check-instance]
aws ec2 describe-instances --instance-ids "$SSM_BOX_ID" \
  --query 'Reservations[0].Instances[0].[State.Name,IamInstanceProfile.Arn,SecurityGroups[0].GroupName,KeyName]' \
  --output text
# [end check-instance]

# [start check-plugin] not-emulated: checks a program installed on your computer
session-manager-plugin --version
# [end check-plugin]

# [start check-managed] not-emulated: needs the SSM Agent on a real instance to report in
aws ssm describe-instance-information \
  --filters "Key=InstanceIds,Values=$SSM_BOX_ID,$BOX_ID" \
  --query 'InstanceInformationList[].[InstanceId,PingStatus,PlatformName]' --output text
# [end check-managed]

# [start start-session] not-emulated: opens an interactive shell on a real instance
aws ssm start-session --target "$SSM_BOX_ID"
# [end start-session]

# [start whoami] not-emulated: runs on the instance, in the Session Manager session
whoami
sudo -iu ec2-user
# [end whoami]

# [start port-forward] not-emulated: forwards a port to a real instance
aws ssm start-session --target "$SSM_BOX_ID" \
  --document-name AWS-StartPortForwardingSession \
  --parameters '{"portNumber":["8888"],"localPortNumber":["8888"]}'
# [end port-forward]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values=analysis-private Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" \
    --query 'TerminatingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-terminated --instance-ids "$id"
done
for sg in $(aws ec2 describe-security-groups \
    --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=group-name,Values='crashcourse-no-inbound-*' \
    --query 'SecurityGroups[].GroupId' --output text); do
  aws ec2 delete-security-group --group-id "$sg" --query GroupId --output text
done
# [end cleanup]

# [start cleanup-existing]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for id in $(aws ec2 describe-instances \
    --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  for association in $(aws ec2 describe-iam-instance-profile-associations \
      --filters Name=instance-id,Values="$id" Name=state,Values=associated \
      --query "IamInstanceProfileAssociations[?contains(IamInstanceProfile.Arn, '/crashcourse-ssm-')].AssociationId" \
      --output text); do
    aws ec2 disassociate-iam-instance-profile --association-id "$association" \
      --query 'IamInstanceProfileAssociation.State' --output text
  done
done
# [end cleanup-existing]

# [start cleanup-role]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for role in $(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
      --query "Roles[?starts_with(RoleName, 'crashcourse-ssm-')].RoleName" --output text) \
    $(aws iam list-roles --query "Roles[?Path=='/' && starts_with(RoleName, 'crashcourse-ssm-')].RoleName" --output text); do
  if role_owner=$(aws iam list-role-tags --role-name "$role" \
      --query "Tags[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$role_owner" = "$OWNER" ]; then
    for profile in $(aws iam list-instance-profiles-for-role --role-name "$role" \
        --query 'InstanceProfiles[].InstanceProfileName' --output text); do
      aws iam remove-role-from-instance-profile --instance-profile-name "$profile" --role-name "$role"
      aws iam delete-instance-profile --instance-profile-name "$profile"
    done
    aws iam detach-role-policy --role-name "$role" \
      --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
    aws iam delete-role --role-name "$role"
  fi
done
# [end cleanup-role]
