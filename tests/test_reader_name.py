"""`READER`, the reader's name in the names the guides give things, as bash and zsh compute it.

Every snippet that sets `READER` from the caller's ARN must use one and the same two lines
(the tests find them with logical_lines, as the shell reads them); those lines are then run,
in bash and in zsh, against a stand-in `aws` that prints the ARN of each kind of caller the
reader may be: an IAM user, the root user, an IAM Identity Center or assumed-role session.

The Python (boto3) tabs name the same things, so each sets `reader` with one and the same
`reader_name` function (read with ast), which must give what the shells give for every caller.
"""

from __future__ import annotations

import ast
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


# Long names beyond CALLERS: the shortened form (10 characters and a checksum) for many lengths.
LONG = [f"arn:aws:sts::111122223333:assumed-role/Lab/{'r' * n}.{n}@example.org" for n in (5, 17, 60, 250)]


def python_readers() -> tuple[dict[str, list[str]], list[str]]:
    """Each form of `reader_name` in a Python snippet, with where it is; and every assignment to
    `reader` that does not call it."""
    forms: dict[str, list[str]] = {}
    strays = []
    for path in snippet_files(".py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "reader_name":
                forms.setdefault(ast.unparse(node), []).append(f"{rel(path)}:{node.lineno}")
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "reader" for t in node.targets):
                call = node.value
                if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "reader_name"):
                    strays.append(f"{rel(path)}:{node.lineno}: reader = {ast.unparse(call)}")
    return forms, strays


def test_python_tabs_use_one_reader_name():
    forms, strays = python_readers()
    assert forms, "no Python snippet defines reader_name: has it moved?"
    assert not strays, "reader is set without reader_name:\n" + "\n".join(strays)
    assert len(forms) == 1, "reader_name has more than one form:\n" + "\n\n".join(
        f"{', '.join(places)}:\n{source}" for source, places in forms.items())


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_python_tabs_name_things_as_the_shells_do(shell, tmp_path):
    forms, _ = python_readers()
    namespace: dict = {"re": re}
    exec(next(iter(forms)), namespace)
    for arn in [*CALLERS, *LONG]:
        assert namespace["reader_name"](arn) == run(shell, tmp_path, arn), arn


def test_a_python_reader_cut_at_16_is_caught(tmp_path):
    """The fixture: the tabs' form before reader_name, which cut a long name at 16 characters and
    kept a root user's whole ARN."""
    def before(arn):
        return re.sub(r"[^a-z0-9]", "-", arn.rsplit("/", 1)[-1].lower())[:16]
    wrong = [arn for arn in [*CALLERS, *LONG] if before(arn) != run("bash", tmp_path, arn)]
    assert "arn:aws:iam::111122223333:root" in wrong and LONG[1] in wrong, wrong
