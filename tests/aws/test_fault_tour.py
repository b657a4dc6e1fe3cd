"""The reader's tour once more, on a new account as AWS treats one (`nox -s aws -- -k fault_tour`).

The proxy of faults.py stands between the reader's `aws` and the emulator. The account is on the
Free plan (AWS Free Tier answers `FREE`, and a launch of a type that is not free-tier eligible is
refused), and when the tour reaches a page that launches an instance or gives one an instance
profile, the proxy refuses that page's launches and associations as AWS refuses a new account's
(NEW_ACCOUNT): `PendingVerification` for the account's first launches, `Invalid IAM Instance
Profile name` for a profile just created, throttling (`RequestLimitExceeded`) in runs longer than
the AWS CLI's own retries absorb, a full vCPU quota, no Spot capacity, a full Spot quota. In one
bash and one zsh, as the reader's tour does (test_tour.py's `tour`, clean-up and audit included):

* each block the proxy refused either recovers by itself (the last launch or association it asked
  for went through) or stops where NEW_ACCOUNT says its page tells the reader it stops: with AWS's
  error code, which the page names, and a last line that the page shows word for word. Then the
  tour clears the fault, as the reader's wait or quota request would, and pastes the block again,
  which is the retry those pages give;
* every fault armed on a page is met there, so a page that stops making the call, or a fault
  that no longer matches it, fails instead of passing untested;
* every guide that launches, requests Spot, creates an instance profile or associates one is
  in NEW_ACCOUNT.

It runs those guides and the pages they need (PREREQUISITES), not the whole index: the other
pages neither launch nor meet these faults, and the full tour already runs them on every push
(docs/checks.md says what that saves). The reader's `sleep` returns at once here and notes what it
was asked for: the faults are counted in requests, not seconds, so no outcome depends on how long
a block waits (tests/test_first_analysis_blocks.py checks how long each launch block would wait).
`TOUR_TIMES=1` prints each run's time and the waits the reader would have sat through.

Fixtures: a launch with no retry, and one that gives up too soon, fail under injection (and the
first passes without it); a stop its page does not show is named; a launching guide left out of
NEW_ACCOUNT is named.
"""

from __future__ import annotations

import os
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT
from faults import (ANSWERED, PROFILE_USERS, Fault, InsufficientInstanceCapacity, MaxSpotInstanceCountExceeded,
                    PendingVerification, ProfileNotYetVisible, Proxy, RequestLimitExceeded, VcpuLimitExceeded)
from permissions import shell_calls
from test_tour import TOURS, tour
from test_tour_checks import SIGN_IN, site


@dataclass
class Stop:
    """A block that stops, as its page says it does, when AWS answers `code`."""

    section: str
    code: str


@dataclass
class Page:
    """What the tour meets on one page: the faults armed when it starts, and where it stops."""

    faults: Callable[[], list[Fault]]  # new Fault objects for each run
    stops: list[Stop] = field(default_factory=list)


# A new account, page by page, in the order of howto/index.md.
NEW_ACCOUNT = {
    # The account's first launches: still being verified, then throttled past the CLI's retries.
    "launch-instance": Page(lambda: [PendingVerification(times=3), RequestLimitExceeded(times=6)]),
    # The new profile, twice unknown to EC2; then the On-Demand vCPU quota is full.
    "session-manager": Page(lambda: [ProfileNotYetVisible(times=2), VcpuLimitExceeded()],
                            [Stop("launch", "VcpuLimitExceeded")]),
    # The Free plan (the page must pick an eligible type), the new profile, throttling, then no Spot
    # capacity, then a full Spot quota.
    "spot-instances": Page(lambda: [ProfileNotYetVisible(times=1), RequestLimitExceeded(times=6),
                                    InsufficientInstanceCapacity(), MaxSpotInstanceCountExceeded()],
                           [Stop("launch-spot", "InsufficientInstanceCapacity"),
                            Stop("launch-spot", "MaxSpotInstanceCountExceeded")]),
    # The new profile, twice unknown to EC2 when associated, then throttled.
    "instance-role-s3": Page(lambda: [ProfileNotYetVisible(times=2), RequestLimitExceeded(times=6)]),
}
# The pages before them that they need, and why. launch-instance and session-manager, which
# instance-role-s3 needs (the instance, and its first profile), are in NEW_ACCOUNT already.
PREREQUISITES = {
    "set-up-cli": "signs the reader in and sets the Region",
    "choose-region": "the Region the reader chose, as the later pages read it",
}
# The calls a guide in NEW_ACCOUNT makes: launches, Spot requests, and instance profiles made or used.
FAULTED_CALLS = {("ec2", "RunInstances"), ("ec2", "RequestSpotInstances"), ("iam", "CreateInstanceProfile"),
                 ("ec2", "AssociateIamInstanceProfile"), ("ec2", "ReplaceIamInstanceProfileAssociation")}


def launching_pages(snippets: Path) -> dict[str, str]:
    """The pages whose snippets make a call of FAULTED_CALLS: page -> where the first one is."""
    found = {}
    for path in sorted(snippets.glob("*.sh")):
        for call in shell_calls(path, {}):
            if (call.service, call.operation) in FAULTED_CALLS:
                found.setdefault(path.stem, call.where)
    return found


