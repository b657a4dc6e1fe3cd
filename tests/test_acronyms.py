"""Every acronym is expanded at its first use on each page (a reader may land on any page).

What counts as an acronym, and how it must be expanded, is data: rules/acronyms.toml.

- An acronym is a word of capital letters and digits with at least two capitals and fewer digits
  than capitals (AWS, EC2, IOPS, HIPAA), with or without a plural "s" (AMIs). A word with lower-case
  letters (vCPU, IPv4, GiB, macOS) is a name or a unit, and a word of one capital or mostly digits
  (S3, T3, A100, NA12878) a model or sample name: the rule finds those only when rules/acronyms.toml
  lists them (it lists S3, vCPU, NVMe, IMDSv2).
- A listed acronym must have its expansion (`[expansions]`, in AWS's wording; any of a list of
  wordings) on the page before it, or within 200 characters after its first use. Case, line
  breaks and hyphens do not matter ("multi-factor" is "multi factor").
- An acronym the file does not list must be expanded the usual way at or before its first use
  ("Transport Layer Security (TLS)"): the initials of the words before the bracket spell it
  (small words such as "and" and "of" may be skipped).
- `[allowed]` lists, each with its reason, the few words and phrases that are never expanded.

Headings, inline code and link targets do not count, as uses or as expansions. A directive's
`:caption:` and the labels of a Mermaid diagram (its accessible title and description too) count,
at their lines, as the source reader (`Page.labels()`) parses them: a reader sees them as text.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from sources import ROOT, load_rules, pages, parse, where

pytestmark = pytest.mark.sources

RULES_FILE = "rules/acronyms.toml"
WINDOW = 200  # the expansion may follow the acronym closely: "EBS (Elastic Block Store)"
WORD = re.compile(r"[A-Za-z0-9_]+")
SMALL_WORDS = {"a", "an", "and", "as", "at", "for", "in", "of", "on", "or", "the", "to", "with"}


@cache
def rules() -> tuple[dict[str, list[str]], dict[str, str]]:
    data = load_rules("acronyms")
    expansions = {k: [v] if isinstance(v, str) else list(v) for k, v in data["expansions"].items()}
    allowed = {word: reason for reason, words in data["allowed"].items() for word in words}  # word -> why
    return expansions, allowed


@cache
def acronym(word: str) -> str | None:
    """The acronym a word is (its singular), or None."""
    expansions, allowed = rules()
    for candidate in (word, word[:-1] if word.endswith("s") and len(word) > 2 else None):
        if not candidate:
            continue
        if candidate in expansions or candidate in allowed:
            return candidate
        capitals, digits = sum(c.isupper() for c in candidate), sum(c.isdigit() for c in candidate)
        if re.fullmatch(r"[A-Z0-9]+", candidate) and capitals >= 2 and digits < capitals:
            return candidate
    return None


SHOWN = {"text", "caption", "diagram"}  # the kinds of run a reader reads (not headings or code)


def body_text(path) -> tuple[str, list[tuple[int, int]]]:
    """The page's prose, captions and diagram labels as one string, in the order of their lines,
    without headings, inline code, link targets or markup, and (offset, line) at the start of each
    run of text, to name the line of a match."""
    page = parse(path)
    out, marks, last = "", [], None
    for run in sorted((*page.text(), *page.labels()), key=lambda run: run.line):
        if run.kind not in SHOWN:
            continue
        out += " " if run.line == last else "\n"  # runs of one line apart: table cells, text around code
        marks.append((len(out), run.line))
        out += run.text
        last = run.line
    return out, marks


def _wording(expansion: str) -> re.Pattern:
    """An expansion as a pattern: any case, a space matches any run of spaces, line breaks and hyphens."""
    parts = [re.escape(word) for word in re.split(r"[\s-]+", expansion.strip())]
    return re.compile(r"[\s-]*".join(parts), re.IGNORECASE)


def _initials(words: str) -> list[tuple[str, str]]:
    """(initial, word) for each word, split at spaces, hyphens, slashes and inner capitals (HyperText)."""
    found = []
    for word in re.findall(r"[A-Za-z0-9]+", words):
        for part in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", word) or [word]:
            found.append((part[0].upper(), part.lower()))
    return found


def spelled_before(text: str, start: int, acr: str) -> bool:
    """Whether the acronym at `start` is "Words in full (ACR)": in brackets (after an optional name
    such as "Amazon"), and the initials of the words before the bracket spell its letters."""
    opening = re.search(r"\(\s*(?:[A-Z][A-Za-z]* )?$", text[:start])
    if not opening:
        return False
    letters = [c for c in acr.upper() if c.isalpha()]
    words = _initials(text[max(0, opening.start() - 120):opening.start()])
    started = False
    while letters and words:
        initial, word = words.pop()
        if initial == letters[-1]:
            letters.pop()
            started = True
        elif not (started and word in SMALL_WORDS):
            return False
    return not letters


def _mask_allowed_phrases(text: str) -> str:
    """Blank out the allowed phrases (keys with a space, "CC BY"), keeping every offset."""
    for phrase in (p for p in rules()[1] if " " in p):
        text = re.sub(re.escape(phrase), lambda m: " " * len(m.group(0)), text)
    return text


def unexpanded(path) -> list[str]:
    expansions, allowed = rules()
    text, marks = body_text(path)
    text = _mask_allowed_phrases(text)
    uses: dict[str, list[int]] = {}
    for m in WORD.finditer(text):
        if (acr := acronym(m.group(0))) and acr not in allowed:
            uses.setdefault(acr, []).append(m.start())
    found = []
    for acr, starts in sorted(uses.items(), key=lambda kv: kv[1][0]):
        first = starts[0]
        seen = text[: first + WINDOW]
        if acr in expansions:
            ok = any(_wording(e).search(seen) for e in expansions[acr])
            how = " or ".join(expansions[acr])
        else:
            ok = any(spelled_before(text, s, acr) for s in starts if s < first + WINDOW)
            how = f"write it in full before it, as 'Words in full ({acr})', or add it to {RULES_FILE}"
        if not ok:
            line = max((line for offset, line in marks if offset <= first), default=1)
            found.append(f"{where(path, line)}: {acr} is used before it is expanded ({how})")
    return found


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_acronyms_are_expanded_at_first_use(page):
    problems = unexpanded(page)
    assert not problems, "\n".join(problems)


def test_checker_catches_an_unexpanded_acronym(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        "# EBS and VPC\n\nAn Amazon Elastic Block Store (EBS) volume\nlives in a VPC.\n\n"
        ":::{note}\nName `SSH` keys well. Then SSH in.\n:::\n"
    )
    assert unexpanded(page) == [
        f"{page}:4: VPC is used before it is expanded (virtual private cloud)",
        f"{page}:7: SSH is used before it is expanded (Secure Shell)",
    ]


def test_checker_reads_captions_and_diagram_labels(tmp_path):
    """An acronym first used in a caption, or in a Mermaid diagram's label, is named at its line;
    one expanded in the caption above the diagram passes."""
    page = tmp_path / "p.md"
    page.write_text(
        "# Figures\n\n"  # 1
        "Amazon Web Services (AWS) holds it.\n\n"  # 3
        "```{literalinclude} snippets/x.sh\n"  # 5
        ":caption: What EBS shows\n"  # 6
        "```\n\n"
        "```{mermaid}\n"  # 9
        ":caption: A bucket in Amazon Simple Storage Service (Amazon S3).\n\n"  # 10
        "flowchart LR\n"  # 12
        "  accTitle: Buckets\n"  # 13
        "  accDescr: An S3 bucket.\n"  # 14
        "  bucket[(S3 bucket)] -->|over NFS| vpc[\"Default VPC\"]\n"  # 15
        "```\n"
    )
    assert unexpanded(page) == [
        f"{page}:6: EBS is used before it is expanded (Elastic Block Store)",
        f"{page}:15: NFS is used before it is expanded (Network File System)",
        f"{page}:15: VPC is used before it is expanded (virtual private cloud)",
    ]


def test_checker_names_a_diagram_it_cannot_read(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# Pie\n\n```{mermaid}\n:caption: A pie.\n\npie\n  \"A\": 1\n```\n")
    with pytest.raises(ValueError, match=rf"^{re.escape(str(page))}:6: a 'pie' diagram"):
        unexpanded(page)


def test_checker_catches_an_acronym_outside_any_list(tmp_path):
    """HIPAA, TLS and KMS are in no list; the rule finds them by their shape, and accepts the
    usual "Words in full (ACR)" at or before the first use."""
    page = tmp_path / "p.md"
    page.write_text(
        "# Rules\n\n"  # 1
        "Health data falls under HIPAA, and traffic uses\n"  # 3
        "Transport Layer Security (TLS); TLS again.\n\n"  # 4
        "Keys live in AWS Key Management Service (AWS KMS). A ZQX is unknown,\n"  # 6
        "and a Zebra Quokka Yak (ZQX) does not spell it.\n"  # 7
    )
    for acr in ("HIPAA", "TLS", "KMS", "ZQX"):
        assert acr not in rules()[0] and acr not in rules()[1], f"{acr} is listed in {RULES_FILE}: pick another"
    assert unexpanded(page) == [
        f"{page}:3: HIPAA is used before it is expanded (write it in full before it, as 'Words in full (HIPAA)', "
        f"or add it to {RULES_FILE})",
        f"{page}:6: AWS is used before it is expanded (Amazon Web Services)",
        f"{page}:6: ZQX is used before it is expanded (write it in full before it, as 'Words in full (ZQX)', "
        f"or add it to {RULES_FILE})",
    ]


def test_what_counts_as_an_acronym():
    assert [acronym(w) for w in ("AWS", "EC2", "AMIs", "IOPS", "HIPAA", "S3", "vCPUs", "NVMe", "IMDSv2")] == [
        "AWS", "EC2", "AMI", "IOPS", "HIPAA", "S3", "vCPU", "NVMe", "IMDSv2"
    ]
    # Names and units (lower-case letters), model and sample names (one capital, or mostly digits),
    # and ordinary words are not acronyms, unless rules/acronyms.toml lists them.
    assert [acronym(w) for w in ("GiB", "macOS", "IPv4x", "T3", "A100", "NA12878", "A", "Is", "Amazon")] == [None] * 9


def test_the_rules_file_is_well_formed():
    expansions, allowed = rules()
    groups = load_rules("acronyms")["allowed"]
    assert len(groups) <= 10 and len(allowed) <= 30, f"{RULES_FILE}: [allowed] is meant to stay short"
    problems = [f"{RULES_FILE}: [allowed] {k!r} needs a reason of a few words" for k in groups if len(k.split()) < 4]
    problems += [f"{RULES_FILE}: [allowed] {w!r} is listed twice" for w in allowed
                 if sum(w in words for words in groups.values()) > 1]
    problems += [f"{RULES_FILE}: {k!r} is both expanded and allowed" for k in expansions if k in allowed]
    problems += [f"{RULES_FILE}: [expansions] {k!r} has an empty expansion" for k, v in expansions.items()
                 if not v or not all(e.strip() for e in v)]
    assert not problems, "\n".join(problems)
