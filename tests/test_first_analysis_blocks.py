"""Blocks that must behave when AWS says no, run in bash and zsh against a stand-in `aws` program (a
shell script on PATH that logs its arguments and answers as a real AWS CLI would in that case),
because the emulator alone cannot refuse as AWS does (tests/aws/test_fault_tour.py refuses through a
proxy, for the tour as a whole):

* every block that launches an instance (the tutorial's `launch` in tutorials/snippets/first-analysis.sh,
  and `run-instance`, `launch` and `launch-spot` of the guides launch-instance, session-manager and
  spot-instances) tries again, saying so (`Try 1 of 30 failed`), only after an error that passes
  with time: `PendingVerification` (a new account being verified: once a minute for at least 29
  minutes in all), `RequestLimitExceeded` (throttling) and, for a block that passes an instance
  profile, `Invalid IAM Instance Profile` (a new profile not yet visible to EC2). Any other error
  (UnauthorizedOperation, VcpuLimitExceeded, the Free plan's refusal, Spot's capacity and quota)
  stops it at once with `No instance was launched`, and it never waits on an instance it has not
  launched; when a launch succeeds after such errors, it goes on with that instance. Every section
  of the guides and the tutorial that launches (found as the permissions check reads commands) is
  in LAUNCHES;
* every clean-up block of the tutorial, and part 5's "If you opened a new terminal" block
  (`cleanup`), refuses to report that nothing is left when the sign-in has expired: it says `Not
  signed in` and asks AWS for nothing else (reading the Region from the local configuration is no
  request).

Each rule has a fixture that breaks it: the tutorial's launch block as it once was (it retried on
any error, and it is not in LAUNCHES), one that gave up on `PendingVerification` at once, and a
clean-up block without its guard.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from snippets import parse_sections
from sources import ROOT, where

pytestmark = pytest.mark.sources

LAPTOP = ROOT / "tutorials" / "snippets" / "first-analysis.sh"
HOWTO = ROOT / "howto" / "snippets"
SHELLS = {"bash": ["bash", "-c"], "zsh": ["zsh", "-f", "-c"]}
NOT_SIGNED_IN = "Not signed in: run aws login (or aws sso login), then paste"
NOT_LAUNCHED = "No instance was launched"
PATIENCE = 29 * 60  # seconds a launch waits through PendingVerification: the pages say half an hour

# Every block that launches: (snippet file, section, what the blocks before it set, whether it
# passes an instance profile).
LAUNCHES = [
    (LAPTOP, "launch", "OWNER=AIDAIOSFODNN7EXAMPLE; TUTORIAL_ROLE=crashcourse-first-analysis-alice; "
                       "TUTORIAL_SG=sg-0123456789abcdef0\n", True),
    (HOWTO / "launch-instance.sh", "run-instance", "OWNER=AIDAIOSFODNN7EXAMPLE; AMI_ID=ami-0123456789abcdef0; "
     "BOX_TYPE=t3.micro; KEY_NAME=crashcourse-alice; BOX_NAME=analysis-box\n", False),
    (HOWTO / "session-manager.sh", "launch", "OWNER=AIDAIOSFODNN7EXAMPLE; SSM_ROLE=crashcourse-ssm-alice; "
     "SSM_SG_ID=sg-0123456789abcdef0; SSM_BOX_NAME=ssm-box\n", True),
    (HOWTO / "spot-instances.sh", "launch-spot", "OWNER=AIDAIOSFODNN7EXAMPLE; SPOT_TYPE=m7i.xlarge; "
     "SPOT_ROLE=crashcourse-spot-worker-alice; SPOT_NAME=spot-worker\n", True),
]

# The errors a launch meets, as the AWS CLI prints them (tests/aws/faults.py has AWS's full messages
# and their sources), and whether the block must try again after them: "wait" (the error passes with
# time), "profile" (only a block that passes an instance profile tries again), or "stop".
CALL = "An error occurred ({}) when calling the RunInstances operation: {}"
ERRORS = [
    (CALL.format("UnauthorizedOperation", "You are not authorized to perform: iam:PassRole"), "stop"),
    (CALL.format("VcpuLimitExceeded", "You have requested more vCPU capacity than your current vCPU limit of 2 allows"), "stop"),
    (CALL.format("InvalidParameterCombination", "The specified instance type is not eligible for Free Tier."), "stop"),
    (CALL.format("InsufficientInstanceCapacity", "There is no Spot capacity available that matches your request."), "stop"),
    (CALL.format("MaxSpotInstanceCountExceeded", "Max spot instance count exceeded"), "stop"),
    (CALL.format("PendingVerification", "Your request for accessing resources in this region is being validated"), "wait"),
    (CALL.format("RequestLimitExceeded", "Request limit exceeded."), "wait"),
    (CALL.format("InvalidParameterValue", "Value (crashcourse-ssm-alice) for parameter iamInstanceProfile.name is "
                 "invalid. Invalid IAM Instance Profile name"), "profile"),
]

# The stand-in AWS CLI: signed out, every call fails as an expired sign-in does; signed in, the
# calls the blocks make answer as for an account with no instance yet, and run-instances fails with
# $RUN_ERROR, the first $RUN_FAILS times (every time if unset), then launches i-0123456789abcdef0.
FAKE_AWS = """#!/bin/sh
echo "$*" >> "$AWS_LOG"
if [ "$FAKE_SIGNED_OUT" = 1 ]; then
  echo "Your session has expired. Please reauthenticate using 'aws login'." >&2
  exit 255
