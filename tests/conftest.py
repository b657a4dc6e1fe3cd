"""Shared fixtures: the site built once per test session, fixture projects, a local web server."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The tests read the sources with _ext/sources.py and drive the site with tools/ (browser, server).
sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tools"), str(ROOT)]

from localsite import SITE_PREFIX, _SiteHandler, run_sphinx, serve  # noqa: E402,F401


def pytest_configure(config):
    """The checks hold every parsed page, botocore's models and what they found for the whole run:
    hundreds of thousands of objects, which Python's default thresholds make the garbage collector
    rescan some 900 times, a third of `nox -s check`'s time. Collect young objects less often."""
    gc.set_threshold(50_000, 20, 20)


def pytest_collection_finish(session):
    gc.freeze()  # what the imports and the test modules built lives to the end: never rescan it


def pytest_collection_modifyitems(config, items):
    """A test marked `sources` runs in `nox -s check`, which builds nothing: it may not ask for the site."""
    for item in items:
        built = {"site", "site_url", "browser"} & set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("sources") and built:
            raise pytest.UsageError(f"{item.nodeid} is marked `sources` but uses {', '.join(sorted(built))}")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built site: the one nox built for this session, or a strict build made here once."""
    if built := os.environ.get("CRASHCOURSE_SITE"):
        return Path(built).resolve()  # relative links are checked against absolute paths
    outdir = tmp_path_factory.mktemp("site")
    result = run_sphinx(ROOT, outdir)
    assert result.returncode == 0, f"the site does not build strictly:\n{result.stderr}"
    return outdir


@pytest.fixture(scope="session")
def site_url(site):
    """The built site served over HTTP on 127.0.0.1 for the session."""
    with serve(site) as url:
        yield url
