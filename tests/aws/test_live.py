"""The live run for maintainers (tools/aws_live.py, `nox -s aws-live`), through its own code path
against the emulator: the program itself, started as `nox -s aws-live` starts it, on a fixture site
(test_tour_checks.site) in a fresh emulated account, with a fixture for each guard. It must refuse
without credentials, without `--confirm-account` naming the account, and when the account already
holds the site's resources or what its sweep would delete; after a block fails, after Ctrl-C (two
of them) and at the time limit, it must still run every clean-up and the audit, and list what is
left; past the time limit, the clean-up stops and the audit still runs. Then, without the emulator:
the dry run, the cost estimate, the capture, the stand-ins, the AWS CLI it picks, and the weekly
workflow's structure (.github/workflows/aws-live.yml).
"""

from __future__ import annotations

import ast
import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
import yaml

from conftest import ROOT, bin_path
from test_tour import TOURS, pages_of
from test_tour_checks import SIGN_IN, site

sys.path.insert(0, str(ROOT / "tools"))
import aws_live  # noqa: E402
import aws_live_capture  # noqa: E402
import aws_live_plan  # noqa: E402
from aws_live_cost import CostError, estimate  # noqa: E402

TOOL = ROOT / "tools" / "aws_live.py"
WORKFLOW = ROOT / ".github" / "workflows" / "aws-live.yml"
ACCOUNT = "123456789012"  # the emulator's
KEYS = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
# Blocks that outlast the limits below, each found again in the process list by its own length
# (the tests run side by side).
SLEEP = {"ctrl-c": "sleep 67", "day-one": "sleep 68", "clean-up": "sleep 69"}

MAKE = """# [start make]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
aws ec2 create-volume --availability-zone eu-west-2a --size 1 --volume-type gp3 --query VolumeId --output text \\
  --tag-specifications "ResourceType=volume,Tags=[{Key=crashcourse:owner,Value=$OWNER}]"
# [end make]
"""
CLEANUP = """
# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for v in $(aws ec2 describe-volumes --filters Name=tag:crashcourse:owner,Values="$OWNER" --query 'Volumes[].VolumeId' --output text); do
  aws ec2 delete-volume --volume-id "$v"
done
# [end cleanup]
"""


def slow(kind: str) -> str:
    return f"# [start wait]\n{SLEEP[kind]}\n# [end wait]\n"


def env(tmp_path: Path, credentials: bool = True) -> dict[str, str]:
    """A maintainer's terminal: the emulator's AWS CLI first on PATH; the emulator's keys, or none."""
    home = tmp_path / "maintainer"
    home.mkdir(exist_ok=True)
    found = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR")}
    found |= {"PATH": f"{bin_path()}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": str(home),
              "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(home / "none"),
              "AWS_SHARED_CREDENTIALS_FILE": str(home / "none")}
    return found | (KEYS if credentials else {})


def command(endpoint: str, index: Path, *args: str) -> list[str]:
    return [sys.executable, str(TOOL), "--endpoint-url", endpoint, "--index", str(index), "--no-tutorial",
            "--region", "eu-west-2", *args]


def fixture_site(tmp_path: Path, pages: list) -> Path:
    """A fixture site whose first page signs in as set-up-cli does (its stand-in's keys dropped, its
    Region the run's), then `pages`."""
    index, _ = site(tmp_path / "site", ("sign-in", SIGN_IN), *pages)
    return index


def live(endpoint: str, tmp_path: Path, pages: list, *args: str, credentials: bool = True) -> subprocess.CompletedProcess:
    index = fixture_site(tmp_path, pages)
    return subprocess.run(command(endpoint, index, *args), env=env(tmp_path, credentials), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def volumes(endpoint: str) -> list[str]:
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="eu-west-2", **{k.lower(): v for k, v in KEYS.items()})
    return [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]


def still_running(text: str) -> list[str]:
    return [line for line in subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines()
            if line.strip() == text]


# -- The guards, against the emulator -------------------------------------------------------------


def test_refuses_without_credentials(fresh_account, tmp_path):
    run = live(fresh_account, tmp_path, [("make", MAKE + CLEANUP)], "--confirm-account", ACCOUNT, credentials=False)
    assert run.returncode == aws_live.REFUSED, run.stdout + run.stderr
    assert "Refused: no AWS credentials" in run.stdout
    assert volumes(fresh_account) == []


