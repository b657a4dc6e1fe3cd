"""_ext/sources.py reads each page as the build does, without importing Sphinx or myst-parser, and
each diagram's labels as Mermaid draws them."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from xml.etree import ElementTree

import pytest
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

import sources
from conftest import ROOT
from diagram_keys import diagram_files, source_diagrams
from sources.mermaid import MermaidError, diagram_labels

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


# -- A diagram's labels, as the reader finds them and as Mermaid drew them ---------------------------

WORD = re.compile(r"\w+")


def drawn_words(svg: Path) -> set[str]:
    """The words of a drawn diagram: the text of every element but its style sheet."""
    words: set[str] = set()
    for element in ElementTree.parse(svg).iter():
        if not element.tag.endswith("style"):
            words.update(WORD.findall(element.text or ""))
        words.update(WORD.findall(element.tail or ""))
    return words


@pytest.mark.parametrize("diagram", [d for d in source_diagrams() if d.drawn], ids=lambda d: d.where)
def test_diagram_labels_are_the_words_mermaid_drew(diagram):
    """_ext/sources/mermaid.py finds, in a diagram's source, the words Mermaid drew in its light SVG
    (its title and description included): the acronym rule reads a diagram as a reader sees it."""
    read = {word for label in diagram_labels(diagram.code) for word in WORD.findall(label.text)}
    drawn = drawn_words(diagram_files(ROOT, diagram.key)["light.svg"])
    assert read == drawn, (f"{diagram.where}: the labels read from the source miss {sorted(drawn - read)} "
                           f"and add {sorted(read - drawn)}")


def test_the_diagram_reader_names_what_it_cannot_read():
    code = "flowchart LR\n  accTitle: T\n  a[A] --> b\n  click a href \"https://example.com\"\n"
    with pytest.raises(MermaidError) as caught:
        diagram_labels(code)
    assert caught.value.line == 3 and "cannot read" in str(caught.value)
    with pytest.raises(MermaidError, match="'pie' diagram"):
        diagram_labels("pie\n  \"A\": 1\n")
    assert [(label.line, label.text, label.role) for label in diagram_labels(
        "flowchart TB\n  accTitle: Title\n  accDescr {\n    Two lines\n    of description\n  }\n"
        "  subgraph box[\"A box\"]\n    n1([Start<br>here]) -- yes --> n2{\"Ask #quot;why#quot;\"}\n  end\n"
        "  n2 -.->|maybe| n3\n  class n1 marked\n"
    )] == [
        (1, "Title", "title"), (2, "Two lines of description", "description"), (6, "A box", "subgraph"),
        (7, "Start here", "node"), (7, "yes", "edge"), (7, 'Ask "why"', "node"), (9, "maybe", "edge"), (9, "n3", "node"),
    ]
