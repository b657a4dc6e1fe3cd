# Commands for howto/spot-instances.md. Sections are pasted as they are, so they hold no
# comments: interactive zsh (macOS) runs a pasted "# ..." line as a command. What a block
# does is said on the page, next to it. (The user data script below is a file the block
# writes, not commands the reader's shell runs, so it may hold comments.)

# [start set-names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
SPOT_ROLE="crashcourse-spot-worker-$READER"
SPOT_NAME=spot-worker
SPOT_BUCKET="crashcourse-spot-$READER-$ACCOUNT_ID-$(aws configure get region)"
SPOT_TYPE=m7i.xlarge
if [ "$(aws freetier get-account-plan-state --query accountPlanType --output text)" = FREE ]; then
  SPOT_TYPE=$(aws ec2 describe-instance-types \
    --filters Name=free-tier-eligible,Values=true Name=supported-usage-class,Values=spot \
      Name=processor-info.supported-architecture,Values=x86_64 \
    --query "sort_by(InstanceTypes, &MemoryInfo.SizeInMiB)[-1].InstanceType || '$SPOT_TYPE'" --output text)
fi
echo "$SPOT_BUCKET $SPOT_TYPE"
# [end set-names]

# [start price-history]
aws ec2 describe-spot-price-history \
  --instance-types m7i.xlarge m6i.xlarge r7i.large \
  --product-descriptions "Linux/UNIX" \
  --start-time "$(date -u +%Y-%m-%dT%H:%M:%S)" \
  --query 'SpotPriceHistory[].[AvailabilityZone,InstanceType,SpotPrice]' --output text
# [end price-history]

# [start make-bucket]
if [ "$(aws s3api list-buckets --query "length(Buckets[?Name=='$SPOT_BUCKET'])" --output text)" = 0 ]; then
  aws s3 mb "s3://$SPOT_BUCKET" --tags crashcourse:owner "$OWNER"
fi
BUCKET_OWNER=$(aws s3api get-bucket-tagging --bucket "$SPOT_BUCKET" \
  --query "TagSet[?Key=='crashcourse:owner'].Value" --output text)
if [ "$BUCKET_OWNER" != "$OWNER" ]; then
  echo "Bucket $SPOT_BUCKET is not tagged as yours: ask your administrator"
elif [ "$(aws s3api get-bucket-abac --bucket "$SPOT_BUCKET" --query AbacStatus.Status --output text)" != Enabled ]; then
  aws s3api put-bucket-abac --bucket "$SPOT_BUCKET" --abac-status Status=Enabled
fi
aws s3api get-bucket-abac --bucket "$SPOT_BUCKET" --query AbacStatus.Status --output text
# [end make-bucket]

