# Commands for howto/launch-instance.md.

# [start set-names]
KEY_NAME=analysis-key        # the key pair, and the private key file KEY_NAME.pem
INSTANCE_NAME=analysis-box   # the Name tag that later guides look the instance up by
INSTANCE_TYPE=t3.micro       # 2 vCPUs, 1 GiB of memory: enough to try things out
# [end set-names]

# [start find-ami]
AMI_ID=$(aws ssm get-parameter \
  --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \
  --query Parameter.Value --output text)
echo "$AMI_ID"
# [end find-ami]

# [start compare-types]
aws ec2 describe-instance-types --instance-types t3.micro m7i.xlarge r7i.2xlarge \
  --query 'InstanceTypes[].[InstanceType,VCpuInfo.DefaultVCpus,MemoryInfo.SizeInMiB]' \
  --output table
# [end compare-types]

# [start create-key]
aws ec2 create-key-pair --key-name "$KEY_NAME" --key-type ed25519 \
  --query KeyMaterial --output text > "$KEY_NAME.pem"
chmod 400 "$KEY_NAME.pem"
# [end create-key]

# [start run-instance]
INSTANCE_ID=$(aws ec2 run-instances \
  --image-id "$AMI_ID" \
  --instance-type "$INSTANCE_TYPE" \
  --key-name "$KEY_NAME" \
  --tag-specifications "ResourceType=instance,Tags=[{Key=Name,Value=$INSTANCE_NAME}]" \
  --query 'Instances[0].InstanceId' --output text)
echo "$INSTANCE_ID"
# [end run-instance]

# [start wait-running]
aws ec2 wait instance-running --instance-ids "$INSTANCE_ID"
# [end wait-running]

# [start describe]
aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].[State.Name,InstanceType,Placement.AvailabilityZone,PublicIpAddress]' \
  --output text
# [end describe]

# [start cleanup]
aws ec2 terminate-instances --instance-ids "$INSTANCE_ID" \
  --query 'TerminatingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-terminated --instance-ids "$INSTANCE_ID"
aws ec2 delete-key-pair --key-name "$KEY_NAME"
rm -f "$KEY_NAME.pem"
# [end cleanup]
