"""howto/instance-role-s3.md: a role for one bucket (and Session Manager) on `analysis-box`.

The step the reader types on the instance runs too, in `sh` on the emulated instance
(instance_shell.py: the role's credentials from the instance metadata service, each call judged
by the IAM gate under the role's own policies): it lists and writes the bucket, and its last
command, which lists every bucket, is refused, so the block ends with AWS CLI version 2's exit
status for a service's error, 254, after printing what the page says it prints. The tour does
not run it (its start line says `not-emulated: runs on the instance`): this test does.

An instance has at most one instance profile. The reader's tour reaches this page after
session-manager, so `analysis-box` already carries that page's profile and step 5 takes its
replace branch; here both branches run: an instance with no profile, and one with another.
The clean-up runs in a new terminal that knows none of the page's variables.
"""

import json
import subprocess
from urllib.parse import unquote

import pytest

from conftest import EMULATED_OWNER, EMULATED_READER, OWNER_TAG, profiles_on
from instance_shell import instance_shell
from shown_outputs import outputs_test

test_outputs = outputs_test("instance-role-s3")  # its shown outputs (shown_outputs.py)

AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
ROLE = f"crashcourse-s3-access-{EMULATED_READER}"
BUCKET = f"crashcourse-data-{EMULATED_READER}-123456789012-us-east-1"  # s3-data's bucket: moto's account, the profile's Region
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def _document(doc):
    return json.loads(unquote(doc)) if isinstance(doc, str) else doc


@pytest.mark.parametrize("before", [None, "crashcourse-ssm"], ids=["no-profile", "has-a-profile"])
def test_instance_role_s3(guide, before):
    g = guide("instance-role-s3")
    ec2, iam = g.client("ec2"), g.client("iam")
    # The reader's instance, from the launch-instance guide (and, in the second case, with
    # session-manager's profile on it).
    instance_id = ec2.run_instances(
        ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "analysis-box"}, OWNER_TAG]}],
    )["Instances"][0]["InstanceId"]
    if before:
        iam.create_role(RoleName=before, AssumeRolePolicyDocument=json.dumps(TRUST))
        iam.create_instance_profile(InstanceProfileName=before)
        iam.add_role_to_instance_profile(InstanceProfileName=before, RoleName=before)
        ec2.associate_iam_instance_profile(InstanceId=instance_id, IamInstanceProfile={"Name": before})

    g.run()
    assert not g.json_left_in_home(), g.json_left_in_home()
    assert g.var("BOX_ID") == instance_id
    assert g.var("ROLE_BUCKET") == BUCKET
    trust = _document(iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert trust["Statement"][0]["Action"] == "sts:AssumeRole"

    policy = _document(iam.get_role_policy(RoleName=ROLE, PolicyName="s3-one-bucket")["PolicyDocument"])
    grants = {s["Sid"]: s for s in policy["Statement"]}
    assert grants["ListTheBucket"]["Action"] == "s3:ListBucket"
    assert grants["ListTheBucket"]["Resource"] == f"arn:aws:s3:::{BUCKET}"
    assert sorted(grants["ReadAndWriteObjects"]["Action"]) == ["s3:GetObject", "s3:PutObject"]
    assert grants["ReadAndWriteObjects"]["Resource"] == f"arn:aws:s3:::{BUCKET}/*"
    assert all(s["Effect"] == "Allow" and "*" not in s["Action"] for s in policy["Statement"])
    # Session Manager keeps working on an instance whose profile this one replaced.
    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]] == [CORE]

    profile = iam.get_instance_profile(InstanceProfileName=ROLE)["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [ROLE]
    role = iam.get_role(RoleName=ROLE)["Role"]  # both under the reader's own path, which the policies fence by
    assert role["Path"] == profile["Path"] == f"/crashcourse/{EMULATED_OWNER}/", (role["Path"], profile["Path"])
    assert g.outputs["trust-policy"].strip() == role["Arn"] and g.outputs["instance-profile"].strip() == profile["Arn"]
    assert profiles_on(ec2, instance_id) == [ROLE]  # one profile per instance: this page's
    shown_before = f"arn:aws:iam::123456789012:instance-profile/{before}" if before else "None"
    assert g.outputs["attach-profile"].split() == [shown_before, "associating"]
    assert g.outputs["check"].split() == ["associated", profile["Arn"]]
    check_on_instance(g, instance_id)

    (g.workdir / "state.sh").write_text("")  # the next day: a new terminal, none of the variables
    g.cleanup()
    assert ROLE not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert ROLE not in [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]]
    assert profiles_on(ec2, instance_id) == []
    if before:  # another page's role and profile are that page's to delete
        assert [r["RoleName"] for r in iam.get_instance_profile(InstanceProfileName=before)["InstanceProfile"]["Roles"]] == [before]
    g.cleanup()  # pasted again: finds nothing, fails on nothing


def check_on_instance(g, instance_id: str) -> None:
    """The block the reader types on the instance, in a shell on the emulated instance: both
    streams, as the terminal shows them. The bucket is s3-data's, made before this page."""
    g.client("s3").create_bucket(Bucket=BUCKET)
    (section,) = [s for s in g.sections() if s.name == "check-on-instance"]
    root = g.workdir / "instance"
    with instance_shell(g.endpoint, instance_id, "us-east-1", root, g.env) as (env, home, gate):
        run = subprocess.run(["sh", "-c", f"{{\n{section.code}\n}} 2>&1"], env=env, cwd=home, capture_output=True,
                             text=True, timeout=120)
    printed = run.stdout.replace(str(root), "")
    where = f"howto/snippets/instance-role-s3.sh:{section.line}"
    assert run.returncode == 254, f"{where}: the block ended with {run.returncode}, not 254 (refused):\n{printed}"
    refused = [call.split()[0] for call, _, allowed in gate.log if not allowed]
    why = "\n".join(f"{call}: {reason}" for call, reason, allowed in gate.log if not allowed)
    assert refused == ["s3.ListBuckets"], f"{where}: refused {refused}, not only the list of every bucket:\n{why}\n{printed}"
    assert g.client("s3").get_object(Bucket=BUCKET, Key="role-test.txt")["Body"].read() == b"test\n"
    assert printed.splitlines()[:3] == [
        "/home/ssm-user", f"arn:aws:sts::123456789012:assumed-role/{ROLE}/{instance_id}",
        f"upload: ./role-test.txt to s3://{BUCKET}/role-test.txt"], f"{where}: {printed}"
    assert printed.splitlines()[3:] == ["", "aws: [ERROR]: An error occurred (AccessDenied) when calling the ListBuckets "
                                        f"operation: User: arn:aws:sts::123456789012:assumed-role/{ROLE}/{instance_id} is not "
                                        "authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows "
                                        "the s3:ListAllMyBuckets action"], f"{where}: {printed}"
