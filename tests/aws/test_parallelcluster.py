"""howto/parallelcluster.md: what the reader's terminal does with `aws` before `pcluster` takes over.

The emulator cannot run ParallelCluster (CloudFormation, the head node, Slurm): those steps are
declared not-emulated, and tests/pcluster/ (`nox -s pcluster`) checks the configuration file with
ParallelCluster's own schema. Here: the file the reader writes carries the values their account
gives (the default VPC's subnet in an AZ that offers the compute type, the VPC's range for SSH,
their bucket, their owner tag, the boundary of their account), it is written into a folder from
`mktemp -d`, not among the reader's own, the Spot service-linked role exists once however often
the step is pasted, and the clean-up's check, run in a new terminal, finds nothing of the cluster
and leaves a colleague's cluster alone.
"""

from pathlib import Path

import yaml

from conftest import EMULATED_OWNER, EMULATED_READER, OWNER_TAG, REGION
from shown_outputs import outputs_test

test_outputs = outputs_test("parallelcluster")  # its shown outputs (shown_outputs.py)

COMPUTE_TYPE = "c7i.large"  # the type step 3 picks its AZ by
SPOT_ROLES = "/aws-service-role/spot.amazonaws.com/"


def test_parallelcluster(guide):
    g = guide("parallelcluster")
    ec2, iam = g.client("ec2"), g.client("iam")
    account = g.client("sts").get_caller_identity()["Account"]
    g.run()

    config_file = Path(g.var("PC_DIR")) / "cluster.yaml"
    assert not config_file.is_relative_to(g.workdir)  # a folder of its own, not one of the reader's
    config = yaml.safe_load(config_file.read_text())

    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    [subnet] = ec2.describe_subnets(SubnetIds=[config["HeadNode"]["Networking"]["SubnetId"]])["Subnets"]
    assert subnet["VpcId"] == vpc["VpcId"] and subnet["DefaultForAz"]
    offered = {o["Location"] for o in ec2.describe_instance_type_offerings(
        LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": [COMPUTE_TYPE]}])["InstanceTypeOfferings"]}
    assert subnet["AvailabilityZone"] == min(offered)  # the first AZ, by name, that offers it
    assert g.outputs["find-network"].split() == [vpc["CidrBlock"], subnet["AvailabilityZone"], subnet["SubnetId"]]

    assert config["Region"] == REGION
    assert config["HeadNode"]["Ssh"] == {"AllowedIps": vpc["CidrBlock"]}  # never the default, 0.0.0.0/0
    [queue] = config["Scheduling"]["SlurmQueues"]
    assert queue["Networking"]["SubnetIds"] == [subnet["SubnetId"]]
    assert COMPUTE_TYPE in [i["InstanceType"] for r in queue["ComputeResources"] for i in r["Instances"]]
    bucket = f"crashcourse-data-{EMULATED_READER}-{account}-{REGION}"
    assert [a["BucketName"] for a in config["HeadNode"]["Iam"]["S3Access"] + queue["Iam"]["S3Access"]] == [bucket, bucket]
    assert config["Iam"]["PermissionsBoundary"] == f"arn:aws:iam::{account}:policy/crashcourse-pcluster-boundary"
    assert config["Tags"] == [{"Key": "crashcourse:owner", "Value": EMULATED_OWNER}]
    assert g.var("CLUSTER_NAME") == f"crashcourse-{EMULATED_READER}"
    assert g.outputs["set-names"].split() == [f"crashcourse-{EMULATED_READER}", bucket]

    # (moto 5.2.5 names it AWSServiceRoleForspot where AWS writes AWSServiceRoleForEC2Spot: the page
    # prints how many roles are on the service's path, which both answer alike.)
    assert len(iam.list_roles(PathPrefix=SPOT_ROLES)["Roles"]) == 1
    assert g.outputs["spot-role"].split() == ["1"]
    g.run()  # pasted again: the role is found, not made twice
    assert len(iam.list_roles(PathPrefix=SPOT_ROLES)["Roles"]) == 1

    # A colleague's cluster, running: the check must not count it.
    colleague = "crashcourse-bob"
    ami = g.client("ssm").get_parameter(Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")["Parameter"]["Value"]
    ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "parallelcluster:cluster-name", "Value": colleague},
                                              {"Key": "crashcourse:owner", "Value": "AIDAANOTHERREADER"}]}])
    # One of the reader's own cluster's instances, still there: the check counts it, by name and owner.
    mine = ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "parallelcluster:cluster-name", "Value": f"crashcourse-{EMULATED_READER}"},
                                              OWNER_TAG]}])["Instances"][0]["InstanceId"]
    (g.workdir / "state.sh").write_text("")  # the next day: a new terminal, none of the variables
    g.cleanup()
    assert g.outputs["cleanup-check"].split() == ["1", "0", "0"]
    ec2.terminate_instances(InstanceIds=[mine])  # what `pcluster delete-cluster` does
    g.cleanup()
    assert g.outputs["cleanup-check"].split() == ["0", "0", "0"]
