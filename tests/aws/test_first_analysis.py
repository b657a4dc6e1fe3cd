"""The tutorial "Your first analysis on AWS": tutorials/first-analysis.md and its five parts,
tutorials/first-analysis-N-*.md, from an empty account to a result and back to an empty bill.

The learner pastes one block at a time into one terminal (bash, or zsh with its defaults), with
nothing set beforehand, may paste a block twice, and may stop after any part and come back in a
new terminal. This runs it that way, with the harness of the reader's tour (tour.py):

* the paste-twice run (`test_first_analysis`): one terminal; every block of every part, in the
  order the part pages show them (read from the parsed pages), is pasted TWICE. The second paste
  must not fail, must create nothing and delete nothing (the account's inventory is compared before
  and after it), and, for a block that creates something, must say that it found it. The clean-up
  runs the next day in a new terminal, each block twice, the second saying that nothing is left.
  A fixture, a launch block without its guard, fails this run naming its file and line;
* the part-by-part run (`test_first_analysis_part_by_part`): before each part a NEW shell, which
  runs only that part's "If you opened a new terminal" block, then the part. After the resume
  block, every variable that any later block of the part reads before setting it (read from the
  blocks by bashlex: `variables_read` in snippetshell.py; the steps the emulator cannot run
  included) must be set in that shell, so that a learner may come back before any step of the
  part; a fixture, part 3's resume block as it was before it found the security group and the
  instance by tag (`tests/aws/fixtures/first-analysis-forgetful-resume.sh`), fails it, naming the
  file, the line and the variables;
* the public dataset (the GATK test data bucket of the Registry of Open Data) is stood in for by
  a bucket of the same name holding stand-in FASTQ files of the real ones' shape at the real keys (public_data.py);
* where the learner opens a shell on the instance, the commands they type there
  (first-analysis-instance.sh) run for real, in `sh`, against the emulator, with the credentials
  the instance's role would give, and each call passes the IAM gate (iamgate.py) under the role's
  own policies: fetching, saving and listing the bucket must be allowed, and `aws s3 ls` alone
  (try-elsewhere) must be refused, exiting 254 as AWS CLI version 2 does, its terminal output
  (stdout and stderr) captured; a test with the role's policy loosened (s3:ListAllMyBuckets) or
  narrowed (no s3:ListBucket) proves the run then fails, naming the section's file and line. The
  analysis itself runs on the stand-in file and its result is checked against the same statistics
  computed in Python;
* between the steps, the account is checked for what each step promises: the role may use only
  the tutorial's bucket, the instance requires IMDSv2 and sits in a group with no inbound rule.

Sections the emulator cannot run are reported as skips with their reasons (rules/live-capture.toml
marks them for the live capture), and both snippet files are checked with shellcheck in the shell
they run in. A run that fails ends its message with the command that reruns that run alone
(`nox -s aws -- "tests/aws/test_first_analysis.py::test_first_analysis_part_by_part[zsh]"`).
TUTORIAL_TIMES=1 prints how long each run took.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT, parse_sections
from iamgate import Gate, admin
from instance_shell import instance_shell
from snippetshell import variables_read
from inventory import LIVE_INSTANCE_STATES
from public_data import BUCKET as PUBLIC_BUCKET
from public_data import expected_stats, fastq, seed_public_data
from test_tour import Tour, check_outputs, client
from tour import EMULATED_OWNER, EMULATED_READER, Shell, Step, stand_ins, steps

TUTORIALS = ROOT / "tutorials"
SNIPPETS = TUTORIALS / "snippets"
OUTPUTS = TUTORIALS / "outputs"
LAPTOP = SNIPPETS / "first-analysis.sh"
INSTANCE = SNIPPETS / "first-analysis-instance.sh"
UNGUARDED_LAUNCH = Path(__file__).parent / "fixtures" / "first-analysis-unguarded-launch.sh"
FORGETFUL_RESUME = Path(__file__).parent / "fixtures" / "first-analysis-forgetful-resume.sh"
CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
TAG = {"Key": "crashcourse", "Value": "first-analysis"}
OWNER_TAG = {"Key": "crashcourse:owner", "Value": EMULATED_OWNER}  # the reader's own tag
ROLE = f"crashcourse-first-analysis-{EMULATED_READER}"
INLINE = "first-analysis-bucket"  # the role's inline policy: its tutorial bucket only
REGION = "us-east-1"  # the tutorial's Region: the one the public dataset's bucket is in
RESUME = re.compile(r"^(resume-[\w-]+|cleanup)$")  # a part's "If you opened a new terminal" block
FOUND_AGAIN = re.compile(r"already|No .* of yours is left")  # what a second paste says it found
# The instance's sections that the role's policies must refuse, with the exit status of AWS CLI
# version 2 when a service answers with an error (iamgate.py): `aws s3 ls` alone needs
# s3:ListAllMyBuckets, which the role does not have.
REFUSED = {"try-elsewhere": 254}



# -- The lesson's parts, read from the pages ----------------------------------------------------


def part_pages() -> list[Path]:
    return sorted(TUTORIALS.glob("first-analysis-[0-9]-*.md"), key=lambda p: int(p.stem.split("-")[2]))


def included_sections(page: Path) -> list[tuple[str, str]]:
    """(snippet file name, section) for each snippet a part page includes, in the page's order,
    read from the parsed Markdown (a `{literalinclude}` fence, wherever it is nested)."""
    found = []
    for token in MarkdownIt().parse(page.read_text()):
        name, _, argument = token.info.strip().partition(" ")
        if token.type == "fence" and name == "{literalinclude}" and argument.strip().startswith("snippets/"):
            argument = argument.strip()
            start = next((o for o in token.content.splitlines() if o.startswith(":start-after:")), "")
            if m := re.search(r"\[start ([\w-]+)\]", start):
                found.append((Path(argument).name, m.group(1)))
    return found


def laptop_sections(laptop: Path = LAPTOP) -> dict[Path, list]:
    """Each part page with the sections of the learner's own terminal it shows, in order, as the
    snippet file has them (the steps the emulator cannot run included, with their real code)."""
    found = {s.name: s for s in parse_sections(LAPTOP)}
    if laptop != LAPTOP:
        found |= {s.name: s for s in parse_sections(laptop)}
    return {page: [found[name] for file, name in included_sections(page) if file == LAPTOP.name and name in found]
            for page in part_pages()}


def lesson(laptop: Path = LAPTOP) -> list[tuple[Path, list[Step]]]:
    """Each part page with the blocks it shows, in order, as the tour pastes them (stand-ins for
    the steps the emulator cannot run; a not-emulated step with no stand-in is left out)."""
    available = {(path.name, step.section.name): step
                 for path in (LAPTOP, INSTANCE) for cleanup in (False, True) for step in steps(path, cleanup=cleanup)}
    if laptop != LAPTOP:  # a fixture: its sections stand in for the tutorial's own of the same name
        available |= {(LAPTOP.name, step.section.name): step for cleanup in (False, True) for step in steps(laptop, cleanup=cleanup)}
    parts = []
    for page in part_pages():
        blocks = [available[key] for key in included_sections(page) if key in available]
        parts.append((page, blocks))
    return parts


# -- The tutorial, end to end ----------------------------------------------------------------


def run_on_instance(tour: Tour, root: Path, instance_id: str, twice: bool) -> Gate:
    """Type the instance's commands into `sh`, as the reader does in the Session Manager shell,
    each block twice with `twice`, in a shell on the emulated instance (instance_shell.py: as
    ssm-user, no keys, the role's credentials from the instance metadata service, every call
    judged by the IAM gate under the role's own policies): what the role may not do is refused as
    AWS refuses it, and what it must do (fetch, save, list its bucket) fails the run if its
    policies do not allow it. Returns the gate, whose log holds each call and its verdict."""
    with instance_shell(tour.env["AWS_ENDPOINT_URL"], instance_id, REGION, root, tour.env) as (env, home, gate):
        _run_on_instance(tour, root, home, env, twice)
    return gate


def _run_on_instance(tour: Tour, root: Path, home: Path, env: dict[str, str], twice: bool) -> None:
    script = ["set -e"]
    blocks = steps(INSTANCE, cleanup=False)
    for step in blocks:
        for paste in (1, 2) if twice else (1,):
            script.append(f"echo '::section:: {step.section.name} {paste}'")
            if step.section.name in REFUSED:
                # A section that must fail: what it prints on the terminal, both streams in order,
                # and its exit status, which `set -e` must not stop at.
                script += ["_status=0", f"{{\n{step.code}\n}} 2>&1 || _status=$?", f"echo \"::status:: {step.section.name} $_status\""]
            else:
                script.append(step.code)
    result = subprocess.run(["sh", "-c", "\n".join(script)], env=env, cwd=home, capture_output=True, text=True, timeout=120)
    current, printed, status = None, {}, {}
    for line in result.stdout.replace(str(root), "").splitlines(keepends=True):
        if line.startswith("::section:: "):
            current = tuple(line.split()[1:3])
            printed[current] = ""
        elif line.startswith("::status:: "):
            name, code = line.split()[1:3]
            status.setdefault(name, set()).add(int(code))
        elif current:
            printed[current] += line
    for (name, paste), text in printed.items():
        if paste == "1":
            tour.printed[INSTANCE.stem][name] = text
        elif text != printed[(name, "1")] and result.returncode == 0:
            step = next(s for s in blocks if s.section.name == name)
            pytest.fail(f"{step.where()}: [sh] section {name!r} prints something else when pasted twice:\n{text}", pytrace=False)
    if result.returncode:
        failed = next(s for s in blocks if s.section.name == current[0]) if current else blocks[0]
        pytest.fail(f"{failed.where()}: [sh] section {failed.section.name!r} failed on the instance:\n{result.stderr[-3000:]}",
                    pytrace=False)
    for step in blocks:
        if step.section.name in REFUSED and status.get(step.section.name) != {REFUSED[step.section.name]}:
            pytest.fail(f"{step.where()}: [sh] section {step.section.name!r} exited with "
                        f"{', '.join(map(str, sorted(status.get(step.section.name, ())))) or 'nothing'}, not "
                        f"{REFUSED[step.section.name]}: the role was not refused, and printed:\n"
                        f"{printed.get((step.section.name, '1'), '')}", pytrace=False)


def check_before_connecting(endpoint: str, terminal: Shell) -> None:
    """What the steps before the connection promise, read back from the account."""
    s3, iam, ec2 = client(endpoint, "s3", REGION), client(endpoint, "iam", REGION), client(endpoint, "ec2", REGION)
    bucket = terminal.value("TUTORIAL_BUCKET")
    assert re.fullmatch(rf"crashcourse-lesson-{EMULATED_READER}-\d{{12}}-us-east-1", bucket), bucket
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [TAG, OWNER_TAG]
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"]["Status"] == "Enabled"
    copied = s3.get_object(Bucket=bucket, Key="reads/NA12878_20k_reads_1.fastq")["Body"].read().decode()
    assert copied == fastq(1), "the copy is not the public file"

    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    assert TAG in role["Tags"] and OWNER_TAG in role["Tags"]
    attached = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [CORE]
    inline = iam.get_role_policy(RoleName=ROLE, PolicyName=INLINE)["PolicyDocument"]
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
    assert role["Path"] == profile["Path"] == f"/crashcourse/{EMULATED_OWNER}/", (role["Path"], profile["Path"])

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




# The calls the instance's steps make, as the gate names them, and whether the role may make them:
# fetch-reads (HeadObject, GetObject), save-result (PutObject), list-bucket (ListObjectsV2) and
# try-elsewhere (ListBuckets, refused).
GATED = {("s3.HeadObject", True), ("s3.GetObject", True), ("s3.PutObject", True), ("s3.ListObjectsV2", True),
         ("s3.ListBuckets", False)}


def check_gate(gate: Gate) -> None:
    """The instance's calls to its bucket passed the IAM gate, and only `aws s3 ls` alone was refused."""
    seen = {(call.split()[0], allowed) for call, _, allowed in gate.log}
    assert GATED <= seen, f"calls on the instance that the IAM gate did not judge: {sorted(GATED - seen)}"
    refused = [f"{call}: {why}" for call, why, allowed in gate.log if not allowed and not call.startswith("s3.ListBuckets ")]
    assert not refused, "the role was refused on the instance:\n" + "\n".join(refused)


class Lesson:
    """The learner's run through the parts, in one emulated account."""

    def __init__(self, shell: str, endpoint: str, tmp_path: Path, twice: bool, laptop: Path = LAPTOP):
        seed_public_data(endpoint)
        self.kind, self.endpoint, self.tmp_path, self.twice = shell, endpoint, tmp_path, twice
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.tour = Tour(shell, endpoint, self.home)
        self.defaults = self.tour.resources()  # the public bucket is not the reader's: it is no leftover
        self.parts = lesson(laptop)
        self.sections = laptop_sections(laptop)
        self.problems: list[str] = []
        self.pastes = 0

    def inventory(self) -> set[str]:
        """What the tutorial's blocks could make or delete, in its Region: a quicker inventory than
        the tour's, taken around every second paste (the audit at the end takes the full one)."""
        ec2, iam, s3 = (client(self.endpoint, name, REGION) for name in ("ec2", "iam", "s3"))
        live = [{"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}]
        return (
            {f"ec2 instance:{i['InstanceId']}" for r in ec2.describe_instances(Filters=live)["Reservations"] for i in r["Instances"]}
            | {f"EBS volume:{v['VolumeId']}" for v in ec2.describe_volumes()["Volumes"]}
            | {f"security group:{g['GroupId']}" for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"}
            | {f"IAM role:{r['RoleName']}" for r in iam.list_roles()["Roles"]}
            | {f"IAM instance profile:{p['InstanceProfileName']}" for p in iam.list_instance_profiles()["InstanceProfiles"]}
            | {f"s3:{b['Name']}:{o['Key']}" for b in s3.list_buckets()["Buckets"]
               for o in s3.list_objects_v2(Bucket=b["Name"]).get("Contents", [])}
            | {f"s3:{b['Name']}" for b in s3.list_buckets()["Buckets"]}
        )

    def paste(self, terminal: Shell, step: Step) -> None:
        """Paste a block; with `twice`, paste it again and check that the second paste is harmless."""
        self.tour.run(terminal, step)
        self.pastes += 1
        if not self.twice:
            return
        first = self.tour.printed[step.guide][step.section.name]
        before = self.inventory()
        self.tour.run(terminal, step)
        self.pastes += 1
        again = self.tour.printed[step.guide][step.section.name]
        self.tour.printed[step.guide][step.section.name] = first  # the page shows the first paste
        after = self.inventory()
        where = f"{step.where()}: [{self.kind}] section {step.section.name!r} pasted twice"
        self.problems += [f"{where} made something new: {item}" for item in sorted(after - before)]
        self.problems += [f"{where} deleted something: {item}" for item in sorted(before - after)]
        if after == before and again != first and not FOUND_AGAIN.search(again):
            self.problems += [f"{where} prints something else and does not say what it found:\n{again}"]

    def run_part(self, terminal: Shell, page: Path, blocks: list[Step], new_shell: bool) -> None:
        """One part's blocks; in a new shell, only from its resume block on, and after it the
        check that it set every variable the part's later blocks read."""
        if new_shell and any(RESUME.match(b.section.name) for b in blocks):
            blocks = blocks[next(i for i, b in enumerate(blocks) if RESUME.match(b.section.name)):]
            self.paste(terminal, blocks[0])
            self.problems += self.resume_gaps(terminal, page, blocks[0])
            blocks = blocks[1:]
        for step in blocks:
            if step.path == INSTANCE:
                continue  # typed on the instance: run with `connect`, below
            if step.section.name == "connect":
                self.connect(terminal, step)
                continue
            self.paste(terminal, step)

    def resume_gaps(self, terminal: Shell, page: Path, resume: Step) -> list[str]:
        """The variables that a later block of the part reads before it sets them, and that the
        resume block, just pasted into a new shell, has left unset there."""
        sections = self.sections[page]
        later = sections[[s.name for s in sections].index(resume.section.name) + 1:]
        needs = {name: section for section in reversed(later) for name in variables_read(section)}
        if not needs:
            return []
        out, _ = terminal.paste("printf '%s\\n' " + " ".join(f'"{name}=${{{name}+set}}"' for name in sorted(needs)))
        unset = [line.split("=")[0] for line in out.splitlines() if line.endswith("=")]
        return [
            f"{resume.where()}: [{self.kind}] section {resume.section.name!r} leaves {name} unset in a new terminal, "
            f"which section {needs[name].name!r} (line {needs[name].line}) reads: find it again by tag and set it"
            for name in unset
        ]

    def connect(self, terminal: Shell, step: Step) -> None:
        """The learner's session on the instance: the instance's blocks in `sh`, then the tour's
        stand-in for the session, which must leave the same result."""
        check_before_connecting(self.endpoint, terminal)
        bucket = terminal.value("TUTORIAL_BUCKET")
        gate = run_on_instance(self.tour, self.tmp_path / "instance", terminal.value("TUTORIAL_INSTANCE_ID"), self.twice)
        check_gate(gate)
        s3 = client(self.endpoint, "s3", REGION)
        key = "results/NA12878_20k_reads_1.stats.tsv"
        on_instance = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        assert on_instance == expected_stats(fastq(1)), "the analysis on the instance is wrong"
        s3.delete_object(Bucket=bucket, Key=key)
        self.tour.run(terminal, step)
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode() == on_instance, (
            f"{LAPTOP.relative_to(ROOT)}: the stand-in for 'connect' does not compute what the instance does"
        )

    def left(self) -> list[str]:
        return sorted(self.tour.resources() - self.defaults)


def rerun_command(nodeid: str) -> str:
    """The command that reruns one test alone: its node ID, quoted for zsh's brackets."""
    return f'nox -s aws -- "{nodeid}"'


@contextlib.contextmanager
def says_how_to_rerun(nodeid: str):
    """A tutorial run takes minutes: a failure ends its message with the command that reruns it alone."""
    try:
        yield
    except AssertionError as e:
        e.args = (f"{e}\n\nRerun this run alone: {rerun_command(nodeid)}",)
        raise
    except pytest.fail.Exception as e:
        e.msg = f"{e.msg}\n\nRerun this run alone: {rerun_command(nodeid)}"
        raise


def report_time(name: str, shell: str, started: float, lesson: Lesson) -> None:
    if os.environ.get("TUTORIAL_TIMES"):
        print(f"\n[{shell}] {name}: {time.monotonic() - started:.1f} s, {lesson.pastes} pastes")


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_first_analysis(shell, fresh_account, tmp_path, request):
    """The paste-twice run: one terminal for the day, every block twice; the clean-up in a new one."""
    with says_how_to_rerun(request.node.nodeid):
        paste_twice(shell, fresh_account, tmp_path)


def paste_twice(shell: str, fresh_account: str, tmp_path: Path) -> None:
    started = time.monotonic()
    run = Lesson(shell, fresh_account, tmp_path, twice=True)
    *day_one, (cleanup_page, cleanup_blocks) = run.parts
    terminal = Shell(shell, run.tour.env, run.home)
    try:
        for page, blocks in day_one:
            run.run_part(terminal, page, blocks, new_shell=False)
    finally:
        terminal.close()
    downloaded = run.home / "first-analysis" / "NA12878_20k_reads_1.stats.tsv"
    assert downloaded.read_text() == expected_stats(fastq(1))
    assert run.tour.printed[LAPTOP.stem]["download-result"].endswith(expected_stats(fastq(1)))

    # The next day: a new terminal that knows nothing of day one.
    terminal = Shell(shell, run.tour.env, run.home)
    try:
        run.run_part(terminal, cleanup_page, cleanup_blocks, new_shell=True)
    finally:
        terminal.close()
    assert not run.problems, f"[{shell}] " + f"\n[{shell}] ".join(run.problems)
    left = run.left()
    assert not left, f"[{shell}] left in the account after the clean-up:\n" + "\n".join(left)
    assert PUBLIC_BUCKET in [b["Name"] for b in client(fresh_account, "s3").list_buckets()["Buckets"]]
    assert run.tour.printed[LAPTOP.stem]["cleanup-check"].split("\n")[:-1] == [
        "instances: 0", "volumes: 0", "security groups: 0", "roles: 0", "instance profiles: 0", "buckets: 0",
    ]
    check_outputs(OUTPUTS, shell, run.tour.printed)
    report_time("paste twice", shell, started, run)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_first_analysis_part_by_part(shell, fresh_account, tmp_path, request):
    """A new shell before each part, which runs only the part's resume block, then the part."""
    with says_how_to_rerun(request.node.nodeid):
        part_by_part(shell, fresh_account, tmp_path)


def part_by_part(shell: str, fresh_account: str, tmp_path: Path) -> None:
    started = time.monotonic()
    run = Lesson(shell, fresh_account, tmp_path, twice=False)
    for number, (page, blocks) in enumerate(run.parts, start=1):
        assert number == 1 or any(RESUME.match(b.section.name) for b in blocks), (
            f"{page.relative_to(ROOT)}: part {number} shows no block that finds the learner's resources again"
        )
        terminal = Shell(shell, run.tour.env, run.home)
        try:
            run.run_part(terminal, page, blocks, new_shell=True)
        finally:
            terminal.close()
    assert not run.problems, f"[{shell}] " + f"\n[{shell}] ".join(run.problems)
    left = run.left()
    assert not left, f"[{shell}] left in the account after the clean-up:\n" + "\n".join(left)
    assert run.tour.printed[LAPTOP.stem]["download-result"].endswith(expected_stats(fastq(1)))
    check_outputs(OUTPUTS, shell, run.tour.printed)  # a new shell prints what one terminal does
    report_time("part by part", shell, started, run)


def test_paste_twice_catches_a_launch_without_its_guard(fresh_account, tmp_path):
    """The fixture's launch block starts an instance whatever is running: pasted twice, it starts two."""
    run = Lesson("bash", fresh_account, tmp_path, twice=False, laptop=UNGUARDED_LAUNCH)
    terminal = Shell("bash", run.tour.env, run.home)
    try:
        for page, blocks in run.parts[:3]:  # once each, up to the launch, which is pasted twice
            launch = [b for b in blocks if b.section.name == "launch"]
            run.twice = False
            run.run_part(terminal, page, blocks[: blocks.index(launch[0])] if launch else blocks, new_shell=False)
            if launch:
                run.twice = True
                run.paste(terminal, launch[0])
    finally:
        terminal.close()
    line = next(s.line for s in parse_sections(UNGUARDED_LAUNCH) if s.name == "launch")
    fixture = UNGUARDED_LAUNCH.relative_to(ROOT)
    assert [p for p in run.problems if "made something new" in p] == [
        p for p in run.problems if p.startswith(f"{fixture}:{line}: [bash] section 'launch' pasted twice made something new: ")
    ] != [], run.problems
    assert any(": ec2 instance:" in p for p in run.problems), run.problems


def test_the_role_s_policies_decide_on_the_instance(fresh_account, tmp_path):
    """The IAM gate can fail the instance's run, naming the section's file and line: with the role's
    policy allowing s3:ListAllMyBuckets, `aws s3 ls` alone is not refused; without s3:ListBucket,
    the learner cannot list their own bucket."""
    run = Lesson("bash", fresh_account, tmp_path, twice=False)
    terminal = Shell("bash", run.tour.env, run.home)
    try:
        for page, blocks in run.parts[:3]:  # up to the launch: the bucket, the role, the instance
            run.run_part(terminal, page, blocks, new_shell=False)
        instance = terminal.value("TUTORIAL_INSTANCE_ID")
    finally:
        terminal.close()
    iam = admin(fresh_account, "iam", REGION)
    policy = iam.get_role_policy(RoleName=ROLE, PolicyName=INLINE)["PolicyDocument"]
    policy = json.loads(policy) if isinstance(policy, str) else policy
    list_all = {**policy, "Statement": [*policy["Statement"], {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    no_list = {**policy, "Statement": [
        {**st, "Action": [a for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"]) if a != "s3:ListBucket"]}
        for st in policy["Statement"]]}
    no_list["Statement"] = [st for st in no_list["Statement"] if st["Action"]]
    lines = {s.name: s.line for s in parse_sections(INSTANCE)}
    where = INSTANCE.relative_to(ROOT)
    for name, changed, expected in (
        ("list-all", list_all, f"{where}:{lines['try-elsewhere']}: [sh] section 'try-elsewhere' exited with 0, not 254: "
                               "the role was not refused, and printed:\n"),
        ("no-list", no_list, f"{where}:{lines['list-bucket']}: [sh] section 'list-bucket' failed on the instance:\n"),
    ):
        iam.put_role_policy(RoleName=ROLE, PolicyName=INLINE, PolicyDocument=json.dumps(changed))
        with pytest.raises(pytest.fail.Exception) as failed:
            run_on_instance(run.tour, tmp_path / name, instance, twice=False)
        assert failed.value.msg.startswith(expected), failed.value.msg
        if name == "no-list":
            assert "aws: [ERROR]: An error occurred (AccessDenied) when calling the ListObjectsV2 operation: " in failed.value.msg
            assert "is not authorized to perform: s3:ListBucket on resource: " in failed.value.msg


def test_part_by_part_catches_a_resume_block_that_forgets_a_variable(fresh_account, tmp_path):
    """The fixture's part 3 resume block finds the learner's names but not their security group or
    instance: a learner back in a new terminal between the launch's steps has neither set."""
    run = Lesson("bash", fresh_account, tmp_path, twice=False, laptop=FORGETFUL_RESUME)
    (page_1, blocks_1), _, (page_3, blocks_3) = run.parts[:3]
    (run.home / "first-analysis").mkdir()
    terminal = Shell("bash", run.tour.env, run.home)
    try:
        for step in blocks_1[: [b.section.name for b in blocks_1].index("sign-in") + 1]:
            run.tour.run(terminal, step)  # the Region and the sign-in: what a new terminal keeps
    finally:
        terminal.close()
    terminal = Shell("bash", run.tour.env, run.home)
    try:
        run.run_part(terminal, page_3, [b for b in blocks_3 if RESUME.match(b.section.name)], new_shell=True)
    finally:
        terminal.close()
    line = next(s.line for s in parse_sections(FORGETFUL_RESUME) if s.name == "resume-launch")
    sections = {s.name: s.line for s in parse_sections(LAPTOP)}
    fixture = FORGETFUL_RESUME.relative_to(ROOT)
    assert run.problems == [
        f"{fixture}:{line}: [bash] section 'resume-launch' leaves TUTORIAL_INSTANCE_ID unset in a new terminal, which "
        f"section 'wait-for-ssm' (line {sections['wait-for-ssm']}) reads: find it again by tag and set it",
        f"{fixture}:{line}: [bash] section 'resume-launch' leaves TUTORIAL_SG unset in a new terminal, which "
        f"section 'launch' (line {sections['launch']}) reads: find it again by tag and set it",
    ]


# -- A failed run says how to rerun it -----------------------------------------------------------

RUNS = ["test_first_analysis", "test_first_analysis_part_by_part"]


def test_a_failed_run_names_the_command_that_reruns_it():
    nodeid = "tests/aws/test_first_analysis.py::test_first_analysis_part_by_part[zsh]"
    with pytest.raises(AssertionError, match=r"^left behind\n\nRerun this run alone: "
                       r'nox -s aws -- "tests/aws/test_first_analysis\.py::test_first_analysis_part_by_part\[zsh\]"$'):
        with says_how_to_rerun(nodeid):
            raise AssertionError("left behind")
    with pytest.raises(pytest.fail.Exception) as failed:
        with says_how_to_rerun(nodeid):
            pytest.fail("tutorials/snippets/first-analysis.sh:9: a block failed", pytrace=False)
    assert failed.value.msg.endswith(f"Rerun this run alone: {rerun_command(nodeid)}")


@pytest.mark.parametrize("run", RUNS)
@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_rerun_command_selects_that_run_alone(run, shell):
    """The command a failed run prints collects exactly that run: its node ID, as pytest names it."""
    nodeid = f"{Path(__file__).relative_to(ROOT)}::{run}[{shell}]"
    argument = re.fullmatch(r'nox -s aws -- "([^"]+)"', rerun_command(nodeid))[1]
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--confcutdir=tests/aws", "-p", "no:xdist", "--collect-only", "-q", argument],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert collected.stdout.splitlines()[0] == nodeid and "1 test collected" in collected.stdout, collected.stdout


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


# The names every page of the site sets the same way (issue 19's convention: OWNER, READER, and the
# account and Region they are built from), so sharing them with the guides is the point.
SITE_WIDE = {"REGION", "AWS_DEFAULT_REGION", "OWNER", "READER", "ACCOUNT_ID"}
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


def test_every_variable_is_the_tutorial_s_own():
    found = foreign_names(LAPTOP) + foreign_names(INSTANCE)
    assert not found, "\n".join(found)


def test_foreign_names_finds_a_shared_name(tmp_path):
    bad = tmp_path / "bad.sh"
    bad.write_text("# [start a]\nBUCKET=x\nfor INSTANCE_ID in 1; do :; done\nTUTORIAL_OK=1\n# [end a]\n")
    assert foreign_names(bad) == ["bad.sh:1: BUCKET", "bad.sh:1: INSTANCE_ID"]
