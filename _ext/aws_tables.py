"""Reference tables generated from AWS's own data, at build time.

- ``{regions-table}``: every commercial AWS Region, from the installed botocore's endpoint data.
- ``{cli-commands-table}``: every ``aws SERVICE COMMAND`` the how-to guides run, described from
  botocore's API documentation (or by hand, in reference/cli-commands.toml).
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import tomllib
from collections import defaultdict
from pathlib import Path

import botocore
import botocore.exceptions
import botocore.session
from botocore import xform_name
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import ExtensionError
from sphinx.util import logging
from tables import make_table, page_links

logger = logging.getLogger(__name__)


# -- Regions, from botocore's endpoint data -------------------------------------


def botocore_data(name: str) -> dict:
    return json.loads(Path(botocore.__file__).with_name("data").joinpath(name).read_text())


def commercial_regions() -> list[tuple[str, str, str]]:
    """(code, name, partition) for every Region in the commercial ``aws`` partition."""
    for partition in botocore_data("endpoints.json")["partitions"]:
        if partition["partition"] == "aws":
            regions = partition["regions"]
            return sorted(
                (code, info["description"], partition["partitionName"])
                for code, info in regions.items()
            )
    raise ExtensionError("botocore's endpoints.json has no 'aws' partition")


def _pin_date(confdir: str) -> str | None:
    """The date the botocore pin last changed, from git (None outside a checkout or before a commit)."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "-G", "^botocore==", "--", "requirements/docs.txt"],
            cwd=confdir, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out or None


class RegionsTable(Directive):
    """A table of every commercial AWS Region, generated at build time."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(Path(botocore.__file__).with_name("data") / "endpoints.json"))
        env.note_dependency(__file__)
        regions = commercial_regions()
        table = make_table(
            "regions-table", {"Region code": 30, "Region name": 45, "Partition": 25},
            [[nodes.literal(text=code), name, partition] for code, name, partition in regions],
        )
        date = _pin_date(env.srcdir)
        source = f"botocore {botocore.__version__}" + (f", pinned on {date}" if date else "")
        caption = nodes.paragraph(
            text=f"{len(regions)} commercial Regions, generated from the endpoint data of {source}."
        )
        return [caption, table]


# -- AWS CLI commands used in the how-to guides ----------------------------------

# `aws [--global-option [value]]... SERVICE COMMAND`
AWS_COMMAND = re.compile(r"(?<![\w-])aws\s+(?:--[\w-]+(?:[ =](?!-)[^\s-]\S*)?\s+)*([a-z][a-z0-9-]*)\s+([a-z][a-z0-9-]*)")
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


def cli_commands(snippets: Path) -> dict[tuple[str, str], set[str]]:
    """(service, command) -> the guides whose snippets run it."""
    used: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(snippets.glob("*.sh")):
        for line in path.read_text().splitlines():
            if line.lstrip().startswith("#"):
                continue
            for service, command in AWS_COMMAND.findall(line):
                used[(service, command)].add(path.stem)
    return used


@functools.cache
def _service_model(service: str):
    """A service's API model, loaded once per build (the EC2 model alone is megabytes of JSON)."""
    try:
        return botocore.session.get_session().get_service_model(service)
    except botocore.exceptions.UnknownServiceError:
        raise ExtensionError(f"botocore {botocore.__version__} has no service {service!r}") from None


def describe_cli_command(service: str, command: str, hand: dict[str, str]) -> str:
    """What `aws SERVICE COMMAND` does: written by hand (`cli_descriptions`), or from botocore."""
    key = f"{service} {command}"
    if key in hand:
        return hand[key]
    model = _service_model(CLI_SERVICE.get(service, service))
    operations = {xform_name(op, "-"): op for op in model.operation_names}
    if command not in operations:
        raise ExtensionError(
            f"`aws {key}` is not a command of {service} in botocore {botocore.__version__}: if it is a command "
            f"of the AWS CLI itself, describe it under [cli] in {CLI_DESCRIPTIONS}"
        )
    return _first_sentence(model.operation_model(operations[command]).documentation)


SNIPPET_FOLDERS = (Path("howto", "snippets"),)


def input_files(srcdir: str) -> tuple[str, ...]:
    """The files the generated pages read, by name: a new or deleted one makes them outdated."""
    return tuple(sorted(str(p.relative_to(srcdir)) for f in SNIPPET_FOLDERS for p in Path(srcdir, f).glob("*")))


class CliCommandsTable(Directive):
    """Every `aws SERVICE COMMAND` the how-to snippets run, what it does, and the guides using it."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        snippets = Path(env.srcdir, "howto", "snippets")
        descriptions = Path(env.srcdir, CLI_DESCRIPTIONS)
        for path in [*snippets.glob("*.sh"), descriptions, Path(__file__)]:
            env.note_dependency(str(path))
        note_inputs(env)
        hand = cli_descriptions(descriptions)
        used = cli_commands(snippets)
        rows = []
        for (service, command), guides in sorted(used.items()):
            links = page_links(f"howto/{guide}" for guide in guides)
            description = describe_cli_command(service, command, hand)
            if problem := description_problem(description):
                logger.warning(
                    f"`aws {service} {command}`: the description {description!r} cannot go on the page: {problem}; "
                    f"write one under [override] in {CLI_DESCRIPTIONS}",
                    location=(env.docname, self.lineno),
                )
            rows.append([nodes.literal(text=f"aws {service} {command}"), description, links])
        table = make_table("cli-commands-table", {"Command": 30, "What it does": 50, "Used in": 20}, rows)
        caption = nodes.paragraph(
            text=f"{len(used)} commands, found in howto/snippets/ at build time. A description is the first sentence "
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
    app.add_directive("regions-table", RegionsTable)
    app.add_directive("cli-commands-table", CliCommandsTable)
    app.connect("env-get-outdated", outdated_generated_pages)
    app.connect("env-purge-doc", purge_inputs)
    app.connect("env-merge-info", merge_inputs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
