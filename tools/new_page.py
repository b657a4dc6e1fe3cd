"""Start a page from its template: `nox -s new -- KIND NAME "Title"`.

KIND is explanation, howto, reference or tutorial; NAME is the file name without `.md`, in
lower case with hyphens (`object-storage`). It copies docs/templates/KIND.md to FOLDER/NAME.md
with the title filled in, adds the page to its toctree in index.md and, for a how-to guide or a
tutorial, creates the snippet file and the outputs folder (and, for a guide, the emulator test
stub). Then it prints what is left to write. It never overwrites a file.

A how-to guide's title must pass the check's own title rule (`title_problem` in
_ext/sources/rules.py, which reads the verbs from rules/title-verbs.toml), so the page it starts
is not refused later by `nox -s check`.

Standard library only: nox runs it with its own Python, without a virtual environment.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The title rule, loaded from its file alone: the rest of _ext/sources/ needs markdown-it-py.
_spec = importlib.util.spec_from_file_location("crashcourse_rules", ROOT / "_ext" / "sources" / "rules.py")
rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rules)
TEMPLATES = Path("docs", "templates")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MARKER = re.compile(r"\\<|<(guide|tutorial|section)>|description: <")  # what the author still has to replace


@dataclass(frozen=True)
class Kind:
    folder: str
    caption: str  # of its toctree in index.md
    runnable: bool  # has snippets/ and outputs/
    tested: bool  # gets an emulator test of its own (tutorials are run by the reader's tour)
    todo: tuple[str, ...]


KINDS = {
    "explanation": Kind("explanation", "Explanation", False, False, (
        "Write at least 800 words of prose under headings; no numbered steps.",
        "Add a card for it to explanation/index.md.",
        "Link it from a how-to guide or a reference page that puts it into practice, and link those "
        "from its 'See also'.",
    )),
    "howto": Kind("howto", "How-to guides", True, True, (
        "Write the commands in {snippet}, one section per step; show each on the page with a literalinclude.",
        "Link it from howto/index.md under the right heading: the reader's tour runs guides in that order, "
        "and the guide's output test ({test}::test_outputs) follows the tour up to it.",
        "Fill {outputs}/check.txt (and any other {outputs}/SECTION.txt you create) from the emulator, "
        "then read `git diff`: UPDATE_OUTPUTS=1 nox -s aws -- -k {test_name} (bash); without "
        "UPDATE_OUTPUTS it compares them in bash and zsh.",
        "Write the checks in {test}: what the page builds, then that the clean-up leaves nothing.",
        "If `nox -s check` names a command the reader's policies do not allow, add the action to "
        "howto/snippets/crashcourse-policy*.json with the owner-tag conditions, and say so in "
        "howto/set-up-cli.md (docs/contributing.md, 'Add a how-to guide', step 6).",
        "Link it from an explanation page, and link an explanation page from it.",
    )),
    "reference": Kind("reference", "Reference", False, False, (
        "Fill the tables: neutral facts, each with its source and, if it can go stale, its date.",
        "Add a card for it to reference/index.md.",
        "Link it from an explanation page, and link an explanation page from it.",
    )),
    "tutorial": Kind("tutorials", "Tutorials", True, False, (
        "Write the commands in {snippet}, one section per step; show each on the page with a literalinclude.",
        "Write its emulator test, {test}, from the reader's tour's parts as tests/aws/test_first_analysis.py "
        "does, and link the page from tutorials/index.md.",
        "Create an empty {outputs}/SECTION.txt for each output the page shows, then fill them from the "
        "emulator (its test rewrites them), then read `git diff`: UPDATE_OUTPUTS=1 nox -s aws -- -k {test_name}.",
    )),
}


class Refused(Exception):
    """Nothing was written, for this reason."""


def add_to_toctree(index: str, caption: str, entry: str) -> str:
    """index.md's text with `entry` added at the end of the toctree captioned `caption`."""
    lines = index.splitlines(keepends=True)
    start = None
    for i, line in enumerate(lines):
        fence = re.match(r"^(`{3,}|:{3,})\{toctree\}", line)
        if fence:
            start, marker = i, fence.group(1)
        elif start is not None and line.strip() == marker:
            block = lines[start:i]
            if any(re.match(rf"\s*:caption:\s*{re.escape(caption)}\s*$", ln) for ln in block):
                last = max(j for j in range(start, i) if lines[j].strip())
                return "".join(lines[: last + 1] + [entry + "\n"] + lines[last + 1:])
            start = None
    raise Refused(f"index.md has no toctree with `:caption: {caption}`: add one first")


