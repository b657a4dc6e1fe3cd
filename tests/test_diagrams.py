"""Diagrams: drawn once by `nox -s diagrams`, inlined in the page as SVG, right in every theme.

The build marks each diagram with the Markdown file and line it comes from (data-diagram-source,
written by _ext/diagrams.py), so every failure here names them. The diagram rule (marked
`sources`, so `nox -s check` runs it, with no build and no JavaScript) names every diagram whose
current source has no drawn files; fixtures prove it fails on an edited diagram and on a syntax
error, and that its keys are the build's own. The fixture tests at the end prove that a stale
diagram falls back to Mermaid only while editing (`nox -s serve`), and that `nox -s diagrams`
names a syntax error by file and line and keeps the last good files.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Error as PlaywrightError

from browser import WIDTHS, chromium
from conftest import ROOT, run_sphinx, serve
from diagram_keys import DIAGRAMS, diagram_files, undrawn_message
from diagram_keys import source_diagrams as keyed_diagrams
from sources import lines, pages, parse

ACC_TITLE = re.compile(r"^\s*accTitle\s*:\s*(.+?)\s*$", re.M)
KEY = re.compile(r"\bd-([0-9a-f]{16})-(?:light|dark)\b")
RUN = "run `nox -s diagrams`"


# -- The diagrams in the sources, as _ext/sources.py reads them ------------------------------


def source_diagrams(files: list[Path] | None = None) -> list[dict]:
    """Every {mermaid} block: its file, fence line, code (options included) and accTitle; inside prose
    directives too."""
    found = []
    for path in files or pages():
        for block in parse(path).blocks:
            if block.name == "mermaid":
                options = "".join(f":{key}: {value}\n" for key, value in block.options.items())
                title = ACC_TITLE.search(block.body)
                found.append({"where": block.where(), "code": options + block.body, "title": title.group(1) if title else None})
    return found


@pytest.mark.sources
def test_every_diagram_has_a_caption_a_title_and_a_description():
    diagrams = source_diagrams()
    assert len(diagrams) >= 10, f"{len(diagrams)} diagrams"
    problems = [
        f"{d['where']}: no {what}"
        for d in diagrams
        for what, pattern in (("caption", r"^:caption:"), ("accTitle", r"^\s*accTitle\s*:"), ("accDescr", r"^\s*accDescr\s*[:{]"))
        if not re.search(pattern, d["code"], re.M)
    ]
    assert not problems, "\n".join(problems)


HARD_CODED_COLOUR = re.compile(r"^\s*(style|classDef|linkStyle)\s|%%\{\s*init|#[0-9a-fA-F]{3,6}\b|\b(fill|stroke|color)\s*:")


@pytest.mark.sources
def test_no_diagram_hard_codes_a_colour():
    found = [
        f"{ln.where()}: {ln.text.strip()}"
        for page in pages()
        for ln in lines(page)
        if "mermaid" in ln.directives and HARD_CODED_COLOUR.search(ln.text)
    ]
    assert not found, "colours come from the theme, not the diagram:\n" + "\n".join(found)


# -- The diagram rule, from the sources alone: every diagram's current source has its files ------
# diagram_keys.source_diagrams() reads each {mermaid} block with sources.parse() and names its files
# with the build's own diagram_key(): Mermaid's version from package-lock.json, the theme settings
# from conf.py's text. No Sphinx, no Node.js, no browser.


def undrawn_diagrams(paths: list[Path] | None = None, root: Path | None = None) -> list[str]:
    return [f"{d.where}: {undrawn_message(d.title)}" for d in keyed_diagrams(paths, root) if not d.drawn]


@pytest.mark.sources
def test_every_diagram_has_its_drawn_files():
    assert len(keyed_diagrams()) >= 10, "the diagrams of the site were not found"
    problems = undrawn_diagrams()
    assert not problems, "\n".join(problems)


def first_diagram(path: Path) -> str:
    """The first {mermaid} block of a page of this site, as written there (fence to fence)."""
    text = path.read_text()
    start = text.index("```{mermaid}")
    return text[start:text.index("\n```\n", start) + 5]


def rule_fixture(tmp_path: Path, page: str) -> tuple[Path, Path]:
    """A project with this repository's conf.py, package-lock.json and _diagrams/, and one page."""
    root = tmp_path / "site"
    (root / "explanation").mkdir(parents=True)
    for name in ("conf.py", "package-lock.json", DIAGRAMS):
        (root / name).symlink_to(ROOT / name)
    (root / "explanation" / "fixture.md").write_text(page)
    return root, root / "explanation" / "fixture.md"


