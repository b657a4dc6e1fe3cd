"""Speed and weight of the site (nox -s bench). A benchmark, not a test: it prints a table.

Build: clean build, no-op rebuild and a rebuild after one page changes (median of --runs).
Weight: requests and bytes a browser loads for three pages (as sent, and gzipped as Read the Docs
serves them), and how many of those bytes are Mermaid's JavaScript.
Rendering: time from navigation until every diagram on the heaviest diagram page is an SVG.
Lighthouse: scores for the same pages with its mobile and desktop presets, served uncompressed and
gzip-compressed (as Read the Docs serves them), when tools/lighthouse has been installed (npm ci).

`--site DIR` measures a site built elsewhere (an earlier commit, say) and skips the build timings.
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
from localsite import ROOT, _SiteHandler, run_sphinx, serve  # noqa: E402

PAGES = {
    "landing page": "index.html",
    "long text page": "explanation/identity-and-permissions.html",
    "heaviest diagram page": "explanation/vpc.html",
}
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"


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


COMPRESSED = {".html", ".css", ".js", ".mjs", ".svg", ".json", ".xml", ".txt"}


class _GzipHandler(_SiteHandler):
    """Sends text gzip-compressed when the browser accepts it, as Read the Docs does."""

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        path = path / "index.html" if path.is_dir() else path
        if path.suffix not in COMPRESSED or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def weight(browser, url: str) -> tuple[int, int, int, int]:
    """Requests, bytes, bytes gzipped and bytes of Mermaid's JavaScript, for a first visit."""
    visit = Visit(browser, url)  # a fresh context: an empty cache, as for a first visit
    wait_for_diagrams(visit.page)
    visit.page.wait_for_load_state("networkidle")
    bodies = {r.url: r.body() for r in visit.responses if r.ok}
    count = len(visit.responses)
    visit.close()
    # The local server sends files as they are; Read the Docs compresses text, so show both.
    compressed = sum(len(gzip.compress(b, compresslevel=6)) for b in bodies.values())
    mermaid = sum(len(b) for u, b in bodies.items() if "/_static/mermaid/" in u)
    return count, sum(map(len, bodies.values())), compressed, mermaid


def wait_for_diagrams(page) -> None:
    """Until every diagram is an SVG: drawn ahead, in the page as it arrives; or drawn by Mermaid."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.diagram, pre.mermaid')].every(el => el.querySelector(':scope > svg'))",
        timeout=15000,
    )


def render_time(browser, url: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        visit = Visit(browser, url)
        wait_for_diagrams(visit.page)
        times.append(visit.page.evaluate("performance.now()") / 1000)
        visit.close()
    return statistics.median(times)


def lighthouse(url: str, preset: str, runs: int) -> dict[str, int] | str:
    """Scores for one page with Lighthouse's "mobile" (its default) or "desktop" preset; median performance."""
    if not LIGHTHOUSE.exists():
        return "not run: `npm ci --prefix tools/lighthouse` installs it"
    results = []
    for _ in range(runs):
        result = subprocess.run(
            [str(LIGHTHOUSE), url, "--output=json", "--quiet", *(["--preset=desktop"] if preset == "desktop" else []),
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking"],
            capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chromium_path() or ""},
        )
        if result.returncode:
            return "failed: " + (result.stderr.strip().splitlines() or ["no output"])[-1][:120]
        categories = json.loads(result.stdout)["categories"]
        results.append({name: round(c["score"] * 100) for name, c in categories.items()})
    return min(results, key=lambda r: abs(r["performance"] - statistics.median(x["performance"] for x in results)))


def scores(result: dict[str, int] | str) -> str:
    if isinstance(result, str):
        return result
    return " / ".join(str(result[k]) for k in ("performance", "accessibility", "best-practices", "seo"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lighthouse-runs", type=int, default=1, help="Lighthouse runs per page and preset (the median is shown)")
    parser.add_argument("--site", type=Path, help="measure this built site; skip the build timings")
    args = parser.parse_args()

    print(f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {platform.platform()}")
    if args.site:
        site = args.site
    else:
        times, site, pages = build_times(args.runs)
        print(f"Built {pages} HTML pages; medians of {args.runs} runs\n")
        print("| Build | Seconds | Seconds per page |")
        print("| --- | ---: | ---: |")
        print(f"| Clean build | {times['clean']:.2f} | {times['clean'] / pages:.3f} |")
        print(f"| No-op rebuild | {times['noop']:.2f} | |")
        print(f"| Rebuild after one page changes | {times['edit']:.2f} | |\n")

    with serve(site) as url, serve(site, base=_GzipHandler) as gzip_url, chromium() as browser:
        print("| Page | Requests | KiB | KiB gzipped | KiB of Mermaid's JavaScript |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, page in PAGES.items():
            requests, size, compressed, mermaid = weight(browser, f"{url}/{page}")
            print(f"| {label} (`{page}`) | {requests} | {size / 1024:,.0f} | {compressed / 1024:,.0f} | {mermaid / 1024:,.0f} |")
        seconds = render_time(browser, f"{url}/{PAGES['heaviest diagram page']}", args.runs)
        print(f"\nEvery diagram on {PAGES['heaviest diagram page']} is an SVG {seconds:.2f} s after navigation starts.\n")
        print("| Page | Served | Lighthouse mobile (perf / a11y / best practices / SEO) | Lighthouse desktop |")
        print("| --- | --- | --- | --- |")
        for label, page in PAGES.items():
            for served, base in (("uncompressed", url), ("gzip", gzip_url)):
                mobile, desktop = (lighthouse(f"{base}/{page}", preset, args.lighthouse_runs) for preset in ("mobile", "desktop"))
                print(f"| {label} | {served} | {scores(mobile)} | {scores(desktop)} |", flush=True)
    if not args.site:
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
