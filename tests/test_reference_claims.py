"""The reference pages' claims about themselves are true, one test (or two) for each.

- reference/cli-commands.md says its table lists every command of the AWS Command Line Interface
  (AWS CLI) that the how-to guides and the tutorial run, and none that no page runs. Here every
  section of every snippet file is read as shell tokens, independently of the regular expression
  the extension uses, and the commands found must be exactly the table's rows; the built page
  must show those rows.
- reference/figures.md says it lists every figure on the site that can go stale. Here no page's
  prose may type a quantity with a unit (GiB, IOPS, %, hours ...) or a release number that is not a
  `{{ name }}` from figures.toml, except the values in rules/typed-quantities.toml, each with the reason it is
  not a figure (a hardware fact of a named instance type, a value a guide's own command sets, a
  value this file checks against botocore's data); an entry that no longer matches fails too.
  Dollar amounts are the dollar rule's in tests/test_content.py.
- reference/regions.md says it lists every commercial Region and every partition in botocore's
  data that has Regions. Here botocore's endpoint data, read with json, must equal the generated
  tables, and a partition the site does not describe must stop the build.

Everything but the two tests that read the built site is marked `sources`.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import defaultdict
from pathlib import Path

import botocore
import botocore.session
import pytest
from bs4 import BeautifulSoup

import aws_tables
import cli_commands
import sources
from snippets import parse_sections
from sources import ROOT, RUNNABLE

ENDPOINTS = Path(botocore.__file__).with_name("data") / "endpoints.json"


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# -- reference/cli-commands.md ---------------------------------------------------------------

# What may stand before a command in a shell line: the start, a separator, a keyword.
COMMAND_START = {None, "(", "|", "||", "&&", ";", "&", "!", "{", "if", "then", "do", "else", "elif", "while", "until"}
# The AWS CLI's global options that take no value (every other `--option` before the service does).
FLAGS = {"--debug", "--no-paginate", "--no-verify-ssl", "--no-sign-request", "--no-cli-pager", "--cli-auto-prompt", "--no-cli-auto-prompt"}
WORD = re.compile(r"^[a-z][a-z0-9-]*$")


def _logical_lines(code: str, first: int):
    """(line number, text) of each shell line, with backslash continuations joined."""
    line, text = first, ""
    for number, raw in enumerate(code.splitlines(), start=first):
        if not text:
            line = number
        if raw.endswith("\\"):
            text += raw[:-1] + " "
            continue
        yield line, text + raw
        text = ""
    if text:
        yield line, text


def _substitutions(token: str) -> list[str]:
    """The text of each `$( ... )` in a token, such as a double-quoted "$(aws ...)-suffix"."""
    found, start = [], token.find("$(")
    while start != -1:
        depth, i = 1, start + 2
        while i < len(token) and depth:
            depth += {"(": 1, ")": -1}.get(token[i], 0)
            i += 1
        found.append(token[start + 2:i - 1 if depth == 0 else i])
        start = token.find("$(", i)
    return found


def _commands_in(text: str) -> list[tuple[str, str]]:
    """(service, command) for each `aws` command in one shell line, nested `$( )` included."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:  # an unclosed quote: a here-document's body, not a command line
        return []
    found, previous = [], None
    for i, token in enumerate(tokens):
        at_start = previous in COMMAND_START or bool(previous and (previous.endswith("(") or re.match(r"^\w+=", previous)))
        previous = token
        for inner in _substitutions(token) if token != "$(" else []:
            found += _commands_in(inner)
        if token != "aws" or not at_start:
            continue
        rest = tokens[i + 1:]
        while rest and rest[0].startswith("--"):
            rest = rest[1:] if rest[0] in FLAGS or "=" in rest[0] else rest[2:]
        if not rest or not WORD.match(rest[0]):
            continue
        found.append((rest[0], rest[1] if len(rest) > 1 and WORD.match(rest[1]) else ""))
    return found


def aws_commands(code: str, first: int = 1) -> list[tuple[int, str, str]]:
    """(line, service, command) for each `aws` command that a shell snippet runs; `command` is ""
    for a command with a single word (`aws login`). `aws --version` runs no command."""
    return [(line, *found) for line, text in _logical_lines(code, first) for found in _commands_in(text)]


