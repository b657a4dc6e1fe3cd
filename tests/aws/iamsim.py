"""An IAM policy evaluator for the tests: @cloud-copilot/iam-simulate, run by Node.js.

Why this one: moto's evaluator (moto.iam.access_control) knows only StringEquals without policy
variables, and principalmapper 1.1.5 (the last release, 2022) no longer imports on Python 3.10
or later (`from collections import Mapping`) and compares condition values without resolving
policy variables. iam-simulate is maintained, evaluates every condition operator, `...IfExists`,
`ForAllValues:`/`ForAnyValue:` and policy variables in resources and condition values, applies
permissions boundaries and explicit denies, and drops a context key that the Service
Authorization Reference does not list for the action and resource type, as IAM does. It is
AGPL-3.0-or-later and used only by the tests; `nox -s aws` installs it from
tests/aws/iamsim/package-lock.json (`npm ci`).

    with Evaluator([policy_a, policy_b]) as iam:
        iam.decide("ec2:StopInstances", arn, identity, {"aws:ResourceTag/crashcourse:owner": "AIDA..."})
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent / "iamsim"
SCRIPT = HERE / "evaluate.mjs"


def install() -> None:
    """Check that the evaluator is installed (`nox -s aws` runs `npm ci --prefix tests/aws/iamsim`)."""
    if not (HERE / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir() or not shutil.which("node"):
        raise RuntimeError("the IAM evaluator is not installed: run `npm ci --prefix tests/aws/iamsim` "
                           "(Node.js 18 or newer), or `nox -s aws`, which does it")


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


class Evaluator:
    """One Node.js process that answers questions about one set of identity policies."""

    def __init__(self, policies: list[dict], boundary: dict | None = None):
        install()
        self.policies = [{"name": f"policy{i}", "policy": p} for i, p in enumerate(policies)]
        self.boundary = {"name": "boundary", "policy": boundary} if boundary else None
        self.process = subprocess.Popen(["node", str(SCRIPT)], cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        self.cache: dict = {}

    def decide(self, action: str, resource: str, who: Identity, context: dict | None = None) -> Decision:
        values = {**who.context, **(context or {})}
        key = (action, resource, json.dumps(values, sort_keys=True))
        if key not in self.cache:
            ask = {"principal": who.arn, "account": who.account, "action": action, "resource": resource,
                   "context": values, "policies": self.policies, "boundary": self.boundary}
            self.process.stdin.write(json.dumps(ask) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the IAM evaluator stopped (exit {self.process.wait()})")
            answer = json.loads(line)
            self.cache[key] = Decision(answer["decision"], answer.get("ignored", []), answer.get("errors"))
        return self.cache[key]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
