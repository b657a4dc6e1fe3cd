"""Diátaxis shape and content rules, read from the Markdown sources (no build needed).

Each checker returns one line per problem, `FILE:LINE: what is wrong`, and takes the root of
a site so that the fixtures at the end of each section can prove it on a small broken tree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from snippets import parse_sections as sections
from sources import QUADRANTS, ROOT, RUNNABLE, load_rules, pages, parse, title_problem, where, words

pytestmark = pytest.mark.sources

CAPTIONS = {  # toctree caption in index.md -> the folder its pages live in, in reading order
    "Tutorials": "tutorials",
    "Explanation": "explanation",
    "How-to guides": "howto",
    "Reference": "reference",
    "About this site": "docs",
}


def toctrees(root: Path = ROOT) -> dict[str, list[str]]:
    """Caption -> the document names its toctree lists, from the root index.md."""
    return {
        block.options.get("caption", ""): [ln.strip() for ln in block.body.splitlines() if ln.strip()]
        for block in parse(root / "index.md").blocks
        if block.name == "toctree"
    }


def listed(quadrant: str, root: Path = ROOT) -> list[str]:
    """The pages of a quadrant the toctree lists, in order, without its index page."""
    return [
        name.split("/", 1)[1]
        for names in toctrees(root).values()
        for name in names
        if name.startswith(f"{quadrant}/") and name != f"{quadrant}/index"
    ]


EXPLANATION = listed("explanation")
GUIDES = listed("howto")


# -- Placeholders and numbered steps ---------------------------------------------------------

PLACEHOLDER = re.compile(
    r"\bTODO\b|\bTBD\b|\bFIXME\b|\bXXX\b|lorem ipsum|coming soon|to be written|\(stub\)|see notes|\?\?\?",
    re.IGNORECASE,
)
ELLIPSIS_STUB = re.compile(r"^\s*[A-Za-z ]+ is \.\.\.\s*$")  # "Storage is ..."
MARKER = re.compile(r"<[A-Za-z][^<>]*>")  # a template's <marker> in front matter or a directive
TEXT_MARKER = re.compile(r"<[A-Za-z]")  # where a \<marker> starts in the text, as the reader would see it


def placeholders(path: Path) -> list[str]:
    """Placeholder words, an 'X is ...' stub, or a template marker left in the text, front
    matter or a directive's argument or options."""
    page = parse(path)
    found = [
        f"{where(path, t.line)}: placeholder text: {t.text.strip()}"
        for t in page.text()
        if t.kind != "code" and (PLACEHOLDER.search(t.text) or TEXT_MARKER.search(t.text))
    ]
    found += [f"{where(path, line)}: placeholder text: {text}" for line, _, text in page.list_items if ELLIPSIS_STUB.match(text)]
    description = str(page.front_matter.get("myst", {}).get("html_meta", {}).get("description", ""))
    if MARKER.search(description) or PLACEHOLDER.search(description):
        first, last = page.front_matter_lines
        line = next((n for n in range(first, last + 1) if "description:" in page.source.splitlines()[n - 1]), first)
        found.append(f"{where(path, line)}: placeholder text in the description: {description}")
    for block in page.blocks:
        for value in (block.argument, *block.options.values()):
            if block.name != "code" and (MARKER.search(value) or PLACEHOLDER.search(value)):
                found.append(f"{block.where()}: placeholder in the {{{block.name}}} directive: {value}")
    return sorted(found, key=_line_order)


def _line_order(problem: str) -> tuple[str, int]:
    file, line, _ = problem.split(":", 2)
    return file, int(line)


def numbered_steps(path: Path) -> list[str]:
    return [f"{where(path, line)}: numbered steps belong in a how-to guide" for line in parse(path).ordered_lists]


def test_no_page_holds_placeholder_text():
    found = [hit for page in pages() for hit in placeholders(page)]
    assert not found, "\n".join(found)


