"""Run howto/instance-role-s3.md against the emulator."""

import json
from urllib.parse import unquote

AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def _document(doc):
    return json.loads(unquote(doc)) if isinstance(doc, str) else doc


def test_instance_role_s3(guide):
    g = guide("instance-role-s3")
    ec2, iam = g.client("ec2"), g.client("iam")
    # The reader's instance, from the launch-instance guide.
    instance_id = ec2.run_instances(
        ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}]}],
    )["Instances"][0]["InstanceId"]

    g.run()
    assert g.var("INSTANCE_ID") == instance_id
    role = g.var("ROLE")
    trust = _document(iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert trust["Statement"][0]["Action"] == "sts:AssumeRole"

    policy = _document(iam.get_role_policy(RoleName=role, PolicyName="s3-one-bucket")["PolicyDocument"])
    bucket = g.var("BUCKET")
    grants = {s["Sid"]: s for s in policy["Statement"]}
    assert grants["ListTheBucket"]["Action"] == "s3:ListBucket"
    assert grants["ListTheBucket"]["Resource"] == f"arn:aws:s3:::{bucket}"
    assert sorted(grants["ReadAndWriteObjects"]["Action"]) == ["s3:GetObject", "s3:PutObject"]
    assert grants["ReadAndWriteObjects"]["Resource"] == f"arn:aws:s3:::{bucket}/*"
    assert all(s["Effect"] == "Allow" and "*" not in s["Action"] for s in policy["Statement"])

    profile = iam.get_instance_profile(InstanceProfileName=role)["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [role]
    assoc = ec2.describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": [instance_id]}]
    )["IamInstanceProfileAssociations"]
    assert len(assoc) == 1 and assoc[0]["IamInstanceProfile"]["Arn"] == profile["Arn"]

    g.cleanup()
    assert not iam.list_roles()["Roles"]
    assert not iam.list_instance_profiles()["InstanceProfiles"]
    assert not ec2.describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": [instance_id]}]
    )["IamInstanceProfileAssociations"]
