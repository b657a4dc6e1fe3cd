"""The rules as data: rules/*.toml (docs/checks.md names each file), and the code that applies two of
them outside the docs environment: the how-to title rule and the emulator outputs' cleaning.

Standard library only: tools/new_page.py, which nox runs with its own Python, and the emulator
tests' Normalizer (tests/aws/conftest.py), whose environment has no mdit-py-plugins, load this file by
itself, without the rest of _ext/sources/.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = "rules"


@functools.lru_cache(maxsize=64)
def _load(path: Path, mtime_ns: int, size: int) -> dict:
    return tomllib.loads(path.read_text())


def load_rules(name: str, root: Path = ROOT) -> dict:
    """rules/NAME.toml, read once per version of the file (`load_rules("title-verbs")`)."""
    path = Path(root, RULES, f"{name}.toml")
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


def title_problem(title: str, root: Path = ROOT) -> str | None:
    """Why a how-to guide's title is refused, or None: it reads "How to ..." or starts with a verb
    listed in rules/title-verbs.toml ("Rotate an IAM user's access keys")."""
    verbs = load_rules("title-verbs", root)["verbs"]
    first = re.match(r"[A-Za-z]+", title.strip())
    if title.startswith("How to ") or (first and first.group(0) in verbs):
        return None
    word = first.group(0) if first else title.strip()[:1]
    return (f"the title should read 'How to …' or start with an imperative; {word!r} is not in "
            f"{RULES}/title-verbs.toml (add it there if it is one)")


class OutputCleaner:
    """Swaps what the emulator prints that a page must not show (keys, account values, made-up IDs,
    times, addresses) for documentation example values: rules/output-cleaning.toml says what, in
    which order, and rules/example-values.toml with what. Call it on each output of one guide:
    the same real value always becomes the same example value, so a page can show that the
    subnet made in one step is the one used in the next. tests/aws/conftest.py's Normalizer is one.
    """

    def __init__(self, root: Path = ROOT):
        self.examples = load_rules("example-values", root)
        self.entries = [(entry, re.compile(entry["pattern"])) for entry in load_rules("output-cleaning", root)["clean"]]
        self.seen: dict[tuple[str, str], str] = {}  # (kind, real value) -> its example value
        self.counts: dict[str, int] = {}  # kind -> how many distinct values were seen
        self.used: dict[str, set[str]] = {}  # kind -> the example values given out

    def __call__(self, text: str) -> str:
        for entry, pattern in self.entries:
            text = pattern.sub(lambda m, entry=entry: self._replace(entry, m), text)
        return text

    def _replace(self, entry: dict, m: re.Match) -> str:
        fields = {k: v or "" for k, v in m.groupdict().items()}
        real = m.group(entry["group"]) if "group" in entry else m.group(0)
        kind = entry.get("counter", entry["name"]).format(**fields)
        if (kind, real) not in self.seen:
            self.seen[kind, real] = self._example(entry, kind, real, fields)
        value = self.seen[kind, real]
        if "group" not in entry:
            return value
        start, end = m.span(entry["group"])
        return m.group(0)[: start - m.start()] + value + m.group(0)[end - m.start():]

    def _example(self, entry: dict, kind: str, real: str, fields: dict[str, str]) -> str:
        used = self.used.setdefault(kind, set())
        if "examples" in entry:
            name = entry["examples"].format(**fields)
            values = self.examples
            for part in name.split("."):
                values = values.get(part, {}) if isinstance(values, dict) else {}
            values = list(values) if isinstance(values, list) else []
            if real in values:  # already an example value: it stays itself
                used.add(real)
                return real
            free = [v for v in values if v not in used]
            if not free:
                raise ValueError(
                    f"{RULES}/example-values.toml: {name} lists {len(values)} example values, but this output "
                    f"holds more different {entry['name']}s than that: add one there"
                )
            used.add(free[0])
            return free[0]
        n = self.counts.get(kind, 0)
        self.counts[kind] = n + 1
        return entry["template"].format(n=n + entry.get("start", 0), **fields)