def page_text(page: Path) -> str:
    """A page's words as markdown-it parses them (text and inline code), whitespace made single."""
    words = []
    for token in MarkdownIt().parse(page.read_text()):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
    return " ".join(" ".join(words).split())


class NewAccount:
    """The tour's `under` (see test_tour.py's `tour`): the new account, page by page."""

    def __init__(self, proxy: Proxy, shell: str, workdir: Path, scenario: dict[str, Page],
                 prerequisites: dict[str, str], pages_dir: Path):
        self.proxy, self.shell, self.scenario, self.pages_dir = proxy, shell, scenario, pages_dir
        self.keep = set(scenario) | set(prerequisites)
        self.proxy.plan = "FREE"
        self.bin = workdir / "fault-bin"
        self.bin.mkdir(parents=True)
        self.waits = workdir / "sleeps.log"
        self.waits.write_text("")
        sleep = self.bin / "sleep"  # a `sleep` that notes its request and returns at once
        sleep.write_text(f'#!/bin/sh\necho "$1" >> "{self.waits}"\n')
        sleep.chmod(0o755)
        self.page, self.armed, self.expected, self.mark = "", [], [], 0

    def pages(self, files: list[Path]) -> list[Path]:
        return [f for f in files if f.stem in self.keep]

    def env(self, env: dict[str, str]) -> dict[str, str]:
        return {**env, "PATH": f"{self.bin}{os.pathsep}{env['PATH']}"}

    def before(self, page: str) -> None:
        self._page_done()
        self.page = page
        self.armed = self.scenario[page].faults() if page in self.scenario else []
        self.expected = list(self.scenario[page].stops) if page in self.scenario else []
        self.proxy.arm(*self.armed)
        self.mark = len(self.proxy.log)

    def day_two(self) -> None:
        self._page_done()

    def _page_done(self) -> None:
        if self.page:
            where = f"{self.pages_dir.relative_to(ROOT) if self.pages_dir.is_relative_to(ROOT) else self.pages_dir}/{self.page}.md"
            if never := [f.code for f in self.armed if not f.refused]:
                pytest.fail(f"{where}:1: [{self.shell}] the fault tour armed {', '.join(never)} on this page and "
                            "no call met it: the page no longer makes the call, or NEW_ACCOUNT no longer matches it",
                            pytrace=False)
            if self.expected:
                pytest.fail(f"{where}:1: [{self.shell}] the page never stopped on {self.expected[0].code} in "
                            f"section {self.expected[0].section!r}, as NEW_ACCOUNT says it does", pytrace=False)
        self.proxy.clear()
        self.page, self.armed = "", []

    def _last_retried(self) -> tuple[str, str | None] | None:
        """The last launch or association the block asked for since the mark: (operation, refusal)."""
        asked = [entry for entry in self.proxy.log[self.mark:] if entry[0] in PROFILE_USERS]
        return asked[-1] if asked else None

    def after(self, step, out: str, again: Callable[[], str]) -> None:
        at = f"{step.where()}: [{self.shell}] section {step.section.name!r}"
        md = self.pages_dir / f"{step.guide}.md"
        while self.expected and self.expected[0].section == step.section.name:
            stop = self.expected.pop(0)
            last = self._last_retried()
            if not last or last[1] != stop.code:
                pytest.fail(f"{at} should stop on {stop.code}, as its page says, but its last launch or "
                            f"association {'went through' if last and not last[1] else 'was refused with ' + str(last and last[1])}:\n{out}",
                            pytrace=False)
            shown = page_text(md) if md.is_file() else ""
            line = next((line.strip() for line in reversed(out.splitlines()) if line.strip()), "")
            missing = [] if stop.code in shown else [f"the error {stop.code}"]
            missing += [] if " ".join(line.split()) in shown else [f"its last line, {line!r}"]
            if missing:
                pytest.fail(f"{at} stops on {stop.code}, and {md.name} does not show {' or '.join(missing)}:\n{out}",
                            pytrace=False)
            self.proxy.clear(stop.code)  # the reader waited, or had the quota raised: paste it again
            self.mark = len(self.proxy.log)
            out = again()
        last = self._last_retried()
        if last and last[1]:
            pytest.fail(f"{at} gave up after {last[1]} (its last {last[0]} was refused), which its page does not "
                        f"list as a stop in NEW_ACCOUNT: it must try again until it goes through\n{out}", pytrace=False)
        self.mark = len(self.proxy.log)

    def waited(self) -> int:
        return sum(int(w) for w in self.waits.read_text().split() if w.isdigit())


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_fault_tour(shell, emulator, tmp_path):
    index, snippets, _ = TOURS["howto"]
    account = NewAccount(emulator, shell, tmp_path, NEW_ACCOUNT, PREREQUISITES, index.parent)
    started = time.monotonic()
    tour(index, snippets, shell, emulator.url, tmp_path, under=account)
    if os.environ.get("TOUR_TIMES"):
        print(f"\n[{shell}] fault tour: {time.monotonic() - started:.0f} s; the reader would have waited "
              f"{account.waited()} s more in `sleep`; refused: "
              f"{sorted({code for _, code in emulator.log if code})}")


