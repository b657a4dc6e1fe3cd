# Commands for howto/parallelcluster.md. Sections are pasted as they are, so they hold no
# comments: interactive zsh (macOS) runs a pasted "# ..." line as a command. What a block
# does is said on the page, next to it. The cluster configuration that write-config writes is
# validated with aws-parallelcluster's own schema by `nox -s pcluster` (tests/pcluster/).

# [start install] not-emulated: installs the pcluster CLI on your computer
python3 -m venv ~/pcluster-venv
~/pcluster-venv/bin/python -m pip install aws-parallelcluster==3.16.1 "boto3[crt]"
node --version
~/pcluster-venv/bin/pcluster version
# [end install]

# [start set-names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
PC_REGION=$(aws configure get region)
CLUSTER_NAME="crashcourse-$READER"
PC_BUCKET="crashcourse-data-$READER-$ACCOUNT_ID-$PC_REGION"
echo "$CLUSTER_NAME $PC_BUCKET"
# [end set-names]

# [start find-network]
PC_VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true \
  --query 'Vpcs[0].VpcId' --output text)
PC_VPC_CIDR=$(aws ec2 describe-vpcs --vpc-ids "$PC_VPC_ID" --query 'Vpcs[0].CidrBlock' --output text)
PC_AZ=$(aws ec2 describe-instance-type-offerings --location-type availability-zone \
  --filters Name=instance-type,Values=c7i.large \
  --query 'sort_by(InstanceTypeOfferings, &Location)[0].Location' --output text)
PC_SUBNET_ID=$(aws ec2 describe-subnets \
  --filters Name=vpc-id,Values="$PC_VPC_ID" Name=default-for-az,Values=true Name=availability-zone,Values="$PC_AZ" \
  --query 'Subnets[0].SubnetId' --output text)
echo "$PC_VPC_CIDR $PC_AZ $PC_SUBNET_ID"
# [end find-network]

# [start spot-role]
SPOT_ROLES=$(aws iam list-roles --path-prefix /aws-service-role/spot.amazonaws.com/ \
  --query 'length(Roles)' --output text)
if [ "$SPOT_ROLES" = 0 ]; then
  aws iam create-service-linked-role --aws-service-name spot.amazonaws.com > /dev/null
fi
aws iam list-roles --path-prefix /aws-service-role/spot.amazonaws.com/ \
  --query 'length(Roles)' --output text
# [end spot-role]

# [start write-config]
PC_DIR=$(mktemp -d)
cat > "$PC_DIR/cluster.yaml" <<EOF
Region: $PC_REGION
Image:
  Os: alinux2023
HeadNode:
  InstanceType: t3.micro
  Networking:
    SubnetId: $PC_SUBNET_ID
  Ssh:
    AllowedIps: $PC_VPC_CIDR
  Iam:
    AdditionalIamPolicies:
      - Policy: arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
    S3Access:
      - BucketName: $PC_BUCKET
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: spot
      CapacityType: SPOT
      AllocationStrategy: price-capacity-optimized
      Networking:
        SubnetIds:
          - $PC_SUBNET_ID
      ComputeResources:
        - Name: c7i-c6i-large
          Instances:
            - InstanceType: c7i.large
            - InstanceType: c6i.large
          MinCount: 0
          MaxCount: 4
      Iam:
        S3Access:
          - BucketName: $PC_BUCKET
            EnableWriteAccess: true
SharedStorage:
  - MountDir: /shared
    Name: shared
    StorageType: Efs
    EfsSettings:
      Encrypted: true
      DeletionPolicy: Delete
Monitoring:
  Logs:
    CloudWatch:
      RetentionInDays: 14
      DeletionPolicy: Delete
  Dashboards:
    CloudWatch:
      Enabled: false
Iam:
  PermissionsBoundary: arn:aws:iam::$ACCOUNT_ID:policy/crashcourse-pcluster-boundary
Tags:
  - Key: crashcourse:owner
    Value: $OWNER
EOF
grep -E 'SubnetId:|AllowedIps:|PermissionsBoundary:|Value:' "$PC_DIR/cluster.yaml"
# [end write-config]

# [start create] not-emulated: pcluster creates the cluster in your AWS account
if ~/pcluster-venv/bin/pcluster describe-cluster --cluster-name "$CLUSTER_NAME" > /dev/null 2>&1; then
  echo "$CLUSTER_NAME exists already"
