"""howto/jupyter-tunnel.md: find the instance by its Name and owner tags; the tunnel itself needs a real instance."""

from conftest import OWNER_TAG
from shown_outputs import outputs_test

test_outputs = outputs_test("jupyter-tunnel")  # its shown outputs (shown_outputs.py)

COLLEAGUE = {"Key": "crashcourse:owner", "Value": "AIDAI23HXD2O5EXAMPLE"}  # another reader in a shared account
AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def launch(ec2, ami, name, owner=OWNER_TAG):
    return ec2.run_instances(
        ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}, owner]}],
    )["Instances"][0]["InstanceId"]


def test_jupyter_tunnel(guide):
    g = guide("jupyter-tunnel")
    ec2 = g.client("ec2")
    ami = g.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    wanted = launch(ec2, ami, "analysis-box")
    other = launch(ec2, ami, "analysis-box", COLLEAGUE)  # a colleague's, of the same name: must not be picked up
    g.run()

    described = ec2.describe_instances(InstanceIds=[wanted])["Reservations"][0]["Instances"][0]
    assert g.var("BOX_ID") == wanted
    assert g.var("BOX_IP") == described["PublicIpAddress"]
    # No instance profile yet: the last column says so (the Session Manager way in needs one).
    assert g.outputs["find-instance"].split() == [wanted, described["PublicIpAddress"], "t3.micro", "None"]
    assert other not in g.outputs["find-instance"]

    printed = g.run_python()
    assert printed.split() == [wanted, described["PublicIpAddress"], "t3.micro", "None"]

    # The clean-up, in a new shell that knows none of the page's variables: it stops that
    # instance only, and a second run finds nothing left to stop.
    cleanup = [s for s in g.sections() if s.cleanup]
    g._bash(cleanup, None, g.workdir / "after.sh")
    assert g.outputs["cleanup"] == "stopping\n"
    states = {
        i["InstanceId"]: i["State"]["Name"]
        for r in ec2.describe_instances(InstanceIds=[wanted, other])["Reservations"]
        for i in r["Instances"]
    }
    assert states == {wanted: "stopped", other: "running"}
    g._bash(cleanup, None, g.workdir / "after.sh")
    assert g.outputs["cleanup"] == ""
