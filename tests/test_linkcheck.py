"""The link check (`nox -s linkcheck`), run offline against a web server on 127.0.0.1.

A small fixture project runs the project's own ``conf.py`` (so its ``linkcheck_*`` settings
and the ``linkcheck_report`` preflight and summary are what is tested), then changes only what a
local test must: fewer extensions, the preflight address, and short timeouts. Its page links
to paths on a local server whose answers are scripted (200, 404, 301, 429 then 200, too slow),
and each test reads the verdicts from the builder's ``output.json`` and from the summary that
``summarize_links`` prints.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import runpy
import socket
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, run_sphinx

TIMEOUT = 2  # the fixture's linkcheck_timeout, in seconds
SLOW = TIMEOUT + 1.5  # how long /slow waits before it answers
CONSOLE = "https://console.aws.amazon.com/ec2/home"  # in the project's linkcheck_ignore
PUBLISHED = runpy.run_path(str(ROOT / "conf.py"))["PUBLISHED_URL"] + "explanation/vpc.html"  # the site's own address

PAGE_HTML = b"""<!DOCTYPE html>
<html lang="en"><head><title>A page</title></head>
<body><h1>A page</h1><h2 id="present">A section that exists</h2><p>Text.</p></body></html>
"""


# -- The local web server --------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers each path the way a real site might; the server counts every request."""

    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        path = self.path.split("?", 1)[0]
        nth = self.server.count(path)
        try:
            if path == "/ok":
                self._send(200, b"<!DOCTYPE html><title>OK</title><p>OK</p>", body)
            elif path == "/page":
                self._send(200, PAGE_HTML, body)
            elif path == "/moved":
                self._send(301, b"", body, Location="/ok")
            elif path == "/to-console":
                self._send(302, b"", body, Location=CONSOLE)
            elif path == "/busy" and nth == 1:
                self._send(429, b"Too Many Requests", body, **{"Retry-After": "1"})
            elif path == "/busy":
                self._send(200, b"<!DOCTYPE html><title>Busy</title><p>Not any more.</p>", body)
            elif path == "/slow":
                self.server.stopping.wait(SLOW)  # longer than the link check waits
                self._send(200, b"<!DOCTYPE html><title>Slow</title><p>At last.</p>", body)
            else:
                self._send(404, b"Not Found", body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the link checker gave up waiting, as it should

    def _send(self, code: int, payload: bytes, body: bool, **headers: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(payload)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def count(self, path: str) -> int:
        """Count one request to `path`; return how many it has had, this one included."""
        with self._lock:
            self.hits[path] += 1
            return self.hits[path]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def local_server():
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module", autouse=True)
def _environment():
    """sphinx-build from this Python's environment; requests to 127.0.0.1 go to no proxy."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", str(Path(sys.executable).parent), prepend=os.pathsep)
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
            mp.delenv(name, raising=False)
        mp.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield


# -- The fixture project -----------------------------------------------------------------------

FIXTURE_CONF = '''\
"""Fixture: the project's own conf.py, then only what an offline test must change."""
from pathlib import Path

_project_conf = Path({conf!r})
__file__, _fixture_file = str(_project_conf), __file__  # the project conf finds its _ext/
exec(compile(_project_conf.read_text(), str(_project_conf), "exec"))
__file__ = _fixture_file

extensions = ["myst_parser", "linkcheck_report"]  # the link check needs no theme or HTML extension
html_static_path = []  # the project's _static/ is relative to its own folder, not this one
html_favicon = None  # it lives in the project's _static/ too
crashcourse_preflight_url = {preflight!r}
linkcheck_timeout = {timeout!r}
linkcheck_rate_limit_timeout = 5.0
'''


def fixture_project(tmp_path: Path, page: str, preflight: str) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    conf = FIXTURE_CONF.format(conf=str(ROOT / "conf.py"), preflight=preflight, timeout=TIMEOUT)
    (src / "conf.py").write_text(conf)
    (src / "index.md").write_text(page)
    return src


def read_report(outdir: Path) -> dict[str, dict]:
    """The builder's output.json, one record per checked URI."""
    lines = (outdir / "output.json").read_text().splitlines()
    return {record["uri"]: record for record in map(json.loads, filter(None, lines))}


def summary_lines(stdout: str) -> list[str]:
    """The lines summarize_links printed, from "Link check summary" to "Counts:"."""
    lines = stdout.splitlines()
    assert "Link check summary" in lines, f"no summary printed:\n{stdout}"
    start = lines.index("Link check summary")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Counts: "))
    return [line.strip() for line in lines[start + 1 : end + 1]]


def line_of(page: str, needle: str) -> int:
    return next(n for n, line in enumerate(page.splitlines(), 1) if needle in line)


@dataclass
class Run:
    url: str
    page: str
    result: object
    report: dict[str, dict]
    hits: Counter
    seconds: float
    outdir: Path


MIXED_PAGE = """\
# Links

Every kind of answer a link check meets:

- [ok]({url}/ok)
- [missing]({url}/missing)
- [anchor missing]({url}/page#no-such-anchor)
- [anchor present]({url}/page#present)
- [moved]({url}/moved)
- [busy]({url}/busy)
- [slow]({url}/slow)
- [redirects to the console]({url}/to-console)
- [the console]({console})
- [the published site]({published})
- [mail](mailto:docs@example.org)
"""

# uri path -> (status, code) that the project's settings must give it
VERDICTS = {
    "/ok": ("working", 0),
    "/missing": ("broken", 0),
    "/page#no-such-anchor": ("broken", 0),
    "/page#present": ("working", 0),
    "/moved": ("redirected", 301),
    "/busy": ("working", 0),
    "/slow": ("timeout", 0),
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Run:
    """One strict link check of a page with every kind of link, against a local server."""
    tmp_path = tmp_path_factory.mktemp("linkcheck")
    with local_server() as server:
        page = MIXED_PAGE.format(url=server.url, console=CONSOLE, published=PUBLISHED)
        src = fixture_project(tmp_path, page, preflight=server.url + "/")
        started = time.monotonic()
        result = run_sphinx(src, tmp_path / "out", "linkcheck")
        seconds = time.monotonic() - started
        hits = Counter(server.hits)
    report = read_report(tmp_path / "out") if (tmp_path / "out" / "output.json").is_file() else {}
    return Run(server.url, page, result, report, hits, seconds, tmp_path / "out")


@pytest.mark.parametrize("path", VERDICTS)
def test_verdict_in_the_json_report(mixed, path):
    status, code = VERDICTS[path]
    uri = mixed.url + path
    assert uri in mixed.report, f"{uri} not in output.json:\n{mixed.result.stdout}\n{mixed.result.stderr}"
    record = mixed.report[uri]
    assert (record["status"], record["code"]) == (status, code), record
    assert record["filename"] == "index.md"
    assert record["lineno"] == line_of(mixed.page, f"({uri})"), record


def test_verdict_details(mixed):
    report = {uri.removeprefix(mixed.url): r for uri, r in mixed.report.items()}
    assert "404" in report["/missing"]["info"]
    assert report["/page#no-such-anchor"]["info"] == "Anchor 'no-such-anchor' not found"
    assert report["/moved"]["info"] == mixed.url + "/ok"  # where it went
    assert "timed out" in report["/slow"]["info"].lower()


def test_rate_limited_link_is_retried_after_retry_after(mixed):
    assert mixed.hits["/busy"] >= 2, mixed.hits  # 429 first, then asked again and answered
    assert mixed.report[mixed.url + "/busy"]["status"] == "working"
    assert "-rate limited-" in mixed.result.stdout


def test_broken_link_is_retried_as_configured(mixed):
    retries = runpy.run_path(str(ROOT / "conf.py"))["linkcheck_retries"]
    # Each attempt is a HEAD and then a GET; a broken link is tried linkcheck_retries times.
    assert mixed.hits["/missing"] == 2 * retries, mixed.hits


def test_project_ignores_are_not_fetched(mixed):
    report = mixed.report
    assert report[CONSOLE]["status"] == "ignored"
    assert report[PUBLISHED]["status"] == "ignored"
    # A redirect into an ignored address is not followed either.
    to_console = report[mixed.url + "/to-console"]
    assert (to_console["status"], to_console["code"]) == ("ignored", 302), to_console
    assert to_console["info"] == f"ignored redirect: {CONSOLE}"
    assert report["mailto:docs@example.org"]["status"] == "unchecked"


def test_summary_lists_each_problem_by_page_and_line(mixed):
    lines = summary_lines(mixed.result.stdout)
    assert lines[0] == "index.md"
    for path, (status, _code) in VERDICTS.items():
        uri = mixed.url + path
        entry = f"index.md:{line_of(mixed.page, f'({uri})')}: {status}: {uri}"
        listed = [line for line in lines if line == entry or line.startswith(entry + " -> ")]
        if status in {"broken", "redirected", "timeout"}:
            assert listed, f"{entry!r} missing from the summary:\n" + "\n".join(lines)
        else:
            assert not listed, f"a {status} link is listed as a problem: {listed}"
    assert f"redirected: {mixed.url}/moved -> {mixed.url}/ok" in "\n".join(lines)
    assert lines[-1] == "Counts: broken 2, ignored 3, redirected 1, timeout 1, unchecked 1, working 3"


def test_a_broken_link_fails_the_check(mixed):
    assert mixed.result.returncode != 0, mixed.result.stdout
    # Sphinx's own lines name each problem too, for anyone reading the log from the top.
    assert f"broken    {mixed.url}/missing" in mixed.result.stdout
    assert f"timeout   {mixed.url}/slow" in mixed.result.stdout
    # An unexpected redirect is a warning, so the strict build fails on it as well.
    assert re.search(r"index\.md:\d+: WARNING: redirect  " + re.escape(mixed.url + "/moved"), mixed.result.stderr)
    assert (mixed.outdir / "output.txt").is_file()


def test_the_check_is_quick(mixed):
    # Workers run in parallel: the slow link and the rate-limit wait overlap.
    assert mixed.seconds < 20, mixed.seconds


@pytest.mark.parametrize("path", ["/missing", "/moved", "/slow"])
def test_each_problem_alone_fails_the_check(tmp_path, path):
    """Broken and timed-out links fail the builder; a redirect fails as a warning under -W."""
    with local_server() as server:
        page = f"# Links\n\n- [ok]({server.url}/ok)\n- [problem]({server.url}{path})\n"
        src = fixture_project(tmp_path, page, preflight=server.url + "/")
        result = run_sphinx(src, tmp_path / "out", "linkcheck")
    assert result.returncode != 0, result.stdout + result.stderr
    status = VERDICTS[path][0]
    assert f"index.md:4: {status}: {server.url}{path}" in result.stdout


def test_only_working_links_pass(tmp_path):
    with local_server() as server:
        page = f"# Links\n\n- [ok]({server.url}/ok)\n- [anchor]({server.url}/page#present)\n- [console]({CONSOLE})\n"
        src = fixture_project(tmp_path, page, preflight=server.url + "/")
        result = run_sphinx(src, tmp_path / "out", "linkcheck")
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = sorted(r["status"] for r in read_report(tmp_path / "out").values())
    assert statuses == ["ignored", "working", "working"]
    assert summary_lines(result.stdout) == ["Counts: ignored 1, working 2"]


def test_allowed_redirects_and_anchor_exceptions_match_what_they_say():
    """The project's AWS, GitHub and Read the Docs patterns, checked without the network."""
    conf = runpy.run_path(str(ROOT / "conf.py"))

    def allowed(source: str, target: str) -> bool:  # as Sphinx matches them
        return any(
            re.match(frm, source) and re.match(to, target)
            for frm, to in conf["linkcheck_allowed_redirects"].items()
        )

    assert allowed(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html",
    )
    assert allowed("https://aws.amazon.com/s3/pricing", "https://aws.amazon.com/s3/pricing/")
    assert allowed("https://myst-parser.readthedocs.io/", "https://myst-parser.readthedocs.io/en/latest/")
    # Redirects that mean the page moved away or needs a sign-in are still reported.
    assert not allowed("https://docs.aws.amazon.com/ec2/", "https://signin.aws.amazon.com/")
    assert not allowed("https://github.com/aws/aws-cli", "https://github.com/aws/aws-cli/tree/v2")
    assert not allowed("http://127.0.0.1:8000/moved", "http://127.0.0.1:8000/ok")

    def anchors_ignored(url: str) -> bool:
        return any(re.match(p, url) for p in conf["linkcheck_anchors_ignore_for_url"])

    assert anchors_ignored("https://docs.aws.amazon.com/vpc/latest/userguide/how-it-works.html")
    assert anchors_ignored("https://github.com/aws/aws-parallelcluster")
    assert not anchors_ignored("https://aws.amazon.com/s3/pricing/")

    def ignored(url: str) -> bool:
        return any(re.match(p, url) for p in conf["linkcheck_ignore"])

    assert ignored(conf["PUBLISHED_URL"] + "explanation/vpc.html")
    assert ignored("https://console.aws.amazon.com/ec2/home")
    assert ignored("https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1")
    assert not ignored("https://docs.aws.amazon.com/console/")
    published = urlsplit(conf["PUBLISHED_URL"])
    assert not ignored(published._replace(netloc=published.netloc + ".example.org").geturl())  # a look-alike host


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket closes


def test_preflight_stops_without_network(tmp_path):
    with local_server() as server:
        page = f"# Links\n\n- [ok]({server.url}/ok)\n"
        port = _closed_port()
        src = fixture_project(tmp_path, page, preflight=f"https://127.0.0.1:{port}/")
        result = run_sphinx(src, tmp_path / "out", "linkcheck")
        hits = sum(server.hits.values())
    assert result.returncode != 0
    # The whole of stderr is the one sentence: not a Sphinx crash report around it, which is
    # what Sphinx prints for any exception (an ExtensionError included) raised by an extension.
    assert "Traceback" not in result.stderr and "open an issue" not in result.stderr, (
        "the preflight should stop with one sentence (raise SystemExit), not a crash report:\n"
        + result.stderr
    )
    messages = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(messages) == 1, result.stderr
    message = messages[0]
    assert message.startswith(f"No network: cannot reach 127.0.0.1:{port} ")
    assert message.endswith("run `nox -s linkcheck` on a machine with internet access.")
    assert message.count(". ") == 0, "more than one sentence"
    # Stopped before checking anything: no request, no report, no summary.
    assert hits == 0
    assert not (tmp_path / "out" / "output.json").exists()
    assert "Link check summary" not in result.stdout