@pytest.mark.parametrize("confirm", [[], ["--confirm-account", "111122223333"]], ids=["none", "another-account"])
def test_refuses_without_confirming_the_account(fresh_account, tmp_path, confirm):
    run = live(fresh_account, tmp_path, [("make", MAKE + CLEANUP)], *confirm)
    assert run.returncode == aws_live.REFUSED, run.stdout + run.stderr
    first, *rest = run.stdout.splitlines()
    assert first.startswith(f"Account {ACCOUNT} as arn:aws:") and first.endswith("Region eu-west-2")
    assert any(line.startswith("Estimated cost: at most $") for line in rest), run.stdout
    assert rest[-1] == f"Refused: this costs money in account {ACCOUNT}: to go ahead, pass --confirm-account {ACCOUNT}"
    assert volumes(fresh_account) == []


@pytest.mark.parametrize("present", ["site-bucket", "anyone-s-volume"])
def test_refuses_when_the_account_holds_the_site_s_resources(fresh_account, tmp_path, present):
    """A bucket with the site's name, or a volume of anyone's, which stop-and-clean-up's sweep deletes."""
    if present == "site-bucket":
        s3 = boto3.client("s3", endpoint_url=fresh_account, region_name="us-east-1", **{k.lower(): v for k, v in KEYS.items()})
        s3.create_bucket(Bucket="crashcourse-data-someone")
        named = "s3:crashcourse-data-someone [owner none]"
    else:
        ec2 = boto3.client("ec2", endpoint_url=fresh_account, region_name="eu-west-2", **{k.lower(): v for k, v in KEYS.items()})
        named = f"EBS volume:{ec2.create_volume(AvailabilityZone='eu-west-2a', Size=1)['VolumeId']} in eu-west-2 [owner none]"
    had = volumes(fresh_account)
    run = live(fresh_account, tmp_path, [("make", MAKE + CLEANUP)], "--confirm-account", ACCOUNT)
    assert run.returncode == aws_live.REFUSED, run.stdout + run.stderr
    assert "Refused: the account already holds what the run would make" in run.stdout
    assert f"\n  {named}" in run.stdout
    assert volumes(fresh_account) == had, "it made something before refusing"


def test_a_failed_block_stops_the_day_and_everything_is_still_cleaned_up(fresh_account, tmp_path):
    failing = "# [start boom]\naws ec2 describe-volumes --volume-ids vol-0123456789abcdef0\n# [end boom]\n"
    run = live(fresh_account, tmp_path, [("make", MAKE + CLEANUP), ("boom", failing), ("never", MAKE)],
               "--confirm-account", ACCOUNT)
    assert run.returncode == aws_live.FAILED, run.stdout + run.stderr
    assert "snippets/boom.sh:1: [bash] section 'boom': a command failed (exit 255)" in run.stdout
    assert "Day one stopped: a block of boom failed. Cleaning up." in run.stdout
    assert "snippets/make.sh:7 cleanup" in run.stdout, "the clean-up of the page before did not run"
    assert "snippets/never.sh:1 make" not in run.stdout, "day one went on after the failure"
    assert run.stdout.rstrip().endswith("Left in the account: nothing.")
    assert volumes(fresh_account) == []


def test_what_is_left_or_untagged_is_listed(fresh_account, tmp_path):
    untagged = "# [start make]\naws ec2 create-volume --availability-zone eu-west-2a --size 1 --volume-type gp3 --query VolumeId --output text\n# [end make]\n"
    run = live(fresh_account, tmp_path, [("forgetful", untagged)], "--confirm-account", ACCOUNT)
    assert run.returncode == aws_live.FAILED, run.stdout + run.stderr
    (volume,) = volumes(fresh_account)
    item = f"EBS volume:{volume} in eu-west-2 [owner none]"
    assert f"PROBLEM forgetful made something without the crashcourse:owner tag: {item}" in run.stdout
    assert run.stdout.rstrip().endswith(f"Left in the account:\n  {item}")


