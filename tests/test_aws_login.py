"""What the reader's `aws login` asks of the pages: signing in again before a clean-up on another
day, and Boto3 with the AWS Common Runtime wherever the site runs Python.

A clean-up the reader runs on another day starts with signing in again.

The reader signs in with `aws login`, whose credentials the AWS CLI refreshes for a limited time
(`aws_login_session` in figures.toml); the next day every command fails until they sign in again.
So every page that shows a clean-up block (a snippet section named `cleanup` or `cleanup-*`, which
the reader's tour runs the next day in a new terminal) says so before the first of them, in one
paragraph, with the same words on every page: it says "sign in again first", names `aws login` as
inline code and gives the length through the figure's `{{ aws_login_session }}`, never typed. The
sentence the pages use:

    If you clean up on another day, sign in again first: an `aws login` sign-in lasts
    {{ aws_login_session }}.

Read from the parsed pages (_ext/sources/), so a sentence inside a code block or a comment does
not count. Proven by fixtures: a page whose sentence comes after its first clean-up block, or lacks
the figure, is named with its file and line.

Boto3 uses the credentials `aws login` caches only with the AWS Common Runtime installed (botocore's
LoginProvider raises MissingDependencyException without it; tests/aws/test_set_up_cli.py proves
both). So every `pip install` of Boto3 in a snippet installs `"boto3[crt]"` (quoted: zsh reads
brackets as a file pattern), and every page that shows a Python example (a `.py` snippet) says,
before the first, to use `boto3[crt]` from the virtual environment set-up-cli.md makes, linking it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from snippetshell import snippet_files
from sources import pages, parse, where

pytestmark = pytest.mark.sources

FIGURE = "aws_login_session"
SAYS = "sign in again first"
SENTENCE = ("If you clean up on another day, sign in again first: an `aws login` sign-in lasts "
            f"{{{{ {FIGURE} }}}}.")
CLEANUP = re.compile(r"\[start (cleanup(?:-[\w-]+)?)\]")


def cleanup_blocks(path: Path) -> list[tuple[int, str]]:
    """(line, section) of each clean-up block a page shows, in page order."""
    found = []
    for block in parse(path).blocks:
        m = CLEANUP.search(block.options.get("start-after", ""))
        if block.name == "literalinclude" and block.argument.endswith(".sh") and m:
            found.append((block.line, m[1]))
    return found


def sign_in_paragraphs(path: Path) -> list[int]:
    """The line of each paragraph that says to sign in again first, names `aws login` and gives
    the figure."""
    found = []
    for token in parse(path).tokens:
        if token.type != "inline" or not token.map:
            continue
        children = token.children or []
        text = " ".join(c.content for c in children if c.type == "text")
        code = {c.content for c in children if c.type == "code_inline"}
        figures = {c.content.strip() for c in children if c.type == "substitution_inline"}
        if SAYS in re.sub(r"\s+", " ", text) and "aws login" in code and FIGURE in figures:
            found.append(token.map[0] + 1)
    return found


def unsigned_cleanups(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        blocks = cleanup_blocks(path)
        if not blocks:
            continue
        line, section = blocks[0]
        if not any(said < line for said in sign_in_paragraphs(path)):
            found.append(f"{where(path, line)}: the clean-up block {section!r} comes before the page says to "
                         f"sign in again on another day; put this paragraph before it: {SENTENCE}")
    return found


def test_every_cleanup_says_to_sign_in_again_first():
    problems = unsigned_cleanups(pages())
    assert not problems, "\n".join(problems)


def test_pages_that_clean_up_are_found():
    """The rule reads the pages it must: the guides' and the tutorial's clean-ups."""
    names = {p.stem for p in pages() if cleanup_blocks(p)}
    assert {"ebs-volume", "launch-instance", "stop-and-clean-up", "first-analysis-5-clean-up"} <= names, names


INCLUDE = '```{literalinclude} snippets/g.sh\n:language: bash\n:start-after: "[start cleanup]"\n:end-before: "[end cleanup]"\n```\n'


@pytest.mark.parametrize("before, after", [
    ("", f"\n{SENTENCE}\n"),
    ("If you clean up on another day, sign in again first with `aws login`.\n\n", ""),
    ("```text\n" + SENTENCE + "\n```\n\n", ""),
])
def test_a_cleanup_without_the_sentence_before_it_is_named(tmp_path, before, after):
    """The sentence after the block, without the figure, or in a code block: named by the block's line."""
    page = tmp_path / "howto" / "g.md"
    page.parent.mkdir()
    page.write_text(f"# G\n\n## Clean up\n\n{before}{INCLUDE}{after}")
    line = 5 + before.count("\n")
    assert unsigned_cleanups([page]) == [
        f"{page}:{line}: the clean-up block 'cleanup' comes before the page says to sign in again on "
        f"another day; put this paragraph before it: {SENTENCE}"
    ]
    page.write_text(f"# G\n\n## Clean up\n\n{SENTENCE}\n\n{INCLUDE}")
    assert unsigned_cleanups([page]) == []


