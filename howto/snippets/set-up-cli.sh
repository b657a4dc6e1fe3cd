# Commands for howto/set-up-cli.md.

# [start check-version]
aws --version
# [end check-version]

# [start configure-sso] not-emulated: AWS CLI version 2 only; signs in through a browser
aws configure sso
# [end configure-sso]

# [start sso-login] not-emulated: signs in to IAM Identity Center through a browser
aws sso login --profile my-dev-profile
# [end sso-login]

# [start use-profile] not-emulated: needs the IAM Identity Center sign-in above
# One command with a named profile:
aws sts get-caller-identity --profile my-dev-profile
# Every command in this shell with that profile:
export AWS_PROFILE=my-dev-profile
aws sts get-caller-identity
# [end use-profile]

# [start check-identity]
aws sts get-caller-identity --query Account --output text
# [end check-identity]

# [start sso-logout] not-emulated: signs out of IAM Identity Center
aws sso logout
# [end sso-logout]
