"""Every snippet section pasted as a terminal pastes it: into interactive bash with readline's
bracketed paste, and into interactive zsh (the reader's shell on macOS) with its own, each in a
pseudo-terminal, where the reader then presses Enter.

The reader's tour (tests/aws/tour.py) feeds its shells through a pipe, where no line editor reads
the text, so it cannot see what the line editor does. Interactive bash 5.2 (Debian 12's, this
machine's) prints ``unexpected EOF while looking for matching `)'`` when a word that starts with
``[`` (the test command ``[``) is followed on the same line by a double-quoted command substitution
``"$(...`` that closes on a later line; the block then runs as it should, but a newcomer takes the
message for a failure. The fix is to set a variable from the command in the condition and test
the variable: ``if X=$(...) && [ "$X" = ... ]``.
This test fails on that message, on any other syntax or parse error, and on a block the shell
finds unfinished after Enter (an unclosed quote), naming the page that shows the section, the
page's line, and the snippet file's line where the message starts.

Nothing pasted runs: the shell skips every command (bash: ``extdebug`` with a DEBUG trap that
returns false, inherited by subshells and functions through ``set -T``; zsh: a DEBUG trap that sets
``errexit``). A skipped command counts as a success in bash, so a ``while`` loop would never end:
every thousandth command the trap breaks out of the loops it is in. Its PATH is an empty folder
and its HOME a new one, so reading a block is all it does.
``test_nothing_pasted_runs`` proves it. Values the reader replaces (``replace: <VALUE>``) are
pasted filled in (``Section.filled``), as the reader pastes them; sections that run on the
instance are pasted into bash alone (Amazon Linux's shell). It reads only the sources, in a few
seconds, so `nox -s check` runs it.
"""

from __future__ import annotations

import functools
import os
import pty
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import sources  # _ext/sources/, the one reader of Markdown sources
from snippets import Section, parse_sections
from snippetshell import on_instance, snippet_files

pytestmark = pytest.mark.sources

READY, MORE = "::ready::", "::more::"  # the shells' prompts PS1 and PS2 while pasting
ACCEPTED = b"\x1b[?2004l"  # what bash and zsh send the terminal when they take a line
PROBLEM = re.compile(r"unexpected EOF|syntax error|parse error|unmatched|bad substitution")
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[=>]|\r")
SETUP = {
    "bash": ["bind 'set enable-bracketed-paste on'",
             f"PS1='{READY}'; PS2='{MORE}'; set -T; shopt -s extdebug; "
             "trap '((++PASTED % 1000)) || break 1000 2>/dev/null; false' DEBUG"],
    "zsh": [f"PS1='{READY}'; PS2='{MORE}'; trap 'setopt errexit' DEBUG"],
}