# [start create-role]
SPOT_DIR=$(mktemp -d)
cat > "$SPOT_DIR/spot-trust-policy.json" <<'EOF'
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
cat > "$SPOT_DIR/spot-bucket-policy.json" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::$SPOT_BUCKET"
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::$SPOT_BUCKET/*"
    }
  ]
}
EOF
SPOT_ROLE_ARN=$(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
  --query "Roles[?RoleName=='$SPOT_ROLE'].Arn" --output text)
if [ -z "$SPOT_ROLE_ARN" ] && aws iam get-role --role-name "$SPOT_ROLE" > /dev/null 2>&1; then
  echo "Role $SPOT_ROLE exists outside /crashcourse/$OWNER/ (an earlier version of this guide made it): delete it with this page's clean-up, then paste this block again"
else
  if [ -z "$SPOT_ROLE_ARN" ]; then
    aws iam create-role --role-name "$SPOT_ROLE" --path "/crashcourse/$OWNER/" \
      --assume-role-policy-document "file://$SPOT_DIR/spot-trust-policy.json" \
      --permissions-boundary "arn:aws:iam::$ACCOUNT_ID:policy/crashcourse-boundary" \
      --tags "Key=crashcourse:owner,Value=$OWNER" \
      --query Role.Arn --output text
  fi
  aws iam put-role-policy --role-name "$SPOT_ROLE" --policy-name checkpoint-bucket \
    --policy-document "file://$SPOT_DIR/spot-bucket-policy.json"
  aws iam attach-role-policy --role-name "$SPOT_ROLE" \
    --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
  SPOT_PROFILE_ARN=$(aws iam list-instance-profiles --path-prefix "/crashcourse/$OWNER/" \
    --query "InstanceProfiles[?InstanceProfileName=='$SPOT_ROLE'].Arn" --output text)
  if [ -z "$SPOT_PROFILE_ARN" ]; then
    aws iam create-instance-profile --instance-profile-name "$SPOT_ROLE" --path "/crashcourse/$OWNER/" \
      --tags "Key=crashcourse:owner,Value=$OWNER" \
      --query InstanceProfile.Arn --output text
    aws iam add-role-to-instance-profile --instance-profile-name "$SPOT_ROLE" --role-name "$SPOT_ROLE"
  fi
  aws iam wait instance-profile-exists --instance-profile-name "$SPOT_ROLE"
fi
# [end create-role]

# [start write-user-data]
printf '#!/bin/bash\nSPOT_BUCKET=%s\n' "$SPOT_BUCKET" > spot-job.sh
cat >> spot-job.sh <<'EOF'
# Runs once, as root, when the Spot Instance first boots. Its output is in
# /var/log/cloud-init-output.log on the instance.
CHECKPOINTS=/opt/spot-job/checkpoints
IMDS=http://169.254.169.254/latest
mkdir -p "$CHECKPOINTS"

# 1. Resume: fetch the checkpoints an earlier, interrupted instance saved (none the first time).
aws s3 sync "s3://$SPOT_BUCKET/checkpoints/" "$CHECKPOINTS/"

# 2. Watch, in the background: every 5 seconds, ask the instance metadata service (IMDSv2)
#    for an interruption notice; when one appears, save the checkpoints to S3.
watch_for_interruption() {
  while true; do
    token=$(curl -s -X PUT "$IMDS/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
    status=$(curl -s -o /tmp/instance-action -w '%{http_code}' \
      -H "X-aws-ec2-metadata-token: $token" "$IMDS/meta-data/spot/instance-action")
    if [ "$status" = 200 ]; then
      echo "$(date -u +%FT%TZ) interruption notice: $(cat /tmp/instance-action)"
      aws s3 sync "$CHECKPOINTS/" "s3://$SPOT_BUCKET/checkpoints/"
      return
    fi
    sleep 5
  done
}
watch_for_interruption >> /var/log/spot-watcher.log 2>&1 &

# 3. The job. This one counts to 30, a minute a step, and writes the step it reached as its
#    checkpoint; it starts after the last step saved. Put your own job here: it must write
#    its checkpoints to $CHECKPOINTS and start from the latest one it finds there.
step=$(cat "$CHECKPOINTS/step" 2>/dev/null || echo 0)
while [ "$step" -lt 30 ]; do
  sleep 60
  step=$((step + 1))
  echo "$step" > "$CHECKPOINTS/step"
  aws s3 cp "$CHECKPOINTS/step" "s3://$SPOT_BUCKET/checkpoints/step"
done
echo "counted to $step" > "$CHECKPOINTS/result"

# 4. Done: save the result, and shut down. The launch set shutdown to mean terminate.
aws s3 sync "$CHECKPOINTS/" "s3://$SPOT_BUCKET/checkpoints/"
shutdown -h now
EOF
# [end write-user-data]

# [start launch-spot]
SPOT_ID=
for SPOT_TRY in $(seq 1 30); do
  if SPOT_LAUNCH=$(aws ec2 run-instances \
      --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \
      --instance-type "$SPOT_TYPE" \
      --instance-market-options 'MarketType=spot,SpotOptions={SpotInstanceType=one-time,InstanceInterruptionBehavior=terminate}' \
      --instance-initiated-shutdown-behavior terminate \
      --iam-instance-profile Name="$SPOT_ROLE" \
      --metadata-options HttpTokens=required,HttpEndpoint=enabled \
      --user-data file://spot-job.sh \
      --tag-specifications \
        "ResourceType=instance,Tags=[{Key=Name,Value=$SPOT_NAME},{Key=crashcourse:owner,Value=$OWNER}]" \
        "ResourceType=volume,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
        "ResourceType=spot-instances-request,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
      --query 'Instances[0].InstanceId' --output text 2>&1); then
    SPOT_ID="$SPOT_LAUNCH"
    break
  fi
  echo "$SPOT_LAUNCH"
  if echo "$SPOT_LAUNCH" | grep -q PendingVerification; then
    SPOT_WAIT=60
  elif echo "$SPOT_LAUNCH" | grep -q -e "Invalid IAM Instance Profile" -e RequestLimitExceeded; then
    SPOT_WAIT=10
  else
    break
  fi
  if [ "$SPOT_TRY" -lt 30 ]; then
    echo "Try $SPOT_TRY of 30 failed: trying again in $SPOT_WAIT seconds"
    sleep "$SPOT_WAIT"
  fi
done
if [ -n "$SPOT_ID" ]; then
  aws ec2 wait instance-running --instance-ids "$SPOT_ID"
else
  echo "No instance was launched: find the error above in this step's list, then paste this block again"
fi
# [end launch-spot]

# [start check-spot]
aws ec2 describe-instances --instance-ids "$SPOT_ID" \
  --query 'Reservations[0].Instances[0].[InstanceType,InstanceLifecycle,State.Name,IamInstanceProfile.Arn]' \
  --output text
# [end check-spot]

# [start check-progress] not-emulated: the checkpoints come from the job on a real instance
aws s3 ls "s3://$SPOT_BUCKET/checkpoints/"
aws s3 cp "s3://$SPOT_BUCKET/checkpoints/step" -
# [end check-progress]

# [start look-in] not-emulated: opens a Session Manager session to a real instance
aws ssm start-session --target "$SPOT_ID"
# [end look-in]

# [start watch-log] not-emulated: runs on the instance, in the Session Manager session
sudo tail -n 5 /var/log/cloud-init-output.log
sudo cat /var/log/spot-watcher.log
cat /opt/spot-job/checkpoints/step
# [end watch-log]

# [start notify-topic] replace: <email-address>
SPOT_EMAIL=<email-address>
if [ -z "$SPOT_EMAIL" ]; then
  echo "SPOT_EMAIL is empty: put your address in place of the placeholder on the first line. Nothing was made."
else
  SPOT_TOPIC_ARN=$(aws sns create-topic --name "crashcourse-spot-interruptions-$READER" \
    --tags "Key=crashcourse:owner,Value=$OWNER" \
    --query TopicArn --output text)
  aws sns subscribe --topic-arn "$SPOT_TOPIC_ARN" --protocol email \
    --notification-endpoint "$SPOT_EMAIL" --query SubscriptionArn --output text
fi
# [end notify-topic]

# [start event-rule]
SPOT_DIR=$(mktemp -d)
cat > "$SPOT_DIR/spot-interruption-pattern.json" <<'EOF'
{
  "source": ["aws.ec2"],
  "detail-type": ["EC2 Spot Instance Interruption Warning"]
}
EOF
SPOT_RULE="crashcourse-spot-interruption-warning-$READER"
SPOT_RULE_ARN=$(aws events put-rule --name "$SPOT_RULE" \
  --event-pattern "file://$SPOT_DIR/spot-interruption-pattern.json" \
  --description "Two-minute warnings for this account's Spot Instances" \
  --tags "Key=crashcourse:owner,Value=$OWNER" \
  --query RuleArn --output text)
cat > "$SPOT_DIR/spot-topic-policy.json" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "events.amazonaws.com"},
    "Action": "sns:Publish",
    "Resource": "$SPOT_TOPIC_ARN",
    "Condition": {"ArnEquals": {"aws:SourceArn": "$SPOT_RULE_ARN"}}
  }]
}
EOF
aws sns set-topic-attributes --topic-arn "$SPOT_TOPIC_ARN" \
  --attribute-name Policy --attribute-value "file://$SPOT_DIR/spot-topic-policy.json"
aws events put-targets --rule "$SPOT_RULE" \
  --targets "Id=email-me,Arn=$SPOT_TOPIC_ARN" --query FailedEntryCount --output text
# [end event-rule]

# [start check-rule]
aws events describe-rule --name "$SPOT_RULE" \
  --query '[State,EventPattern]' --output text
# [end check-rule]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values=spot-worker Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" \
    --query 'TerminatingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-terminated --instance-ids "$id"
done
# [end cleanup]

# [start cleanup-alerts]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for rule in $(aws events list-rules --name-prefix crashcourse-spot-interruption-warning- \
    --query 'Rules[].Name' --output text); do
  if rule_owner=$(aws events list-tags-for-resource \
      --resource-arn "$(aws events describe-rule --name "$rule" --query Arn --output text)" \
      --query "Tags[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$rule_owner" = "$OWNER" ]; then
    aws events remove-targets --rule "$rule" --ids email-me --query FailedEntryCount --output text
    aws events delete-rule --name "$rule"
  fi
done
for topic in $(aws sns list-topics \
    --query "Topics[?contains(TopicArn, ':crashcourse-spot-interruptions-')].TopicArn" --output text); do
  if topic_owner=$(aws sns list-tags-for-resource --resource-arn "$topic" \
      --query "Tags[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$topic_owner" = "$OWNER" ]; then
    aws sns delete-topic --topic-arn "$topic"
  fi
done
# [end cleanup-alerts]

# [start cleanup-role]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for role in $(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
      --query "Roles[?starts_with(RoleName, 'crashcourse-spot-worker-')].RoleName" --output text) \
    $(aws iam list-roles --query "Roles[?Path=='/' && starts_with(RoleName, 'crashcourse-spot-worker-')].RoleName" --output text); do
  if role_owner=$(aws iam list-role-tags --role-name "$role" \
      --query "Tags[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$role_owner" = "$OWNER" ]; then
    for profile in $(aws iam list-instance-profiles-for-role --role-name "$role" \
        --query 'InstanceProfiles[].InstanceProfileName' --output text); do
      aws iam remove-role-from-instance-profile --instance-profile-name "$profile" --role-name "$role"
      aws iam delete-instance-profile --instance-profile-name "$profile"
    done
    aws iam delete-role-policy --role-name "$role" --policy-name checkpoint-bucket
    aws iam detach-role-policy --role-name "$role" \
      --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
    aws iam delete-role --role-name "$role"
  fi
done
# [end cleanup-role]

# [start cleanup-bucket]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
SPOT_BUCKET="crashcourse-spot-$READER-$(aws sts get-caller-identity --query Account --output text)-$(aws configure get region)"
for bucket in $(aws s3api list-buckets --query "Buckets[?Name=='$SPOT_BUCKET'].Name" --output text); do
  if bucket_owner=$(aws s3api get-bucket-tagging --bucket "$bucket" \
      --query "TagSet[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$bucket_owner" = "$OWNER" ]; then
    aws s3 rb "s3://$bucket" --force
  fi
done
rm -f spot-job.sh
# [end cleanup-bucket]
