"""A fault-injecting proxy between the AWS CLI and the moto server: AWS's answers to a new account.

moto answers every request as an established account's would, and has no way to refuse one as AWS
refuses a new account (it has no fault injection of its own). This proxy, an HTTP server on
127.0.0.1 in the test's own process, stands between the reader's `aws` and the test's moto server
and forwards every request unchanged, except:

* AWS Free Tier's `GetAccountPlanState`, which moto lacks (it answers with an internal server
  error): the proxy answers it itself, in the operation's output shape, for the plan it is set to
  (`Proxy.plan`; an entry of rules/divergences.toml, as ANSWERED says). It is `PAID` unless a
  test says otherwise, since moto launches any instance type, as only the Paid plan does;
* the faults a test arms (`Proxy.arm`), in the order armed. Each refuses the AWS CLI's requests for
  some operations (the test's own Boto3 clients are never refused: their User-Agent lacks
  `aws-cli/`) with the error code, HTTP status and message AWS sends, for a number of requests or
  until the test clears it. A request the CLI retries is a new request: awscli version 1's legacy
  retry mode makes up to 5 attempts of a call refused with a throttling code or a 5xx status, and
  version 2's standard mode up to 3 (botocore's `_retry.json` and `retries/standard.py`), so a fault
  that outlasts them reaches the reader's block.

Every refusal is what AWS documents or its users have reported word for word; `ERRORS` gives each
code's status and message with its source. `Proxy.log` lists the CLI's EC2 requests in order, each
with the code it was refused with, or None when it went through.

    with Proxy(moto_url) as proxy:              # conftest.py's `emulator` fixture
        proxy.plan = "FREE"
        proxy.arm(PendingVerification(times=3), ProfileNotYetVisible(times=2))
        ...                                     # the reader's AWS_ENDPOINT_URL is proxy.url
        proxy.clear("VcpuLimitExceeded")
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import motofork
from xml.sax.saxutils import escape

ACCOUNT = "123456789012"  # moto's default account, the one `sts get-caller-identity` names

# code: (HTTP status, message). EC2's codes and their kinds (client error 400, server error 500,
# throttling 503) are in https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html;
# the messages are AWS's own words as users reported them.
ERRORS = {
    # github.com/UA-TECH-POWER/DDoS_terraform_aws/issues/5, skyplane-project/skyplane#799 (RunInstances)
    "PendingVerification": (400, (
        "Your request for accessing resources in this region is being validated, and you will not be able "
        "to launch additional resources in this region until the validation is complete. We will notify you "
        "by email once your request has been validated. While normally resolved within minutes, please allow "
        "up to 4 hours for this process to complete. If the issue still persists, please let us know by "
        "writing to aws-verification@amazon.com for further assistance.")),
    # The Free plan's refusal of a type it does not cover (RunInstances on a Free plan account, as reported
    # in several public repositories' notes, e.g. "api error InvalidParameterCombination: The specified
    # instance type is not eligible for Free Tier. For a list of Free Tier instance types, run ...").
    "InvalidParameterCombination": (400, (
        "The specified instance type is not eligible for Free Tier. For a list of Free Tier instance types, "
        "run 'describe-instance-types' with the filter 'free-tier-eligible=true'.")),
    # IAM's eventual consistency reaching EC2: aws/aws-sdk-js-v3#5253 (RunInstances),
    # hashicorp/terraform-provider-aws#3055 (AssociateIamInstanceProfile and its replacement).
    "InvalidParameterValue": (400, "Value ({name}) for parameter iamInstanceProfile.name is invalid. "
                                   "Invalid IAM Instance Profile name"),
    # A new account's On-Demand vCPU quota (RunInstances, reported by many; the limit varies).
    "VcpuLimitExceeded": (400, (
        "You have requested more vCPU capacity than your current vCPU limit of 2 allows for the instance "
        "bucket that the specified instance type belongs to. Please visit "
        "http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.")),
    # Spot (RunInstances with InstanceMarketOptions): a server error, so the CLI retries it itself.
    "InsufficientInstanceCapacity": (500, "There is no Spot capacity available that matches your request."),
    "MaxSpotInstanceCountExceeded": (400, "Max spot instance count exceeded"),
    # Throttling: https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
    "RequestLimitExceeded": (503, "Request limit exceeded."),
}

# The operations the proxy answers itself, where moto cannot: each an entry of rules/divergences.toml.
ANSWERED = {("freetier", "GetAccountPlanState")}
LAUNCHES = frozenset({"RunInstances", "RequestSpotInstances"})
PROFILE_USERS = frozenset({"RunInstances", "RequestSpotInstances", "AssociateIamInstanceProfile",
                           "ReplaceIamInstanceProfileAssociation"})


@dataclass
class Request:
    """What a fault looks at: the service, the operation and its parameters (query protocol)."""

    service: str
    operation: str
    params: dict[str, str]

    @property
    def spot(self) -> bool:
        return self.operation == "RequestSpotInstances" or self.params.get("InstanceMarketOptions.MarketType") == "spot"

    @property
    def profile(self) -> str | None:
        if name := self.params.get("IamInstanceProfile.Name"):
            return name
        arn = self.params.get("IamInstanceProfile.Arn", "")
        return arn.rsplit("/", 1)[-1] if arn else None


@dataclass
class Fault:
    """Refuse `operations` with `code`, `times` requests long (None: until cleared)."""

    code: str
    operations: frozenset[str] = LAUNCHES
    times: int | None = None
    spot: bool | None = None  # only Spot launches (True), only On-Demand ones (False), or both
    refused: int = 0

    def refuses(self, request: Request, proxy: Proxy) -> str | None:
        """The message to refuse `request` with, or None to let it through."""
        if request.operation not in self.operations or (self.spot is not None and request.spot != self.spot):
            return None
        if self.times is not None and self.refused >= self.times:
            return None
        self.refused += 1
        return ERRORS[self.code][1]


def PendingVerification(times: int | None = None) -> Fault:  # noqa: N802  (named as the error it sends)
    """A new account's launches while AWS verifies it: the first `times` launches, On-Demand or Spot."""
    return Fault("PendingVerification", times=times)


