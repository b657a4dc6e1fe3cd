"""A gate in front of the emulator that refuses what IAM would refuse, for the calls of one caller.

moto does not enforce IAM here (and where it does, it authorizes most services against `*`
without condition context), so a test that must see IAM's refusals puts this gate before the
calls: the IAM evaluator of iamsim.py decides each call, given its action and resource ARN (as
permissions.py derives them, from botocore's model and parliament's IAM definitions) and a
request context built from the emulator's REAL tags on the resources it names (a bucket's, with
its real ABAC status: while it is off, S3 gives IAM none of its tags, and the evaluator drops
them), the tags the call sets, and the caller's identity. A call the evaluator refuses is not
sent. The gate sits in botocore itself (`BaseClient._make_api_call`): in the test's process
through `gated_client`, and in a shell through the `sitecustomize` module SITECUSTOMIZE, which
asks the test's process over HTTP on 127.0.0.1 (`serve_gate`; cliserver.py runs it for each
`aws` call). A request sent unsigned (`--no-sign-request`) is not judged: no identity's policies
apply to it.

A refused call fails as AWS fails it: an `AccessDenied` error whose message is IAM's, in the form
AWS documents (`denial`). In a shell, the `aws` command then fails as AWS CLI version 2 fails on
any error of a service (SITECUSTOMIZE says how), though the CLI here is version 1.

Used by test_two_readers.py (reader B, an IAM user) and test_first_analysis.py (the tutorial's
instance, as its role).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

from conftest import free_port
from iamsim import Evaluator, Identity
from permissions import PASSES_A_ROLE, S3_TAGGED, Call, Known, creates, for_caller, lookup, needs_of, resources

ADMIN_KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
BATCH_KINDS = ("compute-environment", "job-queue", "job-definition", "job-definition-revision")

# Run by each `aws` call of a gated shell (its PYTHONPATH holds this file as sitecustomize.py):
# 1. Every signed call asks the gate (CRASHCOURSE_IAM_GATE) first; a refused one raises the
#    ClientError that AWS's answer would (AccessDenied, IAM's message) and is not sent.
# 2. A service's error that reaches the top of the AWS CLI ends the call as AWS CLI version 2 ends
#    it: version 2's ClientErrorHandler (awscli/errorhandler.py) writes the error through
#    write_error (awscli/errorformat.py: a blank line, then `aws: [ERROR]: ` and the error, on
#    stderr) and exits with 254, "the command was successfully parsed and a request was made to the
#    specified service but the service returned an error" ("Command line return codes in the AWS
#    CLI", https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-returncodes.html). Version 1,
#    which runs here, writes the error alone (awscli/clidriver.py, write_exception) and exits with
#    255. Version 2's default error format, `enhanced`, adds "Additional error details" only for
#    an error's fields beyond Code and Message ("Structured error output in the AWS CLI",
#    https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-error-format.html): the gate's
#    AccessDenied has none, and this does not add them for the emulator's own errors.
SITECUSTOMIZE = '''
import json, os, urllib.request
import botocore, botocore.client, botocore.exceptions
_send = botocore.client.BaseClient._make_api_call
def _gated(self, operation, params):
    if self.meta.config.signature_version is botocore.UNSIGNED:
        return _send(self, operation, params)
    ask = {"service": self.meta.service_model.service_name, "operation": operation, "params": params,
           "region": self.meta.region_name}
    request = urllib.request.Request(os.environ["CRASHCOURSE_IAM_GATE"], json.dumps(ask, default=str).encode(),
                                     {"Content-Type": "application/json"})
    answer = json.load(urllib.request.urlopen(request, timeout=60))
    if not answer["allowed"]:
        raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": answer["message"]}}, operation)
    return _send(self, operation, params)
botocore.client.BaseClient._make_api_call = _gated
import awscli.clidriver
_write_v1, _main_v1, _service_errors = awscli.clidriver.write_exception, awscli.clidriver.CLIDriver.main, []
def _write_v2(ex, outfile):
    if not isinstance(ex, botocore.exceptions.ClientError):
        return _write_v1(ex, outfile)
    _service_errors.append(ex)
    outfile.write("\\n")
    outfile.write("aws: [ERROR]: " + str(ex).strip())
    outfile.write("\\n")
def _main_v2(self, args=None):
    status = _main_v1(self, args)
    return 254 if status == 255 and _service_errors else status
awscli.clidriver.write_exception = _write_v2
awscli.clidriver.CLIDriver.main = _main_v2
'''


def admin(endpoint: str, service: str, region: str):
    """The emulator seen from outside: reads the real tags and state, never gated."""
    return boto3.client(service, endpoint_url=endpoint, region_name=region, **ADMIN_KEYS)


def denial(caller: str, action: str, resource: str, explicit: bool = False) -> str:
    """IAM's message for a call that the caller's identity-based policies refuse, in the form the
    Amazon S3 User Guide gives ("Troubleshoot access denied (403 Forbidden) errors in Amazon S3",
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html#access-denied-message-examples):
    "Most access denied error messages appear in the format `User user-arn is not authorized to
    perform action on "resource-arn" because context`", the context of an implicit denial by an
    identity-based policy being "because no identity-based policy allows the ACTION action" and of an
    explicit one "with an explicit deny in an identity-based policy" ("Troubleshoot access denied
    error messages", IAM User Guide,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html). Amazon S3
    quotes the resource's ARN; an action on no resource (`*`, such as s3:ListAllMyBuckets) names none.
    `caller` is an assumed role's session ARN as well as a user's: the message says `User:` for both."""
    on = "" if resource == "*" else f' on resource: "{resource}"' if resource.startswith("arn:aws:s3:") else f" on resource: {resource}"
    why = "with an explicit deny in an identity-based policy" if explicit else f"because no identity-based policy allows the {action} action"
    return f"User: {caller} is not authorized to perform: {action}{on} {why}"


class Gate:
    """Decides a caller's calls with the IAM evaluator and the emulator's real tags; keeps a log."""

    def __init__(self, endpoint: str, who: Identity, policies: list[dict]):
        self.endpoint, self.who = endpoint, who
        self.iam = Evaluator(policies)
        self.log: list[tuple[str, str, bool]] = []  # (call, why, allowed)

    def tags(self, kind: str, value: str, arn: str, region: str) -> dict[str, str] | None:
        """The real tags of the resource a call names (None: it does not exist)."""
        def pairs(items):
            return {t["Key"]: t["Value"] for t in items or []}
        try:
            if kind == "key-pair":
                found = admin(self.endpoint, "ec2", region).describe_key_pairs(KeyNames=[value])["KeyPairs"]
                return pairs(found[0].get("Tags")) if found else None
            if arn.startswith("arn:aws:ec2:"):
                found = admin(self.endpoint, "ec2", region).describe_tags(Filters=[{"Name": "resource-id", "Values": [value]}])
                return pairs(found["Tags"])
            if kind == "role":
                return pairs(admin(self.endpoint, "iam", region).list_role_tags(RoleName=value)["Tags"])
            if kind == "instance-profile":
                return pairs(admin(self.endpoint, "iam", region).get_instance_profile(InstanceProfileName=value)["InstanceProfile"].get("Tags"))
            if kind == "topic":
                return pairs(admin(self.endpoint, "sns", region).list_tags_for_resource(ResourceArn=arn)["Tags"])
            if kind.startswith("rule"):
                return pairs(admin(self.endpoint, "events", region).list_tags_for_resource(ResourceARN=arn)["Tags"])
            if kind == "file-system":
                found = admin(self.endpoint, "efs", region).describe_file_systems(FileSystemId=value)["FileSystems"]
                return pairs(found[0].get("Tags")) if found else None
            if kind in S3_TAGGED:  # an object's tags, for IAM, are its bucket's
                return pairs(admin(self.endpoint, "s3", region).get_bucket_tagging(Bucket=value)["TagSet"])
            if kind in BATCH_KINDS:  # named by the ARN's last part: `job-definition/NAME:REVISION`
                batch, name = admin(self.endpoint, "batch", region), arn.split("/", 1)[1].split(":")[0]
                found = (batch.describe_compute_environments(computeEnvironments=[name])["computeEnvironments"]
                         if kind == "compute-environment" else batch.describe_job_queues(jobQueues=[name])["jobQueues"]
                         if kind == "job-queue" else batch.describe_job_definitions(jobDefinitionName=name)["jobDefinitions"])
                return dict(found[0].get("tags") or {}) if found else None
            if kind == "log-group":
                logs = admin(self.endpoint, "logs", region)
                if not [g for g in logs.describe_log_groups(logGroupNamePrefix=value)["logGroups"] if g["logGroupName"] == value]:
                    return None
                return logs.list_tags_for_resource(resourceArn=arn)["tags"]
        except ClientError:
            return None
        return None

    def bucket(self, name: str, region: str) -> tuple[bool, str] | None:
        """Whether a bucket's ABAC is on, and the account that owns it (s3:ResourceAccount: the
        emulated account, the only one there is), or None: no such bucket."""
        try:
            status = admin(self.endpoint, "s3", region).get_bucket_abac(Bucket=name)["AbacStatus"].get("Status")
        except ClientError:
            return None
        return status == "Enabled", self.who.account

    def owner(self, kind: str, value: str, region: str) -> str | None:
        """An image's or snapshot's ec2:Owner, as IAM gives it: `amazon` for Amazon's, else the account ID."""
        ec2 = admin(self.endpoint, "ec2", region)
        try:
            if kind == "image":
                found = ec2.describe_images(ImageIds=[value])["Images"]
                return (found[0].get("ImageOwnerAlias") or found[0]["OwnerId"]) if found else None
            found = ec2.describe_snapshots(SnapshotIds=[value])["Snapshots"]
            return (found[0].get("OwnerAlias") or found[0]["OwnerId"]) if found else None
        except ClientError:
            return None

    def judge(self, service: str, operation: str, params: dict, region: str) -> tuple[bool, str]:
        """Whether IAM allows the call, and if not, the message AWS gives (`denial`); the log keeps
        every refused action with its resource and the evaluator's decision."""
        call = Call(Path("reader-b"), "", f"{service}.{operation}", service, operation, params)
        known = Known(live=True, account=self.who.account)
        iam = admin(self.endpoint, "iam", region)
        # A role passed by ARN carries its path in that ARN. A role passed in an instance profile, or
        # added to one, is the profile's, at its real path. Its owner tag is never read: IAM does
        # not give it reliably for iam:PassRole (permissions.UNRELIABLE_TAG).
        if (where := PASSES_A_ROLE.get(f"{service}:{operation}")) and (profile := lookup(params, where)):
            try:
                (role,) = iam.get_instance_profile(InstanceProfileName=profile.get("Name") or profile["Arn"].rsplit("/", 1)[1])[
                    "InstanceProfile"]["Roles"]
                known.roles[profile.get("Name") or profile.get("Arn")] = role["RoleName"]
                known.paths["role", role["RoleName"]] = role["Path"]
            except (ClientError, ValueError, KeyError):
                pass
        if operation == "AddRoleToInstanceProfile":
            try:
                known.paths["role", params["RoleName"]] = iam.get_role(RoleName=params["RoleName"])["Role"]["Path"]
            except ClientError:
                pass
        for action in [n.action for n in needs_of(call, {}, known)]:
            for r in resources(action, params, params, {}):
                if r.source and not creates(action, r.kind) or (r.source and "Tag" in action):
                    real = self.tags(r.kind, r.source.rsplit("/", 1)[-1].rsplit(":", 1)[-1], r.arn, region)
                    known.tags[r.source] = real or {}
                if r.kind in ("image", "snapshot") and r.source and (owner := self.owner(r.kind, r.source, region)):
                    known.owners[r.source] = owner
                if r.kind in S3_TAGGED and r.source and (found := self.bucket(r.source.rsplit(":", 1)[-1], region)):
                    known.abac[r.source], known.owners[r.source] = found
                if r.kind == "role" and r.source:
                    try:
                        role = iam.get_role(RoleName=r.source)["Role"]
                        known.paths["role", r.source] = role["Path"]  # the real path: the policies fence roles by it
                        boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
                        if boundary:
                            known.boundaries[r.source] = boundary
                    except ClientError:
                        pass
                if r.kind == "instance-profile" and r.source:
                    try:
                        known.paths["instance-profile", r.source] = iam.get_instance_profile(
                            InstanceProfileName=r.source)["InstanceProfile"]["Path"]
                    except ClientError:
                        pass
        refused = []
        for need in needs_of(call, {}, known):
            decision = self.iam.decide(need.action, need.resource.replace(":eu-west-2:", f":{region}:"), self.who,
                                       for_caller(need.context, self.who), need.abac)
            if not decision.allowed:
                refused.append((need.action, need.resource.replace(":eu-west-2:", f":{region}:"), decision.decision))
        why = "; ".join(f"{action} on {resource} ({decision})" for action, resource, decision in refused) or "allowed"
        self.log.append((f"{service}.{operation} {json.dumps(params, default=str)[:200]}", why, not refused))
        if not refused:
            return True, ""
        action, resource, decision = refused[0]
        return False, denial(self.who.arn, action, resource, explicit=decision == "ExplicitlyDenied")

    def close(self):
        self.iam.close()


def gated_client(endpoint: str, service: str, keys: dict, gate: Gate, region: str):
    """A boto3 client with the caller's keys whose every call passes the gate first."""
    client = boto3.client(service, endpoint_url=endpoint, region_name=region, **keys)

    def check(params, model, **_):
        allowed, message = gate.judge(service, model.name, params, region)
        if not allowed:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": message}}, model.name)
    client.meta.events.register("before-parameter-build", check)
    return client


def serve_gate(gate: Gate, region: str) -> tuple[ThreadingHTTPServer, str]:
    """The gate for a shell, on 127.0.0.1: the sitecustomize module asks it before each call (a call
    with no Region of its own is judged in `region`)."""
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            ask = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:  # one evaluator process answers one question at a time
                allowed, message = gate.judge(ask["service"], ask["operation"], ask["params"], ask["region"] or region)
            body = json.dumps({"allowed": allowed, "message": message}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def gated_shell(gate_url: str, folder: Path, extra: str = "") -> dict[str, str]:
    """What a shell's environment needs for its `aws` calls to pass the gate at `gate_url`: the
    sitecustomize module (with `extra` code after it), written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE + extra)
    return {"PYTHONPATH": str(folder), "CRASHCOURSE_IAM_GATE": gate_url}


def role_policies(endpoint: str, role: str) -> list[dict]:
    """The identity-based policies of a role, as the emulator holds them: its inline policies and
    the default version of each managed policy attached (AWS managed ones included: moto holds their
    documents, AmazonSSMManagedInstanceCore's among them)."""
    iam = admin(endpoint, "iam", "us-east-1")

    def document(value) -> dict:
        return json.loads(value) if isinstance(value, str) else value

    found = [document(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])
             for name in iam.list_role_policies(RoleName=role)["PolicyNames"]]
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
        found.append(document(iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"]))
    return found
