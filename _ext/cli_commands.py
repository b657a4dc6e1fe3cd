"""The AWS CLI commands table, generated at build time: ``{cli-commands-table}``.

Every ``aws`` command the how-to guides and the tutorial run, found in the snippet sections their
pages show, described from botocore's API documentation (or by hand, in
reference/cli-commands.toml, for the AWS CLI's own commands such as ``aws login``), with the pages
that run it. The page is read again when a snippet file appears or goes (see the end).
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path

import botocore
import botocore.exceptions
from botocore import xform_name
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import ExtensionError
from sphinx.util import logging

import botocore_models
import sources
from snippets import parse_sections
from tables import make_table, page_links

logger = logging.getLogger(__name__)


# `aws [--global-option [value]]... SERVICE [COMMAND]`: a command of the AWS CLI itself, such as
# `aws login`, has no second word.
AWS_COMMAND = re.compile(
    r"(?<![\w-])aws\s+(?:--[\w-]+(?:[ =](?!-)[^\s-]\S*)?\s+)*([a-z][a-z0-9-]*)(?:[ \t]+([a-z][a-z0-9-]*))?"
)
# A message that an `echo` prints ("Not signed in: run aws login ..."), with no `$(` in it, runs
# no command.
ECHOED = re.compile(r'\becho\s+"(?:[^"$]|\$(?!\())*"')
CLI_SERVICE = {"s3api": "s3", "configservice": "config"}
# Hand-written descriptions: [cli] for the AWS CLI's own commands, [override] to replace botocore's.
CLI_DESCRIPTIONS = Path("reference", "cli-commands.toml")
# A note or warning, not a description: what botocore's documentation sometimes starts with.
NOTE = re.compile(
    r"^(Note\b|Important\b|Warning\b|DEPRECATED\b|End of support|We recommend|This (operation|action|API) is (not|no longer|deprecated)"
    r"|.* (is|are) no longer (available|open|supported)\b|.* reached end of life\b)",
    re.IGNORECASE,
)


def cli_descriptions(path: Path) -> dict[str, str]:
    """reference/cli-commands.toml's descriptions by "service command": [override] over [cli]."""
    data = tomllib.loads(Path(path).read_text())
    return {**data.get("cli", {}), **data.get("override", {})}


