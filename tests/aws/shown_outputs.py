"""One guide, one loop: a guide's shown outputs, checked or refreshed in a minute or three.

A guide's test module holds one line, ``test_outputs = outputs_test("launch-instance")``. That
test follows the reader's tour in bash (``tour`` in test_tour.py) in the order of
``howto/index.md`` up to and including the guide, runs that guide's clean-up, and compares the
guide's shown outputs (``howto/outputs/<guide>/<section>.txt``) with what it printed; with
``UPDATE_OUTPUTS=1`` it rewrites them, and no other guide's. It runs once in bash and once in
zsh (``test_outputs[bash]``, ``test_outputs[zsh]``), as the reader may paste into either; outputs
are written from bash, so with ``UPDATE_OUTPUTS=1`` the zsh run is skipped, saying so. So::

    UPDATE_OUTPUTS=1 nox -s aws -- -k test_launch_instance    # its checks, its outputs refreshed (bash)
    nox -s aws -- -k test_launch_instance                     # its checks, its outputs in bash and zsh
    nox -s aws -- -k "test_launch_instance and zsh"           # its outputs in zsh alone

When is it run? Whenever the full tour (``test_tour.py::test_tour``) is not in the same run. The
full tour compares every guide's outputs, in bash and zsh, so when it runs (a plain ``nox -s
aws``, as in CI) the guides' output tests are skipped, saying so, and never hide a failure;
when the run names a guide (``-k``, a file, a node ID) and not the tour, they run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT
from test_tour import TOURS, Printed, check_outputs, pages_of, tour

SKIPPED = ("the full tour checks every guide's outputs; this test runs when named "
           "(`-k test_NAME`, or its file or node ID) without the tour")
UPDATING = "UPDATE_OUTPUTS=1 writes the outputs from bash; run again without it to compare zsh's"


def full_tour_among(node_ids: list[str]) -> bool:
    """Whether a run's selected tests include the full tour (every guide, TOUR_SKIP unset)."""
    if os.environ.get("TOUR_SKIP"):  # the tour leaves pages out: their own output tests must run
        return False
    return any(node.split("::")[0].endswith("test_tour.py") and node.split("::")[-1].split("[")[0] == "test_tour"
               for node in node_ids)


def guide_outputs(guide: str, endpoint: str, tmp_path: Path, tour_name: str = "howto", shell: str = "bash") -> None:
    """Follow the tour in `shell` up to `guide` and clean up; check (or refresh) `guide`'s outputs only."""
    index, snippets, outputs = TOURS[tour_name]
    if guide not in [p.stem for p in pages_of(index, snippets)]:
        pytest.fail(f"{index.relative_to(ROOT) if index.is_relative_to(ROOT) else index}:1: lists no page "
                    f"{guide}.md with a snippet file, so the tour never runs it", pytrace=False)
    printed = tour(index, snippets, shell, endpoint, tmp_path, until=guide)
    own = Printed()  # this guide's outputs alone, with the corrections that fired for them
    own[guide], own.corrected[guide] = printed.get(guide, {}), printed.corrected[guide]
    check_outputs(outputs, shell, own)


def outputs_test(guide: str, tour_name: str = "howto"):
    """The test a guide's module binds to `test_outputs` (see the module's docstring)."""

    @pytest.mark.parametrize("shell", ["bash", "zsh"])
    def test_outputs(fresh_account, tmp_path, request, shell):
        if full_tour_among([item.nodeid for item in request.session.items]):
            pytest.skip(SKIPPED)
        if shell == "zsh" and os.environ.get("UPDATE_OUTPUTS") == "1":
            pytest.skip(UPDATING)
        guide_outputs(guide, fresh_account, tmp_path, tour_name, shell)

    test_outputs.__doc__ = f"{tour_name}/{guide}.md: its shown outputs are what the reader's tour prints (bash, zsh)."
    return test_outputs
