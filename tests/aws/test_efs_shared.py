"""Run howto/efs-shared.md against the emulator."""


def test_efs_shared(guide):
    g = guide("efs-shared")
    g.run()
    efs, ec2 = g.client("efs"), g.client("ec2")
    fs_id, efs_sg, client_sg = g.var("FS_ID"), g.var("EFS_SG"), g.var("CLIENT_SG")

    fs = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]
    assert fs["Encrypted"] is True
    assert {"Key": "project", "Value": "crash-course"} in fs["Tags"]

    targets = efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
    zones = {z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}
    assert {t["AvailabilityZoneName"] for t in targets} == zones  # one in every zone
    assert len(targets) == len(zones)
    for t in targets:
        groups = efs.describe_mount_target_security_groups(MountTargetId=t["MountTargetId"])["SecurityGroups"]
        assert groups == [efs_sg]

    rules = ec2.describe_security_groups(GroupIds=[efs_sg])["SecurityGroups"][0]["IpPermissions"]
    assert len(rules) == 1
    assert (rules[0]["IpProtocol"], rules[0]["FromPort"], rules[0]["ToPort"]) == ("tcp", 2049, 2049)
    assert [p["GroupId"] for p in rules[0]["UserIdGroupPairs"]] == [client_sg]
    assert not rules[0]["IpRanges"]  # no address range: only the clients' group

    g.cleanup()
    assert not efs.describe_file_systems()["FileSystems"]
    names = {s["GroupName"] for s in ec2.describe_security_groups()["SecurityGroups"]}
    assert not {"efs-clients", "efs-mount-targets"} & names