class Terminal:
    """One interactive shell in a pseudo-terminal, into which text is pasted between the bracketed
    paste markers (ESC [200~ ... ESC [201~), as a terminal does, and then Enter pressed."""

    def __init__(self, kind: str, home: Path, setup: list[str] | None = None):
        argv = [shutil.which(kind), "--norc", "--noprofile", "-i"] if kind == "bash" else [shutil.which(kind), "-f", "-i"]
        empty = home / "empty-path"
        empty.mkdir(parents=True, exist_ok=True)
        env = {"HOME": str(home), "PATH": str(empty), "TERM": "xterm", "INPUTRC": "/dev/null",
               "LANG": "C.UTF-8", "PS1": READY, "PS2": MORE}
        self.kind = kind
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the shell
            os.execve(argv[0], argv, env)
        self._read(accepted=False)
        for line in SETUP[kind] if setup is None else setup:
            os.write(self.fd, (line + "\r").encode())
            self._read()

    def _read(self, timeout: float = 20, again: bytes = b"", accepted: bool = True) -> str:
        """What the terminal shows, once the shell took the line (it turns bracketed paste off,
        ESC [?2004l, before it runs anything) and prompts again (PS1, or PS2 for more), without
        the terminal's control sequences. A shell sets its terminal up around the prompt, and may
        drop input sent meanwhile: `again` is sent again each half second until PS1 shows."""
        raw, start = b"", time.monotonic()
        sent = start
        while time.monotonic() < start + timeout:
            if select.select([self.fd], [], [], 0.05)[0]:
                raw += os.read(self.fd, 65536)
                taken = raw.rfind(ACCEPTED) if accepted else 0
                shown = ESCAPES.sub("", raw[max(taken, 0):].decode(errors="replace")).rstrip()
                if taken >= 0 and (shown.endswith(READY) or (shown.endswith(MORE) and not again)):
                    return ESCAPES.sub("", raw.decode(errors="replace")).rstrip()
            elif again and time.monotonic() > sent + 0.5:
                os.write(self.fd, again)
                sent = time.monotonic()
        raise TimeoutError(f"[{self.kind}] no prompt within {timeout:.0f} s; last shown: {raw[-300:]!r}")

    def paste(self, text: str) -> list[str]:
        """Paste `text`, press Enter; the problems the shell printed (PROBLEM), and whether it
        waits for more. A shell that waits is given Ctrl-C, which drops what it read."""
        os.write(self.fd, b"\x1b[200~" + text.encode() + b"\x1b[201~\r")
        shown = self._read()
        problems = [line.strip() for line in shown.splitlines() if PROBLEM.search(line)]
        if shown.endswith(MORE):
            os.write(self.fd, b"\x03")
            self._read(again=b"\x03")
            problems.append(f"{self.kind} waits for more after Enter (an unclosed quote or block)")
        return problems

    def close(self) -> None:
        os.close(self.fd)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)


@functools.cache
def shown_on() -> dict[tuple[str, str], list[str]]:
    """(snippet file name, section) -> each `page:line` whose literalinclude shows that section."""
    found: dict[tuple[str, str], list[str]] = {}
    for page in sources.pages():
        for block in sources.parse(page).blocks:
            start = re.search(r"\[start ([\w-]+)\]", block.options.get("start-after", ""))
            if block.name == "literalinclude" and block.argument.endswith(".sh") and start:
                found.setdefault((Path(block.argument).name, start[1]), []).append(block.where())
    return found


def first_problem_line(terminal: Terminal, section: Section) -> int:
    """The snippet line at which the shell first complains: paste the section's first line, then
    its first two, and so on (an unfinished block is dropped with Ctrl-C each time). A block that
    only leaves the shell waiting is named by its first line."""
    lines = section.filled().splitlines(keepends=True)
    for count in range(1, len(lines) + 1):
        if [p for p in terminal.paste("".join(lines[:count])) if not p.startswith(terminal.kind + " waits")]:
            return section.line + count
    return section.line + 1


def paste_problems(paths: list[Path], kind: str, home: Path) -> list[str]:
    """Every section of every file, pasted into one `kind` shell: each problem as `page:line:`."""
    terminal, found = Terminal(kind, home), []
    try:
        for path in paths:
            for section in parse_sections(path):
                if kind == "zsh" and on_instance(section):
                    continue
                problems = terminal.paste(section.filled())
                if not problems:
                    continue
                line = first_problem_line(terminal, section)
                snippet = sources.where(path, line)
                for page in shown_on().get((path.name, section.name), [snippet]):
                    found.append(f"{page}: [{kind}] pasting section {section.name!r} ({snippet}) prints: "
                                 + "; ".join(dict.fromkeys(problems)))
    finally:
        terminal.close()
    return found


