"""The reader's tour: the site's commands pasted, block by block, into one interactive shell.

The reader this models owns a brand-new account and follows the site in the order its index
pages list the guides, in ONE terminal (bash on Linux, or zsh on macOS with zsh's defaults:
no ``interactivecomments``, no word splitting of unquoted parameters), with nothing exported
beforehand. The next day they open a NEW terminal and clean up. So:

* ``Shell`` runs one interactive shell (``bash --norc --noprofile -i`` or ``zsh -f -i``) and
  pastes text into it, a block at a time, reading what each block printed. A command that
  fails inside a block is reported through the shell's own error trap, with the section's
  file and line; a block that never returns (an unclosed quote, an unbounded wait) times out.
* The harness exports nothing the reader would set. The emulator's address, and a HOME of
  the test's own, are plumbing. Steps that cannot run here (a browser sign-in, a web service
  that tells you your address) are replaced by the one-line stand-in that the snippet file
  declares next to them: ``# [stand-in SECTION] COMMAND``.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from conftest import EMULATED_OWNER, EMULATED_READER, ROOT, Section, bin_path, parse_sections

STAND_IN = re.compile(r"^# \[stand-in (?P<name>[\w-]+)\] (?P<code>.+)$")
BLOCK_TIMEOUT = 180  # seconds; every wait in a guide is bounded well below this

# The placeholders a page asks the reader to replace (`replace: <VALUE>` on a section's start
# line): for each, the value the page's example shows, which a guide's own test pastes, and a
# reader's own, other than the shown one, which the tour pastes, so that a command that silently
# depends on the shown value (a hard-coded Region, say) fails here.
PLACEHOLDERS = {
    "<region-code>": ("us-east-1", "eu-west-2"),
    "<email-address>": ("you@example.com", "reader@example.org"),
    "<user-name>": ("alice", "alice"),
    "<access-key-id>": ("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    "<instance-id>": ("i-0123456789abcdef0", "i-0123456789abcdef0"),
    "<kms-key>": ("alias/lab-ebs", "alias/lab-ebs"),
}
# What the pages show in an output where the tour pasted a reader's own value.
READER_VALUES = {shown: own for shown, own in PLACEHOLDERS.values()}

# Shown outputs carry documentation values for who the reader is (EMULATED_OWNER and
# EMULATED_READER, in conftest): an IAM user's unique ID as AWS's identifier page writes it,
# and a user called alice.
IDENTITY_SHOWN = {
    "AIDACKCEVSQ6C2EXAMPLE": EMULATED_OWNER,
    "alice": EMULATED_READER,
}


def stand_ins(path: Path) -> dict[str, str]:
    """The `# [stand-in NAME] CODE` lines of a snippet file."""
    found = {}
    for line in path.read_text().splitlines():
        if m := STAND_IN.match(line):
            found[m["name"]] = m["code"]
    return found


def linked_pages(index: Path) -> list[str]:
    """The pages an index page links to, in order (read from its parsed Markdown)."""
    names = []
    for token in MarkdownIt().parse(index.read_text()):
        for child in token.children or []:
            href = child.attrGet("href") if child.type == "link_open" else None
            if href and href.endswith(".md") and "/" not in href and href != "index.md":
                names.append(href[:-3])
    return list(dict.fromkeys(names))


@dataclass
class Step:
    """One block the reader pastes: a snippet section, where it lives, and what to paste."""

    path: Path
    section: Section
    code: str

    @property
    def guide(self) -> str:
        return self.path.stem

    def where(self) -> str:
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{self.section.line}"


def steps(path: Path, cleanup: bool, reader_values: bool = True) -> list[Step]:
    """The blocks of one snippet file a reader pastes, in order: the run, or the clean-up.

    A not-emulated section is replaced by its stand-in, if it has one, or left out. Placeholders
    the page asks the reader to replace get a reader's values, or with `reader_values=False` the
    values the page's examples show.
    """
    out = []
    substitutes = stand_ins(path)
    for s in parse_sections(path):
        if s.cleanup != cleanup:
            continue
        if s.reason:
            if s.name in substitutes:
                out.append(Step(path, s, substitutes[s.name] + "\n"))
            continue
        for placeholder in s.replace:
            assert placeholder in PLACEHOLDERS, f"{path}:{s.line}: no tour value for the placeholder {placeholder!r}"
        code = s.filled({p: PLACEHOLDERS[p][1 if reader_values else 0] for p in s.replace})
        out.append(Step(path, s, code))
    return out


class ShellError(AssertionError):
    pass


@dataclass
class Shell:
    """One interactive shell, fed through a pipe as a reader's paste would feed it."""

    kind: str  # "bash" or "zsh"
    env: dict[str, str]
    cwd: Path
    proc: subprocess.Popen = field(init=False)
    lines: queue.Queue = field(init=False, default_factory=queue.Queue)
    errors: list[str] = field(init=False, default_factory=list)
    count: int = field(init=False, default=0)

    def __post_init__(self):
        argv = ["bash", "--norc", "--noprofile", "-i"] if self.kind == "bash" else ["zsh", "-f", "-i"]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=self.env, cwd=self.cwd, text=True, bufsize=1,
        )
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.errors.append), daemon=True).start()
        # No prompts in the captured output, and a line on stdout for every command that fails.
        # Neither changes what the pasted commands do.
        if self.kind == "bash":
            setup = "PS1=; PS2=; trap 'printf \"::failed:: %s\\n\" \"$?\"' ERR"
        else:
            setup = "PS1=; PS2=; TRAPZERR() { printf '::failed:: %s\\n' \"$?\"; }"
        self.paste(setup + "\n")

    @staticmethod
    def _read(stream, put):
        for line in iter(stream.readline, ""):
            put(line)

    def paste(self, code: str, timeout: float | None = None) -> tuple[str, list[str]]:
        """Paste `code`; return what it printed and the exit codes of commands that failed."""
        timeout = timeout or BLOCK_TIMEOUT
        self.count += 1
        token = f"::pasted:: {self.count}"
        self.errors.clear()
        self.proc.stdin.write(code if code.endswith("\n") else code + "\n")
        self.proc.stdin.write(f"printf '\\n%s\\n' '{token}'\n")
        self.proc.stdin.flush()
        printed, failed, deadline = [], [], time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise ShellError(f"did not finish within {timeout:.0f} s (an unclosed quote, or a wait with no end?)")
            if line.rstrip("\n") == token:
                break
            if line.startswith("::failed:: "):
                failed.append(line.split()[1])
            else:
                printed.append(line)
        if printed and printed[-1] == "\n":  # the newline printed before the token
            printed.pop()
        return "".join(printed), failed

    def value(self, name: str) -> str:
        out, _ = self.paste(f"printf '%s' \"${name}\"")
        return out.rstrip("\n")

    def stderr(self) -> str:
        return "".join(self.errors)[-3000:]

    def close(self):
        with contextlib.suppress(Exception):
            self.proc.stdin.write("exit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)
        if self.proc.poll() is None:
            self.proc.kill()


def reader_env(endpoint: str, home: Path, python_bin: Path) -> dict[str, str]:
    """What the reader's terminal has: a HOME, a PATH with the AWS CLI and Python; no AWS settings."""
    keep = ("LANG", "LC_ALL", "TERM", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(home),
        PATH=f"{bin_path()}{os.pathsep}{python_bin}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        AWS_ENDPOINT_URL=endpoint,  # plumbing: every AWS call goes to the emulator on 127.0.0.1
        AWS_PAGER="",  # plumbing: CLI v2's pager; CLI v1 (used here) has none
    )
    return env


PYTHON_BIN = Path(sys.executable).parent
