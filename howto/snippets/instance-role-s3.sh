# Commands for howto/instance-role-s3.md. BUCKET is the bucket the instance may use.

# [start set-names]
ROLE=analysis-s3-access        # the role, and the instance profile that carries it
# The instance that needs the access, found by its Name tag (or set INSTANCE_ID yourself).
INSTANCE_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
echo "$INSTANCE_ID"
# [end set-names]

# [start trust-policy]
cat > trust-policy.json <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "ec2.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
aws iam create-role --role-name "$ROLE" \
  --assume-role-policy-document file://trust-policy.json \
  --description "Lets EC2 instances read and write one S3 bucket" \
  --query Role.Arn --output text
# [end trust-policy]

# [start permissions-policy]
# Unquoted EOF: the shell fills in $BUCKET.
cat > s3-one-bucket.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListTheBucket",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::$BUCKET"
    },
    {
      "Sid": "ReadAndWriteObjects",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::$BUCKET/*"
    }
  ]
}
EOF
aws iam put-role-policy --role-name "$ROLE" --policy-name s3-one-bucket \
  --policy-document file://s3-one-bucket.json
# [end permissions-policy]

# [start instance-profile]
aws iam create-instance-profile --instance-profile-name "$ROLE" \
  --query InstanceProfile.Arn --output text
aws iam add-role-to-instance-profile --instance-profile-name "$ROLE" --role-name "$ROLE"
aws iam wait instance-profile-exists --instance-profile-name "$ROLE"
# [end instance-profile]

# [start associate]
# A new instance profile takes a few seconds to reach Amazon EC2: retry for up to a minute.
for TRY in 1 2 3 4 5 6; do
  aws ec2 associate-iam-instance-profile --instance-id "$INSTANCE_ID" \
    --iam-instance-profile Name="$ROLE" \
    --query 'IamInstanceProfileAssociation.State' --output text && break
  sleep 10
done
# [end associate]

# [start check]
aws ec2 describe-iam-instance-profile-associations \
  --filters Name=instance-id,Values="$INSTANCE_ID" \
  --query 'IamInstanceProfileAssociations[].[State,IamInstanceProfile.Arn]' --output text
# [end check]

# [start check-on-instance] not-emulated: runs on the instance
# On the instance (the AWS CLI is installed on Amazon Linux 2023). No access keys needed:
aws sts get-caller-identity --query Arn --output text
aws s3 ls "s3://amzn-s3-demo-bucket-111122223333/"
echo test > test.txt
aws s3 cp test.txt "s3://amzn-s3-demo-bucket-111122223333/test.txt"
# Any other bucket is refused with AccessDenied:
aws s3 ls "s3://amzn-s3-demo-bucket-444455556666/"
# [end check-on-instance]

# [start cleanup]
ASSOCIATION_ID=$(aws ec2 describe-iam-instance-profile-associations \
  --filters Name=instance-id,Values="$INSTANCE_ID" \
  --query 'IamInstanceProfileAssociations[0].AssociationId' --output text)
aws ec2 disassociate-iam-instance-profile --association-id "$ASSOCIATION_ID" \
  --query 'IamInstanceProfileAssociation.State' --output text
aws iam remove-role-from-instance-profile --instance-profile-name "$ROLE" --role-name "$ROLE"
aws iam delete-instance-profile --instance-profile-name "$ROLE"
aws iam delete-role-policy --role-name "$ROLE" --policy-name s3-one-bucket
aws iam delete-role --role-name "$ROLE"
# [end cleanup]
