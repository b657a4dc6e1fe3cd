# Commands for howto/set-up-cli.md that the ADMINISTRATOR of a shared account runs, with
# administrator permissions, in the folder where they saved the site's four policy files.
# Sections are pasted as they are, so they hold no comments.

# [start admin-policies]
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
aws iam create-policy --policy-name crashcourse-boundary \
  --policy-document file://crashcourse-boundary.json --query Policy.Arn --output text
for part in policy policy-iam policy-services; do
  aws iam create-policy --policy-name "crashcourse-$part" \
    --policy-document "file://crashcourse-$part.json" --query Policy.Arn --output text
done
# [end admin-policies]

# [start admin-user] replace: <user-name>
READER_NAME=<user-name>
if [ -z "$READER_NAME" ]; then
  echo "READER_NAME is empty: put the reader's user name in place of the placeholder on the first line. Nothing was made."
else
  ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
  aws iam create-user --user-name "$READER_NAME" --query User.Arn --output text
  for part in policy policy-iam policy-services; do
    aws iam attach-user-policy --user-name "$READER_NAME" \
      --policy-arn "arn:aws:iam::$ACCOUNT_ID:policy/crashcourse-$part"
  done
  for managed in SignInLocalDevelopmentAccess IAMUserChangePassword; do
    aws iam attach-user-policy --user-name "$READER_NAME" \
      --policy-arn "arn:aws:iam::aws:policy/$managed"
  done
  FIRST_PASSWORD="$(openssl rand -base64 24)"
  aws iam create-login-profile --user-name "$READER_NAME" \
    --password "$FIRST_PASSWORD" --password-reset-required --query LoginProfile.UserName --output text
  echo "$FIRST_PASSWORD"
fi
# [end admin-user]

# [start cleanup-admin-user] replace: <user-name>
READER_NAME=<user-name>
if [ -z "$READER_NAME" ]; then
  echo "READER_NAME is empty: put the reader's user name in place of the placeholder on the first line. Nothing was deleted."
else
  aws iam delete-login-profile --user-name "$READER_NAME"
  for arn in $(aws iam list-attached-user-policies --user-name "$READER_NAME" \
      --query 'AttachedPolicies[].PolicyArn' --output text); do
    aws iam detach-user-policy --user-name "$READER_NAME" --policy-arn "$arn"
  done
  aws iam delete-user --user-name "$READER_NAME"
fi
# [end cleanup-admin-user]
