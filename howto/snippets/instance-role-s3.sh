# Commands for howto/instance-role-s3.md. Sections hold no comments (interactive zsh would run
# them): what a comment would say is on the page, next to the block.

# [start set-names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
S3_ROLE="crashcourse-s3-access-$READER"
ROLE_BUCKET="crashcourse-data-$READER-$ACCOUNT_ID-$(aws configure get region)"
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
echo "$BOX_ID $ROLE_BUCKET"
# [end set-names]

# [start trust-policy]
ROLE_DIR=$(mktemp -d)
cat > "$ROLE_DIR/ec2-trust-policy.json" <<'EOF'
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
S3_ROLE_ARN=$(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
  --query "Roles[?RoleName=='$S3_ROLE'].Arn" --output text)
if [ -n "$S3_ROLE_ARN" ]; then
  echo "$S3_ROLE_ARN"
elif aws iam get-role --role-name "$S3_ROLE" > /dev/null 2>&1; then
  echo "Role $S3_ROLE exists outside /crashcourse/$OWNER/ (an earlier version of this guide made it): delete it with this page's clean-up, then paste this block again"
else
  aws iam create-role --role-name "$S3_ROLE" --path "/crashcourse/$OWNER/" \
    --assume-role-policy-document "file://$ROLE_DIR/ec2-trust-policy.json" \
    --description "One S3 bucket, and Session Manager" \
    --permissions-boundary "arn:aws:iam::$ACCOUNT_ID:policy/crashcourse-boundary" \
    --tags "Key=crashcourse:owner,Value=$OWNER" \
    --query Role.Arn --output text
fi
# [end trust-policy]

