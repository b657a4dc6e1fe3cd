# Commands for howto/spot-instances.md. BUCKET is where checkpoints go; the instance
# profile analysis-s3-access (from howto/instance-role-s3.md) lets the instance write to it.

# [start price-history]
aws ec2 describe-spot-price-history \
  --instance-types m7i.xlarge m6i.xlarge r7i.large \
  --product-descriptions "Linux/UNIX" \
  --start-time "$(date -u +%Y-%m-%dT%H:%M:%S)" \
  --query 'SpotPriceHistory[].[AvailabilityZone,InstanceType,SpotPrice]' --output text
# [end price-history]

# [start write-watcher]
# The user data script: the first two lines carry your bucket name, the rest is fixed.
printf '#!/bin/bash\nBUCKET=%s\n' "$BUCKET" > spot-watcher.sh
cat >> spot-watcher.sh <<'EOF'
# Runs at boot on the Spot Instance. Every 5 seconds it asks the instance metadata
# service (IMDSv2) for an interruption notice; when one appears, it copies the job's
# checkpoint directory to S3.
CHECKPOINTS=/home/ec2-user/checkpoints
IMDS=http://169.254.169.254/latest
mkdir -p "$CHECKPOINTS" && chown ec2-user: "$CHECKPOINTS"
(
  while true; do
    TOKEN=$(curl -s -X PUT "$IMDS/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
    STATUS=$(curl -s -o /tmp/instance-action -w '%{http_code}' \
      -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/meta-data/spot/instance-action")
    if [ "$STATUS" = "200" ]; then
      ID=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/meta-data/instance-id")
      echo "$(date -u +%FT%TZ) interruption notice: $(cat /tmp/instance-action)"
      aws s3 sync "$CHECKPOINTS" "s3://$BUCKET/checkpoints/$ID/"
      break
    fi
    sleep 5
  done
) >> /var/log/spot-watcher.log 2>&1 &
EOF
# [end write-watcher]

# [start launch-spot]
INSTANCE_ID=$(aws ec2 run-instances \
  --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \
  --instance-type m7i.xlarge \
  --instance-market-options 'MarketType=spot,SpotOptions={SpotInstanceType=one-time,InstanceInterruptionBehavior=terminate}' \
  --iam-instance-profile Name=analysis-s3-access \
  --metadata-options HttpTokens=required \
  --user-data file://spot-watcher.sh \
  --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=spot-worker}]' \
  --query 'Instances[0].InstanceId' --output text)
aws ec2 wait instance-running --instance-ids "$INSTANCE_ID"
# [end launch-spot]

# [start check-spot]
aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].[InstanceType,InstanceLifecycle,State.Name]' \
  --output text
# [end check-spot]

# [start watch-log] not-emulated: runs on the instance
# On the instance: the watcher runs inside the user data script.
pgrep -af /var/lib/cloud/instance/scripts
# It writes what it did to its log:
sudo cat /var/log/spot-watcher.log
# [end watch-log]

# [start notify-topic]
TOPIC_ARN=$(aws sns create-topic --name spot-interruptions --query TopicArn --output text)
aws sns subscribe --topic-arn "$TOPIC_ARN" --protocol email \
  --notification-endpoint user@example.com --query SubscriptionArn --output text
# [end notify-topic]

# [start event-rule]
cat > spot-interruption-pattern.json <<'EOF'
{
  "source": ["aws.ec2"],
  "detail-type": ["EC2 Spot Instance Interruption Warning"]
}
EOF
RULE_ARN=$(aws events put-rule --name spot-interruption-warning \
  --event-pattern file://spot-interruption-pattern.json \
  --description "Two-minute warnings for this account's Spot Instances" \
  --query RuleArn --output text)
# Let EventBridge, for this rule only, publish to the topic.
cat > topic-policy.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "events.amazonaws.com"},
    "Action": "sns:Publish",
    "Resource": "$TOPIC_ARN",
    "Condition": {"ArnEquals": {"aws:SourceArn": "$RULE_ARN"}}
  }]
}
EOF
aws sns set-topic-attributes --topic-arn "$TOPIC_ARN" \
  --attribute-name Policy --attribute-value file://topic-policy.json
aws events put-targets --rule spot-interruption-warning \
  --targets "Id=email-me,Arn=$TOPIC_ARN" --query FailedEntryCount --output text
# [end event-rule]

# [start check-rule]
aws events describe-rule --name spot-interruption-warning \
  --query '[State,EventPattern]' --output text
# [end check-rule]

# [start cleanup]
aws ec2 terminate-instances --instance-ids "$INSTANCE_ID" \
  --query 'TerminatingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-terminated --instance-ids "$INSTANCE_ID"
aws events remove-targets --rule spot-interruption-warning --ids email-me \
  --query FailedEntryCount --output text
aws events delete-rule --name spot-interruption-warning
aws sns delete-topic --topic-arn "$TOPIC_ARN"
# [end cleanup]
