# Commands for howto/batch-jobs.md. Sections hold no comments (interactive zsh would run them):
# what a comment would say is on the page, next to the block.

# [start names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
REGION=$(aws configure get region)
DATA_BUCKET="crashcourse-data-$READER-$ACCOUNT_ID-$REGION"
BATCH_NAME="crashcourse-batch-$READER"
JOB_ROLE="crashcourse-batch-job-$READER"
EXEC_ROLE="crashcourse-batch-exec-$READER"
echo "$BATCH_NAME $DATA_BUCKET"
# [end names]

# [start inputs]
INPUT_DIR=$(mktemp -d)
printf '@a1\nACGT\n+\nIIII\n' > "$INPUT_DIR/sample-a.fastq"
printf '@b1\nACGT\n+\nIIII\n@b2\nGGCC\n+\nIIII\n' > "$INPUT_DIR/sample-b.fastq"
printf '@c1\nACGT\n+\nIIII\n@c2\nGGCC\n+\nIIII\n@c3\nTTAA\n+\nIIII\n' > "$INPUT_DIR/sample-c.fastq"
aws s3 cp "$INPUT_DIR/" "s3://$DATA_BUCKET/batch/inputs/" --recursive --quiet
aws s3api list-objects-v2 --bucket "$DATA_BUCKET" --prefix batch/inputs/ \
  --query 'Contents[].Key' --output text | tr '\t' '\n' > "$INPUT_DIR/manifest.txt"
aws s3 cp "$INPUT_DIR/manifest.txt" "s3://$DATA_BUCKET/batch/manifest.txt" --quiet
cat "$INPUT_DIR/manifest.txt"
# [end inputs]

# [start job-script]
SCRIPT_DIR=$(mktemp -d)
cat > "$SCRIPT_DIR/count-reads.sh" <<'EOF'
set -eu
KEY=$(aws s3 cp "s3://$DATA_BUCKET/batch/manifest.txt" - | sed -n "$((AWS_BATCH_JOB_ARRAY_INDEX + 1))p")
SAMPLE=$(basename "$KEY" .fastq)
INPUT=$(mktemp)
aws s3 cp "s3://$DATA_BUCKET/$KEY" "$INPUT" --quiet
READS=$(( $(wc -l < "$INPUT") / 4 ))
echo "$SAMPLE: $READS reads"
printf '%s\t%s\n' "$SAMPLE" "$READS" | aws s3 cp - "s3://$DATA_BUCKET/batch/outputs/$SAMPLE.tsv"
EOF
aws s3 cp "$SCRIPT_DIR/count-reads.sh" "s3://$DATA_BUCKET/batch/count-reads.sh" --quiet
# [end job-script]

# [start log-group]
LOG_GROUPS=$(aws logs describe-log-groups --log-group-name-prefix "$BATCH_NAME" \
  --query "length(logGroups[?logGroupName=='$BATCH_NAME'])" --output text)
if [ "$LOG_GROUPS" = 0 ]; then
  aws logs create-log-group --log-group-name "$BATCH_NAME" --tags "crashcourse:owner=$OWNER"
fi
aws logs put-retention-policy --log-group-name "$BATCH_NAME" --retention-in-days 7
# [end log-group]

