"""The reader's permissions: the least-privilege policy set-up-cli offers is enough for every
command the guides run in the reader's terminal, and names the command and action when not.

How a command becomes what IAM checks:

1. The snippets are parsed, not run: bashlex (a port of bash's parser) finds each ``aws``
   command, including those inside ``$(...)``, loops and ``if``; here-document bodies are set
   aside first (bashlex cannot read quoted delimiters) and kept as the files they write, for
   ``file://`` arguments. Python snippets are read with ``ast``. Variables take the values
   the snippets assign (``ROLE=crashcourse-ssm``), the reader's account and Region stand in
   for ``$ACCOUNT_ID`` and ``$REGION``; an unknown value counts as "any" (``*``).
2. botocore's service model turns the CLI command into its API operation (``aws ec2 wait
   instance-running`` into the waiter's DescribeInstances) and its options into parameters.
3. The operation's IAM action is ``<signing name>:<operation>`` unless the Service
   Authorization Reference's "API operations" table says otherwise (OPERATION_ACTIONS), plus
   the actions AWS checks alongside it (implied_needs): ``iam:PassRole`` for an instance
   profile, ``ec2:CreateTags`` for tags on create, ``ssm:GetParameters`` for a ``resolve:ssm:``
   image. The high-level ``aws s3`` commands are listed as the operations they call (s3_calls).
4. The action's resource ARN comes from parliament's copy of the Service Authorization
   Reference (the ARN format of each resource type the action takes), filled from the
   parameters.
5. moto's IAM policy evaluator (moto.iam.access_control.IAMPolicy, the code its server runs
   when it enforces IAM) decides each (action, resource, condition context). The moto server
   itself is not used: it authorizes most services against resource ``*`` and without
   condition context, so it cannot judge a policy scoped to ``crashcourse-*`` names.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import bashlex
import bashlex.errors
import botocore.session
import pytest
from botocore import xform_name
from moto.iam.access_control import IAMPolicy, PermissionResult
ARITHMETIC = re.compile(r"\$\(\([^()]*(?:\([^()]*\)[^()]*)*\)\)")

with warnings.catch_warnings():  # parliament imports pkg_resources, which warns that it is deprecated
    warnings.simplefilter("ignore")
    from parliament import analyze_policy_string
    from parliament.statement import get_privilege_info

from conftest import ROOT, parse_sections
from snippetshell import HEREDOC, on_instance, snippet_files, split_heredocs

POLICY = ROOT / "howto" / "snippets" / "crashcourse-policy.json"
ACCOUNT, REGION = "111122223333", "eu-west-2"  # the reader's, as far as the policy can tell
READER = {"ACCOUNT_ID": ACCOUNT, "REGION": REGION, "AWS_REGION": REGION}
SESSION = botocore.session.get_session()

# Operations whose IAM action is not <signing name>:<operation>, from the "API operations"
# table of each service's page in the Service Authorization Reference:
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbudgetservice.html
OPERATION_ACTIONS = {
    "s3:HeadObject": ["s3:GetObject"],
    "s3:HeadBucket": ["s3:ListBucket"],
    "s3:ListObjectsV2": ["s3:ListBucket"],
    "s3:ListObjects": ["s3:ListBucket"],
    "s3:ListBuckets": ["s3:ListAllMyBuckets"],
    "s3:DeleteObjects": ["s3:DeleteObject"],
    "s3:CreateMultipartUpload": ["s3:PutObject"],
    "s3:GetBucketLifecycleConfiguration": ["s3:GetLifecycleConfiguration"],
    "s3:PutBucketLifecycleConfiguration": ["s3:PutLifecycleConfiguration"],
    "budgets:CreateBudget": ["budgets:ModifyBudget"],
    "budgets:DeleteBudget": ["budgets:ModifyBudget"],
    "budgets:UpdateBudget": ["budgets:ModifyBudget"],
    "budgets:DescribeBudgets": ["budgets:ViewBudget"],
    "budgets:DescribeBudget": ["budgets:ViewBudget"],
    "budgets:DescribeNotificationsForBudget": ["budgets:ViewBudget"],
    # "No permissions are required to perform this operation" (STS API Reference, GetCallerIdentity)
    "sts:GetCallerIdentity": [],
}
# AWS CLI commands that call no AWS API (they read or write the CLI's own files, or sign in).
NO_API = {"configure", "sso", "login", "logout", "--version", "help"}
# The options of the high-level `aws s3` commands that take no value.
S3_FLAGS = {"--force", "--recursive", "--delete", "--dryrun", "--quiet", "--no-progress", "--only-show-errors"}
# Where an ARN format's variable takes its value from: the operation's parameter names.
ARN_VARIABLES = {
    "BucketName": ["Bucket"], "ObjectName": ["Key"],
    "RoleNameWithPath": ["RoleName"], "InstanceProfileNameWithPath": ["InstanceProfileName"],
    "TopicName": ["Name", "TopicArn"], "RuleName": ["Name", "Rule"],
    "BudgetName": ["BudgetName", "Budget.BudgetName"],
    "ParameterNameWithoutLeadingSlash": ["Name", "Names"], "DocumentName": ["DocumentName"],
    "InstanceId": ["InstanceId", "Target"], "FileSystemId": ["FileSystemId"],
}
# The names the guides give (all `crashcourse-...`), as opposed to IDs AWS makes up.
OWN_NAMES = {"BucketName", "RoleNameWithPath", "InstanceProfileNameWithPath", "TopicName", "RuleName", "BudgetName"}
PASSES_A_ROLE = {  # operations that hand an instance profile's role to EC2, and where it is
    "ec2:RunInstances": "IamInstanceProfile",
    "ec2:AssociateIamInstanceProfile": "IamInstanceProfile",
    "ec2:ReplaceIamInstanceProfileAssociation": "IamInstanceProfile",
    "ec2:RequestSpotInstances": "LaunchSpecification.IamInstanceProfile",
}


@dataclass
class Call:
    """One AWS API call a snippet makes: where, what, with which (shell-level) parameters."""

    file: Path
    where: str
    shown: str  # the command as the reader sees it, shortened
    service: str  # botocore's service name
    operation: str
    params: dict = field(default_factory=dict)
    assigned: str | None = None  # the shell variable that keeps its output
    query: str = ""  # its --query


@dataclass
class Need:
    action: str
    resource: str
    context: dict = field(default_factory=dict)


# --- 1. the commands in the snippets -------------------------------------------------------

def expand(value, env: dict) -> object:
    """Shell-expand a parameter value with what the snippets assign; unknowns stay `$NAME`."""
    if isinstance(value, list):
        return [expand(v, env) for v in value]
    if isinstance(value, dict):
        return {k: expand(v, env) for k, v in value.items()}
    return re.sub(r"\$\{?([A-Za-z_]\w*)\}?", lambda m: env.get(m[1], m[0]), value)


def shorthand(value: str):
    """`Name=x,Arn=y` (the CLI's shorthand for a structure), or JSON, or the value itself."""
    if value.startswith(("{", "[")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    if re.fullmatch(r"(\w+=[^,=]*)(,\w+=[^,=]*)*", value):
        return dict(pair.split("=", 1) for pair in value.split(","))
    return value


def cli_params(words: list[str], files: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """Options (`--name value...`) and positional words of one aws command."""
    options, positional, current = {}, [], None
    for word in words:
        if word.startswith("--"):
            current = None if word in S3_FLAGS else word
            options[word] = []
        elif current:
            if word.startswith("file://") and word[7:] in files:
                word = files[word[7:]]
            options[current].append(word)
        else:
            positional.append(word)
    return options, positional


def s3_calls(command: str, options: dict, paths: list[str]) -> list[tuple[str, dict]]:
    """The S3 operations a high-level `aws s3` command calls, with bucket and key: ls lists,
    cp and sync read the source and write the target (sync and --recursive list first), rb
    --force empties the bucket first (AWS CLI Command Reference, aws s3)."""
    def where(url, every=False):
        bucket, _, key = url[5:].partition("/")
        return {"Bucket": bucket, "Key": key + "*" if every or not key or key.endswith("/") else key}

    remote = [p for p in paths if p.startswith("s3://")]
    source, target = (paths + ["", ""])[:2]
    many = "--recursive" in options or command == "sync"
    calls = []
    if command == "mb":
        calls = [("CreateBucket", where(remote[0]))]
    elif command == "rb":
        calls = [("DeleteBucket", where(remote[0]))]
        if "--force" in options:
            calls += [("ListObjectsV2", where(remote[0])), ("DeleteObjects", where(remote[0], every=True))]
    elif command == "ls":
        calls = [("ListObjectsV2", where(remote[0]))] if remote else [("ListBuckets", {})]
    elif command in ("cp", "mv", "sync", "rm"):
        calls += [("ListObjectsV2", where(u)) for u in remote if many]
        if source.startswith("s3://") and command != "rm":
            calls += [("GetObject", where(source, many))]
        if source.startswith("s3://") and command in ("mv", "rm"):
            calls += [("DeleteObject", where(source, many))]
        if target.startswith("s3://"):
            calls += [("PutObject", where(target, many or not target.split("/", 3)[3:]))]
    assert calls, f"aws s3 {command}: add the operations it calls to s3_calls"
    return calls


def operation_names(service: str) -> dict[str, str]:
    return {xform_name(op, "-"): op for op in SESSION.get_service_model(service).operation_names}


def api_params(service: str, operation: str, options: dict) -> dict:
    """The CLI options of a command as the operation's parameters (by botocore's member names)."""
    members = SESSION.get_service_model(service).operation_model(operation).input_shape.members
    params = {}
    for member, shape in members.items():
        values = options.get("--" + xform_name(member, "-"))
        if values is not None:
            values = [shorthand(v) for v in values]
            params[member] = values if shape.type_name == "list" else (values[0] if values else True)
    return params


def aws_command(path: Path, words: list[str], files: dict[str, str], where: str, assigned: str | None) -> list[Call]:
    """The API calls of one `aws ...` command line."""
    query = words[words.index("--query") + 1] if "--query" in words[:-1] else ""
    words = [w for i, w in enumerate(words) if not (words[i - 1] in ("--region", "--profile", "--output", "--query") or w in ("--region", "--profile", "--output", "--query"))]
    shown = " ".join(words[:3])
    if len(words) < 2 or words[1] in NO_API:
        return []
    service = {"s3api": "s3"}.get(words[1], words[1])
    options, positional = cli_params(words[3:], files)
    if words[1] == "s3":
        return [Call(path, where, shown, "s3", op, params, assigned, query) for op, params in s3_calls(words[2], options, positional)]
    if words[2] == "wait":
        waiters = SESSION.get_waiter_model(service)
        name = {xform_name(w, "-"): w for w in waiters.waiter_names}[words[3]]
        operation = waiters.get_waiter(name).operation
        options, _ = cli_params(words[4:], files)
    else:
        operation = operation_names(service)[words[2]]
    return [Call(path, where, shown, service, operation, api_params(service, operation, options), assigned, query)]


def walk(node):
    """Every bashlex node under node."""
    yield node
    for name in ("parts", "list", "command", "body", "output"):
        child = getattr(node, name, None)
        for c in child if isinstance(child, list) else [child] if child is not None and hasattr(child, "kind") else []:
            yield from walk(c)


def shell_calls(path: Path, env: dict) -> list[Call]:
    """The API calls of a shell snippet file's sections that run in the reader's terminal."""
    calls, rel = [], path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    files = {}  # what the here-documents wrote, for later `file://` arguments
    for section in parse_sections(path):
        if on_instance(section):
            continue
        lines, docs = split_heredocs(section)
        files.update({d.target: d.body for d in docs if d.target})
        text = [""] * len(section.code.splitlines())
        for line in lines:
            text[line.number - section.line - 1] = HEREDOC.sub("", line.text)
        # bashlex cannot parse arithmetic expansion; it never holds a command, so a number stands in.
        code = ARITHMETIC.sub("0", "\n".join(text) + "\n")
        assigned_by = {}
        try:
            trees = bashlex.parse(code)
        except (NotImplementedError, bashlex.errors.ParsingError) as e:
            raise AssertionError(f"{rel}:{section.line}: section {section.name!r} cannot be parsed: {e}") from None
        for tree in trees:
            for node in walk(tree):
                if node.kind == "assignment":
                    name, _, value = node.word.partition("=")
                    for inner in walk(node):
                        if inner.kind == "commandsubstitution":
                            assigned_by[inner.command.pos] = name
                    env.setdefault(path, {})[name] = value
                if node.kind == "command":
                    words = [p.word for p in node.parts if p.kind == "word"]
                    if words[:1] == ["aws"]:
                        line = section.line + 1 + code.count("\n", 0, node.pos[0])
                        calls += aws_command(path, words, files, f"{rel}:{line}", assigned_by.get(node.pos))
    return calls


def python_calls(path: Path) -> list[Call]:
    """The boto3 calls of a Python snippet file (clients made with boto3 or a Session)."""
    tree, rel = ast.parse(path.read_text()), path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    clients, values, calls = {}, {}, []

    def client_of(node):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "client":
            return node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
        return clients.get(node.id) if isinstance(node, ast.Name) else None

    def value(node):
        if isinstance(node, ast.Name) and node.id in values:
            return values[node.id]
        try:
            return ast.literal_eval(node)
        except ValueError:
            return "*"

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            target, source = node.targets[0].id, node.value
            if service := client_of(source):
                clients[target] = service
            elif isinstance(source, ast.Subscript) and ast.unparse(source.value) == "os.environ":
                values[target] = f"${source.slice.value}"
            elif isinstance(source, ast.Constant):
                values[target] = source.value
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        service, method = client_of(node.func.value), node.func.attr
        if not service or method == "client":
            continue
        params = {k.arg: value(k.value) for k in node.keywords if k.arg}
        where = f"{rel}:{node.lineno}"
        if method in ("upload_file", "download_file"):  # boto3's managed transfers (s3transfer)
            args = [value(a) for a in node.args]
            bucket, key = (args[1], args[2]) if method == "upload_file" else (args[0], args[1])
            ops = ["PutObject"] if method == "upload_file" else ["HeadObject", "GetObject"]
            calls += [Call(path, where, f"{service}.{method}", "s3", op, {"Bucket": bucket, "Key": key}) for op in ops]
            continue
        if method in ("get_paginator", "get_waiter"):
            name = node.args[0].value
            if method == "get_waiter":
                waiters = SESSION.get_waiter_model(service)
                name = xform_name(waiters.get_waiter({xform_name(w): w for w in waiters.waiter_names}[name]).operation)
            method = name
        operation = {xform_name(op): op for op in SESSION.get_service_model(service).operation_names}[method]
        calls.append(Call(path, where, f"{service}.{method}", service, operation, params))
    return calls


# --- 2. what IAM checks for each call ------------------------------------------------------

def lookup(params: dict, dotted: str):
    for part in dotted.split("."):
        params = params.get(part) if isinstance(params, dict) else None
    return params


def unknown_as_any(value: str, whole: str = "*") -> str:
    """`*` for each expansion the snippets give no value to: $NAME, ${...}, $(...); `whole` when
    the value is nothing but one such expansion."""
    if re.fullmatch(r"\$(\{\w+\}|\w+)|\$\(.*\)", value, re.S):
        return whole
    while (start := value.find("$(")) >= 0:
        depth, end = 0, start + 1
        while end < len(value) and (depth := depth + {"(": 1, ")": -1}.get(value[end], 0)):
            end += 1
        value = value[:start] + "*" + value[end + 1:]
    return re.sub(r"\$(\{[^}]*\}|\w+)", "*", value)


def arns(action: str, params: dict, env: dict) -> list[str]:
    """The resources IAM checks `action` against, from the action's resource types."""
    prefix, name = action.split(":")
    info = get_privilege_info(prefix, name)
    formats = {r["resource"]: r["arn"] for r in info["service_resources"]}
    out = []
    for kind in (r["resource_type"] for r in info["resource_types"] if r["resource_type"]):
        required = kind.endswith("*")
        arn, known = formats[kind.rstrip("*")], True
        for variable in re.findall(r"\$\{(\w+)\}", arn):
            fixed = {"Partition": "aws", "Region": REGION, "Account": ACCOUNT}.get(variable)
            found = [lookup(params, p) for p in ARN_VARIABLES.get(variable, []) if lookup(params, p)]
            value = fixed or (found[0][0] if found and isinstance(found[0], list) else found[0] if found else None)
            value = None if value is None else str(expand(value, env))
            if value and value.startswith("arn:"):  # an ARN given for a name: its last part
                value = re.split(r"[:/]", value)[-1]
            if value and variable == "ParameterNameWithoutLeadingSlash":
                value = value.removeprefix("resolve:ssm:").lstrip("/")
            known = known and value is not None and (
                "$" not in value or (variable in OWN_NAMES and unknown_as_any(value, "") == "")
            )
            # A name the snippets give but the checker cannot know (a loop variable over what a
            # query found by the guide's own names) is taken to be one of those `crashcourse-` names.
            named = variable in OWN_NAMES
            value = "*" if value is None else unknown_as_any(value, "crashcourse-*" if named else "*")
            arn = arn.replace("${" + variable + "}", value)
        if required or known:  # resources AWS owns (public parameters, AWS documents) have no account
            out.append(re.sub(rf":{ACCOUNT}:(parameter/aws/|document/AWS-)", r"::\1", arn))
    return out or ["*"]


def implied_needs(call: Call, profiles: dict[str, str], env: dict) -> list[Need]:
    """Actions AWS authorizes alongside the operation's own."""
    key, params, needs = f"{call.service}:{call.operation}", call.params, []
    if key in PASSES_A_ROLE and (profile := lookup(params, PASSES_A_ROLE[key])):
        name = re.split(r"[:/]", profile.get("Arn", ""))[-1] or profile.get("Name")
        role = profiles.get(str(expand(name, env)), "*")  # the role the guides put in that profile
        needs.append(Need("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/{role}", {"iam:PassedToService": "ec2.amazonaws.com"}))
    if key == "iam:AddRoleToInstanceProfile":  # IAM API Reference: "must be granted the PassRole permission"
        role = expand(params.get("RoleName", "*"), env)
        needs.append(Need("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/{role}", {"iam:PassedToService": "ec2.amazonaws.com"}))
    if call.service == "ec2" and params.get("TagSpecifications"):
        needs.append(Need("ec2:CreateTags", "*"))  # EC2 User Guide: "Grant permission to tag resources during creation"
    if key == "ec2:RunInstances" and str(params.get("ImageId", "")).startswith("resolve:ssm:"):
        needs += [Need("ssm:GetParameters", a) for a in arns("ssm:GetParameters", {"Names": [params["ImageId"]]}, env)]
    if key == "efs:CreateMountTarget":  # EFS API Reference, CreateMountTarget: "also requires ... Amazon EC2 actions"
        needs += [Need(f"ec2:{a}", "*") for a in ("DescribeSubnets", "DescribeNetworkInterfaces", "CreateNetworkInterface")]
    if key == "efs:CreateFileSystem" and params.get("Tags"):
        needs.append(Need("elasticfilesystem:TagResource", "*"))
    # The first Spot Instance, or the first EFS file system, in an account makes AWS create a
    # service-linked role on the caller's behalf (EC2 User Guide, "Service-linked role for Spot
    # Instance requests"; EFS User Guide, "Using service-linked roles for Amazon EFS").
    spot = key == "ec2:RunInstances" and lookup(params, "InstanceMarketOptions.MarketType") == "spot"
    for service, made_by in (("spot.amazonaws.com", spot or key == "ec2:RequestSpotInstances"),
                             ("elasticfilesystem.amazonaws.com", key == "efs:CreateFileSystem")):
        if made_by:
            needs.append(Need("iam:CreateServiceLinkedRole", f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{service}/*",
                              {"iam:AWSServiceName": service}))
    return needs


def needs_of(call: Call, profiles: dict[str, str], env: dict) -> list[Need]:
    signing = SESSION.get_service_model(call.service).signing_name
    key = f"{call.service}:{call.operation}"
    actions = OPERATION_ACTIONS.get(key, [f"{signing}:{call.operation}"])
    params = call.params
    if key == "ssm:StartSession":  # without --document-name, Session Manager runs this document
        params = {"DocumentName": "SSM-SessionManagerRunShell", **params}
    needs = [Need(a, r) for a in actions for r in arns(a, params, env)]
    return needs + implied_needs(call, profiles, env)


def all_calls() -> tuple[list[Call], dict]:
    """Every API call in the snippets, and each shell file's literal assignments."""
    per_file: dict = {}
    calls = [c for p in snippet_files(".sh") for c in shell_calls(p, per_file)]
    calls += [c for p in snippet_files(".py") for c in python_calls(p)]
    return calls, per_file


def resolve(calls: list[Call], per_file: dict) -> tuple[dict, dict[str, str]]:
    """Each file's variables (its own assignments first, then other files', then the
    reader's account and Region), with `$(aws ... --query ...Arn)` outputs as the ARN of what
    the command made; and which role each instance profile carries."""
    everywhere = dict(READER)
    for values in per_file.values():
        for name, value in values.items():
            everywhere.setdefault(name, value)
    envs = {}
    for call in calls:
        own = per_file.get(call.file) or per_file.get(call.file.with_suffix(".sh"), {})  # a .py: its guide's
        env = envs.setdefault(call.file, {**everywhere, **own})
        for _ in range(3):  # values made of other values
            env.update({k: expand(v, env) for k, v in env.items()})
        if call.assigned and str(env.get(call.assigned)).startswith("$(") and call.query.endswith("Arn"):
            made = [n.resource for n in needs_of(call, {}, env)[:1] if n.resource != "*"]
            env[call.assigned] = made[0] if made else env.get(call.assigned, "*")
    profiles = {
        str(expand(c.params["InstanceProfileName"], envs[c.file])): str(expand(c.params["RoleName"], envs[c.file]))
        for c in calls if c.operation == "AddRoleToInstanceProfile"
    }
    return envs, profiles


# --- 3. the policy decides ------------------------------------------------------------------

def missing(policy: dict, calls: list[Call], envs: dict, profiles: dict) -> list[str]:
    """Every call the policy does not allow: file:line, command, action, resource."""
    evaluator, found = IAMPolicy(json.dumps(policy)), []
    for call in calls:
        for need in needs_of(call, profiles, envs[call.file]):
            result = evaluator.is_action_permitted(need.action, need.resource, incoming_condition_values=need.context)
            if result != PermissionResult.PERMITTED:
                context = "".join(f" with {k}={v}" for k, v in need.context.items())
                found.append(f"{call.where}: `{call.shown}` ({call.operation}) needs {need.action} on {need.resource}{context}")
    return list(dict.fromkeys(found))


@pytest.fixture(scope="module")
def snippets():
    calls, per_file = all_calls()
    env, profiles = resolve(calls, per_file)
    return calls, env, profiles


def test_policy_allows_every_command(snippets):
    calls, env, profiles = snippets
    assert len(calls) > 100, "the snippets' AWS commands were not found"
    problems = missing(json.loads(POLICY.read_text()), calls, env, profiles)
    assert not problems, f"{POLICY.relative_to(ROOT)} does not allow {len(problems)} call(s):\n" + "\n".join(problems)


def everything_but(action: str) -> dict:
    """A policy that allows every action except one (the fixture: one permission missing)."""
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": action, "Resource": "*"}]}


def test_a_missing_action_is_named_with_its_command(snippets):
    calls, envs, profiles = snippets
    report = missing(everything_but("ec2:CreateVolume"), calls, envs, profiles)
    assert report and all("`aws ec2 create-volume` (CreateVolume) needs ec2:CreateVolume on" in r for r in report), report
    assert report[0].startswith("howto/snippets/ebs-volume.sh:")


def test_a_missing_pass_role_is_named_with_its_command(snippets):
    calls, envs, profiles = snippets
    report = missing(everything_but("iam:PassRole"), calls, envs, profiles)
    assert report and all("needs iam:PassRole on arn:aws:iam::111122223333:role/" in r for r in report), report
    assert {r.split("`")[1] for r in report} >= {"aws ec2 run-instances", "aws ec2 associate-iam-instance-profile"}, report
    assert all(r.endswith("with iam:PassedToService=ec2.amazonaws.com") for r in report), report


def test_pass_role_only_to_ec2():
    """The policy lets the reader pass the guides' roles to Amazon EC2 and to no other service."""
    evaluator = IAMPolicy(POLICY.read_text())
    role = f"arn:aws:iam::{ACCOUNT}:role/crashcourse-ssm"
    assert evaluator.is_action_permitted("iam:PassRole", role, incoming_condition_values={"iam:PassedToService": "ec2.amazonaws.com"}) == PermissionResult.PERMITTED
    assert evaluator.is_action_permitted("iam:PassRole", role, incoming_condition_values={"iam:PassedToService": "lambda.amazonaws.com"}) != PermissionResult.PERMITTED
    assert evaluator.is_action_permitted("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/Admin", incoming_condition_values={"iam:PassedToService": "ec2.amazonaws.com"}) != PermissionResult.PERMITTED


def test_policy_conditions_are_ones_the_evaluator_checks():
    """moto's evaluator checks StringEquals only, and a key it is not given passes: so the
    policy may use no other operator, and only keys this test supplies."""
    for statement in json.loads(POLICY.read_text())["Statement"]:
        for operator, keys in statement.get("Condition", {}).items():
            assert operator == "StringEquals" and set(keys) <= {"iam:PassedToService", "iam:AWSServiceName"}, statement


# Parliament findings the policy accepts, by (issue, service or action), each with its reason.
PARLIAMENT_ACCEPTED = {
    ("RESOURCE_STAR", "ec2"): "EC2 resources get their IDs when created: no ARN can name the reader's beforehand",
    ("RESOURCE_STAR", "elasticfilesystem"): "an EFS file system gets its ID when created, as EC2 resources do",
    ("RESOURCE_MISMATCH", "ssm:GetParameter"): "public parameters are AWS's: their ARNs have no account ID",
    ("RESOURCE_MISMATCH", "ssm:GetParameters"): "public parameters are AWS's: their ARNs have no account ID",
}


def accepted(issue: str, detail) -> bool:
    actions = [d["action"] if isinstance(d, dict) else d for d in (detail if isinstance(detail, list) else [detail])]
    return all((issue, a) in PARLIAMENT_ACCEPTED or (issue, str(a).split(":")[0]) in PARLIAMENT_ACCEPTED for a in actions)


def test_policy_passes_parliament():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        findings = analyze_policy_string(POLICY.read_text()).findings
    problems = [f"{f.issue}: {f.detail} {f.location}" for f in findings if not accepted(f.issue, f.detail)]
    assert not problems, "\n".join(problems)


def test_parliament_finds_a_broken_policy():
    """The lint is live: an unknown action, and an object action on a bucket ARN, are found."""
    broken = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:LaunchEverything", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::crashcourse-data"}]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        issues = {f.issue for f in analyze_policy_string(json.dumps(broken)).findings if not accepted(f.issue, f.detail)}
    assert {"UNKNOWN_ACTION", "RESOURCE_MISMATCH"} <= issues, issues
