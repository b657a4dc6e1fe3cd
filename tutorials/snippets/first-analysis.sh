# Commands for the tutorial "Your first analysis on AWS" (tutorials/first-analysis.md and its
# parts, tutorials/first-analysis-N-*.md), run on the reader's own computer.
# The reader pastes one section at a time into bash or zsh, so sections hold no comments:
# interactive zsh (the macOS default) runs a pasted "# ..." line as a command.
# What the reader types on the instance is in first-analysis-instance.sh.
#
# Every section is safe to paste twice: the second paste finds what the first made (by the
# reader's crashcourse:owner tag), says so and makes nothing new. Sections named resume-PART
# are each part's "If you opened a new terminal" block: they find everything again by name and
# tag (never from a variable an earlier terminal set) and set every variable the part's blocks
# read, so a learner may come back before any step of the part.
#
# `# [stand-in NAME] CODE` lines are what the tests run in place of a section that needs a real
# account: a browser sign-in, a shell on a real instance.

# [start check-tools] not-emulated: checks the programs installed on your computer
aws --version
session-manager-plugin --version
# [end check-tools]

# [start set-region] fixed: us-east-1
aws configure set region us-east-1
aws configure set cli_pager ""
aws configure get region
# [end set-region]

# [start sign-in] not-emulated: aws login needs AWS CLI 2.32.0 or later and a browser
aws login
# [end sign-in]
# [stand-in sign-in] aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE && aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

# [start check-account]
aws sts get-caller-identity --query Account --output text
# [end check-account]

# [start work-folder]
mkdir -p ~/first-analysis && cd ~/first-analysis && pwd | sed "s#^$HOME#~#"
# [end work-folder]

# [start name-things]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
REGION=$(aws configure get region)
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
TUTORIAL_BUCKET="crashcourse-lesson-$READER-$ACCOUNT_ID-$REGION"
TUTORIAL_ROLE="crashcourse-first-analysis-$READER"
echo "$OWNER $TUTORIAL_BUCKET"
# [end name-things]

# [start make-bucket]
if [ "$(aws s3api list-buckets --query "length(Buckets[?Name=='$TUTORIAL_BUCKET'])" --output text)" = 1 ]; then
  echo "Bucket $TUTORIAL_BUCKET exists already: using it"
else
  aws s3 mb "s3://$TUTORIAL_BUCKET" --tags crashcourse first-analysis --tags crashcourse:owner "$OWNER"
fi
if [ "$(aws s3api get-bucket-abac --bucket "$TUTORIAL_BUCKET" --query AbacStatus.Status --output text)" != Enabled ]; then
  aws s3api put-bucket-abac --bucket "$TUTORIAL_BUCKET" --abac-status Status=Enabled
fi
# [end make-bucket]

# [start look-at-data]
aws s3 ls --no-sign-request s3://gatk-test-data/wgs_fastq/NA12878_20k/
# [end look-at-data]

# [start copy-data]
aws s3 cp --no-progress \
  s3://gatk-test-data/wgs_fastq/NA12878_20k/H06HDADXX130110.1.ATCACGAT.20k_reads_1.fastq \
  "s3://$TUTORIAL_BUCKET/reads/NA12878_20k_reads_1.fastq"
# [end copy-data]

# [start list-copy]
aws s3 ls "s3://$TUTORIAL_BUCKET/reads/"
# [end list-copy]

# [start resume-role]
cd ~/first-analysis && pwd | sed "s#^$HOME#~#"
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
REGION=$(aws configure get region)
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
TUTORIAL_BUCKET="crashcourse-lesson-$READER-$ACCOUNT_ID-$REGION"
TUTORIAL_ROLE="crashcourse-first-analysis-$READER"
echo "$OWNER $TUTORIAL_BUCKET"
# [end resume-role]

# [start create-role]
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
TUTORIAL_ROLE_ARN=$(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
  --query "Roles[?RoleName=='$TUTORIAL_ROLE'].Arn" --output text)
if [ -n "$TUTORIAL_ROLE_ARN" ]; then
  echo "Role $TUTORIAL_ROLE is yours already: using it"
