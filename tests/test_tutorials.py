"""The tutorial quadrant: each tutorial has the shape of a lesson (Diátaxis), read from the sources.

A tutorial is one path that works, told step by step, with what the reader will see after each
command. So a tutorial page has: a title that is not "How to"; a "Before you start" section that
states the cost in dollars with its date before the first step; numbered steps in which every
command is followed by what you will see (an emulator output, or a sentence "You will see...");
no tabs, no drop-downs and no "alternatively"; links to the explanation pages only after the
steps have begun, never before; a "Clean up" section; a "What you learned" section that leads to
the how-to guides; and at least 1,500 words of prose besides its commands. Tutorials and
explanation pages link to each other. Every check is proven on a fixture page that breaks it.

A learner who meets an error finds its fix in the step where it happens, not in a section of its
own: a collapsed `{dropdown}` titled "If ..." ("If you see `AccessDenied`"), in a step or in the
"If you opened a new terminal" section; a heading such as "Troubleshooting" or "If a step does not
print what it should" fails. A reference to a step says which part's step it is, "step 3 of
[Part 2](LESSON-2-NAME.md)", and that part has exactly one step of that number; a bare "step 3"
(which could be any part's step 3) fails: name the step by what it does instead.

A longer lesson comes in parts (issue 21): a first page, `tutorials/LESSON.md`, with what will be
built (a diagram), the parts, "Before you start" and the cost; then one page per part,
`tutorials/LESSON-N-NAME.md`, titled "Part N: ...". Each part states its goal and its time before
its first step, has an "If you opened a new terminal" section (from part 2 on, with the snippet
section `resume-*`, or `cleanup` for a clean-up part, that finds the learner's resources again),
repeats the diagram with its own pieces marked (`class NODE,... marked`), and has at most 700
words of prose (code, inline code and outputs excluded). The lesson as a whole has at least three
do-and-predict exercises (a step that asks the learner to predict, with the answer in a
`{dropdown}` titled "Answer: ..."; any other drop-down but an "If ..." fix offers a choice), links
at least three explanation pages after its first step, a clean-up part and "What you learned" in
its last part. No page of the quadrant tells the learner how the site is tested, in its prose, its
captions or its diagrams: that belongs in docs/ (a caption that says where a shown output comes
from, such as "Layout only: the real files hold thousands of reads", is not about the tests).
A block the learner types on an instance (a `*-instance.sh` snippet) is captioned "On the
instance"; after one, each block pasted on the learner's own computer is captioned "On your computer".
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from snippets import parse_sections
from sources import ROOT, load_rules, parse, where, words
from test_content import links_between

pytestmark = pytest.mark.sources

TUTORIALS = ROOT / "tutorials"
MIN_WORDS = 1500
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"
YOU_SEE = re.compile(r"\byou (will )?see\b", re.IGNORECASE)
ALTERNATIVE = re.compile(r"\b(alternatively|if you prefer|you can also|or you can|another way to)\b", re.IGNORECASE)
CHOICE_DIRECTIVES = {"tab-set", "tab-item", "dropdown"}
ANSWER = re.compile(r"Answer\b")  # a drop-down titled "Answer: ..." holds an exercise's answer, not a choice
FIX = re.compile(r"If\b")  # a drop-down titled "If ..." holds the fix for an error the step may print
# A section of its own for errors: they belong, each in an "If ..." drop-down, in their step.
TROUBLESHOOTING = re.compile(
    r"\b(troubleshoot\w*|if (?:a|any) (?:step|command|block)\b|does not (?:print|work)|goes wrong|common (?:errors|problems))",
    re.IGNORECASE,
)
# "step 3", "steps 2 and 4", "steps 2 to 5": a reference that must say whose step it is.
STEP_REFERENCE = re.compile(r"\bsteps?\s+\d+(?:(?:\s*,\s*|\s+(?:and|or|to)\s+)\d+)*", re.IGNORECASE)
OF_A_PART = re.compile(r"^\s+of\s*$")  # "step 3 of " before the link to the part
PART_PAGE = re.compile(r"^(?P<lesson>.+)-(?P<number>\d+)-[\w-]+$")
MAX_PART_WORDS = 700
MIN_EXERCISES = 3
PREDICT = re.compile(r"\bpredict\b", re.IGNORECASE)
GOAL = re.compile(r"^Goal:$")
TIME = re.compile(r"^\s*about \d+ minutes\b")
RESUME_HEADING = "If you opened a new terminal"
RESUME_SECTION = re.compile(r"^(resume-[\w-]+|cleanup)$")
MARKED = re.compile(r"^\s*class\s+[\w,]+\s+marked\s*$", re.M)
# Sentences that tell the learner how the site is tested: they belong in docs/ (issue 21).
TESTING = re.compile(
    r"\b(emulator|emulated|(?:the|this site's|the site's|our) tests\b|not run (?:in|by) (?:the|this site's) tests|ShellCheck)",
    re.IGNORECASE,
)


def tutorial_pages(root: Path = ROOT) -> list[Path]:
    """The first page of each tutorial (a lesson in parts is listed once, by its first page)."""
    return [p for p in sorted((root / "tutorials").glob("*.md")) if p.name != "index.md" and not PART_PAGE.match(p.stem)]


def parts_of(first: Path) -> list[Path]:
    """The part pages of a lesson, `LESSON-N-NAME.md`, in the order of N."""
    found = [p for p in first.parent.glob(f"{first.stem}-*.md") if (m := PART_PAGE.match(p.stem)) and m["lesson"] == first.stem]
    return sorted(found, key=lambda p: int(PART_PAGE.match(p.stem)["number"]))


def prose_words(path: Path) -> int:
    """Words of prose a reader sees: text and headings, not code, inline code or included outputs."""
    return sum(len(re.findall(r"[A-Za-z0-9][\w'’-]*", t.text)) for t in parse(path).text() if t.kind != "code")


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


def step_numbers(path: Path) -> Counter:
    """How many steps (items of a top-level numbered list) of a page carry each number."""
    found, depth, numbered, number = Counter(), 0, [], 0
    for token in parse(path).tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            numbered.append(token.type == "ordered_list_open")
            depth += 1
            if depth == 1 and numbered[-1]:
                number = int(token.attrGet("start") or 1)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            numbered.pop()
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and numbered[-1]:
            found[number] += 1
            number += 1
    return found


def _numbers(reference: str) -> list[int]:
    """The step numbers a reference names: "steps 2 to 4" names 2, 3 and 4."""
    found = [int(n) for n in re.findall(r"\d+", reference)]
    if re.search(r"\bto\b", reference, re.IGNORECASE) and len(found) == 2:
        return list(range(found[0], found[1] + 1))
    return found


def step_reference_problems(path: Path) -> list[str]:
    """Each "step N" says whose step it is, "step N of [Part M](PAGE.md)", and that part has exactly
    one step N: a lesson's parts each number their steps from 1, so a bare "step 9" is ambiguous."""
    page = parse(path)
    problems = []
    for token in page.tokens:
        if token.type != "inline" or not token.map:
            continue
        line, children = token.map[0] + 1, token.children or []
        for i, child in enumerate(children):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            if child.type != "text":
                continue
            for m in STEP_REFERENCE.finditer(child.content):
                reference, after = m.group(0), children[i + 1] if i + 1 < len(children) else None
                link = after.attrGet("href") if after is not None and after.type == "link_open" else None
                target = (path.parent / link.split("#", 1)[0]) if link else None
                if not (OF_A_PART.match(child.content[m.end():]) and target and PART_PAGE.match(target.stem)
                        and target.is_file()):
                    problems.append(f"{where(path, line)}: '{reference}' does not say which part's step it means: write "
                                    f"'{reference} of [Part N](PAGE.md)', or name the step by what it does")
                    continue
                counts = step_numbers(target)
                problems += [
                    f"{where(path, line)}: '{reference} of {link}': {target.name} has "
                    f"{'no step' if not counts[n] else f'{counts[n]} steps numbered'} {n}; name the step by what it does"
                    for n in _numbers(reference) if counts[n] != 1
                ]
    return problems


def fix_problems(path: Path) -> list[str]:
    """Errors a learner may meet are fixed in their step, in a collapsed "If ..." drop-down; no
    section of their own."""
    page = parse(path)
    problems = [
        f"{where(path, h.line)}: a section for errors ('{h.text}'): put each error's fix in the step where it "
        "happens, in a collapsed `{dropdown} If ...`"
        for h in page.headings if h.level >= 2 and TROUBLESHOOTING.search(h.text)
    ]
    steps = _steps(page)
    resume = _h2(page, re.escape(RESUME_HEADING))
    resume_end = min([h.line for h in page.headings if resume and h.level <= 2 and h.line > resume.line], default=10**9)
    for block in page.blocks:
        if block.name != "dropdown" or not FIX.match(block.argument):
            continue
        if "open" in block.options:
            problems.append(f"{block.where()}: the drop-down '{block.argument}' opens by itself (`:open:`); leave a fix collapsed")
        if not _step_of(steps, block.line) and not (resume and resume.line < block.line < resume_end):
            problems.append(f"{block.where()}: the drop-down '{block.argument}' is in no step; put it in the step where "
                            "the error happens")
    return problems


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
    problems += tutorial_step_problems(path)

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
    problems += what_you_learned_problems(path)

    if (count := words(path)) < MIN_WORDS:
        problems.append(f"{at}: {count} words of prose; a tutorial has at least {MIN_WORDS}")
    return problems


