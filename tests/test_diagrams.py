"""Every Mermaid diagram renders to an SVG in a real Chromium, in light and dark mode.

In raw mode a diagram's syntax error never reaches the Sphinx build (the reader just sees
"Syntax error in text"), so this is where diagrams are proven.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

from browser import Visit, chromium
from conftest import ROOT, run_sphinx, serve
from pages import lines, pages

MERMAID_MESSAGE = """async ([src, code]) => {
    const mermaid = (await import(src)).default;
    try { await mermaid.parse(code); return null; } catch (e) { return String(e.message || e); }
}"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def diagram_pages(site):
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html")
        if "_static" not in p.parts and 'class="mermaid' in p.read_text()
    )


def diagram_problems(browser, base_url: str, page: str, theme: str) -> list[str]:
    """What is wrong with the diagrams on one page in one theme, each naming page and position."""
    visit = Visit(browser, f"{base_url}/{page}", theme)
    problems = []
    try:
        visit.wait_for_diagrams()
        blocks = visit.page.query_selector_all("pre.mermaid")
        src = visit.page.evaluate(
            "() => [...document.querySelectorAll('script[type=module]')].map(s => s.textContent)"
            ".join('').match(/import mermaid from \"([^\"]+)\"/)[1]"
        )
        for position, block in enumerate(blocks, start=1):
            svg = block.query_selector(":scope > svg")
            failed = svg is None or svg.get_attribute("aria-roledescription") == "error" or "Syntax error" in block.inner_text()
            if failed:
                code = block.get_attribute("data-original-code") or ""
                code = visit.page.evaluate("c => { const t = document.createElement('textarea'); t.innerHTML = c; return t.value; }", code)
                message = visit.page.evaluate(MERMAID_MESSAGE, [src, code])
                problems.append(f"{page} [{theme}] diagram {position}: Mermaid could not render it: {message}")
        problems += [f"{page} [{theme}] console error: {e}" for e in visit.errors]
        problems += [f"{page} [{theme}] request to another host: {u}" for u in visit.foreign]
    finally:
        visit.close()
    return problems


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_diagram_renders(browser, site, site_url, theme):
    found = diagram_pages(site)
    assert found, "no page has a Mermaid diagram"
    problems = [p for page in found for p in diagram_problems(browser, site_url, page, theme)]
    assert not problems, "\n".join(problems)


def test_at_least_nine_diagrams_each_with_caption_title_and_description(site):
    count, problems = 0, []
    for page in diagram_pages(site):
        soup = BeautifulSoup((site / page).read_text(), "html.parser")
        for position, block in enumerate(soup.select("pre.mermaid"), start=1):
            count += 1
            code = block.get_text()
            figure = block.find_parent("figure")
            if not (figure and figure.find("figcaption")):
                problems.append(f"{page} diagram {position}: no caption")
            for field in ("accTitle", "accDescr"):
                if not re.search(rf"^\s*{field}\s*[:{{]", code, re.M):
                    problems.append(f"{page} diagram {position}: no {field}")
    assert count >= 9, f"{count} diagrams"
    assert not problems, "\n".join(problems)


HARD_CODED_COLOUR = re.compile(r"^\s*(style|classDef|linkStyle)\s|%%\{\s*init|#[0-9a-fA-F]{3,6}\b|\b(fill|stroke|color)\s*:")


def test_no_diagram_hard_codes_a_colour():
    found = [
        f"{ln.where()}: {ln.text.strip()}"
        for page in pages()
        for ln in lines(page)
        if "mermaid" in ln.directives and HARD_CODED_COLOUR.search(ln.text)
    ]
    assert not found, "colours come from the theme, not the diagram:\n" + "\n".join(found)


def test_a_broken_diagram_is_caught_with_mermaid_s_message(browser, tmp_path):
    """Prove the browser check: a fixture site with one good and one broken diagram."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("conf.py", "_ext", "_static", "node_modules", "package-lock.json"):
        (src / name).symlink_to(ROOT / name)
    (src / "index.md").write_text(
        "# Fixture\n\n```{mermaid}\n:caption: Good.\n\nflowchart LR\n  a --> b\n```\n\n"
        "```{mermaid}\n:caption: Broken.\n\nflowchart LR\n  a --> b --> \n  c -->> d((\n```\n"
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=src, check=True)
    subprocess.run([*git, "add", "-A"], cwd=src, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fixture"], cwd=src, check=True)
    result = run_sphinx(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr  # raw mode: the build cannot see the error
    with serve(tmp_path / "out") as url:
        problems = diagram_problems(browser, url, "index.html", "light")
    assert problems, "the broken diagram was not reported"
    assert problems[0].startswith("index.html [light] diagram 2: Mermaid could not render it: Parse error"), problems
    assert not any("diagram 1:" in p for p in problems), problems


SCALES = """() => [...document.querySelectorAll('pre.mermaid > svg')].map(svg => {
    const box = svg.viewBox.baseVal;
    return box && box.width ? svg.getBoundingClientRect().width / box.width : 0;
})"""


@pytest.mark.parametrize("width", ["laptop", "phone"])
def test_diagram_labels_stay_legible(browser, site, site_url, width):
    """Mermaid draws labels at 16px; no diagram may shrink below 75% of that (12px)."""
    problems = []
    for page in diagram_pages(site):
        visit = Visit(browser, f"{site_url}/{page}", "light", width)
        try:
            visit.wait_for_diagrams()
            visit.page.wait_for_timeout(100)  # the site's script sizes each SVG as it appears
            for position, scale in enumerate(visit.page.evaluate(SCALES), start=1):
                if scale < 0.74:
                    problems.append(f"{page} [{width}] diagram {position}: drawn at {scale:.0%} of its natural size")
        finally:
            visit.close()
    assert not problems, "\n".join(problems)