fi
case "$1 $2" in
  "sts get-caller-identity") echo AIDAIOSFODNN7EXAMPLE ;;
  "ec2 describe-instances") echo None ;;
  "ssm get-parameter") echo ami-0123456789abcdef0 ;;
  "ec2 run-instances")
    if [ -z "$RUN_FAILS" ] || [ "$(grep -c '^ec2 run-instances' "$AWS_LOG")" -le "$RUN_FAILS" ]; then
      echo "$RUN_ERROR" >&2; exit 254
    fi
    echo i-0123456789abcdef0 ;;
esac
"""


def run_block(code: str, shell: str, tmp_path: Path, env: dict[str, str]) -> tuple[str, list[str], list[int]]:
    """Run `code` in `shell` with the stand-in `aws` (and a `sleep` that only notes how long it was
    asked to wait) first on PATH; return what it printed, the AWS CLI calls it made and the waits."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in (("aws", FAKE_AWS), ("sleep", '#!/bin/sh\necho "$1" >> "$SLEEP_LOG"\n')):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    log, waits = tmp_path / "aws.log", tmp_path / "sleep.log"
    log.write_text("")
    waits.write_text("")
    result = subprocess.run(
        [*SHELLS[shell], code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "AWS_LOG": str(log), "SLEEP_LOG": str(waits), **env},
    )
    return result.stdout + result.stderr, log.read_text().splitlines(), [int(w) for w in waits.read_text().split()]


def launch_problems(path: Path, section: str, setup: str, profile: bool, shell: str, tmp_path: Path) -> list[str]:
    """A launch block, after the blocks before it set its names, when run-instances keeps failing
    with each error in turn, and when it fails twice and then launches."""
    (launch,) = [s for s in parse_sections(path) if s.name == section]
    at = f"{where(path, launch.line)}: [{shell}] section {section!r}"
    problems = []
    for error, then in ERRORS:
        kind = error.split("(")[1].split(")")[0]
        retries = then == "wait" or (then == "profile" and profile)
        printed, calls, waits = run_block(setup + launch.code, shell, tmp_path, {"RUN_ERROR": error})
        launches = len([c for c in calls if c.startswith("ec2 run-instances")])
        if launches != (30 if retries else 1):
            problems.append(f"{at} tries run-instances {launches} times after {kind}; it should try {30 if retries else 1}")
        if retries and "Try 1 of 30 failed" not in printed:
            problems.append(f"{at} tries again after {kind} without saying so (`Try 1 of 30 failed`)")
        if kind == "PendingVerification" and sum(waits) < PATIENCE:
            problems.append(f"{at} waits {sum(waits)} s in all through {kind}; it should wait at least {PATIENCE} s")
        if any(c.startswith("ec2 wait") for c in calls):
            problems.append(f"{at} waits on an instance it did not launch, after {kind}")
        if NOT_LAUNCHED not in printed:
            problems.append(f"{at} does not say that no instance was launched, after {kind}")
        if retries:
            printed, calls, _ = run_block(setup + launch.code, shell, tmp_path, {"RUN_ERROR": error, "RUN_FAILS": "2"})
            if NOT_LAUNCHED in printed or "i-0123456789abcdef0" not in printed + "".join(calls):
                problems.append(f"{at} does not go on with the instance it launched after two {kind} errors:\n{printed}")
    return problems


