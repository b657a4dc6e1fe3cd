"""Everything in an (emulated) account that costs money or outlives a guide, as 'kind:id' strings.

The tour takes this inventory before the reader starts, after each page, and after the
clean-up: what is new at the end was left behind, and the page after which it first
appeared made it. Each string ends with its owner, `[owner ID]` from its `crashcourse:owner`
tag (or `[owner none]`), so that what is left can be reported reader by reader.
"""

from __future__ import annotations

from collections.abc import Callable

LIVE_INSTANCE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]


OWNER_KEY = "crashcourse:owner"
# The services whose resources inventory() lists kind by kind (ARN service names).
LISTED_SERVICES = {"ec2", "elasticfilesystem", "sns", "events", "cloudwatch", "logs", "iam", "s3", "budgets"}


def _name(tags: list[dict] | None) -> str:
    name = next((t["Value"] for t in tags or [] if t["Key"] == "Name"), "")
    return f" ({name})" if name else ""


def _owner(tags: list[dict] | None) -> str:
    """` [owner ID]`: the resource's crashcourse:owner tag, or ` [owner none]`."""
    return f" [owner {next((t['Value'] for t in tags or [] if t['Key'] == OWNER_KEY), 'none')}]"


def owner_of(item: str) -> str:
    """The owner an inventory string names (`none` when it has no owner tag)."""
    return item.rsplit("[owner ", 1)[1].rstrip("]") if "[owner " in item else "none"


def _bucket_tags(s3, name: str) -> list[dict]:
    try:
        return s3.get_bucket_tagging(Bucket=name)["TagSet"]
    except s3.exceptions.ClientError:  # NoSuchTagSet: a bucket with no tags
        return []


def inventory(client: Callable[[str], object]) -> set[str]:
    """The account's resources in one Region (IAM, S3 and Budgets are global, listed every time)."""
    ec2, found = client("ec2"), set()
    region = ec2.meta.region_name

    for r in ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}])[
        "Reservations"
    ]:
        found |= {f"ec2 instance:{i['InstanceId']}{_name(i.get('Tags'))} in {region}{_owner(i.get('Tags'))}"
                  for i in r["Instances"]}
    found |= {f"EBS volume:{v['VolumeId']} in {region}{_owner(v.get('Tags'))}" for v in ec2.describe_volumes()["Volumes"]}
    # The account's own snapshots. The owner-id filter says again what OwnerIds=["self"] means, for
    # moto (5.2.5), which ignores OwnerIds and would list its AMIs' 1,282 snapshots, in seconds.
    account = client("sts").get_caller_identity()["Account"]
    found |= {f"EBS snapshot:{s['SnapshotId']} in {region}{_owner(s.get('Tags'))}"
              for s in ec2.describe_snapshots(OwnerIds=["self"], Filters=[{"Name": "owner-id", "Values": [account]}])["Snapshots"]}
    found |= {f"Elastic IP:{a['PublicIp']} in {region}{_owner(a.get('Tags'))}" for a in ec2.describe_addresses()["Addresses"]}
    found |= {
        f"NAT gateway:{n['NatGatewayId']} in {region}{_owner(n.get('Tags'))}"
        for n in ec2.describe_nat_gateways()["NatGateways"]
        if n["State"] not in ("deleted", "deleting", "failed")
    }
    found |= {f"VPC endpoint:{e['VpcEndpointId']} in {region}{_owner(e.get('Tags'))}" for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
              if e["State"].lower() not in ("deleted", "deleting")}
    found |= {f"VPC:{v['VpcId']}{_name(v.get('Tags'))} in {region}{_owner(v.get('Tags'))}" for v in ec2.describe_vpcs()["Vpcs"]
              if not v["IsDefault"]}
    found |= {f"security group:{g['GroupId']} ({g['GroupName']}) in {region}{_owner(g.get('Tags'))}"
              for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"}
    found |= {f"key pair:{k['KeyName']} in {region}{_owner(k.get('Tags'))}" for k in ec2.describe_key_pairs()["KeyPairs"]}
    found |= {f"launch template:{t['LaunchTemplateName']} in {region}"
              for t in ec2.describe_launch_templates()["LaunchTemplates"]}
    found |= {f"Spot request:{s['SpotInstanceRequestId']} in {region}{_owner(s.get('Tags'))}"
              for s in ec2.describe_spot_instance_requests()["SpotInstanceRequests"] if s["State"] in ("open", "active")}
    found |= {f"EFS file system:{f['FileSystemId']}{_name(f.get('Tags'))} in {region}{_owner(f.get('Tags'))}"
              for f in client("efs").describe_file_systems()["FileSystems"]}
    sns, events = client("sns"), client("events")
    found |= {f"SNS topic:{t['TopicArn']}{_owner(sns.list_tags_for_resource(ResourceArn=t['TopicArn'])['Tags'])}"
              for t in sns.list_topics()["Topics"]}
    found |= {f"EventBridge rule:{r['Name']} in {region}{_owner(events.list_tags_for_resource(ResourceARN=r['Arn'])['Tags'])}"
              for r in events.list_rules()["Rules"]}
    cloudwatch = client("cloudwatch")
    found |= {f"CloudWatch alarm:{a['AlarmName']} in {region}{_owner(cloudwatch.list_tags_for_resource(ResourceARN=a['AlarmArn'])['Tags'])}"
              for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    logs = client("logs")  # its tags are a map: {key: value}
    found |= {f"CloudWatch Logs log group:{g['logGroupName']} in {region}"
              f"{_owner([{'Key': k, 'Value': v} for k, v in logs.list_tags_for_resource(resourceArn=g['logGroupArn'])['tags'].items()])}"
              for g in logs.describe_log_groups()["logGroups"]}

    # Anything else the reader's owner tag is on, of a service the lists above do not cover: a
    # guide in a new service is audited without a line here (the reader's policies let the guides
    # create only with that tag). The Resource Groups Tagging API finds tagged resources of most
    # services (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html).
    tagged = client("resourcegroupstaggingapi").get_resources(TagFilters=[{"Key": OWNER_KEY}])["ResourceTagMappingList"]
    found |= {f"tagged:{r['ResourceARN']}{_owner(r.get('Tags'))}" for r in tagged
              if r["ResourceARN"].split(":")[2] not in LISTED_SERVICES}

    # Global services.
    iam = client("iam")
    # Service-linked roles (path /aws-service-role/) are AWS's, cost nothing and stay: the pages say so.
    found |= {f"IAM role:{r['RoleName']}{_owner(iam.list_role_tags(RoleName=r['RoleName'])['Tags'])}"
              for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")}
    # (An instance profile's owner is its role's: moto 5.2.5 fails on ListInstanceProfileTags.)
    found |= {f"IAM instance profile:{p['InstanceProfileName']}{_owner(iam.list_role_tags(RoleName=p['Roles'][0]['RoleName'])['Tags'] if p['Roles'] else None)}"
              for p in iam.list_instance_profiles()["InstanceProfiles"]}
    found |= {f"IAM policy:{p['PolicyName']}" for p in iam.list_policies(Scope="Local")["Policies"]}
    s3 = client("s3")
    found |= {f"s3:{b['Name']}{_owner(_bucket_tags(s3, b['Name']))}" for b in s3.list_buckets()["Buckets"]}
    found |= {f"budget:{b['BudgetName']}" for b in client("budgets").describe_budgets(AccountId=account).get("Budgets", [])}
    return found
