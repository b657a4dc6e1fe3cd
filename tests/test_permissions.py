"""The reader's permissions: the least-privilege policies set-up-cli offers
(howto/snippets/crashcourse-policy*.json) allow every command the guides run in the reader's
terminal, as IAM would judge it, and a refusal names the file, line, command, action and resource.

tests/aws/permissions.py turns each snippet command into what IAM checks (its docstring says how);
the IAM evaluator (tests/aws/iamsim.py, iam-simulate on the Node.js that requirements/node.txt
pins) judges every question in one batch. parliament lints the policies and the boundary. This
module reads only the sources (marked `sources`): `nox -s check` runs it.
"""

from __future__ import annotations

import json
import warnings

import pytest

with warnings.catch_warnings():  # parliament imports pkg_resources, which warns that it is deprecated
    warnings.simplefilter("ignore")
    import parliament.statement
    from parliament import analyze_policy_string

# parliament 1.6.4 (its last release) knows the type ArrayOfString but stops with "Unknown data
# format" on ArrayOfARN, the type its own copy of the Service Authorization Reference gives
# events:TargetArn. "ArrayOf" marks a multivalued key whose values have the type that follows
# (IAM User Guide, "Single-valued vs. multivalued context keys"): parliament checks them as that type.
_translate = parliament.statement.translate_documentation_types
parliament.statement.translate_documentation_types = lambda kind: _translate(kind.removeprefix("ArrayOf"))

from conftest import ROOT
from iamsim import Evaluator, Identity  # tests/aws/ (on sys.path: tests/conftest.py)
from permissions import (ACCOUNT, BOUNDARY, BOUNDARY_ARN, ME, OWNER_TAG, POLICIES, REGION, Call, PermissionCheckError,
                         all_calls, all_needs, iam_action, missing, policies, policies_before, resolve, shell_calls,
                         tag_on_create)

pytestmark = pytest.mark.sources


@pytest.fixture(scope="module")
def snippets():
    """Every call the snippets make, what they assign and make, and each call's needs."""
    calls, per_file = all_calls()
    envs, known = resolve(calls, per_file)
    return calls, envs, known, all_needs(calls, envs, known)


def fixture_snippet(tmp_path, lines: str):
    """A guide's snippet file of one section holding `lines`: the file, and what its calls need."""
    snippet = tmp_path / "howto" / "snippets" / "x.sh"
    snippet.parent.mkdir(parents=True)
    snippet.write_text(f"# [start s]\n{lines}# [end s]\n")
    per_file: dict = {}
    calls = shell_calls(snippet, per_file)
    envs, known = resolve(calls, per_file)
    return snippet, all_needs(calls, envs, known)


def test_policy_allows_every_command(snippets):
    calls, envs, known, asked = snippets
    assert len(calls) > 100, "the snippets' AWS commands were not found"
    problems = missing(policies(), asked)
    names = ", ".join(str(p.relative_to(ROOT)) for p in POLICIES)
    assert not problems, f"{names} do not allow {len(problems)} call(s):\n" + "\n".join(problems)


def everything_but(action: str) -> dict:
    """A policy that allows every action except one (the fixture: one permission missing)."""
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": action, "Resource": "*"}]}


def test_a_missing_action_is_named_with_its_command(snippets):
    calls, envs, known, asked = snippets
    report = missing([everything_but("ec2:CreateVolume")], asked)
    assert report and all("`aws ec2 create-volume` (CreateVolume) needs ec2:CreateVolume on arn:aws:ec2:eu-west-2:111122223333:volume/" in r
                          for r in report), report
    assert report[0].startswith("howto/snippets/ebs-volume.sh:")
    assert not any("*" in r.split(" needs ")[1].split(" with ")[0] for r in report), report


def test_a_command_of_the_cli_itself_is_mapped_or_named():
    """Fixture: `aws ecr get-login-password`, a command of the AWS CLI itself, is judged as the operation it
    calls; a command neither botocore nor CLI_OPERATIONS knows stops the check with its file and line."""
    from pathlib import Path
    from permissions import aws_command
    where = "howto/snippets/x.sh:3"
    (call,) = aws_command(Path("x.sh"), ["aws", "ecr", "get-login-password"], {}, where, None)
    assert (call.service, call.operation) == ("ecr", "GetAuthorizationToken")
    with pytest.raises(ValueError, match=r"^howto/snippets/x\.sh:3: `aws ecr get-login` is neither"):
        aws_command(Path("x.sh"), ["aws", "ecr", "get-login"], {}, where, None)


def test_a_missing_pass_role_is_named_with_its_command(snippets):
    calls, envs, known, asked = snippets
    report = missing([everything_but("iam:PassRole")], asked)
    assert report and all(f"needs iam:PassRole on arn:aws:iam::111122223333:role/crashcourse/{ME.userid}/crashcourse-" in r
                          for r in report), report
    assert {r.split("`")[1] for r in report} >= {"aws ec2 run-instances", "aws ec2 associate-iam-instance-profile",
                                                 "aws batch register-job-definition"}, report
    assert all("with iam:PassedToService=ec2.amazonaws.com" in r for r in report if "`aws ec2 " in r), report
    # An AWS Batch job definition passes its job role and its execution role, each asked as passed to
    # AWS Batch and to the ECS tasks that run its jobs (permissions.PASSES_ROLE_ARNS).
    batch = [r for r in report if "`aws batch register-job-definition`" in r]
    assert len(batch) == 4, batch
    assert sorted(r.split("with iam:PassedToService=")[1].split()[0] for r in batch) == [
        "batch.amazonaws.com", "batch.amazonaws.com", "ecs-tasks.amazonaws.com", "ecs-tasks.amazonaws.com"], batch
    assert {r.split(" on ")[1].split()[0] for r in batch} == {f"arn:aws:iam::{ACCOUNT}:role/crashcourse/{ME.userid}/crashcourse-batch-job-reader",
                                                              f"arn:aws:iam::{ACCOUNT}:role/crashcourse/{ME.userid}/crashcourse-batch-exec-reader"}, batch


def test_passing_batch_roles_only_to_ecs_tasks_is_named(snippets):
    """Fixture: the policy as it was, passing the reader's AWS Batch roles to ecs-tasks.amazonaws.com only;
    the job definition's two roles, asked as passed to AWS Batch, are named with their command."""
    calls, envs, known, asked = snippets
    report = missing(policies_before(FIXTURES / "policy-batch-pass-to-tasks-only.json"), asked)
    assert len(report) == 2 and all(r.startswith("howto/snippets/batch-jobs.sh:") and "`aws batch register-job-definition`" in r
                                    and "with iam:PassedToService=batch.amazonaws.com" in r for r in report), report


