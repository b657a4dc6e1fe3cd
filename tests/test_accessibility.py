"""axe-core (npm, locked) on every built page in Chromium, light and dark: no WCAG 2.0/2.1/2.2 A or AA violation."""

from __future__ import annotations

import pytest

from browser import Visit, chromium
from conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def built_pages(site) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.parts)
    )


def violations(browser, url: str, theme: str) -> list[str]:
    visit = Visit(browser, url, theme)
    try:
        if visit.page.query_selector("pre.mermaid"):
            visit.wait_for_diagrams()
        visit.page.add_script_tag(path=str(AXE))
        result = visit.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    finally:
        visit.close()
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} at {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}"
        for rule in result["violations"]
        for node in rule["nodes"]
    ]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_accessibility_violations(browser, site, site_url, theme):
    pages = built_pages(site)
    assert len(pages) >= 20, pages
    found = []
    for page in pages:
        found += [f"{page} [{theme}] {v}" for v in violations(browser, f"{site_url}/{page}", theme)]
    assert not found, f"{len(found)} violations:\n" + "\n".join(found[:80])


def test_axe_catches_a_violation(browser, tmp_path):
    """Prove the check: a page with an image without alt text and low-contrast text."""
    from conftest import serve

    (tmp_path / "bad.html").write_text(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<img src="x.png"><p style="color:#bbb;background:#fff">faint</p></main></body></html>'
    )
    with serve(tmp_path, "/") as url:
        found = violations(browser, f"{url}/bad.html", "light")
    assert any(v.startswith("image-alt") for v in found), found
    assert any(v.startswith("color-contrast") for v in found), found