def snippet_placeholders(root: Path = ROOT) -> list[str]:
    """Placeholder words in a snippet file (plain text, not Markdown: read line by line)."""
    return [
        f"{where(path, number)}: placeholder: {text.strip()}"
        for q in RUNNABLE for path in sorted((root / q / "snippets").glob("*"))
        for number, text in enumerate(path.read_text().splitlines(), start=1) if PLACEHOLDER.search(text)
    ]


def test_no_snippet_holds_placeholder_text():
    found = snippet_placeholders()
    assert not found, "\n".join(found)


def test_checkers_catch_placeholders_and_steps(tmp_path):
    page = tmp_path / "bad.md"
    page.write_text(
        "---\nmyst:\n  html_meta:\n    description: <What this page explains.>\n---\n\n"
        "# Bad\n\n- Storage is ...\n\nMore TODO here.\n\n1. Click this.\n\n"
        "```bash\n1. not a step, TODO in code\n```\n\n"
        "On AWS, \\<what is different>.\n\n"
        "```{literalinclude} snippets/<guide>.sh\n```\n"
    )
    assert [h.split(":", 2)[1] for h in placeholders(page)] == ["4", "9", "11", "19", "21"]
    assert numbered_steps(page) == [f"{page}:13: numbered steps belong in a how-to guide"]


# -- Explanation pages -----------------------------------------------------------------------

MIN_WORDS = 800


def explanation_problems(path: Path) -> list[str]:
    problems = placeholders(path) + numbered_steps(path)
    if (count := words(path)) < MIN_WORDS:
        problems.append(f"{where(path, 1)}: {count} words; an explanation page has at least {MIN_WORDS}")
    return problems


@pytest.mark.parametrize("name", EXPLANATION)
def test_explanation_page_is_finished_prose(name):
    path = ROOT / "explanation" / f"{name}.md"
    assert path.is_file(), f"index.md lists explanation/{name}, but explanation/{name}.md is missing"
    problems = explanation_problems(path)
    assert not problems, "\n".join(problems)


def test_explanation_checker_catches_steps_and_a_short_page(tmp_path):
    page = tmp_path / "explanation" / "short.md"
    page.parent.mkdir()
    page.write_text("# Short\n\nWhy things are.\n\n1. Open the console.\n2. Click.\n")
    assert explanation_problems(page) == [
        f"{page}:5: numbered steps belong in a how-to guide",
        f"{page}:1: 8 words; an explanation page has at least 800",
    ]


def test_the_post_s_ten_topics_are_all_explained():
    assert len(EXPLANATION) >= 10, EXPLANATION


def test_explanation_quadrant_is_at_least_10000_words():
    total = sum(words(ROOT / "explanation" / f"{name}.md") for name in EXPLANATION)
    assert total >= 10_000, total


# -- How-to guides ---------------------------------------------------------------------------

CHECK = re.compile(r"\b(check|verify|confirm)", re.IGNORECASE)


def guide_problems(path: Path) -> list[str]:
    page = parse(path)
    heads = page.headings
    title = next((h for h in heads if h.level == 1), None)
    at = where(path, title.line if title else 1)
    problems = []
    # The verbs are data, rules/title-verbs.toml; `nox -s new` applies the same rule (tools/new_page.py).
    if problem := title_problem(title.text if title else ""):
        problems.append(f"{at}: {problem}")
    if not any(h.level == 2 and h.text.startswith("Prerequisites") for h in heads):
        problems.append(f"{at}: no '## Prerequisites' section")
    if not page.ordered_lists:
        problems.append(f"{at}: no numbered steps")
    if not any(CHECK.search(h.text) for h in heads) and not any(
        numbered and CHECK.search(text) for _, numbered, text in page.list_items
    ):
        problems.append(f"{at}: no step or section that checks it worked")
    if not any(h.level == 2 and re.match(r"Clean ?up", h.text, re.IGNORECASE) for h in heads):
        problems.append(f"{at}: no '## Clean up' section")
    if not any(link.page and link.page.parent.name == "explanation" for link in page.links):
        problems.append(f"{at}: links to no explanation page")
    return problems