@pytest.mark.sources
def test_the_diagram_rule_fails_on_an_edited_diagram_naming_file_and_line(tmp_path):
    real = first_diagram(ROOT / "explanation" / "vpc.md")
    title = re.search(r"accTitle: (.+)", real).group(1)
    root, page = rule_fixture(tmp_path, f"# Fixture\n\nSome text.\n\n{real}")
    assert undrawn_diagrams([page], root) == []  # the same source as on the site: its files are there
    edited = real.replace(f"accTitle: {title}", f"accTitle: {title}\n  edited[An edited node]")
    page.write_text(f"# Fixture\n\nSome text.\n\n{edited}")
    assert undrawn_diagrams([page], root) == [f"{page}:5: {undrawn_message(title)}"]


@pytest.mark.sources
def test_the_diagram_rule_fails_on_a_syntax_error_naming_file_and_line(tmp_path):
    """Mermaid cannot draw it, so `nox -s diagrams` wrote no files for it: the rule names it."""
    page = diagram_page("Broken flow", "  a --> b -->\n  c -->> d((")
    root, path = rule_fixture(tmp_path, "# Fixture\n\n" + page.split("\n\n", 1)[1])
    assert undrawn_diagrams([path], root) == [f"{path}:3: {undrawn_message('Broken flow')}"]
    assert undrawn_message("Broken flow").endswith("run `nox -s diagrams`, which draws it or names the line Mermaid "
                                                   "cannot read, and commit the files")


def test_the_rule_names_each_diagram_s_files_as_the_build_does(site):
    """Every diagram of the built site is inlined from the files the sources rule names for it."""
    built = {block["data-diagram-source"]: {k for svg in block.select(":scope > svg") for k in KEY.findall(svg["id"])}
             for soup in html_pages(site).values() for block in soup.select(".diagram")}
    problems = [f"{d.where}: the build inlined {sorted(built.get(d.where, [])) or 'nothing'}, the sources rule names {d.key}"
                for d in keyed_diagrams() if built.get(d.where) != {d.key}]
    assert not problems, "\n".join(problems)


VARIANTS = """# Variants

```{mermaid}
:caption: Options as lines.

flowchart LR
  accTitle: Plain
  a --> b

```

```{mermaid}
:caption: Blank lines before and after.


flowchart LR
  accTitle: Spaced
  a --> b
  	
	
```

```{mermaid}
---
caption: Options as YAML.
title: A Mermaid title
---
flowchart LR
  accTitle: Titled
  a --> b


```

```{mermaid}
flowchart LR
  accTitle: Bare
  a --> b


```

```{mermaid}
:config: {"flowchart": {"curve": "linear"}}
:caption: A Mermaid configuration.

flowchart LR
  accTitle: Configured
  a --> b
```

::::{tab-set}
:::{tab-item} In a tab
```{mermaid}
flowchart LR
  accTitle: Nested
  a --> b
```
:::
::::
"""


# The diagrams as `nox -s diagrams` reads them, with Sphinx, in a process of its own (as that session runs).
SPHINX_DIAGRAMS = """import json, sys
sys.path.insert(0, "tools")
from pathlib import Path
from render_diagrams import site_diagrams
print(json.dumps([{"location": i["location"], "key": i["key"]} for i in site_diagrams(Path(sys.argv[1]))[0]]))"""


