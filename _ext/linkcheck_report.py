"""Link check (`nox -s linkcheck`): a network preflight, only the named pages, and a summary by page."""

from __future__ import annotations

import json
import socket
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def preflight(app) -> None:
    """Stop a link check early, in one sentence, when there is no network."""
    if app.builder.name != "linkcheck":
        return
    url = urllib.parse.urlsplit(app.config.crashcourse_preflight_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=5).close()
    except OSError as error:
        # SystemExit, not a Sphinx error: Sphinx answers those with a crash report and a
        # request to file a bug, where one sentence is all the reader needs.
        raise SystemExit(
            f"No network: cannot reach {url.hostname}:{port} ({error}), so external links "
            "cannot be checked here; run `nox -s linkcheck` on a machine with internet access."
        ) from None


def only_named_pages(app, doctree, docname) -> None:
    """`nox -s linkcheck -- PAGE...` names pages in `crashcourse_linkcheck_only`: Sphinx also
    writes the pages whose toctree lists them (index.md), whose links are left out here."""
    only = app.config.crashcourse_linkcheck_only
    if app.builder.name == "linkcheck" and only and docname not in only:
        for uri in [uri for uri, link in app.builder.hyperlinks.items() if link.docname == docname]:
            del app.builder.hyperlinks[uri]


def summarize_links(app, exception) -> None:
    """Print broken, redirected and timed-out links grouped by page, with counts."""
    if exception or app.builder.name != "linkcheck":
        return
    report = Path(app.outdir, "output.json")
    if not report.is_file():
        return
    results = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    counts = Counter(r["status"] for r in results)
    by_page = defaultdict(list)
    for r in results:
        if r["status"] in {"broken", "redirected", "timeout"}:
            by_page[r["filename"]].append(r)
    lines = ["", "Link check summary"]
    for filename in sorted(by_page):
        lines.append(f"  {filename}")
        for r in sorted(by_page[filename], key=lambda r: r["lineno"]):
            detail = f" -> {r['info']}" if r["info"] else ""
            lines.append(f"    {filename}:{r['lineno']}: {r['status']}: {r['uri']}{detail}")
    lines.append("Counts: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    logger.info("\n".join(lines))


def setup(app):
    app.add_config_value("crashcourse_preflight_url", "https://docs.aws.amazon.com/", "env")
    app.add_config_value("crashcourse_linkcheck_only", [], "", list)
    app.connect("builder-inited", preflight)
    app.connect("doctree-resolved", only_named_pages)
    app.connect("build-finished", summarize_links)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
