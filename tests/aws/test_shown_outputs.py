"""A guide's output test (shown_outputs.py): it checks and rewrites one guide's outputs and no
other's, runs the tour no further than that guide, is skipped only when the full tour runs, and
every guide the tour runs has one."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import ROOT
from shown_outputs import SKIPPED, full_tour_among, guide_outputs
from test_tour import TOURS, pages_of
from test_tour_checks import SIGN_IN, site

GUIDES = {
    "first": "# [start say]\necho 'first prints this'\n# [end say]\n",
    "second": "# [start say]\necho 'second prints this'\n# [end say]\n",
    "third": "# [start fail]\nfalse\n# [end fail]\n",  # after `second`: never run for it
}


@pytest.fixture
def fixture_site(tmp_path, monkeypatch):
    """Three guides in index order, each output shown wrong, as the tour `fixture`."""
    index, snippets = site(tmp_path / "site", ("sign-in", SIGN_IN), *GUIDES.items())
    outputs = tmp_path / "site" / "outputs"
    for guide in GUIDES:
        (outputs / guide).mkdir(parents=True)
        (outputs / guide / "say.txt").write_text("what it printed once\n")
    monkeypatch.setitem(TOURS, "fixture", (index, snippets, outputs))
    monkeypatch.delenv("UPDATE_OUTPUTS", raising=False)
    for run in ("run", "update", "check"):  # a folder for each tour a test follows
        (tmp_path / run).mkdir()
    return outputs


def test_a_guides_wrong_output_is_named_and_no_other(fixture_site, fresh_account, tmp_path):
    with pytest.raises(AssertionError) as failed:
        guide_outputs("second", fresh_account, tmp_path / "run", "fixture")
    message = str(failed.value)
    assert f"{fixture_site}/second/say.txt:1: [bash] the page shows output that the command no longer prints" in message
    assert "second prints this" in message
    assert "first/say.txt" not in message, "another guide's output was checked"
    assert "UPDATE_OUTPUTS=1 nox -s aws -- -k test_second" in message


def test_update_rewrites_one_guides_outputs_only(fixture_site, fresh_account, tmp_path, monkeypatch):
    monkeypatch.setenv("UPDATE_OUTPUTS", "1")
    guide_outputs("second", fresh_account, tmp_path / "update", "fixture")  # `third` would fail: not run
    assert (fixture_site / "second" / "say.txt").read_text() == "second prints this\n"
    assert (fixture_site / "first" / "say.txt").read_text() == "what it printed once\n"
    assert (fixture_site / "third" / "say.txt").read_text() == "what it printed once\n"
    monkeypatch.delenv("UPDATE_OUTPUTS")
    guide_outputs("second", fresh_account, tmp_path / "check", "fixture")  # now it matches


def test_a_guide_the_index_does_not_list_fails(fixture_site, fresh_account, tmp_path):
    with pytest.raises(pytest.fail.Exception, match=r"index\.md:1: lists no page fourth\.md with a snippet file"):
        guide_outputs("fourth", fresh_account, tmp_path / "run", "fixture")


def collected(*args: str) -> list[str]:
    """The node IDs that `pytest ARGS` in tests/aws selects, as `nox -s aws -- ARGS` would."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--confcutdir=tests/aws", "-p", "no:xdist", "--collect-only", "-q", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_full_tour_skips_them_and_a_named_guide_runs_its_own(monkeypatch):
    monkeypatch.delenv("TOUR_SKIP", raising=False)
    everything = collected("tests/aws")
    assert full_tour_among(everything), "a plain `nox -s aws` runs the tour, so the output tests are skipped"
    both = {f"tests/aws/test_launch_instance.py::test_outputs[{shell}]" for shell in ("bash", "zsh")}
    assert both <= set(everything)
    one = collected("tests/aws", "-k", "test_launch_instance")
    assert both <= set(one) and not full_tour_among(one), "a named guide's outputs run in bash and zsh"
    assert [n for n in collected("tests/aws", "-k", "test_launch_instance and zsh") if "test_outputs" in n] == [
        "tests/aws/test_launch_instance.py::test_outputs[zsh]"]
    assert not full_tour_among(collected("tests/aws/test_s3_data.py::test_outputs"))
    assert full_tour_among(collected("tests/aws/test_tour.py", "tests/aws/test_launch_instance.py", "-k", "launch_instance or tour"))
    monkeypatch.setenv("TOUR_SKIP", "s3-data")
    assert not full_tour_among(everything), "a tour that leaves pages out does not check their outputs"
    assert "runs when named" in SKIPPED


def outputs_tests_missing(index, snippets, tests) -> list[str]:
    """Each guide the tour runs needs `test_outputs = outputs_test("GUIDE")` in tests/aws/test_GUIDE.py."""
    problems = []
    for page in pages_of(index, snippets):
        module = tests / f"test_{page.stem.replace('-', '_')}.py"
        where = module.relative_to(ROOT) if module.is_relative_to(ROOT) else module
        line = f'test_outputs = outputs_test("{page.stem}")'
        if not module.is_file():
            problems.append(f"{where}:1: missing; it holds the guide's checks and `{line}`")
            continue
        found = [
            node for node in ast.parse(module.read_text()).body
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["test_outputs"]
        ]
        if [ast.unparse(node) for node in found] != [line.replace('"', "'")]:
            at = found[0].lineno if found else 1
            problems.append(f"{where}:{at}: needs `{line}`, so that `UPDATE_OUTPUTS=1 nox -s aws -- -k "
                            f"{module.stem}` refreshes {page.stem}'s outputs")
    return problems


def test_every_guide_has_its_output_test():
    index, snippets, _ = TOURS["howto"]
    assert outputs_tests_missing(index, snippets, ROOT / "tests" / "aws") == []


def test_a_guide_without_its_output_test_is_named(tmp_path):
    index, snippets = site(tmp_path, ("alpha", GUIDES["first"]), ("beta", GUIDES["second"]), ("gamma", GUIDES["first"]))
    (tmp_path / "test_alpha.py").write_text('from shown_outputs import outputs_test\n\ntest_outputs = outputs_test("alpha")\n')
    (tmp_path / "test_beta.py").write_text('"""Beta."""\n\ntest_outputs = outputs_test("alpha")\n')
    assert outputs_tests_missing(index, snippets, tmp_path) == [
        f"{tmp_path}/test_beta.py:3: needs `test_outputs = outputs_test(\"beta\")`, so that "
        "`UPDATE_OUTPUTS=1 nox -s aws -- -k test_beta` refreshes beta's outputs",
        f"{tmp_path}/test_gamma.py:1: missing; it holds the guide's checks and `test_outputs = outputs_test(\"gamma\")`",
    ]
