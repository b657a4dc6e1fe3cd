"""howto/set-up-cli.md, for the administrator of a shared account: the site's policies and
boundary are accepted by IAM, and the reader's user gets exactly them."""

import json
import shutil
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parents[2] / "howto" / "snippets"
POLICY_FILES = ["crashcourse-boundary.json", "crashcourse-policy.json", "crashcourse-policy-iam.json",
                "crashcourse-policy-services.json", "crashcourse-policy-batch.json"]


def test_administrator_creates_the_readers_user(guide):
    g = guide("set-up-cli-admin")
    for name in POLICY_FILES:  # the administrator saved the page's five documents in this folder
        shutil.copy(SNIPPETS / name, g.workdir / name)
    g.run()
    iam = g.client("iam")
    made = {p["PolicyName"]: p for p in iam.list_policies(Scope="Local")["Policies"]}
    assert set(made) == {n.removesuffix(".json") for n in POLICY_FILES}, sorted(made)
    for name in POLICY_FILES:  # what IAM stored is the page's document, unchanged
        policy = made[name.removesuffix(".json")]
        stored = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        assert stored["Document"] == json.loads((SNIPPETS / name).read_text()), name
    attached = sorted(p["PolicyName"] for p in iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"])
    assert attached == ["IAMUserChangePassword", "SignInLocalDevelopmentAccess", "crashcourse-policy",
                        "crashcourse-policy-batch", "crashcourse-policy-iam", "crashcourse-policy-services"], attached
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["UserName"] == "alice"  # moto keeps no reset flag
    assert len(g.outputs["admin-user"].split()[-1]) == 32  # the first password, printed once for the reader

    g.cleanup()
    assert [u["UserName"] for u in iam.list_users()["Users"]] == []
