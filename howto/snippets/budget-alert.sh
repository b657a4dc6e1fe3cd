# Commands for howto/budget-alert.md. Sections hold no comments (interactive zsh would run them).

# [start account-id]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
BUDGET_NAME="crashcourse-monthly-spend-$READER"
echo "$ACCOUNT_ID $BUDGET_NAME"
# [end account-id]

# [start set-email] replace: <email-address>
export BUDGET_EMAIL=<email-address>
[ -n "$BUDGET_EMAIL" ] || echo "BUDGET_EMAIL is empty: put your address in place of the placeholder on the first line, then paste the block again."
# [end set-email]

# [start budget-files]
BUDGET_DIR=$(mktemp -d)
cat > "$BUDGET_DIR/budget.json" <<EOF
{
  "BudgetName": "$BUDGET_NAME",
  "BudgetType": "COST",
  "TimeUnit": "MONTHLY",
  "BudgetLimit": {"Amount": "50", "Unit": "USD"}
}
EOF
cat > "$BUDGET_DIR/notifications.json" <<EOF
[
  {
    "Notification": {
      "NotificationType": "ACTUAL",
      "ComparisonOperator": "GREATER_THAN",
      "Threshold": 80,
      "ThresholdType": "PERCENTAGE"
    },
    "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "$BUDGET_EMAIL"}]
  },
  {
    "Notification": {
      "NotificationType": "FORECASTED",
      "ComparisonOperator": "GREATER_THAN",
      "Threshold": 100,
      "ThresholdType": "PERCENTAGE"
    },
    "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "$BUDGET_EMAIL"}]
  }
]
EOF
# [end budget-files]

# [start create-budget]
if ! grep -q '"Address": "[^"<>]*@' "$BUDGET_DIR/notifications.json" 2>/dev/null; then
  echo "No budget was created: the alerts of step 3 hold no email address. Paste step 2 with your address in place of <email-address>, then step 3, then this block again (in a new terminal, step 1 first)."
elif aws budgets describe-budget --account-id "$ACCOUNT_ID" --budget-name "$BUDGET_NAME" > /dev/null 2>&1; then
  echo "Budget $BUDGET_NAME exists already: nothing was changed."
else
  aws budgets create-budget --account-id "$ACCOUNT_ID" \
    --budget "file://$BUDGET_DIR/budget.json" \
    --notifications-with-subscribers "file://$BUDGET_DIR/notifications.json" \
    --resource-tags "Key=crashcourse:owner,Value=$OWNER"
fi
# [end create-budget]

# [start check]
aws budgets describe-budgets --account-id "$ACCOUNT_ID" \
  --query 'Budgets[].[BudgetName,BudgetType,TimeUnit,BudgetLimit.Amount,BudgetLimit.Unit]' \
  --output text
aws budgets describe-notifications-for-budget --account-id "$ACCOUNT_ID" \
  --budget-name "$BUDGET_NAME" \
  --query 'Notifications[].[NotificationType,Threshold,ThresholdType]' --output text
# [end check]

# [start cleanup]
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
aws budgets delete-budget --account-id "$ACCOUNT_ID" --budget-name "crashcourse-monthly-spend-$READER"
# [end cleanup]
