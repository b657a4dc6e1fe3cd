"""A fresh emulated account for each test in a few milliseconds: moto servers forked from a warm one.

A new moto account is slow to make: resetting the emulator and then building what a new AWS
account has (each Region's default VPC, subnets and images, the AWS managed policies) takes 10 to
30 seconds on the 2-core machine, once per test. Here one parent process builds that account
once, then forks a child for each test; the child serves the emulator on a port of its own, with
the parent's state as its starting point (copied on write by the kernel), and is killed after the
test. Every test so starts from the same new account, which is what `/moto-api/reset` gave before.

The parent builds the account through a moto server of its own (moto's ThreadedMotoServer), which
it stops before it forks: a forked child must not inherit running threads.

    python motofork.py SOCKET   # serve forks (the session fixture in conftest.py starts it)
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REGIONS = ("eu-west-2", "us-east-1")  # the reader's Region in the tour, and the tutorial's
KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
SETTINGS = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}  # the guides attach AmazonSSMManagedInstanceCore
# moto's own settings, through its configuration endpoint: AWS Batch without Docker (moto's
# batch_simple backend), where every job succeeds at once without running its container.
CONFIG = {"batch": {"use_docker": False}}


def new_account(url: str) -> None:
    """What a new AWS account has that moto's lacks, and the services' first use done ahead.

    moto's default VPC lacks an internet gateway and, in the main route table, a route to it
    (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html): they are added in the
    Regions the tests use, so the account is like a new one.
    """
    import json
    import urllib.request

    import boto3

    request = urllib.request.Request(f"{url}/moto-api/config", json.dumps(CONFIG).encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).close()

    def client(service: str, region: str):
        return boto3.client(service, endpoint_url=url, region_name=region, **KEYS)

    for region in REGIONS:
        ec2 = client("ec2", region)
        vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        main = ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
        )["RouteTables"][0]["RouteTableId"]
        ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        # The first call to each service builds its Region's state (SSM's public parameters, say).
        ec2.describe_images(Owners=["amazon"], MaxResults=5)
        ec2.describe_instance_type_offerings(MaxResults=5)
        client("ssm", region).get_parameters_by_path(Path="/aws/service/ami-amazon-linux-latest", MaxResults=1)
        for service, call in (("efs", "describe_file_systems"), ("sns", "list_topics"), ("events", "list_rules"),
                              ("cloudwatch", "describe_alarms"), ("s3", "list_buckets"),
                              ("batch", "describe_compute_environments")):
            getattr(client(service, region), call)()
    client("iam", "us-east-1").list_policies(Scope="AWS", MaxItems=1)
    client("sts", "us-east-1").get_caller_identity()


# The operations where batch_as_aws() gives AWS's answer, each an entry of rules/divergences.toml
# (test_batch_jobs.py checks that the registry holds them).
AWS_ANSWERS = (("batch", "CreateComputeEnvironment"), ("batch", "CreateJobQueue"), ("iam", "ListInstanceProfiles"),
               ("iam", "DeleteUser"))


def batch_as_aws() -> None:
    """Where moto's Batch refuses what AWS accepts, AWS's answer (rules/divergences.toml, service
    "batch"), so that the guides' commands run as AWS documents them:

    - CreateComputeEnvironment without serviceRole: AWS uses the AWS Batch service-linked role,
      creating it the first time; moto 5.2.5 refuses the request.
    - CreateComputeEnvironment without state: AWS creates it ENABLED; moto keeps no state.
    - CreateJobQueue without state: AWS creates it ENABLED; moto refuses the request.
    """
    import json

    from moto.batch.models import BatchBackend
    from moto.iam.exceptions import NotFoundException

    create_environment, create_queue = BatchBackend.create_compute_environment, BatchBackend.create_job_queue
    service = "batch.amazonaws.com"

    def create_compute_environment(self, compute_environment_name, _type, state, compute_resources, service_role, tags=None):
        if not service_role and _type == "MANAGED":  # (moto's own create_service_linked_role spells it "...Forbatch")
            try:
                service_role = self.iam_backend.get_role("AWSServiceRoleForBatch").arn
            except NotFoundException:
                trust = {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": [service]}, "Action": ["sts:AssumeRole"]}]}
                service_role = self.iam_backend.create_role(
                    "AWSServiceRoleForBatch", json.dumps(trust), f"/aws-service-role/{service}/", permissions_boundary=None,
                    description="AWS Batch", tags=[], max_session_duration="3600", linked_service=service).arn
        return create_environment(self, compute_environment_name, _type, state or "ENABLED", compute_resources,
                                  service_role, tags=tags)

    def create_job_queue(self, queue_name, priority, schedule_policy, state, compute_env_order, tags=None):
        return create_queue(self, queue_name, priority, schedule_policy, state or "ENABLED", compute_env_order, tags=tags)

    BatchBackend.create_compute_environment = create_compute_environment
    BatchBackend.create_job_queue = create_job_queue


def iam_as_aws() -> None:
    """ListInstanceProfiles with PathPrefix lists only the instance profiles whose path starts with
    it, as AWS does (rules/divergences.toml, service "iam"); moto 5.2.5 ignores the parameter and
    lists them all, so a guide that finds its profile under the reader's path would find one elsewhere.
    DeleteUser refuses a user that still has a password, access keys or the like (below)."""
    from moto.core.responses import ActionResult
    from moto.iam.responses import IamResponse

    def list_instance_profiles(self):  # moto's own, with the profiles filtered by the prefix
        prefix = self._get_param("PathPrefix") or "/"
        return ActionResult({"InstanceProfiles": [p for p in self.backend.get_instance_profiles() if p.path.startswith(prefix)]})

    IamResponse.list_instance_profiles = list_instance_profiles

    # DeleteUser refuses, as AWS does (DeleteConflict), while the user still has anything its page
    # lists besides policies (which moto 5.2.5 checks itself): so a clean-up that leaves one fails here.
    from moto.iam.exceptions import DeleteConflictException
    from moto.iam.models import IAMBackend

    delete_user = IAMBackend.delete_user

    def delete_user_as_aws(self, user_name):
        user = self.get_user(user_name)
        held = [what for what, present in (
            ("login profile", user.password is not None), ("access keys", user.access_keys),
            ("MFA devices", user.mfa_devices), ("signing certificates", user.signing_certificates),
            ("SSH public keys", user.ssh_public_keys), ("group memberships", self.get_groups_for_user(user_name)),
        ) if present]
        if held:
            raise DeleteConflictException(f"Cannot delete entity, must delete {', '.join(held)} first.")
        delete_user(self, user_name)

    IAMBackend.delete_user = delete_user_as_aws


def serve(path: str) -> None:
    os.environ.update(SETTINGS)
    import divergences  # where moto answers otherwise than AWS, corrected (rules/divergences.toml)
    import s3abac  # what moto lacks of S3's ABAC for general purpose buckets (s3abac.py)
    import ssmagent  # what moto lacks of Systems Manager: managed nodes reporting in (ssmagent.py)

    divergences.apply()
    s3abac.install()
    ssmagent.install()
    batch_as_aws()
    iam_as_aws()
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    warm = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    warm.start()
    host, port = warm.get_host_and_port()
    new_account(f"http://{host}:{port}")
    warm.stop()

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        listener.listen(16)
        print("ready", flush=True)
        while True:
            conn, _ = listener.accept()
            with conn:
                if conn.recv(16) != b"fork":
                    continue
                server = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=True,
                                     request_handler=MotoRequestHandler)
                pid = os.fork()
                if pid == 0:
                    divergences.log_to(Path(path).parent / f"fired-{server.server_address[1]}")
                    listener.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
                    conn.close()
                    server.serve_forever()
                    os._exit(0)
                conn.sendall(f"{pid} {server.server_address[1]}".encode())
                server.server_close()


def fired(url: str) -> list[str]:
    """The corrections (tests/aws/divergences.py) the emulator serving `url` has applied, in order;
    `url` may be a proxy in front of it (faults.Proxy), which registers itself in BEHIND."""
    port = BEHIND.get(url, url).rsplit(":", 1)[-1].strip("/")
    for folder in _FOLDERS:
        log = Path(folder, f"fired-{port}")
        if log.is_file():
            return log.read_text().split()
    return []


BEHIND: dict[str, str] = {}  # a proxy's address -> the emulator's it forwards to
_FOLDERS: list[str] = []  # each Forks' folder, where its emulators log the corrections that fire


class Forks:
    """The parent process, seen from the tests: `account()` gives a fresh emulator, to `close()` after."""

    def __init__(self):
        folder = tempfile.mkdtemp(prefix="moto-")  # short: a socket's path has a limit of 107 bytes
        self.path, self.log = os.path.join(folder, "sock"), os.path.join(folder, "log")
        _FOLDERS.append(folder)
        with open(self.log, "w") as log:  # moto's request lines, and any error of the parent
            self.proc = subprocess.Popen([sys.executable, __file__, self.path], stdout=subprocess.PIPE, stderr=log, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            self.proc.kill()
            raise RuntimeError(f"the moto parent process did not start:\n{Path(self.log).read_text()[-3000:]}")

    @contextlib.contextmanager
    def account(self):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.path)
            s.sendall(b"fork")
            pid, port = map(int, s.recv(64).split())
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    serve(sys.argv[1])
