# Commands for howto/leaked-credentials.md that only the account's ADMINISTRATOR runs (in an
# account you own, that is you), signed in with credentials other than the ones that leaked.
# Sections are pasted as they are, so they hold no comments.

# [start admin-deactivate-key] replace: <access-key-id>
KEY_ID=<access-key-id>
KEY_USER=$(aws iam get-access-key-last-used --access-key-id "$KEY_ID" --query UserName --output text)
aws iam update-access-key --user-name "$KEY_USER" --access-key-id "$KEY_ID" --status Inactive
aws iam get-access-key-last-used --access-key-id "$KEY_ID" \
  --query '[UserName, AccessKeyLastUsed.LastUsedDate, AccessKeyLastUsed.ServiceName, AccessKeyLastUsed.Region]' \
  --output text
# [end admin-deactivate-key]

# [start admin-deny-user] replace: <user-name>
LEAKED_USER=<user-name>
DIR=$(mktemp -d)
cat > "$DIR/deny-all.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]
}
EOF
aws iam put-user-policy --user-name "$LEAKED_USER" --policy-name deny-all-after-leak \
  --policy-document "file://$DIR/deny-all.json"
# [end admin-deny-user]

# [start admin-cloudtrail] not-emulated: the emulator keeps no CloudTrail event history
for region in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do
  aws cloudtrail lookup-events --region "$region" \
    --lookup-attributes AttributeKey=AccessKeyId,AttributeValue="$KEY_ID" \
    --query 'Events[].[EventTime, EventName, EventSource]' --output text |
    awk -v region="$region" '{ print region "\t" $0 }'
done
# [end admin-cloudtrail]

# [start admin-guardduty] not-emulated: the emulator makes no GuardDuty findings
for region in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do
  for detector in $(aws guardduty list-detectors --region "$region" --query DetectorIds --output text); do
    echo "$region: $(aws guardduty list-findings --region "$region" --detector-id "$detector" \
      --query 'length(FindingIds)' --output json) findings"
  done
done
# [end admin-guardduty]

# [start admin-terminate] replace: <region-code>, <instance-id>
INSTANCE_REGION=<region-code>
INSTANCE_ID=<instance-id>
aws ec2 modify-instance-attribute --region "$INSTANCE_REGION" --instance-id "$INSTANCE_ID" \
  --no-disable-api-termination
aws ec2 terminate-instances --region "$INSTANCE_REGION" --instance-ids "$INSTANCE_ID" \
  --query 'TerminatingInstances[0].CurrentState.Name' --output text
# [end admin-terminate]

# [start admin-delete-key]
aws iam delete-access-key --user-name "$KEY_USER" --access-key-id "$KEY_ID"
# [end admin-delete-key]

# [start admin-check]
for user in $(aws iam list-users --query 'Users[].UserName' --output text); do
  printf '%s\t%s\t%s\n' "$user" \
    "$(aws iam list-access-keys --user-name "$user" --query 'length(AccessKeyMetadata[?Status==`Active`])' --output text)" \
    "$(aws iam list-user-policies --user-name "$user" --query 'PolicyNames' --output text)"
done
# [end admin-check]

# [start cleanup-admin-allow-again] replace: <user-name>
ALLOW_USER=<user-name>
DENIED=$(aws iam list-user-policies --user-name "$ALLOW_USER" \
  --query "contains(PolicyNames, 'deny-all-after-leak')" --output text)
if [ "$DENIED" = True ]; then
  aws iam delete-user-policy --user-name "$ALLOW_USER" --policy-name deny-all-after-leak
fi
# [end cleanup-admin-allow-again]
