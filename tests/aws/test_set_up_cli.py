"""howto/set-up-cli.md: the identity check, the boto3 session (with the credentials `aws login`
caches, too) and the example config file."""

import base64
import datetime
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import botocore.session
from conftest import parse_sections
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


# -- The Python tab with what `aws login` leaves, and no keys ---------------------------------

LOGIN_SESSION = "arn:aws:iam::123456789012:user/moto"  # the emulator's account and user, as an ARN
MISSING_CRT = 'pip install "botocore[crt]"'  # botocore's MissingDependencyException, in LoginProvider.load


def signed_in_with_aws_login(home: Path, expires_in: datetime.timedelta) -> None:
    """What `aws login` (AWS CLI version 2) leaves in HOME, as its source writes it: the profile's
    `login_session` and `region` lines in ~/.aws/config (awscli/customizations/login/login.py), and
    the token in ~/.aws/login/cache/, named by the SHA-256 of the session's name
    (botocore.utils.generate_login_cache_key), with the fields login/utils.py saves. No access key
    is written anywhere else, and none is in the environment."""
    from awscrt.crypto import EC, ECExportFormat, ECType

    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(f"[default]\nlogin_session = {LOGIN_SESSION}\nregion = us-east-1\n")
    key = base64.b64encode(EC.new_generate(ECType.P_256).export_key(ECExportFormat.SEC1)).decode()
    claims = base64.urlsafe_b64encode(json.dumps({"sub": LOGIN_SESSION}).encode()).decode().rstrip("=")
    expires = datetime.datetime.now(datetime.timezone.utc) + expires_in
    token = {
        "accessToken": {
            "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE",
            "accountId": "123456789012",
            "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "tokenType": "aws_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "EXAMPLE-REFRESH-TOKEN",
        "idToken": f"eyJhbGciOiJFUzI1NiJ9.{claims}.EXAMPLE",
        "dpopKey": "-----BEGIN EC PRIVATE KEY-----\n" + textwrap.fill(key, 64) + "\n-----END EC PRIVATE KEY-----\n",
    }
    cache = home / ".aws" / "login" / "cache"
    cache.mkdir(parents=True)
    (cache / f"{hashlib.sha256(LOGIN_SESSION.encode()).hexdigest()}.json").write_text(json.dumps(token))


def python_tab(home: Path, endpoint: str, *extra_path: Path) -> subprocess.CompletedProcess:
    """set-up-cli's Python tab (`default-session`), run as the reader runs it: their HOME, no AWS
    variable but the emulator's address, and with it a check of where the credentials came from."""
    (section,) = [s for s in parse_sections(SNIPPETS / "set-up-cli.py") if s.name == "default-session"]
    code = section.code + 'print("Method:", session.get_credentials().method)\n'
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "AWS_ENDPOINT_URL": endpoint,
           "PYTHONPATH": os.pathsep.join(map(str, extra_path))}
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=home, capture_output=True, text=True, timeout=120)


def test_python_tab_uses_aws_login_credentials(fresh_account, tmp_path):
    """With boto3[crt] (the CRT extra), the Python tab signs its calls with the credentials `aws login`
    cached, unexpired, so no refresh (a call to AWS Sign-In, which the emulator lacks) is needed."""
    signed_in_with_aws_login(tmp_path, datetime.timedelta(minutes=15))
    ran = python_tab(tmp_path, fresh_account)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.splitlines() == ["Region: us-east-1", "Account: 123456789012", "Method: login"], ran.stdout


def test_python_tab_without_crt_extra_cannot_use_them(fresh_account, tmp_path):
    """A plain `pip install boto3` (no awscrt) stops at botocore's MissingDependencyException."""
    signed_in_with_aws_login(tmp_path, datetime.timedelta(minutes=15))
    no_crt = tmp_path / "no-crt"
    no_crt.mkdir()
    (no_crt / "awscrt.py").write_text('raise ImportError("awscrt is not installed: pip install boto3 without [crt]")\n')
    ran = python_tab(tmp_path, fresh_account, no_crt)
    assert ran.returncode != 0 and MISSING_CRT in ran.stderr, ran.stderr[-3000:]


def test_python_tab_needs_aws_sign_in_once_expired(fresh_account, tmp_path):
    """The same profile an hour after its credentials expired: botocore asks AWS Sign-In for new
    ones, which the emulator cannot answer, so the first test's session is the cached one."""
    signed_in_with_aws_login(tmp_path, datetime.timedelta(hours=-1))
    ran = python_tab(tmp_path, fresh_account)
    assert ran.returncode != 0 and "CreateOAuth2Token" in ran.stderr, ran.stderr[-3000:]