def test_the_sources_give_the_code_sphinx_gives_mermaid(tmp_path):
    """The keys of the sources rule are those of the build (read by Sphinx, as `nox -s diagrams`
    reads them) for options as lines, as YAML and none, :title:, :config:, blank lines around the code and a
    diagram inside another directive."""
    src = fixture_site(tmp_path, VARIANTS)
    read = subprocess.run([sys.executable, "-c", SPHINX_DIAGRAMS, str(src)], capture_output=True, text=True, cwd=ROOT)
    assert read.returncode == 0, read.stderr
    by_sphinx = json.loads(read.stdout)
    from_sources = keyed_diagrams([src / "index.md"], src)
    assert [i["key"] for i in by_sphinx] == [d.key for d in from_sources]
    # Where each one is. Inside a {tab-item}, Sphinx places the content one line late (myst-parser's
    # own warnings there do too); the sources rule names the fence's own line.
    late = {len(VARIANTS[:VARIANTS.index("tab-item")].splitlines()) + 1}
    assert [i["location"] for i in by_sphinx] == [
        f"index.md:{int(d.where.rsplit(':', 1)[1]) + (int(d.where.rsplit(':', 1)[1]) in late)}" for d in from_sources]
    assert len(from_sources) == 6 and len({d.key for d in from_sources}) == 6


# -- The built pages: every diagram drawn ahead, no Mermaid, nothing left over -----------------


