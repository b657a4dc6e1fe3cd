"""`READER`, the reader's name in the names the guides give things, as bash and zsh compute it.

Every snippet that sets `READER` from the caller's ARN must use one and the same two lines
(the tests find them with logical_lines, as the shell reads them); those lines are then run,
in bash and in zsh, against a stand-in `aws` that prints the ARN of each kind of caller the
reader may be: an IAM user, the root user, an IAM Identity Center or assumed-role session.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess

import pytest

from snippets import parse_sections
from snippetshell import logical_lines, rel, snippet_files

pytestmark = pytest.mark.sources

START = "READER=$(aws sts get-caller-identity"
NAME = re.compile(r"[a-z0-9-]{1,16}")

# ARN -> the READER both shells must print (None: any valid name, checked for its form).
CALLERS = {
    "arn:aws:iam::111122223333:user/Alice": "alice",
    "arn:aws:iam::111122223333:root": "root",
    "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Lab_0123456789abcdef/maria.garcia":
        "maria-garcia",
    # Two long session names (email addresses) that share their first 16 characters.
    "arn:aws:sts::111122223333:assumed-role/Lab/maria.garcia-lopez@example.com": None,
    "arn:aws:sts::111122223333:assumed-role/Lab/maria.garcia-lopez@example.org": None,
}


def reader_blocks() -> list[tuple[str, str]]:
    """(file:line, the READER lines) for every place a snippet sets READER from the ARN."""
    found = []
    for path in snippet_files(".sh"):
        for section in parse_sections(path):
            lines = logical_lines(section)
            for i, line in enumerate(lines):
                if line.text.startswith(START):
                    block = [line.text]
                    if i + 1 < len(lines) and lines[i + 1].text.lstrip().startswith("[ \"${#READER}\""):
                        block.append(lines[i + 1].text)
                    found.append((f"{rel(path)}:{line.number}", "\n".join(block)))
    return found


def test_one_form_everywhere():
    blocks = reader_blocks()
    assert len(blocks) >= 10, f"only {len(blocks)} READER blocks found: has the form changed?"
    forms = {}
    for where, block in blocks:
        forms.setdefault(block, []).append(where)
    assert len(forms) == 1, "READER is computed in more than one way:\n" + "\n\n".join(
        f"{', '.join(places)}:\n{block}" for block, places in forms.items()
    )
    assert all("\n" in block for block, _ in forms.items()), "READER's length guard is missing"


def run(shell: str, tmp_path, arn: str) -> str:
    fake = tmp_path / "bin" / "aws"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text(f"#!/bin/sh\necho '{arn}'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    block = reader_blocks()[0][1]
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([shell, "-c", block + '\nprintf "%s" "$READER"'], env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_names(shell, tmp_path):
    names = {arn: run(shell, tmp_path, arn) for arn in CALLERS}
    for arn, name in names.items():
        assert NAME.fullmatch(name), f"{shell}: {arn} gives {name!r}, not 1 to 16 of a-z, 0-9, -"
        if CALLERS[arn]:
            assert name == CALLERS[arn], f"{shell}: {arn} gives {name!r}"
    assert len(set(names.values())) == len(names), f"{shell}: two callers share a name: {names}"


def test_bash_and_zsh_agree(tmp_path):
    for arn in CALLERS:
        assert run("bash", tmp_path, arn) == run("zsh", tmp_path, arn), arn
