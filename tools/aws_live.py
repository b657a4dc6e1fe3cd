"""`nox -s aws-live`: the reader's tour on a real AWS account, for maintainers (docs/contributing.md).

It follows what the emulator's tour follows, with the tour's own code (tests/aws/tour.py,
test_tour.py, test_first_analysis.py): every guide in the order of howto/index.md, pasted block by
block into one interactive bash (or zsh) with nothing set beforehand, then the tutorial's parts;
the next day, each page's clean-up in a new terminal, last page first, then stop-and-clean-up (the
tutorial: its last part) as the sweep; then the audit, tests/aws/inventory.py, names what is left.
What a real account adds:

* guards before anything is made: credentials, `--confirm-account` naming the account they
  belong to, a Region, the account, Region and a cost estimate (tools/aws_live_cost.py, from
  figures.toml) printed, and an account that holds nothing with the site's names or tags and
  nothing that stop-and-clean-up's sweep for an account of one's own would delete (SWEPT);
* after each page, everything new must carry the reader's owner tag (AWS's own service-linked
  roles aside), so that the clean-ups, which find things by that tag, find it;
* every clean-up and the audit run whatever happens: a block that fails or hangs, Ctrl-C (SIGINT,
  or SIGTERM as GitHub sends when a job is cancelled), or the time limit (`--time-limit`, of which
  the clean-up keeps `--cleanup-minutes`; past it, the clean-up stops and the audit runs). The
  shells run in sessions of their own, so Ctrl-C reaches only this program, which stops the day's
  shell and cleans up; a second Ctrl-C is ignored;
* each shell gets the caller's credentials as environment variables (a sign-in stand-in's example
  keys are dropped and its Region becomes the run's), and AWS CLI version 2 when one is on PATH.

    nox -s aws-live -- --dry-run                                   # the plan and its cost
    nox -s aws-live -- --confirm-account 111122223333              # run it
    nox -s aws-live -- --confirm-account 111122223333 --capture    # and keep what AWS printed
    nox -s aws-live -- --confirm-account 111122223333 --cleanup-only

Exit status: 0 all went well, 1 something failed or was left, 2 refused to start, 130 stopped by
Ctrl-C (after the clean-up and the audit). tests/aws/test_live.py runs it against the emulator
(`--endpoint-url`), with a fixture site (`--index`) for each guard.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "aws"), str(ROOT / "_ext"), str(Path(__file__).parent)]

import boto3  # noqa: E402
import botocore.exceptions  # noqa: E402
from aws_live_capture import PROVENANCE, record_provenance, satisfy_marks, write_outputs  # noqa: E402
from aws_live_cost import CostError, estimate  # noqa: E402
from aws_live_plan import Walk, describe, plan  # noqa: E402
from inventory import OWNER_KEY, inventory  # noqa: E402
from test_first_analysis import REGION as TUTORIAL_REGION  # noqa: E402
from test_tour import TOURS  # noqa: E402
from tour import PLACEHOLDERS, PYTHON_BIN, Shell, ShellError, Step, reader_env  # noqa: E402

DONE, FAILED, REFUSED, INTERRUPTED = 0, 1, 2, 130
TIME_LIMIT, CLEANUP, BLOCK = 120.0, 40.0, 15.0  # minutes: the whole run, the clean-up's share, one block
SITE = "crashcourse"  # every name the site gives starts so; its tags are crashcourse and crashcourse:owner
# What stop-and-clean-up's `cleanup-alone-delete` deletes in the Region whoever made it (an account
# the reader owns alone), as tests/aws/inventory.py names them: a run needs an account without any.
SWEPT = ("ec2 instance:", "Spot request:", "NAT gateway:", "Elastic IP:", "EFS file system:", "EBS volume:",
         "EBS snapshot:")
# Roles AWS makes for itself the first time a service needs one (a Spot request, a file system), with
# no tag of the reader's; they cost nothing. IAM User Guide, "Using service-linked roles":
# https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
SERVICE_LINKED = "IAM role:AWSServiceRoleFor"


class Stopped(BaseException):
    """Day one ends here: `why` says why (a block failed, Ctrl-C, the time limit). A BaseException,
    as KeyboardInterrupt is, so that no `except Exception` on the way (in botocore, say) swallows it."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class TimeLimit(Stopped):
    def __init__(self):
        super().__init__("the time limit")


class Interrupted(Stopped):
    pass


# -- What runs the shells ---------------------------------------------------------------------------


def find_cli(path: str) -> tuple[Path | None, str]:
    """The first `aws` on `path` that is AWS CLI version 2, or else the first at all; and its version."""
    found = []
    for folder in path.split(os.pathsep):
        exe = Path(folder or ".") / "aws"
        if exe.is_file() and os.access(exe, os.X_OK) and exe not in (f for f, _ in found):
            result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
            version = (result.stdout + result.stderr).split(" ", 1)[0].strip()
            found.append((exe, version))
    return next((f for f in found if f[1].startswith("aws-cli/2.")), found[0] if found else (None, ""))


