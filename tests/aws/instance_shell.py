"""A shell on an emulated instance: what the commands a page has the reader type on an EC2 instance
(in a Session Manager shell, as ssm-user) need, so that they run unchanged against the emulator.

* HOME is ROOT/home/ssm-user; a test shows ROOT as the instance's `/` in what they print.
* No AWS keys: as on the instance, `curl` and the AWS CLI reach the instance metadata service
  (imds.py), which gives the credentials of the role in the instance's profile.
* No Region either: the AWS CLI here is version 1, which takes no Region from the instance
  metadata service, where version 2 does (aws-cli v2's awscli/utils.py, IMDSRegionProvider; aws/aws-cli
  pull request 6297). So a block must set the Region itself (AWS_DEFAULT_REGION, from the metadata
  service) to pass here, which version 2 does not need: stricter than AWS, never looser.
* The AWS CLI waits up to 10 seconds for the metadata service, 3 times (AWS_METADATA_SERVICE_TIMEOUT
  and AWS_METADATA_SERVICE_NUM_ATTEMPTS; by default 1 second, once: "Amazon EC2 instance metadata",
  AWS SDKs and Tools Reference Guide,
  https://docs.aws.amazon.com/sdkref/latest/guide/feature-ec2-instance-metadata.html). Each answer
  here asks the emulator first, which on a busy machine can take over a second (imds.py broke a pipe
  to a client that had given up): without the role's credentials `get-caller-identity` prints
  nothing, and the bucket's name the block builds from it is wrong, which one run of
  test_instance_role_s3.py showed (its bucket's calls refused). The commands typed are unchanged.
* Every call the AWS CLI signs with them passes the IAM gate (iamgate.py) first, as the role's
  session (its ARN and user ID, the instance ID as session name) under the role's own policies,
  read back from the emulator: what the role may not do is refused as AWS refuses it.

    with instance_shell(endpoint, instance_id, region, root, reader_env) as (env, home, gate):
        subprocess.run(["sh", "-c", code], env=env, cwd=home)

Used by test_first_analysis.py (the tutorial's part 4) and test_instance_role_s3.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import boto3

from iamgate import Gate, admin, gated_shell, role_policies, serve_gate
from iamsim import Identity
from imds import InstanceMetadata


def role_session(endpoint: str, role_arn: str, instance_id: str, region: str) -> Identity:
    """Who the instance's calls come from: the role's session named after the instance, as the
    metadata service's credentials make it (imds.py)."""
    made = admin(endpoint, "sts", region).assume_role(RoleArn=role_arn, RoleSessionName=instance_id)["Credentials"]
    me = boto3.client("sts", endpoint_url=endpoint, region_name=region, aws_access_key_id=made["AccessKeyId"],
                      aws_secret_access_key=made["SecretAccessKey"], aws_session_token=made["SessionToken"]).get_caller_identity()
    return Identity(me["Arn"], me["UserId"], me["Account"])


@contextlib.contextmanager
def instance_shell(endpoint: str, instance_id: str, region: str, root: Path,
                   base_env: dict[str, str]) -> Iterator[tuple[dict[str, str], Path, Gate]]:
    """The environment and home folder of a shell on the instance, and the gate its calls pass."""
    home = root / "home" / "ssm-user"
    home.mkdir(parents=True, exist_ok=True)
    with InstanceMetadata(endpoint, instance_id, region) as metadata:
        role, role_arn = metadata.role()
        gate = Gate(endpoint, role_session(endpoint, role_arn, instance_id, region), role_policies(endpoint, role))
        server, url = serve_gate(gate, region)
        try:
            env = {**{k: v for k, v in base_env.items() if not k.startswith("AWS_") or k in ("AWS_ENDPOINT_URL", "AWS_PAGER")},
                   "HOME": str(home), "http_proxy": metadata.url, "no_proxy": "127.0.0.1,localhost",
                   "AWS_METADATA_SERVICE_TIMEOUT": "10", "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3",
                   **gated_shell(url, root / "gate")}
            yield env, home, gate
        finally:
            server.shutdown()
            gate.close()