@pytest.mark.parametrize("kind", ["bash", "zsh"])
def test_every_section_pastes_cleanly(kind, tmp_path):
    problems = paste_problems(snippet_files(".sh"), kind, tmp_path)
    version = subprocess.run([kind, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    assert not problems, f"{len(problems)} block(s) that the reader's {version} complains about when pasted:\n" + \
        "\n".join(problems) + "\n(set a variable from the command first, then test the variable)"


# --- values to replace, left as they stand ------------------------------------------------

def left_as_they_stand(paths: list[Path], kind: str, home: Path) -> tuple[int, list[str]]:
    """Each section with a value to replace, pasted unchanged into one `kind` shell: how many, and
    `FILE:LINE: section NAME` for each after which the shell printed no syntax or parse error."""
    terminal, count, quiet = Terminal(kind, home), 0, []
    try:
        for path in paths:
            for section in parse_sections(path):
                if not section.replace or (kind == "zsh" and on_instance(section)):
                    continue
                count += 1
                if not [p for p in terminal.paste(section.code) if "waits for more" not in p]:
                    quiet.append(f"{sources.where(path, section.line)}: section {section.name!r}")
    finally:
        terminal.close()
    return count, quiet


@pytest.mark.parametrize("kind", ["bash", "zsh"])
def test_every_value_to_replace_is_refused_as_it_stands(kind, tmp_path):
    """placeholders-refused (tests/test_reader_rules.py) reads each `NAME=<value>` line with `bash -n`
    and `zsh -n`; here each such section, pasted unchanged into the reader's interactive shell,
    makes it print a syntax or parse error (and runs nothing, as every paste here)."""
    count, quiet = left_as_they_stand(snippet_files(".sh"), kind, tmp_path)
    assert count > 5 and not quiet, f"[{kind}] pasted with its value to replace unchanged, no error:\n" + "\n".join(quiet)


@pytest.mark.parametrize("kind", ["bash", "zsh"])
def test_a_value_to_replace_that_the_shell_takes_is_named(kind, tmp_path):
    snippet = tmp_path / "x.sh"
    snippet.write_text("# [start bare] replace: <email-address>\nEMAIL=<email-address>\n# [end bare]\n"
                       "# [start quoted] replace: <email-address>\nEMAIL='<email-address>'\n# [end quoted]\n")
    assert left_as_they_stand([snippet], kind, tmp_path / "home") == (2, [f"{snippet}:4: section 'quoted'"])


# What the reader sees when they paste budget-alert.md's step 2 with its placeholder as it stands,
# as the page says: bash refuses the first line and runs the second, which says what to do; zsh
# refuses the whole paste. The block runs only builtins (export, [, echo), so here it runs for real.
BUDGET_PAGE = sources.ROOT / "howto" / "budget-alert.md"
UNCHANGED_EMAIL = {"bash": [r"bash: syntax error near unexpected token `newline'", "BUDGET_EMAIL is empty: "],
                   "zsh": [r"zsh: parse error near `\n'"]}


def printed_after(shown: str, code: str) -> list[str]:
    """The lines a shell printed after the pasted `code` was shown (and shown again), without the
    prompt or zsh's mark of a line that ends without a newline."""
    last = code.rstrip("\n").splitlines()[-1]
    after = shown[shown.rfind(last) + len(last):].replace(READY, "")
    return [line.strip() for line in after.splitlines() if line.strip() not in ("", "#", "%")]


@pytest.mark.parametrize("kind", ["bash", "zsh"])
def test_budget_email_left_unchanged_prints_what_the_page_says(kind, tmp_path):
    (section,) = [s for s in parse_sections(sources.ROOT / "howto" / "snippets" / "budget-alert.sh")
                  if s.name == "set-email"]
    terminal = Terminal(kind, tmp_path, setup=[line for line in SETUP[kind] if "DEBUG" not in line]
                        + [f"PS1='{READY}'; PS2='{MORE}'"])
    try:
        os.write(terminal.fd, b"\x1b[200~" + section.code.encode() + b"\x1b[201~\r")
        printed = printed_after(terminal._read(), section.code)
        os.write(terminal.fd, b'printf "[%s]\\n" "$BUDGET_EMAIL"\r')
        left = printed_after(terminal._read(), 'printf "[%s]\\n" "$BUDGET_EMAIL"')
    finally:
        terminal.close()
    assert left == ["[]"], f"[{kind}] BUDGET_EMAIL after the unchanged paste: {left}"
    expected = UNCHANGED_EMAIL[kind]
    assert len(printed) == len(expected) and all(p.startswith(e) for p, e in zip(printed, expected)), \
        f"[{kind}] pasting budget-alert.sh's set-email unchanged prints {printed}, not {expected}"
    shown = {t.text for t in sources.parse(BUDGET_PAGE).text() if t.kind == "code"}
    missing = [line for line in printed if line not in shown]
    where = shown_on()[("budget-alert.sh", "set-email")][0]
    assert not missing, f"{where}: [{kind}] the page does not show, as inline code, what " \
        f"the shell prints for step 2 pasted unchanged: {missing}"


# --- the check itself ---------------------------------------------------------------------

BROKEN = """\
# [start wait]
WAITED=0
until [ "$(aws ec2 describe-volumes --volume-ids "$VOLUME_ID" \\
    --query 'Volumes[0].State' --output text)" = available ] || [ "$WAITED" -ge 60 ]; do
  sleep 5
  WAITED=$((WAITED + 5))
done
# [end wait]
# [start fixed]
WAITED=0
until STATE=$(aws ec2 describe-volumes --volume-ids "$VOLUME_ID" \\
    --query 'Volumes[0].State' --output text) && [ "$STATE" = available ] || [ "$WAITED" -ge 60 ]; do
  sleep 5
  WAITED=$((WAITED + 5))
done
# [end fixed]
# [start unclosed]
echo "a quote that never ends
# [end unclosed]
"""


def bash_version() -> str:
    return subprocess.run(["bash", "-c", 'echo "${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}"'],
                          capture_output=True, text=True).stdout.strip()


def test_bash_52_complaint_is_named_with_its_line(tmp_path):
    """The wait as ebs-volume.md had it: bash 5.2 complains at its second line, the one where the
    command substitution goes on; the same wait that sets a variable first pastes cleanly."""
    if bash_version() != "5.2":
        pytest.skip(f"this machine's bash is {bash_version()}, not 5.2, which is the one known to complain")
    snippet = tmp_path / "x.sh"
    snippet.write_text(BROKEN)
    bash = paste_problems([snippet], "bash", tmp_path)
    wait = [p for p in bash if "'wait'" in p]
    assert len(wait) == 1 and wait[0].startswith(f"{snippet}:3: [bash] pasting section 'wait' ({snippet}:3) prints: bash: "
                                                 "command substitution: line "), bash
    assert wait[0].endswith("unexpected EOF while looking for matching `)'"), bash
    assert not [p for p in bash if "'fixed'" in p], bash


@pytest.mark.parametrize("kind", ["bash", "zsh"])
def test_unfinished_block_is_named(kind, tmp_path):
    """A block with an unclosed quote leaves the shell waiting after Enter: named by its first line."""
    snippet = tmp_path / "x.sh"
    snippet.write_text(BROKEN)
    problems = [p for p in paste_problems([snippet], kind, tmp_path) if "'wait'" not in p]
    assert problems == [f"{snippet}:18: [{kind}] pasting section 'unclosed' ({snippet}:18) prints: "
                        f"{kind} waits for more after Enter (an unclosed quote or block)"], problems


@pytest.mark.parametrize("kind", ["bash", "zsh"])
def test_nothing_pasted_runs(kind, tmp_path):
    """The shell reads what is pasted and runs none of it: no command, substitution or redirection."""
    made = [tmp_path / f"made-{i}" for i in range(6)]
    code = (f"touch {made[0]}\nX=$(echo > {made[1]})\necho hi > {made[2]}\n"
            f"for x in $(echo > {made[3]}); do :; done\n( echo > {made[4]} )\n"
            f"if [ \"$(echo > {made[5]})\" = x ]; then :; fi\n")
    terminal = Terminal(kind, tmp_path / "home")
    try:
        assert terminal.paste(code) == []
    finally:
        terminal.close()
    assert [p.name for p in made if p.exists()] == []


@pytest.mark.parametrize("kind", ["bash", "zsh"])
def test_a_pasted_wait_does_not_hang(kind, tmp_path):
    """Loops whose conditions would hold forever once their commands are skipped (a wait for a job
    queue to empty, a polling loop) end, and the block after them is still read."""
    code = ('waited=0\nwhile [ -n "$(squeue --noheader)" ] && [ "$waited" -lt 1800 ]; do\n  sleep 30\n'
            '  waited=$((waited + 30))\ndone\nwhile :; do sleep 1; done\nuntil false; do :; done\n'
            'echo "a quote that never ends\n')
    terminal = Terminal(kind, tmp_path / "home")
    try:
        assert [p for p in terminal.paste(code) if "waits for more" in p], "the block after the loops was not read"
    finally:
        terminal.close()