elif aws iam get-role --role-name "$TUTORIAL_ROLE" > /dev/null 2>&1; then
  echo "Role $TUTORIAL_ROLE exists outside /crashcourse/$OWNER/ (an earlier version of this tutorial made it): delete it with part 5's role block, then paste this block again"
else
  aws iam create-role --role-name "$TUTORIAL_ROLE" --path "/crashcourse/$OWNER/" \
    --assume-role-policy-document file://trust-policy.json \
    --tags Key=crashcourse,Value=first-analysis "Key=crashcourse:owner,Value=$OWNER" \
    --query Role.Arn --output text
fi
# [end create-role]

# [start allow-bucket]
cat > role-policy.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::$TUTORIAL_BUCKET"
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::$TUTORIAL_BUCKET/*"
    }
  ]
}
EOF
aws iam put-role-policy --role-name "$TUTORIAL_ROLE" \
  --policy-name first-analysis-bucket --policy-document file://role-policy.json
aws iam attach-role-policy --role-name "$TUTORIAL_ROLE" \
  --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
aws iam list-attached-role-policies --role-name "$TUTORIAL_ROLE" \
  --query 'AttachedPolicies[].PolicyName' --output text
aws iam list-role-policies --role-name "$TUTORIAL_ROLE" --query PolicyNames --output text
# [end allow-bucket]

# [start instance-profile]
TUTORIAL_PROFILE_ARN=$(aws iam list-instance-profiles --path-prefix "/crashcourse/$OWNER/" \
  --query "InstanceProfiles[?InstanceProfileName=='$TUTORIAL_ROLE'].Arn" --output text)
if [ -n "$TUTORIAL_PROFILE_ARN" ]; then
  echo "Instance profile $TUTORIAL_ROLE is yours already: using it"
elif aws iam get-instance-profile --instance-profile-name "$TUTORIAL_ROLE" > /dev/null 2>&1; then
  echo "Instance profile $TUTORIAL_ROLE exists outside /crashcourse/$OWNER/ (an earlier version of this tutorial made it): delete it with part 5's role block, then paste this block again"
else
  aws iam create-instance-profile --instance-profile-name "$TUTORIAL_ROLE" --path "/crashcourse/$OWNER/" \
    --tags Key=crashcourse,Value=first-analysis "Key=crashcourse:owner,Value=$OWNER" \
    --query InstanceProfile.Arn --output text
fi
if PROFILE_ROLES=$(aws iam get-instance-profile --instance-profile-name "$TUTORIAL_ROLE" \
    --query 'length(InstanceProfile.Roles)' --output text) \
    && [ "$PROFILE_ROLES" = 0 ]; then
  aws iam add-role-to-instance-profile --instance-profile-name "$TUTORIAL_ROLE" \
    --role-name "$TUTORIAL_ROLE"
fi
# [end instance-profile]

# [start role-tags]
aws iam list-role-tags --role-name "$TUTORIAL_ROLE" --query Tags --output text
# [end role-tags]

# [start resume-launch]
cd ~/first-analysis && pwd | sed "s#^$HOME#~#"
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
REGION=$(aws configure get region)
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
TUTORIAL_BUCKET="crashcourse-lesson-$READER-$ACCOUNT_ID-$REGION"
TUTORIAL_ROLE="crashcourse-first-analysis-$READER"
TUTORIAL_SG=$(aws ec2 describe-security-groups \
  --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'SecurityGroups[0].GroupId' --output text)
TUTORIAL_INSTANCE_ID=$(aws ec2 describe-instances \
  --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=pending,running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
echo "$OWNER $TUTORIAL_ROLE"
echo "Security group: $TUTORIAL_SG"
echo "Instance: $TUTORIAL_INSTANCE_ID"
# [end resume-launch]

# [start security-group]
TUTORIAL_SG=$(aws ec2 describe-security-groups \
  --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'SecurityGroups[0].GroupId' --output text)
if [ "$TUTORIAL_SG" != "None" ]; then
  echo "Security group $TUTORIAL_SG is yours already: using it"
else
  TUTORIAL_VPC=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true \
    --query 'Vpcs[0].VpcId' --output text)
  if [ "$TUTORIAL_VPC" = "None" ]; then
    echo "This Region has no default VPC: see the step's dropdown, then paste this block again"
  else
    TUTORIAL_SG=$(aws ec2 create-security-group --group-name "crashcourse-first-analysis-$READER" \
      --description "First analysis tutorial: no inbound rules" --vpc-id "$TUTORIAL_VPC" \
      --tag-specifications \
        "ResourceType=security-group,Tags=[{Key=crashcourse,Value=first-analysis},{Key=crashcourse:owner,Value=$OWNER}]" \
      --query GroupId --output text)
  fi
fi
if [ "$TUTORIAL_SG" != "None" ]; then
  aws ec2 describe-security-groups --group-ids "$TUTORIAL_SG" \
    --query 'SecurityGroups[0].[GroupName,length(IpPermissions),length(IpPermissionsEgress)]' \
    --output text
fi
# [end security-group]

# [start launch]
TUTORIAL_INSTANCE_ID=$(aws ec2 describe-instances \
  --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=pending,running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
if [ "$TUTORIAL_INSTANCE_ID" != "None" ]; then
  echo "Instance $TUTORIAL_INSTANCE_ID is yours and running already: not launching another"
else
  TUTORIAL_AMI=$(aws ssm get-parameter \
    --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \
    --query Parameter.Value --output text)
  for TUTORIAL_TRY in $(seq 1 30); do
    if TUTORIAL_LAUNCH=$(aws ec2 run-instances --image-id "$TUTORIAL_AMI" \
      --instance-type t3.micro --iam-instance-profile Name="$TUTORIAL_ROLE" \
      --security-group-ids "$TUTORIAL_SG" --metadata-options HttpTokens=required \
      --tag-specifications \
        "ResourceType=instance,Tags=[{Key=Name,Value=first-analysis},{Key=crashcourse,Value=first-analysis},{Key=crashcourse:owner,Value=$OWNER}]" \
        "ResourceType=volume,Tags=[{Key=crashcourse,Value=first-analysis},{Key=crashcourse:owner,Value=$OWNER}]" \
      --query 'Instances[0].InstanceId' --output text 2>&1); then
      TUTORIAL_INSTANCE_ID="$TUTORIAL_LAUNCH"
      break
    fi
    echo "$TUTORIAL_LAUNCH"
    if echo "$TUTORIAL_LAUNCH" | grep -q PendingVerification; then
      TUTORIAL_WAIT=60
    elif echo "$TUTORIAL_LAUNCH" | grep -q -e "Invalid IAM Instance Profile" -e RequestLimitExceeded; then
      TUTORIAL_WAIT=10
    else
      break
    fi
    if [ "$TUTORIAL_TRY" -lt 30 ]; then
      echo "Try $TUTORIAL_TRY of 30 failed: trying again in $TUTORIAL_WAIT seconds"
      sleep "$TUTORIAL_WAIT"
    fi
  done
fi
if [ "$TUTORIAL_INSTANCE_ID" = "None" ]; then
  echo "No instance was launched: read the error above and the step's dropdowns, then paste this block again"
else
  aws ec2 wait instance-running --instance-ids "$TUTORIAL_INSTANCE_ID"
  aws ec2 describe-instances --instance-ids "$TUTORIAL_INSTANCE_ID" \
    --query 'Reservations[0].Instances[0].[InstanceId,State.Name,InstanceType,MetadataOptions.HttpTokens]' \
    --output text
fi
# [end launch]

# [start wait-for-ssm]
for TUTORIAL_TRY in $(seq 1 30); do
  TUTORIAL_PING=$(aws ssm describe-instance-information \
    --filters "Key=InstanceIds,Values=$TUTORIAL_INSTANCE_ID" \
    --query 'InstanceInformationList[0].PingStatus' --output text)
  [ "$TUTORIAL_PING" = "Online" ] && break
  if [ "$TUTORIAL_TRY" -lt 30 ]; then sleep 10; fi
done
echo "$TUTORIAL_PING"
# [end wait-for-ssm]

# [start resume-analysis]
cd ~/first-analysis && pwd | sed "s#^$HOME#~#"
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
REGION=$(aws configure get region)
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
TUTORIAL_BUCKET="crashcourse-lesson-$READER-$ACCOUNT_ID-$REGION"
TUTORIAL_ROLE="crashcourse-first-analysis-$READER"
TUTORIAL_INSTANCE_ID=$(aws ec2 describe-instances \
  --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
echo "$TUTORIAL_INSTANCE_ID $TUTORIAL_BUCKET"
# [end resume-analysis]

# [start connect] not-emulated: opens a shell on a real instance
aws ssm start-session --target "$TUTORIAL_INSTANCE_ID"
# [end connect]
# [stand-in connect] aws s3 cp --no-progress "s3://$TUTORIAL_BUCKET/reads/NA12878_20k_reads_1.fastq" - | awk 'NR % 4 == 2 { reads += 1; bases += length($0); gc += gsub(/[GCgc]/, "") } END { printf "reads\t%d\nbases\t%d\nmean_length\t%.1f\ngc_percent\t%.1f\n", reads, bases, bases / reads, 100 * gc / bases }' | aws s3 cp --no-progress - "s3://$TUTORIAL_BUCKET/results/NA12878_20k_reads_1.stats.tsv"

# [start download-result]
aws s3 cp --no-progress "s3://$TUTORIAL_BUCKET/results/NA12878_20k_reads_1.stats.tsv" .
cat NA12878_20k_reads_1.stats.tsv
# [end download-result]

# The clean-up runs in a NEW terminal (the next day, say): it finds everything again by its
# per-reader name or its tags (crashcourse=first-analysis and the reader's crashcourse:owner),
# and sets every variable it uses.

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
REGION=$(aws configure get region)
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
TUTORIAL_BUCKET="crashcourse-lesson-$READER-$ACCOUNT_ID-$REGION"
TUTORIAL_ROLE="crashcourse-first-analysis-$READER"
if [ -n "$OWNER" ]; then
  echo "$OWNER $TUTORIAL_BUCKET"
else
  echo "Not signed in: run aws login (or aws sso login), then paste this block again"
fi
# [end cleanup]

# [start cleanup-instance]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
if [ -z "$OWNER" ] || [ -z "$READER" ]; then
  echo "Not signed in: run aws login (or aws sso login), then paste the first block of this part and this one again"
else
  TUTORIAL_FOUND=none
  for TUTORIAL_ID in $(aws ec2 describe-instances \
      --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
        Name=instance-state-name,Values=pending,running,stopping,stopped \
      --query 'Reservations[].Instances[].InstanceId' --output text); do
    aws ec2 terminate-instances --instance-ids "$TUTORIAL_ID" \
      --query 'TerminatingInstances[0].CurrentState.Name' --output text
    aws ec2 wait instance-terminated --instance-ids "$TUTORIAL_ID"
    TUTORIAL_FOUND=terminated
  done
  if [ "$TUTORIAL_FOUND" = none ]; then echo "No instance of yours is left to terminate"; fi
fi
# [end cleanup-instance]

# [start cleanup-security-group]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
if [ -z "$OWNER" ] || [ -z "$READER" ]; then
  echo "Not signed in: run aws login (or aws sso login), then paste the first block of this part and this one again"
else
  TUTORIAL_FOUND=none
  for TUTORIAL_SG in $(aws ec2 describe-security-groups \
      --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
      --query 'SecurityGroups[].GroupId' --output text); do
    for TUTORIAL_TRY in 1 2 3 4 5 6; do
      aws ec2 delete-security-group --group-id "$TUTORIAL_SG" >/dev/null && echo "Deleted $TUTORIAL_SG" && break
      if [ "$TUTORIAL_TRY" -lt 6 ]; then sleep 10; fi
    done
    TUTORIAL_FOUND=deleted
  done
  if [ "$TUTORIAL_FOUND" = none ]; then echo "No security group of yours is left to delete"; fi
fi
# [end cleanup-security-group]

# [start cleanup-role]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
if [ -z "$OWNER" ] || [ -z "$READER" ]; then
  echo "Not signed in: run aws login (or aws sso login), then paste the first block of this part and this one again"
else
  TUTORIAL_ROLE_FOUND=$(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
    --query "Roles[?RoleName=='$TUTORIAL_ROLE'].RoleName" --output text)
  if [ -z "$TUTORIAL_ROLE_FOUND" ] && TUTORIAL_ROLE_OWNER=$(aws iam list-role-tags --role-name "$TUTORIAL_ROLE" 2>/dev/null \
      --query "Tags[?Key=='crashcourse:owner'].Value" --output text) && [ "$TUTORIAL_ROLE_OWNER" = "$OWNER" ]; then
    TUTORIAL_ROLE_FOUND="$TUTORIAL_ROLE"
  fi
  if [ -n "$TUTORIAL_ROLE_FOUND" ]; then
    aws iam remove-role-from-instance-profile --instance-profile-name "$TUTORIAL_ROLE" \
      --role-name "$TUTORIAL_ROLE" 2>/dev/null
    aws iam delete-instance-profile --instance-profile-name "$TUTORIAL_ROLE" 2>/dev/null
    aws iam detach-role-policy --role-name "$TUTORIAL_ROLE" \
      --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore 2>/dev/null
    aws iam delete-role-policy --role-name "$TUTORIAL_ROLE" --policy-name first-analysis-bucket 2>/dev/null
    aws iam delete-role --role-name "$TUTORIAL_ROLE" && echo "Deleted $TUTORIAL_ROLE"
  else
    echo "No role $TUTORIAL_ROLE of yours is left to delete"
  fi
fi
# [end cleanup-role]

# [start look-before-delete]
aws s3 ls "s3://$TUTORIAL_BUCKET/" --recursive
# [end look-before-delete]

# [start cleanup-bucket]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
if [ -z "$OWNER" ] || [ -z "$READER" ]; then
  echo "Not signed in: run aws login (or aws sso login), then paste the first block of this part and this one again"
else
  if BUCKET_OWNER=$(aws s3api get-bucket-tagging --bucket "$TUTORIAL_BUCKET" 2>/dev/null \
      --query "TagSet[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$BUCKET_OWNER" = "$OWNER" ]; then
    aws s3 rm "s3://$TUTORIAL_BUCKET" --recursive --quiet
    aws s3 rb "s3://$TUTORIAL_BUCKET"
  else
    echo "No bucket $TUTORIAL_BUCKET of yours is left to delete"
  fi
fi
# [end cleanup-bucket]

# [start cleanup-check]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
if [ -z "$OWNER" ] || [ -z "$READER" ]; then
  echo "Not signed in: run aws login (or aws sso login), then paste the first block of this part and this one again"
else
  echo "instances: $(aws ec2 describe-instances \
    --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=instance-state-name,Values=pending,running,shutting-down,stopping,stopped \
    --query 'length(Reservations[].Instances[])' --output text)"
  echo "volumes: $(aws ec2 describe-volumes \
    --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=status,Values=creating,available,in-use \
    --query 'length(Volumes)' --output text)"
  echo "security groups: $(aws ec2 describe-security-groups \
    --filters Name=tag:crashcourse,Values=first-analysis Name=tag:crashcourse:owner,Values="$OWNER" \
    --query 'length(SecurityGroups)' --output text)"
  echo "roles: $(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
    --query "length(Roles[?RoleName=='$TUTORIAL_ROLE'])" --output json)"
  echo "instance profiles: $(aws iam list-instance-profiles --path-prefix "/crashcourse/$OWNER/" \
    --query "length(InstanceProfiles[?InstanceProfileName=='$TUTORIAL_ROLE'])" --output json)"
  echo "buckets: $(aws s3api list-buckets \
    --query "length(Buckets[?Name=='$TUTORIAL_BUCKET'])" --output text)"
fi
# [end cleanup-check]
