# Commands for howto/launch-instance.md. Sections hold no comments (interactive zsh would run them).

# [start set-names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
KEY_NAME="crashcourse-$READER"
BOX_NAME=analysis-box
BOX_TYPE=t3.micro
echo "$OWNER $KEY_NAME"
# [end set-names]

# [start find-ami]
AMI_ID=$(aws ssm get-parameter \
  --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \
  --query Parameter.Value --output text)
echo "$AMI_ID"
# [end find-ami]

# [start compare-types]
aws ec2 describe-instance-types --instance-types t3.micro m7i.xlarge r7i.2xlarge \
  --query 'sort_by(InstanceTypes, &VCpuInfo.DefaultVCpus)[].[InstanceType,VCpuInfo.DefaultVCpus,MemoryInfo.SizeInMiB,FreeTierEligible]' \
  --output table
# [end compare-types]

# [start create-key]
mkdir -p ~/.ssh
KEY_FOUND=$(aws ec2 describe-key-pairs \
  --filters Name=key-name,Values="$KEY_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'length(KeyPairs)' --output text)
if [ -z "$KEY_FOUND" ]; then
  echo "AWS did not answer the look-up for your key pair (its error is above): nothing was changed."
  echo "If the error says your session expired, run aws login (or aws sso login), paste the earlier steps of this page again, then this block."
else
  if [ "$KEY_FOUND" != 0 ]; then
    if [ -s ~/.ssh/analysis-key.pem ]; then
      echo "Key pair $KEY_NAME is yours already, with its private key in ~/.ssh/analysis-key.pem: keeping both"
    else
      echo "Key pair $KEY_NAME is yours, but ~/.ssh/analysis-key.pem is missing, and AWS gives a private key only once."
      echo "Delete the key pair with: aws ec2 delete-key-pair --key-name $KEY_NAME"
      echo "then paste this block again."
    fi
  elif [ -e ~/.ssh/analysis-key.pem ]; then
    echo "A file ~/.ssh/analysis-key.pem exists, but no key pair $KEY_NAME of yours does in this Region: kept it."
    echo "If it is another Region's key, rename it: mv ~/.ssh/analysis-key.pem ~/.ssh/analysis-key-old.pem"
    echo "then paste this block again."
  else
    if KEY_MATERIAL=$(aws ec2 create-key-pair --key-name "$KEY_NAME" --key-type ed25519 \
        --tag-specifications "ResourceType=key-pair,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
        --query KeyMaterial --output text); then
      (umask 077 && printf '%s\n' "$KEY_MATERIAL" > ~/.ssh/analysis-key.pem)
      chmod 400 ~/.ssh/analysis-key.pem
      echo "Saved the private key of $KEY_NAME in ~/.ssh/analysis-key.pem"
    else
      echo "AWS did not make key pair $KEY_NAME (its error is above): nothing was saved."
      echo "If the error says it already exists, a key pair of that name without your owner tag is in this Region."
      echo "In your own account, if you made it and no longer need it, delete it with: aws ec2 delete-key-pair --key-name $KEY_NAME"
      echo "In a lab account, your permissions cannot delete it: ask your administrator. Then paste this block again."
    fi
  fi
fi
# [end create-key]

# [start run-instance]
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values="$BOX_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=pending,running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
BOX_STOPPED=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values="$BOX_NAME" Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=stopping,stopped \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
if [ -z "$BOX_ID" ] || [ -z "$BOX_STOPPED" ]; then
  BOX_ID=
  echo "AWS did not answer the look-up for your instance (its error is above): nothing was launched."
  echo "If the error says your session expired, run aws login (or aws sso login), paste the earlier steps of this page again, then this block."
else
  if [ "$BOX_ID" != None ]; then
    echo "Instance $BOX_ID is yours and running already: not launching another"
  elif [ "$BOX_STOPPED" != None ]; then
    BOX_ID="$BOX_STOPPED"
    echo "Instance $BOX_ID is yours and stopped: not launching another"
    echo "Start it with: aws ec2 wait instance-stopped --instance-ids $BOX_ID && aws ec2 start-instances --instance-ids $BOX_ID"
  else
    BOX_ID=
    for BOX_TRY in $(seq 1 30); do
      if BOX_LAUNCH=$(aws ec2 run-instances \
          --image-id "$AMI_ID" \
          --instance-type "$BOX_TYPE" \
          --key-name "$KEY_NAME" \
          --metadata-options HttpTokens=required,HttpEndpoint=enabled \
          --tag-specifications \
            "ResourceType=instance,Tags=[{Key=Name,Value=$BOX_NAME},{Key=crashcourse:owner,Value=$OWNER}]" \
            "ResourceType=volume,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" \
          --query 'Instances[0].InstanceId' --output text 2>&1); then
        BOX_ID="$BOX_LAUNCH"
        break
      fi
      echo "$BOX_LAUNCH"
      if echo "$BOX_LAUNCH" | grep -q PendingVerification; then
        BOX_WAIT=60
      elif echo "$BOX_LAUNCH" | grep -q RequestLimitExceeded; then
        BOX_WAIT=10
      else
        break
      fi
      if [ "$BOX_TRY" -lt 30 ]; then
        echo "Try $BOX_TRY of 30 failed: trying again in $BOX_WAIT seconds"
        sleep "$BOX_WAIT"
      fi
    done
    if [ -n "$BOX_ID" ]; then
      echo "$BOX_ID"
    else
      echo "No instance was launched: find the error above in this step's list, then paste this block again"
    fi
  fi
fi
# [end run-instance]

# [start wait-running]
aws ec2 wait instance-running --instance-ids "$BOX_ID"
# [end wait-running]

# [start describe]
aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].[State.Name,InstanceType,Placement.AvailabilityZone,PublicIpAddress]' \
  --output text
# [end describe]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=instance-state-name,Values=pending,running,stopping,stopped \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" \
    --query 'TerminatingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-terminated --instance-ids "$id"
done
for key in $(aws ec2 describe-key-pairs --filters Name=tag:crashcourse:owner,Values="$OWNER" \
    --query 'KeyPairs[].KeyName' --output text); do
  aws ec2 delete-key-pair --key-name "$key"
done
rm -f ~/.ssh/analysis-key.pem
# [end cleanup]