def RequestLimitExceeded(times: int) -> Fault:  # noqa: N802
    """Throttled launches and instance profile associations, the calls the guides try again: `times`
    requests in a row (more than the CLI's own 5 attempts reach the reader's block)."""
    return Fault("RequestLimitExceeded", operations=PROFILE_USERS, times=times)


def VcpuLimitExceeded() -> Fault:  # noqa: N802
    return Fault("VcpuLimitExceeded", spot=False)


def InsufficientInstanceCapacity() -> Fault:  # noqa: N802
    return Fault("InsufficientInstanceCapacity", spot=True)


def MaxSpotInstanceCountExceeded() -> Fault:  # noqa: N802
    return Fault("MaxSpotInstanceCountExceeded", spot=True)


@dataclass
class ProfileNotYetVisible(Fault):
    """An instance profile created through the proxy is unknown to EC2 for its first `times` uses;
    after one use goes through, EC2 knows it (IAM's changes reach EC2 a few seconds later)."""

    code: str = "InvalidParameterValue"
    operations: frozenset[str] = PROFILE_USERS
    times: int | None = 1
    unseen: dict[str, int] = field(default_factory=dict)  # profile: uses refused so far

    def created(self, name: str) -> None:
        self.unseen[name] = 0

    def refuses(self, request: Request, proxy: Proxy) -> str | None:
        name = request.profile
        if request.operation not in self.operations or name not in self.unseen:
            return None
        if self.unseen[name] >= (self.times or 0):
            return None
        self.unseen[name] += 1
        self.refused += 1
        return ERRORS[self.code][1].format(name=name)


@dataclass
class FreePlan(Fault):
    """On the Free plan, a launch of an instance type that is not free-tier eligible (moto's data says
    which are, from describe-instance-types' FreeTierEligible) is refused, every time."""

    code: str = "InvalidParameterCombination"

    def refuses(self, request: Request, proxy: Proxy) -> str | None:
        if proxy.plan != "FREE" or request.operation not in LAUNCHES:
            return None
        from moto.ec2.models.instance_types import INSTANCE_TYPES

        kind = request.params.get("InstanceType") or request.params.get("LaunchSpecification.InstanceType", "m1.small")
        if INSTANCE_TYPES.get(kind, {}).get("FreeTierEligible"):
            return None
        self.refused += 1
        return ERRORS[self.code][1]


