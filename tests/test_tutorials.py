"""The tutorial quadrant: each tutorial has the shape of a lesson (Diátaxis), read from the sources.

A tutorial is one path that works, told step by step, with what the reader will see after each
command. So a tutorial page has: a title that is not "How to"; a "Before you start" section that
states the cost in dollars with its date before the first step; numbered steps in which every
command is followed by what you will see (an emulator output, or a sentence "You will see...");
no tabs, no drop-downs and no "alternatively"; links to the explanation pages only after the
steps have begun, never before; a "Clean up" section; a "What you learned" section that leads to
the how-to guides; and at least 1,500 words of prose besides its commands. Tutorials and
explanation pages link to each other. Every check is proven on a fixture page that breaks it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sources import ROOT, parse, where, words
from test_content import links_between

pytestmark = pytest.mark.sources

TUTORIALS = ROOT / "tutorials"
MIN_WORDS = 1500
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"
YOU_SEE = re.compile(r"\byou (will )?see\b", re.IGNORECASE)
ALTERNATIVE = re.compile(r"\b(alternatively|if you prefer|you can also|or you can|another way to)\b", re.IGNORECASE)
CHOICE_DIRECTIVES = {"tab-set", "tab-item", "dropdown"}


def tutorial_pages(root: Path = ROOT) -> list[Path]:
    return [p for p in sorted((root / "tutorials").glob("*.md")) if p.name != "index.md"]


def _h2(page, pattern: str):
    """The first level-2 heading matching `pattern`, after an optional number ("8. Clean up")."""
    return next((h for h in page.headings if h.level == 2 and re.match(rf"(\d+\.\s+)?{pattern}", h.text, re.IGNORECASE)), None)


def _steps(page) -> list[tuple[int, int]]:
    """(first line, last line) of each item of a top-level numbered list: one step each."""
    found, depth, numbered = [], 0, []
    for token in page.tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            numbered.append(token.type == "ordered_list_open")
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            numbered.pop()
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and numbered[-1] and token.map:
            found.append((token.map[0] + 1, token.map[1]))
    return found


def cost_problems(path: Path) -> list[str]:
    """The cost in dollars, with the month it was checked, before the first numbered step."""
    page = parse(path)
    first_step = min(page.ordered_lists, default=10**9)
    before = " ".join(t.text for t in page.text() if t.line < first_step)
    problems = []
    if not re.search(r"\$\d", before):
        problems.append(f"{where(path, 1)}: no cost in dollars before the first step")
    if not re.search(rf"\bas of\s+{MONTH}", before, re.IGNORECASE):
        problems.append(f"{where(path, 1)}: the cost says no 'as of MONTH YEAR' before the first step")
    return problems


def tutorial_problems(path: Path) -> list[str]:
    page = parse(path)
    at = where(path, 1)
    problems = []
    title = next((h for h in page.headings if h.level == 1), None)
    if not title or re.match(r"How to\b", title.text):
        problems.append(f"{where(path, title.line if title else 1)}: a tutorial's title names the lesson, not 'How to …'")
    start = _h2(page, r"Before you start")
    if not start:
        problems.append(f"{at}: no '## Before you start' section (what you need, the time, the cost)")
    problems += cost_problems(path)

    steps = _steps(page)
    if not steps:
        problems.append(f"{at}: no numbered steps")
    includes = [b for b in page.blocks if b.name == "literalinclude"]
    text = page.text()
    for first, last in steps:
        commands = [b for b in includes if first <= b.line <= last and b.argument.startswith("snippets/")]
        shown = [b for b in includes if first <= b.line <= last and b.argument.startswith("outputs/")]
        said = [t for t in text if first <= t.line <= last and t.kind == "text" and YOU_SEE.search(t.text)]
        if commands and not (shown or said):
            problems.append(f"{where(path, first)}: a step with a command that does not say what you will see")

    problems += [
        f"{b.where()}: a {{{b.name}}} offers the reader a choice; a tutorial has one path"
        for b in page.blocks if b.name in CHOICE_DIRECTIVES
    ]
    problems += [
        f"{where(path, t.line)}: '{m.group(0)}' offers the reader a choice; a tutorial has one path"
        for t in text if t.kind == "text" for m in [ALTERNATIVE.search(t.text)] if m
    ]

    to_explanation = [link for link in page.links if link.page and link.page.parent.name == "explanation"]
    first_step = steps[0][0] if steps else 0
    problems += [
        f"{where(path, link.line)}: links to an explanation page before the first step; link it after the step it explains"
        for link in to_explanation if link.line < first_step
    ]
    if len({link.page for link in to_explanation if link.line > first_step}) < 3:
        problems.append(f"{at}: links to fewer than 3 explanation pages after its steps")

    if not _h2(page, r"Clean ?up"):
        problems.append(f"{at}: no '## Clean up' section")
    learned = _h2(page, r"What you learned")
    if not learned:
        problems.append(f"{at}: no '## What you learned' section")
    else:
        after = [h.line for h in page.headings if h.level <= 2 and h.line > learned.line]
        end = min(after, default=10**9)
        guides = {link.page for link in page.links
                  if link.page and link.page.parent.name == "howto" and learned.line < link.line < end}
        if len(guides) < 3:
            problems.append(f"{where(path, learned.line)}: 'What you learned' links to {len(guides)} how-to guides; at least 3")

    if (count := words(path)) < MIN_WORDS:
        problems.append(f"{at}: {count} words of prose; a tutorial has at least {MIN_WORDS}")
    return problems


def test_there_is_a_tutorial():
    assert tutorial_pages(), "tutorials/ holds no tutorial"


@pytest.mark.parametrize("path", tutorial_pages(), ids=lambda p: p.name)
def test_tutorial_has_the_shape_of_a_lesson(path):
    problems = tutorial_problems(path)
    assert not problems, "\n".join(problems)


def index_problems(index: Path) -> list[str]:
    """The tutorials' index says what a tutorial costs, with its date, and how long it takes."""
    problems = cost_problems(index)
    if not any(re.search(r"\bhours?\b", t.text) for t in parse(index).text()):
        problems.append(f"{where(index, 1)}: says nothing of how long a tutorial takes")
    return problems