def tutorial_step_problems(path: Path) -> list[str]:
    """Numbered steps, each command followed by what you will see; no choices; nothing on testing."""
    page = parse(path)
    at = where(path, 1)
    problems = []
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
        for b in page.blocks
        if b.name in CHOICE_DIRECTIVES and not (b.name == "dropdown" and (ANSWER.match(b.argument) or FIX.match(b.argument)))
    ]
    problems += [
        f"{where(path, t.line)}: '{m.group(0)}' offers the reader a choice; a tutorial has one path"
        for t in text if t.kind == "text" for m in [ALTERNATIVE.search(t.text)] if m
    ]

    problems += site_testing_problems(path)
    problems += fix_problems(path)
    problems += step_reference_problems(path)
    return problems


def what_you_learned_problems(path: Path) -> list[str]:
    page = parse(path)
    at = where(path, 1)
    problems = []
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

    return problems


def site_testing_problems(path: Path) -> list[str]:
    """Sentences that tell the learner how the site is tested (they belong in docs/), in the prose,
    the captions and the diagrams' labels."""
    page = parse(path)
    return [
        f"{where(path, t.line)}: '{m.group(0)}' tells the learner how the site is tested; say it in docs/"
        for t in sorted((*page.text(), *page.labels()), key=lambda t: t.line) if t.kind != "code"
        for m in [TESTING.search(t.text)] if m
    ]


def _step_of(steps: list[tuple[int, int]], line: int) -> tuple[int, int] | None:
    return next((s for s in steps if s[0] <= line <= s[1]), None)


def _section(block) -> str:
    m = re.match(r'"?\[start ([\w-]+)\]', block.options.get("start-after", "").strip())
    return m.group(1) if m else ""


def part_problems(path: Path, number: int) -> list[str]:
    """One part of a lesson: its title, goal, time, resume section, marked diagram, steps and length."""
    page = parse(path)
    at = where(path, 1)
    problems = []
    title = next((h for h in page.headings if h.level == 1), None)
    if not title or not re.match(rf"Part {number}: \S", title.text):
        problems.append(f"{where(path, title.line if title else 1)}: a part's title reads 'Part {number}: ...'")
    steps = _steps(page)
    first_step = steps[0][0] if steps else 10**9
    text = [t for t in page.text() if t.line < first_step]
    for i, t in enumerate(text):
        if GOAL.match(t.text.strip()):
            break
    else:
        problems.append(f"{at}: no '**Goal:** ...' before the first step: what the learner will have at the end")
    times = [t for i, t in enumerate(text) if t.text.strip() == "Time:" and i + 1 < len(text) and TIME.match(text[i + 1].text)]
    if not times:
        problems.append(f"{at}: no '**Time:** about N minutes.' before the first step")
    resume = _h2(page, re.escape(RESUME_HEADING))
    if not resume or resume.line > first_step:
        problems.append(f"{at}: no '## {RESUME_HEADING}' section before the first step")
    elif number > 1:
        end = min([h.line for h in page.headings if h.level <= 2 and h.line > resume.line], default=10**9)
        sections = [_section(b) for b in page.blocks if b.name == "literalinclude" and resume.line < b.line < end]
        if not any(RESUME_SECTION.match(s) for s in sections):
            problems.append(f"{where(path, resume.line)}: '{RESUME_HEADING}' shows no `resume-*` (or `cleanup`) "
                            "section that finds the learner's resources again")
    diagrams = [b for b in page.blocks if b.name == "mermaid"]
    if not any(MARKED.search(b.body) for b in diagrams):
        problems.append(f"{at}: no diagram of the lesson with this part's pieces marked (`class NODE,... marked`)")
    if (count := prose_words(path)) > MAX_PART_WORDS:
        problems.append(f"{at}: {count} words of prose; a part has at most {MAX_PART_WORDS}")
    return problems