class Proxy:
    """The proxy, listening on 127.0.0.1 while the `with` block runs; `url` is its address."""

    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.plan = "PAID"
        self.faults: list[Fault] = [FreePlan()]
        self.log: list[tuple[str, str | None]] = []  # the CLI's EC2 requests: (operation, code refused with or None)
        self.lock = threading.Lock()
        proxy = self

        class Handler(_Forward):
            owner = proxy

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        motofork.BEHIND[self.url] = upstream  # so that motofork.fired() finds the emulator's corrections

    def __enter__(self) -> Proxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def arm(self, *faults: Fault) -> None:
        with self.lock:
            self.faults += faults

    def clear(self, code: str | None = None) -> None:
        """Stop refusing with `code` (every armed fault if None); the Free plan's rule stays."""
        with self.lock:
            self.faults = [f for f in self.faults if isinstance(f, FreePlan) or (code is not None and f.code != code)]

    def refusal(self, request: Request) -> tuple[str, str] | None:
        with self.lock:
            for fault in self.faults:
                if (message := fault.refuses(request, self)) is not None:
                    self.log.append((request.operation, fault.code))
                    return fault.code, message
            self.log.append((request.operation, None))
        return None

    def created_profile(self, name: str) -> None:
        with self.lock:
            for fault in self.faults:
                if isinstance(fault, ProfileNotYetVisible):
                    fault.created(name)

    def free_tier(self, operation: str) -> tuple[int, dict]:
        """AWS Free Tier's answer, in botocore's output shape (freetier 2023-09-07)."""
        if ("freetier", operation) in ANSWERED:
            state = {"accountId": ACCOUNT, "accountPlanType": self.plan, "accountPlanStatus": "ACTIVE"}
            if self.plan == "FREE":
                state |= {"accountPlanRemainingCredits": {"amount": 200.0, "unit": "USD"},
                          "accountPlanExpirationDate": "2027-06-01T00:00:00Z"}
            return 200, state
        return 400, {"__type": "ValidationException", "message": f"{operation} is not emulated here"}


HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "expect", "content-length"}


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore expects; `Expect: 100-continue` is answered
    disable_nagle_algorithm = True  # else each answer's body waits ~40 ms on the headers' delayed ACK
    owner: Proxy

    def log_message(self, *args) -> None:  # quiet: moto's own log has the requests
        pass

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            data = b""
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                data += self.rfile.read(size)
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return data
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _request(self, body: bytes) -> Request:
        scope = re.search(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", self.headers.get("Authorization", ""))
        service = scope.group(1) if scope else ""
        target = self.headers.get("X-Amz-Target", "")
        params: dict[str, str] = {}
        if "x-www-form-urlencoded" in self.headers.get("Content-Type", ""):
            params = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        operation = target.split(".")[-1] if target else params.get("Action", "")
        return Request(service, operation, params)

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response_only(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        body = self._body()
        request = self._request(body)
        from_cli = "aws-cli/" in self.headers.get("User-Agent", "")
        if request.service == "freetier":
            status, answer = self.owner.free_tier(request.operation)
            self._send(status, [("Content-Type", "application/x-amz-json-1.0")], json.dumps(answer).encode())
            return
        if from_cli and request.service == "ec2" and (refusal := self.owner.refusal(request)):
            code, message = refusal
            xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
                   f"<Message>{escape(message)}</Message></Error></Errors><RequestID>{uuid.uuid4()}</RequestID></Response>")
            self._send(ERRORS[code][0], [("Content-Type", "text/xml;charset=UTF-8")], xml.encode())
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        connection = http.client.HTTPConnection(self.owner.upstream.hostname, self.owner.upstream.port, timeout=300)
        try:
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        if request.service == "iam" and request.operation == "CreateInstanceProfile" and response.status == 200:
            self.owner.created_profile(request.params.get("InstanceProfileName", ""))
        self._send(response.status, response.getheaders(), data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle
