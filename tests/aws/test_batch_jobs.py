"""howto/batch-jobs.md: an AWS Batch array job over inputs in the reader's bucket, on Fargate Spot.

The emulator runs AWS Batch without Docker (motofork.CONFIG): every job succeeds at once and none
runs its container, so the page's log step is not emulated, and its stand-in runs the job's own
script, as the bucket holds it, once for each array index, with the variables a child job gets.
The results the page then reads are the script's. Where moto's Batch refuses what AWS accepts (no
service role, no state), the emulator answers as AWS does (motofork.batch_as_aws), and each such
place is an entry of rules/divergences.toml.

The clean-up runs in a new shell that knows none of the page's variables, beside a colleague's
compute environment, job queue, job definition, role, security group and log group, which it
must leave.
"""

import json
import tomllib
from urllib.parse import unquote

from conftest import EMULATED_OWNER, EMULATED_READER, OWNER_TAG, REGION, ROOT
from motofork import AWS_ANSWERS
from shown_outputs import outputs_test

test_outputs = outputs_test("batch-jobs")  # its shown outputs (shown_outputs.py)

ACCOUNT = "123456789012"  # moto's account
NAME = f"crashcourse-batch-{EMULATED_READER}"
BUCKET = f"crashcourse-data-{EMULATED_READER}-{ACCOUNT}-{REGION}"  # s3-data's bucket
MINE = {OWNER_TAG["Key"]: OWNER_TAG["Value"]}
THEIRS = {"crashcourse:owner": "AIDAANOTHERREADER"}
COLLEAGUE = "crashcourse-batch-colleague"
PATH = f"/crashcourse/{EMULATED_OWNER}/"  # the reader's roles' path
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/crashcourse-boundary"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def document(doc):
    return json.loads(unquote(doc)) if isinstance(doc, str) else doc


def readers_bucket(g):
    """The bucket that "How to move data to and from Amazon S3" makes, tagged as the reader's."""
    s3 = g.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [OWNER_TAG]})
    return s3