def exercises(path: Path) -> tuple[int, list[str]]:
    """Do-and-predict exercises on a page: an answer drop-down in a step that asks to predict."""
    page = parse(path)
    steps = _steps(page)
    found, problems = 0, []
    for block in page.blocks:
        if block.name == "dropdown" and ANSWER.match(block.argument):
            step = _step_of(steps, block.line)
            asked = step and any(PREDICT.search(t.text) for t in page.text() if step[0] <= t.line <= step[1] and t.line < block.line)
            if asked:
                found += 1
            else:
                problems.append(f"{block.where()}: an answer with no step that asks the learner to predict it first")
    return found, problems


def lesson_problems(first: Path) -> list[str]:
    """A tutorial: one page (tutorial_problems), or a lesson in parts (its first page and each part)."""
    parts = parts_of(first)
    if not parts:
        return tutorial_problems(first)
    page = parse(first)
    at = where(first, 1)
    problems = []
    title = next((h for h in page.headings if h.level == 1), None)
    if not title or re.match(r"How to\b", title.text):
        problems.append(f"{where(first, title.line if title else 1)}: a tutorial's title names the lesson, not 'How to …'")
    if not _h2(page, r"Before you start"):
        problems.append(f"{at}: no '## Before you start' section (what you need, the time, the cost)")
    problems += cost_problems(first)
    if not any(b.name == "mermaid" for b in page.blocks):
        problems.append(f"{at}: no diagram of what the lesson builds")
    linked = {link.page for link in page.links if link.page}
    problems += [f"{at}: does not link its part {p.name}" for p in parts if p not in linked]
    problems += [f"{where(first, link.line)}: links to an explanation page before the first step; link it after the step it explains"
                 for link in page.links if link.page and link.page.parent.name == "explanation"]
    problems += site_testing_problems(first)

    explanation, total, found = set(), words(first), 0
    for number, path in enumerate(parts, start=1):
        problems += part_problems(path, number)
        problems += [p for p in tutorial_step_problems(path)]
        count, wrong = exercises(path)
        found += count
        problems += wrong
        part = parse(path)
        explanation |= {link.page for link in part.links if link.page and link.page.parent.name == "explanation"}
        total += words(path)
    if found < MIN_EXERCISES:
        problems.append(f"{at}: {found} do-and-predict exercises; a lesson has at least {MIN_EXERCISES}")
    if len(explanation) < 3:
        problems.append(f"{at}: links to fewer than 3 explanation pages after its steps")
    last = parse(parts[-1])
    if not any(re.match(r"(Part \d+: )?Clean ?up", h.text, re.IGNORECASE) for h in last.headings if h.level <= 2):
        problems.append(f"{where(parts[-1], 1)}: the last part is not the clean-up")
    problems += what_you_learned_problems(parts[-1])
    if total < MIN_WORDS:
        problems.append(f"{at}: {total} words of prose; a tutorial has at least {MIN_WORDS}")
    return problems


def test_there_is_a_tutorial():
    assert tutorial_pages(), "tutorials/ holds no tutorial"


@pytest.mark.parametrize("path", tutorial_pages(), ids=lambda p: p.name)
def test_tutorial_has_the_shape_of_a_lesson(path):
    problems = lesson_problems(path)
    assert not problems, "\n".join(problems)


