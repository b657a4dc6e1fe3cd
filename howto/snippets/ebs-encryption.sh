# Commands for howto/ebs-encryption.md that the reader runs, in an account of their own or a
# shared one: they read the setting and change nothing. Sections hold no comments: a reader pastes
# them into an interactive shell.

# [start check-setting]
aws ec2 get-ebs-encryption-by-default --query EbsEncryptionByDefault --output text
# [end check-setting]

# [start check-volumes]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
aws ec2 describe-volumes --filters Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'Volumes[].[VolumeId, Size, Encrypted]' --output text
# [end check-volumes]
