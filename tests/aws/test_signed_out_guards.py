"""The paste-twice guards of launch-instance, session-manager and ebs-volume, signed out.

Each guarded block first looks for what it would make. When the look-up itself fails (a sign-in
that expired overnight, the reader's usual state on coming back the next day), the AWS CLI prints
its error on stderr and nothing on stdout, so the block's variable is empty, not `None`. Compared
with `None`, empty reads as found: the blocks as they were said `Instance  is yours and running
already`, `Key pair ... is yours, but ... Delete the key pair`, `Volume  (analysis-data) is yours
already`, or (growing the volume) asked for a modification and then polled for five minutes. Each block is pasted here into interactive bash and zsh, with the variables the earlier
steps set, and an `aws` on PATH that fails every call as an expired sign-in does (the emulator
accepts any credentials, so it cannot refuse one): the block must say that AWS did not answer and
what to do, claim nothing of the reader's, and call nothing but look-ups. The same blocks as main
had them (fixtures/guards-unchecked-lookups.sh) fail the check, named by file and line.
"""

import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SNIPPETS, parse_sections

GUARDED = [("launch-instance.sh", "create-key"), ("launch-instance.sh", "run-instance"),
           ("session-manager.sh", "launch"), ("ebs-volume.sh", "create-volume"),
           ("ebs-volume.sh", "attach-volume"), ("ebs-volume.sh", "snapshot"), ("ebs-volume.sh", "grow-volume")]
UNCHECKED = Path(__file__).parent / "fixtures" / "guards-unchecked-lookups.sh"

# What steps 1 to 4 of each page set, in the terminal whose sign-in then expired.
EARLIER = {
    "OWNER": "AIDAEXAMPLEREADER", "KEY_NAME": "crashcourse-alice", "BOX_NAME": "analysis-box",
    "BOX_TYPE": "t3.micro", "AMI_ID": "ami-0123456789abcdef0", "SSM_BOX_NAME": "analysis-private",
    "SSM_ROLE": "crashcourse-ssm-alice", "SSM_SG_ID": "sg-0123456789abcdef0",
    "BOX_ID": "i-0123456789abcdef0", "BOX_AZ": "us-east-1a", "DATA_VOLUME_ID": "vol-0123456789abcdef0",
}
SIGNED_OUT_AWS = """#!/bin/sh
echo "$*" >> "$AWS_LOG"
echo "Your session has expired. Please reauthenticate using 'aws login'." >&2
exit 255
"""
SHELLS = {"bash": ["bash", "--norc", "--noprofile", "-i"], "zsh": ["zsh", "-f", "-i"]}
LOOK_UPS = ("describe-", "get-")
UNANSWERED = "AWS did not answer the look-up"


def pasted_signed_out(code: str, shell: str, tmp_path: Path) -> tuple[str, list[str]]:
    """`code` pasted into an interactive `shell` after the earlier steps' variables, with every
    `aws` call failing as an expired sign-in does: what it printed on stdout, and the calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "aws").write_text(SIGNED_OUT_AWS)
    (bin_dir / "aws").chmod(0o755)
    (bin_dir / "sleep").write_text("#!/bin/sh\n")  # a block that polls does so at once
    (bin_dir / "sleep").chmod(0o755)
    log = tmp_path / "aws.log"
    log.write_text("")
    earlier = "".join(f"{name}={value}\n" for name, value in EARLIER.items())
    result = subprocess.run(SHELLS[shell], input=earlier + code + "\nexit\n", cwd=tmp_path, capture_output=True,
                            text=True, timeout=60,
                            env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "AWS_LOG": str(log),
                                 "TERM": "dumb"})
    return result.stdout, log.read_text().splitlines()


def problems(path: Path, names: list[str], shell: str, tmp_path: Path) -> list[str]:
    """What is wrong with each named section of `path` when pasted signed out, named by file and line."""
    found = []
    sections = {s.name: s for s in parse_sections(path)}
    for name in names:
        section = sections[name]
        printed, calls = pasted_signed_out(section.code, shell, tmp_path)
        where = f"{path.relative_to(ROOT)}:{section.line}: [{shell}] section '{name}' signed out"
        claims = [line for line in printed.splitlines() if "yours" in line or "already" in line
                  or "another instance" in line]
        if claims:
            found.append(f"{where} claims what it could not look up: {claims}")
        if UNANSWERED not in printed:
            found.append(f"{where} does not say that AWS did not answer: {printed!r}")
        changes = [call for call in calls if not call.split()[1].startswith(LOOK_UPS)]
        if changes:
            found.append(f"{where} called more than look-ups: {changes}")
    return found


@pytest.mark.parametrize("shell", SHELLS)
def test_guards_signed_out_say_so_and_change_nothing(shell, tmp_path):
    found = []
    for snippet in sorted({snippet for snippet, _ in GUARDED}):
        found += problems(SNIPPETS / snippet, [name for s, name in GUARDED if s == snippet], shell, tmp_path)
    assert not found, "\n".join(found)


def test_the_unchecked_guards_are_caught(tmp_path):
    """The fixture's blocks, as they were: each is named with the fixture's file and line."""
    found = problems(UNCHECKED, [name for _, name in GUARDED], "bash", tmp_path)
    lines = {s.name: s.line for s in parse_sections(UNCHECKED)}
    fixture = UNCHECKED.relative_to(ROOT)
    for _, name in GUARDED:
        where = f"{fixture}:{lines[name]}: [bash] section '{name}' signed out "
        wrong = "called more than look-ups" if name == "grow-volume" else "claims what it could not look up"
        assert any(p.startswith(where + wrong) for p in found), (name, found)