@dataclass
class Account:
    session: boto3.Session
    region: str
    endpoint: str | None
    identity: dict

    def client(self, service: str, region: str | None = None):
        return self.session.client(service, region_name=region or self.region, endpoint_url=self.endpoint)

    def inventory(self) -> set[str]:
        regions = dict.fromkeys([self.region, TUTORIAL_REGION])  # the run's, and the tutorial's (the CLI's fallback)
        return {item for r in regions for item in inventory(lambda s, r=r: self.client(s, r))}

    def credentials(self) -> dict[str, str]:
        frozen = self.session.get_credentials().get_frozen_credentials()  # refreshed when they can be
        found = {"AWS_ACCESS_KEY_ID": frozen.access_key, "AWS_SECRET_ACCESS_KEY": frozen.secret_key}
        return found | ({"AWS_SESSION_TOKEN": frozen.token} if frozen.token else {})


def site_items(items: set[str], identity: dict) -> list[str]:
    """What carries the site's names or tags (the caller's own role aside)."""
    role = identity["Arn"].split(":assumed-role/", 1)[1].split("/")[0] if ":assumed-role/" in identity["Arn"] else None
    tagged = [i for i in items if SITE in i.lower() or ("[owner " in i and "[owner none]" not in i)]
    return sorted(i for i in tagged if not (role and i.startswith(f"IAM role:{role} [")))