def index_problems(index: Path) -> list[str]:
    """The tutorials' index says what a tutorial costs, with its date, and how long it takes."""
    problems = cost_problems(index)
    if not any(re.search(r"\b(hours?|minutes)\b", t.text) for t in parse(index).text()):
        problems.append(f"{where(index, 1)}: says nothing of how long a tutorial takes")
    return problems


def test_tutorials_index_states_time_and_cost():
    problems = index_problems(TUTORIALS / "index.md") + site_testing_problems(TUTORIALS / "index.md")
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
    (the rule test_content.py applies to guides and reference pages, for the tutorial quadrant).
    A lesson in parts counts as one tutorial: its pages together link out, and a link to any of them
    counts as a link to it.
    """
    out: dict[Path, set[Path]] = {}
    for path, targets in links_between(root, "tutorials", "explanation").items():
        m = PART_PAGE.match(path.stem)
        first = path.with_name(f"{m['lesson']}.md") if m and path.with_name(f"{m['lesson']}.md").is_file() else path
        out.setdefault(first, set()).update(targets)
    into = {
        (page.with_name(f"{m['lesson']}.md") if (m := PART_PAGE.match(page.stem)) and page.with_name(f"{m['lesson']}.md").is_file() else page)
        for page in set().union(*links_between(root, "explanation", "tutorials").values())
    }
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


# -- A lesson in parts ---------------------------------------------------------------------------

DIAGRAM = """```{mermaid}
:caption: What you build.

flowchart LR
  accTitle: What you build
  accDescr: A bucket.
  bucket["Bucket"]
%s```
"""

FIRST = """# Your fixture lesson

A lesson in two parts.

%s
## Before you start

As of November 2026 it costs $0.01. The parts: [](lesson-1-make.md), [](lesson-2-clean-up.md).
""" % (DIAGRAM % "")

PART_1 = """# Part 1: Make it

**Goal:** a bucket.
**Time:** about 10 minutes.

%s
## If you opened a new terminal

Start with the first step.

## Make

1. Predict what this prints, then run it:

   ```{literalinclude} snippets/lesson.sh
   :start-after: "[start make]"
   :end-before: "[end make]"
   ```

   You will see a line.

   :::{dropdown} Answer: one line
   One.
   :::

2. Predict again:

   ```{literalinclude} snippets/lesson.sh
   :start-after: "[start again]"
   :end-before: "[end again]"
   ```

   You will see a line.

   :::{dropdown} Answer: the same line
   The same.
   :::

Why: [](../explanation/a.md), [](../explanation/b.md) and [](../explanation/c.md).
""" % (DIAGRAM % "  class bucket marked\n")

PART_2 = """# Part 2: Clean up

**Goal:** nothing left.
**Time:** about 5 minutes.

%s
## If you opened a new terminal

```{literalinclude} snippets/lesson.sh
:start-after: "[start cleanup]"
:end-before: "[end cleanup]"
```

You will see your names.

## Clean up

1. Predict, then delete it:

   ```{literalinclude} snippets/lesson.sh
   :start-after: "[start cleanup-bucket]"
   :end-before: "[end cleanup-bucket]"
   ```

   You will see a line.

   :::{dropdown} Answer: deleted
   Gone.
   :::

## What you learned

