# Commands for howto/set-up-cli.md that the ADMINISTRATOR of a shared account runs, with
# administrator permissions, in the folder where they saved the site's five policy files.
# Sections are pasted as they are, so they hold no comments.

# [start admin-policies]
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
aws iam create-policy --policy-name crashcourse-boundary \
  --policy-document file://crashcourse-boundary.json --query Policy.Arn --output text
for part in policy policy-iam policy-services policy-batch; do
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
  for part in policy policy-iam policy-services policy-batch; do
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
elif ! ALL_USERS=$(aws iam list-users --query 'Users[].UserName' --output text); then
  echo "The account's users could not be listed: nothing was deleted."
elif ! USER_FOUND=$(printf '%s\n' "$ALL_USERS" | tr '\t' '\n' | grep -ixF -- "$READER_NAME"); then
  echo "No user $READER_NAME in this account: nothing left to delete."
else
  READER_NAME="$USER_FOUND"
  LEFT_GROUPS=$(aws iam list-groups-for-user --user-name "$READER_NAME" --query 'Groups[].GroupName' --output text)
  LEFT_INLINE=$(aws iam list-user-policies --user-name "$READER_NAME" --query 'PolicyNames' --output text)
  LEFT_MFA=$(aws iam list-mfa-devices --user-name "$READER_NAME" --query 'MFADevices[].SerialNumber' --output text)
  LEFT_CERTS=$(aws iam list-signing-certificates --user-name "$READER_NAME" \
    --query 'Certificates[].CertificateId' --output text)
  LEFT_SSH=$(aws iam list-ssh-public-keys --user-name "$READER_NAME" \
    --query 'SSHPublicKeys[].SSHPublicKeyId' --output text)
  if [ -n "$LEFT_GROUPS$LEFT_INLINE$LEFT_MFA$LEFT_CERTS$LEFT_SSH" ]; then
    echo "User $READER_NAME has more than this page gave it; remove these, then paste the block again. Nothing was deleted."
    [ -z "$LEFT_GROUPS" ] || echo "Groups: $LEFT_GROUPS"
    [ -z "$LEFT_INLINE" ] || echo "Inline policies: $LEFT_INLINE"
    [ -z "$LEFT_MFA" ] || echo "MFA devices: $LEFT_MFA"
    [ -z "$LEFT_CERTS" ] || echo "Signing certificates: $LEFT_CERTS"
    [ -z "$LEFT_SSH" ] || echo "SSH public keys: $LEFT_SSH"
  else
    if aws iam get-login-profile --user-name "$READER_NAME" > /dev/null 2>&1; then
      aws iam delete-login-profile --user-name "$READER_NAME"
    fi
    for key in $(aws iam list-access-keys --user-name "$READER_NAME" \
        --query 'AccessKeyMetadata[].AccessKeyId' --output text); do
      aws iam delete-access-key --user-name "$READER_NAME" --access-key-id "$key"
    done
    for arn in $(aws iam list-attached-user-policies --user-name "$READER_NAME" \
        --query 'AttachedPolicies[].PolicyArn' --output text); do
      aws iam detach-user-policy --user-name "$READER_NAME" --policy-arn "$arn"
    done
    if aws iam delete-user --user-name "$READER_NAME"; then
      echo "Deleted user $READER_NAME."
    else
      echo "IAM kept user $READER_NAME: it may hold a service-specific credential (aws iam list-service-specific-credentials); delete it, then paste the block again."
    fi
  fi
fi
# [end cleanup-admin-user]
