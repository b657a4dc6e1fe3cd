# Commands for howto/leaked-credentials.md that the reader runs, in an account of their own or a
# shared one: they read, and change nothing. Sections hold no comments: a reader pastes them into
# an interactive shell.

# [start who-am-i]
aws sts get-caller-identity --query '[Account, UserId]' --output text
# [end who-am-i]

# [start every-region]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
if [ -z "$OWNER" ]; then
  echo "Not signed in: run aws login (or aws sso login), then paste this block again"
elif REGIONS=$(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); then
  NOT_MINE=$(for region in $(printf '%s\n' "$REGIONS"); do
    if found=$(aws ec2 describe-instances --region "$region" \
        --filters Name=instance-state-name,Values=pending,running,stopping,stopped \
        --query 'Reservations[].Instances[].[InstanceId, InstanceType, LaunchTime, Tags[?Key==`crashcourse:owner`].Value | [0]]' \
        --output text 2>/dev/null); then
      printf '%s\n' "$found" | awk -v region="$region" -v me="$OWNER" 'NF && $4 != me { print region "\t" $0 }'
    else
      echo "$region: could not look (the Region may be closed to you)"
    fi
  done)
  echo "${NOT_MINE:-No instance in any Region that is not yours.}"
fi
# [end every-region]

# [start logout] not-emulated: AWS CLI 2.32.0 or later only; ends the console-credentials session
aws logout
# [end logout]

# [start sso-logout] not-emulated: signs out of IAM Identity Center
aws sso logout
# [end sso-logout]
