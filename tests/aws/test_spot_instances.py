"""Run howto/spot-instances.md against the emulator."""

import base64
import json


def test_spot_instances(guide):
    g = guide("spot-instances")
    iam = g.client("iam")
    # The prerequisite: the instance profile from howto/instance-role-s3.md.
    iam.create_role(RoleName="analysis-s3-access", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }))
    iam.create_instance_profile(InstanceProfileName="analysis-s3-access")
    iam.add_role_to_instance_profile(InstanceProfileName="analysis-s3-access", RoleName="analysis-s3-access")

    g.run()
    ec2, events, sns = g.client("ec2"), g.client("events"), g.client("sns")
    instance_id = g.var("INSTANCE_ID")
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["InstanceLifecycle"] == "spot"
    assert instance["InstanceType"] == "m7i.xlarge"
    assert instance["IamInstanceProfile"]["Arn"].endswith("instance-profile/analysis-s3-access")

    user_data = ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")["UserData"]["Value"]
    script = base64.b64decode(user_data).decode()
    assert script.startswith("#!/bin/bash\nBUCKET=amzn-s3-demo-bucket-111122223333\n")
    assert "meta-data/spot/instance-action" in script and "X-aws-ec2-metadata-token" in script
    assert "sleep 5" in script

    rule = events.describe_rule(Name="spot-interruption-warning")
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"],
    }
    targets = events.list_targets_by_rule(Rule="spot-interruption-warning")["Targets"]
    assert [t["Arn"] for t in targets] == [g.var("TOPIC_ARN")]
    policy = json.loads(sns.get_topic_attributes(TopicArn=g.var("TOPIC_ARN"))["Attributes"]["Policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}

    g.cleanup()
    state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "terminated"
    assert not events.list_rules()["Rules"]
    assert not sns.list_topics()["Topics"]
