# Commands for howto/jupyter-tunnel.md. Sections are pasted as they are, so they hold no
# comments: interactive zsh (macOS) runs a pasted "# ..." line as a command. What a block
# does is said on the page, next to it.

# [start find-instance]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
BOX_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
    Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
BOX_IP=$(aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].PublicIpAddress' --output text)
aws ec2 describe-instances --instance-ids "$BOX_ID" \
  --query 'Reservations[0].Instances[0].[InstanceId,PublicIpAddress,InstanceType,IamInstanceProfile.Arn]' \
  --output text
# [end find-instance]

# [start connect-ssh] not-emulated: opens an SSH session to a real instance
ssh -i ~/.ssh/analysis-key.pem ec2-user@"$BOX_IP"
# [end connect-ssh]

# [start connect-ssm] not-emulated: opens a Session Manager session to a real instance
aws ssm start-session --target "$BOX_ID"
# [end connect-ssm]

# [start become-ec2-user] not-emulated: runs on the instance, in a Session Manager session
sudo -iu ec2-user
# [end become-ec2-user]

# [start install-jupyter] not-emulated: runs on the instance, as ec2-user
sudo dnf install -y tmux
python3 -m venv ~/jupyter-env
~/jupyter-env/bin/python -m pip install jupyterlab
# [end install-jupyter]

# [start start-jupyter] not-emulated: runs on the instance, as ec2-user
tmux new-session -d -s jupyter ~/jupyter-env/bin/jupyter lab --no-browser --ip=127.0.0.1 --port=8888
sleep 10
~/jupyter-env/bin/jupyter server list
# [end start-jupyter]

# [start ssh-tunnel] not-emulated: opens an SSH connection to a real instance
ssh -i ~/.ssh/analysis-key.pem -N -L 8888:127.0.0.1:8888 ec2-user@"$BOX_IP"
# [end ssh-tunnel]

# [start ssm-tunnel] not-emulated: opens a Session Manager session to a real instance
aws ssm start-session --target "$BOX_ID" \
  --document-name AWS-StartPortForwardingSession \
  --parameters '{"portNumber":["8888"],"localPortNumber":["8888"]}'
# [end ssm-tunnel]

# [start check-tunnel] not-emulated: needs the tunnel to a real instance
curl -s -o /dev/null -w '%{http_code}\n' http://localhost:8888/api
# [end check-tunnel]

# [start stop-jupyter] not-emulated: runs on the instance, as ec2-user
~/jupyter-env/bin/jupyter server stop 8888
# [end stop-jupyter]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for id in $(aws ec2 describe-instances \
    --filters Name=tag:Name,Values=analysis-box Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=instance-state-name,Values=pending,running \
    --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 stop-instances --instance-ids "$id" \
    --query 'StoppingInstances[0].CurrentState.Name' --output text
  aws ec2 wait instance-stopped --instance-ids "$id"
done
# [end cleanup]
