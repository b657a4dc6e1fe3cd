"""The site builds strictly, and author mistakes fail loudly with the file and the line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import ROOT, run_sphinx
from noxfile import sphinx_command

MINIMAL_CONF = """
extensions = ["myst_parser"]
nitpicky = True
"""


def test_site_built_with_zero_warnings(site):
    assert (site / "index.html").is_file()
    warnings = site.parent / f"{site.name}-warnings.txt"
    if warnings.is_file():  # written by `nox -s tests`, which built the site strictly
        assert warnings.read_text() == "", warnings.read_text()


def test_site_has_the_expected_furniture(site):
    index = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    assert index.select_one('link[rel="canonical"]')["href"].startswith("https://")
    assert index.select_one('meta[property="og:title"]')
    assert (site / "sitemap.xml").is_file() and "<loc>" in (site / "sitemap.xml").read_text()
    assert (site / "404.html").is_file()
    assert (site / "search.html").is_file() and (site / "searchindex.js").is_file()
    page = BeautifulSoup((site / "howto" / "s3-data.html").read_text(), "html.parser")
    assert page.select_one("a[rel='edit'][href$='/edit/main/howto/s3-data.md']"), "no 'edit this page' link"
    assert re.search(r"Last updated on \d{1,2} \w+ 20\d\d", page.get_text()), "no 'last updated' date"
    assert page.select("div.highlight pre") and page.select_one("script[src*='copybutton']"), "no copy buttons"


def _fixture_project(tmp_path: Path, pages: dict[str, str], conf: str = MINIMAL_CONF) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(conf)
    for name, text in pages.items():
        (src / name).write_text(text)
    return src


def test_broken_cross_reference_names_file_and_line(tmp_path):
    src = _fixture_project(tmp_path, {"index.md": "# Home\n\nSome text.\n\nSee [the page](missing.md).\n"})
    result = run_sphinx(src, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(r"index\.md:5: WARNING: .*missing\.md", result.stderr), result.stderr


def test_unknown_glossary_term_names_file_and_line(tmp_path):
    src = _fixture_project(tmp_path, {"index.md": "# Home\n\nA {term}`subnett` typo.\n"})
    result = run_sphinx(src, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(r"index\.md:3: WARNING: term not in glossary: 'subnett'", result.stderr), result.stderr


def test_page_in_no_toctree_names_the_file(tmp_path):
    src = _fixture_project(tmp_path, {"index.md": "# Home\n", "lost.md": "# Lost\n\nNobody links here.\n"})
    result = run_sphinx(src, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(r"lost\.md: WARNING: document isn't included in any toctree", result.stderr), result.stderr


def test_the_real_configuration_fails_on_a_bad_page(tmp_path):
    """The project's own conf.py, not just the flags, turns an author mistake into a failure."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("conf.py", "_ext", "_static", "package-lock.json"):
        (src / name).symlink_to(ROOT / name)
    (src / "index.md").write_text("# Home\n\nSee {doc}`nowhere`.\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=src, check=True)
    subprocess.run([*git, "add", "-A"], cwd=src, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fixture"], cwd=src, check=True)
    result = run_sphinx(src, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(r"index\.md:3: WARNING: unknown document: 'nowhere'", result.stderr), result.stderr


def _check_rtd(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.readthedocs", str(path)],
        capture_output=True, text=True,
    )


def test_readthedocs_config_is_valid():
    result = _check_rtd(ROOT / ".readthedocs.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_invalid_readthedocs_config_is_caught(tmp_path):
    bad = tmp_path / ".readthedocs.yaml"
    bad.write_text((ROOT / ".readthedocs.yaml").read_text().replace("fail_on_warning: true", "fail_on_warning: often"))
    result = _check_rtd(bad)
    assert result.returncode != 0
    assert ".readthedocs.yaml" in result.stdout and "fail_on_warning" in result.stdout, result.stdout


RESOURCE_ATTRS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src", "video": "src", "audio": "src"}
IMPORT = re.compile(r"""(?:import\s*(?:[\w{}\s,*]+from\s*)?|import\()\s*["']([^"']+)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""")


def _is_external(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url))


def test_built_pages_load_nothing_from_another_host(site):
    offenders = []
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for tag, attr in RESOURCE_ATTRS.items():
            for element in soup.find_all(tag):
                url = element.get(attr) or ""
                if tag == "link" and not set(element.get("rel", [])) & {"stylesheet", "preload", "modulepreload", "icon", "manifest", "prefetch"}:
                    continue  # canonical and alternate links are not loaded
                if _is_external(url):
                    offenders.append(f"{page.relative_to(site)}: <{tag} {attr}={url}>")
        for script in soup.find_all("script"):
            offenders += [f"{page.relative_to(site)}: import {u}" for u in IMPORT.findall(script.string or "") if _is_external(u)]
        for style in soup.find_all("style"):
            offenders += [f"{page.relative_to(site)}: url({u})" for u in CSS_URL.findall(style.string or "") if _is_external(u)]
    for css in (site / "_static").rglob("*.css"):
        offenders += [f"{css.relative_to(site)}: url({u})" for u in CSS_URL.findall(css.read_text()) if _is_external(u)]
    assert not offenders, "\n".join(offenders)


# -- Diagrams: drawn ahead, so a build needs Python alone ----------------------------------------

NODE_PROGRAMS = {"node", "nodejs", "npm", "npx", "corepack"}


def path_without_node(tmp_path: Path) -> str:
    """This PATH (with this Python's folder first) less Node.js: each folder that holds node or npm
    is replaced by a folder of links to everything else in it."""
    folders = []
    for n, folder in enumerate([str(Path(sys.executable).parent), *os.environ.get("PATH", "").split(os.pathsep)]):
        if not folder or not Path(folder).is_dir():
            continue
        names = {p.name for p in Path(folder).iterdir()}
        if names & NODE_PROGRAMS:
            copy = tmp_path / "path" / str(n)
            copy.mkdir(parents=True)
            for name in names - NODE_PROGRAMS:
                (copy / name).symlink_to(Path(folder, name))
            folder = str(copy)
        folders.append(folder)
    path = os.pathsep.join(folders)
    assert not any(shutil.which(program, path=path) for program in NODE_PROGRAMS)
    return path


def diagram_project(tmp_path: Path, page: str) -> Path:
    """The project's conf.py, extensions, styles, package-lock.json and drawn diagrams, no
    node_modules, and one page, committed (for the "last updated" dates)."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("conf.py", "_ext", "_static", "package-lock.json", "_diagrams"):
        (src / name).symlink_to(ROOT / name)
    (src / "index.md").write_text(page)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=src, check=True)
    subprocess.run([*git, "add", "-A"], cwd=src, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fixture"], cwd=src, check=True)
    return src


def site_diagram() -> str:
    """The first diagram of explanation/vpc.md, as written there: its files are in _diagrams/."""
    text = (ROOT / "explanation" / "vpc.md").read_text()
    start = text.index("```{mermaid}")
    return text[start:text.index("\n```\n", start) + 5]


def test_the_site_builds_with_python_alone(tmp_path):
    """No node_modules and no Node.js on the PATH: the diagram is inlined from _diagrams/."""
    src = diagram_project(tmp_path, f"# Home\n\n{site_diagram()}")
    assert not (src / "node_modules").exists()
    env = {**os.environ, "PATH": path_without_node(tmp_path), "NO_COLOR": "1"}
    result = subprocess.run(sphinx_command("html", src, tmp_path / "out"), capture_output=True, text=True, cwd=src, env=env)
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup((tmp_path / "out" / "index.html").read_text(), "html.parser")
    assert [len(block.select(":scope > svg")) for block in page.select(".diagram[data-diagram-source='index.md:3']")] == [2]
    assert not page.select("pre.mermaid") and not (tmp_path / "out" / "_static" / "mermaid").exists()


def test_a_diagram_without_its_drawn_files_fails_the_strict_build_naming_file_and_line(tmp_path):
    edited = site_diagram().replace("flowchart TB", "flowchart TB\n  edited[A node added since it was drawn]", 1)
    src = diagram_project(tmp_path, f"# Home\n\nSome text.\n\n{edited}")
    title = re.search(r"accTitle: (.+)", edited).group(1)
    for build in ("first", "again, with nothing changed"):
        result = run_sphinx(src, tmp_path / "out")
        assert result.returncode != 0, f"the {build} build passed"
        warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
        assert len(warnings) == 1 and re.search(
            rf"index\.md:5: WARNING: the diagram {re.escape(repr(title))} has no drawn files in _diagrams/ for its "
            r"current source: run `nox -s diagrams`", warnings[0]), f"{build} build:\n{result.stderr}"
    page = BeautifulSoup((tmp_path / "out" / "index.html").read_text(), "html.parser")
    assert "edited[A node added since it was drawn]" in page.select_one("pre").get_text()  # shown as code
    assert not page.find("script", string=re.compile("mermaid")) and not page.select("pre.mermaid")


def test_the_site_ships_no_mermaid(site):
    """Every diagram is drawn ahead: the site has no copy of Mermaid's JavaScript."""
    assert not (site / "_static" / "mermaid").exists()
    assert not [p for p in site.rglob("*.mjs")], "JavaScript modules in the site"


def test_drawing_in_the_browser_without_node_modules_stops_in_one_sentence(tmp_path):
    src = diagram_project(tmp_path, "# Home\n")
    assert run_sphinx(src, tmp_path / "out").returncode == 0  # a build needs no node_modules...
    result = run_sphinx(src, tmp_path / "serve", "html", "-D", "diagrams_in_browser=1")  # ...`nox -s serve` does
    assert result.returncode != 0
    assert ("diagrams_in_browser needs Mermaid's JavaScript in node_modules/: `nox -s serve` installs it "
            "(npm ci, on the Node.js that requirements/node.txt pins).") in result.stderr, result.stderr