@functools.cache
def html_pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every page of a built site, parsed once."""
    return {
        p.relative_to(site).as_posix(): BeautifulSoup(p.read_text(), "html.parser")
        for p in sorted(site.rglob("*.html")) if "_static" not in p.parts
    }


def diagrams_drawn_in_the_browser(site: Path) -> list[str]:
    """A diagram without up-to-date files falls back to Mermaid in the browser: name each one."""
    return [
        f"{pre.get('data-diagram-source')}: the diagram {pre.get('data-diagram-title')!r} ({page}) has no up-to-date "
        f"files in {DIAGRAMS}/, so the reader's browser downloads Mermaid to draw it: {RUN}"
        for page, soup in html_pages(site).items()
        for pre in soup.select("pre.mermaid")
    ]


def unused_diagram_files(site: Path, folder: Path) -> list[str]:
    used = {key for soup in html_pages(site).values() for svg in soup.select(".diagram > svg") for key in KEY.findall(svg["id"])}
    return [
        f"{path.relative_to(folder.parent)}: no diagram uses it ({RUN} deletes it)"
        for path in sorted(folder.glob("*")) if path.name.split("-")[0] not in used
    ]


def test_every_diagram_is_drawn_ahead(site):
    problems = diagrams_drawn_in_the_browser(site)
    assert not problems, "\n".join(problems)


def test_every_file_in_diagrams_is_used(site):
    problems = unused_diagram_files(site, ROOT / DIAGRAMS)
    assert not problems, "\n".join(problems)


def test_every_source_diagram_is_in_the_site_once_in_each_theme(site):
    soups = html_pages(site)
    problems = []
    for d in source_diagrams():
        page = re.sub(r"\.md:\d+$", ".html", d["where"])
        blocks = soups[page].select(f'.diagram[data-diagram-source="{d["where"]}"]') if page in soups else []
        themes = [t for block in blocks for svg in block.select(":scope > svg") for t in ("light", "dark") if f"diagram-{t}" in svg["class"]]
        if themes != ["light", "dark"]:
            problems.append(f"{d['where']}: {page} should hold it once, as a light and a dark SVG; it has {themes or 'none'}")
    assert not problems, "\n".join(problems)


def test_no_page_loads_mermaid(site):
    loading = [page for page, soup in html_pages(site).items() if soup.find("script", string=re.compile("mermaid"))]
    assert not loading, f"pages that load Mermaid's JavaScript: {loading}"


def test_ids_are_unique_on_every_page(site):
    problems = []
    for page, soup in html_pages(site).items():
        if soup.select_one(".diagram"):
            ids = [el["id"] for el in soup.find_all(id=True)]
            problems += [f"{page}: id {i!r} appears {ids.count(i)} times" for i in sorted(set(ids)) if ids.count(i) > 1]
    assert not problems, "\n".join(problems)


# -- In Chromium: the right rendering in every theme, legible, named, with no Mermaid ------------

# name: (furo's theme in localStorage, the system's colour scheme, JavaScript on, the rendering to see)
MODES = {
    "light, system dark": ("light", "dark", True, "light"),
    "dark, system light": ("dark", "light", True, "dark"),
    "auto, system light": ("auto", "light", True, "light"),
    "auto, system dark": ("auto", "dark", True, "dark"),
    "no JavaScript, system dark": (None, "dark", False, "dark"),
}
DIAGRAMS_IN_PAGE = """() => [...document.querySelectorAll('.diagram')].map(block => ({
    where: block.dataset.diagramSource,
    shown: [...block.querySelectorAll(':scope > svg')].filter(svg => getComputedStyle(svg).display !== 'none')
        .map(svg => ({theme: svg.classList.contains('diagram-dark') ? 'dark' : 'light',
                      scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
                      height: svg.getBoundingClientRect().height})),
}))"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def theme_problems(browser, base_url: str, pages: list[str], titles: dict[str, str], mode: str, width: str) -> list[str]:
    """Load each page in one theme and width; name every diagram that is not right, by file and line."""
    theme, scheme, javascript, expected = MODES[mode]
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme, java_script_enabled=javascript)
    if theme:  # furo keeps the reader's choice in localStorage
        context.add_init_script(f"localStorage.setItem('theme', '{theme}');")
    requests, errors = [], []
    context.on("request", lambda r: requests.append(r.url))
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1" else route.abort())
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))  # such as an SVG path it cannot read
    problems = []
    try:
        for path in pages:
            requests.clear()
            page.goto(f"{base_url}/{path}", wait_until="load")
            for block in page.evaluate(DIAGRAMS_IN_PAGE):
                where, shown = block["where"], block["shown"]
                if where not in titles:
                    problems.append(f"{where}: the built page has a diagram here, the Markdown has none: the site is older than its sources")
                    continue
                if [s["theme"] for s in shown] != [expected]:
                    problems.append(f"{where} [{mode}, {width}]: shows {[s['theme'] for s in shown] or 'nothing'}, not the {expected} rendering")
                    continue
                if shown[0]["scale"] < 0.74 or shown[0]["height"] < 20:
                    problems.append(f"{where} [{mode}, {width}]: drawn at {shown[0]['scale']:.0%} of its natural size (at least 75% keeps labels legible)")
                name = page.locator(f'.diagram[data-diagram-source="{where}"]').get_by_role("img", name=titles[where], exact=True)
                if name.count() != 1:
                    problems.append(f"{where} [{mode}, {width}]: no single image named {titles[where]!r} (its accTitle) for assistive technology")
            problems += [f"{path} [{mode}, {width}]: loads Mermaid's JavaScript: {u}" for u in requests if "/_static/mermaid/" in u]
            problems += [f"{path} [{mode}, {width}]: request to another host: {u}" for u in requests if urlsplit(u).hostname != "127.0.0.1"]
            problems += [f"{path} [{mode}, {width}]: error in the console: {e}" for e in errors]
            errors.clear()
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("width", ["phone", "laptop"])
@pytest.mark.parametrize("mode", MODES)
def test_every_diagram_shows_its_theme_s_rendering_legibly_with_its_name(browser, site, site_url, mode, width):
    diagrams = source_diagrams()
    pages_with_diagrams = sorted({re.sub(r"\.md:\d+$", ".html", d["where"]) for d in diagrams})
    titles = {d["where"]: d["title"] for d in diagrams}
    problems = theme_problems(browser, site_url, pages_with_diagrams, titles, mode, width)
    assert not problems, "\n".join(problems)


# -- On a phone: a diagram wider than the screen shows that it scrolls --------------------------

SCROLL_STATE = """block => {
    const hint = document.getElementById(block.getAttribute('aria-describedby') || '');
    const box = hint && hint.getBoundingClientRect();
    const style = getComputedStyle(block);
    const next = block.nextElementSibling;
    return {
        scrolls: block.scrollWidth > block.clientWidth + 1,
        natural: block.scrollWidth, shown: block.clientWidth,
        tabindex: block.getAttribute('tabindex'),
        hint: hint && box.height > 0 && box.left >= 0 && box.right <= innerWidth ? hint.textContent.trim() : null,
        strayHint: Boolean(next && next.classList.contains('diagram-hint')),
        fade: style.maskImage || style.webkitMaskImage || 'none',
        left: block.scrollLeft,
    };
}"""


