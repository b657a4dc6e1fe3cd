"""howto/spot-instances.md: a Spot Instance that starts its own job from user data, with a
checkpoint bucket and a role of its own, and an email alert for the interruption warning; on the
Paid plan (the emulator's account) with m7i.xlarge, and on the Free plan with an eligible type."""

import base64
import json
import subprocess


CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
from conftest import EMULATED_OWNER, EMULATED_READER, OWNER_TAG
from shown_outputs import outputs_test

test_outputs = outputs_test("spot-instances")  # its shown outputs (shown_outputs.py)

ROLE = f"crashcourse-spot-worker-{EMULATED_READER}"
RULE = f"crashcourse-spot-interruption-warning-{EMULATED_READER}"
BUCKET = f"crashcourse-spot-{EMULATED_READER}-123456789012-us-east-1"  # moto's account, the tests' Region


def test_spot_instances(guide, tmp_path):
    g = guide("spot-instances")
    g.run()
    assert not g.json_left_in_home(), g.json_left_in_home()
    ec2, events, sns, iam, s3 = (g.client(s) for s in ("ec2", "events", "sns", "iam", "s3"))

    # The bucket's name is derived from the account and the Region.
    assert g.var("SPOT_BUCKET") == BUCKET
    assert BUCKET in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert s3.get_bucket_tagging(Bucket=BUCKET)["TagSet"] == [OWNER_TAG]  # tagged as it was made
    assert s3.get_bucket_abac(Bucket=BUCKET)["AbacStatus"]["Status"] == "Enabled"

    # The role: assumable by EC2 only, Session Manager's managed policy, and one bucket.
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]] == [CORE]
    policy = iam.get_role_policy(RoleName=ROLE, PolicyName="checkpoint-bucket")["PolicyDocument"]
    assert [(s["Action"], s["Resource"]) for s in policy["Statement"]] == [
        ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"),
        (["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{BUCKET}/*"),
    ]

    # The instance: a Spot Instance of the type the page names, IMDSv2 only, with the profile,
    # terminating when its job shuts it down.
    spot_id = g.var("SPOT_ID")
    instance = ec2.describe_instances(InstanceIds=[spot_id])["Reservations"][0]["Instances"][0]
    assert instance["InstanceLifecycle"] == "spot"
    assert instance["InstanceType"] == "m7i.xlarge"
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert instance["IamInstanceProfile"]["Arn"].endswith(f"instance-profile/crashcourse/{EMULATED_OWNER}/{ROLE}")
    assert role["Path"] == f"/crashcourse/{EMULATED_OWNER}/"  # the reader's own path, which the policies fence by
    behavior = ec2.describe_instance_attribute(InstanceId=spot_id, Attribute="instanceInitiatedShutdownBehavior")
    assert behavior["InstanceInitiatedShutdownBehavior"]["Value"] == "terminate"
    assert g.outputs["check-spot"].split()[:3] == ["m7i.xlarge", "spot", "running"]
    assert OWNER_TAG in instance["Tags"]

    # The user data: the bucket's name, then the fixed script, which resumes, watches, works
    # and shuts down. It is valid bash (shellcheck runs on it in tests/test_reader_rules.py).
    user_data = ec2.describe_instance_attribute(InstanceId=spot_id, Attribute="userData")["UserData"]["Value"]
    script = base64.b64decode(user_data).decode()
    assert script.startswith(f"#!/bin/bash\nSPOT_BUCKET={BUCKET}\n")
    for piece in ('aws s3 sync "s3://$SPOT_BUCKET/checkpoints/" "$CHECKPOINTS/"',
                  "meta-data/spot/instance-action", "X-aws-ec2-metadata-token", "sleep 5",
                  "shutdown -h now"):
        assert piece in script, piece
    assert script == (g.workdir / "spot-job.sh").read_text()
    syntax = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr

    # The alert: the rule matches the warning and targets the topic, which lets this rule publish.
    rule = events.describe_rule(Name=RULE)
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"],
    }
    targets = events.list_targets_by_rule(Rule=RULE)["Targets"]
    topic = g.var("SPOT_TOPIC_ARN")
    assert [t["Arn"] for t in targets] == [topic]
    assert OWNER_TAG in events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]
    assert OWNER_TAG in sns.list_tags_for_resource(ResourceArn=topic)["Tags"]
    statement = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])["Statement"][0]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": rule["Arn"]}}
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subscription["Protocol"] == "email"

    # A checkpoint the job would have saved, so that the clean-up must empty the bucket.
    s3.put_object(Bucket=BUCKET, Key="checkpoints/step", Body=b"7\n")

    # The clean-up, in a new shell: it finds everything again by name and leaves nothing.
    cleanup = [s for s in g.sections() if s.cleanup]
    g._bash(cleanup, None, g.workdir / "after.sh")
    state = ec2.describe_instances(InstanceIds=[spot_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "terminated"
    assert not events.list_rules()["Rules"]
    assert not sns.list_topics()["Topics"]
    assert not iam.list_instance_profiles()["InstanceProfiles"]
    assert not iam.list_roles()["Roles"]
    assert not s3.list_buckets()["Buckets"]
    # Run twice: nothing left to find, and no error.
    g._bash(cleanup, None, g.workdir / "after.sh")
    assert all(g.outputs[s.name] == "" for s in cleanup)


def test_spot_instances_on_the_free_plan(guide, emulator):
    """On the Free plan (AWS Free Tier answers FREE, and the proxy refuses a type that is not free-tier
    eligible, as AWS does), step 1 takes the eligible Spot-capable x86_64 type with the most memory,
    and the launch goes through with it."""
    emulator.plan = "FREE"
    g = guide("spot-instances")
    g.run()
    eligible = g.client("ec2").describe_instance_types(InstanceTypes=[g.var("SPOT_TYPE")])["InstanceTypes"][0]
    assert eligible["FreeTierEligible"] and "spot" in eligible["SupportedUsageClasses"], eligible["InstanceType"]
    assert g.var("SPOT_TYPE") == "m7i-flex.large"  # in moto's copy of describe-instance-types' data
    assert g.outputs["set-names"].split()[1] == "m7i-flex.large"
    assert g.outputs["check-spot"].split()[:3] == ["m7i-flex.large", "spot", "running"]
    assert [code for _, code in emulator.log if code] == []  # nothing was refused
