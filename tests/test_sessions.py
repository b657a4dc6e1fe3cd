"""The maintainer's sessions: quiet builds, generated pages that follow their inputs, `nox -s
linkcheck -- PAGE`, and `nox -s check` running exactly the tests that need no build."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

import noxfile
from conftest import ROOT, pytest_collection_modifyitems, run_sphinx
from test_linkcheck import fixture_project, local_server, read_report

# -- A fixture site with the project's own conf.py and extension --------------------------------


def _git_commit(src: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=src, check=True)
    subprocess.run([*git, "add", "-A"], cwd=src, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fixture"], cwd=src, check=True)


@pytest.fixture
def commands_site(tmp_path) -> Path:
    """Two guides (one with a snippet file) and the generated AWS CLI commands page."""
    src = tmp_path / "src"
    (src / "howto" / "snippets").mkdir(parents=True)
    (src / "reference").mkdir()
    for name in ("conf.py", "_static", "node_modules", "package-lock.json"):
        (src / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "_ext", src / "_ext", ignore=shutil.ignore_patterns("__pycache__"))  # a copy: the test touches it
    shutil.copy(ROOT / "reference" / "cli-commands.toml", src / "reference")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nhowto/a\nhowto/b\nreference/cli-commands\n```\n")
    (src / "howto" / "a.md").write_text("# How to a\n")
    (src / "howto" / "b.md").write_text("# How to b\n")
    (src / "howto" / "snippets" / "a.sh").write_text("# [start list]\naws ec2 describe-vpcs\n# [end list]\n")
    (src / "reference" / "cli-commands.md").write_text("# Commands\n\n```{cli-commands-table}\n```\n")
    _git_commit(src)
    return src


def _text(page: Path) -> str:
    return BeautifulSoup(page.read_text(), "html.parser").get_text()


def _read(result) -> str:
    """The 'updating environment' line: what Sphinx found added, changed and removed."""
    return next(line for line in result.stdout.splitlines() if line.startswith("updating environment"))


def test_builds_are_quiet(commands_site, tmp_path):
    result = run_sphinx(commands_site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "MdParserConfig(" not in result.stdout, "myst-parser's configuration dump"
    assert "social cards" not in result.stdout + result.stderr


def test_a_new_snippet_file_or_a_changed_extension_rebuilds_the_commands_page(commands_site, tmp_path):
    out = tmp_path / "out"
    assert run_sphinx(commands_site, out).returncode == 0
    page = out / "reference" / "cli-commands.html"
    assert "aws ec2 describe-vpcs" in _text(page) and "aws s3api list-buckets" not in _text(page)

    again = run_sphinx(commands_site, out)
    assert _read(again).endswith("0 added, 0 changed, 0 removed"), "a no-op rebuild reads nothing"

    (commands_site / "howto" / "snippets" / "b.sh").write_text("# [start list]\naws s3api list-buckets\n# [end list]\n")
    added = run_sphinx(commands_site, out)
    assert added.returncode == 0, added.stderr
    assert _read(added).endswith("0 added, 1 changed, 0 removed"), added.stdout
    assert "aws s3api list-buckets" in _text(page)

    (commands_site / "howto" / "snippets" / "b.sh").unlink()
    removed = run_sphinx(commands_site, out)
    assert "aws s3api list-buckets" not in _text(page), removed.stdout

    extension = commands_site / "_ext" / "aws_tables.py"
    extension.write_text(extension.read_text().replace("commands, found in howto/snippets/", "commands, found today in howto/snippets/"))
    changed = run_sphinx(commands_site, out)
    assert _read(changed).endswith("0 added, 1 changed, 0 removed"), changed.stdout
    assert "commands, found today in howto/snippets/" in _text(page)


def test_a_new_page_that_uses_a_figure_is_listed_on_the_figures_page(tmp_path):
    src = tmp_path / "src"
    (src / "reference").mkdir(parents=True)
    for name in ("conf.py", "_static", "_ext", "node_modules", "package-lock.json", "figures.toml"):
        (src / name).symlink_to(ROOT / name)
    (src / "index.md").write_text("# Home\n\n```{toctree}\n:glob:\n\n*\nreference/*\n```\n")
    (src / "reference" / "figures.md").write_text("# Figures\n\n```{figures-table}\n```\n")
    _git_commit(src)
    out = tmp_path / "out"
    run_sphinx(src, out)  # warns that figures are used nowhere; only the "Used on" column matters here
    page = out / "reference" / "figures.html"
    assert "New page" not in _text(page)

    (src / "newpage.md").write_text("# New page\n\nA NAT gateway costs {{ nat_hour }}.\n")
    again = run_sphinx(src, out)
    assert "New page" in _text(page), again.stdout


# -- nox -s linkcheck -- PAGE... ------------------------------------------------------------------


class Session:
    """Enough of nox.Session to record what a session runs and installs."""

    def __init__(self, *posargs: str, venv: Path | None = None):
        self.posargs, self.runs, self.installs = list(posargs), [], []
        self.virtualenv = SimpleNamespace(location=str(venv))

    def install(self, *args):
        self.installs.append(list(args))

    def run(self, *args, **kwargs):
        self.runs.append(list(args))

    def error(self, message):
        raise SystemExit(message)


def test_linkcheck_session_passes_the_named_pages_to_sphinx():
    session = Session("explanation/vpc", "howto/s3-data.md")
    noxfile.linkcheck(session)
    assert session.runs[-1][-4:] == [
        "explanation/vpc.md", "howto/s3-data.md", "-D", "crashcourse_linkcheck_only=explanation/vpc,howto/s3-data",
    ]
    assert session.runs[-1][:2] == ["sphinx-build", "-W"] and "linkcheck" in session.runs[-1]
    with pytest.raises(SystemExit, match="no such page: explanation/nope.md"):
        noxfile.linkcheck(Session("explanation/nope"))


def test_linkcheck_of_one_page_checks_only_its_links(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with local_server() as server:
        src = fixture_project(tmp_path, f"# Home\n\n[ok]({server.url}/ok)\n\n```{{toctree}}\nnew\n```\n", server.url + "/")
        (src / "new.md").write_text(f"# New\n\n[missing]({server.url}/missing)\n")
        result = run_sphinx(src, tmp_path / "out", "linkcheck", "new.md", "-D", "crashcourse_linkcheck_only=new")
        hits = dict(server.hits)
    assert set(read_report(tmp_path / "out")) == {server.url + "/missing"}, result.stdout
    assert "/ok" not in hits


# -- nox -s check: the tests marked `sources`, and only those ------------------------------------


def test_check_runs_the_sources_tests_without_a_build(tmp_path):
    session = Session("-x", venv=tmp_path)
    noxfile.check(session)
    (command,) = session.runs
    assert command[-6:] == ["-m", "sources", "-q", "--no-header", "--tb=short", "-x"]
    modules = command[1:-6]
    assert {"tests/test_content.py", "tests/test_acronyms.py", "tests/test_facts.py", "tests/test_safety.py"} <= set(modules)
    assert "tests/test_build.py" not in modules and "tests/test_sessions.py" not in modules
    assert session.installs == [["-r", "requirements/tests.txt"]]
    noxfile.check(session)
    assert len(session.installs) == 1, "pip runs again only when requirements/ changes"
    (tmp_path / "installed-requirements.txt").write_text("pins of an older day\n")
    noxfile.check(session)
    assert len(session.installs) == 2


def test_a_sources_test_may_not_use_the_built_site():
    class Item:
        nodeid = "tests/test_x.py::test_x"
        fixturenames = ["site", "tmp_path"]

        def get_closest_marker(self, name):
            return name == "sources"

    with pytest.raises(pytest.UsageError, match="test_x is marked `sources` but uses site"):
        pytest_collection_modifyitems(None, [Item()])