@pytest.mark.parametrize("name", GUIDES)
def test_howto_guide_has_the_shape_of_a_guide(name):
    problems = guide_problems(ROOT / "howto" / f"{name}.md")
    assert not problems, "\n".join(problems)


def test_guide_checker_catches_a_lecture(tmp_path):
    page = tmp_path / "howto" / "lecture.md"
    page.parent.mkdir()
    page.write_text("---\nmyst:\n  html_meta:\n    description: A talk.\n---\n\n# About networks\n\nNetworks are interesting.\n")
    problems = guide_problems(page)
    assert len(problems) == 6 and all(p.startswith(f"{page}:7: ") for p in problems), problems


def test_guide_checker_catches_an_unlisted_title_verb(tmp_path):
    page = tmp_path / "howto" / "frob.md"
    page.parent.mkdir()
    page.write_text("---\nmyst:\n  html_meta:\n    description: A guide.\n---\n\n# Frobnicate a bucket\n")
    assert guide_problems(page)[0] == (
        f"{page}:7: the title should read 'How to …' or start with an imperative; 'Frobnicate' is not in "
        "rules/title-verbs.toml (add it there if it is one)"
    )
    page.write_text(page.read_text().replace("Frobnicate a bucket", "Rotate an IAM user's access keys"))
    assert not [p for p in guide_problems(page) if "the title" in p]


def test_title_verbs_are_sorted_capitalized_and_unique():
    verbs = load_rules("title-verbs")["verbs"]
    assert len(verbs) == len(set(verbs)), [v for v in verbs if verbs.count(v) > 1]
    assert all(re.fullmatch(r"[A-Z][a-z]+", v) for v in verbs), verbs


def test_there_are_at_least_15_guides():
    assert len(GUIDES) >= 15, GUIDES


AWS_COMMAND = re.compile(r"^\s*(\$\s*)?(aws\s+[a-z0-9-]+\s|\w+\s*=\s*boto3\.|boto3\.)", re.MULTILINE)


def pasted_commands(path: Path) -> list[str]:
    """Commands typed into a page instead of included from its snippets (which the emulator runs)."""
    return [
        f"{block.where()}: an AWS command pasted into the page; move it into the snippet file and include it"
        for block in parse(path).blocks
        if block.name in ("code", "code-block", "code-cell") and AWS_COMMAND.search(block.body)
    ]


def test_commands_come_from_snippets_not_copies():
    found = [hit for q in RUNNABLE for page in sorted((ROOT / q).glob("*.md")) for hit in pasted_commands(page)]
    assert not found, "\n".join(found)


