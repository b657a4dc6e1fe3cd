"""The instance metadata service the tutorial's instance commands run against (imds.py) answers as
AWS documents it: IMDSv2 only, and the role's credentials as an assumed role whose session is the
instance. Run through real `curl` and the real AWS CLI, over the proxy the tutorial's test uses."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from conftest import bin_path
from imds import InstanceMetadata
from test_tour import client

REGION = "us-east-1"
IMDS = "http://169.254.169.254"


@pytest.fixture
def instance(fresh_account):
    """An instance with a profile holding one role, as the tutorial launches it."""
    iam, ec2 = client(fresh_account, "iam", REGION), client(fresh_account, "ec2", REGION)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="lesson-role", AssumeRolePolicyDocument=json.dumps(trust))
    iam.create_instance_profile(InstanceProfileName="lesson-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="lesson-profile", RoleName="lesson-role")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    made = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             IamInstanceProfile={"Name": "lesson-profile"},
                             MetadataOptions={"HttpTokens": "required"})["Instances"][0]
    with InstanceMetadata(fresh_account, made["InstanceId"], REGION) as metadata:
        yield metadata


def shell(metadata: InstanceMetadata, command: str) -> subprocess.CompletedProcess:
    env = {"PATH": f"{bin_path()}{os.pathsep}/usr/bin:/bin", "HOME": "/nonexistent", "AWS_ENDPOINT_URL": metadata.endpoint,
           "http_proxy": metadata.url, "no_proxy": "127.0.0.1,localhost",
           "AWS_METADATA_SERVICE_TIMEOUT": "10", "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3"}  # as instance_shell.py says
    return subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60)


def test_a_request_without_a_token_is_refused(instance):
    got = shell(instance, f"curl -s -o /dev/null -w '%{{http_code}}' {IMDS}/latest/meta-data/placement/region")
    assert got.stdout == "401", "IMDSv1 answered: the tutorial launches with HttpTokens=required"


@pytest.mark.parametrize("ttl, status", [("", "400"), ("0", "400"), ("21601", "400"), ("21600", "200")])
def test_a_token_needs_a_ttl_of_1_to_21600_seconds(instance, ttl, status):
    header = f"-H 'X-aws-ec2-metadata-token-ttl-seconds: {ttl}'" if ttl else ""
    got = shell(instance, f"curl -s -o /dev/null -w '%{{http_code}}' -X PUT {header} {IMDS}/latest/api/token")
    assert got.stdout == status


def test_an_expired_token_is_refused(instance):
    got = shell(instance, f"curl -sS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 1' {IMDS}/latest/api/token")
    time.sleep(1.5)
    status = shell(instance, f"curl -s -o /dev/null -w '%{{http_code}}' -H 'X-aws-ec2-metadata-token: {got.stdout}' "
                             f"{IMDS}/latest/meta-data/placement/region")
    assert status.stdout == "401", "a token outlived its TTL"


def test_an_instance_with_the_imds_turned_off_answers_nothing(instance):
    ec2 = client(instance.endpoint, "ec2", REGION)
    ec2.modify_instance_metadata_options(InstanceId=instance.instance_id, HttpEndpoint="disabled")
    got = shell(instance, f"curl -s -o /dev/null -w '%{{http_code}}' -X PUT "
                          f"-H 'X-aws-ec2-metadata-token-ttl-seconds: 300' {IMDS}/latest/api/token")
    assert got.stdout == "403", "the IMDS answered with HttpEndpoint=disabled"


def test_with_a_token_it_gives_the_region_and_the_role(instance):
    got = shell(instance, f"""T=$(curl -sS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' {IMDS}/latest/api/token)
        curl -sS -H "X-aws-ec2-metadata-token: $T" {IMDS}/latest/meta-data/placement/region; echo
        curl -sS -H "X-aws-ec2-metadata-token: $T" {IMDS}/latest/meta-data/iam/security-credentials/""")
    assert got.stdout.splitlines() == [REGION, "lesson-role"], got.stderr


def test_the_aws_cli_acts_as_the_role_with_the_instance_as_session(instance):
    got = shell(instance, "AWS_DEFAULT_REGION=us-east-1 aws sts get-caller-identity --query Arn --output text")
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip().endswith(f":assumed-role/lesson-role/{instance.instance_id}")
    assert ("GET", "/latest/meta-data/iam/security-credentials/lesson-role", 200) in instance.requests, (
        "the AWS CLI did not take its credentials from the instance metadata service")


def test_it_reaches_no_other_host(instance):
    got = shell(instance, "curl -s -o /dev/null -w '%{http_code}' http://example.com/")
    assert got.stdout == "502"