def test_ctrl_c_still_cleans_up_and_a_second_one_is_ignored(fresh_account, tmp_path):
    index = fixture_site(tmp_path, [("make", MAKE + CLEANUP), ("slow", slow("ctrl-c"))])
    started = time.monotonic()
    proc = subprocess.Popen(command(fresh_account, index, "--confirm-account", ACCOUNT), env=env(tmp_path), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.rstrip().endswith("snippets/slow.sh:1 wait"):
            time.sleep(1)  # the block is running
            assert still_running(SLEEP["ctrl-c"]), "the slow block is not running"
            proc.send_signal(signal.SIGINT)
        elif line.startswith(("[", "  ")) and "Day one stopped: Ctrl-C." in line:
            proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    out = "".join(seen)
    assert proc.returncode == aws_live.INTERRUPTED, out
    assert "Ctrl-C: ignored; every clean-up and the audit run to their end" in out
    assert "snippets/make.sh:7 cleanup" in out and out.rstrip().endswith("Left in the account: nothing.")
    assert volumes(fresh_account) == []
    assert not still_running(SLEEP["ctrl-c"]), "the interrupted block's command still runs"
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("where", ["day-one", "clean-up"])
def test_the_time_limit_stops_the_day_or_the_clean_up_and_the_audit_runs(fresh_account, tmp_path, where):
    """18 seconds in all, of which the clean-up keeps 9: a block that sleeps on day one is cut and
    everything cleaned up; one that sleeps in the clean-up is cut, and the audit names what is left."""
    pages = [("make", MAKE + CLEANUP), ("slow", slow(where))] if where == "day-one" else \
        [("make", MAKE + CLEANUP.replace("# [start cleanup]\n", f"# [start cleanup]\n{SLEEP[where]}\n"))]
    started = time.monotonic()
    run = live(fresh_account, tmp_path, pages, "--confirm-account", ACCOUNT, "--time-limit", "0.3", "--cleanup-minutes", "0.15")
    assert run.returncode == aws_live.FAILED, run.stdout + run.stderr
    if where == "day-one":
        assert "Day one stopped: the time limit. Cleaning up." in run.stdout
        assert run.stdout.rstrip().endswith("Left in the account: nothing.")
        assert volumes(fresh_account) == []
    else:
        assert "PROBLEM the time limit ended the clean-up; cut short or not run: " in run.stdout
        (volume,) = volumes(fresh_account)
        assert run.stdout.rstrip().endswith(f"Left in the account:\n  EBS volume:{volume} in eu-west-2 [owner AKIAIOSFODNN7EXAMPLE]")
    assert not still_running(SLEEP[where])
    assert time.monotonic() - started < 40


def test_the_capture_writes_what_the_run_printed_but_not_what_a_stand_in_printed(fresh_account, tmp_path):
    page = ("page", "# [start account]\naws sts get-caller-identity --query Account --output text\n# [end account]\n"
                    "# [start look] not-emulated: a browser\nopen https://example.com\n# [end look]\n"
                    "# [stand-in look] aws sts get-caller-identity --query Account --output text\n")
    index = fixture_site(tmp_path, [page])
    outputs = index.parent / "outputs" / "page"
    outputs.mkdir(parents=True)
    for name in ("account", "look"):
        (outputs / f"{name}.txt").write_text("before\n")
    run = subprocess.run([*command(fresh_account, index, "--confirm-account", ACCOUNT, "--capture"), "--region", "us-east-1"],
                         env=env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == aws_live.DONE, run.stdout + run.stderr
    assert (outputs / "account.txt").read_text() == "111122223333\n"
    assert (outputs / "look.txt").read_text() == "before\n", "a stand-in's output was captured"
    assert '["outputs/page/account.txt"]\nsource = "the endpoint http' in (index.parent / "rules" / "captured-on-aws.toml").read_text()


# -- Without the emulator ------------------------------------------------------------------------


def test_the_dry_run_needs_no_credentials_and_prints_the_plan_and_its_cost(tmp_path):
    run = subprocess.run([sys.executable, str(TOOL), "--dry-run"], env=env(tmp_path, credentials=False), cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == aws_live.DONE, run.stdout + run.stderr
    listed = [line.split(". ", 1)[1].split(":")[0] for line in run.stdout.splitlines() if line.startswith("    ")
              and ". " in line][: len(pages_of(TOURS["howto"][0], TOURS["howto"][1])) - 1]
    assert listed == [p.stem for p in pages_of(TOURS["howto"][0], TOURS["howto"][1]) if p.stem != "stop-and-clean-up"]
    assert "then stop-and-clean-up (" in run.stdout and "tutorial, day one" in run.stdout
    assert "Estimated cost: at most $" in run.stdout and "(t3_micro_price)" in run.stdout


def snippet(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.sh"
    path.write_text(text)
    return path


def test_the_estimate_prices_each_thing_made_from_figures_toml(tmp_path):
    path = snippet(tmp_path, "# [start go]\nTYPE=t3.micro\naws ec2 run-instances --image-id ami-1 --instance-type \"$TYPE\"\n"
                             "aws ec2 create-volume --availability-zone a --size 10 --volume-type gp3\n# [end go]\n")
    found = estimate([path], hours=2)
    prices = {name: found.prices[name] for name in ("t3_micro_price", "ipv4_price", "ebs_gp3_price")}
    expected = (prices["t3_micro_price"] + prices["ipv4_price"]) * 2 + prices["ebs_gp3_price"] * 10 * 2 / (28 * 24)
    assert found.total == expected.quantize(Decimal("0.01"), rounding="ROUND_UP")
    assert {i.figure: i.where for i in found.items}["t3_micro_price"] == [f"{path}:3"]


def test_the_estimate_prices_fargate_for_aws_batch_by_its_most_vcpus(tmp_path):
    path = snippet(tmp_path, "# [start go]\naws batch create-compute-environment --compute-environment-name x --type MANAGED "
                             "--compute-resources '{\"type\": \"FARGATE_SPOT\", \"maxvCpus\": 2, \"subnets\": []}'\n"
                             "aws batch register-job-definition --job-definition-name x --type container --container-properties "
                             "'{\"image\": \"i\", \"resourceRequirements\": [{\"type\": \"VCPU\", \"value\": \"0.25\"}, "
                             "{\"type\": \"MEMORY\", \"value\": \"1024\"}]}'\n# [end go]\n")
    found = estimate([path], hours=1)
    assert {i.figure: i.quantity for i in found.items} == {"fargate_vcpu_price": 2, "fargate_gb_price": 8}  # 4 GB per vCPU


def test_the_estimate_refuses_what_no_figure_prices(tmp_path):
    path = snippet(tmp_path, "# [start go]\naws ec2 run-instances --image-id ami-1 --instance-type c7g.large\n# [end go]\n")
    with pytest.raises(CostError, match=rf"^{path}:2: no figure prices this: add \[c7g_large_price\] to figures.toml$"):
        estimate([path], hours=1)


def test_stand_ins_drop_example_keys_and_take_the_run_s_region():
    guides = aws_live_plan.guides(TOURS["howto"][0], {"<region-code>": "eu-west-1", "<email-address>": "x@example.org"},
                                  "eu-west-1", until="choose-region")
    login = next(s for s in guides.day_one[0].blocks if s.section.name == "login")
    assert login.code == "aws configure set region eu-west-1\n"
    assert [p.name for p in guides.day_one] == ["set-up-cli", "choose-region"] and guides.sweep.blocks
    assert "NEW_REGION=eu-west-1\n" in next(s for s in guides.day_one[1].blocks if s.section.name == "set-region").code
    lesson = aws_live_plan.tutorial("us-east-1")
    assert "sign-in" not in [s.section.name for p in lesson.day_one for s in p.blocks], "a stand-in of example keys only"


def test_it_picks_aws_cli_version_2_from_the_path(tmp_path):
    for name, version in (("one", "aws-cli/1.46.3 Python/3.11"), ("two", "aws-cli/2.22.1 Python/3.12")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "aws").write_text(f"#!/bin/sh\necho '{version}'\n")
        (tmp_path / name / "aws").chmod(0o755)
    assert aws_live.find_cli(f"{tmp_path / 'one'}{os.pathsep}{tmp_path / 'two'}") == (tmp_path / "two" / "aws", "aws-cli/2.22.1")
    assert aws_live.find_cli(str(tmp_path / "one")) == (tmp_path / "one" / "aws", "aws-cli/1.46.3")


def test_the_capture_writes_documentation_values_and_removes_the_marks_it_satisfies(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_tutorials.py").write_text('FORM_CAPTION = "Layout only"\n')
    outputs, snippets = tmp_path / "tutorials" / "outputs", tmp_path / "tutorials" / "snippets"
    (outputs / "lesson").mkdir(parents=True)
    snippets.mkdir()
    (outputs / "lesson" / "count.txt").write_text("reads\t4\n")
    (tmp_path / "tutorials" / "lesson.md").write_text(
        "# Lesson\n\n1. Count:\n\n   ```{literalinclude} outputs/lesson/count.txt\n   :language: text\n"
        "   :caption: Layout only\n   ```\n")
    (tmp_path / "rules" / "live-capture.toml").write_text(
        '# marks\n\n[[output]]\nfile = "tutorials/outputs/lesson/count.txt"\nwhy = "real data"\n\n'
        '[[section]]\nsnippet = "tutorials/snippets/lesson.sh"\nname = "who"\nwhy = "a real role"\n\n'
        '[[section]]\nsnippet = "tutorials/snippets/lesson.sh"\nname = "ssh"\nwhy = "a real instance"\n')
    printed = {"lesson": {"count": "reads\t10000\n", "who": "arn:aws:sts::444433332222:assumed-role/r/maria.garcia\n",
                          "other": "not shown\n"}}
    written = aws_live_capture.write_outputs(printed, outputs, snippets, "AROAEXAMPLE0123456789:maria.garcia",
                                             "maria-garcia", root=tmp_path)
    assert sorted(p.name for p in written) == ["count.txt", "who.txt"]
    assert (outputs / "lesson" / "who.txt").read_text() == "arn:aws:sts::111122223333:assumed-role/r/maria.garcia\n"
    removed = aws_live_capture.satisfy_marks(written, root=tmp_path)
    assert removed == ["rules/live-capture.toml:3: tutorials/outputs/lesson/count.txt captured",
                       "rules/live-capture.toml:7: who captured", "tutorials/lesson.md:7: form caption removed"]
    assert (tmp_path / "rules" / "live-capture.toml").read_text() == \
        '# marks\n\n[[section]]\nsnippet = "tutorials/snippets/lesson.sh"\nname = "ssh"\nwhy = "a real instance"\n'
    assert ":caption:" not in (tmp_path / "tutorials" / "lesson.md").read_text()
    registry = tmp_path / "rules" / "captured-on-aws.toml"
    aws_live_capture.record_provenance(written, datetime.date(2026, 12, 8), "aws-cli/2.22.1", "us-east-1", "aws",
                                       registry, tmp_path)
    assert '["tutorials/outputs/lesson/count.txt"]\nsource = "aws"\ncaptured = 2026-12-08\ncli = "aws-cli/2.22.1"\n' \
        in registry.read_text()


def test_the_capture_names_the_reader_as_the_pages_do():
    text = "crashcourse:owner=AROAEXAMPLE0123456789:maria.garcia crashcourse-data-maria-garcia-123456789012-us-east-1 203.0.113.9 8.8.4.4\n"
    shown = aws_live_capture.reader_values_shown(aws_live_capture.Normalizer()(
        aws_live_capture.as_emulated(text, "AROAEXAMPLE0123456789:maria.garcia", "maria-garcia")))
    assert shown == "crashcourse:owner=AIDACKCEVSQ6C2EXAMPLE crashcourse-data-alice-111122223333-us-east-1 203.0.113.9 198.51.100.10\n"


def nox_waits_for_the_clean_up(noxfile: str) -> bool:
    """Whether the aws-live session runs the tool with `interrupt_timeout=None`: nox then waits after
    Ctrl-C for it to clean up, instead of ending it 0.3 seconds later (nox's default)."""
    session = next(f for f in ast.parse(noxfile).body if isinstance(f, ast.FunctionDef) and f.name == "aws_live")
    runs = [c for c in ast.walk(session) if isinstance(c, ast.Call) and getattr(c.func, "attr", "") == "run"
            and any(isinstance(a, ast.Constant) and a.value == "tools/aws_live.py" for a in c.args)]
    return len(runs) == 1 and any(k.arg == "interrupt_timeout" and isinstance(k.value, ast.Constant) and k.value.value is None
                                  for k in runs[0].keywords)


def test_nox_waits_for_the_clean_up_after_ctrl_c():
    noxfile = (ROOT / "noxfile.py").read_text()
    assert nox_waits_for_the_clean_up(noxfile)
    assert not nox_waits_for_the_clean_up(noxfile.replace(", interrupt_timeout=None", ""))


# -- The weekly workflow ----------------------------------------------------------------------------


def workflow_problems(doc: dict) -> list[str]:
    """What the weekly workflow must do, read from its parsed YAML."""
    problems = []
    on = doc.get("on", doc.get(True, {}))  # YAML 1.1 reads a bare `on` as true
    crons = [s.get("cron", "") for s in on.get("schedule", [])]
    if not crons or any(len(c.split()) != 5 or c.split()[4] == "*" for c in crons):
        problems.append(f"not weekly: schedule {crons}")
    if "workflow_dispatch" not in on:
        problems.append("cannot be started by hand (workflow_dispatch)")
    jobs = doc.get("jobs", {})
    skip = next((j for j in jobs.values() if "vars.AWS_LIVE_ROLE_ARN == ''" in str(j.get("if", ""))), None)
    if not skip or len(skip.get("steps", [])) != 1 or len(str(skip["steps"][0].get("run", "")).splitlines()) != 1:
        problems.append("no job that skips with one line when AWS_LIVE_ROLE_ARN is not set")
    live = next((j for j in jobs.values() if "vars.AWS_LIVE_ROLE_ARN != ''" in str(j.get("if", ""))), None)
    if not live:
        return problems + ["no job that runs when AWS_LIVE_ROLE_ARN is set"]
    steps = live.get("steps", [])
    if live.get("permissions", {}).get("id-token") != "write":
        problems.append("the live job cannot ask for an OIDC token (permissions: id-token: write)")
    for step in steps:
        uses = step.get("uses", "")
        if uses and not (len(uses.split("@")[-1]) == 40 and all(c in "0123456789abcdef" for c in uses.split("@")[-1])):
            problems.append(f"{uses}: not pinned to a commit")
    sign_ins = [i for i, s in enumerate(steps) if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
    if not sign_ins or any(steps[i].get("with", {}).get("role-to-assume") != "${{ vars.AWS_LIVE_ROLE_ARN }}" for i in sign_ins):
        problems.append("no sign-in through aws-actions/configure-aws-credentials with the role AWS_LIVE_ROLE_ARN names")
    runs = [(i, s) for i, s in enumerate(steps) if "nox -s aws-live" in str(s.get("run", ""))]
    tour = [(i, s) for i, s in runs if "--capture" in s["run"] and "--confirm-account" in s["run"]]
    clean = [(i, s) for i, s in runs if "--cleanup-only" in s["run"]]
    if not tour:
        problems.append("no step runs the tour with --confirm-account and --capture")
    if not clean or (tour and clean[0][0] < tour[0][0]):
        problems.append("no clean-up step (--cleanup-only) after the tour")
    elif not any(f in str(clean[0][1].get("if", "")) for f in ("always()", "cancelled()")):
        problems.append("the clean-up step does not run when the job is cancelled or fails: give it `if: always()`")
    elif not any(i < clean[0][0] and "always()" in str(steps[i].get("if", "")) for i in sign_ins[1:]):
        problems.append("no sign-in again, `if: always()`, before the clean-up")
    proposes = [s for s in steps if "gh pr create" in str(s.get("run", ""))]
    if not proposes or "success()" not in str(proposes[0].get("if", "")):
        problems.append("no step proposes the captured outputs as a pull request after a run that went well")
    minutes = [s.get("timeout-minutes", 0) for _, s in tour + clean]
    if not all(minutes) or live.get("timeout-minutes", 0) < sum(minutes) or \
            (tour and tour[0][1]["timeout-minutes"] <= aws_live.TIME_LIMIT):
        problems.append("the steps' time limits do not fit the run's (tools/aws_live.py TIME_LIMIT) and the job's")
    return problems


def test_the_weekly_workflow_runs_guards_and_cleans_up():
    assert workflow_problems(yaml.safe_load(WORKFLOW.read_text())) == []


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d["jobs"]["live"]["steps"][-2].pop("if"), "the clean-up step does not run when the job is cancelled"),
    (lambda d: d["jobs"]["skip"]["steps"].append({"run": "echo again"}), "no job that skips with one line"),
    (lambda d: d["jobs"]["live"]["steps"][3].update(uses="aws-actions/configure-aws-credentials@v4"), "not pinned"),
    (lambda d: d["jobs"]["live"]["permissions"].pop("id-token"), "cannot ask for an OIDC token"),
    (lambda d: d["jobs"]["live"]["steps"][-1].update({"if": "always()"}), "no step proposes the captured outputs"),
])
def test_the_workflow_check_catches_a_broken_workflow(change, problem):
    doc = yaml.safe_load(WORKFLOW.read_text())
    change(doc)
    assert any(problem in p for p in workflow_problems(doc)), workflow_problems(doc)
