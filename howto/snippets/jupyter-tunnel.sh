# Commands for howto/jupyter-tunnel.md.

# [start find-instance]
INSTANCE_NAME=analysis-box   # the Name tag of your instance
aws ec2 describe-instances \
  --filters Name=tag:Name,Values="$INSTANCE_NAME" Name=instance-state-name,Values=running \
  --query 'Reservations[].Instances[].[InstanceId,PublicIpAddress,InstanceType]' --output text
INSTANCE_ID=$(aws ec2 describe-instances \
  --filters Name=tag:Name,Values="$INSTANCE_NAME" Name=instance-state-name,Values=running \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
PUBLIC_IP=$(aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].PublicIpAddress' --output text)
# [end find-instance]

# [start install-jupyter] not-emulated: runs on the instance
sudo dnf install -y python3-pip tmux
python3 -m pip install --user jupyterlab
# [end install-jupyter]

# [start start-jupyter] not-emulated: runs on the instance
tmux new-session -d -s jupyter 'jupyter lab --no-browser --ip=127.0.0.1 --port=8888'
sleep 5
jupyter server list
# [end start-jupyter]

# [start ssh-tunnel] not-emulated: opens an SSH connection to a real instance
ssh -i analysis-key.pem -N -L 8888:localhost:8888 ec2-user@"$PUBLIC_IP"
# [end ssh-tunnel]

# [start ssm-tunnel] not-emulated: opens a Session Manager session to a real instance
aws ssm start-session --target "$INSTANCE_ID" \
  --document-name AWS-StartPortForwardingSession \
  --parameters '{"portNumber":["8888"],"localPortNumber":["8888"]}'
# [end ssm-tunnel]

# [start check-tunnel] not-emulated: needs the tunnel to a real instance
curl -s -o /dev/null -w '%{http_code}\n' http://localhost:8888/api
# [end check-tunnel]

# [start stop-jupyter] not-emulated: runs on the instance
jupyter server stop 8888
tmux kill-session -t jupyter
# [end stop-jupyter]

# [start cleanup]
# Stop the instance until you need it again; its EBS volumes are kept (and billed).
aws ec2 stop-instances --instance-ids "$INSTANCE_ID" \
  --query 'StoppingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-stopped --instance-ids "$INSTANCE_ID"
# [end cleanup]
