"""The site built and served locally: the strict build and a web server on 127.0.0.1.

Shared by the tools (benchmark, screenshots, drawing diagrams) and the tests.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conf import notfound_urls_prefix as SITE_PREFIX  # noqa: E402  (the published path, /en/latest/)
from noxfile import sphinx_command  # noqa: E402  (the one strict command line)


def run_sphinx(srcdir: Path, outdir: Path, builder: str = "html", *extra: str) -> subprocess.CompletedProcess:
    """Run the project's strict sphinx-build; return the finished process (never raises)."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run(
        sphinx_command(builder, srcdir, outdir, *extra),
        capture_output=True, text=True, cwd=srcdir, env={**os.environ, "PATH": path, "NO_COLOR": "1"},
    )


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under its published path (/en/latest/), as Read the Docs does."""

    prefix = "/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()  # the site's own 404 page, like the published site
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path, prefix: str = SITE_PREFIX, base: type = _SiteHandler):
    """Serve a built site over HTTP on 127.0.0.1 under `prefix`; yield its base URL (no trailing slash)."""
    handler = functools.partial(type("Handler", (base,), {"prefix": prefix}), directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}"
    finally:
        server.shutdown()
        server.server_close()
