"""Headless Chromium through Playwright: the system's Debian `chromium`, never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


@contextmanager
def chromium():
    path = chromium_path()
    if path is None:
        raise RuntimeError(
            "Chromium was not found: install it (Debian and Ubuntu: `apt-get install chromium`) "
            "or set CHROMIUM to its path."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """One page load in a theme, recording console errors and every request that leaves 127.0.0.1."""

    def __init__(self, browser, url: str, theme: str = "light", width: str = "laptop"):
        w, h = WIDTHS[width]
        self.context = browser.new_context(
            viewport={"width": w, "height": h}, color_scheme="dark" if theme == "dark" else "light"
        )
        # furo keeps the reader's choice in localStorage; set it before any script runs.
        self.context.add_init_script(f"localStorage.setItem('theme', '{theme}');")
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.responses = []  # every response, for measuring what a page loads
        self.page.on("response", lambda r: self.responses.append(r))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="load")

    def _route(self, route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:  # nothing leaves this machine: record it and refuse it
            self.foreign.append(route.request.url)
            route.abort()

    def wait_for_diagrams(self, timeout_ms: int = 15000) -> None:
        """Wait until Mermaid has finished every block: a diagram or its error picture is in place."""
        self.page.wait_for_function(
            """() => [...document.querySelectorAll('pre.mermaid')].every(
                   el => el.querySelector(':scope > svg[aria-roledescription], svg[aria-roledescription="error"]'))""",
            timeout=timeout_ms,
        )

    def close(self) -> None:
        self.context.close()