[](../howto/a.md), [](../howto/b.md), [](../howto/c.md).
""" % (DIAGRAM % "  class bucket marked\n")


def lesson_fixture(tmp_path: Path, first: str = FIRST, part_1: str = PART_1, part_2: str = PART_2) -> Path:
    folder = tmp_path / "tutorials"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("lesson.md", first), ("lesson-1-make.md", part_1), ("lesson-2-clean-up.md", part_2)):
        (folder / name).write_text(text)
    return folder / "lesson.md"


def test_a_lesson_in_parts_passes_except_for_its_length(tmp_path):
    first = lesson_fixture(tmp_path)
    assert parts_of(first) == [first.with_name("lesson-1-make.md"), first.with_name("lesson-2-clean-up.md")]
    assert tutorial_pages(tmp_path) == [first]
    problems = lesson_problems(first)
    assert len(problems) == 1 and re.search(r"lesson.md:1: \d+ words of prose; a tutorial has at least 1500$", problems[0]), problems


def test_the_lesson_checker_catches_a_part_without_goal_time_resume_or_marks(tmp_path):
    part_1 = (PART_1.replace("**Goal:** a bucket.\n", "").replace("about 10 minutes", "a while")
              .replace("## If you opened a new terminal\n\nStart with the first step.\n", "")
              .replace("  class bucket marked\n", "").replace("Predict again:", "Then:")
              .replace("# Part 1: Make it", "# Make it")
              .replace("   You will see a line.\n\n   :::{dropdown} Answer: one line", "   You will see a line. The emulator prints it.\n\n   :::{dropdown} Details"))
    part_2 = PART_2.replace("[start cleanup]", "[start names]").replace("[end cleanup]", "[end names]")
    part_2 = part_2.replace("Gone.", "Gone. " + "word " * 700)
    first = lesson_fixture(tmp_path, part_1=part_1, part_2=part_2)
    problems = {p.split(": ", 1)[1]: int(p.split(":")[1]) for p in lesson_problems(first)}
    part_2_words = prose_words(first.with_name("lesson-2-clean-up.md"))
    assert part_2_words > MAX_PART_WORDS
    expected = {
        "a part's title reads 'Part 1: ...'": 1,
        "no '**Goal:** ...' before the first step: what the learner will have at the end": 1,
        "no '**Time:** about N minutes.' before the first step": 1,
        "no '## If you opened a new terminal' section before the first step": 1,
        "no diagram of the lesson with this part's pieces marked (`class NODE,... marked`)": 1,
        "'emulator' tells the learner how the site is tested; say it in docs/": 24,
        "a {dropdown} offers the reader a choice; a tutorial has one path": 26,
        "an answer with no step that asks the learner to predict it first": 39,
        "'If you opened a new terminal' shows no `resume-*` (or `cleanup`) section that finds the learner's resources again": 16,
        f"{part_2_words} words of prose; a part has at most {MAX_PART_WORDS}": 1,
        "1 do-and-predict exercises; a lesson has at least 3": 1,
    }
    assert {k: v for k, v in problems.items() if "a tutorial has at least 1500" not in k} == expected


def test_the_lesson_checker_catches_troubleshooting_apart_and_ambiguous_step_references(tmp_path):
    """Fixes in a section of their own, or open, or in no step; "step N" with no part, or naming a
    step its part has twice or not at all; a caption and a diagram label about the site's tests."""
    part_1 = PART_1.replace("Why: [](../explanation/a.md)", "## Again\n\n1. Once more.\n\nWhy: [](../explanation/a.md)")
    part_2 = (PART_2
              .replace("1. Predict, then delete it:",
                       "1. Predict, then delete what step 2 of [Part 1](lesson-1-make.md) made (as in\n"
                       "   step 1 of [Part 1](lesson-1-make.md), or step 9 of [Part 1](lesson-1-make.md); see step 1):")
              .replace("   You will see a line.\n\n   :::{dropdown} Answer: deleted",
                       "   You will see a line.\n\n   :::{dropdown} If you see `AccessDenied`\n   :open:\n\n   Ask.\n   :::\n\n"
                       "   :::{dropdown} Answer: deleted")
              .replace(":end-before: \"[end cleanup-bucket]\"\n", ":end-before: \"[end cleanup-bucket]\"\n   :caption: As the emulator prints it\n")
              .replace("  class bucket marked\n", "  bucket --> tests[\"Our tests\"]\n  class bucket marked\n")
              .replace("## What you learned", "## If a step does not print what it should\n\n:::{dropdown} If it fails\nPaste it again.\n:::\n\n"
                       "## What you learned"))
    first = lesson_fixture(tmp_path, part_1=part_1, part_2=part_2)
    path = first.with_name("lesson-2-clean-up.md")
    assert [p for p in lesson_problems(first) if "a tutorial has at least 1500" not in p] == [
        f"{path}:13: 'Our tests' tells the learner how the site is tested; say it in docs/",
        f"{path}:34: 'emulator' tells the learner how the site is tested; say it in docs/",
        f"{path}:49: a section for errors ('If a step does not print what it should'): put each error's fix in the step "
        "where it happens, in a collapsed `{dropdown} If ...`",
        f"{path}:39: the drop-down 'If you see `AccessDenied`' opens by itself (`:open:`); leave a fix collapsed",
        f"{path}:51: the drop-down 'If it fails' is in no step; put it in the step where the error happens",
        f"{path}:29: 'step 1 of lesson-1-make.md': lesson-1-make.md has 2 steps numbered 1; name the step by what it does",
        f"{path}:29: 'step 9 of lesson-1-make.md': lesson-1-make.md has no step 9; name the step by what it does",
        f"{path}:29: 'step 1' does not say which part's step it means: write 'step 1 of [Part N](PAGE.md)', "
        "or name the step by what it does",
    ]


