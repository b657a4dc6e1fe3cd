"""A command-line flag on a built page reads `--flag`, never `–flag`: copied from a page, an en dash
fails. Docutils' smart quotes turn `--` in prose, and in tables that directives generate, into an en
dash unless `smartquotes_action` in conf.py leaves dashes alone."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from conf import smartquotes_action
from conftest import run_sphinx

# An en or em dash right before a letter, at the start of a word: what `--force` becomes.
DASHED_FLAG = re.compile(r"(?:^|(?<=[\s(\[“\"'`]))[–—][A-Za-z][\w-]*")


def dashed_flags(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        for m in DASHED_FLAG.finditer(soup.get_text()):
            found.append(f"{page.relative_to(site)}: {m.group(0)!r}")
    return found


def test_no_command_line_flag_shows_as_a_dash(site):
    found = dashed_flags(site)
    assert not found, "flags turned into dashes:\n" + "\n".join(found)
    table = (site / "reference" / "cli-commands.html").read_text()
    assert "with --force" in table, "the AWS CLI commands table no longer describes `aws s3 rb --force`"


def _fixture(tmp_path: Path, conf: str) -> Path:
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text('extensions = ["myst_parser"]\n' + conf)
    (src / "index.md").write_text("# Home\n\nRemove the bucket with --force, or list it with --recursive.\n")
    return src


def test_checker_catches_a_flag_turned_into_a_dash(tmp_path):
    default = _fixture(tmp_path / "default", "")
    assert run_sphinx(default, tmp_path / "default-out").returncode == 0
    assert dashed_flags(tmp_path / "default-out") == ["index.html: '–force'", "index.html: '–recursive'"]
    fixed = _fixture(tmp_path / "fixed", f"smartquotes_action = {smartquotes_action!r}\n")
    assert run_sphinx(fixed, tmp_path / "fixed-out").returncode == 0
    assert dashed_flags(tmp_path / "fixed-out") == []
    assert "with --force" in (tmp_path / "fixed-out" / "index.html").read_text()
