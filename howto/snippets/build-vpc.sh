# Commands for howto/build-vpc.md. Every resource gets the tag project=analysis-vpc.

# [start set-names]
# The Region of your profile (see choose-region.md) and its first Availability Zone.
read -r REGION AZ < <(aws ec2 describe-availability-zones \
  --query 'AvailabilityZones[0].[RegionName,ZoneName]' --output text)
tags() { echo "ResourceType=$1,Tags=[{Key=Name,Value=$2},{Key=project,Value=analysis-vpc}]"; }
echo "$REGION $AZ"
# [end set-names]

# [start create-vpc]
VPC_ID=$(aws ec2 create-vpc --cidr-block 10.0.0.0/16 \
  --tag-specifications "$(tags vpc analysis-vpc)" \
  --query Vpc.VpcId --output text)
aws ec2 wait vpc-available --vpc-ids "$VPC_ID"
# [end create-vpc]

# [start create-subnets]
PUBLIC_SUBNET=$(aws ec2 create-subnet --vpc-id "$VPC_ID" --cidr-block 10.0.1.0/24 \
  --availability-zone "$AZ" --tag-specifications "$(tags subnet public-a)" \
  --query Subnet.SubnetId --output text)
PRIVATE_SUBNET=$(aws ec2 create-subnet --vpc-id "$VPC_ID" --cidr-block 10.0.2.0/24 \
  --availability-zone "$AZ" --tag-specifications "$(tags subnet private-a)" \
  --query Subnet.SubnetId --output text)
# [end create-subnets]

# [start internet-gateway]
IGW_ID=$(aws ec2 create-internet-gateway \
  --tag-specifications "$(tags internet-gateway analysis-igw)" \
  --query InternetGateway.InternetGatewayId --output text)
aws ec2 attach-internet-gateway --internet-gateway-id "$IGW_ID" --vpc-id "$VPC_ID"
# [end internet-gateway]

# [start public-route-table]
PUBLIC_RTB=$(aws ec2 create-route-table --vpc-id "$VPC_ID" \
  --tag-specifications "$(tags route-table public)" \
  --query RouteTable.RouteTableId --output text)
aws ec2 create-route --route-table-id "$PUBLIC_RTB" \
  --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW_ID"
aws ec2 associate-route-table --route-table-id "$PUBLIC_RTB" --subnet-id "$PUBLIC_SUBNET" \
  --query AssociationState.State --output text
# Instances launched in the public subnet get a public IPv4 address.
aws ec2 modify-subnet-attribute --subnet-id "$PUBLIC_SUBNET" --map-public-ip-on-launch
# [end public-route-table]

# [start private-route-table]
PRIVATE_RTB=$(aws ec2 create-route-table --vpc-id "$VPC_ID" \
  --tag-specifications "$(tags route-table private)" \
  --query RouteTable.RouteTableId --output text)
aws ec2 associate-route-table --route-table-id "$PRIVATE_RTB" --subnet-id "$PRIVATE_SUBNET" \
  --query AssociationState.State --output text
# [end private-route-table]

# [start s3-endpoint]
S3_ENDPOINT=$(aws ec2 create-vpc-endpoint --vpc-id "$VPC_ID" \
  --vpc-endpoint-type Gateway --service-name "com.amazonaws.$REGION.s3" \
  --route-table-ids "$PRIVATE_RTB" \
  --tag-specifications "$(tags vpc-endpoint s3-gateway)" \
  --query VpcEndpoint.VpcEndpointId --output text)
echo "$S3_ENDPOINT"
# [end s3-endpoint]

# [start nat-gateway]
EIP_ALLOC=$(aws ec2 allocate-address --domain vpc \
  --tag-specifications "$(tags elastic-ip analysis-nat)" \
  --query AllocationId --output text)
NAT_ID=$(aws ec2 create-nat-gateway --subnet-id "$PUBLIC_SUBNET" --allocation-id "$EIP_ALLOC" \
  --tag-specifications "$(tags natgateway analysis-nat)" \
  --query NatGateway.NatGatewayId --output text)
aws ec2 wait nat-gateway-available --nat-gateway-ids "$NAT_ID"
aws ec2 create-route --route-table-id "$PRIVATE_RTB" \
  --destination-cidr-block 0.0.0.0/0 --nat-gateway-id "$NAT_ID"
# [end nat-gateway]

# [start check-subnets]
aws ec2 describe-subnets --filters Name=vpc-id,Values="$VPC_ID" \
  --query 'Subnets[].[Tags[?Key==`Name`]|[0].Value,CidrBlock,AvailabilityZone,MapPublicIpOnLaunch]' \
  --output text
# [end check-subnets]

# [start check-routes]
aws ec2 describe-route-tables --filters Name=tag:project,Values=analysis-vpc \
  --query 'RouteTables[].{table: Tags[?Key==`Name`]|[0].Value, routes: Routes[].[DestinationCidrBlock || DestinationPrefixListId, GatewayId || NatGatewayId]}' \
  --output json
# [end check-routes]

# [start cleanup-nat]
# Only if you created the NAT gateway: it bills by the hour until it is deleted.
aws ec2 delete-nat-gateway --nat-gateway-id "$NAT_ID" --query NatGatewayId --output text
aws ec2 wait nat-gateway-deleted --nat-gateway-ids "$NAT_ID"
aws ec2 release-address --allocation-id "$EIP_ALLOC"
# [end cleanup-nat]

# [start cleanup]
aws ec2 delete-vpc-endpoints --vpc-endpoint-ids "$S3_ENDPOINT" --query 'Unsuccessful' --output text
for RTB in "$PUBLIC_RTB" "$PRIVATE_RTB"; do
  for ASSOC in $(aws ec2 describe-route-tables --route-table-ids "$RTB" \
      --query 'RouteTables[0].Associations[].RouteTableAssociationId' --output text); do
    aws ec2 disassociate-route-table --association-id "$ASSOC"
  done
  aws ec2 delete-route-table --route-table-id "$RTB"
done
aws ec2 detach-internet-gateway --internet-gateway-id "$IGW_ID" --vpc-id "$VPC_ID"
aws ec2 delete-internet-gateway --internet-gateway-id "$IGW_ID"
aws ec2 delete-subnet --subnet-id "$PUBLIC_SUBNET"
aws ec2 delete-subnet --subnet-id "$PRIVATE_SUBNET"
aws ec2 delete-vpc --vpc-id "$VPC_ID"
# [end cleanup]

# [start cleanup-check]
aws ec2 describe-vpcs --filters Name=tag:project,Values=analysis-vpc \
  --query 'length(Vpcs)' --output text
aws ec2 describe-addresses --filters Name=tag:project,Values=analysis-vpc \
  --query 'length(Addresses)' --output text
aws ec2 describe-nat-gateways --filter Name=tag:project,Values=analysis-vpc \
  --query 'NatGateways[].State' --output text
# [end cleanup-check]
