"""Run the how-to guides' commands against a local AWS emulator (moto server on 127.0.0.1).

A guide's commands live in ``howto/snippets/<guide>.sh`` (AWS CLI) and ``<guide>.py``
(boto3), in sections the page includes with ``literalinclude``::

    # [start create-bucket]
    aws s3 mb "s3://$BUCKET"
    # [end create-bucket]

A section whose start line says ``not-emulated: <reason>`` is shown on the page but not
run here (ssh, Session Manager, SSO sign-in); each one is reported as a skipped test with
its reason. Sections named ``cleanup`` or ``cleanup-*`` run after the checks, so a test can
look at what the guide built and then prove that the cleanup leaves nothing behind.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
from snippets import Section, parse_sections  # noqa: E402,F401  (the one reader of snippet files)
from cliserver import aws_cli  # noqa: E402
from motofork import Forks  # noqa: E402
from faults import Proxy  # noqa: E402

SNIPPETS = ROOT / "howto" / "snippets"
OUTPUTS = ROOT / "howto" / "outputs"
REGION = "us-east-1"
# Who the reader is, as the emulator answers `aws sts get-caller-identity` for the tests' access
# key (moto 5.2.5): UserId is the access key ID itself, and Arn is `arn:aws:sts::ACCOUNT:user/moto`.
# So the guides' owner tag (crashcourse:owner = UserId) and per-reader names (READER, the Arn's
# last part) are these; OWNER_TAG marks what a test makes as the reader's own.
EMULATED_OWNER = "AKIAIOSFODNN7EXAMPLE"
EMULATED_READER = "moto"
OWNER_TAG = {"Key": "crashcourse:owner", "Value": EMULATED_OWNER}


class Normalizer:
    """Swap what the emulator prints that a page must not show for documentation example values:
    credentials (access keys, secret keys, session tokens), account values (account IDs, alone, in
    ARNs or in names; IAM user, role and profile IDs) and what it makes up (resource IDs, times,
    addresses).

    What is swapped, in which order, and for what, is data: rules/output-cleaning.toml and
    rules/example-values.toml. The code is OutputCleaner in _ext/sources/rules.py (standard library
    only, loaded from its file: this environment lacks the rest of _ext/sources/' dependencies);
    tests/test_safety.py proves each entry. The same real value always maps to the same example
    value within one guide's output, so a page can show that the subnet created in one step is the
    one used in the next.
    """

    _cleaner = None  # the OutputCleaner class, loaded once

    def __init__(self):
        if Normalizer._cleaner is None:
            import importlib.util

            spec = importlib.util.spec_from_file_location("crashcourse_rules", ROOT / "_ext" / "sources" / "rules.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            Normalizer._cleaner = module.OutputCleaner
        self.clean = Normalizer._cleaner(ROOT)

    def __call__(self, text: str) -> str:
        return self.clean(text)


_CLI_BIN: list[Path] = []  # the folder of the served `aws`, while the session's server runs


def bin_path() -> str:
    """The folders a reader's PATH starts with here: the AWS CLI (served, see cliserver.py), then Python."""
    return os.pathsep.join(str(p) for p in [*_CLI_BIN, Path(sys.executable).parent])


@pytest.fixture(scope="session", autouse=True)
def served_aws_cli(tmp_path_factory):
    """One AWS CLI process per test worker, forked for each `aws` call (see cliserver.py)."""
    with aws_cli(tmp_path_factory.mktemp("aws-cli")) as bindir:
        _CLI_BIN.append(bindir)
        yield bindir
        _CLI_BIN.remove(bindir)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_forks():
    """One warm emulator per test worker, with a new account's defaults built once (see motofork.py)."""
    forks = Forks()
    yield forks
    forks.close()


@dataclass
class Guide:
    """One guide's snippets, run in order in one shell whose variables carry over."""

    name: str
    endpoint: str
    workdir: Path
    outputs: dict[str, str] = field(default_factory=dict)
    snippets: Path = SNIPPETS  # tutorials/snippets for the tutorial

    def __post_init__(self) -> None:
        # The reader's profile has a Region, as "How to choose a Region" sets it, so that
        # `aws configure get region` answers in a guide's own test as it does in the tour.
        config = self.workdir / "config"
        if not config.exists():
            config.write_text(f"[default]\nregion = {REGION}\n")

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ENDPOINT_URL=self.endpoint,
            AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            AWS_DEFAULT_REGION=REGION,
            AWS_PAGER="",
            AWS_CONFIG_FILE=str(self.workdir / "config"),
            AWS_SHARED_CREDENTIALS_FILE=str(self.workdir / "credentials"),
            HOME=str(self.workdir),
            PATH=f"{bin_path()}{os.pathsep}{os.environ['PATH']}",
        )
        return env

    def sections(self, suffix: str = ".sh") -> list[Section]:
        return parse_sections(self.snippets / f"{self.name}{suffix}")

    def not_emulated(self) -> list[Section]:
        found = []
        for suffix in (".sh", ".py"):
            if (self.snippets / f"{self.name}{suffix}").is_file():
                found += [s for s in self.sections(suffix) if s.reason]
        return found

    def _bash(self, sections: list[Section], state_in: Path | None, state_out: Path) -> None:
        script = ["set -euo pipefail"]
        if state_in:
            script.append(f"source {shlex.quote(str(state_in))}")
        for s in sections:
            script.append(f"echo '::section:: {s.name}'")
            script.append(s.code)
        # Keep the reader's variables for the cleanup shell (and for var()).
        script.append(f"declare -p | grep -E '^declare -[-x]+ [A-Z_][A-Z0-9_]*=' > {shlex.quote(str(state_out))} || true")
        result = subprocess.run(
            ["bash", "-c", "\n".join(script)], env=self.env, cwd=self.workdir,
            capture_output=True, text=True, timeout=300,
        )
        current = None
        for line in result.stdout.splitlines(keepends=True):
            if line.startswith("::section:: "):
                current = line.split(" ", 1)[1].strip()
                self.outputs[current] = ""
            elif current:
                self.outputs[current] += line
        if result.returncode:
            ran = current or "(before the first section)"
            first = next(s for s in sections if s.name == ran) if current else sections[0]
            pytest.fail(
                f"{self.snippets.relative_to(ROOT)}/{self.name}.sh:{first.line}: section {ran!r} failed "
                f"(exit {result.returncode}):\n{result.stderr[-3000:]}",
                pytrace=False,
            )

    def run(self) -> None:
        """Run every section except the cleanup ones (a not-emulated one through its stand-in)."""
        self._bash(self._steps(cleanup=False), None, self.workdir / "state.sh")

    def _steps(self, cleanup: bool) -> list[Section]:
        from tour import steps  # the tour's module imports this one

        return [
            Section(st.section.name, st.code, st.section.line)
            for st in steps(self.snippets / f"{self.name}.sh", cleanup=cleanup, reader_values=False)
        ]

    def cleanup(self) -> None:
        """Run the cleanup sections in a new shell, as the reader does the next day: none of the
        variables run() set, so a clean-up that relies on one fails here."""
        todo = self._steps(cleanup=True)
        assert todo, f"{self.snippets.relative_to(ROOT)}/{self.name}.sh has no cleanup section"
        self._bash(todo, None, self.workdir / "state-after.sh")

    def json_left_in_home(self) -> list[str]:
        """The JSON files the guide wrote among the reader's own folders (the runner's HOME and
        below, hidden ones aside): a guide writes the files its commands read into a folder
        that `mktemp -d` makes, where no file of the reader's can be overwritten."""
        return sorted(str(p.relative_to(self.workdir)) for p in self.workdir.rglob("*.json")
                      if not any(part.startswith(".") for part in p.relative_to(self.workdir).parts))

    def var(self, name: str) -> str:
        """A shell variable's value after run()."""
        out = subprocess.run(
            ["bash", "-c", f"source state.sh; printf %s \"${{{name}}}\""],
            cwd=self.workdir, capture_output=True, text=True, check=True,
        )
        return out.stdout

    def run_python(self, **exported: str) -> str:
        """Run the guide's boto3 file, emulated sections only, as one program.

        It sees what the CLI steps exported (after run()), or `exported`: what the reader's
        terminal would hold after the guide's first steps.
        """
        sections = [s for s in self.sections(".py") if not s.reason]
        code = "\n".join(s.code for s in sections)
        # With what the CLI steps exported (after run()), as when the reader runs it in that terminal.
        exports = f"source {shlex.quote(str(self.workdir / 'state.sh'))}; " if (self.workdir / "state.sh").is_file() else ""
        result = subprocess.run(
            ["bash", "-c", f'{exports}exec "$0" -c "$1"', sys.executable, code], env={**self.env, **exported},
            cwd=self.workdir,
            capture_output=True, text=True, timeout=300,
        )
        if result.returncode:
            pytest.fail(f"{self.snippets.relative_to(ROOT)}/{self.name}.py failed:\n{result.stderr[-3000:]}", pytrace=False)
        return result.stdout

    def client(self, service: str, region: str = REGION):
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )


