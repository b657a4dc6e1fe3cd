"""howto/set-up-cli.md: the identity check, the boto3 session and the example config file."""

from pathlib import Path

import botocore.session
from shown_outputs import outputs_test

test_outputs = outputs_test("set-up-cli")  # its shown outputs (shown_outputs.py)

SNIPPETS = Path(__file__).resolve().parents[2] / "howto" / "snippets"


def test_set_up_cli(guide):
    g = guide("set-up-cli")
    g.run()
    assert g.outputs["check-version"].startswith("aws-cli/")
    # The harness signs in as account 123456789012; the page shows the example account.
    assert g.outputs["check-identity"].strip() == "123456789012"

    printed = g.run_python()
    assert "Region: us-east-1" in printed
    assert "Account: 123456789012" in printed


def test_example_config_file_is_valid(tmp_path, monkeypatch):
    """The config file the page shows parses into a profile that points at an SSO session."""
    config = tmp_path / "config"
    config.write_text((SNIPPETS / "set-up-cli-config.ini").read_text())
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    session = botocore.session.Session(profile="my-dev-profile")
    profile = session.get_scoped_config()
    assert profile["sso_session"] == "my-sso"
    assert profile["sso_account_id"] == "111122223333"
    assert profile["sso_role_name"]
    assert profile["region"] == "us-east-1"
    sso = session.full_config["sso_sessions"]["my-sso"]
    assert sso["sso_start_url"].startswith("https://")
    assert sso["sso_region"] == "us-east-1"
