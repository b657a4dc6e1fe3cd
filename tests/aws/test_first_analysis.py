"""tutorials/first-analysis.md, from an empty account to a result and back to an empty bill.

The reader of the tutorial pastes one block at a time into one terminal (bash, or zsh with its
defaults), with nothing set beforehand, and cleans up the next day from a new terminal. This
runs it that way, with the harness of the reader's tour (tour.py), with three differences from
the plain tour:

* the public dataset (the GATK test data bucket of the Registry of Open Data) is stood in for by
  a bucket of the same name holding a tiny FASTQ file at the real keys (public_data.py);
* where the reader opens a shell on the instance, the commands they type there
  (first-analysis-instance.sh) run for real, in `sh`, against the emulator, with the credentials
  the instance's role would give; the analysis itself runs on the tiny file and its result is
  checked against the same statistics computed in Python;
* between the steps, the account is checked for what each step promises: the role may use only
  the tutorial's bucket, the instance requires IMDSv2 and sits in a group with no inbound rule.

Sections the emulator cannot run are reported as skips with their reasons, and both snippet
files are checked with shellcheck in the shell they run in.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, parse_sections
from public_data import BUCKET as PUBLIC_BUCKET
from public_data import expected_stats, fastq, seed_public_data
from test_tour import Tour, check_outputs, client
from tour import EMULATED_OWNER, EMULATED_READER, Shell, stand_ins, steps

TUTORIALS = ROOT / "tutorials"
SNIPPETS = TUTORIALS / "snippets"
OUTPUTS = TUTORIALS / "outputs"
LAPTOP = SNIPPETS / "first-analysis.sh"
INSTANCE = SNIPPETS / "first-analysis-instance.sh"
CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
TAG = {"Key": "crashcourse", "Value": "first-analysis"}
OWNER_TAG = {"Key": "crashcourse:owner", "Value": EMULATED_OWNER}  # the reader's own tag
ROLE = f"crashcourse-first-analysis-{EMULATED_READER}"
REGION = "us-east-1"  # the tutorial's Region: the one the public dataset's bucket is in



# -- The tutorial, end to end ----------------------------------------------------------------


def run_on_instance(tour: Tour, home: Path) -> None:
    """Type the instance's commands into `sh`, as the reader does in the Session Manager shell.

    The instance's role is stood in for by the emulator's keys in the environment (on a real
    instance the AWS CLI gets the role's from the instance metadata service).
    """
    env = {**tour.env, "HOME": str(home), "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
    home.mkdir(exist_ok=True)
    script = ["set -e"]
    blocks = steps(INSTANCE, cleanup=False)
    for step in blocks:
        script += [f"echo '::section:: {step.section.name}'", step.code]
    result = subprocess.run(["sh", "-c", "\n".join(script)], env=env, cwd=home, capture_output=True, text=True, timeout=120)
    current = None
    for line in result.stdout.splitlines(keepends=True):
        if line.startswith("::section:: "):
            current = line.split(" ", 1)[1].strip()
            tour.printed[INSTANCE.stem][current] = ""
        elif current:
            tour.printed[INSTANCE.stem][current] += line
    if result.returncode:
        failed = next(s for s in blocks if s.section.name == current) if current else blocks[0]
        pytest.fail(f"{failed.where()}: [sh] section {failed.section.name!r} failed on the instance:\n{result.stderr[-3000:]}",
                    pytrace=False)


def check_before_connecting(endpoint: str, terminal: Shell) -> None:
    """What the steps before the connection promise, read back from the account."""
    s3, iam, ec2 = client(endpoint, "s3", REGION), client(endpoint, "iam", REGION), client(endpoint, "ec2", REGION)
    bucket = terminal.value("TUTORIAL_BUCKET")
    assert re.fullmatch(rf"crashcourse-tutorial-{EMULATED_READER}-\d{{12}}-us-east-1", bucket), bucket
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [TAG, OWNER_TAG]
    copied = s3.get_object(Bucket=bucket, Key="reads/NA12878_20k_reads_1.fastq")["Body"].read().decode()
    assert copied == fastq(1), "the copy is not the public file"

    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    assert TAG in role["Tags"] and OWNER_TAG in role["Tags"]
    attached = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [CORE]
    inline = iam.get_role_policy(RoleName=ROLE, PolicyName="first-analysis-bucket")["PolicyDocument"]
    if isinstance(inline, str):
        inline = json.loads(inline)
    resources = sorted(
        r for statement in inline["Statement"] for r in ([statement["Resource"]] if isinstance(statement["Resource"], str) else statement["Resource"])
    )
    assert resources == [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"], "the role may use more than the tutorial's bucket"
    actions = sorted(a for statement in inline["Statement"] for a in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]))
    assert actions == ["s3:GetObject", "s3:ListBucket", "s3:PutObject"]
    profile = iam.get_instance_profile(InstanceProfileName=ROLE)["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [ROLE]

    (instance,) = [
        i for r in ec2.describe_instances(Filters=[{"Name": "tag:crashcourse", "Values": ["first-analysis"]}])["Reservations"]
        for i in r["Instances"]
    ]
    assert instance["InstanceId"] == terminal.value("TUTORIAL_INSTANCE_ID")
    assert instance["State"]["Name"] == "running"
    assert instance["InstanceType"] == "t3.micro"
    assert instance["MetadataOptions"]["HttpTokens"] == "required", "IMDSv2 is not required"
    assert instance["IamInstanceProfile"]["Arn"] == profile["Arn"]
    assert not instance.get("KeyName"), "the instance has a key pair; the tutorial connects without one"
    assert {"Key": "Name", "Value": "first-analysis"} in instance["Tags"] and TAG in instance["Tags"]
    assert OWNER_TAG in instance["Tags"]
    ami = client(endpoint, "ssm", REGION).get_parameter(
        Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")["Parameter"]["Value"]
    assert instance["ImageId"] == ami
    (group,) = instance["SecurityGroups"]
    (sg,) = ec2.describe_security_groups(GroupIds=[group["GroupId"]])["SecurityGroups"]
    assert sg["IpPermissions"] == [], "the security group lets something in"
    assert TAG in sg["Tags"] and OWNER_TAG in sg["Tags"]
    vpc = ec2.describe_vpcs(VpcIds=[sg["VpcId"]])["Vpcs"][0]
    assert vpc["IsDefault"]
    volumes = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}])["Volumes"]
    assert volumes and all(TAG in v.get("Tags", []) for v in volumes), "the root volume is not tagged"


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_first_analysis(shell, fresh_account, tmp_path):
    seed_public_data(fresh_account)
    home = tmp_path / "home"
    home.mkdir()
    tour = Tour(shell, fresh_account, home)
    defaults = tour.resources()  # the public bucket is not the reader's: it is no leftover

    # Day one: one terminal; on the instance, the reader's commands in `sh`.
    terminal = Shell(shell, tour.env, home)
    try:
        for step in steps(LAPTOP, cleanup=False):
            if step.section.name == "connect":
                check_before_connecting(fresh_account, terminal)
                bucket = terminal.value("TUTORIAL_BUCKET")
                run_on_instance(tour, tmp_path / "instance-home")
                s3 = client(fresh_account, "s3", REGION)
                key = "results/NA12878_20k_reads_1.stats.tsv"
                on_instance = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
                assert on_instance == expected_stats(fastq(1)), "the analysis on the instance is wrong"
                # The tour's stand-in for the session leaves the same result.
                s3.delete_object(Bucket=bucket, Key=key)
            tour.run(terminal, step)
            if step.section.name == "connect":
                assert s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode() == on_instance, (
                    f"{LAPTOP.relative_to(ROOT)}: the stand-in for 'connect' does not compute what the instance does"
                )
    finally:
        terminal.close()
    downloaded = home / "first-analysis" / "NA12878_20k_reads_1.stats.tsv"
    assert downloaded.read_text() == expected_stats(fastq(1))
    assert tour.printed[LAPTOP.stem]["download-result"].endswith(expected_stats(fastq(1)))

    # Day two: a new terminal that knows nothing of day one.
    terminal = Shell(shell, tour.env, home)
    try:
        for step in steps(LAPTOP, cleanup=True):
            tour.run(terminal, step)
    finally:
        terminal.close()
    left = sorted(tour.resources() - defaults)
    assert not left, f"[{shell}] left in the account after the clean-up:\n" + "\n".join(left)
    assert PUBLIC_BUCKET in [b["Name"] for b in client(fresh_account, "s3").list_buckets()["Buckets"]]
    assert tour.printed[LAPTOP.stem]["cleanup-check"].split("\n")[:-1] == [
        "instances: 0", "volumes: 0", "security groups: 0", "roles: 0", "instance profiles: 0", "buckets: 0",
    ]

    check_outputs(OUTPUTS, shell, tour.printed)


# -- Sections the emulator cannot run ----------------------------------------------------------


NOT_EMULATED = [
    pytest.param(section, id=f"{path.stem}:{section.name}")
    for path in (LAPTOP, INSTANCE)
    for section in parse_sections(path)
    if section.reason
]


@pytest.mark.parametrize("section", NOT_EMULATED)
def test_not_emulated(section):
    pytest.skip(f"not emulated: {section.reason}")


# -- shellcheck, in the shell each file runs in -------------------------------------------------


def shellcheck(path: Path, shell: str) -> list[str]:
    """shellcheck's findings for a snippet file, as `FILE:LINE: CODE message` lines."""
    binary = Path(sys.executable).with_name("shellcheck")
    result = subprocess.run(
        [str(binary), "--shell", shell, "--format", "gcc", str(path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode in (0, 1), result.stderr
    return [line.replace(str(path), str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
            for line in result.stdout.splitlines()]


@pytest.mark.parametrize(("path", "shell"), [(LAPTOP, "bash"), (INSTANCE, "sh")], ids=["laptop-bash", "instance-sh"])
def test_shellcheck_finds_nothing(path, shell):
    """shellcheck has no zsh mode: the tour runs the laptop file in zsh itself."""
    found = shellcheck(path, shell)
    assert not found, "\n".join(found)


def test_shellcheck_catches_an_unquoted_variable(tmp_path):
    bad = tmp_path / "bad.sh"
    bad.write_text('# [start copy]\naws s3 cp $READS "s3://$TUTORIAL_BUCKET/reads/"\n# [end copy]\n')
    found = shellcheck(bad, "sh")
    assert any(":2:" in line and "SC2086" in line for line in found), found


# -- The stand-in for the session on the instance ------------------------------------------------


def awk_program(code: str) -> str:
    """The program of the one `awk '...'` command in `code`, with runs of white space made one space."""
    (program,) = re.findall(r"\bawk '([^']*)'", code)
    return " ".join(program.split())


def test_the_stand_in_runs_the_instance_s_analysis():
    count = next(s for s in parse_sections(INSTANCE) if s.name == "count")
    assert awk_program(stand_ins(LAPTOP)["connect"]) == awk_program(count.code), (
        f"{LAPTOP.relative_to(ROOT)}: the stand-in for 'connect' runs another awk program than "
        f"{INSTANCE.relative_to(ROOT)}:{count.line} 'count'"
    )


def test_awk_program_tells_programs_apart():
    assert awk_program("awk 'NR % 4 == 2 {\n  n += 1 }' reads.fastq") == "NR % 4 == 2 { n += 1 }"
    assert awk_program("x | awk 'NR % 4 == 2 { n += 1 }' | y") != awk_program("awk 'NR % 4 == 1 { n += 1 }' f")


# -- The analysis itself, on more than the tutorial's four reads -----------------------------------


def test_the_analysis_counts_reads_bases_and_gc(tmp_path):
    """The instance's `count` section, run on its own on a FASTQ file whose figures are known."""
    reads = tmp_path / "NA12878_20k_reads_1.fastq"
    reads.write_text("@a/1\nGGCC\n+\nIIII\n@b/1\nAATTAT\n+\nIIIIII\n@c/1\nGCNA\n+\n#III\n")
    count = next(s for s in parse_sections(INSTANCE) if s.name == "count")
    out = subprocess.run(["sh", "-e", "-c", count.code], cwd=tmp_path, capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout == "reads\t3\nbases\t14\nmean_length\t4.7\ngc_percent\t42.9\n"
    assert out.stdout == expected_stats(reads.read_text())
    assert (tmp_path / "NA12878_20k_reads_1.stats.tsv").read_text() == out.stdout


ASSIGNMENT = re.compile(r"(?:^|[;&|]\s*|\bfor\s+)([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+in\b)", re.M)


def foreign_names(path: Path) -> list[str]:
    """Variables a snippet file sets whose names are not the tutorial's own (TUTORIAL_..., or a
    site-wide one), so that a reader who also follows the how-to guides never mixes them up. The
    site-wide ones hold the same value whichever page sets them: the Region, and the reader's
    identity (account, owner tag value, name part)."""
    return [
        f"{path.name}:{s.line}: {name}"
        for s in parse_sections(path) for name in ASSIGNMENT.findall(s.code)
        if not name.startswith("TUTORIAL_") and name not in SITE_WIDE
    ]


SITE_WIDE = {"REGION", "AWS_DEFAULT_REGION", "ACCOUNT_ID", "OWNER", "READER"}


def test_every_variable_is_the_tutorial_s_own():
    found = foreign_names(LAPTOP) + foreign_names(INSTANCE)
    assert not found, "\n".join(found)


def test_foreign_names_finds_a_shared_name(tmp_path):
    bad = tmp_path / "bad.sh"
    bad.write_text("# [start a]\nBUCKET=x\nfor INSTANCE_ID in 1; do :; done\nTUTORIAL_OK=1\n# [end a]\n")
    assert foreign_names(bad) == ["bad.sh:1: BUCKET", "bad.sh:1: INSTANCE_ID"]