def profiles_on(ec2, instance_id: str) -> list[str]:
    """The names of the instance profiles associated with an instance."""
    return [
        a["IamInstanceProfile"]["Arn"].rsplit("/", 1)[1]
        for a in ec2.describe_iam_instance_profile_associations(
            Filters=[{"Name": "instance-id", "Values": [instance_id]}]
        )["IamInstanceProfileAssociations"]
        if a["State"] == "associated"
    ]


@pytest.fixture
def emulator(moto_forks):
    """The emulator as a new account: each Region's default VPC, with the internet gateway and the
    route a real one has (motofork.new_account), and nothing else. A server of the test's own,
    forked from the warm one, stopped after the test, behind the fault-injecting proxy of
    faults.py (which answers AWS Free Tier, and refuses nothing until a test arms a fault)."""
    with moto_forks.account() as url, Proxy(url) as proxy:
        yield proxy


@pytest.fixture
def fresh_account(emulator):
    """The emulator's address (the proxy's): what the reader's AWS_ENDPOINT_URL is set to."""
    return emulator.url


@pytest.fixture
def guide(fresh_account, tmp_path):
    """``guide("launch-instance")``: a fresh emulated account and the guide's runner."""

    def make(name: str, snippets: Path = SNIPPETS) -> Guide:
        assert (snippets / f"{name}.sh").is_file() or (snippets / f"{name}.py").is_file(), name
        return Guide(name, fresh_account, tmp_path, snippets=snippets)

    return make


