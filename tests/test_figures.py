"""One source for every figure: figures.toml defines each price, limit and date once, pages use it
by name (`{{ name }}`), and reference/figures.md lists them all. A figure typed into a page by hand
is found with its unit; any other dollar amount typed into a page's prose fails too, unless
rules/dollar-amounts.toml allows it as a worked example, with its reason.

Every test here but one reads only the Markdown sources and the data file (marked `sources`, so
`nox -s check` runs them); test_figures_page_lists_every_figure reads the built reference/figures.html.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import noxfile
import pytest

from conftest import ROOT
from figures import FIGURES_FILE, dollar_amounts, figure_problems, figure_uses, load_figures, typed_figures
from noxfile import stale_figures
from sources import load_rules, pages, parse

FIGURES = load_figures(ROOT / FIGURES_FILE)
sources = pytest.mark.sources  # needs no built site
# Pages about AWS. docs/ is left out: it describes this site's own tooling, whose numbers (GitHub
# keeps an artifact for 90 days, Sphinx waits 60 seconds) are not AWS figures.
PAGES = [page for page in pages() if page.parent.name != "docs"]
DOLLARS_FILE = "rules/dollar-amounts.toml"
ALLOWED_DOLLARS = load_rules("dollar-amounts")["allowed"]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# What a page may type on purpose though a figure has the same value: a value its own command
# chooses ("30 days" of an S3 lifecycle rule is not Secrets Manager's recovery window).
CHOSEN = {(entry["page"], entry["text"]) for entry in load_rules("typed-quantities")["typed"]}


def hand_typed(path: Path, figures: dict, chosen: set = frozenset()) -> list[str]:
    return [
        f"{rel(path)}:{line}: types {value!r} by hand; write {{{{ {name} }}}} (figures.toml), or, if the page "
        "chooses this value itself, list it in rules/typed-quantities.toml"
        for line, name, value in typed_figures(path, figures) if (rel(path), value) not in chosen
    ]


def typed_dollars(path: Path, allowed: list[dict]) -> list[str]:
    return [
        f"{rel(path)}:{line}: types the dollar amount {amount!r} into the prose; put the price in {FIGURES_FILE} "
        f"and write {{{{ name }}}}, or, for a worked example, add it to {DOLLARS_FILE} with its reason"
        for line, amount in dollar_amounts(path, allowed)
    ]


def unused(figures: dict, pages: list[Path]) -> list[str]:
    used = {name for page in pages for _, name in figure_uses(page)}
    return [f"{FIGURES_FILE}: [{name}] is used on no page" for name in figures if name not in used]


# -- The data file -----------------------------------------------------------------


@sources
def test_figures_file_holds_at_least_40_figures_each_with_date_and_source():
    assert len(FIGURES) >= 40, f"{len(FIGURES)} figures in {FIGURES_FILE}"
    problems = figure_problems(FIGURES)
    assert not problems, "\n".join(problems)


@sources
def test_checker_catches_an_undated_or_unsourced_entry(tmp_path):
    data = tmp_path / "figures.toml"
    data.write_text(
        '[good]\nwhat = "A"\nvalue = "1 GB"\nunit = "GB"\nas_of = 2026-11-29\nsource = "https://aws.amazon.com/a/"\n\n'
        '[undated]\nwhat = "B"\nvalue = "2 GB"\nunit = "GB"\nsource = "https://aws.amazon.com/b/"\n\n'
        '[unsourced]\nwhat = "C"\nvalue = "3 GB"\nunit = "GB"\nas_of = 2026-11-29\n\n'
        '[text_date]\nwhat = "D"\nvalue = "4 GB"\nunit = "GB"\nas_of = "November 2026"\nsource = "http://example.com/"\n'
    )
    assert figure_problems(load_figures(data)) == [
        "undated: no as_of",
        "unsourced: no source",
        "text_date: as_of 'November 2026' is not a date (write it as 2026-11-29)",
        "text_date: source 'http://example.com/' is not an https:// address",
    ]


@sources
def test_every_figure_is_used_on_some_page():
    problems = unused(FIGURES, PAGES)
    assert not problems, "\n".join(problems)


@sources
def test_checker_catches_an_unused_entry(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Page\n\nA NAT gateway costs {{ nat_hour }}, as of {{ nat_gb_as_of }}.\n")
    figures = {name: FIGURES[name] for name in ("nat_hour", "nat_gb")}
    # Only the date of nat_gb appears: its value is used nowhere.
    assert unused(figures, [page]) == [f"{FIGURES_FILE}: [nat_gb] is used on no page"]


@sources
def test_every_substitution_on_a_page_names_a_figure():
    known = set(FIGURES) | {f"{name}_as_of" for name in FIGURES}
    unknown = [
        f"{rel(page)}:{line}: {{{{ {name} }}}} is not in {FIGURES_FILE}"
        for page in PAGES for line, name in figure_uses(page) if name not in known
    ]
    assert not unknown, "\n".join(unknown)


# -- Pages use figures by name ---------------------------------------------------------


@sources
@pytest.mark.parametrize("page", PAGES, ids=rel)
def test_no_page_types_a_figure_by_hand(page):
    problems = hand_typed(page, FIGURES, CHOSEN)
    assert not problems, "\n".join(problems)


@sources
def test_checker_catches_a_hand_typed_price_and_ignores_code(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "---\nmyst:\n  html_meta:\n    description: $0.045 per hour in front matter is metadata.\n---\n\n"  # 1-5
        "# Costs\n\n"  # 7
        "A NAT gateway costs {{ nat_hour }} and\n"  # 9
        "then, typed by hand, $0.045 per\nhour in the same paragraph.\n\n"  # 10-11
        "`$0.045 per hour` in inline code is code.\n\n"  # 13
        "```bash\necho '$0.045 per hour'\n```\n\n"  # 15-17
        ":::{note}\n:class: dropdown\n\nA note says Up to 90% off.\n:::\n\n"  # 19-23
        "| Model | Discount |\n| --- | --- |\n| Spot | up to 90% |\n"  # 25-27
    )
    chosen = ", or, if the page chooses this value itself, list it in rules/typed-quantities.toml"
    assert hand_typed(page, FIGURES) == [
        f"{page}:10: types '$0.045 per hour' by hand; write {{{{ nat_hour }}}} (figures.toml){chosen}",
        f"{page}:22: types 'Up to 90%' by hand; write {{{{ spot_discount }}}} (figures.toml){chosen}",
        f"{page}:27: types 'up to 90%' by hand; write {{{{ spot_discount }}}} (figures.toml){chosen}",
    ]


@sources
def test_checker_catches_a_hand_typed_price_not_yet_in_the_figures_file(tmp_path):
    """$0.0116 per hour is in no entry of figures.toml: the dollar rule catches it all the same."""
    assert not any("0.0116" in str(f["value"]) for f in FIGURES.values())
    page = tmp_path / "page.md"
    page.write_text(
        "# Costs\n\n"  # 1
        "A c7i.large costs {{ nat_hour }}; no, it costs\n"  # 3
        "$0.0116 per hour, and US$200 of credits cover it.\n\n"  # 4
        "`$0.0116` in inline code is code.\n\n"  # 6
        "```text\nCost: $0.0116\n```\n\n"  # 8-10
        "| Item | Price |\n| --- | --- |\n| Instance | $0.09 |\n"  # 12-14
    )
    assert typed_figures(page, FIGURES) == []
    assert typed_dollars(page, []) == [
        f"{page}:4: types the dollar amount '$0.0116' into the prose; put the price in {FIGURES_FILE} and write "
        f"{{{{ name }}}}, or, for a worked example, add it to {DOLLARS_FILE} with its reason",
        f"{page}:4: types the dollar amount 'US$200' into the prose; put the price in {FIGURES_FILE} and write "
        f"{{{{ name }}}}, or, for a worked example, add it to {DOLLARS_FILE} with its reason",
        f"{page}:14: types the dollar amount '$0.09' into the prose; put the price in {FIGURES_FILE} and write "
        f"{{{{ name }}}}, or, for a worked example, add it to {DOLLARS_FILE} with its reason",
    ]
    # A worked example stands only through an entry for its page and amount.
    assert [line for line, _ in dollar_amounts(page, [{"page": str(page), "amount": "US$200"}])] == [4, 14]


@sources
@pytest.mark.parametrize("page", pages(), ids=rel)
def test_no_page_types_a_dollar_amount(page):
    problems = typed_dollars(page, ALLOWED_DOLLARS)
    assert not problems, "\n".join(problems)


@sources
def test_every_allowed_dollar_amount_is_on_its_page_with_a_reason():
    problems = []
    for entry in ALLOWED_DOLLARS:
        path = ROOT / entry["page"]
        if len(str(entry.get("reason", "")).split()) < 8:
            problems.append(f"{DOLLARS_FILE}: {entry['page']} {entry['amount']}: say how the amount is worked out")
        if not path.is_file() or entry["amount"] not in {a for _, a in dollar_amounts(path)}:
            problems.append(f"{DOLLARS_FILE}: {entry['page']} no longer types {entry['amount']}: remove the entry")
    assert not problems, "\n".join(problems)


@sources
def test_a_short_word_figure_is_matched_with_its_unit_only(tmp_path):
    """A figure whose value is a bare number ("two") is found beside its unit, not as a word."""
    figures = {
        "notice": {"value": "two", "unit": "minutes"},
        "ports": {"value": "32768–60999", "unit": "ports"},
        "no_unit": {"value": "three", "unit": ""},
    }
    page = tmp_path / "page.md"
    page.write_text(
        "# Two of everything\n\n"  # 1
        "Two Availability Zones, two subnets and two\n"  # 3
        "minutes of warning; three of them.\n\n"  # 4
        "A two-minute notice. Ports 32768–60999 are ephemeral;\n"  # 6
        "32768–60999 alone is not matched.\n"  # 7
    )
    assert typed_figures(page, figures) == [(3, "notice", "two minutes"), (6, "notice", "two-minute"),
                                            (6, "ports", "Ports 32768–60999")]
    # The site's own pages, with such a figure added: no page types "two minutes" by hand, so no
    # page fails, though "two" is on most of them.
    pages_with_two = [p for p in PAGES if any(" two " in f" {t.text.lower()} " for t in parse(p).text())]
    assert len(pages_with_two) >= 20
    assert [hit for p in PAGES for hit in typed_figures(p, {"notice": figures["notice"]})] == []


def test_figures_page_lists_every_figure(site):
    """The generated page has one row per figure, with its date, its source and the pages using it."""
    from bs4 import BeautifulSoup  # imported here: `nox -s check` runs the rest of this module, in seconds

    soup = BeautifulSoup((site / "reference" / "figures.html").read_text(), "html.parser")
    rows = soup.select("table.figures-table tbody tr")
    assert len(rows) == len(FIGURES)
    for row, (name, figure) in zip(rows, FIGURES.items()):
        cells = row.find_all("td")
        assert cells[1].get_text(strip=True) == figure["value"], name
        assert cells[2].get_text(strip=True) == str(figure["as_of"]), name
        assert cells[3].find("a"), f"{name}: no page listed under 'Used on'"
        assert cells[4].find("a")["href"] == figure["source"], name
    glossary = (site / "reference" / "glossary.html").read_text()
    index = (site / "reference" / "index.html").read_text()
    assert 'href="figures.html"' in glossary and 'href="figures.html"' in index


# -- nox -s freshness ---------------------------------------------------------------------

FIXTURE = """
[checked_recently]
what = "A"
value = "1"
unit = "u"
as_of = 2027-09-01
source = "https://aws.amazon.com/a/"