def scroll_cue_problems(browser, base_url: str, pages: list[str], titles: dict[str, str], theme: str, javascript: bool = True) -> list[str]:
    """At phone width, name every diagram (by file and line) that is cut off at the screen's edge
    without a sign that it scrolls: a region named by its title that keyboard users can focus and
    scroll with the arrow keys, a visible hint, and a fade at the edge where more is hidden."""
    w, h = WIDTHS["phone"]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=theme, java_script_enabled=javascript)
    context.add_init_script(f"localStorage.setItem('theme', '{theme}');")
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1" else route.abort())
    page = context.new_page()
    problems, wide = [], 0
    try:
        for path in pages:
            url = f"{base_url}/{path}"
            page.goto(url, wait_until="load")
            for where in page.eval_on_selector_all(".diagram", "blocks => blocks.map(b => b.dataset.diagramSource)"):
                block = page.locator(f'.diagram[data-diagram-source="{where}"]')
                state = block.evaluate(SCROLL_STATE)
                said = f"{where} [{theme}, phone]"
                if not state["scrolls"]:
                    if state["strayHint"]:
                        problems.append(f"{said}: fits the screen, yet a hint says that it scrolls")
                    continue
                wide += 1
                missing = []
                if state["tabindex"] != "0":
                    missing.append("it cannot take keyboard focus")
                if block.get_attribute("role") != "region" or page.get_by_role("region", name=titles.get(where, ""), exact=True).count() != 1:
                    missing.append(f"it is no region named {titles.get(where)!r}")
                if not state["hint"]:
                    missing.append("no hint beneath it says that it scrolls")
                if state["fade"] == "none":
                    missing.append("its cut edge does not fade")
                if state["tabindex"] == "0":
                    block.focus()
                    page.keyboard.press("ArrowRight")
                    try:  # the browser may scroll smoothly
                        page.wait_for_function("([b, left]) => b.scrollLeft > left", arg=[block.element_handle(), state["left"]], timeout=2000)
                        scrolled = True
                    except PlaywrightError:  # a timeout, or the page went away
                        scrolled = False
                    page.wait_for_load_state("load")
                    if page.url != url:
                        missing.append(f"the Right arrow key turns the page to {page.url.rsplit('/', 1)[-1]} instead of scrolling it")
                        page.goto(url, wait_until="load")
                    elif not scrolled:
                        missing.append("the Right arrow key does not scroll it")
                    block.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
                    page.wait_for_timeout(100)  # the scroll event moves the fade to the other edge
                    end = block.evaluate(SCROLL_STATE)
                    if state["fade"] != "none" and end["fade"] in ("none", state["fade"]):
                        missing.append("scrolled to its end, the fade stays where it was")
                if missing:
                    problems.append(f"{said}: {state['natural']} px wide on a {state['shown']} px column, but " + "; ".join(missing))
    finally:
        context.close()
    if not wide:
        problems.append(f"no diagram on {pages} is wider than a phone's screen: this check proves nothing")
    return problems


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_diagram_wider_than_a_phone_shows_that_it_scrolls(browser, site_url, theme):
    diagrams = source_diagrams()
    pages_with_diagrams = sorted({re.sub(r"\.md:\d+$", ".html", d["where"]) for d in diagrams})
    problems = scroll_cue_problems(browser, site_url, pages_with_diagrams, {d["where"]: d["title"] for d in diagrams}, theme)
    assert not problems, "\n".join(problems)


def test_the_scroll_check_names_a_wide_diagram_without_its_cue(browser, site_url):
    """Without the site's script (JavaScript off), a wide diagram still scrolls but shows no cue."""
    storage = next(d for d in source_diagrams() if d["where"].startswith("explanation/storage.md:"))
    problems = scroll_cue_problems(browser, site_url, ["explanation/storage.html"], {storage["where"]: storage["title"]}, "light", javascript=False)
    assert len(problems) == 1 and problems[0].startswith(f"{storage['where']} [light, phone]: "), problems
    for missing in ("it cannot take keyboard focus", f"it is no region named {storage['title']!r}",
                    "no hint beneath it says that it scrolls", "its cut edge does not fade"):
        assert missing in problems[0], problems[0]


# -- The ePub edition: every diagram as an image --------------------------------------------