# [start roles]
ROLE_DIR=$(mktemp -d)
cat > "$ROLE_DIR/ecs-tasks-trust.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "ecs-tasks.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
cat > "$ROLE_DIR/job-role.json" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadTheScriptAndInputs",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::$DATA_BUCKET/batch/*"
    },
    {
      "Sid": "WriteResults",
      "Effect": "Allow",
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::$DATA_BUCKET/batch/outputs/*"
    }
  ]
}
EOF
cat > "$ROLE_DIR/exec-role.json" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "WriteTheJobsLogs",
      "Effect": "Allow",
      "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
      "Resource": "arn:aws:logs:$REGION:$ACCOUNT_ID:log-group:$BATCH_NAME:*"
    }
  ]
}
EOF
OLD_ROLES=$(aws iam list-roles --output text \
  --query "Roles[?Path=='/' && (RoleName=='$JOB_ROLE' || RoleName=='$EXEC_ROLE')].RoleName")
if [ -n "$OLD_ROLES" ]; then
  echo "Outside /crashcourse/$OWNER/ (an earlier version of this guide made them): $OLD_ROLES. Delete them with this page's clean-up, then paste this block again"
else
  if [ -z "$(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" --query "Roles[?RoleName=='$JOB_ROLE'].Arn" --output text)" ]; then
    aws iam create-role --role-name "$JOB_ROLE" --path "/crashcourse/$OWNER/" \
      --assume-role-policy-document "file://$ROLE_DIR/ecs-tasks-trust.json" \
      --description "AWS Batch jobs: read and write batch/ in one bucket" \
      --permissions-boundary "arn:aws:iam::$ACCOUNT_ID:policy/crashcourse-boundary" \
      --tags "Key=crashcourse:owner,Value=$OWNER" --query Role.Arn --output text
  fi
  if [ -z "$(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" --query "Roles[?RoleName=='$EXEC_ROLE'].Arn" --output text)" ]; then
    aws iam create-role --role-name "$EXEC_ROLE" --path "/crashcourse/$OWNER/" \
      --assume-role-policy-document "file://$ROLE_DIR/ecs-tasks-trust.json" \
      --description "AWS Batch on Fargate: write the jobs' logs" \
      --permissions-boundary "arn:aws:iam::$ACCOUNT_ID:policy/crashcourse-boundary" \
      --tags "Key=crashcourse:owner,Value=$OWNER" --query Role.Arn --output text
  fi
  aws iam put-role-policy --role-name "$JOB_ROLE" --policy-name batch-data \
    --policy-document "file://$ROLE_DIR/job-role.json"
  aws iam put-role-policy --role-name "$EXEC_ROLE" --policy-name batch-logs \
    --policy-document "file://$ROLE_DIR/exec-role.json"
fi
# [end roles]

# [start network]
VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)
SUBNETS=$(aws ec2 describe-subnets --filters Name=vpc-id,Values="$VPC_ID" Name=default-for-az,Values=true \
  --query 'Subnets[].SubnetId' --output json)
BATCH_SG=$(aws ec2 describe-security-groups \
  --filters Name=group-name,Values="$BATCH_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'SecurityGroups[0].GroupId' --output text)
if [ "$BATCH_SG" = None ]; then
  BATCH_SG=$(aws ec2 create-security-group --group-name "$BATCH_NAME" --vpc-id "$VPC_ID" \
    --description "AWS Batch jobs: outbound only" \
    --tag-specifications "ResourceType=security-group,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
    --query GroupId --output text)
fi
echo "$VPC_ID $BATCH_SG"
# [end network]

# [start compute-environment]
CE_DIR=$(mktemp -d)
cat > "$CE_DIR/compute-resources.json" <<EOF
{
  "type": "FARGATE_SPOT",
  "maxvCpus": 4,
  "subnets": $SUBNETS,
  "securityGroupIds": ["$BATCH_SG"]
}
EOF
ENVIRONMENTS=$(aws batch describe-compute-environments --compute-environments "$BATCH_NAME" \
  --query 'length(computeEnvironments)' --output text)
if [ "$ENVIRONMENTS" = 0 ]; then
  aws batch create-compute-environment --compute-environment-name "$BATCH_NAME" --type MANAGED \
    --compute-resources "file://$CE_DIR/compute-resources.json" \
    --tags "crashcourse:owner=$OWNER" --query computeEnvironmentName --output text
fi
for attempt in $(seq 30); do
  ENVIRONMENT_STATUS=$(aws batch describe-compute-environments --compute-environments "$BATCH_NAME" \
    --query 'computeEnvironments[0].status' --output text)
  if [ "$ENVIRONMENT_STATUS" != CREATING ]; then break; fi
  sleep 10
done
aws batch describe-compute-environments --compute-environments "$BATCH_NAME" \
  --query 'computeEnvironments[0].[status,state,computeResources.type,computeResources.maxvCpus]' --output text
# [end compute-environment]

# [start job-queue]
if [ "$(aws batch describe-job-queues --job-queues "$BATCH_NAME" --query 'length(jobQueues)' --output text)" = 0 ]; then
  aws batch create-job-queue --job-queue-name "$BATCH_NAME" --priority 1 \
    --compute-environment-order "order=1,computeEnvironment=$BATCH_NAME" \
    --tags "crashcourse:owner=$OWNER" --query jobQueueName --output text
fi
for attempt in $(seq 30); do
  QUEUE_STATUS=$(aws batch describe-job-queues --job-queues "$BATCH_NAME" \
    --query 'jobQueues[0].status' --output text)
  if [ "$QUEUE_STATUS" != CREATING ]; then break; fi
  sleep 10
done
aws batch describe-job-queues --job-queues "$BATCH_NAME" --query 'jobQueues[0].[status,state]' --output text
# [end job-queue]

# [start job-definition]
JOBDEF_DIR=$(mktemp -d)
cat > "$JOBDEF_DIR/container.json" <<EOF
{
  "image": "public.ecr.aws/amazonlinux/amazonlinux:2023",
  "command": ["sh", "-c",
    "dnf install -y -q awscli-2 && aws s3 cp s3://$DATA_BUCKET/batch/count-reads.sh /tmp/count-reads.sh && sh /tmp/count-reads.sh"],
  "environment": [{"name": "DATA_BUCKET", "value": "$DATA_BUCKET"}, {"name": "AWS_DEFAULT_REGION", "value": "$REGION"}],
  "jobRoleArn": "arn:aws:iam::$ACCOUNT_ID:role/crashcourse/$OWNER/$JOB_ROLE",
  "executionRoleArn": "arn:aws:iam::$ACCOUNT_ID:role/crashcourse/$OWNER/$EXEC_ROLE",
  "resourceRequirements": [{"type": "VCPU", "value": "0.5"}, {"type": "MEMORY", "value": "1024"}],
  "networkConfiguration": {"assignPublicIp": "ENABLED"},
  "logConfiguration": {
    "logDriver": "awslogs",
    "options": {"awslogs-group": "$BATCH_NAME", "awslogs-region": "$REGION", "awslogs-stream-prefix": "count-reads"}
  }
}
EOF
aws batch register-job-definition --job-definition-name "$BATCH_NAME" --type container \
  --platform-capabilities FARGATE --container-properties "file://$JOBDEF_DIR/container.json" \
  --retry-strategy attempts=3 --timeout attemptDurationSeconds=3600 \
  --tags "crashcourse:owner=$OWNER" --query '[jobDefinitionName,revision]' --output text
# [end job-definition]

# [start submit]
JOBS=$(aws s3 cp "s3://$DATA_BUCKET/batch/manifest.txt" - | grep -c .)
REVISION=$(aws batch describe-job-definitions --job-definition-name "$BATCH_NAME" --status ACTIVE \
  --query 'max(jobDefinitions[].revision)' --output text)
JOB_ID=$(aws batch submit-job --job-name "$BATCH_NAME-count-reads" --job-queue "$BATCH_NAME" \
  --job-definition "${BATCH_NAME}:${REVISION}" --array-properties "size=$JOBS" \
  --tags "crashcourse:owner=$OWNER" --query jobId --output text)
echo "$JOBS jobs in array job $JOB_ID"
# [end submit]

# [start watch]
for attempt in $(seq 60); do
  PROGRESS=$(aws batch describe-jobs --jobs "$JOB_ID" --query \
    'jobs[0].[status,arrayProperties.statusSummary.RUNNABLE,arrayProperties.statusSummary.RUNNING,arrayProperties.statusSummary.SUCCEEDED,arrayProperties.statusSummary.FAILED]' \
    --output text)
  echo "$PROGRESS"
  if echo "$PROGRESS" | grep -q -e '^SUCCEEDED' -e '^FAILED'; then break; fi
  sleep 30
done
# [end watch]

# [start logs] not-emulated: the emulator runs no container, so no job writes a log; and aws logs tail is AWS CLI version 2 only
aws logs tail "$BATCH_NAME" --since 1h --format short
# [end logs]
# [stand-in logs] STAND_IN=$(mktemp) && aws s3 cp "s3://$DATA_BUCKET/batch/count-reads.sh" "$STAND_IN" --quiet && for i in 0 1 2; do AWS_BATCH_JOB_ARRAY_INDEX=$i DATA_BUCKET=$DATA_BUCKET sh "$STAND_IN"; done

# [start logs-v1] not-emulated: the emulator runs no container, so no job writes a log
aws logs filter-log-events --log-group-name "$BATCH_NAME" --query 'events[].[message]' --output text
# [end logs-v1]

# [start check]
mkdir -p ~/crashcourse-batch
aws s3 cp "s3://$DATA_BUCKET/batch/outputs/" ~/crashcourse-batch/ --recursive --quiet
cat ~/crashcourse-batch/*.tsv
# [end check]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for queue in $(aws batch describe-job-queues --output text \
    --query "jobQueues[?starts_with(jobQueueName, 'crashcourse-batch-') && tags.\"crashcourse:owner\"=='$OWNER'].jobQueueName"); do
  aws batch update-job-queue --job-queue "$queue" --state DISABLED --query jobQueueName --output text
  for attempt in $(seq 30); do
    if [ "$(aws batch describe-job-queues --job-queues "$queue" --query 'jobQueues[0].status' --output text)" != UPDATING ]; then break; fi
    sleep 10
  done
  aws batch delete-job-queue --job-queue "$queue"
  for attempt in $(seq 30); do
    if [ "$(aws batch describe-job-queues --job-queues "$queue" --query "length(jobQueues[?status!='DELETED'])" --output text)" = 0 ]; then break; fi
    sleep 10
  done
done
for environment in $(aws batch describe-compute-environments --output text \
    --query "computeEnvironments[?starts_with(computeEnvironmentName, 'crashcourse-batch-') && tags.\"crashcourse:owner\"=='$OWNER'].computeEnvironmentName"); do
  aws batch update-compute-environment --compute-environment "$environment" --state DISABLED \
    --query computeEnvironmentName --output text
  for attempt in $(seq 30); do
    if [ "$(aws batch describe-compute-environments --compute-environments "$environment" --query 'computeEnvironments[0].status' --output text)" != UPDATING ]; then break; fi
    sleep 10
  done
  aws batch delete-compute-environment --compute-environment "$environment"
  for attempt in $(seq 30); do
    if [ "$(aws batch describe-compute-environments --compute-environments "$environment" --query "length(computeEnvironments[?status!='DELETED'])" --output text)" = 0 ]; then break; fi
    sleep 10
  done
done
for definition in $(aws batch describe-job-definitions --status ACTIVE --output text \
    --query "jobDefinitions[?starts_with(jobDefinitionName, 'crashcourse-batch-') && tags.\"crashcourse:owner\"=='$OWNER'].jobDefinitionArn"); do
  aws batch deregister-job-definition --job-definition "$definition"
done
# [end cleanup]

# [start cleanup-roles]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for role in $(aws iam list-roles --path-prefix "/crashcourse/$OWNER/" \
      --query "Roles[?starts_with(RoleName, 'crashcourse-batch-')].RoleName" --output text) \
    $(aws iam list-roles --query "Roles[?Path=='/' && starts_with(RoleName, 'crashcourse-batch-')].RoleName" --output text); do
  ROLE_OWNER=$(aws iam list-role-tags --role-name "$role" \
    --query "Tags[?Key=='crashcourse:owner'].Value" --output text)
  if [ "$ROLE_OWNER" = "$OWNER" ]; then
    for policy in $(aws iam list-role-policies --role-name "$role" --query 'PolicyNames[]' --output text); do
      aws iam delete-role-policy --role-name "$role" --policy-name "$policy"
    done
    aws iam delete-role --role-name "$role" && echo "deleted role $role"
  fi
done
# [end cleanup-roles]

# [start cleanup-rest]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for group in $(aws ec2 describe-security-groups --filters Name=tag:crashcourse:owner,Values="$OWNER" \
    --query "SecurityGroups[?starts_with(GroupName, 'crashcourse-batch-')].GroupId" --output text); do
  for attempt in $(seq 12); do
    if aws ec2 delete-security-group --group-id "$group" > /dev/null 2>&1; then
      echo "deleted security group $group"
      break
    fi
    echo "Try $attempt of 12: $group is still in use; trying again in 10 seconds."
    sleep 10
  done
done
for group in $(aws logs describe-log-groups --log-group-name-prefix crashcourse-batch- \
    --query 'logGroups[].logGroupArn' --output text); do
  GROUP_OWNER=$(aws logs list-tags-for-resource --resource-arn "$group" \
    --query 'tags."crashcourse:owner"' --output text)
  if [ "$GROUP_OWNER" = "$OWNER" ]; then
    aws logs delete-log-group --log-group-name "${group##*:}" && echo "deleted log group ${group##*:}"
  fi
done
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
DATA_BUCKET="crashcourse-data-$READER-$(aws sts get-caller-identity --query Account --output text)-$(aws configure get region)"
for bucket in $(aws s3api list-buckets --query "Buckets[?Name=='$DATA_BUCKET'].Name" --output text); do
  BUCKET_OWNER=$(aws s3api get-bucket-tagging --bucket "$bucket" \
    --query "TagSet[?Key=='crashcourse:owner'].Value" --output text)
  if [ "$BUCKET_OWNER" = "$OWNER" ]; then
    aws s3 rm "s3://$bucket/batch/" --recursive --quiet
  fi
done
rm -rf ~/crashcourse-batch
# [end cleanup-rest]