def test_every_launching_guide_is_in_the_fault_tour():
    _, snippets, _ = TOURS["howto"]
    left_out = {page: where for page, where in launching_pages(snippets).items() if page not in NEW_ACCOUNT}
    assert not left_out, "\n".join(f"{where}: {page} launches or uses an instance profile; add it to NEW_ACCOUNT "
                                   "in tests/aws/test_fault_tour.py" for page, where in left_out.items())


def test_every_answer_of_the_proxy_is_a_registered_divergence():
    registry = tomllib.loads((ROOT / "rules" / "divergences.toml").read_text())
    known = {(d["service"], d["operation"]) for d in registry.get("divergence", [])}
    assert ANSWERED <= known, f"rules/divergences.toml: no entry for {sorted(ANSWERED - known)}, which tests/aws/faults.py answers"


# --- fixtures ---------------------------------------------------------------------------------

IMAGE = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
CLEANUP = """
# [start cleanup]
for id in $(aws ec2 describe-instances --query 'Reservations[].Instances[].InstanceId' --output text); do
  aws ec2 terminate-instances --instance-ids "$id" --query 'TerminatingInstances[0].CurrentState.Name' --output text
done
# [end cleanup]
"""
BARE_LAUNCH = f"""# [start launch]
BOX_ID=$(aws ec2 run-instances --image-id {IMAGE} --instance-type t3.micro \\
  --query 'Instances[0].InstanceId' --output text)
echo "$BOX_ID"
# [end launch]
""" + CLEANUP
# The Spot guide's loop before this tour: six tries, ten seconds apart, whatever the error.
SIX_TRIES = f"""# [start launch]
for attempt in 1 2 3 4 5 6; do
  BOX_ID=$(aws ec2 run-instances --image-id {IMAGE} --instance-type t3.micro \\
    --query 'Instances[0].InstanceId' --output text) && break
  echo "Try $attempt of 6 failed; trying again in 10 seconds."
  sleep 10
done
# [end launch]
""" + CLEANUP
STOPS = f"""# [start launch]
if BOX_ID=$(aws ec2 run-instances --image-id {IMAGE} --instance-type t3.micro \\
    --query 'Instances[0].InstanceId' --output text 2>&1); then
  echo "$BOX_ID"
else
  echo "$BOX_ID"
  echo "Stopped: ask for more"
fi
# [end launch]
""" + CLEANUP


def fault_site(tmp_path: Path, emulator: Proxy, page: str, scenario: dict[str, Page], shown: str = "") -> None:
    """Follow a fixture site (a sign-in page, then `page`, with `shown` as its page's text) under
    `scenario`, in bash."""
    index, snippets = site(tmp_path / "site", ("sign-in", SIGN_IN), ("launch", page))
    (index.parent / "launch.md").write_text(f"# Launch\n\n{shown}\n")
    (tmp_path / "run").mkdir(parents=True)
    account = NewAccount(emulator, "bash", tmp_path / "run", scenario, {"sign-in": "signs in"}, index.parent)
    tour(index, snippets, "bash", emulator.url, tmp_path / "run", under=account)


def test_a_launch_with_no_retry_fails_under_injection(emulator, tmp_path):
    fault_site(tmp_path / "plain", emulator, BARE_LAUNCH, {"launch": Page(lambda: [])})  # passes as it is
    with pytest.raises(pytest.fail.Exception, match=r"snippets/launch\.sh:1: \[bash\] section 'launch': a command failed"):
        fault_site(tmp_path / "faulty", emulator, BARE_LAUNCH, {"launch": Page(lambda: [PendingVerification(times=1)])})


def test_a_launch_that_gives_up_too_soon_is_named(emulator, tmp_path):
    with pytest.raises(pytest.fail.Exception, match=r"snippets/launch\.sh:1: \[bash\] section 'launch' gave up after "
                                                    r"PendingVerification \(its last RunInstances was refused\)"):
        fault_site(tmp_path, emulator, SIX_TRIES, {"launch": Page(lambda: [PendingVerification(times=10)])})


def test_a_stop_its_page_does_not_show_is_named(emulator, tmp_path):
    scenario = {"launch": Page(lambda: [VcpuLimitExceeded()], [Stop("launch", "VcpuLimitExceeded")])}
    fault_site(tmp_path / "shown", emulator, STOPS, scenario, "If it prints `Stopped: ask for more` after `VcpuLimitExceeded`, ask.")
    with pytest.raises(pytest.fail.Exception, match=r"section 'launch' stops on VcpuLimitExceeded, and launch\.md does "
                                                    r"not show its last line, 'Stopped: ask for more'"):
        fault_site(tmp_path / "unshown", emulator, STOPS, scenario, "If you see `VcpuLimitExceeded`, ask.")


def test_a_launching_guide_left_out_is_named(tmp_path):
    (tmp_path / "new-guide.sh").write_text(BARE_LAUNCH)
    assert launching_pages(tmp_path) == {"new-guide": f"{tmp_path / 'new-guide.sh'}:2"}