def signed_out_problems(path: Path, shell: str, tmp_path: Path) -> list[str]:
    """Each clean-up block, signed out: in a new terminal (only part 5's first block pasted
    before) and in one where the names were found before the sign-in expired."""
    sections = {s.name: s for s in parse_sections(path)}
    earlier = ('OWNER=AIDAIOSFODNN7EXAMPLE; READER=alice; TUTORIAL_ROLE=crashcourse-first-analysis-alice; '
               'TUTORIAL_BUCKET=crashcourse-lesson-alice-111122223333-us-east-1\n')
    problems = []
    for section in (s for s in sections.values() if s.cleanup):
        at = f"{where(path, section.line)}: [{shell}] section {section.name!r}"
        for before, how in ((sections["cleanup"].code, "in a new terminal"), (earlier, "after the sign-in expired")):
            code = section.code if section.name == "cleanup" else before + section.code
            printed, calls, _ = run_block(code, shell, tmp_path, {"FAKE_SIGNED_OUT": "1"})
            if NOT_SIGNED_IN not in printed:
                problems.append(f"{at} does not say 'Not signed in' when signed out {how}:\n{printed}")
            if "left" in printed:
                problems.append(f"{at} reports that nothing is left when signed out {how}")
            if others := [c for c in calls if not c.startswith(("sts get-caller-identity", "configure get"))]:
                problems.append(f"{at} goes on after the sign-in check, signed out {how}: {others[0]}")
    return problems


def unchecked_launches(paths: list[Path]) -> list[str]:
    """The sections of `paths` that launch an instance (RunInstances or RequestSpotInstances, as the
    permissions check reads the commands) but are not in LAUNCHES."""
    from permissions import shell_calls

    checked = {(path, section) for path, section, _, _ in LAUNCHES}
    found = []
    for path in paths:
        sections = parse_sections(path)
        for call in shell_calls(path, {}):
            if call.operation in ("RunInstances", "RequestSpotInstances"):
                line = int(call.where.rsplit(":", 1)[1])
                section = [s for s in sections if s.line < line][-1]
                if (path, section.name) not in checked:
                    found.append(f"{where(path, section.line)}: section {section.name!r} launches an instance; add it to "
                                 "LAUNCHES in tests/test_first_analysis_blocks.py")
    return found


def test_every_launch_block_is_checked():
    problems = unchecked_launches([LAPTOP, *sorted(HOWTO.glob("*.sh"))])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("launch", LAUNCHES, ids=lambda launch: f"{launch[0].stem}:{launch[1]}")
