# Python (boto3) examples for howto/set-up-cli.md.

# [start profile-session] not-emulated: needs an IAM Identity Center sign-in
import boto3

session = boto3.Session(profile_name="my-dev-profile")
print(session.client("sts").get_caller_identity()["Account"])
# [end profile-session]

# [start default-session]
import boto3

# No profile_name: boto3 uses AWS_PROFILE if it is set, otherwise the default profile.
session = boto3.Session()
print("Region:", session.region_name)
print("Account:", session.client("sts").get_caller_identity()["Account"])
# [end default-session]
