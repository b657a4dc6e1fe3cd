# Commands for howto/logs-retention.md. Sections hold no comments (interactive zsh would run them).

# [start never-expire]
aws logs describe-log-groups \
  --query 'logGroups[?!retentionInDays].[logGroupName,storedBytes]' --output text
# [end never-expire]

# [start names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
LOG_GROUP="crashcourse-logs-$READER"
echo "$LOG_GROUP"
# [end names]

# [start create-log-group]
LOG_GROUP_ARN=$(aws logs describe-log-groups --log-group-name-prefix "$LOG_GROUP" \
  --query "logGroups[?logGroupName=='$LOG_GROUP'].logGroupArn | [0]" --output text)
if [ "$LOG_GROUP_ARN" = None ]; then
  aws logs create-log-group --log-group-name "$LOG_GROUP" --tags "crashcourse:owner=$OWNER"
elif GROUP_OWNER=$(aws logs list-tags-for-resource --resource-arn "$LOG_GROUP_ARN" \
    --query 'tags."crashcourse:owner"' --output text) \
    && [ "$GROUP_OWNER" = "$OWNER" ]; then
  echo "$LOG_GROUP exists already, and is yours"
else
  echo "$LOG_GROUP exists already, and is not yours: ask your administrator"
fi
# [end create-log-group]

# [start set-retention]
aws logs put-retention-policy --log-group-name "$LOG_GROUP" --retention-in-days 30
# [end set-retention]

# [start check]
aws logs describe-log-groups --log-group-name-prefix "$LOG_GROUP" \
  --query "logGroups[?logGroupName=='$LOG_GROUP'].[logGroupName,retentionInDays]" --output text
# [end check]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for ARN in $(aws logs describe-log-groups --log-group-name-prefix crashcourse-logs- \
    --query 'logGroups[].logGroupArn' --output text); do
  if group_owner=$(aws logs list-tags-for-resource --resource-arn "$ARN" \
      --query 'tags."crashcourse:owner"' --output text) \
      && [ "$group_owner" = "$OWNER" ]; then
    aws logs delete-log-group --log-group-name "${ARN##*:}" && echo "Deleted ${ARN##*:}"
  fi
done
# [end cleanup]