def test_a_launch_retries_only_what_passes_with_time(launch, shell, tmp_path):
    path, section, setup, profile = launch
    problems = launch_problems(path, section, setup, profile, shell, tmp_path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("shell", SHELLS)
def test_clean_up_refuses_to_report_when_signed_out(shell, tmp_path):
    problems = signed_out_problems(LAPTOP, shell, tmp_path)
    assert not problems, "\n".join(problems)


RETRY_ANY_ERROR = """# [start launch]
TUTORIAL_INSTANCE_ID=None
for TUTORIAL_TRY in 1 2 3 4 5 6; do
  TUTORIAL_INSTANCE_ID=$(aws ec2 run-instances --iam-instance-profile Name="$TUTORIAL_ROLE" \\
    --query 'Instances[0].InstanceId' --output text) && break
  if [ "$TUTORIAL_TRY" -lt 6 ]; then sleep 10; fi
done
aws ec2 wait instance-running --instance-ids "$TUTORIAL_INSTANCE_ID"
# [end launch]
"""

# The tutorial's launch block before the Free plan's new accounts met it: it tried again only after
# `Invalid IAM Instance Profile`, so `PendingVerification` stopped it at the first try.
GIVES_UP_ON_VERIFICATION = """# [start launch]
TUTORIAL_INSTANCE_ID=None
for TUTORIAL_TRY in 1 2 3 4 5 6; do
  if TUTORIAL_LAUNCH=$(aws ec2 run-instances --iam-instance-profile Name="$TUTORIAL_ROLE" \\
      --query 'Instances[0].InstanceId' --output text 2>&1); then
    TUTORIAL_INSTANCE_ID="$TUTORIAL_LAUNCH"
    break
  fi
  echo "$TUTORIAL_LAUNCH"
  echo "$TUTORIAL_LAUNCH" | grep -q "Invalid IAM Instance Profile" || break
  if [ "$TUTORIAL_TRY" -lt 6 ]; then sleep 10; fi
done
if [ "$TUTORIAL_INSTANCE_ID" = "None" ]; then echo "No instance was launched"; fi
# [end launch]
"""

UNGUARDED_CLEANUP = """# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
echo "$OWNER"
# [end cleanup]

# [start cleanup-instance]
TUTORIAL_FOUND=none
for TUTORIAL_ID in $(aws ec2 describe-instances --query 'Reservations[].Instances[].InstanceId' --output text); do
  TUTORIAL_FOUND=terminated
done
if [ "$TUTORIAL_FOUND" = none ]; then echo "No instance of yours is left to terminate"; fi
# [end cleanup-instance]
"""


@pytest.mark.parametrize("fixture, shell, expected", [
    (RETRY_ANY_ERROR, "bash", [
        "tries run-instances 6 times after UnauthorizedOperation; it should try 1",
        "waits on an instance it did not launch, after VcpuLimitExceeded",
        "tries again after PendingVerification without saying so (`Try 1 of 30 failed`)"]),
    (GIVES_UP_ON_VERIFICATION, "zsh", [
        "tries run-instances 1 times after PendingVerification; it should try 30",
        f"waits 0 s in all through PendingVerification; it should wait at least {PATIENCE} s",
        "tries run-instances 1 times after RequestLimitExceeded; it should try 30"]),
], ids=["retries-any-error", "gives-up-on-verification"])
def test_the_launch_check_catches_a_broken_launch(fixture, shell, expected, tmp_path):
    path = tmp_path / "fixture.sh"
    path.write_text(fixture)
    problems = launch_problems(path, "launch", LAUNCHES[0][2], True, shell, tmp_path)
    for problem in expected:
        assert f"{path}:1: [{shell}] section 'launch' {problem}" in problems, problems


def test_the_signed_out_check_catches_an_unguarded_clean_up(tmp_path):
    fixture = tmp_path / "fixture.sh"
    fixture.write_text(UNGUARDED_CLEANUP)
    problems = signed_out_problems(fixture, "zsh", tmp_path)
    assert f"{fixture}:6: [zsh] section 'cleanup-instance' reports that nothing is left when signed out after the sign-in expired" in problems
    assert any(p.startswith(f"{fixture}:1: [zsh] section 'cleanup' does not say 'Not signed in'") for p in problems), problems


def test_an_unchecked_launch_block_is_named(tmp_path):
    fixture = tmp_path / "fixture.sh"
    fixture.write_text(RETRY_ANY_ERROR)
    assert unchecked_launches([fixture]) == [
        f"{fixture}:1: section 'launch' launches an instance; add it to LAUNCHES in tests/test_first_analysis_blocks.py"]