def _first_sentence(html: str) -> str:
    """The first sentence of an operation's documentation, after any leading <note> or <important>."""
    html = re.sub(r"^\s*(<(note|important)>.*?</\2>\s*)+", "", html or "", flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()
    m = re.match(r"(.+?\.)(\s|$)", text)
    return m.group(1) if m else text


def description_problem(text: str) -> str | None:
    """Why `text` cannot describe a command on the page, or None when it can."""
    if not text.strip():
        return "it is empty"
    if NOTE.match(text):
        return "it is a note, not a description"
    if not (text[:1].isupper() and text.endswith(".") and len(text.split()) >= 3) or "<" in text:
        return "it is not a sentence (a capital letter, three words or more, a full stop)"
    return None


# The folders of snippet files, one per quadrant whose pages run commands (sources.RUNNABLE).
SNIPPET_FOLDERS = (Path("howto", "snippets"), Path("tutorials", "snippets"))


def section_pages(root: Path) -> dict[tuple[Path, str], set[str]]:
    """(snippet file, section name) -> the pages (docnames) that show the section with
    `literalinclude` and `:start-after: "[start NAME]"`."""
    shown: dict[tuple[Path, str], set[str]] = defaultdict(set)
    for folder in SNIPPET_FOLDERS:
        quadrant = Path(root, folder).parent
        for page in sorted(quadrant.glob("*.md")):
            for block in sources.parse(page).blocks:
                start = re.match(r'"?\[start ([\w-]+)\]', block.options.get("start-after", "").strip())
                if block.name == "literalinclude" and block.argument and start:
                    shown[((page.parent / block.argument.strip()).resolve(), start[1])].add(f"{quadrant.name}/{page.stem}")
    return shown


def cli_commands(root: Path) -> dict[tuple[str, str], set[str]]:
    """(service, command) -> the pages that show a snippet section running it; `command` is "" for a
    command of the AWS CLI itself with no second word (`aws login`). Only sections count: lines
    outside them are neither shown nor run. A section no page shows counts for the page named like
    its file, so that it still appears (and tests/test_content.py reports the section)."""
    root = Path(root)
    shown = section_pages(root)
    used: dict[tuple[str, str], set[str]] = defaultdict(set)
    for folder in SNIPPET_FOLDERS:
        for path in sorted(Path(root, folder).glob("*.sh")):
            for section in parse_sections(path):
                pages = shown.get((path.resolve(), section.name)) or {f"{folder.parent.as_posix()}/{path.stem}"}
                for line in section.code.splitlines():
                    if line.lstrip().startswith("#"):
                        continue
                    for service, command in AWS_COMMAND.findall(ECHOED.sub("echo", line)):
                        used[(service, command)] |= pages
    return used


def command_name(service: str, command: str) -> str:
    """`aws ec2 run-instances`, or `aws login` for a command of the AWS CLI with no second word."""
    return f"aws {service} {command}".rstrip()


def _service_model(service: str):
    """A service's API model, loaded once per process (the EC2 model alone is megabytes of JSON)."""
    try:
        return botocore_models.service_model(service)
    except botocore.exceptions.UnknownServiceError:
        raise ExtensionError(f"botocore {botocore.__version__} has no service {service!r}") from None


def describe_cli_command(service: str, command: str, hand: dict[str, str]) -> str:
    """What `aws SERVICE COMMAND` does: written by hand (`cli_descriptions`), or from botocore."""
    key = f"{service} {command}".rstrip()
    if key in hand:
        return hand[key]
    if not command:
        raise ExtensionError(
            f"`aws {key}` is not a command botocore describes: if it is a command of the AWS CLI itself, "
            f"describe it under [cli] in {CLI_DESCRIPTIONS}"
        )
    model = _service_model(CLI_SERVICE.get(service, service))
    operations = {xform_name(op, "-"): op for op in model.operation_names}
    if command not in operations:
        raise ExtensionError(
            f"`aws {key}` is not a command of {service} in botocore {botocore.__version__}: if it is a command "
            f"of the AWS CLI itself, describe it under [cli] in {CLI_DESCRIPTIONS}"
        )
    return _first_sentence(model.operation_model(operations[command]).documentation)


def input_files(srcdir: str) -> tuple[str, ...]:
    """The files the generated pages read, by name: a new or deleted one makes them outdated."""
    return tuple(sorted(str(p.relative_to(srcdir)) for f in SNIPPET_FOLDERS for p in Path(srcdir, f).glob("*")))


class CliCommandsTable(Directive):
    """Every `aws` command the how-to guides' and the tutorial's snippets run, what it does, and the pages using it."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        descriptions = Path(env.srcdir, CLI_DESCRIPTIONS)
        snippet_files = [p for folder in SNIPPET_FOLDERS for p in Path(env.srcdir, folder).glob("*.sh")]
        pages = [p for folder in SNIPPET_FOLDERS for p in Path(env.srcdir, folder).parent.glob("*.md")]
        for path in [*snippet_files, *pages, descriptions, Path(__file__)]:
            env.note_dependency(str(path))
        note_inputs(env)
        hand = cli_descriptions(descriptions)
        used = cli_commands(Path(env.srcdir))
        rows = []
        for (service, command), docnames in sorted(used.items()):
            links = page_links(docnames)
            description = describe_cli_command(service, command, hand)
            if problem := description_problem(description):
                logger.warning(
                    f"`{command_name(service, command)}`: the description {description!r} cannot go on the page: {problem}; "
                    f"write one under [override] in {CLI_DESCRIPTIONS}",
                    location=(env.docname, self.lineno),
                )
            rows.append([nodes.literal(text=command_name(service, command)), description, links])
        table = make_table("cli-commands-table", {"Command": 30, "What it does": 50, "Used in": 20}, rows)
        caption = nodes.paragraph(
            text=f"{len(used)} commands, found in howto/snippets/ and tutorials/snippets/ at build time. A description is the first sentence "
            f"of the API documentation in botocore {botocore.__version__}, after any leading note, or one written for this "
            f"site ({CLI_DESCRIPTIONS.as_posix()}) for the AWS CLI's own commands and where botocore's reads badly."
        )
        return [caption, table]


# -- Generated pages: rebuilt when a file they read appears or goes ---------------
#
# Sphinx rebuilds a page when a file it noted as a dependency changes, but it cannot notice a
# NEW file. Each generated page records the list of files it read; when that list changes,
# `env-get-outdated` hands the page back to Sphinx to read again.


def note_inputs(env) -> None:
    if not hasattr(env, "crashcourse_inputs"):
        env.crashcourse_inputs = {}
    env.crashcourse_inputs[env.docname] = input_files(env.srcdir)


def outdated_generated_pages(app, env, added, changed, removed) -> list[str]:
    inputs = getattr(env, "crashcourse_inputs", {})
    now = input_files(env.srcdir)
    return [doc for doc, files in inputs.items() if files != now and doc in env.found_docs]


def purge_inputs(app, env, docname) -> None:
    getattr(env, "crashcourse_inputs", {}).pop(docname, None)


def merge_inputs(app, env, docnames, other) -> None:
    if not hasattr(env, "crashcourse_inputs"):
        env.crashcourse_inputs = {}
    env.crashcourse_inputs.update({d: f for d, f in getattr(other, "crashcourse_inputs", {}).items() if d in docnames})


def setup(app):
    app.add_directive("cli-commands-table", CliCommandsTable)
    app.connect("env-get-outdated", outdated_generated_pages)
    app.connect("env-purge-doc", purge_inputs)
    app.connect("env-merge-info", merge_inputs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