def test_tutorials_index_states_time_and_cost():
    problems = index_problems(TUTORIALS / "index.md")
    assert not problems, "\n".join(problems)


def test_index_checker_catches_a_missing_time_and_date(tmp_path):
    index = tmp_path / "index.md"
    index.write_text("# Tutorials\n\nFor newcomers. It costs $0.02 and takes an afternoon.\n")
    assert index_problems(index) == [
        f"{index}:1: the cost says no 'as of MONTH YEAR' before the first step",
        f"{index}:1: says nothing of how long a tutorial takes",
    ]


GOOD = """---
myst:
  html_meta:
    description: A lesson.
---

# Your first fixture

A lesson. Before any step, no explanation link.

## Before you start

As of November 2026 it costs $0.01.

## 1. Do it

1. Run this:

   ```{literalinclude} snippets/x.sh
   :start-after: "[start a]"
   :end-before: "[end a]"
   ```

   You will see a line.

2. Then this:

   ```{literalinclude} snippets/x.sh
   :start-after: "[start b]"
   :end-before: "[end b]"
   ```

   ```{literalinclude} outputs/x/b.txt
   ```

Why: [](../explanation/a.md), [](../explanation/b.md) and [](../explanation/c.md).

## Clean up

1. Delete it.

## What you learned

[](../howto/a.md), [](../howto/b.md), [](../howto/c.md).
"""