def colleagues_batch(g) -> str:
    """A colleague's Batch resources, role, group and log group in the same account; returns the group's ID."""
    ec2, batch = g.client("ec2"), g.client("batch")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]]
    group = ec2.create_security_group(GroupName=COLLEAGUE, Description="theirs", TagSpecifications=[
        {"ResourceType": "security-group", "Tags": [{"Key": "crashcourse:owner", "Value": THEIRS["crashcourse:owner"]}]}])["GroupId"]
    batch.create_compute_environment(computeEnvironmentName=COLLEAGUE, type="MANAGED", tags=THEIRS, computeResources={
        "type": "FARGATE_SPOT", "maxvCpus": 2, "subnets": subnets, "securityGroupIds": [group]})
    batch.create_job_queue(jobQueueName=COLLEAGUE, priority=1, tags=THEIRS,
                           computeEnvironmentOrder=[{"order": 1, "computeEnvironment": COLLEAGUE}])
    batch.register_job_definition(jobDefinitionName=COLLEAGUE, type="container", platformCapabilities=["FARGATE"], tags=THEIRS,
                                  containerProperties={"image": "public.ecr.aws/amazonlinux/amazonlinux:2023", "resourceRequirements": [
                                      {"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "512"}]})
    g.client("iam").create_role(RoleName=f"{COLLEAGUE}-job", AssumeRolePolicyDocument=json.dumps(TRUST),
                                Tags=[{"Key": "crashcourse:owner", "Value": THEIRS["crashcourse:owner"]}])
    g.client("logs").create_log_group(logGroupName=COLLEAGUE, tags=THEIRS)
    return group


def test_batch_jobs(guide):
    g = guide("batch-jobs")
    s3 = readers_bucket(g)
    theirs_group = colleagues_batch(g)
    batch, iam, ec2, logs = g.client("batch"), g.client("iam"), g.client("ec2"), g.client("logs")

    g.run()
    assert not g.json_left_in_home(), g.json_left_in_home()
    assert g.outputs["names"].split() == [NAME, BUCKET]

    # The inputs, their manifest (one key a line: job i reads line i + 1) and the job's script, in the bucket.
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="batch/")["Contents"])
    inputs = [f"batch/inputs/sample-{x}.fastq" for x in "abc"]
    assert [k for k in keys if k.startswith("batch/inputs/")] == inputs
    manifest = s3.get_object(Bucket=BUCKET, Key="batch/manifest.txt")["Body"].read().decode()
    assert manifest.splitlines() == inputs == g.outputs["inputs"].splitlines()
    script = s3.get_object(Bucket=BUCKET, Key="batch/count-reads.sh")["Body"].read().decode()
    assert "AWS_BATCH_JOB_ARRAY_INDEX" in script and "$DATA_BUCKET" in script  # filled in by the job, not the page

    # The log group: the reader's, kept for seven days.
    (group,) = logs.describe_log_groups(logGroupNamePrefix=NAME)["logGroups"]
    assert (group["logGroupName"], group.get("retentionInDays")) == (NAME, 7)
    assert logs.list_tags_for_resource(resourceArn=group["logGroupArn"])["tags"] == MINE

    # The two roles: assumed by ECS tasks, with the boundary and the owner tag, and no more than they need.
    policies = {}
    for role, policy in ((f"crashcourse-batch-job-{EMULATED_READER}", "batch-data"), (f"crashcourse-batch-exec-{EMULATED_READER}", "batch-logs")):
        found = iam.get_role(RoleName=role)["Role"]
        assert found["Path"] == PATH  # the reader's own, which the policies fence passing by
        assert document(found["AssumeRolePolicyDocument"]) == TRUST
        assert found["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY
        assert iam.list_role_tags(RoleName=role)["Tags"] == [OWNER_TAG]
        assert iam.list_role_policies(RoleName=role)["PolicyNames"] == [policy]
        assert not iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        policies[policy] = {s["Sid"]: (s["Action"], s["Resource"]) for s in document(
            iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"])["Statement"]}
    assert policies["batch-data"] == {"ReadTheScriptAndInputs": ("s3:GetObject", f"arn:aws:s3:::{BUCKET}/batch/*"),
                                      "WriteResults": ("s3:PutObject", f"arn:aws:s3:::{BUCKET}/batch/outputs/*")}
    assert policies["batch-logs"] == {"WriteTheJobsLogs": (["logs:CreateLogStream", "logs:PutLogEvents"],
                                                           f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{NAME}:*")}
    assert g.outputs["roles"].split() == [f"arn:aws:iam::{ACCOUNT}:role{PATH}crashcourse-batch-{kind}-{EMULATED_READER}" for kind in ("job", "exec")]

    # The security group: the reader's, in the default VPC, with no inbound rule.
    (sg,) = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [NAME]}])["SecurityGroups"]
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    assert (sg["VpcId"], sg["IpPermissions"], sg["Tags"]) == (default_vpc, [], [OWNER_TAG])
    assert g.outputs["network"].split() == [default_vpc, sg["GroupId"]]

    # The compute environment: Fargate Spot, capped at 4 vCPUs, in the default subnets, with AWS
    # Batch's service-linked role, as AWS uses it when a request names none.
    (ce,) = batch.describe_compute_environments(computeEnvironments=[NAME])["computeEnvironments"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc]},
                                                                     {"Name": "default-for-az", "Values": ["true"]}])["Subnets"]]
    resources = ce["computeResources"]
    assert (ce["type"], ce["state"], resources["type"], resources["maxvCpus"]) == ("MANAGED", "ENABLED", "FARGATE_SPOT", 4)
    assert sorted(resources["subnets"]) == sorted(subnets) and resources["securityGroupIds"] == [sg["GroupId"]]
    assert ce["serviceRole"] == f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
    assert ce["tags"] == MINE
    assert g.outputs["compute-environment"].split() == [NAME, "VALID", "ENABLED", "FARGATE_SPOT", "4"]

    (queue,) = batch.describe_job_queues(jobQueues=[NAME])["jobQueues"]
    assert (queue["state"], queue["tags"]) == ("ENABLED", MINE)
    assert [o["computeEnvironment"] for o in queue["computeEnvironmentOrder"]] == [NAME]
    assert g.outputs["job-queue"].split() == [NAME, "VALID", "ENABLED"]

    (definition,) = batch.describe_job_definitions(jobDefinitionName=NAME, status="ACTIVE")["jobDefinitions"]
    container = definition["containerProperties"]
    assert (definition["platformCapabilities"], definition["tags"]) == (["FARGATE"], MINE)
    assert definition["retryStrategy"] == {"attempts": 3} and definition["timeout"] == {"attemptDurationSeconds": 3600}
    assert container["jobRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role{PATH}crashcourse-batch-job-{EMULATED_READER}"
    assert container["executionRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role{PATH}crashcourse-batch-exec-{EMULATED_READER}"
    assert container["environment"] == [{"name": "DATA_BUCKET", "value": BUCKET}, {"name": "AWS_DEFAULT_REGION", "value": REGION}]
    assert f"s3://{BUCKET}/batch/count-reads.sh" in container["command"][-1]
    assert container["networkConfiguration"] == {"assignPublicIp": "ENABLED"}
    assert container["logConfiguration"]["options"]["awslogs-group"] == NAME
    assert g.outputs["job-definition"].split() == [NAME, "1"]

    # The array job: one child per input, and every child's result, as the script wrote it.
    job_id = g.var("JOB_ID")
    (job,) = batch.describe_jobs(jobs=[job_id])["jobs"]
    assert (job["status"], job["arrayProperties"]["size"], job["jobQueue"]) == ("SUCCEEDED", 3, queue["jobQueueArn"])
    assert job["jobDefinition"] == definition["jobDefinitionArn"]
    assert g.outputs["submit"] == f"3 jobs in array job {job_id}\n"
    assert g.outputs["watch"].split() == ["SUCCEEDED", "0", "0", "3", "0"]
    assert g.outputs["logs"].splitlines() == ["sample-a: 1 reads", "sample-b: 2 reads", "sample-c: 3 reads"]
    assert g.outputs["check"] == "sample-a\t1\nsample-b\t2\nsample-c\t3\n"

    g.run()  # pasted again: the same resources reused, a second revision of the definition, the jobs run again
    assert len(batch.describe_compute_environments(computeEnvironments=[NAME])["computeEnvironments"]) == 1
    assert len(batch.describe_job_queues(jobQueues=[NAME])["jobQueues"]) == 1
    assert g.outputs["job-definition"].split() == [NAME, "2"]
    assert g.outputs["roles"] == ""  # the roles exist: none created again
    assert g.outputs["compute-environment"].split() == ["VALID", "ENABLED", "FARGATE_SPOT", "4"]  # found, not created
    assert g.outputs["job-queue"].split() == ["VALID", "ENABLED"]
    assert g.outputs["network"].split()[1] == sg["GroupId"]

    (g.workdir / "state.sh").write_text("")  # the next day: a new terminal, none of the variables
    g.cleanup()
    assert [e["computeEnvironmentName"] for e in batch.describe_compute_environments()["computeEnvironments"]] == [COLLEAGUE]
    assert [q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]] == [COLLEAGUE]
    assert [d["jobDefinitionName"] for d in batch.describe_job_definitions(status="ACTIVE")["jobDefinitions"]] == [COLLEAGUE]
    assert sorted(r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("crashcourse-")) == [f"{COLLEAGUE}-job"]
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/aws-service-role/")["Roles"]] == ["AWSServiceRoleForBatch"]
    assert [x["GroupId"] for x in ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["crashcourse-batch-*"]}])
            ["SecurityGroups"]] == [theirs_group]
    assert [x["logGroupName"] for x in logs.describe_log_groups(logGroupNamePrefix="crashcourse-batch-")["logGroups"]] == [COLLEAGUE]
    assert not s3.list_objects_v2(Bucket=BUCKET, Prefix="batch/").get("Contents")
    assert not (g.workdir / "crashcourse-batch").exists()
    g.cleanup()  # pasted again: finds nothing, fails on nothing