[checked_a_year_ago]
what = "B"
value = "2"
unit = "u"
as_of = 2026-10-15
source = "https://aws.amazon.com/b/"

[checked_eight_months_ago]
what = "C"
value = "3"
unit = "u"
as_of = 2027-03-20
source = "https://aws.amazon.com/c/"
"""


@sources
def test_stale_figures_are_listed_oldest_first():
    figures = __import__("tomllib").loads(FIXTURE)
    today = datetime.date(2027, 11, 29)
    assert stale_figures(figures, today, 6) == [
        ("2026-10-15", "checked_a_year_ago", "https://aws.amazon.com/b/"),
        ("2027-03-20", "checked_eight_months_ago", "https://aws.amazon.com/c/"),
    ]
    assert [name for _, name, _ in stale_figures(figures, today, 12)] == ["checked_a_year_ago"]
    assert stale_figures(figures, datetime.date(2027, 4, 15), 6) == [], "nothing is 6 months old yet"


class FreshnessSession:
    """Enough of nox.Session for `freshness`: its arguments, what it logs, and how it fails."""

    def __init__(self, *posargs: str):
        self.posargs, self.logged = list(posargs), []

    def log(self, message: str) -> None:
        self.logged.append(message)

    def error(self, message: str) -> None:
        raise SystemExit(message)


@sources
def test_freshness_session_fails_only_past_12_months(tmp_path):
    data = tmp_path / "figures.toml"
    data.write_text(FIXTURE)
    # The command itself, once: it fails, listing the old figures, oldest first.
    old = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "freshness", "--",
         "--file", str(data), "--today", "2027-11-29"],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, cwd=ROOT,
    )
    assert old.returncode != 0
    listed = [line for line in old.stderr.splitlines() if "https://aws.amazon.com/" in line]
    assert [line.split()[-2] for line in listed] == ["checked_a_year_ago", "checked_eight_months_ago"], old.stderr
    assert "1 figures are more than 12 months old" in old.stderr
    # The session's function, called here (starting nox again takes a second): it passes when
    # nothing is past 12 months, and still lists what is past 6.
    fresh = FreshnessSession("--file", str(data), "--today", "2027-06-01")
    noxfile.freshness(fresh)
    assert fresh.logged[-1] == "1 of 3 figures last checked more than 6 months before 2027-06-01.", fresh.logged
    with pytest.raises(SystemExit, match="1 figures are more than 12 months old"):
        noxfile.freshness(FreshnessSession("--file", str(data), "--today", "2027-11-29"))


@sources
def test_a_value_the_page_chooses_is_not_a_figure_typed_by_hand(tmp_path):
    """A figure that happens to share a value with a page's own choice ("30 days" of a lifecycle
    rule) fails that page only until the page lists the value in rules/typed-quantities.toml."""
    figures = {"recovery_window": {"value": "30 days", "unit": "days"}}
    page = tmp_path / "page.md"
    page.write_text("# Lifecycle\n\nThe rule expires objects after 30 days.\n")
    (problem,) = hand_typed(page, figures)
    assert problem.startswith(f"{page}:3: types '30 days' by hand") and "rules/typed-quantities.toml" in problem
    assert hand_typed(page, figures, {(str(page), "30 days")}) == []