def fixture(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tutorials" / "lesson.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_checker_passes_a_lesson_except_for_its_length(tmp_path):
    problems = tutorial_problems(fixture(tmp_path, GOOD))
    assert len(problems) == 1 and re.search(r":1: \d+ words of prose; a tutorial has at least 1500$", problems[0]), problems


def test_checker_catches_a_recipe_with_choices(tmp_path):
    bad = (
        GOOD.replace("# Your first fixture", "# How to fixture")
        .replace("## Before you start", "## Prerequisites")
        .replace("As of November 2026 it costs $0.01.", "It costs little.")
        .replace("   You will see a line.\n", "   It runs.\n")
        .replace("A lesson. Before any step, no explanation link.", "See [](../explanation/a.md). Alternatively, read on.")
        .replace("## Clean up\n\n1. Delete it.\n", "")
        .replace("## What you learned\n\n[](../howto/a.md), [](../howto/b.md), [](../howto/c.md).\n",
                 "::::{tab-set}\n:::{tab-item} Console\nClick.\n:::\n::::\n")
        .replace("[](../explanation/b.md) and [](../explanation/c.md)", "and more")
    )
    path = fixture(tmp_path, bad)
    problems = [p.split(": ", 1)[1] for p in tutorial_problems(path)]
    assert problems == [
        "a tutorial's title names the lesson, not 'How to …'",
        "no '## Before you start' section (what you need, the time, the cost)",
        "no cost in dollars before the first step",
        "the cost says no 'as of MONTH YEAR' before the first step",
        "a step with a command that does not say what you will see",
        "a {tab-set} offers the reader a choice; a tutorial has one path",
        "a {tab-item} offers the reader a choice; a tutorial has one path",
        "'Alternatively' offers the reader a choice; a tutorial has one path",
        "links to an explanation page before the first step; link it after the step it explains",
        "links to fewer than 3 explanation pages after its steps",
        "no '## Clean up' section",
        "no '## What you learned' section",
        problems[-1],
    ]
    assert problems[-1].endswith("a tutorial has at least 1500")
    lines = {p.split(": ", 1)[1]: int(p.split(":")[1]) for p in tutorial_problems(path)}
    assert lines["a step with a command that does not say what you will see"] == 17
    assert lines["'Alternatively' offers the reader a choice; a tutorial has one path"] == 9


def test_checker_counts_how_to_guides_under_what_you_learned(tmp_path):
    path = fixture(tmp_path, GOOD.replace("[](../howto/b.md), [](../howto/c.md).", "and [](../howto/a.md#b)."))
    assert any(p.endswith("'What you learned' links to 1 how-to guides; at least 3") for p in tutorial_problems(path))


# -- Tutorials and explanation pages link both ways ------------------------------------------


def link_problems(root: Path = ROOT) -> list[str]:
    """Each tutorial links to an explanation page, and an explanation page links to each tutorial
    (the rule test_content.py applies to guides and reference pages, for the tutorial quadrant)."""
    out = links_between(root, "tutorials", "explanation")
    into = set().union(*links_between(root, "explanation", "tutorials").values())
    problems = [f"{where(p, 1)}: links to no explanation page" for p, targets in out.items() if not targets]
    problems += [f"{where(p, 1)}: no explanation page links to it ('New to AWS? Do the tutorial first')"
                 for p in out if p not in into]
    return problems


def test_tutorials_and_explanation_link_both_ways():
    problems = link_problems()
    assert not problems, "\n".join(problems)


def test_link_checker_catches_a_one_way_tutorial(tmp_path):
    (tmp_path / "explanation").mkdir()
    (tmp_path / "tutorials").mkdir()
    (tmp_path / "index.md").write_text("# Home\n")
    (tmp_path / "explanation" / "why.md").write_text("# Why\n\nNew to AWS? Do [](../tutorials/linked.md) first.\n")
    (tmp_path / "tutorials" / "linked.md").write_text("# Linked\n\nThen read [](../explanation/why.md).\n")
    (tmp_path / "tutorials" / "lonely.md").write_text("# Lonely\n\nNo links.\n")
    assert link_problems(tmp_path) == [
        f"{tmp_path}/tutorials/lonely.md:1: links to no explanation page",
        f"{tmp_path}/tutorials/lonely.md:1: no explanation page links to it ('New to AWS? Do the tutorial first')",
    ]


def test_the_template_has_the_shape_of_a_lesson(tmp_path):
    """docs/templates/tutorial.md, its markers filled in with "x", lacks only what its author must
    write: the cost and its date, explanation pages and guides of their own, and the words."""
    text = (ROOT / "docs" / "templates" / "tutorial.md").read_text().replace("\\<N>", "3")
    text = re.sub(r"\\<[^<>]*>", "x", text).replace("<tutorial>", "lesson").replace("<section>", "a")
    text = re.sub(r"description: <[^<>]*>", "description: x", text)
    problems = [p.split(": ", 1)[1] for p in tutorial_problems(fixture(tmp_path, text))]
    assert problems[:-1] == [
        "no cost in dollars before the first step",
        "the cost says no 'as of MONTH YEAR' before the first step",
        "links to fewer than 3 explanation pages after its steps",
        "'What you learned' links to 1 how-to guides; at least 3",
    ], problems
    assert problems[-1].endswith("a tutorial has at least 1500")
