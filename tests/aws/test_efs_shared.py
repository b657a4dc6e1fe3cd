"""howto/efs-shared.md: an encrypted file system with a mount target in every zone, reachable over
NFS only from the instances in the reader's `crashcourse-efs-clients-READER` group, which the page gives `analysis-box`.

The clean-up runs in a new terminal that knows none of the page's variables: it must find the
file system by its Name and owner tags and the groups by owner tag and name, wait (bounded) for the mount targets to go,
and take the clients group off the instance before deleting it.
"""

from conftest import EMULATED_READER, OWNER_TAG
from shown_outputs import outputs_test

test_outputs = outputs_test("efs-shared")  # its shown outputs (shown_outputs.py)

CLIENTS = f"crashcourse-efs-clients-{EMULATED_READER}"
TARGETS = f"crashcourse-efs-targets-{EMULATED_READER}"
AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def groups_of(ec2, instance_id):
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    return sorted(g["GroupName"] for g in instance["SecurityGroups"])


def test_efs_shared(guide):
    g = guide("efs-shared")
    efs, ec2 = g.client("efs"), g.client("ec2")
    ami = g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    default_sg = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
    box = ec2.run_instances(  # the instance "How to launch an EC2 instance" leaves running
        ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        SecurityGroupIds=[default_sg],  # what AWS gives an instance launched without a group
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}, OWNER_TAG]}],
    )["Instances"][0]["InstanceId"]
    g.run()
    fs_id, target_sg, client_sg = g.var("EFS_ID"), g.var("EFS_TARGET_SG_ID"), g.var("EFS_CLIENT_SG_ID")

    fs = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]
    assert fs["Encrypted"] is True
    assert fs["Name"] == "shared-data"  # what the clean-up finds it by, with the owner tag
    assert OWNER_TAG in fs["Tags"]
    assert fs["ThroughputMode"] == "elastic"
    assert g.outputs["create-file-system"].split() == [fs_id, fs_id, "available", "True"]

    targets = efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
    zones = {z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}
    assert {t["AvailabilityZoneName"] for t in targets} == zones  # one in every zone
    assert len(targets) == len(zones)
    for t in targets:
        groups = efs.describe_mount_target_security_groups(MountTargetId=t["MountTargetId"])["SecurityGroups"]
        assert groups == [target_sg]

    rules = ec2.describe_security_groups(GroupIds=[target_sg])["SecurityGroups"][0]["IpPermissions"]
    assert len(rules) == 1
    assert (rules[0]["IpProtocol"], rules[0]["FromPort"], rules[0]["ToPort"]) == ("tcp", 2049, 2049)
    assert [p["GroupId"] for p in rules[0]["UserIdGroupPairs"]] == [client_sg]
    assert not rules[0]["IpRanges"]  # no address range: only the clients' group

    # The instance kept the group it had and gained efs-clients.
    assert groups_of(ec2, box) == sorted(["default", CLIENTS])
    assert g.outputs["join-clients"].split() in ([CLIENTS, "default"], ["default", CLIENTS])

    (g.workdir / "state.sh").write_text("")  # the next day: a new terminal, none of the variables
    g.cleanup()
    assert not efs.describe_file_systems()["FileSystems"]
    names = {s["GroupName"] for s in ec2.describe_security_groups()["SecurityGroups"]}
    assert not {CLIENTS, TARGETS} & names
    assert groups_of(ec2, box) == ["default"]
    g.cleanup()  # pasted again: finds nothing, fails on nothing
