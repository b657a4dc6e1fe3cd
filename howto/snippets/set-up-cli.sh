# Commands for howto/set-up-cli.md. Sections are pasted as they are, so they hold no
# comments: interactive zsh (macOS) runs a pasted "# ..." line as a command.

# [start check-version]
aws --version
# [end check-version]

# [start login] not-emulated: AWS CLI 2.32.0 or later only; signs in through a browser
aws login
# [end login]
# [stand-in login] aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE && aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY && aws configure set region eu-west-2

# [start no-pager]
aws configure set cli_pager ""
# [end no-pager]

# [start check-identity]
aws sts get-caller-identity --query Account --output text
# [end check-identity]

# [start show-config]
aws configure list
# [end show-config]

# [start configure-sso] not-emulated: AWS CLI version 2 only; signs in through a browser
aws configure sso
# [end configure-sso]

# [start sso-login] not-emulated: signs in to IAM Identity Center through a browser
aws sso login --profile my-dev-profile
# [end sso-login]

# [start use-profile] not-emulated: needs the IAM Identity Center sign-in above
export AWS_PROFILE=my-dev-profile
aws sts get-caller-identity
# [end use-profile]

# [start python-venv] not-emulated: downloads boto3 from the Python Package Index
python3 -m venv ~/.venvs/aws
~/.venvs/aws/bin/python -m pip install "boto3[crt]"
# [end python-venv]

# [start activate-venv] not-emulated: the tests' Python already has boto3
source ~/.venvs/aws/bin/activate
# [end activate-venv]

# [start logout] not-emulated: AWS CLI 2.32.0 or later only; ends the console-credentials session
aws logout
# [end logout]

# [start sso-logout] not-emulated: signs out of IAM Identity Center
aws sso logout
# [end sso-logout]
