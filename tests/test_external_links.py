"""External links in the page sources: HTTPS, and never a placeholder host.

Offline, over the Markdown sources rather than the network (`nox -s linkcheck` asks the
network). Code is skipped: fenced blocks (except directives whose body is prose, such as
``{note}``; see ``_ext/sources.py``), inline code and comments. So a command that talks to
``http://127.0.0.1:8000`` or an example that uses ``example.com`` is fine; a link a reader
can click is not.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sources import ROOT, pages, prose

pytestmark = pytest.mark.sources

PAGES = pages()

# Hosts that serve no HTTPS, so an http:// link to them is the only link there is.
# Each entry: "host": "the reason, and when it was checked". Keep it short.
HTTP_ONLY: dict[str, str] = {}

# Reserved for documentation and tests (RFC 2606, RFC 6761): never a real page.
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")
PLACEHOLDER_TLDS = ("example", "invalid", "localhost", "test")

INLINE_CODE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
HTML_COMMENT = re.compile(r"<!--.*?-->")
URL = re.compile(r"https?://[^\s<>\"'`\[\]{}|\\^]+", re.IGNORECASE)


def _trim(url: str) -> str:
    """Drop the sentence punctuation and unbalanced brackets a URL in prose picks up."""
    while url:
        if url[-1] in ".,;:!?*_":
            url = url[:-1]
        elif url[-1] == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        else:
            break
    return url


def external_links(paths: Iterable[Path]) -> Iterator[tuple[Path, int, str]]:
    """(path, line number, URL) for every http(s) URL outside code in the given pages.

    Fenced code and front matter are skipped by ``pages.prose`` (the one reader of the
    sources the tests share); inline code, HTML comments and MyST ``%`` comments here.
    """
    for path in paths:
        in_comment = False
        for line in prose(path):
            text = HTML_COMMENT.sub(" ", line.text)
            if in_comment:
                if "-->" not in text:
                    continue
                text, in_comment = text.split("-->", 1)[1], False
            if "<!--" in text:
                text, in_comment = text.split("<!--", 1)[0], True
            if text.lstrip().startswith("%"):
                continue
            for url in URL.findall(INLINE_CODE.sub(" ", text)):
                yield path, line.number, _trim(url)


def placeholder_reason(url: str) -> str | None:
    """Why `url` points at no real public page, or None when it may."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return "no host"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None if address.is_global else "an address that is not on the public internet"
    if host == "localhost" or host.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS:
        return "a reserved name that never resolves on the internet"
    if any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS):
        return "a domain reserved for examples"
    return None


def _where(path: Path, lineno: int) -> str:
    return f"{path.relative_to(ROOT)}:{lineno}"


def _page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


# -- The pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_links_are_https(page):
    plain = [
        f"{_where(path, lineno)}: {url} (use https://, or add the host to HTTP_ONLY with a reason)"
        for path, lineno, url in external_links([page])
        if url.lower().startswith("http://") and (urlsplit(url).hostname or "") not in HTTP_ONLY
        and placeholder_reason(url) is None  # those are reported by the next test
    ]
    assert not plain, "http:// links:\n" + "\n".join(plain)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_links_point_at_real_hosts(page):
    fake = [
        f"{_where(path, lineno)}: {url} ({reason}; put example addresses in code, not in links)"
        for path, lineno, url in external_links([page])
        if (reason := placeholder_reason(url))
    ]
    assert not fake, "links to placeholder hosts:\n" + "\n".join(fake)


def test_http_only_hosts_have_reasons_and_are_still_linked():
    linked = {urlsplit(url).hostname for _, _, url in external_links(PAGES) if url.lower().startswith("http://")}
    for host, reason in HTTP_ONLY.items():
        assert len(reason.split()) >= 3, f"HTTP_ONLY[{host!r}] needs a reason"
        assert host in linked, f"no page links http://{host} any more: remove it from HTTP_ONLY"


def test_report_external_links():
    """Prints how many distinct external URLs the pages hold (pytest -s shows it)."""
    links = list(external_links(PAGES))
    urls = {url for _, _, url in links}
    hosts = Counter(urlsplit(url).hostname for url in urls)
    pages = {path for path, _, _ in links}
    print(f"\n{len(urls)} distinct external URLs ({len(links)} links) on {len(pages)} of "
          f"{len(PAGES)} pages, to {len(hosts)} hosts; most linked:")
    for host, count in hosts.most_common(5):
        print(f"  {count:4d}  {host}")


# -- The helper itself ------------------------------------------------------------------------

SAMPLE = """\
# A page

See [the VPC guide](https://docs.aws.amazon.com/vpc/latest/userguide/how-it-works.html "VPCs").
An autolink <https://aws.amazon.com/s3/pricing/> and a bare one: https://diataxis.fr/.
(Wikipedia: https://en.wikipedia.org/wiki/Cloud_(computing)), and `http://127.0.0.1:8000` is code.

```bash
curl http://localhost:8000/ https://example.com/
```

````markdown
```{note}
https://example.org/inside-an-example
```
````

```{note}
A note links [the pricing page](https://aws.amazon.com/ec2/pricing/).
```

```{mermaid}
flowchart LR
  a[http://example.net] --> b
```

:::{tip}
A [tip link](https://registry.opendata.aws/).
:::

<!-- https://example.com/hidden -->
% https://example.com/comment
Last: [home](http://example.com/page).
"""


def test_helper_finds_links_outside_code_with_file_and_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(SAMPLE)
    assert list(external_links([page])) == [
        (page, 3, "https://docs.aws.amazon.com/vpc/latest/userguide/how-it-works.html"),
        (page, 4, "https://aws.amazon.com/s3/pricing/"),
        (page, 4, "https://diataxis.fr/"),
        (page, 5, "https://en.wikipedia.org/wiki/Cloud_(computing)"),
        (page, 18, "https://aws.amazon.com/ec2/pricing/"),
        (page, 27, "https://registry.opendata.aws/"),
        (page, 32, "http://example.com/page"),
    ]


@pytest.mark.parametrize(
    ("url", "fake"),
    [
        ("https://docs.aws.amazon.com/", False),
        ("https://192.0.2.10/", True),  # documentation range
        ("https://10.0.0.5/", True),
        ("http://127.0.0.1:8000/", True),
        ("http://localhost/", True),
        ("https://www.example.com/", True),
        ("https://example.org", True),
        ("https://bucket.s3.test/", True),
        ("https://site.invalid/", True),
        ("https://examples.com/", False),
        ("https://example.community/", False),
    ],
)
def test_placeholder_hosts(url, fake):
    assert (placeholder_reason(url) is not None) == fake