# -- The run ------------------------------------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    account: Account
    cli: Path
    walks: list[Walk]
    home: Path
    started_at: float = field(default_factory=time.monotonic)
    phase: str = "day one"
    problems: list[str] = field(default_factory=list)
    printed: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # walk -> page -> section -> text
    started: dict[str, list[str]] = field(default_factory=dict)  # walk -> the pages it started
    reader: str = ""
    stopped: str = ""
    shells: list[Shell] = field(default_factory=list)  # every shell started, ended when its day ends

    @property
    def day_ends(self) -> float:
        return self.started_at + 60 * (self.args.time_limit - self.args.cleanup_minutes)

    @property
    def hard_end(self) -> float:
        return self.started_at + 60 * self.args.time_limit

    def say(self, message: str) -> None:
        minutes, seconds = divmod(int(time.monotonic() - self.started_at), 60)
        print(f"[{minutes:02d}:{seconds:02d}] {message}", flush=True)

    def on_signal(self, number: int, _frame) -> None:
        name = "Ctrl-C" if number == signal.SIGINT else signal.Signals(number).name
        if self.phase == "day one":
            self.phase = "stopping"
            raise Interrupted(name)
        self.stopped = self.stopped or name  # no day one starts after this clean-up
        # Not print(): the signal may arrive while print() writes, which it cannot re-enter.
        os.write(sys.stdout.fileno(), f"{name}: ignored; every clean-up and the audit run to their end, "
                                      "within the time limit\n".encode())

    def shell(self, walk: Walk, elsewhere: str = "") -> Shell:
        home = self.home / walk.name / elsewhere
        home.mkdir(parents=True, exist_ok=True)
        env = reader_env(self.account.endpoint or "", home, PYTHON_BIN)
        if not self.account.endpoint:
            env.pop("AWS_ENDPOINT_URL")
        env["PATH"] = os.pathsep.join([str(self.cli.parent), str(PYTHON_BIN), "/usr/local/bin", "/usr/bin", "/bin"])
        shell = Shell(self.args.shell, env | self.account.credentials(), home, detached=True)
        self.shells.append(shell)
        return shell

    def paste(self, walk: Walk, shell: Shell, step: Step, deadline: float) -> str:
        """Paste one block: "ok", "failed", or "stuck" (the shell no longer answers). Raises TimeLimit
        when `deadline` has passed, before or during the block."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeLimit()
        self.say(f"{walk.name}: {step.where()} {step.section.name}")
        try:
            out, failed = shell.paste(step.code, timeout=min(60 * self.args.block_minutes, left))
        except ShellError as e:
            if time.monotonic() >= deadline:
                raise TimeLimit() from None
            self.problems.append(f"{step.where()}: [{shell.kind}] section {step.section.name!r} {e}\n{shell.stderr()}")
            return "stuck"
        if not step.section.reason:  # a stand-in's output is not the step's: never captured
            self.printed.setdefault(walk.name, {}).setdefault(step.guide, {})[step.section.name] = out
        if failed:
            self.problems.append(f"{step.where()}: [{shell.kind}] section {step.section.name!r}: a command failed "
                                 f"(exit {', '.join(failed)}):\n{shell.stderr()}")
            return "failed"
        return "ok"

    def follow(self, walk: Walk, seen: set[str]) -> set[str]:
        """Day one: every page in one terminal (a page's `again-*` blocks in a new one); after each
        page, what it made must carry the owner tag. Raises Stopped."""
        terminal = self.shell(walk)
        try:
            for page in walk.day_one:
                self.started.setdefault(walk.name, []).append(page.name)
                later = own = None
                try:
                    if page.elsewhere:
                        carried = "".join(f"{name}={shlex.quote(terminal.value(name))}\n" for name in page.carry)
                        own = self.shell(walk, page.elsewhere)
                    for n, step in enumerate(page.blocks):
                        if step.section.again and not own:
                            later = later or self.shell(walk)
                        shell = own or (later if step.section.again else terminal)
                        if self.paste(walk, shell, step, self.day_ends) != "ok":
                            raise Stopped(f"a block of {page.name} failed")
                        if own and n == 0 and carried:
                            own.paste(carried)
                finally:
                    for shell in (later, own):
                        if shell:
                            shell.kill()
                now = self.account.inventory()
                self.problems += [f"{page.name} made something without the {OWNER_KEY} tag: {item}"
                                  for item in sorted(now - seen) if "[owner none]" in item and not item.startswith(SERVICE_LINKED)]
                seen = now
            with contextlib.suppress(ShellError):
                self.reader = self.reader or terminal.value("READER")
        finally:
            terminal.kill()
        return seen

    def clean_up(self, walk: Walk, pages: list[str]) -> None:
        """The next day: each started page's clean-up in a new terminal, last page first, then the
        sweep; a block that fails or hangs does not stop the others; the time limit does."""
        todo = [walk.cleanups[p] for p in reversed(pages) if p in walk.cleanups] + [walk.sweep]
        for page in todo:
            shell = None
            try:
                for step in page.blocks:
                    shell = shell or self.shell(walk)
                    if self.paste(walk, shell, step, self.hard_end) == "stuck":
                        shell.kill()
                        shell = None
            except TimeLimit:
                left = [s.where() for p in todo[todo.index(page):] for s in p.blocks]
                self.problems.append(f"the time limit ended the clean-up; cut short or not run: {', '.join(left)}")
                return
            except Exception:  # the next page's clean-up runs all the same
                self.problems.append(f"the clean-up of {page.name} stopped on an error:\n{traceback.format_exc()}")
            finally:
                if shell:
                    shell.kill()

    def go(self, before: set[str]) -> int:
        previous = {s: signal.signal(s, self.on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            seen = before
            for walk in self.walks:  # each walk cleaned up before the next starts: less lives at once
                if not self.args.cleanup_only and not self.stopped:
                    self.phase = "day one"
                    try:
                        seen = self.follow(walk, seen)
                    except Stopped as e:
                        self.stopped = e.why
                        self.say(f"Day one stopped: {e.why}. Cleaning up.")
                    except Exception as e:  # a fault here, or an answer from AWS it did not expect: clean up all the same
                        self.stopped = f"an error ({type(e).__name__})"
                        self.problems.append(f"day one of the {walk.name} stopped on an error:\n{traceback.format_exc()}")
                        self.say(f"Day one stopped: {self.stopped}. Cleaning up.")
                self.phase = "clean-up"
                for shell in self.shells:  # in case a signal cut a kill() short
                    shell.kill()
                started = [p.name for p in walk.day_one] if self.args.cleanup_only else self.started.get(walk.name, [])
                if started:
                    self.clean_up(walk, started)
            return self.audit(before)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def audit(self, before: set[str]) -> int:
        self.phase = "audit"
        try:
            after = self.account.inventory()
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.problems.append(f"the audit could not list the account: {e}")
            after = before
        new = after - before
        left = sorted(i for i in new | set(site_items(after, self.account.identity)) if not i.startswith(SERVICE_LINKED))
        for problem in self.problems:
            self.say(f"PROBLEM {problem}")
        kept = sorted(i for i in new if i.startswith(SERVICE_LINKED))
        if kept:
            self.say("Made by AWS for itself, kept (service-linked roles cost nothing): " + ", ".join(kept))
        self.say("Left in the account:\n  " + "\n  ".join(left) if left else "Left in the account: nothing.")
        if self.stopped.startswith(("Ctrl-C", "SIG")):
            return INTERRUPTED
        if self.problems or left or self.stopped:
            if self.args.capture:
                self.say("No capture: the run did not go through cleanly.")
            return FAILED
        if self.args.capture:
            self.capture()
        return DONE

    def capture(self) -> None:
        source = f"the endpoint {self.account.endpoint}" if self.account.endpoint else "aws"
        count = 0
        for walk in self.walks:
            written = write_outputs(self.printed.get(walk.name, {}), walk.outputs, walk.snippets,
                                    self.account.identity["UserId"], self.reader, walk.root)
            record_provenance(written, datetime.date.today(), self.args.cli_version, self.account.region, source,
                              walk.root / "rules" / PROVENANCE.name, walk.root)
            for line in satisfy_marks(written, walk.root):
                self.say(line)
            count += len(written)
        self.say(f"Captured {count} outputs; read `git diff` before you commit them.")


# -- Before it starts ---------------------------------------------------------------------------------


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nox -s aws-live --", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the plan and the cost estimate, and stop")
    parser.add_argument("--confirm-account", metavar="ID", help="the account ID the credentials belong to: required to run")
    parser.add_argument("--region", help="the Region (default: the credentials' profile or AWS_REGION)")
    parser.add_argument("--capture", action="store_true", help="write what AWS printed into the outputs folders")
    parser.add_argument("--cleanup-only", action="store_true", help="run every clean-up and the audit, nothing else")
    parser.add_argument("--shell", choices=("bash", "zsh"), default="bash")
    parser.add_argument("--until", metavar="PAGE", help="follow the guides up to PAGE only (a cheaper run)")
    parser.add_argument("--no-tutorial", dest="tutorial", action="store_false", help="leave the tutorial out")
    parser.add_argument("--email", default=PLACEHOLDERS["<email-address>"][1], help="the address pages ask for")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="MINUTES", help="the whole run's")
    parser.add_argument("--cleanup-minutes", type=float, default=CLEANUP, help="what the clean-up keeps of it")
    parser.add_argument("--block-minutes", type=float, default=BLOCK, help="the longest one block may take")
    parser.add_argument("--index", type=Path, default=TOURS["howto"][0], help=argparse.SUPPRESS)  # the tests' sites
    parser.add_argument("--endpoint-url", help=argparse.SUPPRESS)  # the tests' emulator
    args = parser.parse_args(argv)
    if not 0 < args.cleanup_minutes < args.time_limit:
        parser.error("--cleanup-minutes must be more than 0 and less than --time-limit")
    return args


def refuse(message: str) -> int:
    print(f"Refused: {message}", flush=True)
    return REFUSED


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    cli, args.cli_version = find_cli(os.environ.get("PATH", ""))
    session = boto3.Session(region_name=args.region) if args.region else boto3.Session()
    region = args.region or session.region_name or ("REGION" if args.dry_run else "")
    walks = plan(args, region)
    try:
        cost = estimate([f for w in walks for f in w.files], args.time_limit / 60)
    except CostError as e:
        return refuse(f"no cost estimate: {e}")
    where = f"{args.cli_version} ({cli})" if cli else "none on PATH"
    note = "" if args.cli_version.startswith("aws-cli/2.") else "; install AWS CLI version 2, which readers use"
    summary = [*describe(walks, args), f"AWS CLI: {where}{note}", *cost.lines()]
    if args.dry_run:
        print("\n".join(summary), flush=True)
        return DONE
    if not cli:
        return refuse("no `aws` on PATH")
    try:
        found = session.get_credentials()
    except botocore.exceptions.BotoCoreError as e:  # `aws login`'s credentials need boto3[crt], say
        found, why = None, f" ({e})"
    else:
        why = ""
    if found is None:
        return refuse(f"no AWS credentials that boto3 can read{why}. Sign in, then run again; after `aws login`, "
                      'export them first: eval "$(aws configure export-credentials --format env)"')
    if not region:
        return refuse("no Region: pass --region, or set one in your profile or AWS_REGION.")
    account = Account(session, region, args.endpoint_url, {})
    try:
        account.identity = account.client("sts").get_caller_identity()
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        return refuse(f"the credentials do not work: {e}")
    print("\n".join([f"Account {account.identity['Account']} as {account.identity['Arn']}, Region {region}", *summary]),
          flush=True)
    if args.confirm_account != account.identity["Account"]:
        return refuse(f"this costs money in account {account.identity['Account']}: to go ahead, pass "
                      f"--confirm-account {account.identity['Account']}")
    if args.capture and region != "us-east-1":
        return refuse("--capture needs the Region the pages show, us-east-1")
    before = account.inventory()
    if not args.cleanup_only:
        present = site_items(before, account.identity) + sorted(i for i in before if i.startswith(SWEPT))
        if present:
            return refuse("the account already holds what the run would make, find or sweep away (it needs a "
                          "sandbox account with none of these):\n  " + "\n  ".join(dict.fromkeys(present)))
    with tempfile.TemporaryDirectory(prefix="aws-live-") as home:
        return Run(args, account, cli, walks, Path(home)).go(before)


if __name__ == "__main__":
    sys.exit(main())