def test_the_lesson_checker_catches_a_first_page_that_teaches(tmp_path):
    first = lesson_fixture(tmp_path, first=FIRST.replace("```{mermaid}", "```{code}").replace(
        "A lesson in two parts.", "A lesson. Read [](../explanation/a.md); the site's tests run it.").replace(", [](lesson-2-clean-up.md)", ""))
    problems = [p.split(": ", 1)[1] for p in lesson_problems(first)]
    assert problems[:4] == [
        "no diagram of what the lesson builds",
        "does not link its part lesson-2-clean-up.md",
        "links to an explanation page before the first step; link it after the step it explains",
        "'the site's tests' tells the learner how the site is tested; say it in docs/",
    ], problems


# -- Outputs awaiting the live capture (rules/live-capture.toml) ------------------------------------

FORM_CAPTION = "Layout only: your values will differ"


def live_capture_problems(root: Path = ROOT) -> list[str]:
    """Outputs the emulator cannot print as AWS would are listed in rules/live-capture.toml and
    marked on their page; every not-emulated step of a tutorial is listed there too."""
    rules = load_rules("live-capture", root)
    registry = root / "rules" / "live-capture.toml"
    listed = {entry["file"]: entry.get("caption", FORM_CAPTION) for entry in rules.get("output", [])}
    captions = {FORM_CAPTION, *listed.values()}
    problems = [f"{where(registry, 1)}: {f} does not exist" for f in sorted(listed) if not (root / f).is_file()]
    shown: dict[str, list] = {}
    for path in sorted((root / "tutorials").glob("*.md")):
        for block in parse(path).blocks:
            if block.name == "literalinclude" and block.argument.startswith("outputs/"):
                rel = (path.parent / block.argument).resolve().relative_to(root.resolve()).as_posix()
                shown.setdefault(rel, []).append(block)
                caption = block.options.get("caption", "")
                if caption in captions and rel not in listed:
                    problems.append(f"{block.where()}: {rel} is shown as a form awaiting capture but is not in rules/live-capture.toml")
                elif rel in listed and caption != listed[rel]:
                    problems.append(f"{block.where()}: {rel} awaits the live capture; show it with `:caption: {listed[rel]}`")
    problems += [f"{where(registry, 1)}: {f} is shown on no page" for f in sorted(listed) if f not in shown]
    sections = {(e["snippet"], e["name"]) for e in rules.get("section", [])}
    for snippet in sorted((root / "tutorials" / "snippets").glob("*.sh")):
        rel = snippet.relative_to(root).as_posix()
        found = {s.name: s for s in parse_sections(snippet)}
        problems += [f"{where(snippet, s.line)}: not-emulated step {s.name!r} is not in rules/live-capture.toml"
                     for s in found.values() if s.reason and (rel, s.name) not in sections]
        problems += [f"{where(registry, 1)}: {rel} has no not-emulated section {name!r}"
                     for file, name in sorted(sections) if file == rel and (name not in found or not found[name].reason)]
    return problems


def test_outputs_awaiting_the_live_capture_are_marked():
    problems = live_capture_problems()
    assert not problems, "\n".join(problems)


