"""Screenshots of built pages at laptop and phone widths, in light and dark (nox -s screenshots).

Usage: python tools/screenshots.py SITE_DIR OUT_DIR [PAGE ...]   (pages like explanation/vpc.html)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from browser import Visit, chromium  # noqa: E402
from localsite import serve  # noqa: E402

DEFAULT_PAGES = ["index.html", "explanation/vpc.html", "howto/launch-instance.html", "reference/networking.html"]


def main(site: Path, out: Path, pages: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with serve(site) as url, chromium() as browser:
        for page in pages:
            for width in ("laptop", "phone"):
                for theme in ("light", "dark"):
                    visit = Visit(browser, f"{url}/{page}", theme, width)
                    try:
                        if visit.page.query_selector("pre.mermaid"):
                            visit.wait_for_diagrams()
                        name = f"{page.replace('/', '_').removesuffix('.html')}-{width}-{theme}.png"
                        visit.page.screenshot(path=str(out / name), full_page=True)
                        print(out / name)
                    finally:
                        visit.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or DEFAULT_PAGES)
