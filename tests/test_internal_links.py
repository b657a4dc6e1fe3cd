"""Every link inside the built site resolves, and every page is reachable from the others.

Sphinx's -n catches broken references in the sources; this walks the HTML, so it also sees
raw HTML, generated pages and links written as the site's published address.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from conf import html_baseurl

SKIP_PAGES = {"genindex.html", "search.html", "404.html"}
LINK_ATTRS = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"))


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not {"_static", "_sources"} & set(p.relative_to(site).parts))


@cache
def _ids(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(), "html.parser")
    return frozenset(el["id"] for el in soup.find_all(id=True)) | frozenset(a["name"] for a in soup.find_all("a", attrs={"name": True}))


def internal_links(site: Path, page: Path):
    """Yield (element, url, target file, fragment) for each link that stays inside the site."""
    soup = BeautifulSoup(page.read_text(), "html.parser")
    base = "file://" + str(page)
    for tag, attr in LINK_ATTRS:
        for element in soup.find_all(tag):
            url = element.get(attr)
            if not url or url.startswith(("mailto:", "data:", "javascript:")):
                continue
            if url.startswith(html_baseurl):  # the published address: check it against this build
                url = "file://" + str(site / url[len(html_baseurl):])
            elif urlsplit(url).scheme in ("http", "https") or url.startswith("//"):
                continue
            if tag == "link" and "canonical" in element.get("rel", []):
                continue
            absolute, fragment = urldefrag(urljoin(base, url))
            target = Path(unquote(urlsplit(absolute).path))
            if target.is_dir():
                target = target / "index.html"
            yield element, url, target, fragment


def broken_links(site: Path) -> list[str]:
    broken = []
    for page in html_pages(site):
        if page.name == "404.html":  # its links are absolute to the published path; served test covers it
            continue
        for element, url, target, fragment in internal_links(site, page):
            where = f"{page.relative_to(site)}: <{element.name}> {url}"
            if not target.is_file():
                broken.append(f"{where}: no such file")
            elif fragment and target.suffix == ".html" and fragment not in _ids(target):
                broken.append(f"{where}: no #{fragment} in {target.relative_to(site)}")
    return broken


def test_every_internal_link_resolves(site):
    broken = broken_links(site)
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken)


def test_broken_link_checker_catches_mistakes(tmp_path):
    (tmp_path / "a.html").write_text('<main id="top"><a href="b.html#nope">x</a><a href="c.html">y</a><a href="#top">z</a><img src="i.png"></main>')
    (tmp_path / "b.html").write_text('<main id="here"></main>')
    found = broken_links(tmp_path)
    assert found == [
        "a.html: <a> b.html#nope: no #nope in b.html",
        "a.html: <a> c.html: no such file",
        "a.html: <img> i.png: no such file",
    ], found


def content_links(site: Path) -> dict[Path, set[Path]]:
    """Which pages each page links to from its article (not from the sidebar, which links everything)."""
    graph = defaultdict(set)
    for page in html_pages(site):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        article = soup.find("article") or soup
        for a in article.find_all("a", href=True):
            url = a["href"]
            if url.startswith(html_baseurl):
                url = str(site / url[len(html_baseurl):])
            elif urlsplit(url).scheme or url.startswith("#"):
                continue
            target = Path(unquote(urlsplit(urljoin("file://" + str(page), url)).path))
            if target != page and target.suffix == ".html":
                graph[page].add(target)
    return graph


def test_every_page_is_reachable_from_the_landing_page(site):
    graph = content_links(site)
    pages = [p for p in html_pages(site) if p.name not in SKIP_PAGES]
    seen, todo = set(), [site / "index.html"]
    while todo:
        page = todo.pop()
        if page not in seen:
            seen.add(page)
            todo.extend(graph.get(page, ()))
    unreachable = [str(p.relative_to(site)) for p in pages if p not in seen]
    assert not unreachable, "no chain of links in the pages' text reaches:\n" + "\n".join(unreachable)


def test_every_page_is_linked_from_another_page(site):
    graph = content_links(site)
    linked = {target for targets in graph.values() for target in targets}
    orphans = [str(p.relative_to(site)) for p in html_pages(site) if p.name not in SKIP_PAGES and p not in linked and p != site / "index.html"]
    assert not orphans, "linked from no other page's text:\n" + "\n".join(orphans)


def _links_between(site: Path, source: str, target: str) -> dict[Path, set[Path]]:
    graph = content_links(site)
    return {
        page: {t for t in graph.get(page, ()) if t.parent.name == target and t.name != "index.html"}
        for page in html_pages(site)
        if page.parent.name == source and page.name != "index.html"
    }


def test_every_howto_guide_is_linked_from_an_explanation_page(site):
    linked = set().union(*_links_between(site, "explanation", "howto").values())
    guides = [p for p in (site / "howto").glob("*.html") if p.name != "index.html"]
    missing = [p.name for p in guides if p not in linked]
    assert not missing, "how-to guides no explanation page links to:\n" + "\n".join(missing)


def test_every_howto_guide_links_to_an_explanation_page(site):
    lonely = [p.name for p, targets in _links_between(site, "howto", "explanation").items() if not targets]
    assert not lonely, lonely


def test_reference_and_explanation_link_both_ways(site):
    out = _links_between(site, "reference", "explanation")
    into = set().union(*_links_between(site, "explanation", "reference").values())
    problems = [f"reference/{p.name} links to no explanation page" for p, t in out.items() if not t]
    problems += [f"reference/{p.name} is linked from no explanation page" for p in out if p not in into]
    assert not problems, "\n".join(problems)
