"""An IAM policy evaluator for the tests: @cloud-copilot/iam-simulate, run by Node.js.

Why this one: moto's evaluator (moto.iam.access_control) knows only StringEquals without policy
variables, and principalmapper 1.1.5 (the last release, 2022) no longer imports on Python 3.10
or later (`from collections import Mapping`) and compares condition values without resolving
policy variables. iam-simulate is maintained, evaluates every condition operator, `...IfExists`,
`ForAllValues:`/`ForAnyValue:` and policy variables in resources and condition values, applies
permissions boundaries and explicit denies, and drops a context key that the Service
Authorization Reference does not list for the action and resource type, as IAM does. It is
AGPL-3.0-or-later and used only by the tests; `nox -s check`, `tests` and `aws` install it from
tests/aws/iamsim/package-lock.json (`npm ci`, when node_modules/ is missing or older than the lock)
and run it on the Node.js that requirements/node.txt pins.

    iam = Evaluator([policy_a, policy_b])
    iam.decide("ec2:StopInstances", arn, identity, {"aws:ResourceTag/crashcourse:owner": "AIDA..."})
    iam.decide_all([(action, arn, identity, context), ...])  # one batch: one round trip
    iam.decide("s3:GetObject", arn, identity, context, abac=True)  # the bucket's ABAC is on

`abac` is an S3 general purpose bucket's ABAC status: while it is off, S3 gives IAM none of the
bucket's tags (aws:ResourceTag, s3:BucketTag), and iam-simulate drops them from the context, as
its `bucketAbacEnabled` setting says ("Using tags with S3 general purpose buckets", Amazon S3 User
Guide: https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging.html).

One Node.js process answers every Evaluator of a test run (it starts with the first question it
must answer); each batch carries its policies, and the process keeps each policy set's statements
by action. A decision depends only on the question, the policies and the evaluator, so each is
kept between runs (tests/aws/kept.py, under a hash of all of them and of the evaluator's script
and package-lock.json): a run that asks nothing new starts no Node.js at all.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from kept import Kept

HERE = Path(__file__).parent / "iamsim"
SCRIPT = HERE / "evaluate.mjs"
# What a decision depends on besides the question and its policies: the evaluator, as locked.
KEPT = Kept("iam-decisions", *(hashlib.sha256((HERE / f).read_bytes()).hexdigest() for f in ("evaluate.mjs", "package-lock.json")))


def install() -> None:
    """Check that the evaluator is installed (the nox sessions that use it run `npm ci --prefix tests/aws/iamsim`)."""
    if not (HERE / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir() or not shutil.which("node"):
        raise RuntimeError("the IAM evaluator is not installed: run `npm ci --prefix tests/aws/iamsim` "
                           "(Node.js 18 or newer), or `nox -s check`, which does it")


@dataclass(frozen=True)
class Identity:
    """Who calls: what IAM puts in the request context for the caller."""

    arn: str  # arn:aws:iam::111122223333:user/alice, or an assumed role's session ARN
    userid: str  # aws:userid: AIDA... for a user, AROA...:session-name for a role session
    account: str

    @property
    def context(self) -> dict:
        values = {"aws:userid": self.userid, "aws:PrincipalArn": self.arn, "aws:PrincipalAccount": self.account,
                  "aws:PrincipalType": "User" if ":user/" in self.arn else "AssumedRole"}
        if ":user/" in self.arn:  # aws:username exists for IAM users only
            values["aws:username"] = self.arn.rsplit("/", 1)[1]
        return values


@dataclass
class Decision:
    decision: str  # Allowed, ImplicitlyDenied, ExplicitlyDenied, or Error
    ignored: list  # context keys IAM would not have for this action and resource
    errors: dict | None = None

    @property
    def allowed(self) -> bool:
        return self.decision == "Allowed"


class _Node:
    """The one evaluator process of this Python process, asked one batch at a time."""

    process: subprocess.Popen | None = None
    lock = threading.Lock()  # the emulator tests ask from their proxy's threads

    @classmethod
    def ask(cls, batch: dict) -> list[dict]:
        with cls.lock:
            if cls.process is None or cls.process.poll() is not None:
                install()
                cls.process = subprocess.Popen(["node", str(SCRIPT)], cwd=HERE, stdin=subprocess.PIPE,
                                               stdout=subprocess.PIPE, text=True, bufsize=1)
            cls.process.stdin.write(json.dumps(batch) + "\n")
            cls.process.stdin.flush()
            line = cls.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the IAM evaluator stopped (exit {cls.process.wait()})")
            return json.loads(line)

    @classmethod
    def close(cls) -> None:
        if cls.process is not None and cls.process.poll() is None:
            cls.process.stdin.close()
            cls.process.wait(timeout=10)
        cls.process = None


atexit.register(_Node.close)


class Evaluator:
    """Questions about one set of identity policies (and a permissions boundary), answered by the
    evaluator process; each distinct question is asked once."""

    def __init__(self, policies: list[dict], boundary: dict | None = None):
        self.policies = [{"name": f"policy{i}", "policy": p} for i, p in enumerate(policies)]
        self.boundary = {"name": "boundary", "policy": boundary} if boundary else None
        self.cache: dict = {}
        self.kept_as = json.dumps([self.policies, self.boundary], sort_keys=True)  # how KEPT knows the set

    @staticmethod
    def _key(action: str, resource: str, who: Identity, context: dict | None, abac: bool = False) -> tuple:
        values = {**who.context, **(context or {})}
        return action, resource, who.arn, who.account, json.dumps(values, sort_keys=True), abac

    def decide_all(self, questions: list[tuple]) -> list[Decision]:
        """The decisions on (action, resource, who, context[, abac]) questions, in order, from one batch."""
        keys = [self._key(*q) for q in questions]
        new = []
        for key in dict.fromkeys(k for k in keys if k not in self.cache):
            if (answer := KEPT.get(f"{self.kept_as}\0{json.dumps(key)}")) is not None:
                self.cache[key] = Decision(**answer)
            else:
                new.append(key)
        if new:
            asks = [{"principal": arn, "account": account, "action": action, "resource": resource,
                     "context": json.loads(values), "bucketAbacEnabled": abac} for action, resource, arn, account, values, abac in new]
            answers = _Node.ask({"policies": self.policies, "boundary": self.boundary, "questions": asks})
            for key, answer in zip(new, answers, strict=True):
                decision = Decision(answer["decision"], answer.get("ignored", []), answer.get("errors"))
                self.cache[key] = decision
                if decision.decision != "Error":  # an error (a policy IAM refuses...) is asked again
                    KEPT.put(f"{self.kept_as}\0{json.dumps(key)}", vars(decision))
        return [self.cache[k] for k in keys]

    def decide(self, action: str, resource: str, who: Identity, context: dict | None = None, abac: bool = False) -> Decision:
        return self.decide_all([(action, resource, who, context, abac)])[0]

    def close(self) -> None:
        """Nothing to release: the process serves the whole test run, and stops with it."""

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