def test_a_missing_owner_tag_is_named(snippets):
    """Fixture: a create call without the owner tag is refused, and the message shows its tags."""
    calls, envs, known, _ = snippets
    launch = next(c for c in calls if c.operation == "RunInstances" and c.params.get("TagSpecifications"))
    untagged = Call(launch.file, launch.where, launch.shown, launch.service, launch.operation,
                    {k: v for k, v in launch.params.items() if k != "TagSpecifications"}, launch.assigned, launch.query)
    report = missing(policies(), all_needs([untagged], envs, known))
    assert any(f"needs ec2:RunInstances on arn:aws:ec2:{REGION}:{ACCOUNT}:instance/" in r for r in report), report


def test_roles_only_with_the_boundary_and_passed_only_to_ec2():
    """The policies let the reader create roles only with the site's boundary, pass their own
    roles (those under their own path) to Amazon EC2 only, and never remove the boundary."""
    role = f"arn:aws:iam::{ACCOUNT}:role/crashcourse/{ME.userid}/crashcourse-ssm-reader"
    mine = {f"aws:ResourceTag/{OWNER_TAG}": ME.userid}
    create = {f"aws:RequestTag/{OWNER_TAG}": ME.userid, "aws:TagKeys": [OWNER_TAG]}
    with Evaluator(policies()) as iam:
        def allowed(action, resource, context):
            return iam.decide(action, resource, ME, context).allowed
        assert allowed("iam:CreateRole", role, {**create, "iam:PermissionsBoundary": BOUNDARY_ARN})
        assert not allowed("iam:CreateRole", role, create)
        assert not allowed("iam:CreateRole", role, {**create, "iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/other"})
        assert allowed("iam:PassRole", role, {**mine, "iam:PassedToService": "ec2.amazonaws.com"})
        assert not allowed("iam:PassRole", role, {**mine, "iam:PassedToService": "lambda.amazonaws.com"})
        assert allowed("iam:PassRole", role, {"iam:PassedToService": "ec2.amazonaws.com"})  # no tag needed: the path decides
        theirs = f"arn:aws:iam::{ACCOUNT}:role/crashcourse/AIDAANOTHERREADER/crashcourse-ssm-bob"
        assert not allowed("iam:PassRole", theirs, {**mine, "iam:PassedToService": "ec2.amazonaws.com"})
        assert not allowed("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/Admin", {"iam:PassedToService": "ec2.amazonaws.com"})
        admin = {**mine, "iam:PermissionsBoundary": BOUNDARY_ARN, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}
        assert not allowed("iam:AttachRolePolicy", role, admin)
        assert iam.decide("iam:DeleteRolePermissionsBoundary", role, ME, mine).decision == "ExplicitlyDenied"
        assert iam.decide("iam:CreatePolicyVersion", BOUNDARY_ARN, ME, {}).decision == "ExplicitlyDenied"


FIXTURES = ROOT / "tests" / "aws" / "fixtures"
OTHER_READER, OTHER_ACCOUNT = "AIDAANOTHERREADER", "444455556666"
MINE, THEIRS = {f"aws:ResourceTag/{OWNER_TAG}": ME.userid}, {f"aws:ResourceTag/{OWNER_TAG}": OTHER_READER}
IMAGE, SNAPSHOT = f"arn:aws:ec2:{REGION}::image/ami-0abcdef1234567890", f"arn:aws:ec2:{REGION}::snapshot/snap-0abcdef1234567890"
RULE = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/crashcourse-spot-interruption-warning-reader"
# Roles and instance profiles live under a path per reader, /crashcourse/USERID/ (IAM User Guide,
# "IAM identifiers": a role's ARN holds its path); those made before paths sit at the top, `/`.
OWN, OTHERS = f"arn:aws:iam::{ACCOUNT}:role/crashcourse/{ME.userid}", f"arn:aws:iam::{ACCOUNT}:role/crashcourse/{OTHER_READER}"
ROLE, THEIR_ROLE, OLD_ROLE = f"{OWN}/crashcourse-ssm-reader", f"{OTHERS}/crashcourse-ssm-bob", f"arn:aws:iam::{ACCOUNT}:role/crashcourse-ssm-reader"
THEIR_PROFILE = f"arn:aws:iam::{ACCOUNT}:instance-profile/crashcourse/{OTHER_READER}/crashcourse-ssm-bob"
TO_EC2 = {"iam:PassedToService": "ec2.amazonaws.com"}
NEW_ROLE = {f"aws:RequestTag/{OWNER_TAG}": ME.userid, "aws:TagKeys": [OWNER_TAG]}
ELSEWHERE = f"arn:aws:iam::{OTHER_ACCOUNT}:policy/crashcourse-boundary"  # a boundary of the same name in another account
BATCH = f"arn:aws:batch:{REGION}:{ACCOUNT}"
QUEUE, DEFINITION = f"{BATCH}:job-queue/crashcourse-batch-reader", f"{BATCH}:job-definition/crashcourse-batch-reader:1"
ENVIRONMENT, JOB_ROLE = f"{BATCH}:compute-environment/crashcourse-batch-reader", f"{OWN}/crashcourse-batch-job-reader"
TO_TASKS = {"iam:PassedToService": "ecs-tasks.amazonaws.com"}

