# Commands for howto/idle-stop.md. Sections hold no comments (interactive zsh would run them).

# [start set-names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
REGION=$(aws ec2 describe-availability-zones --query 'AvailabilityZones[0].RegionName' --output text)
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[].Instances[].InstanceId | [0]' --output text)
ALARM_NAME="crashcourse-idle-stop-$READER"
echo "$BOX_ID $ALARM_NAME"
# [end set-names]

# [start create-alarm]
if [ "$BOX_ID" = None ]; then
  echo "No running analysis-box of yours: start or launch it, then run step 1 again."
else
  aws cloudwatch put-metric-alarm \
    --alarm-name "$ALARM_NAME" \
    --alarm-description "Stop analysis-box after an hour under 5% CPU" \
    --namespace AWS/EC2 --metric-name CPUUtilization \
    --dimensions "Name=InstanceId,Value=$BOX_ID" \
    --statistic Average --period 300 --evaluation-periods 12 \
    --comparison-operator LessThanThreshold --threshold 5 \
    --alarm-actions "arn:aws:automate:${REGION}:ec2:stop" \
    --tags "Key=crashcourse:owner,Value=$OWNER"
fi
# [end create-alarm]

# [start check]
aws cloudwatch describe-alarms --alarm-names "$ALARM_NAME" \
  --query 'MetricAlarms[].[AlarmName,Dimensions[0].Value,Period,EvaluationPeriods,ComparisonOperator,Threshold,AlarmActions[0]]' \
  --output text
# [end check]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for alarm in $(aws cloudwatch describe-alarms --alarm-name-prefix crashcourse-idle-stop- \
    --query 'MetricAlarms[].AlarmArn' --output text); do
  if alarm_owner=$(aws cloudwatch list-tags-for-resource --resource-arn "$alarm" \
      --query "Tags[?Key=='crashcourse:owner'].Value | [0]" --output text) \
      && [ "$alarm_owner" = "$OWNER" ]; then
    aws cloudwatch delete-alarms --alarm-names "${alarm##*:}" && echo "deleted ${alarm##*:}"
  fi
done
# [end cleanup]
