"""The live run's plan (tools/aws_live.py): which blocks it pastes, in which terminal, in which order.

It is the emulator's tour, read by the tour's own code (tests/aws/tour.py `steps`, test_tour.py
`pages_of`, test_first_analysis.py `lesson`), with what a real account changes: a sign-in stand-in's
example keys dropped (each shell has the caller's credentials) and its Region made the run's.
"""

from __future__ import annotations

import argparse
import itertools
import re
from dataclasses import dataclass, replace
from pathlib import Path

from conftest import ROOT
from test_first_analysis import INSTANCE, LAPTOP, RESUME, lesson
from test_first_analysis import OUTPUTS as TUTORIAL_OUTPUTS
from test_tour import CLEAN_UP_LAST, pages_of
from tour import Step, steps

CREDENTIAL_SETTING = re.compile(r"^aws configure set (aws_access_key_id|aws_secret_access_key|aws_session_token) ")


@dataclass
class Page:
    name: str
    blocks: list[Step]
    elsewhere: str = ""  # pasted into a shell of its own, with a HOME of this name (the instance's)
    carry: tuple[str, ...] = ()  # variables that shell takes from the day's terminal after its first block


@dataclass
class Walk:
    """One tour: the guides, or the tutorial; each in a HOME of its own, as two readers' terminals."""

    name: str
    files: list[Path]  # the snippet files it pastes from (for the estimate)
    outputs: Path
    snippets: Path
    root: Path  # the repository (or fixture site) whose rules/ the capture updates
    day_one: list[Page]
    cleanups: dict[str, Page]  # a page's own clean-up, run the next day for each page started
    sweep: Page  # the last clean-up, run whenever the walk started


def live_steps(blocks: list[Step], region: str) -> list[Step]:
    """The blocks as a real account pastes them: a stand-in's example keys dropped (each shell has
    the caller's own credentials), its Region made the run's; a stand-in left empty, left out."""
    out = []
    for step in blocks:
        if step.section.reason:  # a not-emulated section: `steps` gave its stand-in
            parts = [p.strip() for p in step.code.strip().split(" && ")]
            parts = [re.sub(r"^aws configure set region \S+$", f"aws configure set region {region}", p)
                     for p in parts if not CREDENTIAL_SETTING.match(p)]
            if not parts:
                continue
            step = replace(step, code=" && ".join(parts) + "\n")
        out.append(step)
    return out


def guides(index: Path, values: dict[str, str], region: str, until: str | None) -> Walk:
    """The guides an index lists, as the tour follows them (test_tour.py)."""
    snippets = index.parent / "snippets"
    files = pages_of(index, snippets)
    forward = [f for f in files if f.stem != CLEAN_UP_LAST]
    if until:
        names = [f.stem for f in forward]
        if until not in names:
            raise SystemExit(f"--until {until}: {index} lists no such page with commands ({', '.join(names)})")
        forward = forward[: names.index(until) + 1]
    last = [f for f in files if f.stem == CLEAN_UP_LAST]
    return Walk(
        "guides", forward + last, index.parent / "outputs", snippets, ROOT if index.is_relative_to(ROOT) else index.parent,
        [Page(f.stem, live_steps(steps(f, cleanup=False, reader_values=values), region)) for f in forward],
        {f.stem: Page(f.stem, live_steps(steps(f, cleanup=True, reader_values=values), region)) for f in forward},
        Page(CLEAN_UP_LAST, [b for f in last for c in (False, True) for b in live_steps(steps(f, c, values), region)]),
    )


def tutorial(region: str) -> Walk:
    """The tutorial's parts in one terminal, and its last part, the clean-up, from its "If you opened
    a new terminal" block. The blocks the learner types on the instance run in a shell of their own,
    here, with the caller's credentials (as test_first_analysis.py runs them with the emulator's):
    their outputs are the real data's. The stand-in for where the instance is names the bucket after
    the caller, as the emulator's user; a real caller's name may differ from the name the learner's
    terminal gives it (READER), so that shell takes TUTORIAL_BUCKET from the learner's terminal."""
    *parts, (last, blocks) = lesson()
    day_one = []
    for page, shown in parts:
        for on_instance, run in itertools.groupby(shown, key=lambda b: b.path == INSTANCE):
            day_one.append(Page(f"{page.stem} (on the instance)", live_steps(list(run), region), "instance",
                                ("TUTORIAL_BUCKET",)) if on_instance else Page(page.stem, live_steps(list(run), region)))
    start = next(i for i, b in enumerate(blocks) if RESUME.match(b.section.name))
    return Walk("tutorial", [LAPTOP], TUTORIAL_OUTPUTS, LAPTOP.parent, ROOT, day_one, {},
                Page(last.stem, live_steps(blocks[start:], region)))


def plan(args: argparse.Namespace, region: str) -> list[Walk]:
    values = {"<region-code>": region, "<email-address>": args.email}
    walks = [guides(args.index, values, region, args.until)]
    return walks + [tutorial(region)] if args.tutorial else walks


def blocks(page: Page) -> str:
    return f"{len(page.blocks)} block{'' if len(page.blocks) == 1 else 's'}"


def describe(walks: list[Walk], args: argparse.Namespace) -> list[str]:
    out = [f"Plan (in {args.shell}; {args.time_limit:g} minutes at most, of which the clean-up keeps "
           f"{args.cleanup_minutes:g}; one block {args.block_minutes:g} at most):"]
    for walk in walks:
        if not args.cleanup_only:
            out.append(f"  {walk.name}, day one, in one terminal:")
            out += [f"    {n}. {p.name}: {blocks(p)}{' (in a shell of its own)' if p.elsewhere else ''}"
                    for n, p in enumerate(walk.day_one, 1)]
        cleanups = sum(len(p.blocks) for p in walk.cleanups.values())
        out.append(f"  {walk.name}, the next day, each in a new terminal: the clean-ups of the pages started, last first "
                   f"({cleanups} blocks in all), then {walk.sweep.name} ({blocks(walk.sweep)})")
    return out + ["  then the audit: what is left in the account, by name and owner tag"]