# What the reader may and may not do with images, snapshots, rules' targets and the boundary:
# (what, action, resource, request context, allowed). The Service Authorization Reference gives
# ec2:Owner for an image or a snapshot as `amazon`, `aws-marketplace` or an account ID, and
# events:TargetArn as every target's ARN.
CASES = [
    ("launch from Amazon's image", "ec2:RunInstances", IMAGE, {"ec2:Owner": "amazon"}, True),
    ("launch from an AWS Marketplace image", "ec2:RunInstances", IMAGE, {"ec2:Owner": "aws-marketplace"}, False),
    ("launch from an own tagged image", "ec2:RunInstances", IMAGE, {"ec2:Owner": ACCOUNT, **MINE}, True),
    ("launch from another reader's image", "ec2:RunInstances", IMAGE, {"ec2:Owner": ACCOUNT, **THEIRS}, False),
    ("launch from an untagged private image", "ec2:RunInstances", IMAGE, {"ec2:Owner": ACCOUNT}, False),
    ("launch from another account's image tagged with the reader's ID", "ec2:RunInstances", IMAGE,
     {"ec2:Owner": OTHER_ACCOUNT, **MINE}, False),
    ("launch with an own snapshot", "ec2:RunInstances", SNAPSHOT, {"ec2:Owner": ACCOUNT, **MINE}, True),
    ("launch with another reader's snapshot", "ec2:RunInstances", SNAPSHOT, {"ec2:Owner": ACCOUNT, **THEIRS}, False),
    ("launch with an untagged snapshot", "ec2:RunInstances", SNAPSHOT, {"ec2:Owner": ACCOUNT}, False),
    ("a volume from an own snapshot", "ec2:CreateVolume", SNAPSHOT, {"ec2:Owner": ACCOUNT, **MINE}, True),
    ("a volume from another reader's snapshot", "ec2:CreateVolume", SNAPSHOT, {"ec2:Owner": ACCOUNT, **THEIRS}, False),
    ("a volume from an untagged snapshot", "ec2:CreateVolume", SNAPSHOT, {"ec2:Owner": ACCOUNT}, False),
    ("a volume from a public snapshot", "ec2:CreateVolume", SNAPSHOT, {"ec2:Owner": OTHER_ACCOUNT}, False),
    ("target an own crashcourse- topic", "events:PutTargets", RULE,
     {**MINE, "events:TargetArn": [f"arn:aws:sns:{REGION}:{ACCOUNT}:crashcourse-spot-interruptions-reader"]}, True),
    ("target a topic in another account", "events:PutTargets", RULE,
     {**MINE, "events:TargetArn": [f"arn:aws:sns:{REGION}:{OTHER_ACCOUNT}:crashcourse-spot-interruptions-reader"]}, False),
    ("target one own topic and one in another account", "events:PutTargets", RULE,
     {**MINE, "events:TargetArn": [f"arn:aws:sns:{REGION}:{ACCOUNT}:crashcourse-a", f"arn:aws:sns:{REGION}:{OTHER_ACCOUNT}:crashcourse-b"]}, False),
    ("target a topic that is not the site's", "events:PutTargets", RULE,
     {**MINE, "events:TargetArn": [f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"]}, False),
    ("target a Lambda function", "events:PutTargets", RULE,
     {**MINE, "events:TargetArn": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:crashcourse-f"]}, False),
    ("target a topic on another reader's rule", "events:PutTargets", RULE,
     {**THEIRS, "events:TargetArn": [f"arn:aws:sns:{REGION}:{ACCOUNT}:crashcourse-a"]}, False),
    ("a role with the account's boundary", "iam:CreateRole", ROLE, {**NEW_ROLE, "iam:PermissionsBoundary": BOUNDARY_ARN}, True),
    ("a role with another account's boundary", "iam:CreateRole", ROLE, {**NEW_ROLE, "iam:PermissionsBoundary": ELSEWHERE}, False),
    ("an inline policy on a role bounded by another account's policy", "iam:PutRolePolicy", ROLE,
     {**MINE, "iam:PermissionsBoundary": ELSEWHERE}, False),
    ("attach to a role bounded by another account's policy", "iam:AttachRolePolicy", ROLE,
     {**MINE, "iam:PermissionsBoundary": ELSEWHERE, "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}, False),
    ("change an own instance's user data", "ec2:ModifyInstanceAttribute", f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0abc",
     {**MINE, "ec2:Attribute": "userData"}, True),
    ("change another reader's instance's user data", "ec2:ModifyInstanceAttribute", f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0abc",
     {**THEIRS, "ec2:Attribute": "userData"}, False),
    # Account-wide settings and other users' credentials stay with the administrator (howto/ebs-encryption.md,
    # howto/leaked-credentials.md): the reader reads the EBS setting, and changes none of these.
    ("read whether EBS encryption by default is on", "ec2:GetEbsEncryptionByDefault", "*", {}, True),
    ("turn EBS encryption by default on for the account", "ec2:EnableEbsEncryptionByDefault", "*", {}, False),
    ("turn EBS encryption by default off for the account", "ec2:DisableEbsEncryptionByDefault", "*", {}, False),
    ("choose the account's default key for EBS", "ec2:ModifyEbsDefaultKmsKeyId", "*", {}, False),
    ("deactivate a user's access key", "iam:UpdateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/alice", {}, False),
    ("delete a user's access key", "iam:DeleteAccessKey", f"arn:aws:iam::{ACCOUNT}:user/alice", {}, False),
    ("deny a user everything", "iam:PutUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/alice", {}, False),
    ("read the account's CloudTrail event history", "cloudtrail:LookupEvents", "*", {}, False),
    ("read the account's GuardDuty findings", "guardduty:ListFindings", f"arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/12abc34d567e8fa901bc2d34eexample", {}, False),
    ("terminate an untagged instance", "ec2:TerminateInstances", f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0abc", {}, False),
    # AWS Batch: a job runs under its job definition's job role, so submitting with another reader's
    # definition (its command can be overridden) would act as that reader.
    ("submit to an own job queue", "batch:SubmitJob", QUEUE, MINE, True),
    ("submit with an own job definition", "batch:SubmitJob", DEFINITION, MINE, True),
    ("submit to another reader's job queue", "batch:SubmitJob", QUEUE, THEIRS, False),
    ("submit with another reader's job definition", "batch:SubmitJob", DEFINITION, THEIRS, False),
    ("disable another reader's job queue", "batch:UpdateJobQueue", QUEUE, THEIRS, False),
    ("delete another reader's compute environment", "batch:DeleteComputeEnvironment", ENVIRONMENT, THEIRS, False),
    ("a job queue on another reader's compute environment", "batch:CreateJobQueue", ENVIRONMENT, THEIRS, False),
    ("deregister another reader's job definition", "batch:DeregisterJobDefinition", DEFINITION, THEIRS, False),
    ("pass an own AWS Batch role to ECS tasks", "iam:PassRole", JOB_ROLE, {**MINE, **TO_TASKS}, True),
    ("pass an own AWS Batch role to AWS Batch", "iam:PassRole", JOB_ROLE, {**MINE, "iam:PassedToService": "batch.amazonaws.com"}, True),
    # iam:PassRole: the role's path decides, never its owner tag, which IAM does not give reliably
    # for this action (IAM User Guide, "Grant a user permissions to pass a role to an AWS service"):
    # each refusal below holds even when the tag claims the reader (MINE), the worst case.
    ("pass another reader's AWS Batch role to ECS tasks", "iam:PassRole", f"{OTHERS}/crashcourse-batch-job-bob",
     {**MINE, **TO_TASKS}, False),
    ("pass another reader's AWS Batch role to AWS Batch", "iam:PassRole", f"{OTHERS}/crashcourse-batch-job-bob",
     {**MINE, "iam:PassedToService": "batch.amazonaws.com"}, False),
    ("read another reader's job logs", "logs:FilterLogEvents", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:crashcourse-batch-bob", THEIRS, False),
    ("pass an own role to EC2, whatever its tags", "iam:PassRole", ROLE, TO_EC2, True),
    ("pass another reader's role to EC2", "iam:PassRole", THEIR_ROLE, {**MINE, **TO_EC2}, False),
    ("pass a role made before paths to EC2", "iam:PassRole", OLD_ROLE, {**MINE, **TO_EC2}, False),
    ("pass a role on another path to EC2", "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/lab/crashcourse-x", {**MINE, **TO_EC2}, False),
    ("create a role under another reader's path", "iam:CreateRole", f"{OTHERS}/crashcourse-x",
     {**NEW_ROLE, "iam:PermissionsBoundary": BOUNDARY_ARN}, False),
    ("create a role outside any reader's path", "iam:CreateRole", OLD_ROLE, {**NEW_ROLE, "iam:PermissionsBoundary": BOUNDARY_ARN}, False),
    ("an inline policy on another reader's role", "iam:PutRolePolicy", THEIR_ROLE, {**MINE, "iam:PermissionsBoundary": BOUNDARY_ARN}, False),
    ("attach to another reader's role", "iam:AttachRolePolicy", THEIR_ROLE,
     {**MINE, "iam:PermissionsBoundary": BOUNDARY_ARN, "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}, False),
    ("delete another reader's role", "iam:DeleteRole", THEIR_ROLE, MINE, False),
    ("add a role to another reader's instance profile", "iam:AddRoleToInstanceProfile", THEIR_PROFILE, MINE, False),
    ("create an instance profile under another reader's path", "iam:CreateInstanceProfile", THEIR_PROFILE, NEW_ROLE, False),
    ("delete an own role made before paths", "iam:DeleteRole", OLD_ROLE, MINE, True),
    ("delete another reader's role made before paths", "iam:DeleteRole", f"arn:aws:iam::{ACCOUNT}:role/crashcourse-ssm-bob", THEIRS, False),
    ("claim an untagged role made before paths", "iam:TagRole", OLD_ROLE, NEW_ROLE, False),
]


def judged_wrongly(documents: list[dict]) -> list[str]:
    """The CASES the policies decide otherwise than the list says, each named."""
    decisions = Evaluator(documents).decide_all([(action, resource, ME, context) for _, action, resource, context, _ in CASES])
    return [f"{what}: {'refused' if allowed else 'allowed'} ({d.decision})"
            for (what, _, _, _, allowed), d in zip(CASES, decisions) if d.allowed != allowed]


def test_images_snapshots_targets_and_the_boundary_only_the_readers_own():
    assert not judged_wrongly(policies()), "\n".join(judged_wrongly(policies()))


def test_without_the_image_owner_condition_any_untagged_image_or_snapshot_is_used():
    """Fixture: the launch statement before ec2:Owner and the snapshot's owner tag were required."""
    wrong = judged_wrongly(policies_before(FIXTURES / "policy-without-image-owner.json"))
    assert {"launch from an untagged private image: allowed (Allowed)",
            "launch from an AWS Marketplace image: allowed (Allowed)",
            "launch from another account's image tagged with the reader's ID: allowed (Allowed)",
            "launch with an untagged snapshot: allowed (Allowed)"} <= set(wrong), wrong


def test_without_the_target_condition_a_rule_sends_anywhere():
    """Fixture: the statement that allowed events:PutTargets on the reader's rules, whatever the target."""
    wrong = judged_wrongly(policies_before(FIXTURES / "policy-without-target-arn.json"))
    assert {"target a topic in another account: allowed (Allowed)", "target a Lambda function: allowed (Allowed)",
            "target one own topic and one in another account: allowed (Allowed)"} <= set(wrong), wrong


def test_with_the_boundary_of_any_account_a_role_escapes():
    """Fixture: the boundary named as `arn:aws:iam::*:policy/crashcourse-boundary`, of any account."""
    wrong = judged_wrongly(policies_before(FIXTURES / "policy-boundary-any-account.json"))
    assert {"a role with another account's boundary: allowed (Allowed)",
            "an inline policy on a role bounded by another account's policy: allowed (Allowed)",
            "attach to a role bounded by another account's policy: allowed (Allowed)"} <= set(wrong), wrong


def test_without_the_batch_owner_condition_a_reader_uses_anothers_queue_and_definition():
    """Fixture: the AWS Batch statement without its owner condition (tests/aws/test_two_readers.py uses it too)."""
    wrong = judged_wrongly(policies_before(FIXTURES / "policy-batch-any-owner.json"))
    assert {"submit to another reader's job queue: allowed (Allowed)",
            "submit with another reader's job definition: allowed (Allowed)",
            "disable another reader's job queue: allowed (Allowed)",
            "delete another reader's compute environment: allowed (Allowed)"} <= set(wrong), wrong


def test_passing_a_role_by_its_tag_passes_anyones_role():
    """Fixture: the iam:PassRole statements as they were before paths, on every `crashcourse` role
    with the owner tag as their only fence. IAM does not give that tag reliably for iam:PassRole,
    so the cases assume the worst (the tag claims the reader), and another reader's role goes through."""
    wrong = judged_wrongly(policies_before(FIXTURES / "policy-passrole-by-tag.json"))
    assert {"pass another reader's role to EC2: allowed (Allowed)", "pass a role made before paths to EC2: allowed (Allowed)",
            "pass another reader's AWS Batch role to ECS tasks: allowed (Allowed)"} <= set(wrong), wrong


def test_a_reader_signed_in_through_iam_identity_center_has_a_path_of_their_own():
    """An IAM Identity Center user's aws:userid is the role's ID, a colon and the session name
    (their user name): their path holds both (IAM's paths take `!` to `~`, the colon among them:
    IAM API Reference, CreateRole, Path), and it fences them from another user of the same role."""
    alice = Identity(f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Lab_0123456789abcdef/alice@example.org",
                     "AROADBQP57FF2AEXAMPLE:alice@example.org", ACCOUNT)
    own = f"arn:aws:iam::{ACCOUNT}:role/crashcourse/{alice.userid}"
    bob = f"arn:aws:iam::{ACCOUNT}:role/crashcourse/AROADBQP57FF2AEXAMPLE:bob@example.org"
    create = {f"aws:RequestTag/{OWNER_TAG}": alice.userid, "aws:TagKeys": [OWNER_TAG], "iam:PermissionsBoundary": BOUNDARY_ARN}
    with Evaluator(policies()) as iam:
        assert iam.decide("iam:CreateRole", f"{own}/crashcourse-ssm-alice", alice, create).allowed
        assert iam.decide("iam:PassRole", f"{own}/crashcourse-ssm-alice", alice, TO_EC2).allowed
        assert iam.decide("iam:PassRole", f"{own}/crashcourse-batch-job-alice", alice, TO_TASKS).allowed
        assert not iam.decide("iam:PassRole", f"{bob}/crashcourse-ssm-bob", alice, TO_EC2).allowed
        assert not iam.decide("iam:CreateRole", f"{bob}/crashcourse-ssm-alice", alice, create).allowed


def test_only_batch_roles_on_a_readers_path_act_from_outside_an_instance():
    """The boundary denies a role's requests that come from neither an instance nor an AWS service,
    save those of the AWS Batch roles the guides make, under a reader's path (aws:PrincipalArn is
    the role's ARN, path included). A `crashcourse-batch-` role elsewhere, as one made before paths, gets nothing."""
    def session(role_arn: str) -> tuple[Identity, dict]:
        name = role_arn.rsplit("/", 1)[1]
        who = Identity(f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/job", "AROADBQP57FF2AEXAMPLE:job", ACCOUNT)
        return who, {"aws:PrincipalArn": role_arn, f"aws:PrincipalTag/{OWNER_TAG}": ME.userid, **MINE, **HERE}
    with Evaluator([json.loads(BOUNDARY.read_text())]) as iam:
        assert iam.decide("s3:GetObject", OBJECT, *session(JOB_ROLE), True).allowed
        assert not iam.decide("s3:GetObject", OBJECT, *session(f"arn:aws:iam::{ACCOUNT}:role/crashcourse-batch-job-reader"), True).allowed
        assert not iam.decide("s3:GetObject", OBJECT, *session(ROLE), True).allowed  # an instance's role, from no instance


def test_a_role_made_outside_the_readers_path_is_named(tmp_path):
    """Fixture: a role and instance profile made without `--path` (so at IAM's `/`) are refused,
    naming the ARN, and so are passing it and adding it to a profile; with the reader's path, allowed."""
    def lines(path: str) -> str:
        return ('OWNER=$(aws sts get-caller-identity --query UserId --output text)\n'
                f'aws iam create-role --role-name crashcourse-x {path}--assume-role-policy-document file://t.json '
                '--permissions-boundary arn:aws:iam::$ACCOUNT_ID:policy/crashcourse-boundary --tags "Key=crashcourse:owner,Value=$OWNER"\n'
                f'aws iam create-instance-profile --instance-profile-name crashcourse-x {path}--tags "Key=crashcourse:owner,Value=$OWNER"\n'
                'aws iam add-role-to-instance-profile --instance-profile-name crashcourse-x --role-name crashcourse-x\n')
    snippet, needs = fixture_snippet(tmp_path, lines(""))
    report = missing(policies(), needs)
    assert {r.split("`")[1] for r in report} == {"aws iam create-role", "aws iam create-instance-profile",
                                                 "aws iam add-role-to-instance-profile"}, report
    assert any(f"needs iam:CreateRole on arn:aws:iam::{ACCOUNT}:role/crashcourse-x " in r for r in report), report
    assert any(f"needs iam:PassRole on arn:aws:iam::{ACCOUNT}:role/crashcourse-x " in r for r in report), report
    (tmp_path / "howto").rename(tmp_path / "before")
    _, needs = fixture_snippet(tmp_path, lines('--path "/crashcourse/$OWNER/" '))
    assert missing(policies(), needs) == []


def test_the_old_ec2_statement_changes_anyones_user_data():
    """Fixture: the EC2 statement before issue 19 (every action on `*`) on its own."""
    old = json.loads((FIXTURES / "policy-before-issue-19-ec2.json").read_text())
    assert "change another reader's instance's user data: allowed (Allowed)" in judged_wrongly([old])
BUCKET = f"arn:aws:s3:::crashcourse-data-reader-{ACCOUNT}-{REGION}"
OBJECT = f"{BUCKET}/reads/sample1.fastq.gz"
HERE = {"s3:ResourceAccount": ACCOUNT}  # the bucket is the reader's account's
TAGGING = {f"aws:RequestTag/{OWNER_TAG}": ME.userid, "aws:TagKeys": [OWNER_TAG]}

# What the reader may and may not do with buckets: (what, action, resource, request context,
# whether the bucket's ABAC is on, allowed). While a bucket's ABAC is off, S3 gives IAM none of
# its tags, and the evaluator drops them (tests/aws/iamsim.py).
BUCKET_CASES = [
    ("create a bucket with the owner tag", "s3:CreateBucket", BUCKET, TAGGING, False, True),
    ("tag a bucket as it is created", "s3:TagResource", BUCKET, TAGGING, False, True),
    ("create a bucket without tags", "s3:CreateBucket", BUCKET, {}, False, False),
    ("create a bucket tagged as another reader's", "s3:CreateBucket", BUCKET,
     {f"aws:RequestTag/{OWNER_TAG}": OTHER_READER, "aws:TagKeys": [OWNER_TAG]}, False, False),
    ("turn ABAC on for a new bucket", "s3:PutBucketAbac", BUCKET, {**MINE, **HERE}, False, True),
    ("turn ABAC off on an own bucket", "s3:PutBucketAbac", BUCKET, {**MINE, **HERE}, True, False),
    ("turn ABAC off on another reader's bucket", "s3:PutBucketAbac", BUCKET, {**THEIRS, **HERE}, True, False),
    ("tag another reader's bucket as one's own", "s3:TagResource", BUCKET, {**TAGGING, **THEIRS}, True, False),
    ("tag an own bucket as another reader's", "s3:TagResource", BUCKET,
     {f"aws:RequestTag/{OWNER_TAG}": OTHER_READER, "aws:TagKeys": [OWNER_TAG], **MINE}, True, False),
    ("remove the owner tag from another reader's bucket", "s3:UntagResource", BUCKET,
     {"aws:TagKeys": [OWNER_TAG], **THEIRS}, True, False),
    ("replace another reader's bucket's tags", "s3:PutBucketTagging", BUCKET, {**THEIRS, **HERE}, False, False),
    ("list an own bucket", "s3:ListBucket", BUCKET, {**MINE, **HERE}, True, True),
    ("list an own bucket whose ABAC is off", "s3:ListBucket", BUCKET, {**MINE, **HERE}, False, False),
    ("list another reader's bucket", "s3:ListBucket", BUCKET, {**THEIRS, **HERE}, True, False),
    ("read an own object", "s3:GetObject", OBJECT, {**MINE, **HERE}, True, True),
    ("read another reader's object", "s3:GetObject", OBJECT, {**THEIRS, **HERE}, True, False),
    ("overwrite another reader's object", "s3:PutObject", OBJECT, {**THEIRS, **HERE}, True, False),
    ("delete another reader's object", "s3:DeleteObject", OBJECT, {**THEIRS, **HERE}, True, False),
    ("expire another reader's objects with a lifecycle rule", "s3:PutLifecycleConfiguration", BUCKET,
     {**THEIRS, **HERE}, True, False),
    ("delete another reader's bucket", "s3:DeleteBucket", BUCKET, {**THEIRS, **HERE}, True, False),
    ("delete an own bucket", "s3:DeleteBucket", BUCKET, {**MINE, **HERE}, True, True),
    ("write to another account's bucket tagged with the reader's ID", "s3:PutObject", OBJECT,
     {**MINE, "s3:ResourceAccount": OTHER_ACCOUNT}, True, False),
    ("give an own bucket a bucket policy", "s3:PutBucketPolicy", BUCKET, {**MINE, **HERE}, True, False),
]


def buckets_judged_wrongly(documents: list[dict]) -> list[str]:
    """The BUCKET_CASES the policies decide otherwise than the list says, each named."""
    decisions = Evaluator(documents).decide_all([(a, r, ME, c, abac) for _, a, r, c, abac, _ in BUCKET_CASES])
    return [f"{what}: {'refused' if allowed else 'allowed'} ({d.decision})"
            for (what, *_, allowed), d in zip(BUCKET_CASES, decisions) if d.allowed != allowed]


def test_buckets_only_the_readers_own_with_abac_on():
    assert not buckets_judged_wrongly(policies()), "\n".join(buckets_judged_wrongly(policies()))


def test_buckets_by_name_are_anyones():
    """Fixture: the bucket statement without the owner tag, as the policies allowed buckets by
    name (`crashcourse-*`) before ABAC: another reader's objects and buckets are the reader's."""
    wrong = buckets_judged_wrongly(policies_before(FIXTURES / "policy-buckets-by-name.json"))
    assert {"read another reader's object: allowed (Allowed)", "delete another reader's bucket: allowed (Allowed)",
            "list an own bucket whose ABAC is off: allowed (Allowed)"} <= set(wrong), wrong


def test_abac_can_be_turned_off_without_the_null_condition():
    """Fixture: s3:PutBucketAbac on every `crashcourse-` bucket: another reader turns ABAC off."""
    wrong = buckets_judged_wrongly(policies_before(FIXTURES / "policy-abac-switch-unconditioned.json"))
    assert "turn ABAC off on another reader's bucket: allowed (Allowed)" in wrong, wrong


def test_an_instance_role_reaches_only_its_owners_buckets():
    """The boundary caps a role the guides create to the buckets tagged with the role's own owner
    tag (aws:PrincipalTag: the tags of the role a session is of), in the role's account."""
    role = Identity(f"arn:aws:sts::{ACCOUNT}:assumed-role/crashcourse-s3-access-reader/i-0abcdef1234567890",
                    "AROAEXAMPLEROLEID:i-0abcdef1234567890", ACCOUNT)
    session = {f"aws:PrincipalTag/{OWNER_TAG}": ME.userid, "aws:Ec2InstanceSourceVpc": "vpc-0abcdef1234567890"}
    with Evaluator([json.loads(BOUNDARY.read_text())]) as iam:
        def allowed(action, resource, context, abac=True):
            return iam.decide(action, resource, role, {**session, **context}, abac).allowed
        assert allowed("s3:GetObject", OBJECT, {**MINE, **HERE})
        assert allowed("s3:ListBucket", BUCKET, {**MINE, **HERE})
        assert not allowed("s3:GetObject", OBJECT, {**THEIRS, **HERE})
        assert not allowed("s3:PutObject", OBJECT, {**THEIRS, **HERE})
        assert not allowed("s3:GetObject", OBJECT, {**MINE, **HERE}, abac=False)
        assert not allowed("s3:GetObject", OBJECT, {**MINE, "s3:ResourceAccount": OTHER_ACCOUNT})
        assert not iam.decide("s3:GetObject", OBJECT, role, {**MINE, **HERE, "aws:Ec2InstanceSourceVpc": "vpc-0abcdef1234567890"}, True).allowed


def test_a_service_whose_iam_prefix_is_not_its_signing_name_is_named(snippets):
    """Fixture: CloudWatch signs as `monitoring` but IAM calls it `cloudwatch`; a policy without
    cloudwatch:PutMetricAlarm names the command, and tagging the new alarm needs TagResource too."""
    calls, envs, known, asked = snippets
    for action in ("cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"):
        report = missing([everything_but(action)], asked)
        assert report and all(r.startswith("howto/snippets/idle-stop.sh:") for r in report), report
        assert all(f"`aws cloudwatch put-metric-alarm` (PutMetricAlarm) needs {action} on arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:crashcourse-idle-stop-" in r
                   for r in report), report


def test_alarms_only_stop_and_only_the_readers_own():
    """The policies let the reader create an alarm only with their owner tag and the EC2 stop
    action, and never change or delete a colleague's alarm."""
    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:crashcourse-idle-stop-reader"
    create = {f"aws:RequestTag/{OWNER_TAG}": ME.userid, "aws:TagKeys": [OWNER_TAG]}
    theirs = {f"aws:ResourceTag/{OWNER_TAG}": "AIDAANOTHERREADER"}
    with Evaluator(policies()) as iam:
        def allowed(action, context, resource=alarm):
            return iam.decide(action, resource, ME, context).allowed
        stop = {"cloudwatch:AlarmActions": [f"arn:aws:automate:{REGION}:ec2:stop"]}
        assert allowed("cloudwatch:PutMetricAlarm", {**create, **stop})
        assert not allowed("cloudwatch:PutMetricAlarm", {**create, "cloudwatch:AlarmActions": [f"arn:aws:automate:{REGION}:ec2:terminate"]})
        assert not allowed("cloudwatch:PutMetricAlarm", stop)
        assert not allowed("cloudwatch:PutMetricAlarm", {**create, **stop, **theirs})
        assert not allowed("cloudwatch:DeleteAlarms", theirs)
        assert allowed("cloudwatch:DeleteAlarms", {f"aws:ResourceTag/{OWNER_TAG}": ME.userid})
        assert not allowed("cloudwatch:DeleteAlarms", {f"aws:ResourceTag/{OWNER_TAG}": ME.userid},
                           f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:someone-elses")


# The boundary of the roles AWS ParallelCluster creates (howto/parallelcluster.md); which actions it
# must allow is checked against ParallelCluster's own code in tests/pcluster/.
PCLUSTER_BOUNDARY = ROOT / "howto" / "snippets" / "crashcourse-pcluster-boundary.json"

# Parliament findings the policy accepts, by (issue, service or action), each with its reason.
PARLIAMENT_ACCEPTED = {
    ("RESOURCE_STAR", "ec2"): "EC2 resources get their IDs when created: no ARN can name the reader's beforehand",
    ("RESOURCE_STAR", "elasticfilesystem"): "an EFS file system gets its ID when created, as EC2 resources do",
    ("RESOURCE_MISMATCH", "ssm:GetParameter"): "public parameters are AWS's: their ARNs have no account ID",
    ("RESOURCE_MISMATCH", "ssm:GetParameters"): "public parameters are AWS's: their ARNs have no account ID",
    # A create statement names only the resource types the action makes (allowed with the owner
    # tag); the resources it uses are allowed in another statement, on their own conditions.
    **{("RESOURCE_MISMATCH", a): "created and used resource types are allowed in separate statements" for a in (
        "ec2:RunInstances", "ec2:RequestSpotInstances", "ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup",
        "ec2:CreateVpcEndpoint", "ec2:CreateNatGateway", "ec2:ModifyInstanceAttribute", "ec2:CreateNetworkInterface",
        "ec2:CreateSnapshot", "ec2:CreateVolume", "batch:SubmitJob")},
    # A global condition key, which parliament's per-action lists leave out (IAM User Guide, "AWS
    # global condition context keys": aws:ViaAWSService): EFS deletes a mount target's interface.
    ("UNKNOWN_CONDITION_FOR_ACTION", "Unknown condition aws:ViaAWSService for action ec2:DeleteNetworkInterface"):
        "aws:ViaAWSService is a global condition key",
    # ARNs pinned to the caller's own account, `${aws:PrincipalAccount}` (the boundary's, the rules'
    # targets'), are compared as strings: IAM replaces a policy variable in string and ARN operators
    # alike (IAM User Guide, "Where you can use policy variables"), but the tests' evaluator,
    # iam-simulate 0.1.173, only in string operators (it splits an ARN operator's value at the
    # variable's own colon), and a string operator on an ARN is what parliament calls usable.
    **{("MISMATCHED_TYPE_BUT_USABLE", f"Type mismatch: {op} requires a value of type String but given Arn"):
       "an account pinned by a policy variable, compared as a string" for op in ("StringEquals", "StringNotEquals", "ForAllValues:StringLike")},
    # S3's ABAC for general purpose buckets (November 2025) is newer than parliament 1.6.4, its last
    # release; the Service Authorization Reference lists both actions, and the evaluator knows them
    # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
    **{("UNKNOWN_ACTION", a): "newer than parliament's copy of the Service Authorization Reference" for a in (
        "Unknown action s3:GetBucketAbac", "Unknown action s3:PutBucketAbac",
        # AWS Free Tier's plan (2025): https://docs.aws.amazon.com/service-authorization/latest/reference/list_freetier.html
        "Unknown action freetier:GetAccountPlanState")},
    # The boundary allows on the instance what AmazonSSMManagedInstanceCore allows, as AWS grants it.
    **{("RESOURCE_STAR", a): "the boundary mirrors AmazonSSMManagedInstanceCore, which AWS grants on *" for a in (
        "ssm:DescribeDocument", "ssm:GetDocument", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus")},
}


def accepted(issue: str, detail) -> bool:
    actions = [d["action"] if isinstance(d, dict) else d for d in (detail if isinstance(detail, list) else [detail])]
    return all((issue, a) in PARLIAMENT_ACCEPTED or (issue, str(a).split(":")[0]) in PARLIAMENT_ACCEPTED for a in actions)


@pytest.mark.parametrize("path", [*POLICIES, BOUNDARY, PCLUSTER_BOUNDARY], ids=lambda p: p.name)
def test_policy_passes_parliament(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        findings = analyze_policy_string(path.read_text()).findings
    problems = [f"{path.relative_to(ROOT)}:{f.location.get('line')}: {f.issue}: {f.detail}" for f in findings if not accepted(f.issue, f.detail)]
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


def test_a_snippet_calling_what_the_policy_does_not_allow_is_named_with_file_and_line(tmp_path):
    """Fixture: a guide's snippet that calls an action the reader's policies do not allow (creating
    an IAM user) fails the check, naming the file, line, command, action and resource; the allowed
    call beside it is not named."""
    snippet, needs = fixture_snippet(tmp_path, 'aws s3 ls\naws iam create-user --user-name "crashcourse-$READER"\n')
    assert missing(policies(), needs) == [
        f"{snippet}:3: `aws iam create-user` (CreateUser) needs iam:CreateUser on "
        f"arn:aws:iam::{ACCOUNT}:user/crashcourse-reader (ImplicitlyDenied)"
    ]


def test_a_command_in_an_ifs_third_branch_is_judged(tmp_path):
    """Fixture: bashlex nests an `if`'s third branch on (the second `elif`) in a reserved word, where a
    walk over parts and lists alone never looked; a command there that the policies do not allow is
    named with its file and line, as anywhere else."""
    snippet, needs = fixture_snippet(tmp_path, 'if [ "$A" = 1 ]; then\n  aws s3 ls\nelif [ "$A" = 2 ]; then\n  aws s3 ls\n'
                                     'elif [ "$A" = 3 ]; then\n  aws iam create-user --user-name "crashcourse-$READER"\nfi\n')
    assert missing(policies(), needs) == [
        f"{snippet}:7: `aws iam create-user` (CreateUser) needs iam:CreateUser on "
        f"arn:aws:iam::{ACCOUNT}:user/crashcourse-reader (ImplicitlyDenied)"
    ]


def test_tags_given_as_a_map_are_the_tags_a_create_sets(tmp_path):
    """Fixture: CloudWatch Logs takes its tags as a map (`--tags k=v`), not as Key/Value pairs. The
    log group's owner tag is read from it, so the reader's policy lets the create through, with the
    tagging action it needs beside it; without logs:TagResource the check names the call."""
    snippet, needs = fixture_snippet(tmp_path, 'OWNER=$(aws sts get-caller-identity --query UserId --output text)\n'
                                     'aws logs create-log-group --log-group-name crashcourse-logs-x --tags "crashcourse:owner=$OWNER"\n')
    assert missing(policies(), needs) == []
    assert missing([everything_but("logs:TagResource")], needs) == [
        f"{snippet}:3: `aws logs create-log-group` (CreateLogGroup) needs logs:TagResource on "
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:crashcourse-logs-x with aws:RequestTag/crashcourse:owner={ME.userid} "
        "with aws:TagKeys=['crashcourse:owner'] (ImplicitlyDenied)"
    ]


def test_a_service_is_found_under_its_iam_prefix_and_an_unknown_operation_is_named(tmp_path):
    """A new service needs no entry in the check: CloudWatch (botocore signs it `monitoring`) is
    found under its IAM prefix `cloudwatch`, and its tagging action from the Service Authorization
    Reference; an operation the reference does not list fails, naming the file and line."""
    def call(service, operation):
        return Call(tmp_path / "x.sh", "howto/snippets/x.sh:3", f"aws {service} x", service, operation, {}, None, "")
    assert iam_action(call("cloudwatch", "PutMetricAlarm")) == "cloudwatch:PutMetricAlarm"
    assert iam_action(call("efs", "CreateFileSystem")) == "elasticfilesystem:CreateFileSystem"
    assert tag_on_create("cloudwatch:PutMetricAlarm", "PutMetricAlarm") == ("cloudwatch:TagResource", "alarm")
    assert tag_on_create("iam:CreateRole", "CreateRole") == ("iam:TagRole", "role")
    assert tag_on_create("logs:CreateLogGroup", "CreateLogGroup") == ("logs:TagResource", "log-group")
    assert tag_on_create("ec2:RunInstances", "RunInstances") is None  # EC2's own rule: ec2:CreateTags
    with pytest.raises(PermissionCheckError, match=r"^howto/snippets/x\.sh:3: `aws ec2 x` calls NoSuchOperation"):
        iam_action(call("ec2", "NoSuchOperation"))


def test_a_launch_from_an_image_of_unknown_owner_is_named(tmp_path):
    """Fixture: a launch from an AMI ID typed in, not read from AWS's Amazon Linux parameter, is
    refused (the check cannot tell whose the image is), naming the image; the same launch from
    the parameter is allowed."""
    tags = '--tag-specifications "ResourceType=instance,Tags=[{Key=crashcourse:owner,Value=$OWNER}]" ' \
           '"ResourceType=volume,Tags=[{Key=crashcourse:owner,Value=$OWNER}]"'
    snippet, needs = fixture_snippet(tmp_path,
        "OWNER=$(aws sts get-caller-identity --query UserId --output text)\n"
        f"aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.micro {tags}\n"
        "aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 "
        f"--instance-type t3.micro {tags}\n")
    report = missing(policies(), needs)
    assert len(report) == 1 and report[0].startswith(
        f"{snippet}:3: `aws ec2 run-instances` (RunInstances) needs ec2:RunInstances on "
        f"arn:aws:ec2:{REGION}::image/ami-0abcdef1234567890") and "ec2:Owner" not in report[0], report


# IAM quota: a managed policy holds at most 6,144 characters, white space not counted
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
MANAGED_POLICY_CHARACTERS = 6144


def too_large(path) -> list[str]:
    size = len(json.dumps(json.loads(path.read_text()), separators=(",", ":")))
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return [f"{where}:1: {size} characters without white space; an IAM managed policy holds "
            f"{MANAGED_POLICY_CHARACTERS}: move statements to another of the reader's policies"] if size > MANAGED_POLICY_CHARACTERS else []


@pytest.mark.parametrize("path", [*POLICIES, BOUNDARY, PCLUSTER_BOUNDARY], ids=lambda p: p.name)
def test_each_policy_fits_a_managed_policy(path):
    assert too_large(path) == []


def test_a_policy_too_large_for_iam_is_named(tmp_path):
    """Fixture: the statements of all the reader's policies in one document exceed the quota."""
    merged = tmp_path / "merged.json"
    merged.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        s for p in POLICIES for s in json.loads(p.read_text())["Statement"]]}, indent=2))
    (problem,) = too_large(merged)
    assert problem.startswith(f"{merged}:1: ") and "an IAM managed policy holds 6144" in problem, problem


def test_a_create_call_s_name_names_what_it_makes(tmp_path):
    """Fixture: CreateSecret names its secret with --name, while the secret's ARN format says
    SecretId; the check puts the name in the ARN, as IAM does, not a stand-in."""
    _, needs = fixture_snippet(tmp_path, 'OWNER=$(aws sts get-caller-identity --query UserId --output text)\n'
                               'aws secretsmanager create-secret --name "crashcourse-secret-$READER" --secret-string x '
                               '--tags "Key=crashcourse:owner,Value=$OWNER"\n')
    made = [n.resource for _, n in needs if n.action == "secretsmanager:CreateSecret"]
    assert made == [f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:crashcourse-secret-reader"], made


def test_a_service_linked_role_is_the_service_s_own(tmp_path):
    """Fixture: `aws iam create-service-linked-role` makes a role on the service's own path, named by
    AWS (IAM User Guide, "Service-linked role permissions"), not a `crashcourse-` role of the reader's."""
    _, needs = fixture_snippet(tmp_path, "aws iam create-service-linked-role --aws-service-name spot.amazonaws.com\n")
    made = [(n.resource, n.context.get("iam:AWSServiceName")) for _, n in needs if n.action == "iam:CreateServiceLinkedRole"]
    assert made == [(f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/spot.amazonaws.com/AWSServiceRole", "spot.amazonaws.com")], made
