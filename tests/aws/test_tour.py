"""The reader's tour (`pytest -k tour`): every guide, as a reader follows the site, on an empty account.

In one interactive shell, with nothing exported, the tour pastes each page's command blocks
in the order its index lists the pages (stop-and-clean-up comes last, from a new terminal);
a page's ``again-*`` blocks, which the reader pastes on a later day, go into a new shell.
The next day's clean-up runs each page's clean-up blocks in a NEW shell of their own, which
knows none of the tour's variables, and then the whole of stop-and-clean-up. Then an audit of
the emulated account names anything left that would bill, and which page made it. Shown
outputs (``outputs/<page>/<section>.txt``) must be what the tour printed, in both shells.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import time
from collections import defaultdict
from pathlib import Path

import boto3
import pytest

from conftest import OUTPUTS, ROOT, Normalizer
from inventory import inventory, owner_of
from motofork import fired
from provenance import capture, live
from s3rules import valid_bucket_name
from tour import IDENTITY_SHOWN, PYTHON_BIN, READER_VALUES, Shell, ShellError, linked_pages, reader_env, steps

CLEAN_UP_LAST = "stop-and-clean-up"
TOURS = {
    # name: (index page, snippets folder, outputs folder)
    "howto": (ROOT / "howto" / "index.md", ROOT / "howto" / "snippets", OUTPUTS),
    # The tutorial's tour, with its public data and the commands typed on the instance, is
    # tests/aws/test_first_analysis.py, built from the same parts.
}
REGIONS = (READER_VALUES["us-east-1"], "us-east-1")  # the reader's Region, and the CLI's fallback
CAPTURED_BY = {"cli": f"aws-cli/{importlib.metadata.version('awscli')}",  # for the outputs' provenance
               "emulator": f"moto {importlib.metadata.version('moto')}"}


class Printed(defaultdict):
    """What each page's sections printed ({page: {section: text}}), and in `corrected` the corrections
    of rules/divergences.toml that fired while each section ran ({page: {section: set of names}})."""

    def __init__(self):
        super().__init__(dict)
        self.corrected: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))


def pages_of(index: Path, snippets: Path) -> list[Path]:
    """The snippet files of the pages an index lists, in its order."""
    if not index.is_file():
        return []
    return [snippets / f"{name}.sh" for name in linked_pages(index) if (snippets / f"{name}.sh").is_file()]


def client(endpoint: str, service: str, region: str = REGIONS[0]):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )


class Tour:
    def __init__(self, shell: str, endpoint: str, home: Path):
        self.kind, self.endpoint, self.home = shell, endpoint, home
        self.env = reader_env(endpoint, home, PYTHON_BIN)
        self.printed = Printed()
        self.made_by: dict[str, str] = {}  # resource -> the page whose steps made it
        self.problems: list[str] = []
        self.seconds: dict[str, float] = {}  # how long each block took (TOUR_TIMES=1 prints them)

    def resources(self) -> set[str]:
        return {item for region in REGIONS for item in inventory(lambda s, r=region: client(self.endpoint, s, r))}

    def run(self, shell: Shell, step) -> str:
        started, corrections = time.monotonic(), len(fired(self.endpoint))
        try:
            out, failed = shell.paste(step.code)
        except ShellError as e:
            pytest.fail(f"{step.where()}: [{self.kind}] section {step.section.name!r} {e}\n{shell.stderr()}", pytrace=False)
        self.printed[step.guide][step.section.name] = out
        self.printed.corrected[step.guide][step.section.name].update(fired(self.endpoint)[corrections:])
        self.seconds[step.where()] = time.monotonic() - started
        if failed:
            pytest.fail(
                f"{step.where()}: [{self.kind}] section {step.section.name!r}: a command failed "
                f"(exit {', '.join(failed)}):\n{shell.stderr()}",
                pytrace=False,
            )
        return out

    def attribute(self, before: set[str], page: str) -> set[str]:
        after = self.resources()
        for item in after - before:
            self.made_by.setdefault(item, page)
        return after


@pytest.mark.parametrize("shell", ["bash", "zsh"])
@pytest.mark.parametrize("name", list(TOURS))
def test_tour(name, shell, fresh_account, tmp_path):
    index, snippets, outputs = TOURS[name]
    if not pages_of(index, snippets):
        pytest.skip(f"{index.relative_to(ROOT)} lists no page with commands")
    printed = tour(index, snippets, shell, fresh_account, tmp_path)
    check_outputs(outputs, shell, printed)


def tour(index: Path, snippets: Path, shell: str, endpoint: str, tmp_path: Path,
         until: str | None = None, under=None) -> dict[str, dict[str, str]]:
    """Follow every page `index` lists, then clean up; fail naming file:line; return what was printed.

    With `until` (a page's name), as one guide's output test follows it (shown_outputs.py), the
    tour stops after that page, and the next day runs that page's clean-up alone (the first the
    full tour runs, the pages after it never having been followed) and no audit: the full tour
    checks the other clean-ups and what is left. Stop-and-clean-up's is the full tour.

    With `under` (test_fault_tour.py's new account), the tour follows the pages it picks, in the
    reader's terminal as changed by it, and tells it when each page starts, what each block printed
    (with a way to paste the block again) and when day two comes.
    """
    files = pages_of(index, snippets)
    files = under.pages(files) if under else files
    home = tmp_path / "home"
    home.mkdir()
    t = Tour(shell, endpoint, home)
    t.env = under.env(t.env) if under else t.env
    partial = bool(until) and until != CLEAN_UP_LAST
    defaults = set() if partial else t.resources()

    # Day one: one terminal, every page in the index's order.
    forward = [f for f in files if f.stem != CLEAN_UP_LAST]
    if partial:
        forward = forward[: [f.stem for f in forward].index(until) + 1]
        files = forward
    if skip := os.environ.get("TOUR_SKIP"):  # while someone else edits those pages (never in CI)
        files = [f for f in files if f.stem not in skip.split(",")]
        forward = [f for f in forward if f.stem not in skip.split(",")]
    terminal = Shell(shell, t.env, home)
    seen = defaults
    try:
        for path in forward:
            later = None  # `again-*` steps: the reader comes back in a new terminal
            if under:
                under.before(path.stem)
            try:
                for step in steps(path, cleanup=False):
                    if step.section.again:
                        later = later or Shell(shell, t.env, home)
                        t.run(later, step)
                    else:
                        out = t.run(terminal, step)
                        if under:
                            under.after(step, out, lambda step=step: t.run(terminal, step))
            finally:
                if later:
                    later.close()
            if not partial:
                seen = t.attribute(seen, path.stem)
    finally:
        terminal.close()

    # Real S3 refuses names the emulator accepts.
    for bucket in client(endpoint, "s3").list_buckets()["Buckets"]:
        for reason in valid_bucket_name(bucket["Name"]):
            made_by = next((page for item, page in t.made_by.items() if item.startswith(f"s3:{bucket['Name']} ")), None)
            t.problems.append(f"bucket {bucket['Name']!r}, made by {made_by}: {reason}")

    # Day two: a new terminal for each page's clean-up, then stop-and-clean-up as a last sweep.
    if under:
        under.day_two()
    for path in forward[-1:] if partial else [*reversed(forward), *(f for f in files if f.stem == CLEAN_UP_LAST)]:
        blocks = steps(path, cleanup=True)
        if path.stem == CLEAN_UP_LAST:
            blocks = steps(path, cleanup=False) + blocks
        terminal = Shell(shell, t.env, home)
        try:
            for step in blocks:
                t.run(terminal, step)
        finally:
            terminal.close()

    # Nothing left that bills.
    left = [] if partial else sorted(t.resources() - defaults, key=lambda item: (owner_of(item), item))
    t.problems += [f"left in the account after every clean-up, owner {owner_of(item)}: {item}, "
                   f"made by {t.made_by.get(item, 'no page')}" for item in left]
    if os.environ.get("TOUR_TIMES"):
        slowest = sorted(t.seconds.items(), key=lambda kv: -kv[1])[:20]
        print(f"\n[{shell}] {sum(t.seconds.values()):.0f} s in {len(t.seconds)} blocks; slowest:")
        print("\n".join(f"  {seconds:6.1f} s  {where}" for where, seconds in slowest))
    assert not t.problems, f"[{shell}] " + f"\n[{shell}] ".join(t.problems)
    return t.printed


def check_outputs(outputs: Path, shell: str, printed: dict[str, dict[str, str]]) -> None:
    """Each output a page shows is what the tour printed (IDs and times swapped for example values).
    UPDATE_OUTPUTS=1 writes them, with their provenance (_ext/provenance.py); an output captured on
    AWS whose section has not changed since is neither written nor compared: the live capture wins."""
    corrected = getattr(printed, "corrected", {})
    update = os.environ.get("UPDATE_OUTPUTS") == "1" and shell == "bash"
    wrong, pages = [], []
    for page, sections in printed.items():
        names = Normalizer()
        for section, text in sections.items():
            shown = outputs / page / f"{section}.txt"
            actual = reader_values_shown(names(text))
            if not shown.is_file():
                continue
            if update:
                capture(shown, actual, source="emulator", corrected=corrected.get(page, {}).get(section, ()), **CAPTURED_BY)
            elif live(shown):
                continue
            elif shown.read_text() != actual:
                wrong.append(f"{shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown}:1: [{shell}] the page shows output that the command no "
                             f"longer prints; it now prints:\n{actual}")
                pages += [page] if page not in pages else []
    refresh = " or ".join(f"`UPDATE_OUTPUTS=1 nox -s aws -- -k test_{page.replace('-', '_')}`" for page in pages)
    assert not wrong, "\n".join(wrong) + f"\n(to refresh them, run {refresh}, then read `git diff`)"


def reader_values_shown(text: str) -> str:
    """Put back the values the page shows where the tour used a reader's own (its Region, say)."""
    for shown, used in READER_VALUES.items():
        text = text.replace(used, shown)
    for shown, used in IDENTITY_SHOWN.items():  # the emulator's caller, as a documented reader
        text = re.sub(rf"(?<![A-Za-z0-9]){used}(?![a-z0-9])", shown, text)
    return re.sub(r"\beuw2-az(\d)\b", r"use1-az\1", text)  # AZ IDs of eu-west-2 as us-east-1's
