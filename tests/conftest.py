"""Shared fixtures: the site built once per test session, fixture projects, a local web server."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from noxfile import sphinx_command  # noqa: E402  (the one strict command line)

PAGES = sorted(
    p for quadrant in ("explanation", "howto", "reference", "docs") for p in (ROOT / quadrant).glob("*.md")
) + [ROOT / "index.md"]


def run_sphinx(srcdir: Path, outdir: Path, builder: str = "html", *extra: str) -> subprocess.CompletedProcess:
    """Run the project's strict sphinx-build; return the finished process (never raises)."""
    return subprocess.run(
        sphinx_command(builder, srcdir, outdir, *extra), capture_output=True, text=True, cwd=srcdir
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built site: the one nox built for this session, or a strict build made here once."""
    if built := os.environ.get("CRASHCOURSE_SITE"):
        return Path(built)
    outdir = tmp_path_factory.mktemp("site")
    result = run_sphinx(ROOT, outdir)
    assert result.returncode == 0, f"the site does not build strictly:\n{result.stderr}"
    return outdir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(site):
    """The built site served over HTTP on 127.0.0.1 for the session."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