else
  ~/pcluster-venv/bin/pcluster create-cluster --cluster-name "$CLUSTER_NAME" \
    --cluster-configuration "$PC_DIR/cluster.yaml" --query cluster.clusterStatus
fi
# [end create]

# [start wait-created] not-emulated: waits for the cluster in your AWS account
PC_WAITED=0
until PC_STATUS=$(~/pcluster-venv/bin/pcluster describe-cluster --cluster-name "$CLUSTER_NAME" \
    --query clusterStatus); [ "$PC_STATUS" != '"CREATE_IN_PROGRESS"' ] || [ "$PC_WAITED" -ge 3600 ]; do
  sleep 60
  PC_WAITED=$((PC_WAITED + 60))
done
~/pcluster-venv/bin/pcluster describe-cluster --cluster-name "$CLUSTER_NAME" --query clusterStatus
# [end wait-created]

# [start connect] not-emulated: opens a Session Manager session to the head node
HEAD_ID=$(aws ec2 describe-instances \
  --filters Name=tag:parallelcluster:cluster-name,Values="$CLUSTER_NAME" \
    Name=tag:parallelcluster:node-type,Values=HeadNode Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
aws ssm start-session --target "$HEAD_ID"
# [end connect]

# [start become-ec2-user] not-emulated: runs on the head node, in the Session Manager session
sudo -iu ec2-user
# [end become-ec2-user]

# [start submit] not-emulated: runs on the head node, as ec2-user
cat > ~/hello.sbatch <<'EOF'
#!/bin/bash
#SBATCH --job-name=hello
#SBATCH --partition=spot
#SBATCH --array=1-4
#SBATCH --output=hello-%a.out
echo "task $SLURM_ARRAY_TASK_ID ran on $SLURMD_NODENAME"
ls -d /shared
EOF
sbatch ~/hello.sbatch
# [end submit]

# [start watch] not-emulated: runs on the head node, as ec2-user
squeue
sinfo
# [end watch]

# [start wait-jobs] not-emulated: runs on the head node, as ec2-user
waited=0
while [ -n "$(squeue --noheader --user "$USER")" ] && [ "$waited" -lt 1800 ]; do
  sleep 30
  waited=$((waited + 30))
done
cat ~/hello-*.out
# [end wait-jobs]

# [start cleanup] not-emulated: pcluster deletes the cluster in your AWS account
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
CLUSTER_NAME="crashcourse-$READER"
if [ -z "$READER" ]; then
  echo "Not signed in: run aws login (or aws sso login), then paste this block again"
elif ~/pcluster-venv/bin/pcluster describe-cluster --cluster-name "$CLUSTER_NAME" > /dev/null 2>&1; then
  ~/pcluster-venv/bin/pcluster delete-cluster --cluster-name "$CLUSTER_NAME" --query cluster.clusterStatus
fi
waited=0
while PC_STATUS=$(~/pcluster-venv/bin/pcluster describe-cluster --cluster-name "$CLUSTER_NAME" \
    --query clusterStatus 2> /dev/null) && [ "$PC_STATUS" = '"DELETE_IN_PROGRESS"' ] && [ "$waited" -lt 1800 ]; do
  sleep 60
  waited=$((waited + 60))
done
if ~/pcluster-venv/bin/pcluster describe-cluster --cluster-name "$CLUSTER_NAME" > /dev/null 2>&1; then
  echo "$CLUSTER_NAME is still there ($PC_STATUS): ~/pcluster-venv/bin/pcluster get-cluster-stack-events --cluster-name $CLUSTER_NAME says why"
fi
# [end cleanup]

# [start cleanup-check]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
CLUSTER_NAME="crashcourse-$READER"
aws ec2 describe-instances \
  --filters Name=tag:parallelcluster:cluster-name,Values="$CLUSTER_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=pending,running,stopping,stopped \
  --query 'length(Reservations[].Instances[])' --output text
aws efs describe-file-systems --output text --query \
  "length(FileSystems[?Tags[?Key=='parallelcluster:cluster-name' && Value=='$CLUSTER_NAME']])"
aws logs describe-log-groups --log-group-name-prefix "/aws/parallelcluster/$CLUSTER_NAME-" \
  --query 'length(logGroups)' --output text
# [end cleanup-check]