def shown_commands(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """(service, command) -> "FILE:LINE" of every place a section of a snippet file runs it."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for quadrant in RUNNABLE:
        for path in sorted((root / quadrant / "snippets").glob("*.sh")):
            for section in parse_sections(path):
                for line, service, command in aws_commands(section.code, section.line + 1):
                    found[(service, command)].append(f"{rel(path)}:{line}")
    return found


def command_table_problems(root: Path = ROOT, table: dict | None = None) -> list[str]:
    """What the commands table misses, and what it lists that no section runs."""
    shown = shown_commands(root)
    table = cli_commands.cli_commands(root) if table is None else table
    problems = [
        f"{places[0]}: `{cli_commands.command_name(*key)}` runs here but is not on the AWS CLI commands page"
        for key, places in sorted(shown.items()) if key not in table
    ]
    problems += [
        f"reference/cli-commands.md: `{cli_commands.command_name(*key)}` is on the page but in no snippet section a page shows"
        for key in sorted(table) if key not in shown
    ]
    return problems


@pytest.mark.sources
def test_the_commands_page_lists_every_command_the_guides_and_the_tutorial_run():
    shown = shown_commands()
    assert ("login", "") in shown and ("logout", "") in shown, "aws login and aws logout are run by set-up-cli"
    assert any("tutorials/" in place for places in shown.values() for place in places), "the tutorial's snippets are read"
    problems = command_table_problems()
    assert not problems, "\n".join(problems)


INCLUDE = re.compile(r"^\s*```\{literalinclude\}\s+snippets/(\S+\.sh)\s*\n(?:\s*:[\w-]+:.*\n)*?\s*:start-after:\s*\"\[start ([\w-]+)\]", re.M)


@pytest.mark.sources
def test_each_command_is_credited_to_the_pages_that_show_it():
    """The "Used in" column names exactly the pages that show a section running the command."""
    shows = defaultdict(set)  # (snippet file, section) -> pages, from each page's literalinclude
    for quadrant in RUNNABLE:
        for page in sorted((ROOT / quadrant).glob("*.md")):
            for name, section in INCLUDE.findall(page.read_text()):
                shows[(ROOT / quadrant / "snippets" / name, section)].add(f"{quadrant}/{page.stem}")
    expected = defaultdict(set)
    for quadrant in RUNNABLE:
        for path in sorted((ROOT / quadrant / "snippets").glob("*.sh")):
            for section in parse_sections(path):
                for _, service, command in aws_commands(section.code, section.line + 1):
                    expected[(service, command)] |= shows[(path, section.name)]
    table = cli_commands.cli_commands(ROOT)
    wrong = [
        f"`{cli_commands.command_name(*key)}`: the page credits {sorted(table.get(key, ()))}, the sources {sorted(pages)}"
        for key, pages in sorted(expected.items()) if table.get(key) != pages
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.sources
def test_the_command_check_names_a_missed_command_and_a_stray_one(tmp_path):
    snippets = tmp_path / "tutorials" / "snippets"
    snippets.mkdir(parents=True)
    (tmp_path / "howto" / "snippets").mkdir(parents=True)
    (snippets / "lesson.sh").write_text(
        "aws s3 rm s3://outside-any-section\n"  # 1: not in a section, so on no page
        "# [start sign-in]\n"  # 2
        "aws login\n"  # 3
        'X=$(aws sts get-caller-identity --query Account \\\n'  # 4
        "  --output text)\n"  # 5
        "aws --version\n"  # 6: no command
        "command -v aws\n"  # 7: aws is an argument here
        'echo "bucket-$(aws configure get region)"\n'  # 8: inside double quotes
        "# [end sign-in]\n"
    )
    (tmp_path / "tutorials" / "lesson.md").write_text(
        "# Lesson\n\n```{literalinclude} snippets/lesson.sh\n:start-after: \"[start sign-in]\"\n:end-before: \"[end sign-in]\"\n```\n"
    )
    assert dict(shown_commands(tmp_path)) == {
        ("login", ""): [f"{tmp_path}/tutorials/snippets/lesson.sh:3"],
        ("sts", "get-caller-identity"): [f"{tmp_path}/tutorials/snippets/lesson.sh:4"],
        ("configure", "get"): [f"{tmp_path}/tutorials/snippets/lesson.sh:8"],
    }
    assert command_table_problems(tmp_path) == [], "the extension's table agrees, tutorials/ and `aws login` included"
    # A table that misses a command (as it missed single-word ones and tutorials/) is caught, and
    # so is one that lists a command that is in no section (as it once listed lines outside them).
    table = {("sts", "get-caller-identity"): {"tutorials/lesson"}, ("configure", "get"): {"tutorials/lesson"}, ("s3", "rm"): {"tutorials/lesson"}}
    assert command_table_problems(tmp_path, table=table) == [
        f"{tmp_path}/tutorials/snippets/lesson.sh:3: `aws login` runs here but is not on the AWS CLI commands page",
        "reference/cli-commands.md: `aws s3 rm` is on the page but in no snippet section a page shows",
    ]


def test_the_built_commands_page_shows_every_command(site):
    soup = BeautifulSoup((site / "reference" / "cli-commands.html").read_text(), "html.parser")
    rows = [" ".join(row.find("td").get_text().split()) for row in soup.select("table.cli-commands-table tbody tr")]
    assert sorted(rows) == sorted(cli_commands.command_name(*key) for key in shown_commands())
    assert "aws login" in rows and "aws logout" in rows


# -- reference/figures.md --------------------------------------------------------------------

NUMBER = r"\d[\d,]*(?:\.\d+)?"
UNIT = r"(?:%|TiB|GiB|MiB|KiB|TB|GB|MB|KB|IOPS|Gbps|Mbps|hours?|minutes?|seconds?|days?|months?|years?)"
QUANTITY = re.compile(
    rf"(?<![\w.$/-]){NUMBER}(?:\s*(?:–|-|to|or)\s*{NUMBER})?\s*{UNIT}(?:/s)?(?!\w)"  # 16 GiB, 0.1 to 0.2%, 200 MB/s
    r"|(?<![\w.])\d+\.\d+\.\d+(?:\.\d+)?(?![\w.])"  # a release: 2.32.0, 1.2.764.0 (not a dotted-quad address)
)

# Quantities a page may type by hand, each with why: data, in rules/typed-quantities.toml.
TYPED = sources.load_rules("typed-quantities")
NOT_FIGURES: dict[tuple[str, str], str] = {
    (entry["page"], entry["text"]): TYPED["reasons"].get(entry["why"], entry["why"]) for entry in TYPED["typed"]
}


def typed_quantities(path: Path) -> list[tuple[int, str]]:
    """(line, text) for each quantity with a unit, or release number, typed in the prose of a page."""
    found = []
    for prose, starts, _ in sources.parse(path).prose_runs():
        for m in QUANTITY.finditer(prose):
            text = m.group(0)
            parts = text.split(".")
            if len(parts) == 4 and all(p.isdigit() and int(p) <= 255 for p in parts):
                continue  # an IPv4 address or netmask
            found.append((max(line for offset, line in starts if offset <= m.start()), text))
    return found


def figure_problems(pages: list[Path], allowed: dict[tuple[str, str], str]) -> list[str]:
    problems, used = [], set()
    for page in pages:
        for line, text in typed_quantities(page):
            key = (rel(page), text)
            if key in allowed:
                used.add(key)
            else:
                problems.append(f"{rel(page)}:{line}: {text!r} is typed by hand; define it in figures.toml and write {{{{ name }}}}, "
                                "or, for a value the page chooses, list it in rules/typed-quantities.toml")
    problems += [f"rules/typed-quantities.toml: {page}: {text!r} no longer appears; remove the entry" for page, text in allowed if (page, text) not in used]
    return problems


@pytest.mark.sources
def test_every_figure_that_can_go_stale_is_in_figures_toml():
    pages = [page for page in sources.pages() if page.parent.name != "docs"]
    problems = figure_problems(pages, NOT_FIGURES)
    assert not problems, "\n".join(problems)


@pytest.mark.sources
def test_the_figure_check_names_a_typed_limit_and_a_dead_exception(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Volumes\n\n"
        "An io1 volume holds up to 16 TiB and {{ gp3_max_iops }}.\n\n"  # 3
        "Install version 2.32.0 or later. The subnet mask is 255.255.255.0.\n\n"  # 5
        "```bash\naws ec2 create-volume --size 100\n```\n"
    )
    assert figure_problems([page], {(str(page), "5 TB"): "history"}) == [
        f"{page}:3: '16 TiB' is typed by hand; define it in figures.toml and write {{{{ name }}}}, "
        "or, for a value the page chooses, list it in rules/typed-quantities.toml",
        f"{page}:5: '2.32.0' is typed by hand; define it in figures.toml and write {{{{ name }}}}, "
        "or, for a value the page chooses, list it in rules/typed-quantities.toml",
        f"rules/typed-quantities.toml: {page}: '5 TB' no longer appears; remove the entry",
    ]


@pytest.mark.sources
def test_the_values_excused_as_botocores_are_in_botocore():
    """The exceptions marked "botocore" are quoted from the pinned botocore data; prove it."""
    session = botocore.session.get_session()
    waiters = json.loads(Path(botocore.__file__).with_name("data").joinpath("ec2", "2016-11-15", "waiters-2.json").read_text())
    assert {waiters["waiters"][name]["delay"] for name in ("VolumeAvailable", "InstanceTerminated")} == {15}
    fsx = session.get_service_model("fsx")
    text = re.sub(r"<[^>]+>", " ", fsx.operation_model("CreateFileSystem").input_shape.members["StorageCapacity"].documentation)
    throughput = fsx.shape_for("CreateFileSystemLustreConfiguration").members["PerUnitStorageThroughput"].documentation
    assert "1200 GiB, 2400 GiB, and increments of 2400 GiB" in text and "increments of 3600 GiB" in text
    assert all(values in throughput for values in ("50, 100, 200 MB/s/TiB", "12, 40 MB/s/TiB", "125, 250, 500, 1000 MB/s/TiB"))
    efs_days = session.get_service_model("efs").shape_for("TransitionToIARules").enum
    assert {"AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_365_DAYS"} <= set(efs_days)
    assert [k for k, why in NOT_FIGURES.items() if why == "botocore"], "the list above is in use"


# -- reference/regions.md --------------------------------------------------------------------


def _botocore_partitions() -> dict[str, set[str]]:
    data = json.loads(ENDPOINTS.read_text())
    return {p["partition"]: set(p["regions"]) for p in data["partitions"] if p["regions"]}


@pytest.mark.sources
def test_the_regions_page_lists_every_partition_with_regions_and_every_commercial_region():
    expected = _botocore_partitions()
    rows = aws_tables.partition_rows()
    assert {pid: set(regions) for pid, _, regions, _ in rows} == expected
    assert "aws-eusc" in expected, "the AWS European Sovereign Cloud is in the pinned data"
    assert {code for code, _, _ in aws_tables.commercial_regions()} == expected["aws"]
    own = {pid for pid, _, _, access in rows if access["own_account"]}
    assert own == set(expected) - {"aws"}, "every partition but aws needs an account of its own"
    assert all(access["source"].startswith("https://") for *_, access in rows)


@pytest.mark.sources
def test_a_partition_the_site_does_not_describe_stops_the_build():
    from sphinx.errors import ExtensionError

    data = json.loads(ENDPOINTS.read_text())
    data["partitions"].append({"partition": "aws-new", "partitionName": "AWS New", "dnsSuffix": "example.com", "regions": {"new-east-1": {"description": "New East"}}})
    data["partitions"].append({"partition": "aws-empty", "partitionName": "AWS Empty", "regions": {}})
    with pytest.raises(ExtensionError, match=r"does not describe: aws-new; add each to PARTITION_ACCESS"):
        aws_tables.partition_rows(data)
    described = {**aws_tables.PARTITION_ACCESS, "aws-new": {"own_account": True, "who": "At {dns}", "source": "https://example.com/"}}
    assert aws_tables.partition_rows(data, described)[-1] == (
        "aws-new", "AWS New", ["new-east-1"], {"own_account": True, "who": "At example.com", "source": "https://example.com/"},
    )


def test_the_built_regions_page_shows_every_partition_and_region(site):
    soup = BeautifulSoup((site / "reference" / "regions.html").read_text(), "html.parser")
    expected = _botocore_partitions()
    partitions = [row.find("td").get_text(strip=True) for row in soup.select("table.partitions-table tbody tr")]
    regions = [row.find("td").get_text(strip=True) for row in soup.select("table.regions-table tbody tr")]
    assert sorted(partitions) == sorted(expected)
    assert sorted(regions) == sorted(expected["aws"])
