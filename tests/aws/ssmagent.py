"""What moto 5.2.5 lacks of AWS Systems Manager that the tutorial waits for: an instance's SSM
Agent registering it as a managed node, which DescribeInstanceInformation then lists. moto has no
DescribeInstanceInformation at all (the AWS CLI gets an error), so the tutorial's wait for
`Online` could not run. Added to the emulator the tests fork (motofork.py).

On AWS a node is managed, and Session Manager can open a shell on it, when the SSM Agent runs on
it (Amazon Linux 2023's AMIs come with it), its instance profile's role gives Systems Manager's
permissions (the AWS managed policy AmazonSSMManagedInstanceCore), and it can reach Systems
Manager's endpoints ("Setting up Session Manager" and "Configure instance permissions required for
Systems Manager", AWS Systems Manager User Guide:
https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-prerequisites.html,
https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html).
Here a RUNNING instance whose profile's role has AmazonSSMManagedInstanceCore attached, and which
can reach those endpoints, is listed, `Online`, at once (the agent's minutes of start-up are not
emulated); any other is not listed, as on AWS a node whose agent never reported in is not. Reaching
them means, as the prerequisites put it, HTTPS (port 443) out to `ssm`, `ec2messages` and
`ssmmessages` in the Region: here, a public IPv4 address (the default VPC's subnets give one, and
its internet gateway carries it) and a security group of the instance whose outbound rules allow
TCP 443 to 0.0.0.0/0 (a new group's default outbound rule, all traffic, does). A page that
revokes that rule, or launches without a public address, sees no `Online` here either. Interface
VPC endpoints for Systems Manager, the other way AWS documents, are not emulated: such a page fails
here. Only the fields AWS's own example output shows
for any EC2 node, whatever its system, are given (the AWS CLI's bundled example for
describe-instance-information): InstanceId, PingStatus, ResourceType `EC2Instance`, PlatformType
`Linux` (the tests launch Linux images only). PlatformName and the agent's version are left out,
so a page that prints them stays not-emulated. Filters: `InstanceIds` (in `Filters` or
`InstanceInformationFilterList`), as the tutorial uses; any other filter key is refused, so a page
that relies on one fails here instead of seeing every node.
"""

from __future__ import annotations

CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


def managed(instance, ec2_backend) -> bool:
    """Whether the instance's agent would report in: running, with AmazonSSMManagedInstanceCore
    on its profile's role, and able to reach Systems Manager's endpoints (`reaches_endpoints`)."""
    if instance.state != "running":
        return False
    association = ec2_backend.iam_instance_profile_associations.get(instance.id)
    profile = association.iam_instance_profile if association else None
    if not any(CORE in role.managed_policies for role in (profile.roles if profile else [])):
        return False
    return reaches_endpoints(instance)


def reaches_endpoints(instance) -> bool:
    """A public IPv4 address, and an outbound rule of one of its security groups that lets TCP 443
    out to anywhere (all traffic, all TCP, or a port range holding 443)."""
    if not instance.public_ip:
        return False
    return any(
        rule.ip_range.get("CidrIp") == "0.0.0.0/0"
        and (rule.ip_protocol == "-1" or rule.ip_protocol == "tcp" and rule.from_port <= 443 <= rule.to_port)
        for nic in instance.nics.values() for group in nic.group_set for rule in group.egress_rules
    )


def wanted_ids(filters: list[dict] | None, legacy: list[dict] | None) -> set[str] | None:
    """The instance IDs the request's filters ask for (None: every node)."""
    from moto.ssm.exceptions import ValidationException

    ids: set[str] | None = None
    for f in (filters or []) + [{"Key": f.get("key"), "Values": f.get("valueSet")} for f in (legacy or [])]:
        if f.get("Key") != "InstanceIds":
            raise ValidationException(f"the emulator's DescribeInstanceInformation knows only the InstanceIds filter, not {f.get('Key')!r}")
        ids = (ids or set()) | set(f.get("Values") or [])
    return ids


def install() -> None:
    """Add DescribeInstanceInformation to moto's SSM responses; call before the emulator serves."""
    from moto.core.responses import ActionResult
    from moto.ec2.models import ec2_backends
    from moto.ssm.responses import SimpleSystemManagerResponse

    def describe_instance_information(self) -> ActionResult:
        ec2 = ec2_backends[self.current_account][self.region]
        ids = wanted_ids(self._get_param("Filters"), self._get_param("InstanceInformationFilterList"))
        nodes = [
            {"InstanceId": i.id, "PingStatus": "Online", "ResourceType": "EC2Instance", "PlatformType": "Linux"}
            for i in ec2.all_instances()
            if (ids is None or i.id in ids) and managed(i, ec2)
        ]
        return ActionResult({"InstanceInformationList": nodes})

    SimpleSystemManagerResponse.describe_instance_information = describe_instance_information
