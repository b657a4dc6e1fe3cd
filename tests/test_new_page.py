"""`nox -s new -- KIND NAME "Title"` starts a page that `nox -s check` then guides to green.

Each test runs tools/new_page.py on a copy of the tree's index.md and templates in a
temporary folder, then the same checkers `nox -s check` runs.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sources import ROOT
from test_content import explanation_problems, guide_problems, placeholders, toctree_problems, unmatched_outputs, untested_snippets

pytestmark = pytest.mark.sources

NEW = ROOT / "tools" / "new_page.py"
_spec = importlib.util.spec_from_file_location("new_page", NEW)
new = sys.modules["new_page"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(new)


@pytest.fixture
def tree(tmp_path) -> Path:
    """A bare copy of the tree: index.md, the templates, the rules and empty quadrant folders."""
    shutil.copy(ROOT / "index.md", tmp_path / "index.md")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "docs" / "templates", tmp_path / "docs" / "templates")
    for folder in ("explanation", "howto", "reference", "tests/aws"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    return tmp_path


def marker_lines(path: Path) -> set[int]:
    return {n for n, line in enumerate(path.read_text().splitlines(), start=1) if new.MARKER.search(line)}


def reported_lines(problems: list[str]) -> set[int]:
    return {int(p.split(":")[1]) for p in problems}


def test_new_explanation_page(tree):
    written, todo = new.create(tree, "explanation", "object-storage", "Object storage in depth")
    page = tree / "explanation" / "object-storage.md"
    assert written == [page, tree / "index.md"]
    assert page.read_text().splitlines()[6] == "# Object storage in depth"
    assert "\nexplanation/object-storage\n```" in (tree / "index.md").read_text()
    assert toctree_problems(tree) == []
    assert any("800 words" in step for step in todo)
    # `nox -s check` names every line that still holds a template marker (a directive's
    # options are named at the directive's line), and the page's word count.
    problems = explanation_problems(page)
    assert marker_lines(page) - reported_lines(problems) <= {38}, problems  # 38: the {mermaid} caption option
    assert f"{page}:37: placeholder in the {{mermaid}} directive: \\<One sentence that says what the diagram shows.>" in problems
    assert re.search(r":1: \d+ words; an explanation page has at least 800$", problems[-1])


def test_new_howto_guide_gets_a_snippet_an_output_and_a_test_stub(tree):
    written, todo = new.create(tree, "howto", "share-bucket", "How to share a bucket")
    page = tree / "howto" / "share-bucket.md"
    snippet = tree / "howto" / "snippets" / "share-bucket.sh"
    stub = tree / "tests" / "aws" / "test_share_bucket.py"
    assert written == [page, snippet, tree / "howto" / "outputs" / "share-bucket" / "check.txt", stub, tree / "index.md"]
    assert 'guide("share-bucket")' in stub.read_text() and "def test_share_bucket(guide):" in stub.read_text()
    assert '\ntest_outputs = outputs_test("share-bucket")  #' in stub.read_text(), "its outputs' refresh"
    assert snippet.read_text().startswith("# Commands for howto/share-bucket.md.")
    assert "\nhowto/share-bucket\n```" in (tree / "index.md").read_text()
    assert guide_problems(page) == [], "the template has the shape of a guide"
    assert not marker_lines(page) - reported_lines(placeholders(page)) - {28, 29, 46, 47, 61, 62, 72, 73}  # options
    assert untested_snippets(tree) == [
        f"{stub}:15: still the stub `nox -s new` wrote; assert what howto/share-bucket.md builds, then that its clean-up leaves nothing"
    ]
    assert unmatched_outputs(tree) == [
        f"{tree}/howto/outputs/share-bucket/check.txt:1: empty; fill it from the emulator with UPDATE_OUTPUTS=1 (see docs/contributing.md)"
    ]
    refresh = next(i for i, step in enumerate(todo) if "UPDATE_OUTPUTS=1 nox -s aws -- -k test_share_bucket" in step)
    link = next(i for i, step in enumerate(todo) if step.startswith("Link it from howto/index.md"))
    assert link < refresh, "the output test follows the tour, which runs only the guides howto/index.md links"


def test_new_reference_page(tree):
    new.create(tree, "reference", "quotas", "Service quotas")
    assert (tree / "reference" / "quotas.md").read_text().count("# Service quotas") == 1
    assert "\nreference/quotas\n```" in (tree / "index.md").read_text() and toctree_problems(tree) == []


def test_new_tutorial_needs_its_quadrant_then_works(tree):
    with pytest.raises(new.Refused, match="tutorials/ does not exist yet"):
        new.create(tree, "tutorial", "first-steps", "Your first steps")
    (tree / "tutorials").mkdir()
    index = tree / "index.md"
    index.write_text("# Home\n\n```{toctree}\n:hidden:\n:caption: Explanation\n\nexplanation/index\n```\n")
    with pytest.raises(new.Refused, match="index.md has no toctree with `:caption: Tutorials`"):
        new.create(tree, "tutorial", "first-steps", "Your first steps")
    index.write_text(index.read_text() + "\n```{toctree}\n:hidden:\n:caption: Tutorials\n\ntutorials/index\n```\n")
    written, todo = new.create(tree, "tutorial", "first-steps", "Your first steps")
    assert tree / "tutorials" / "snippets" / "first-steps.sh" in written
    assert (tree / "tutorials" / "outputs" / "first-steps").is_dir()
    assert not (tree / "tests" / "aws" / "test_first_steps.py").exists(), "the reader's tour runs tutorials"
    assert "tutorials/index\ntutorials/first-steps\n```" in index.read_text()
    assert any("tutorials/index.md" in step for step in todo)


def test_new_refuses_and_writes_nothing(tree):
    before = (tree / "index.md").read_text()
    for args, reason in [
        (("guide", "x", "X"), "KIND must be one of explanation, howto, reference, tutorial"),
        (("howto", "Share_Bucket", "X"), "NAME must be lower-case words joined by hyphens"),
        (("howto", "x", " "), "give the page a title"),
    ]:
        with pytest.raises(new.Refused, match=reason):
            new.create(tree, *args)
    (tree / "howto" / "snippets").mkdir()
    (tree / "howto" / "snippets" / "x.sh").write_text("# mine\n")
    with pytest.raises(new.Refused, match=r"already there: howto/snippets/x.sh"):
        new.create(tree, "howto", "x", "How to x")
    assert not (tree / "howto" / "x.md").exists() and (tree / "index.md").read_text() == before


def test_the_command_line_prints_usage_and_refusals():
    result = subprocess.run([sys.executable, str(NEW)], capture_output=True, text=True)
    assert result.returncode == 2 and "nox -s new -- KIND NAME" in result.stderr
    result = subprocess.run([sys.executable, str(NEW), "howto", "index", "How to index"], capture_output=True, text=True)
    assert result.returncode == 1 and result.stderr.startswith("Nothing written: already there: howto/index.md")


TITLES = [
    "How to share a bucket",
    "Rotate an IAM user's access keys",  # refused by the check's old closed list, accepted by `nox -s new`
    "Launch an EC2 instance",
    "Frobnicate a bucket",
    "About networks",
    "Rotating access keys",
    "how to share a bucket",
]


def test_new_and_the_check_agree_on_a_guide_s_title(tree):
    """`nox -s new` refuses exactly the how-to titles `nox -s check` refuses (one rule, one list)."""
    accepted = []
    for n, title in enumerate(TITLES):
        name = f"guide-{n}"
        page = tree / "howto" / f"{name}.md"
        try:
            new.create(tree, "howto", name, title)
        except new.Refused as reason:
            page.write_text(f"# {title}\n")  # the page as an author would write it by hand
            refused_by_check = [p.split(": ", 1)[1] for p in guide_problems(page) if "the title" in p]
            assert refused_by_check == [str(reason)], (title, str(reason), refused_by_check)
        else:
            accepted.append(title)
            assert not [p for p in guide_problems(page) if "the title" in p], f"nox -s new accepted {title!r}"
    assert accepted == TITLES[:3]


def test_new_refuses_an_unlisted_title_verb_and_names_the_rules_file(tree):
    with pytest.raises(new.Refused, match=r"'Frobnicate' is not in rules/title-verbs.toml"):
        new.create(tree, "howto", "frob", "Frobnicate a bucket")
    assert not (tree / "howto" / "frob.md").exists()
    # The list is data: the same tree accepts the verb once rules/title-verbs.toml lists it.
    verbs = tree / "rules" / "title-verbs.toml"
    verbs.write_text(verbs.read_text().replace('"Watch",', '"Watch", "Frobnicate",'))
    written, _ = new.create(tree, "howto", "frob", "Frobnicate a bucket")
    assert tree / "howto" / "frob.md" in written
