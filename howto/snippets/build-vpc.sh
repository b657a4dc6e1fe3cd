# Commands for howto/build-vpc.md. Every resource gets the tag project=analysis-vpc.
# Sections hold no comments (interactive zsh would run them).

# [start set-names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
read -r REGION AZ < <(aws ec2 describe-availability-zones \
  --query 'AvailabilityZones[0].[RegionName,ZoneName]' --output text)
tags() { echo "ResourceType=$1,Tags=[{Key=Name,Value=$2},{Key=project,Value=analysis-vpc},{Key=crashcourse:owner,Value=$OWNER}]"; }
echo "$REGION $AZ"
# [end set-names]

# [start create-vpc]
LAB_VPC_ID=$(aws ec2 describe-vpcs \
  --filters Name=tag:project,Values=analysis-vpc Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'Vpcs[0].VpcId' --output text)
if [ "$LAB_VPC_ID" = None ]; then
  LAB_VPC_ID=$(aws ec2 create-vpc --cidr-block 10.0.0.0/16 \
    --tag-specifications "$(tags vpc analysis-vpc)" \
    --query Vpc.VpcId --output text)
fi
aws ec2 wait vpc-available --vpc-ids "$LAB_VPC_ID"
# [end create-vpc]

# [start create-subnets]
PUBLIC_SUBNET_ID=$(aws ec2 describe-subnets \
  --filters Name=vpc-id,Values="$LAB_VPC_ID" Name=cidr-block,Values=10.0.1.0/24 \
  --query 'Subnets[0].SubnetId' --output text)
if [ "$PUBLIC_SUBNET_ID" = None ]; then
  PUBLIC_SUBNET_ID=$(aws ec2 create-subnet --vpc-id "$LAB_VPC_ID" --cidr-block 10.0.1.0/24 \
    --availability-zone "$AZ" --tag-specifications "$(tags subnet public-a)" \
    --query Subnet.SubnetId --output text)
fi
PRIVATE_SUBNET_ID=$(aws ec2 describe-subnets \
  --filters Name=vpc-id,Values="$LAB_VPC_ID" Name=cidr-block,Values=10.0.2.0/24 \
  --query 'Subnets[0].SubnetId' --output text)
if [ "$PRIVATE_SUBNET_ID" = None ]; then
  PRIVATE_SUBNET_ID=$(aws ec2 create-subnet --vpc-id "$LAB_VPC_ID" --cidr-block 10.0.2.0/24 \
    --availability-zone "$AZ" --tag-specifications "$(tags subnet private-a)" \
    --query Subnet.SubnetId --output text)
fi
# [end create-subnets]

# [start internet-gateway]
IGW_ID=$(aws ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values="$LAB_VPC_ID" \
  --query 'InternetGateways[0].InternetGatewayId' --output text)
if [ "$IGW_ID" = None ]; then
  IGW_ID=$(aws ec2 create-internet-gateway \
    --tag-specifications "$(tags internet-gateway analysis-igw)" \
    --query InternetGateway.InternetGatewayId --output text)
  aws ec2 attach-internet-gateway --internet-gateway-id "$IGW_ID" --vpc-id "$LAB_VPC_ID"
fi
# [end internet-gateway]

# [start public-route-table]
PUBLIC_RTB_ID=$(aws ec2 describe-route-tables \
  --filters Name=vpc-id,Values="$LAB_VPC_ID" Name=tag:Name,Values=public \
  --query 'RouteTables[0].RouteTableId' --output text)
if [ "$PUBLIC_RTB_ID" = None ]; then
  PUBLIC_RTB_ID=$(aws ec2 create-route-table --vpc-id "$LAB_VPC_ID" \
    --tag-specifications "$(tags route-table public)" \
    --query RouteTable.RouteTableId --output text)
  aws ec2 create-route --route-table-id "$PUBLIC_RTB_ID" \
    --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW_ID"
  aws ec2 associate-route-table --route-table-id "$PUBLIC_RTB_ID" --subnet-id "$PUBLIC_SUBNET_ID" \
    --query AssociationState.State --output text
fi
aws ec2 modify-subnet-attribute --subnet-id "$PUBLIC_SUBNET_ID" --map-public-ip-on-launch
# [end public-route-table]

# [start private-route-table]
PRIVATE_RTB_ID=$(aws ec2 describe-route-tables \
  --filters Name=vpc-id,Values="$LAB_VPC_ID" Name=tag:Name,Values=private \
  --query 'RouteTables[0].RouteTableId' --output text)
if [ "$PRIVATE_RTB_ID" = None ]; then
  PRIVATE_RTB_ID=$(aws ec2 create-route-table --vpc-id "$LAB_VPC_ID" \
    --tag-specifications "$(tags route-table private)" \
    --query RouteTable.RouteTableId --output text)
  aws ec2 associate-route-table --route-table-id "$PRIVATE_RTB_ID" --subnet-id "$PRIVATE_SUBNET_ID" \
    --query AssociationState.State --output text
fi
# [end private-route-table]

# [start s3-endpoint]
S3_ENDPOINT_ID=$(aws ec2 describe-vpc-endpoints \
  --filters Name=vpc-id,Values="$LAB_VPC_ID" Name=service-name,Values="com.amazonaws.$REGION.s3" \
  --query 'VpcEndpoints[0].VpcEndpointId' --output text)
if [ "$S3_ENDPOINT_ID" = None ]; then
  S3_ENDPOINT_ID=$(aws ec2 create-vpc-endpoint --vpc-id "$LAB_VPC_ID" \
    --vpc-endpoint-type Gateway --service-name "com.amazonaws.$REGION.s3" \
    --route-table-ids "$PRIVATE_RTB_ID" \
    --tag-specifications "$(tags vpc-endpoint s3-gateway)" \
    --query VpcEndpoint.VpcEndpointId --output text)
