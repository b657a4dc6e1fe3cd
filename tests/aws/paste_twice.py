"""A guide's blocks, each pasted twice into one interactive bash or zsh, as a reader who is not
sure the first paste worked (the guides' counterpart of the tutorial's paste-twice run in
test_first_analysis.py).

The pages a guide needs first (`before`) are pasted once each; then each of the guide's blocks
(clean-up aside, a not-emulated block through its stand-in, values to replace as the page shows
them) is pasted, and pasted again. The first paste must work, as in the tour; the second must not
fail, must create nothing and delete nothing (the account's inventory, inventory.py, is compared
around it), must leave what the reader holds on their computer as it was (`watch`), and, if it
prints something else than the first, must say what it found ("already"). Each problem names the
section's file and line, so a fixture whose sections stand in for the guide's (`fixture`) is named
when it breaks the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import SNIPPETS, Guide
from inventory import inventory
from tour import Shell, ShellError, Step, steps

FOUND_AGAIN = re.compile(r"already")  # what a second paste says when it finds what the first made


@dataclass
class PastedTwice:
    """What the run found, and the shell's variables after it (`value`)."""

    shell: Shell
    problems: list[str] = field(default_factory=list)
    printed: dict[str, tuple[str, str]] = field(default_factory=dict)  # section -> (first, second)

    def value(self, name: str) -> str:
        return self.shell.value(name)


def blocks(name: str, fixture: Path | None = None) -> list[Step]:
    """The guide's blocks, in order; with `fixture`, its sections in place of the guide's of the same name."""
    own = steps(SNIPPETS / f"{name}.sh", cleanup=False, reader_values=False)
    if fixture is None:
        return own
    swapped = {s.section.name: s for s in steps(fixture, cleanup=False, reader_values=False)}
    return [swapped.get(s.section.name, s) for s in own]


def paste(shell: Shell, step: Step, kind: str) -> tuple[str, list[str]]:
    try:
        return shell.paste(step.code)
    except ShellError as e:
        pytest.fail(f"{step.where()}: [{kind}] section {step.section.name!r} {e}\n{shell.stderr()}", pytrace=False)


def paste_twice(g: Guide, kind: str, before: tuple[str, ...] = (), fixture: Path | None = None,
                watch: Callable[[], object] = lambda: None) -> PastedTwice:
    """Paste the pages `before` once, then each of `g`'s blocks twice, in one shell of `kind`; the
    shell stays open for the caller to read variables from (close it with `.shell.close()`)."""
    shell = Shell(kind, g.env, g.workdir)
    run = PastedTwice(shell)
    account = lambda: inventory(g.client)  # noqa: E731
    try:
        for step in [s for page in before for s in steps(SNIPPETS / f"{page}.sh", cleanup=False, reader_values=False)]:
            if paste(shell, step, kind)[1]:
                pytest.fail(f"{step.where()}: [{kind}] section {step.section.name!r} failed:\n{shell.stderr()}", pytrace=False)
        for step in blocks(g.name, fixture):
            where = f"{step.where()}: [{kind}] section {step.section.name!r}"
            first, failed = paste(shell, step, kind)
            if failed:
                pytest.fail(f"{where} failed on its first paste (exit {', '.join(failed)}):\n{shell.stderr()}", pytrace=False)
            held, had = watch(), account()
            again, failed = paste(shell, step, kind)
            run.printed[step.section.name] = (first, again)
            where += " pasted twice"
            now = account()
            run.problems += [f"{where} failed (exit {', '.join(failed)}):\n{shell.stderr()}"] if failed else []
            run.problems += [f"{where} made something new: {item}" for item in sorted(now - had)]
            run.problems += [f"{where} deleted something: {item}" for item in sorted(had - now)]
            if watch() != held:
                run.problems.append(f"{where} changed what the reader holds: {held!r} became {watch()!r}")
            if not failed and now == had and again != first and not FOUND_AGAIN.search(again):
                run.problems.append(f"{where} prints something else and does not say what it found:\n{again}")
    except BaseException:
        shell.close()
        raise
    return run