def test_the_live_capture_check_catches_unmarked_and_unlisted_outputs(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "live-capture.toml").write_text(
        '[[output]]\nfile = "tutorials/outputs/lesson/count.txt"\nwhy = "real data"\n'
        '[[output]]\nfile = "tutorials/outputs/lesson/gc.txt"\nlines = "gc"\ncaption = "Your gc will differ"\nwhy = "real data"\n'
        '[[section]]\nsnippet = "tutorials/snippets/lesson.sh"\nname = "make"\nwhy = "gone"\n'
    )
    (tmp_path / "tutorials" / "outputs" / "lesson").mkdir(parents=True)
    (tmp_path / "tutorials" / "snippets").mkdir()
    for name in ("count", "list", "gc"):
        (tmp_path / "tutorials" / "outputs" / "lesson" / f"{name}.txt").write_text("reads\t4\n")
    (tmp_path / "tutorials" / "snippets" / "lesson.sh").write_text(
        "# [start make]\naws s3 mb s3://x\n# [end make]\n# [start ssh] not-emulated: a real instance\nssh x\n# [end ssh]\n")
    (tmp_path / "tutorials" / "lesson.md").write_text(
        "# Lesson\n\n```{literalinclude} outputs/lesson/count.txt\n```\n\n"
        f"```{{literalinclude}} outputs/lesson/list.txt\n:caption: {FORM_CAPTION}\n```\n\n"
        f"```{{literalinclude}} outputs/lesson/gc.txt\n:caption: {FORM_CAPTION}\n```\n"
    )
    registry, page, snippet = (f"{tmp_path}/rules/live-capture.toml", f"{tmp_path}/tutorials/lesson.md",
                               f"{tmp_path}/tutorials/snippets/lesson.sh")
    assert live_capture_problems(tmp_path) == [
        f"{page}:3: tutorials/outputs/lesson/count.txt awaits the live capture; show it with `:caption: {FORM_CAPTION}`",
        f"{page}:6: tutorials/outputs/lesson/list.txt is shown as a form awaiting capture but is not in rules/live-capture.toml",
        f"{page}:10: tutorials/outputs/lesson/gc.txt awaits the live capture; show it with `:caption: Your gc will differ`",
        f"{snippet}:4: not-emulated step 'ssh' is not in rules/live-capture.toml",
        f"{registry}:1: tutorials/snippets/lesson.sh has no not-emulated section 'make'",
    ]


# -- Where each block runs ------------------------------------------------------------------------

ON_INSTANCE, ON_COMPUTER = "On the instance", "On your computer"


def where_it_runs_problems(path: Path) -> list[str]:
    """A block of a snippet file the learner types on an instance (`*-instance.sh`) carries the
    caption "On the instance"; once a page has shown one, each block the learner pastes on their
    own computer carries "On your computer", so that no block after the switch is ambiguous."""
    problems, seen_instance = [], False
    for block in parse(path).blocks:
        if block.name != "literalinclude" or not block.argument.startswith("snippets/"):
            continue
        on_instance = block.argument.strip().endswith("-instance.sh")
        seen_instance |= on_instance
        want = ON_INSTANCE if on_instance else ON_COMPUTER if seen_instance else None
        if want and block.options.get("caption", "") != want:
            problems.append(f"{block.where()}: a block the learner runs {want.lower()} carries `:caption: {want}`")
    return problems


def test_each_block_says_where_it_runs():
    problems = [p for path in sorted((ROOT / "tutorials").glob("*.md")) for p in where_it_runs_problems(path)]
    assert not problems, "\n".join(problems)


def test_the_where_check_catches_unmarked_blocks(tmp_path):
    page = tmp_path / "lesson.md"
    block = '```{{literalinclude}} snippets/{}\n:language: bash\n{}:start-after: "[start {}]"\n```\n\n'
    page.write_text("# Lesson\n\n" + block.format("lesson.sh", "", "connect")
                    + block.format("lesson-instance.sh", "", "count")
                    + block.format("lesson-instance.sh", ":caption: On the instance\n", "save")
                    + block.format("lesson.sh", "", "download"))
    assert where_it_runs_problems(page) == [
        f"{page}:8: a block the learner runs on the instance carries `:caption: On the instance`",
        f"{page}:19: a block the learner runs on your computer carries `:caption: On your computer`",
    ]
