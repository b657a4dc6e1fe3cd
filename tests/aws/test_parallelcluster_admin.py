"""howto/parallelcluster.md, for the account's administrator: the boundary of the roles AWS
ParallelCluster creates is accepted by IAM as the page shows it, under the name the cluster's
configuration gives, and pasting the block again creates nothing more."""

import json
import shutil
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parents[2] / "howto" / "snippets"
BOUNDARY = "crashcourse-pcluster-boundary.json"


def test_administrator_creates_the_cluster_boundary(guide):
    g = guide("parallelcluster-admin")
    shutil.copy(SNIPPETS / BOUNDARY, g.workdir / BOUNDARY)  # the administrator saved the page's document here
    g.run()
    iam = g.client("iam")
    [policy] = iam.list_policies(Scope="Local")["Policies"]
    assert policy["PolicyName"] == "crashcourse-pcluster-boundary"
    stored = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert stored["Document"] == json.loads((SNIPPETS / BOUNDARY).read_text())  # the page's document, unchanged
    assert g.outputs["admin-boundary"].split() == ["crashcourse-pcluster-boundary", "crashcourse-pcluster-boundary", "0"]
    g.run()  # pasted again: the policy is found, not created twice
    assert len(iam.list_policies(Scope="Local")["Policies"]) == 1
