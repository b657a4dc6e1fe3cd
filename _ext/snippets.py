"""The snippet files: the commands the how-to guides and the tutorial show, in named sections.

A snippet file (``howto/snippets/GUIDE.sh``, ``tutorials/snippets/LESSON.sh``) is cut into
sections that a page includes with ``literalinclude`` (``:start-after: [start NAME]``) and that the
emulator tests run::

    # [start NAME]                  a block the reader pastes into their terminal
    # [start NAME] replace: <VALUE>  <VALUE> is the reader's own (an address, a Region they chose),
                                    on a line of its own, NAME=<VALUE>, which the shell refuses as
                                    it stands (tests/test_reader_rules.py)
    # [start NAME] fixed: VALUE     VALUE is set on purpose (the Region of a public dataset)
    # [start NAME] not-emulated: REASON   shown, not run here (runs on the instance, needs AWS...)
    ...
    # [end NAME]

Plain Python, no Sphinx: the docs, tests and emulator environments all read snippets here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

START = re.compile(
    r"^# \[start (?P<name>[\w-]+)\]"
    r"(?:\s+not-emulated:\s*(?P<reason>.+)|\s+replace:\s*(?P<replace>.+)|\s+fixed:\s*(?P<fixed>.+))?$"
)
END = re.compile(r"^# \[end (?P<name>[\w-]+)\]$")


class SnippetError(AssertionError):
    """A malformed snippet file, named with its line (an AssertionError, so pytest shows it plainly)."""


@dataclass
class Section:
    name: str
    code: str
    line: int  # the `# [start NAME]` line, from 1
    reason: str | None = None  # why it is not emulated, if it is not
    replace: tuple[str, ...] = ()  # values the reader replaces with their own
    fixed: tuple[str, ...] = ()  # values the page sets on purpose

    def filled(self, values: dict[str, str] | None = None) -> str:
        """The code with each value to replace filled in, from `values` or with a stand-in word: as
        a reader pastes it, and as the checks that parse it need it (the placeholder is, on
        purpose, a line the shell refuses)."""
        code = self.code
        for placeholder in self.replace:
            code = code.replace(placeholder, (values or {}).get(placeholder, "reader-value"))
        return code

    @property
    def cleanup(self) -> bool:
        return self.name == "cleanup" or self.name.startswith("cleanup-")

    @property
    def again(self) -> bool:
        """A step the reader takes later, in a new terminal (their address changed, say)."""
        return self.name == "again" or self.name.startswith("again-")


def parse_sections(path: Path) -> list[Section]:
    """Split a snippet file into its named sections; a malformed file fails with FILE:LINE."""
    sections, current, body = [], None, []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if m := START.match(line):
            if current is not None:
                raise SnippetError(f"{path}:{number}: section {m['name']!r} starts inside {current.name!r}")
            replace, fixed = (tuple(v.strip() for v in (m[k] or "").split(",") if v.strip()) for k in ("replace", "fixed"))
            current, body = Section(m["name"], "", number, m["reason"], replace, fixed), []
        elif m := END.match(line):
            if not current or m["name"] != current.name:
                raise SnippetError(f"{path}:{number}: unexpected end of {m['name']!r}")
            current.code = "\n".join(body) + "\n"
            sections.append(current)
            current = None
        elif current is not None:
            body.append(line)
    if current is not None:
        raise SnippetError(f"{path}:{current.line}: section {current.name!r} is never ended")
    names = [s.name for s in sections]
    if len(names) != len(set(names)):
        raise SnippetError(f"{path}: duplicate section names in {names}")
    return sections
