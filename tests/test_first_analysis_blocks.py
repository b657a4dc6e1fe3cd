"""Two blocks of the tutorial "Your first analysis on AWS" that must behave when AWS says no, run
in bash and zsh against a stand-in `aws` program (a shell script on PATH that logs its arguments
and answers as a real AWS CLI would in that case), because the emulator cannot refuse as AWS does:

* the launch block (tutorials/snippets/first-analysis.sh, `launch`) tries again only while the
  error says `Invalid IAM Instance Profile` (a new role has not reached Amazon EC2 yet); any other
  error (AccessDenied, UnauthorizedOperation on iam:PassRole, VcpuLimitExceeded,
  PendingVerification) stops it at once with a message, and it never waits on an instance it has
  not launched;
* every clean-up block, and part 5's "If you opened a new terminal" block (`cleanup`), refuses to
  report that nothing is left when the sign-in has expired: it says `Not signed in` and asks AWS
  for nothing else (reading the Region from the local configuration is no request).

Each rule has a fixture that breaks it: the launch block as it was (it retried on any error) and a
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
SHELLS = {"bash": ["bash", "-c"], "zsh": ["zsh", "-f", "-c"]}
NOT_SIGNED_IN = "Not signed in: run aws login (or aws sso login), then paste"

# The stand-in AWS CLI: signed out, every call fails as an expired sign-in does; signed in, the
# calls the launch block makes answer as for an account with no instance yet, and run-instances
# fails with $RUN_ERROR.
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
  "ec2 run-instances") echo "$RUN_ERROR" >&2; exit 254 ;;
esac
"""


def run_block(code: str, shell: str, tmp_path: Path, env: dict[str, str]) -> tuple[str, list[str]]:
    """Run `code` in `shell` with the stand-in `aws` (and a `sleep` that does not wait) first on
    PATH; return what it printed and the AWS CLI calls it made."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in (("aws", FAKE_AWS), ("sleep", "#!/bin/sh\n")):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "aws.log"
    log.write_text("")
    result = subprocess.run(
        [*SHELLS[shell], code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "AWS_LOG": str(log), **env},
    )
    return result.stdout + result.stderr, log.read_text().splitlines()


def launch_problems(path: Path, shell: str, tmp_path: Path) -> list[str]:
    """The launch block, after the names and the security group are set, when run-instances fails."""
    (launch,) = [s for s in parse_sections(path) if s.name == "launch"]
    at = f"{where(path, launch.line)}: [{shell}] section 'launch'"
    setup = 'OWNER=AIDAIOSFODNN7EXAMPLE; TUTORIAL_ROLE=crashcourse-first-analysis-alice; TUTORIAL_SG=sg-0123456789abcdef0\n'
    problems = []
    for error, tries in (
        ("An error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
         "You are not authorized to perform: iam:PassRole", 1),
        ("An error occurred (VcpuLimitExceeded) when calling the RunInstances operation", 1),
        ("An error occurred (PendingVerification) when calling the RunInstances operation", 1),
        ("An error occurred (InvalidParameterValue) when calling the RunInstances operation: "
         "Value (crashcourse-first-analysis-alice) for parameter iamInstanceProfile.name is invalid. "
         "Invalid IAM Instance Profile name", 6),
    ):
        printed, calls = run_block(setup + launch.code, shell, tmp_path, {"RUN_ERROR": error})
        launches = [c for c in calls if c.startswith("ec2 run-instances")]
        kind = error.split("(")[1].split(")")[0]
        if len(launches) != tries:
            problems.append(f"{at} tries run-instances {len(launches)} times after {kind}; it should try {tries}")
        if any(c.startswith("ec2 wait") for c in calls):
            problems.append(f"{at} waits on an instance it did not launch, after {kind}")
        if "No instance was launched" not in printed:
            problems.append(f"{at} does not say that no instance was launched, after {kind}")
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
            printed, calls = run_block(code, shell, tmp_path, {"FAKE_SIGNED_OUT": "1"})
            if NOT_SIGNED_IN not in printed:
                problems.append(f"{at} does not say 'Not signed in' when signed out {how}:\n{printed}")
            if "left" in printed:
                problems.append(f"{at} reports that nothing is left when signed out {how}")
            if others := [c for c in calls if not c.startswith(("sts get-caller-identity", "configure get"))]:
                problems.append(f"{at} goes on after the sign-in check, signed out {how}: {others[0]}")
    return problems


@pytest.mark.parametrize("shell", SHELLS)
def test_the_launch_retries_only_while_the_profile_propagates(shell, tmp_path):
    problems = launch_problems(LAPTOP, shell, tmp_path)
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


def test_the_launch_check_catches_a_retry_on_any_error(tmp_path):
    fixture = tmp_path / "fixture.sh"
    fixture.write_text(RETRY_ANY_ERROR)
    problems = launch_problems(fixture, "bash", tmp_path)
    assert f"{fixture}:1: [bash] section 'launch' tries run-instances 6 times after UnauthorizedOperation; it should try 1" in problems
    assert f"{fixture}:1: [bash] section 'launch' waits on an instance it did not launch, after VcpuLimitExceeded" in problems


def test_the_signed_out_check_catches_an_unguarded_clean_up(tmp_path):
    fixture = tmp_path / "fixture.sh"
    fixture.write_text(UNGUARDED_CLEANUP)
    problems = signed_out_problems(fixture, "zsh", tmp_path)
    assert f"{fixture}:6: [zsh] section 'cleanup-instance' reports that nothing is left when signed out after the sign-in expired" in problems
    assert any(p.startswith(f"{fixture}:1: [zsh] section 'cleanup' does not say 'Not signed in'") for p in problems), problems