def create(root: Path, kind_name: str, name: str, title: str) -> tuple[list[Path], list[str]]:
    """Write the new page and its companions; return the files written and what is left to do."""
    if kind_name not in KINDS:
        raise Refused(f"KIND must be one of {', '.join(KINDS)}, not {kind_name!r}")
    if not NAME.match(name):
        raise Refused(f"NAME must be lower-case words joined by hyphens, like object-storage, not {name!r}")
    if not title.strip():
        raise Refused("give the page a title")
    if kind_name == "howto" and (problem := rules.title_problem(title.strip(), root)):
        raise Refused(problem)
    kind = KINDS[kind_name]
    folder = root / kind.folder
    if not folder.is_dir():
        raise Refused(f"{kind.folder}/ does not exist yet")
    page = folder / f"{name}.md"
    test_name = f"test_{name.replace('-', '_')}"
    files: dict[Path, str] = {}
    text = (root / TEMPLATES / f"{kind_name}.md").read_text()
    text = re.sub(r"^# .*$", f"# {title.strip()}", text, count=1, flags=re.M)
    files[page] = text.replace("<guide>", name).replace("<tutorial>", name)
    snippet = folder / "snippets" / f"{name}.sh"
    outputs = folder / "outputs" / name
    test = root / "tests" / "aws" / f"{test_name}.py"
    if kind.runnable:
        files[snippet] = (root / TEMPLATES / "snippet.sh").read_text().replace("howto/example-guide.md", f"{kind.folder}/{name}.md")
        if kind_name == "howto":
            files[outputs / "check.txt"] = ""  # the template shows it under "Check that it worked"
    if kind.tested:
        stub = (root / TEMPLATES / "test_guide.py").read_text()
        files[test] = stub.replace("example-guide", name).replace("example_guide", name.replace("-", "_"))
    if existing := [str(p.relative_to(root)) for p in files if p.exists()]:
        raise Refused(f"already there: {', '.join(existing)}")
    index = root / "index.md"
    new_index = add_to_toctree(index.read_text(), kind.caption, f"{kind.folder}/{name}")

    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    if kind.runnable:
        outputs.mkdir(parents=True, exist_ok=True)
    index.write_text(new_index)

    rel = lambda p: p.relative_to(root).as_posix()  # noqa: E731
    markers = [
        f"  {rel(page)}:{n}: {line.strip()}"
        for n, line in enumerate(files[page].splitlines(), start=1) if MARKER.search(line)
    ]
    todo = [f"Replace the {len(markers)} lines with markers in {rel(page)} (`nox -s check` lists those left):", *markers]
    values = {"snippet": rel(snippet), "outputs": rel(outputs), "test": rel(test), "test_name": test_name}
    todo += [step.format(**values) for step in kind.todo]
    todo.append("Then: `nox -s check` until it passes, `nox -s serve` to read it, and `nox` before you commit.")
    return [*files, index], todo


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        print('Example: nox -s new -- explanation object-storage "Object storage in depth"', file=sys.stderr)
        return 2
    try:
        written, todo = create(ROOT, *argv)
    except Refused as reason:
        print(f"Nothing written: {reason}.", file=sys.stderr)
        return 1
    print("Wrote:")
    print("\n".join(f"  {p.relative_to(ROOT)}" for p in written))
    print("\nLeft to do:")
    print("\n".join(line if line.startswith("  ") else f"- {line}" for line in todo))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