# [start permissions-policy]
ROLE_DIR=$(mktemp -d)
cat > "$ROLE_DIR/s3-one-bucket.json" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListTheBucket",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::$ROLE_BUCKET"
    },
    {
      "Sid": "ReadAndWriteObjects",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::$ROLE_BUCKET/*"
    }
  ]
}
EOF
aws iam put-role-policy --role-name "$S3_ROLE" --policy-name s3-one-bucket \
  --policy-document "file://$ROLE_DIR/s3-one-bucket.json"
aws iam attach-role-policy --role-name "$S3_ROLE" \
  --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
# [end permissions-policy]

# [start instance-profile]
S3_PROFILE_ARN=$(aws iam list-instance-profiles --path-prefix "/crashcourse/$OWNER/" \
  --query "InstanceProfiles[?InstanceProfileName=='$S3_ROLE'].Arn" --output text)
if [ -z "$S3_PROFILE_ARN" ] && aws iam get-instance-profile --instance-profile-name "$S3_ROLE" > /dev/null 2>&1; then
  echo "Instance profile $S3_ROLE exists outside /crashcourse/$OWNER/ (an earlier version of this guide made it): delete it with this page's clean-up, then paste this block again"
else
  if [ -z "$S3_PROFILE_ARN" ]; then
    S3_PROFILE_ARN=$(aws iam create-instance-profile --instance-profile-name "$S3_ROLE" \
      --path "/crashcourse/$OWNER/" --tags "Key=crashcourse:owner,Value=$OWNER" \
      --query InstanceProfile.Arn --output text)
  fi
  echo "$S3_PROFILE_ARN"
  S3_PROFILE_ROLES=$(aws iam get-instance-profile --instance-profile-name "$S3_ROLE" \
    --query 'length(InstanceProfile.Roles)' --output text)
  if [ "$S3_PROFILE_ROLES" = 0 ]; then
    aws iam add-role-to-instance-profile --instance-profile-name "$S3_ROLE" --role-name "$S3_ROLE"
  fi
  aws iam wait instance-profile-exists --instance-profile-name "$S3_ROLE"
fi
# [end instance-profile]

# [start attach-profile]
aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].IamInstanceProfile.Arn' --output text
BOX_ASSOCIATION_ID=$(aws ec2 describe-iam-instance-profile-associations \
  --filters Name=instance-id,Values="$BOX_ID" Name=state,Values=associated \
  --query 'IamInstanceProfileAssociations[0].AssociationId' --output text)
S3_STATE=
for S3_TRY in $(seq 1 30); do
  if [ "$BOX_ASSOCIATION_ID" = None ]; then
    S3_ATTACH=$(aws ec2 associate-iam-instance-profile --instance-id "$BOX_ID" \
      --iam-instance-profile Name="$S3_ROLE" \
      --query 'IamInstanceProfileAssociation.State' --output text 2>&1)
  else
    S3_ATTACH=$(aws ec2 replace-iam-instance-profile-association --association-id "$BOX_ASSOCIATION_ID" \
      --iam-instance-profile Name="$S3_ROLE" \
      --query 'IamInstanceProfileAssociation.State' --output text 2>&1)
  fi && S3_STATE="$S3_ATTACH" && break
  echo "$S3_ATTACH"
  if echo "$S3_ATTACH" | grep -q -e "Invalid IAM Instance Profile" -e RequestLimitExceeded; then
    S3_WAIT=10
  else
    break
  fi
  if [ "$S3_TRY" -lt 30 ]; then
    echo "Try $S3_TRY of 30 failed: trying again in $S3_WAIT seconds"
    sleep "$S3_WAIT"
  fi
done
if [ -n "$S3_STATE" ]; then
  echo "$S3_STATE"
else
  echo "No profile was attached: find the error above in this step's text, then paste this block again"
fi
# [end attach-profile]

# [start check]
aws ec2 describe-iam-instance-profile-associations \
  --filters Name=instance-id,Values="$BOX_ID" Name=state,Values=associated \
  --query 'IamInstanceProfileAssociations[].[State,IamInstanceProfile.Arn]' --output text
# [end check]

# [start check-on-instance] not-emulated: runs on the instance
cd ~ && pwd
IMDS_TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token \
  -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
BOX_REGION=$(curl -s -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" \
  http://169.254.169.254/latest/meta-data/placement/region)
export AWS_DEFAULT_REGION="$BOX_REGION"
BOX_ROLE_ARN=$(aws sts get-caller-identity --query Arn --output text)
echo "$BOX_ROLE_ARN"
READER=$(echo "$BOX_ROLE_ARN" | cut -d/ -f2 | sed 's/^crashcourse-s3-access-//')
ROLE_BUCKET="crashcourse-data-$READER-$(echo "$BOX_ROLE_ARN" | cut -d: -f5)-$BOX_REGION"
aws s3 ls "s3://$ROLE_BUCKET/"
echo test > role-test.txt
aws s3 cp --no-progress role-test.txt "s3://$ROLE_BUCKET/role-test.txt"
aws s3 ls
# [end check-on-instance]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for id in $(aws ec2 describe-instances \
    --filters Name=tag:crashcourse:owner,Values="$OWNER" Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  for association in $(aws ec2 describe-iam-instance-profile-associations \
      --filters Name=instance-id,Values="$id" Name=state,Values=associated \
      --query "IamInstanceProfileAssociations[?contains(IamInstanceProfile.Arn, '/crashcourse-s3-access-')].AssociationId" \
      --output text); do
    aws ec2 disassociate-iam-instance-profile --association-id "$association" \
      --query 'IamInstanceProfileAssociation.State' --output text
  done
done
for role in $(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
      --query "Roles[?starts_with(RoleName, 'crashcourse-s3-access-')].RoleName" --output text) \
    $(aws iam list-roles --query "Roles[?Path=='/' && starts_with(RoleName, 'crashcourse-s3-access-')].RoleName" --output text); do
  if role_owner=$(aws iam list-role-tags --role-name "$role" \
      --query "Tags[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$role_owner" = "$OWNER" ]; then
    for profile in $(aws iam list-instance-profiles-for-role --role-name "$role" \
        --query 'InstanceProfiles[].InstanceProfileName' --output text); do
      aws iam remove-role-from-instance-profile --instance-profile-name "$profile" --role-name "$role"
      aws iam delete-instance-profile --instance-profile-name "$profile"
    done
    for policy in $(aws iam list-role-policies --role-name "$role" --query 'PolicyNames[]' --output text); do
      aws iam delete-role-policy --role-name "$role" --policy-name "$policy"
    done
    for arn in $(aws iam list-attached-role-policies --role-name "$role" \
        --query 'AttachedPolicies[].PolicyArn' --output text); do
      aws iam detach-role-policy --role-name "$role" --policy-arn "$arn"
    done
    aws iam delete-role --role-name "$role"
  fi
done
# [end cleanup]
