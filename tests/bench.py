"""Speed and weight of the site (nox -s bench). A benchmark, not a test: it prints a table.

Build: clean build, no-op rebuild and a rebuild after one page changes (median of --runs).
Weight: requests and bytes a browser loads for three pages (as sent, and gzipped as Read the Docs
serves them), and whether text pages load Mermaid.
Rendering: time from navigation until every diagram on the heaviest diagram page is an SVG.
Lighthouse: scores for the same pages, when tests/lighthouse has been installed (npm ci).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from browser import Visit, chromium, chromium_path  # noqa: E402
from conftest import ROOT, run_sphinx, serve  # noqa: E402

PAGES = {
    "landing page": "index.html",
    "long text page": "explanation/identity-and-permissions.html",
    "heaviest diagram page": "explanation/vpc.html",
}
LIGHTHOUSE = ROOT / "tests" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def build_times(runs: int) -> tuple[dict[str, float], Path, int]:
    out = Path(tempfile.mkdtemp(prefix="bench-site-"))
    page = ROOT / "explanation" / "storage.md"

    def build():
        result = run_sphinx(ROOT, out)
        if result.returncode:
            raise SystemExit(result.stderr)

    clean, noop, edit = [], [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        clean.append(timed(build))
        noop.append(timed(build))
        os.utime(page)  # Sphinx decides by modification time: this is "one page edited"
        edit.append(timed(build))
    pages = len([p for p in out.rglob("*.html") if "_static" not in p.parts])
    return {"clean": statistics.median(clean), "noop": statistics.median(noop), "edit": statistics.median(edit)}, out, pages


def weight(browser, url: str) -> tuple[int, int, int, bool]:
    visit = Visit(browser, url)  # a fresh context: an empty cache, as for a first visit
    if visit.page.query_selector("pre.mermaid"):
        visit.wait_for_diagrams()
    visit.page.wait_for_load_state("networkidle")
    urls = [r.url for r in visit.responses]
    bodies = [r.body() for r in visit.responses if r.ok]
    visit.close()
    # The local server sends files as they are; Read the Docs compresses text, so show both.
    compressed = sum(len(gzip.compress(b, compresslevel=6)) for b in bodies)
    return len(urls), sum(map(len, bodies)), compressed, any("mermaid" in u for u in urls)


def render_time(browser, url: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        visit = Visit(browser, url)
        visit.wait_for_diagrams()
        times.append(visit.page.evaluate("performance.now()") / 1000)
        visit.close()
    return statistics.median(times)


def lighthouse(url: str) -> dict[str, int] | str:
    if not LIGHTHOUSE.exists():
        return "not run: `npm ci --prefix tests/lighthouse` installs it"
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--quiet", "--preset=desktop",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking"],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chromium_path() or ""},
    )
    if result.returncode:
        return "failed: " + (result.stderr.strip().splitlines() or ["no output"])[-1][:120]
    categories = json.loads(result.stdout)["categories"]
    return {name: round(c["score"] * 100) for name, c in categories.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    times, site, pages = build_times(args.runs)
    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {platform.platform()}")
    print(f"Built {pages} HTML pages; medians of {args.runs} runs\n")
    print("| Build | Seconds | Seconds per page |")
    print("| --- | ---: | ---: |")
    print(f"| Clean build | {times['clean']:.2f} | {times['clean'] / pages:.3f} |")
    print(f"| No-op rebuild | {times['noop']:.2f} | |")
    print(f"| Rebuild after one page changes | {times['edit']:.2f} | |\n")

    with serve(site) as url, chromium() as browser:
        print("| Page | Requests | KiB | KiB gzipped | Loads Mermaid | Lighthouse (perf / a11y / best practices / SEO) |")
        print("| --- | ---: | ---: | ---: | --- | --- |")
        for label, page in PAGES.items():
            requests, size, compressed, mermaid = weight(browser, f"{url}/{page}")
            scores = lighthouse(f"{url}/{page}")
            if isinstance(scores, dict):
                scores = " / ".join(str(scores[k]) for k in ("performance", "accessibility", "best-practices", "seo"))
            print(f"| {label} (`{page}`) | {requests} | {size / 1024:.0f} | {compressed / 1024:.0f} | {'yes' if mermaid else 'no'} | {scores} |")
        seconds = render_time(browser, f"{url}/{PAGES['heaviest diagram page']}", args.runs)
        print(f"\nEvery diagram on {PAGES['heaviest diagram page']} is an SVG {seconds:.2f} s after navigation starts.")
    shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
