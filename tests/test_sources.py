"""_ext/sources.py reads each page as the build does, without importing Sphinx or myst-parser."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields

import pytest
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

import sources
from conftest import ROOT

pytestmark = pytest.mark.sources


def myst_parser_of_conf():
    """myst-parser's own parser, configured from conf.py's `myst_*` settings as Sphinx configures it."""
    settings = {}
    for name in (f.name for f in fields(MdParserConfig)):
        try:
            value = sources.conf_value(f"myst_{name}")
        except ValueError:  # computed, not literal: myst_substitutions, which the tokens do not depend on
            continue
        if value is not None:
            settings[name] = value
    settings["enable_extensions"] = set(settings.get("enable_extensions", ()))
    return create_md_parser(MdParserConfig(**settings), RendererHTML)


def shape(tokens) -> list[tuple]:
    out = []
    for t in tokens:
        children = shape(t.children) if t.children else []
        out.append((t.type, t.tag, t.map, t.info, t.content, t.markup, tuple(sorted(t.attrs.items())), children))
    return out


@pytest.mark.parametrize("page", sources.pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_tokens_are_myst_parsers_own(page):
    text = page.read_text()
    ours, theirs = shape(sources.parser().parse(text)), shape(myst_parser_of_conf().parse(text))
    first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
    assert ours == theirs, f"{sources.where(page, (ours + theirs)[first][2][0] + 1 if (ours + theirs)[first][2] else 1)}: " \
        f"_ext/sources.py reads this page differently from myst-parser (token {first})"


def test_a_myst_extension_the_reader_does_not_know_stops_it(tmp_path):
    (tmp_path / "conf.py").write_text('myst_enable_extensions = ["colon_fence", "dollarmath"]\n')
    assert sources.conf_value("myst_enable_extensions", root=tmp_path) == ["colon_fence", "dollarmath"]
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import sources; from pathlib import Path; "
            "sources.conf_value.__defaults__ = (None, Path(sys.argv[2])); sources.parser()")
    result = subprocess.run([sys.executable, "-c", code, str(ROOT / "_ext"), str(tmp_path)], capture_output=True, text=True)
    assert result.returncode != 0 and "cannot read yet: ['dollarmath']" in result.stderr, result.stderr


def test_the_reader_imports_without_sphinx_or_myst_parser():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import sources, snippets; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'myst_parser', 'docutils')); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code, str(ROOT / "_ext")], capture_output=True, text=True)
    assert result.returncode == 0, f"importing _ext/sources.py imports {result.stdout.strip()}{result.stderr}"
