"""Run howto/ecr-repository.md against the emulator."""

import json

from shown_outputs import outputs_test

test_outputs = outputs_test("ecr-repository")  # the tour up to this guide: its outputs, checked or refreshed


def test_ecr_repository(guide):
    g = guide("ecr-repository")
    g.run()
    ecr = g.client("ecr")
    name = g.var("REPO")
    assert name.startswith("crashcourse-images-")
    repo = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    tags = {t["Key"]: t["Value"] for t in ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]}
    assert tags["crashcourse:owner"] == g.var("OWNER")
    rule = json.loads(ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"])["rules"][0]
    assert rule["selection"]["tagStatus"] == "untagged"
    assert rule["selection"]["countType"] == "sinceImagePushed"
    assert rule["action"]["type"] == "expire"
    assert g.var("URI") == repo["repositoryUri"]
    assert "IMMUTABLE" in g.outputs["check"]
    g.cleanup()
    left = [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]]
    assert name not in left, left