def test_pasted_command_checker(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# P\n\n1. Run:\n\n   ```bash\n   aws s3 ls\n   ```\n\n```text\nmake_bucket: amzn-s3-demo-bucket\n```\n")
    assert pasted_commands(page) == [f"{page}:5: an AWS command pasted into the page; move it into the snippet file and include it"]


# -- Snippets, outputs and emulator tests ----------------------------------------------------
#
# A page shows commands from <quadrant>/snippets/<file> and what they print from
# <quadrant>/outputs/<guide>/<section>.txt, both with `literalinclude`. The emulator runs them
# (tests/aws/): a snippet file must be run by an emulator test, and an output file must be
# the output of a section the emulator runs, or nothing ever compares it.

AWS_TESTS = Path("tests", "aws")
TOUR = AWS_TESTS / "test_tour.py"
STUB = "Stub from nox -s new"  # in the emulator test that `nox -s new` writes, until it is written


def includes(root: Path, quadrant: str) -> dict[str, list[tuple[Path, int, str]]]:
    """Included file (relative to the quadrant) -> (page, line, section or "") for each include."""
    found: dict[str, list[tuple[Path, int, str]]] = {}
    for path in sorted((root / quadrant).glob("*.md")):
        for block in parse(path).blocks:
            if block.name == "literalinclude":
                section = re.match(r'"?\[start ([\w-]+)\]', block.options.get("start-after", "").strip())
                found.setdefault(block.argument, []).append((path, block.line, section.group(1) if section else ""))
    return found


def unshown_sections(root: Path = ROOT) -> list[str]:
    missing = []
    for q in RUNNABLE:
        shown = includes(root, q)
        for snippet in sorted((root / q / "snippets").glob("*")):
            used = {s for _, _, s in shown.get(f"snippets/{snippet.name}", [])}
            missing += [
                f"{where(snippet, s.line)}: section {s.name!r} is on no page"
                for s in sections(snippet) if s.name not in used
            ]
    return missing


def test_every_snippet_section_is_shown_on_a_page():
    missing = unshown_sections()
    assert not missing, "\n".join(missing)


def tour_order(root: Path, quadrant: str) -> list[str]:
    """The pages the reader's tour runs, in order: those <quadrant>/index.md links to, by a
    relative link to a page in the same folder (the rule of tests/aws/tour.py)."""
    index = root / quadrant / "index.md"
    if not (root / TOUR).is_file() or not index.is_file():
        return []
    names = [
        link.page.stem for link in parse(index).links
        if link.page and link.page.parent == index.parent and "/" not in link.url and link.page.stem != "index"
    ]
    return list(dict.fromkeys(names))


def untested_snippets(root: Path = ROOT) -> list[str]:
    """Snippet files no emulator test runs. A snippet file is run when:

    - `<page>.sh`: the reader's tour (tests/aws/test_tour.py) runs it, because <quadrant>/index.md
      links to <page>.md; or a test in tests/aws/ names it, as `guide("<page>")` does;
    - `<page>.py`: a test in tests/aws/ names it and calls `run_python()`;
    - any other file: a test in tests/aws/ names the file (`set-up-cli-config.ini`).

    A file whose every section is `not-emulated` needs no test (tests/aws/test_not_emulated.py
    lists those sections). A test that is still the stub `nox -s new` wrote does not count.
    """
    problems = []
    tests = {p: p.read_text() for p in sorted((root / AWS_TESTS).glob("*.py"))}
    for q in RUNNABLE:
        toured = tour_order(root, q)
        for snippet in sorted(p for p in (root / q / "snippets").glob("*") if p.is_file()):
            found = sections(snippet)
            if found and all(s.reason for s in found):
                continue
            named = re.compile(rf"""["']{re.escape(snippet.stem)}["']|{re.escape(snippet.name)}""")
            naming = {path: text for path, text in tests.items() if named.search(text)}
            stubs = [path for path, text in naming.items() if STUB in text]
            for path in stubs:
                line = naming[path][: naming[path].index(STUB)].count("\n") + 1
                problems.append(f"{where(path, line)}: still the stub `nox -s new` wrote; "
                                f"assert what {q}/{snippet.stem}.md builds, then that its clean-up leaves nothing")
            real = [text for path, text in naming.items() if path not in stubs]
            if snippet.suffix == ".sh":
                ok = real or snippet.stem in toured
                how = f"write {AWS_TESTS}/test_{snippet.stem.replace('-', '_')}.py (`guide({snippet.stem!r})`), " \
                      f"or link {snippet.stem}.md from {q}/index.md for the reader's tour"
            elif snippet.suffix == ".py":
                ok = any("run_python(" in text for text in real)
                how = f"call `run_python()` in {AWS_TESTS}/test_{snippet.stem.replace('-', '_')}.py"
            else:
                ok = bool(real)
                how = f"read it in a test in {AWS_TESTS}/"
            if not ok and not stubs:
                problems.append(f"{where(snippet, 1)}: no emulator test runs it; {how}")
    return problems


def test_every_snippet_file_is_run_by_an_emulator_test():
    problems = untested_snippets()
    assert not problems, "\n".join(problems)


def unmatched_outputs(root: Path = ROOT) -> list[str]:
    """Output files that match no section the emulator runs, or that no page shows."""
    problems = []
    for q in RUNNABLE:
        shown = includes(root, q)
        for output in sorted((root / q / "outputs").rglob("*")):
            if not output.is_file() or output == root / q / "outputs" / "provenance.toml":  # where each came from
                continue
            snippet = root / q / "snippets" / f"{output.parent.name}.sh"
            found = {s.name: s for s in sections(snippet)} if snippet.is_file() else {}
            section = found.get(output.stem)
            rel = output.relative_to(root / q).as_posix()
            if output.suffix != ".txt" or output.parent.parent != root / q / "outputs":
                problems.append(f"{where(output, 1)}: not an output file: outputs are {q}/outputs/<guide>/<section>.txt")
            elif section is None:
                problems.append(f"{where(output, 1)}: matches no section of {q}/snippets/{snippet.name}, so nothing compares it")
            elif section.reason:
                problems.append(f"{where(output, 1)}: section {section.name!r} is not emulated, so nothing compares it")
            elif rel not in shown:
                problems.append(f"{where(output, 1)}: shown on no page")
            elif not output.read_text().strip():
                problems.append(f"{where(output, 1)}: empty; fill it from the emulator with UPDATE_OUTPUTS=1 (see docs/contributing.md)")
    return problems


def test_every_output_file_matches_a_section_and_is_shown():
    problems = unmatched_outputs()
    assert not problems, "\n".join(problems)


GUIDE_PAGE = """\
# How to fixture

```{{literalinclude}} snippets/{name}.sh
:start-after: "[start make]"
:end-before: "[end make]"
```

```{{literalinclude}} outputs/{name}/make.txt
```
"""


def _runnable_tree(root: Path, name: str, test: str | None) -> None:
    (root / "howto" / "snippets").mkdir(parents=True, exist_ok=True)
    (root / "howto" / "outputs" / name).mkdir(parents=True, exist_ok=True)
    (root / "howto" / f"{name}.md").write_text(GUIDE_PAGE.format(name=name))
    (root / "howto" / "snippets" / f"{name}.sh").write_text("# [start make]\naws s3 mb s3://x\n# [end make]\n")
    (root / "howto" / "outputs" / name / "make.txt").write_text("make_bucket: x\n")
    if test is not None:
        (root / AWS_TESTS).mkdir(parents=True, exist_ok=True)
        (root / AWS_TESTS / f"test_{name.replace('-', '_')}.py").write_text(test)


def test_snippet_checker_catches_a_guide_with_no_emulator_test(tmp_path):
    _runnable_tree(tmp_path, "tested", 'def test_tested(guide):\n    guide("tested").run()\n')
    _runnable_tree(tmp_path, "untested", None)
    _runnable_tree(tmp_path, "stubbed", f'def test_stubbed(guide):\n    guide("stubbed").run()\n    raise AssertionError("{STUB}")\n')
    (tmp_path / "howto" / "snippets" / "untested.py").write_text("# [start make]\nimport boto3\n# [end make]\n")
    assert untested_snippets(tmp_path) == [
        f"{tmp_path}/tests/aws/test_stubbed.py:3: still the stub `nox -s new` wrote; "
        "assert what howto/stubbed.md builds, then that its clean-up leaves nothing",
        f"{tmp_path}/howto/snippets/untested.py:1: no emulator test runs it; call `run_python()` in tests/aws/test_untested.py",
        f"{tmp_path}/howto/snippets/untested.sh:1: no emulator test runs it; write tests/aws/test_untested.py "
        "(`guide('untested')`), or link untested.md from howto/index.md for the reader's tour",
    ]
    # The reader's tour runs every .sh of a page that howto/index.md links to.
    (tmp_path / "howto" / "index.md").write_text("# Guides\n\n- [](untested.md)\n")
    (tmp_path / TOUR).write_text("def test_tour(): ...\n")
    assert [p.split(": ", 1)[0] for p in untested_snippets(tmp_path)] == [
        f"{tmp_path}/tests/aws/test_stubbed.py:3", f"{tmp_path}/howto/snippets/untested.py:1",
    ]


def test_output_checker_catches_an_unmatched_output(tmp_path):
    _runnable_tree(tmp_path, "guide", 'guide("guide")\n')
    outputs = tmp_path / "howto" / "outputs" / "guide"
    (outputs / "make-bucket.txt").write_text("renamed section\n")
    (outputs / "notes.md").write_text("not an output\n")
    (tmp_path / "howto" / "outputs" / "gone").mkdir()
    (tmp_path / "howto" / "outputs" / "gone" / "make.txt").write_text("a guide that is no more\n")
    assert unmatched_outputs(tmp_path) == [
        f"{tmp_path}/howto/outputs/gone/make.txt:1: matches no section of howto/snippets/gone.sh, so nothing compares it",
        f"{tmp_path}/howto/outputs/guide/make-bucket.txt:1: matches no section of howto/snippets/guide.sh, so nothing compares it",
        f"{tmp_path}/howto/outputs/guide/notes.md:1: not an output file: outputs are howto/outputs/<guide>/<section>.txt",
    ]
    (outputs / "make.txt").write_text("")
    assert f"{tmp_path}/howto/outputs/guide/make.txt:1: empty; fill it from the emulator with UPDATE_OUTPUTS=1 " \
        "(see docs/contributing.md)" in unmatched_outputs(tmp_path)
    (tmp_path / "howto" / "snippets" / "guide.sh").write_text("# [start make] not-emulated: needs a browser\necho TODO\n# [end make]\n")
    assert snippet_placeholders(tmp_path) == [f"{tmp_path}/howto/snippets/guide.sh:2: placeholder: echo TODO"]
    assert f"{tmp_path}/howto/outputs/guide/make.txt:1: section 'make' is not emulated, so nothing compares it" in (
        unmatched_outputs(tmp_path)
    )


def test_section_checker_catches_an_unshown_section(tmp_path):
    _runnable_tree(tmp_path, "guide", None)
    (tmp_path / "howto" / "snippets" / "guide.sh").write_text(
        "# [start make]\naws s3 mb s3://x\n# [end make]\n\n# [start cleanup] replace: x\naws s3 rb s3://x\n# [end cleanup]\n"
    )
    assert unshown_sections(tmp_path) == [f"{tmp_path}/howto/snippets/guide.sh:5: section 'cleanup' is on no page"]


# -- Links between quadrants, read from the sources ------------------------------------------
#
# tests/test_internal_links.py checks the same rules on the built site, where generated links
# count too; these give the answer in seconds, with the line of the link.


def links_between(root: Path, source: str, target: str) -> dict[Path, set[Path]]:
    """Each page of `source` -> the pages of `target` its text links to (index pages left out)."""
    return {
        path: {
            link.page for link in parse(path).links
            if link.page and link.page.parent == root / target and link.page.name != "index.md"
        }
        for path in sorted((root / source).glob("*.md"))
        if path.name != "index.md"
    }


def quadrant_link_problems(root: Path = ROOT, quadrants: tuple[str, ...] = ("howto", "reference")) -> list[str]:
    """Each page of these quadrants links to an explanation page, and an explanation page links to it."""
    problems = []
    for quadrant in quadrants:
        out = links_between(root, quadrant, "explanation")
        into = set().union(*links_between(root, "explanation", quadrant).values())
        problems += [f"{where(p, 1)}: links to no explanation page" for p, targets in out.items() if not targets]
        problems += [f"{where(p, 1)}: no explanation page links to it" for p in out if p not in into]
    return problems


def test_guides_and_reference_pages_link_both_ways_with_explanation():
    problems = quadrant_link_problems()
    assert not problems, "\n".join(problems)


def dead_links(root: Path = ROOT) -> list[str]:
    """Links in the text to a page of the site that does not exist."""
    return [
        f"{where(path, link.line)}: {link.url} leads to no page"
        for path in pages(root)
        for link in parse(path).links
        if link.page and not link.page.is_file()
    ]


def test_links_between_pages_lead_somewhere():
    problems = dead_links()
    assert not problems, "\n".join(problems)


def test_link_checkers_catch_one_way_links(tmp_path):
    for folder in ("explanation", "howto", "reference"):
        (tmp_path / folder).mkdir()
    (tmp_path / "index.md").write_text("# Home\n")
    (tmp_path / "explanation" / "why.md").write_text("# Why\n\nSee [](../howto/do.md) and {doc}`/reference/missing`.\n")
    (tmp_path / "howto" / "do.md").write_text("# How to do\n\nBackground: [why](../explanation/why.md#trade-offs).\n")
    (tmp_path / "howto" / "lonely.md").write_text("# How to be alone\n\n[Elsewhere](https://example.org/x.md).\n")
    (tmp_path / "reference" / "facts.md").write_text("# Facts\n")
    assert quadrant_link_problems(tmp_path) == [
        f"{tmp_path}/howto/lonely.md:1: links to no explanation page",
        f"{tmp_path}/howto/lonely.md:1: no explanation page links to it",
        f"{tmp_path}/reference/facts.md:1: links to no explanation page",
        f"{tmp_path}/reference/facts.md:1: no explanation page links to it",
    ]
    assert dead_links(tmp_path) == [f"{tmp_path}/explanation/why.md:3: /reference/missing leads to no page"]


# -- Where pages live ------------------------------------------------------------------------


def toctree_problems(root: Path = ROOT) -> list[str]:
    trees = toctrees(root)
    index = root / "index.md"
    problems = [f"{where(index, 1)}: unknown toctree caption {c!r}; one of {list(CAPTIONS)}" for c in trees if c not in CAPTIONS]
    order = [c for c in CAPTIONS if c in trees]
    if [c for c in trees if c in CAPTIONS] != order:
        problems.append(f"{where(index, 1)}: toctree captions out of reading order: {list(trees)}; expected {order}")
    for caption, names in trees.items():
        folder = CAPTIONS.get(caption)
        problems += [f"{where(index, 1)}: {name} is listed under {caption!r}, not in {folder}/" for name in names if folder and not name.startswith(f"{folder}/")]
    for q in QUADRANTS:
        listed_here = {n for c, names in trees.items() if CAPTIONS.get(c) == q for n in names}
        problems += [
            f"{where(p, 1)}: not in index.md's {next(c for c, f in CAPTIONS.items() if f == q)!r} toctree"
            for p in sorted((root / q).glob("*.md")) if f"{q}/{p.stem}" not in listed_here
        ]
    stray = [p for p in sorted(root.glob("*.md")) if p.name not in {"index.md", "README.md", "LICENSE.md"}]
    problems += [f"{where(p, 1)}: a page outside a quadrant folder ({', '.join(QUADRANTS)})" for p in stray]
    return problems


def test_every_page_is_in_its_quadrant_s_toctree():
    problems = toctree_problems()
    assert not problems, "\n".join(problems)


def test_toctree_checker_catches_a_page_in_the_wrong_place(tmp_path):
    (tmp_path / "explanation").mkdir()
    (tmp_path / "explanation" / "a.md").write_text("# A\n")
    (tmp_path / "explanation" / "b.md").write_text("# B\n")
    (tmp_path / "notes.md").write_text("# Notes\n")
    (tmp_path / "index.md").write_text(
        "# Home\n\n```{toctree}\n:caption: Reference\n\nexplanation/a\n```\n\n```{toctree}\n:caption: Explanation\n\n```\n"
    )
    assert toctree_problems(tmp_path) == [
        f"{tmp_path}/index.md:1: toctree captions out of reading order: ['Reference', 'Explanation']; expected ['Explanation', 'Reference']",
        f"{tmp_path}/index.md:1: explanation/a is listed under 'Reference', not in reference/",
        f"{tmp_path}/explanation/a.md:1: not in index.md's 'Explanation' toctree",
        f"{tmp_path}/explanation/b.md:1: not in index.md's 'Explanation' toctree",
        f"{tmp_path}/notes.md:1: a page outside a quadrant folder (tutorials, explanation, howto, reference, docs)",
    ]