# -- Boto3 with the AWS Common Runtime ------------------------------------------------------

CRT = "boto3[crt]"
SET_UP = "set-up-cli.md"
PIP_BOTO3 = re.compile(r"\bpip3? install\b.*?(?<![\w.-])[\"']?boto3(?P<extra>\[crt\])?[\"']?(?![\w.-])")


def pip_installs_without_crt(paths: list[Path]) -> list[str]:
    """Each `pip install` of Boto3 in a snippet file installs it with the AWS Common Runtime, quoted."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if (m := PIP_BOTO3.search(line)) and not re.search(r"([\"'])boto3\[crt\]\1", line):
                found.append(f"{where(path, number)}: installs Boto3 without the AWS Common Runtime, which "
                             "`aws login` credentials need: install \"boto3[crt]\" (quoted, for zsh)")
    return found


def python_tabs_without_crt(paths: list[Path]) -> list[str]:
    """A page that shows a Python example says before it to use `boto3[crt]`, from set-up-cli.md."""
    found = []
    for path in paths:
        page = parse(path)
        shown = [b.line for b in page.blocks if b.name == "literalinclude" and b.argument.startswith("snippets/") and b.argument.endswith(".py")]
        if not shown:
            continue
        named = [t.line for t in page.text() if t.kind == "code" and t.text == CRT]
        linked = [link.line for link in page.links if link.page and link.page.name == SET_UP]
        if not any(line < shown[0] for line in named) or (path.name != SET_UP and not any(line < shown[0] for line in linked)):
            found.append(f"{where(path, shown[0])}: a Python example, and no word before it that Boto3 must be "
                         f"`{CRT}` from the virtual environment that {SET_UP} makes (with a link to it): without "
                         "the AWS Common Runtime, Boto3 cannot use the credentials `aws login` caches")
    return found


def test_boto3_is_installed_with_the_common_runtime():
    problems = pip_installs_without_crt(snippet_files(".sh"))
    assert not problems, "\n".join(problems)


def test_every_python_tab_asks_for_the_common_runtime():
    problems = python_tabs_without_crt(pages())
    assert not problems, "\n".join(problems)


def test_a_plain_boto3_install_is_named(tmp_path):
    snippet = tmp_path / "g.sh"
    snippet.write_text("python3 -m pip install boto3\npip install boto3[crt]\npip install 'boto3[crt]'\n"
                       "pip install \"boto3[crt]\" pandas\npip install boto3-stubs\npip install jupyterlab\n")
    assert [p.split(": ")[0] for p in pip_installs_without_crt([snippet])] == [f"{snippet}:1", f"{snippet}:2"]


def test_a_python_tab_without_the_common_runtime_is_named(tmp_path):
    page = tmp_path / "howto" / "g.md"
    page.parent.mkdir()
    include = "```{literalinclude} snippets/g.py\n:language: python\n```\n"
    page.write_text(f"# G\n\n- For the Python tab: Boto3, from [](set-up-cli.md).\n\n{include}")
    assert [p.split(": ")[0] for p in python_tabs_without_crt([page])] == [f"{page}:5"]
    page.write_text(f"# G\n\n{include}\nUse `{CRT}` from [](set-up-cli.md).\n")
    assert [p.split(": ")[0] for p in python_tabs_without_crt([page])] == [f"{page}:3"]
    page.write_text(f"# G\n\nUse `{CRT}` from [](set-up-cli.md).\n\n{include}")
    assert python_tabs_without_crt([page]) == []
