"""The permissions boundary of the roles AWS ParallelCluster creates for the guide's cluster
(howto/snippets/crashcourse-pcluster-boundary.json) allows every action ParallelCluster's own code
gives those roles, at the version the guide installs.

A boundary caps a role: what the role may do is what both its policies and the boundary allow. If
the boundary lacks an action the head node needs (ec2:CreateFleet, say), the cluster is created but
never launches a compute node. ParallelCluster writes the policies of its head node, compute node and
AWS Lambda function roles in its own code (pcluster/templates/), so this test reads that code with
Python's parser, at the version requirements/pcluster.txt pins, and collects every action it names
in an `actions` list: a new release that adds one fails here, naming it and the file and line that
names it. Actions for features the guide's configuration does not use are listed in NOT_USED, each
with why; an entry the code no longer names fails too.

What this does not check: the resources and conditions of each statement (only the action names),
and the AWS managed policies ParallelCluster attaches by name (CloudWatchAgentServerPolicy, and
AmazonSSMManagedInstanceCore, which the configuration adds): their actions come from AWS's managed
policy reference, not from this package.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import json
from pathlib import Path

from configcheck import ROOT

BOUNDARY = ROOT / "howto" / "snippets" / "crashcourse-pcluster-boundary.json"
PACKAGE = Path(importlib.util.find_spec("pcluster").origin).parent
# The modules that write the policies of the roles a Slurm cluster gets.
ROLE_CODE = ["templates/cdk_builder_utils.py", "templates/cluster_stack.py", "templates/slurm_builder.py",
             "templates/compute_fleet_stack.py"]
# Code in those modules that is not a permission of those roles.
NOT_ROLES = {
    "LoginNodesIamResources": "the role of login nodes, which the configuration has none of",
    "get_assume_role_policy_document": "a trust policy (sts:AssumeRole for the EC2 service), not a permission",
}
NOT_USED = {
    "s3:*": "S3Access with EnableWriteAccess: the boundary caps it to the objects of crashcourse- buckets",
    "s3:Get*": "S3Access: the boundary caps it to the objects of crashcourse- buckets",
    "s3:List*": "S3Access: the boundary caps it to listing crashcourse- buckets",
    "secretsmanager:GetSecretValue": "a munge key, directory service or Slurm database secret: the configuration has none",
    "elasticloadbalancing:DescribeTargetGroups": "login nodes: the configuration has none",
    "elasticloadbalancing:DescribeTargetHealth": "login nodes: the configuration has none",
    "resource-groups:ListGroupResources": "a capacity reservation resource group: the configuration has none",
    "elasticfilesystem:ClientMount": "Amazon EFS IAM authorization, which the configuration leaves off",
    "elasticfilesystem:ClientRootAccess": "Amazon EFS IAM authorization, which the configuration leaves off",
    "elasticfilesystem:ClientWrite": "Amazon EFS IAM authorization, which the configuration leaves off",
}


def _constants(node: ast.AST) -> list[str]:
    """The strings a list element can be: a constant, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def actions_in(path: Path) -> dict[str, int]:
    """Each action a module names in an `actions` list (a keyword, a dict key, or a variable
    called *_actions), with the line that names it first; NOT_ROLES' code is left out."""
    found: dict[str, int] = {}

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name in NOT_ROLES:
            return
        lists = []
        if isinstance(node, ast.keyword) and node.arg == "actions":
            lists.append(node.value)
        elif isinstance(node, ast.Dict):
            lists += [v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value == "actions"]
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("_actions") for t in node.targets):
            lists.append(node.value)
        for value in lists:
            if isinstance(value, ast.List):
                for element in value.elts:
                    for action in _constants(element):
                        found.setdefault(action, element.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return found


def role_actions() -> dict[str, str]:
    """Every action the role code names, with `FILE:LINE` (in the installed package) of its first mention."""
    found: dict[str, str] = {}
    for name in ROLE_CODE:
        for action, line in actions_in(PACKAGE / name).items():
            found.setdefault(action, f"pcluster/{name}:{line}")
    return found


def allowed_by(boundary: dict, action: str) -> bool:
    """Whether an Allow statement of the boundary names the action (IAM matches actions without case)."""
    for statement in boundary["Statement"]:
        patterns = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if statement["Effect"] == "Allow" and any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns):
            return True
    return False


def missing(boundary: dict) -> list[str]:
    return [f"{where}: {action} is not allowed by {BOUNDARY.relative_to(ROOT)}"
            for action, where in sorted(role_actions().items()) if action not in NOT_USED and not allowed_by(boundary, action)]


def test_the_boundary_allows_what_parallelcluster_gives_its_roles():
    problems = missing(json.loads(BOUNDARY.read_text()))
    assert not problems, "\n".join(problems)


def test_every_action_listed_as_not_used_is_still_in_the_code():
    stale = sorted(set(NOT_USED) - set(role_actions()))
    assert not stale, f"NOT_USED lists actions ParallelCluster's role code no longer names: {stale}"


def test_a_boundary_without_an_action_the_head_node_needs_is_named():
    """Fixture: the boundary without ec2:CreateFleet, with which the head node launches Spot compute nodes."""
    boundary = json.loads(BOUNDARY.read_text())
    for statement in boundary["Statement"]:
        if isinstance(statement["Action"], list):
            statement["Action"] = [a for a in statement["Action"] if a != "ec2:CreateFleet"]
    problems = missing(boundary)
    assert len(problems) == 1 and "ec2:CreateFleet is not allowed" in problems[0], problems
    assert problems[0].startswith("pcluster/templates/cdk_builder_utils.py:"), problems