def epub_problems(epub: Path, diagrams: list[dict]) -> list[str]:
    """Compare the diagrams in the sources with the SVG images in the ePub, page by page, by title."""
    problems, found = [], {}
    with zipfile.ZipFile(epub) as book:
        names = set(book.namelist())
        for name in sorted(n for n in names if n.endswith(".xhtml")):
            page = name.removeprefix("OEBPS/").removesuffix(".xhtml")
            for img in BeautifulSoup(book.read(name), "html.parser").select("img[src$='.svg']"):
                image = posixpath.normpath(posixpath.join(posixpath.dirname(name), img["src"]))
                if image not in names:
                    problems.append(f"{page}: image {img['src']} is not in the ePub")
                    continue
                title = BeautifulSoup(book.read(image), "html.parser").find("title")
                found.setdefault(page, []).append(title.get_text() if title else None)
                if not img.get("alt"):
                    problems.append(f"{page}: the image of {title.get_text() if title else image} has no alt text")
    for d in diagrams:
        page = d["where"].rsplit(".md:", 1)[0]
        if d["title"] in found.get(page, []):
            found[page].remove(d["title"])
        else:
            problems.append(f"{d['where']}: the diagram {d['title']!r} is not in the ePub as an image")
    problems += [f"{page}: an image {title!r} that no diagram in the sources has" for page, titles in found.items() for title in titles]
    return problems


@pytest.fixture(scope="module")
def epub(tmp_path_factory) -> Path:
    """The ePub, built strictly as Read the Docs builds it (doctrees outside the output folder)."""
    out = tmp_path_factory.mktemp("epub")
    result = run_sphinx(ROOT, out / "epub", "epub", "-d", str(out / "doctrees"))
    assert result.returncode == 0, f"the ePub does not build strictly:\n{result.stderr}"
    return next((out / "epub").glob("*.epub"))


def test_the_epub_has_every_diagram_as_an_image(epub):
    problems = epub_problems(epub, source_diagrams())
    assert not problems, "\n".join(problems)


def test_the_epub_check_names_a_missing_diagram(epub):
    extra = {"where": "explanation/vpc.md:999", "code": "", "title": "A diagram the ePub lacks"}
    problems = epub_problems(epub, [*source_diagrams(), extra])
    assert problems == ["explanation/vpc.md:999: the diagram 'A diagram the ePub lacks' is not in the ePub as an image"], problems


# -- Fixtures: a stale diagram, a syntax error -------------------------------------------------


