"""A guide's steps that only the account's administrator can take, pasted as the reader's tour
pastes its blocks, with the outputs the page shows checked as the tour checks them.

Some steps act on the whole account (EBS encryption by default) or on someone else's credentials
(another user's access key): the reader's policies refuse them, so they live in a snippet file of
their own, ``howto/snippets/GUIDE-admin.sh``, which the permissions check leaves out
(``ADMINISTRATOR`` in permissions.py) and the reader's tour never runs. A test pastes its
sections, block by block, into one interactive bash or zsh (``tour.Shell``) that has the emulated
account's administrator credentials (``Guide.env``), as an administrator on macOS or Linux would;
the clean-up sections go into a new shell. A value the page asks the administrator to replace (an
access key ID, an instance ID) becomes the one the test made, and becomes the shown one again
before the comparison, which is the tour's own (``check_outputs``: UPDATE_OUTPUTS=1 rewrites the
files from bash).
"""

from __future__ import annotations

import os

import pytest

from conftest import OUTPUTS, Guide
from test_tour import check_outputs
from tour import Shell, steps


def paste_admin_steps(g: Guide, shell: str, values: dict[str, str] | None = None,
                      cleanup: bool = False, only: tuple[str, ...] = ()) -> dict[str, str]:
    """Paste the run (or the clean-up) of ``g``'s snippet file, or the sections named in ``only``,
    into a new interactive ``shell``; fail naming the section's file and line if a command fails;
    return what each section printed, with the shown values put back where ``values`` (shown ->
    the test's own) replaced them."""
    values = values or {}
    printed: dict[str, str] = {}
    terminal = Shell(shell, g.env, g.workdir)
    try:
        for step in steps(g.snippets / f"{g.name}.sh", cleanup=cleanup, reader_values=False):
            if only and step.section.name not in only:
                continue
            code = step.code
            for shown, used in values.items():
                code = code.replace(shown, used)
            out, failed = terminal.paste(code)
            if failed:
                pytest.fail(f"{step.where()}: [{shell}] section {step.section.name!r}: a command failed "
                            f"(exit {', '.join(failed)}):\n{terminal.stderr()}", pytrace=False)
            for shown, used in values.items():
                out = out.replace(used, shown)
            printed[step.section.name] = out
    finally:
        terminal.close()
    return printed


def check_admin_outputs(g: Guide, shell: str, printed: dict[str, str]) -> None:
    """The outputs the page shows from ``g``'s snippet file are what the administrator's shell
    printed (IDs and times cleaned as the tour cleans them); with UPDATE_OUTPUTS=1, in bash, they
    are rewritten instead, and zsh's are not compared (the two shells' tests may run at once)."""
    if shell == "zsh" and os.environ.get("UPDATE_OUTPUTS") == "1":
        return
    check_outputs(OUTPUTS, shell, {g.name: printed})
