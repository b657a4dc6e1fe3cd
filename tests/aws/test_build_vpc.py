"""Run howto/build-vpc.md against the emulator."""

from shown_outputs import outputs_test

test_outputs = outputs_test("build-vpc")  # its shown outputs (shown_outputs.py)

TAG = [{"Name": "tag:project", "Values": ["analysis-vpc"]}]


def tagged(ec2):
    """Everything in the account that carries the guide's tag, by kind."""
    return {
        "vpcs": ec2.describe_vpcs(Filters=TAG)["Vpcs"],
        "subnets": ec2.describe_subnets(Filters=TAG)["Subnets"],
        "route tables": ec2.describe_route_tables(Filters=TAG)["RouteTables"],
        "internet gateways": ec2.describe_internet_gateways(Filters=TAG)["InternetGateways"],
        "endpoints": [
            e for e in ec2.describe_vpc_endpoints(Filters=TAG)["VpcEndpoints"] if e["State"].lower() != "deleted"
        ],
        "addresses": ec2.describe_addresses(Filters=TAG)["Addresses"],
        "NAT gateways": [
            n for n in ec2.describe_nat_gateways(Filters=TAG)["NatGateways"] if n["State"] != "deleted"
        ],
    }


def test_build_vpc(guide):
    g = guide("build-vpc")
    g.run()
    ec2 = g.client("ec2")
    vpc_id = g.var("LAB_VPC_ID")
    found = tagged(ec2)
    assert {k: len(v) for k, v in found.items()} == {
        "vpcs": 1, "subnets": 2, "route tables": 2, "internet gateways": 1,
        "endpoints": 1, "addresses": 1, "NAT gateways": 1,
    }
    subnets = {s["CidrBlock"]: s for s in found["subnets"]}
    assert set(subnets) == {"10.0.1.0/24", "10.0.2.0/24"}
    assert subnets["10.0.1.0/24"]["MapPublicIpOnLaunch"] is True
    assert subnets["10.0.2.0/24"]["MapPublicIpOnLaunch"] is False
    assert found["internet gateways"][0]["Attachments"][0]["VpcId"] == vpc_id

    def default_route(subnet_id):
        rtb = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
        routes = rtb["RouteTables"][0]["Routes"]
        return next(r for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0")

    assert default_route(g.var("PUBLIC_SUBNET_ID"))["GatewayId"] == g.var("IGW_ID")
    assert default_route(g.var("PRIVATE_SUBNET_ID"))["NatGatewayId"] == g.var("NAT_ID")

    endpoint = found["endpoints"][0]
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert endpoint["ServiceName"] == "com.amazonaws.us-east-1.s3"
    assert endpoint["RouteTableIds"] == [g.var("PRIVATE_RTB_ID")]

    g.cleanup()
    left = {k: v for k, v in tagged(ec2).items() if v}
    assert not left, left
    assert vpc_id not in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]


def test_build_vpc_pasted_twice(guide):
    """Every block pasted twice in a row (a reader's double paste) fails nowhere and makes nothing twice:
    one VPC, two subnets, one NAT gateway (which bills by the hour) and one Elastic IP address."""
    g = guide("build-vpc")
    g._bash([s for s in g._steps(cleanup=False) for _ in (1, 2)], None, g.workdir / "state.sh")
    ec2 = g.client("ec2")
    assert {k: len(v) for k, v in tagged(ec2).items()} == {
        "vpcs": 1, "subnets": 2, "route tables": 2, "internet gateways": 1,
        "endpoints": 1, "addresses": 1, "NAT gateways": 1,
    }
    private = ec2.describe_route_tables(RouteTableIds=[g.var("PRIVATE_RTB_ID")])["RouteTables"][0]
    assert [r.get("NatGatewayId") for r in private["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"] == [g.var("NAT_ID")]
    g.cleanup()
    assert not {k: v for k, v in tagged(ec2).items() if v}