def fixture_site(tmp_path: Path, page: str) -> Path:
    """A site with this project's configuration, extension, styles and Mermaid, and one page."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("conf.py", "_ext", "_static", "node_modules", "package-lock.json"):
        (src / name).symlink_to(ROOT / name)
    (src / "index.md").write_text(page)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=src, check=True)
    subprocess.run([*git, "add", "-A"], cwd=src, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fixture"], cwd=src, check=True)
    return src


def diagram_page(title: str, body: str) -> str:
    return (f"# Fixture\n\n```{{mermaid}}\n:caption: {title}.\n\nflowchart LR\n  accTitle: {title}\n"
            f"  accDescr: A fixture.\n{body}\n```\n")


def test_a_stale_diagram_falls_back_while_editing_and_is_named_by_file_and_line(browser, tmp_path):
    """With diagrams_in_browser (what `nox -s serve` sets), a diagram without files is drawn by
    Mermaid in the browser; tests/test_build.py proves that any other build fails on it."""
    src = fixture_site(tmp_path, diagram_page("Changed flow", "  a --> b"))
    # The files of the diagram as it was before its last edit ("a --> c"), as `nox -s diagrams` left them.
    (tmp_path / "before.md").write_text(diagram_page("Changed flow", "  a --> c"))
    (old,) = [d.key for d in keyed_diagrams([tmp_path / "before.md"], src)]
    (src / DIAGRAMS).mkdir()
    for path in diagram_files(src, old).values():
        path.write_text("<svg/>")

    result = run_sphinx(src, tmp_path / "out", "html", "-D", "diagrams_in_browser=1")
    assert result.returncode == 0, result.stderr  # while editing, a stale diagram does not stop the build...
    said = [ln for ln in result.stdout.splitlines() if "diagram" in ln and "nox -s diagrams" in ln]
    assert said == [f"1 diagram has no up-to-date files in {DIAGRAMS}/, so Mermaid draws it in the browser: "
                    "index.md:3 (Changed flow). Run `nox -s diagrams`."], result.stdout  # ...it says so in one line
    assert diagrams_drawn_in_the_browser(tmp_path / "out") == [
        f"index.md:3: the diagram 'Changed flow' (index.html) has no up-to-date files in {DIAGRAMS}/, "
        f"so the reader's browser downloads Mermaid to draw it: {RUN}"
    ]
    assert unused_diagram_files(tmp_path / "out", src / DIAGRAMS) == [
        f"{DIAGRAMS}/{old}-{kind}: no diagram uses it ({RUN} deletes it)" for kind in ("dark.svg", "light.pdf", "light.svg")
    ]
    with serve(tmp_path / "out") as url:  # the fallback works: Mermaid draws it in the browser
        page = browser.new_page()
        loaded = []
        page.on("request", lambda r: loaded.append(r.url))
        page.goto(f"{url}/index.html")
        page.wait_for_selector("pre.mermaid > svg[aria-roledescription]", timeout=15000)
        page.close()
    assert any("/_static/mermaid/" in u for u in loaded)

    # The same folder built strictly afterwards (`nox -s docs` after `nox -s serve`) fails, and drops Mermaid.
    strict = run_sphinx(src, tmp_path / "out")
    assert strict.returncode != 0 and "index.md:3: WARNING: the diagram 'Changed flow' has no drawn files" in strict.stderr, strict.stderr
    assert not (tmp_path / "out" / "_static" / "mermaid").exists()


def render(src: Path) -> subprocess.CompletedProcess:
    """`nox -s diagrams` on a fixture site."""
    return subprocess.run([sys.executable, str(ROOT / "tools" / "render_diagrams.py"), "--srcdir", str(src)],
                          capture_output=True, text=True)


def test_a_mermaid_syntax_error_fails_nox_diagrams_naming_file_and_line_and_keeps_the_last_good_files(tmp_path):
    good = diagram_page("Good flow", "  a --> b")
    broken_body, fixed_body = "  a --> b -->\n  c -->> d((", "  a --> c"
    page = good + "\n" + diagram_page("Second flow", broken_body).split("\n", 2)[2]
    src = fixture_site(tmp_path, page)
    files = lambda: sorted(p.name for p in (src / DIAGRAMS).iterdir())  # noqa: E731

    result = render(src)
    assert result.returncode == 1, result.stdout + result.stderr
    fence, broken = [n for n, text in enumerate(page.splitlines(), 1) if text in ("```{mermaid}", "  c -->> d((")][1:]
    assert result.stderr.startswith(f"index.md:{broken}: Mermaid cannot draw the diagram 'Second flow' (it starts at line {fence}):\n"), result.stderr
    assert "Parse error" in result.stderr
    assert "rendered index.md:3 (Good flow)" in result.stdout  # the good diagram still gets its files
    assert len(files()) == 3

    (src / "index.md").write_text(page.replace(broken_body, fixed_body))
    result = render(src)
    assert result.returncode == 0 and f"rendered index.md:{fence} (Second flow)" in result.stdout, result.stdout + result.stderr
    drawn = files()
    assert len(drawn) == 6

    (src / "index.md").write_text(page)  # broken again: the fixed diagram's files are no longer used...
    result = render(src)
    assert result.returncode == 1 and result.stderr.startswith(f"index.md:{broken}: "), result.stdout + result.stderr
    assert "3 files no diagram uses kept until every diagram draws" in result.stdout, result.stdout
    assert files() == drawn  # ...but they are the last good ones: kept

    (src / "index.md").write_text(page.replace(broken_body, fixed_body))  # the edit undone: nothing to draw
    result = render(src)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "2 diagrams: 0 rendered, 2 already up to date, 0 files removed", result.stdout
    assert files() == drawn

    (src / "index.md").write_text(good)  # a diagram deleted: its files go, once every diagram draws
    result = render(src)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "1 diagrams: 0 rendered, 1 already up to date, 3 files removed"
    assert len(files()) == 3
