"""Diátaxis structure and content rules, checked on the Markdown sources."""

from __future__ import annotations

import re

import pytest

from pages import ROOT, lines, pages, prose, words

TOCTREE = (ROOT / "index.md").read_text()
EXPLANATION = [name for name in re.findall(r"^explanation/([\w-]+)$", TOCTREE, re.M) if name != "index"]
GUIDES = [name for name in re.findall(r"^howto/([\w-]+)$", TOCTREE, re.M) if name != "index"]
IMPERATIVE = "Add|Allow|Build|Choose|Connect|Create|Find|Give|Launch|Move|Run|Set|Share|Stop|Troubleshoot|Use"
PLACEHOLDER = re.compile(
    r"\bTODO\b|\bTBD\b|\bFIXME\b|\bXXX\b|lorem ipsum|coming soon|to be written|\(stub\)|see notes"
    r"|^\s*[-*]\s*[A-Za-z ]+ is \.\.\.\s*$|\?\?\?",
    re.IGNORECASE,
)
NUMBERED = re.compile(r"^\s{0,3}\d+[.)]\s+\S")


def placeholders(path):
    return [f"{ln.where()}: {ln.text.strip()}" for ln in prose(path) if PLACEHOLDER.search(ln.text)]


def numbered_steps(path):
    return [f"{ln.where()}: {ln.text.strip()}" for ln in prose(path) if NUMBERED.match(ln.text)]


@pytest.mark.parametrize("name", EXPLANATION)
def test_explanation_page_is_finished_prose(name):
    path = ROOT / "explanation" / f"{name}.md"
    assert path.is_file(), f"explanation/{name}.md is missing"
    assert not placeholders(path), "placeholder text:\n" + "\n".join(placeholders(path))
    assert not numbered_steps(path), "numbered steps belong in a how-to guide:\n" + "\n".join(numbered_steps(path))
    assert words(path) >= 800, f"explanation/{name}.md has {words(path)} words; at least 800 expected"


def test_the_post_s_ten_topics_are_all_explained():
    assert len(EXPLANATION) >= 10, EXPLANATION


def test_explanation_quadrant_is_at_least_10000_words():
    total = sum(words(ROOT / "explanation" / f"{name}.md") for name in EXPLANATION)
    assert total >= 10_000, total


def test_no_page_holds_placeholder_text():
    found = [hit for page in pages() for hit in placeholders(page)]
    assert not found, "\n".join(found)


def test_checkers_catch_placeholders_and_steps(tmp_path):
    page = tmp_path / "bad.md"
    page.write_text("# Bad\n\n- Storage is ...\n\nMore TODO here.\n\n1. Click this.\n\n```bash\n1. not a step\n```\n")
    assert [h.split(":")[1] for h in placeholders(page)] == ["3", "5"]
    assert [h.split(":")[1] for h in numbered_steps(page)] == ["7"]


def _headings(path):
    return [ln.text for ln in prose(path) if ln.text.startswith("#")]


def guide_problems(path) -> list[str]:
    heads = _headings(path)
    problems = []
    if not heads or not re.match(rf"# (How to |({IMPERATIVE}) )", heads[0]):
        problems.append("title should read 'How to …' or start with an imperative")
    if not any(re.match(r"## Prerequisites", h) for h in heads):
        problems.append("no '## Prerequisites' section")
    if not numbered_steps(path):
        problems.append("no numbered steps")
    if not any(re.search(r"check|verify|confirm", h, re.I) for h in heads) and not any(
        re.search(r"\b(check|verify|confirm)", ln.text, re.I) for ln in prose(path) if re.match(r"\s*\d+\.", ln.text)
    ):
        problems.append("no step or section that checks it worked")
    if not any(re.match(r"## Clean ?up", h, re.I) for h in heads):
        problems.append("no '## Clean up' section")
    if not re.search(r"\]\(\.\./explanation/[\w-]+\.md", path.read_text()):
        problems.append("links to no explanation page")
    return problems


@pytest.mark.parametrize("name", GUIDES)
def test_howto_guide_has_the_shape_of_a_guide(name):
    problems = guide_problems(ROOT / "howto" / f"{name}.md")
    assert not problems, f"howto/{name}.md: " + "; ".join(problems)


def test_guide_checker_catches_a_lecture(tmp_path):
    page = tmp_path / "lecture.md"
    page.write_text("# About networks\n\nNetworks are interesting.\n")
    assert len(guide_problems(page)) == 6


def test_there_are_at_least_15_guides():
    assert len(GUIDES) >= 15, GUIDES


AWS_COMMAND = re.compile(r"^\s*(\$\s*)?(aws\s+[a-z0-9-]+\s|\w+\s*=\s*boto3\.|boto3\.)")


def test_howto_commands_come_from_snippets_not_copies():
    """Commands on a page must be included from howto/snippets/, which the emulator tests run."""
    inline = [
        f"{ln.where()}: {ln.text.strip()}"
        for page in (ROOT / "howto").glob("*.md")
        for ln in lines(page)
        if ln.code and AWS_COMMAND.match(ln.text) and "literalinclude" not in ln.directives
    ]
    assert not inline, "paste-in commands (move them into howto/snippets/):\n" + "\n".join(inline)


INCLUDE = re.compile(r":start-after:\s*\"?\[start ([\w-]+)\]")


def test_every_snippet_section_is_shown_on_a_page():
    shown = {}
    for page in (ROOT / "howto").glob("*.md"):
        text = page.read_text()
        for m in re.finditer(r"literalinclude\}\s+(snippets/[\w.-]+)\n((?:[ \t]*:[^\n]*\n)*)", text):
            for name in INCLUDE.findall(m.group(2)):
                shown.setdefault(m.group(1), set()).add(name)
    missing = []
    for snippet in sorted((ROOT / "howto" / "snippets").glob("*")):
        for m in re.finditer(r"^# \[start ([\w-]+)\]", snippet.read_text(), re.M):
            if m.group(1) not in shown.get(f"snippets/{snippet.name}", set()):
                line = snippet.read_text()[: m.start()].count("\n") + 1
                missing.append(f"howto/snippets/{snippet.name}:{line}: section {m.group(1)!r} is on no page")
    assert not missing, "\n".join(missing)


def test_toctree_groups_quadrants_in_reading_order():
    captions = re.findall(r":caption: (.+)", (ROOT / "index.md").read_text())
    assert captions == ["Explanation", "How-to guides", "Reference", "About this site"], captions


def test_every_page_lives_in_a_quadrant_folder():
    stray = [p.name for p in ROOT.glob("*.md") if p.name not in {"index.md", "README.md", "LICENSE.md"}]
    assert not stray, stray