def missing_divergences(registry: str) -> list[str]:
    """The places where the emulator answers as AWS does that the divergence registry does not name."""
    known = {(d["service"], d["operation"]) for d in tomllib.loads(registry).get("divergence", [])}
    return [f"rules/divergences.toml: no entry for {service} {operation}, where tests/aws/motofork.py answers as AWS does"
            for service, operation in AWS_ANSWERS if (service, operation) not in known]


def test_every_aws_answer_of_the_emulator_is_a_registered_divergence():
    registry = (ROOT / "rules" / "divergences.toml").read_text()
    assert missing_divergences(registry) == []  # each entry's keys and source: tests/test_divergences.py


def test_a_divergence_missing_from_the_registry_is_named():
    """Fixture: a registry without the job queue's entry."""
    registry = (ROOT / "rules" / "divergences.toml").read_text()
    without = registry.replace('operation = "CreateJobQueue"', 'operation = "SomethingElse"')
    assert missing_divergences(without) == [
        "rules/divergences.toml: no entry for batch CreateJobQueue, where tests/aws/motofork.py answers as AWS does"]


def test_the_emulator_answers_as_aws_where_moto_refuses(guide):
    """What AWS does without a service role or a state (rules/divergences.toml): the emulator does it too."""
    g = guide("batch-jobs")
    ec2, batch = g.client("ec2"), g.client("batch")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]]
    group = ec2.create_security_group(GroupName="any", Description="any")["GroupId"]
    batch.create_compute_environment(computeEnvironmentName="no-role", type="MANAGED", computeResources={
        "type": "FARGATE", "maxvCpus": 1, "subnets": subnets, "securityGroupIds": [group]})
    batch.create_job_queue(jobQueueName="no-state", priority=1, computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "no-role"}])
    (ce,) = batch.describe_compute_environments(computeEnvironments=["no-role"])["computeEnvironments"]
    assert (ce["state"], ce["serviceRole"].rsplit("/", 1)[1]) == ("ENABLED", "AWSServiceRoleForBatch")
    assert batch.describe_job_queues(jobQueues=["no-state"])["jobQueues"][0]["state"] == "ENABLED"