fi
echo "$S3_ENDPOINT_ID"
# [end s3-endpoint]

# [start nat-gateway]
NAT_ID=$(aws ec2 describe-nat-gateways \
  --filter Name=vpc-id,Values="$LAB_VPC_ID" Name=state,Values=pending,available \
  --query 'NatGateways[0].NatGatewayId' --output text)
if [ "$NAT_ID" = None ]; then
  NAT_EIP_ID=$(aws ec2 allocate-address --domain vpc \
    --tag-specifications "$(tags elastic-ip analysis-nat)" \
    --query AllocationId --output text)
  NAT_ID=$(aws ec2 create-nat-gateway --subnet-id "$PUBLIC_SUBNET_ID" --allocation-id "$NAT_EIP_ID" \
    --tag-specifications "$(tags natgateway analysis-nat)" \
    --query NatGateway.NatGatewayId --output text)
fi
aws ec2 wait nat-gateway-available --nat-gateway-ids "$NAT_ID"
NAT_ROUTES=$(aws ec2 describe-route-tables --route-table-ids "$PRIVATE_RTB_ID" \
  --query "length(RouteTables[0].Routes[?DestinationCidrBlock=='0.0.0.0/0'])" --output text)
if [ "$NAT_ROUTES" = 0 ]; then
  aws ec2 create-route --route-table-id "$PRIVATE_RTB_ID" \
    --destination-cidr-block 0.0.0.0/0 --nat-gateway-id "$NAT_ID"
fi
# [end nat-gateway]

# [start check-subnets]
aws ec2 describe-subnets --filters Name=vpc-id,Values="$LAB_VPC_ID" \
  --query 'Subnets[].[Tags[?Key==`Name`]|[0].Value,CidrBlock,AvailabilityZone,MapPublicIpOnLaunch]' \
  --output text
# [end check-subnets]

# [start check-routes]
aws ec2 describe-route-tables \
  --filters Name=tag:project,Values=analysis-vpc Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'RouteTables[].{table: Tags[?Key==`Name`]|[0].Value, routes: Routes[].[DestinationCidrBlock || DestinationPrefixListId, GatewayId || NatGatewayId]}' \
  --output json
# [end check-routes]

# [start cleanup-nat]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for nat in $(aws ec2 describe-nat-gateways --query 'NatGateways[].NatGatewayId' --output text \
    --filter Name=tag:project,Values=analysis-vpc Name=tag:crashcourse:owner,Values="$OWNER" \
      Name=state,Values=pending,available); do
  aws ec2 delete-nat-gateway --nat-gateway-id "$nat" --query NatGatewayId --output text
  aws ec2 wait nat-gateway-deleted --nat-gateway-ids "$nat"
done
for eip in $(aws ec2 describe-addresses \
    --filters Name=tag:project,Values=analysis-vpc Name=tag:crashcourse:owner,Values="$OWNER" \
    --query 'Addresses[].AllocationId' --output text); do
  aws ec2 release-address --allocation-id "$eip"
done
# [end cleanup-nat]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for vpc in $(aws ec2 describe-vpcs \
    --filters Name=tag:project,Values=analysis-vpc Name=tag:crashcourse:owner,Values="$OWNER" \
    --query 'Vpcs[].VpcId' --output text); do
  for ep in $(aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values="$vpc" \
      --query 'VpcEndpoints[].VpcEndpointId' --output text); do
    aws ec2 delete-vpc-endpoints --vpc-endpoint-ids "$ep" --query 'Unsuccessful' --output text
  done
  for rtb in $(aws ec2 describe-route-tables --query 'RouteTables[].RouteTableId' --output text \
      --filters Name=vpc-id,Values="$vpc" Name=tag:project,Values=analysis-vpc); do
    for assoc in $(aws ec2 describe-route-tables --route-table-ids "$rtb" \
        --query 'RouteTables[0].Associations[].RouteTableAssociationId' --output text); do
      aws ec2 disassociate-route-table --association-id "$assoc"
    done
    aws ec2 delete-route-table --route-table-id "$rtb"
  done
  for igw in $(aws ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values="$vpc" \
      --query 'InternetGateways[].InternetGatewayId' --output text); do
    aws ec2 detach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc"
    aws ec2 delete-internet-gateway --internet-gateway-id "$igw"
  done
  for sg in $(aws ec2 describe-security-groups --filters Name=vpc-id,Values="$vpc" \
      --query 'SecurityGroups[?GroupName!=`default`].GroupId' --output text); do
    aws ec2 delete-security-group --group-id "$sg" --query GroupId --output text
  done
  for subnet in $(aws ec2 describe-subnets --filters Name=vpc-id,Values="$vpc" \
      --query 'Subnets[].SubnetId' --output text); do
    aws ec2 delete-subnet --subnet-id "$subnet"
  done
  aws ec2 delete-vpc --vpc-id "$vpc"
done
# [end cleanup]

# [start cleanup-check]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
aws ec2 describe-vpcs --filters Name=tag:project,Values=analysis-vpc Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'length(Vpcs)' --output text
aws ec2 describe-addresses --filters Name=tag:project,Values=analysis-vpc Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'length(Addresses)' --output text
aws ec2 describe-nat-gateways --filter Name=tag:project,Values=analysis-vpc Name=tag:crashcourse:owner,Values="$OWNER" \
  --query 'NatGateways[].State' --output text
# [end cleanup-check]
