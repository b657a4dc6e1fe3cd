"""The instance metadata service (IMDS) of one emulated instance, for the commands the learner
types on it.

On a real instance, `curl http://169.254.169.254/...` reaches the IMDS, and the AWS CLI gets the
role's credentials from it, with no keys on the instance. Here that address does not answer, so
this serves it as an HTTP proxy on 127.0.0.1: the shell on the "instance" has `http_proxy` set to
it (`no_proxy` keeps the emulator's own address direct), so the commands run unchanged, `curl` and
the AWS CLI's credential chain alike (botocore's IMDS fetcher honours the proxy variables).

It answers as the IMDS does with IMDSv2 required (HttpTokens=required, as the tutorial launches
the instance), per "Use the Instance Metadata Service to access instance metadata" and "Instance
metadata categories", Amazon EC2 User Guide
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html,
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-categories.html):

* with the instance's metadata options at `HttpEndpoint=disabled` (the IMDS turned off): 403 to
  every request ("403 - Forbidden – The request is not allowed or the IMDS is turned off",
  "Responses and error messages" in the first page);
* `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` (1 to 21600) gives a token
  valid for that many seconds; without that header, 400;
* any GET without a valid `X-aws-ec2-metadata-token` header, or with an expired one: 401 ("requests
  without a valid token or with an expired token receive a 401 - Unauthorized HTTP error code");
* `placement/region`: the instance's Region;
* `iam/security-credentials/`: the name of the role in the instance's profile, and
  `iam/security-credentials/ROLE`: that role's temporary credentials, made by the emulator's
  AssumeRole with the instance ID as the session name, so `get-caller-identity` answers
  `arn:aws:sts::ACCOUNT:assumed-role/ROLE/INSTANCE_ID` as on AWS ("IAM roles for Amazon EC2":
  https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html);
* anything else: 404.

    with InstanceMetadata(endpoint, instance_id, region) as proxy:
        env["http_proxy"], env["no_proxy"] = proxy.url, "127.0.0.1,localhost"
"""

from __future__ import annotations

import datetime
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import boto3

IMDS_HOST = "169.254.169.254"
EMULATOR_KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}


class InstanceMetadata:
    def __init__(self, endpoint: str, instance_id: str, region: str):
        self.endpoint, self.instance_id, self.region = endpoint, instance_id, region
        self.tokens: dict[str, float] = {}  # token -> when it expires (time.monotonic())
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status), for the tests
        self._server: ThreadingHTTPServer | None = None
        self._credentials: dict[str, dict[str, str]] = {}

    def __enter__(self) -> "InstanceMetadata":
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                service.answer(self, "PUT")

            def do_GET(self):
                service.answer(self, "GET")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def role(self) -> tuple[str, str] | None:
        """The name and ARN of the role in the instance's profile, or None without a profile."""
        ec2 = boto3.client("ec2", endpoint_url=self.endpoint, region_name=self.region, **EMULATOR_KEYS)
        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name=self.region, **EMULATOR_KEYS)
        # The profile now associated (moto 5.2.5's DescribeInstances keeps showing the profile an
        # association replaced), else the one the instance was launched with.
        associated = ec2.describe_iam_instance_profile_associations(Filters=[
            {"Name": "instance-id", "Values": [self.instance_id]}, {"Name": "state", "Values": ["associated"]}])
        instance = ec2.describe_instances(InstanceIds=[self.instance_id])["Reservations"][0]["Instances"][0]
        profile = next((a["IamInstanceProfile"]["Arn"] for a in associated["IamInstanceProfileAssociations"]),
                       instance.get("IamInstanceProfile", {}).get("Arn"))
        if not profile:
            return None
        roles = iam.get_instance_profile(InstanceProfileName=profile.rsplit("/", 1)[1])["InstanceProfile"]["Roles"]
        return (roles[0]["RoleName"], roles[0]["Arn"]) if roles else None

    def credentials(self, role_arn: str) -> dict[str, str]:
        """The role's temporary credentials, made once per role (they last an hour, as AWS's do by
        default): every `aws` call asks for them, and a fresh AssumeRole each time kept clients
        waiting on a busy machine."""
        if role_arn not in self._credentials:
            self._credentials[role_arn] = self._assume(role_arn)
        return self._credentials[role_arn]

    def _assume(self, role_arn: str) -> dict[str, str]:
        sts = boto3.client("sts", endpoint_url=self.endpoint, region_name=self.region, **EMULATOR_KEYS)
        made = sts.assume_role(RoleArn=role_arn, RoleSessionName=self.instance_id)["Credentials"]
        return {
            "Code": "Success",
            "LastUpdated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Type": "AWS-HMAC",
            "AccessKeyId": made["AccessKeyId"],
            "SecretAccessKey": made["SecretAccessKey"],
            "Token": made["SessionToken"],
            "Expiration": made["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def answer(self, request: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(request.path)
        status, body = self.respond(method, url.hostname, url.path, request.headers)
        self.requests.append((method, url.path, status))
        data = body.encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def turned_off(self) -> bool:
        """Whether the instance's metadata options turn the IMDS off (HttpEndpoint=disabled)."""
        ec2 = boto3.client("ec2", endpoint_url=self.endpoint, region_name=self.region, **EMULATOR_KEYS)
        instance = ec2.describe_instances(InstanceIds=[self.instance_id])["Reservations"][0]["Instances"][0]
        return instance.get("MetadataOptions", {}).get("HttpEndpoint") == "disabled"

    def respond(self, method: str, host: str | None, path: str, headers) -> tuple[int, str]:
        if host != IMDS_HOST:
            return 502, "this proxy reaches only the instance metadata service\n"
        if self.turned_off():
            return 403, ""
        if method == "PUT":
            if path != "/latest/api/token":
                return 403, ""
            ttl = headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return 400, ""
            token = secrets.token_urlsafe(40)
            self.tokens[token] = time.monotonic() + int(ttl)
            return 200, token
        if time.monotonic() >= self.tokens.get(headers.get("X-aws-ec2-metadata-token", ""), 0):
            return 401, ""
        prefix = "/latest/meta-data/"
        if not path.startswith(prefix):
            return 404, ""
        item = path[len(prefix):]
        if item == "placement/region":
            return 200, self.region
        if item == "instance-id":
            return 200, self.instance_id
        if item.startswith("iam/security-credentials/"):
            role = self.role()
            if role is None:
                return 404, ""
            name, arn = role
            wanted = item[len("iam/security-credentials/"):]
            if wanted == "":
                return 200, name
            if wanted == name:
                return 200, json.dumps(self.credentials(arn), indent=2)
        return 404, ""
