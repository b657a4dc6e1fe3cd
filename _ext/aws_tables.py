"""The Regions and partitions tables, generated at build time from botocore's endpoint data.

- ``{regions-table}``: every commercial AWS Region, from the installed botocore's endpoint data.
- ``{partitions-table}``: every partition in that data that has Regions, with its Regions and
  who can use it (which partitions need an account of their own is written here, in
  ``PARTITION_ACCESS``; a partition botocore adds stops the build until it is described).

The AWS CLI commands table is cli_commands.py.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import botocore
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import ExtensionError

from tables import make_table


def botocore_data(name: str) -> dict:
    return json.loads(Path(botocore.__file__).with_name("data").joinpath(name).read_text())


def partitions(endpoints: dict | None = None) -> dict[str, dict]:
    """Every partition in botocore's endpoint data that has Regions, by ID, in the data's order:
    {"name": ..., "dns": its endpoints' domain, "regions": {code: name}}."""
    data = endpoints if endpoints is not None else botocore_data("endpoints.json")
    return {
        p["partition"]: {
            "name": p["partitionName"],
            "dns": p.get("dnsSuffix", ""),
            "regions": {c: r["description"] for c, r in p["regions"].items()},
        }
        for p in data["partitions"] if p.get("regions")
    }


def commercial_regions(endpoints: dict | None = None) -> list[tuple[str, str, str]]:
    """(code, name, partition) for every Region in the commercial ``aws`` partition."""
    found = partitions(endpoints)
    if "aws" not in found:
        raise ExtensionError("botocore's endpoints.json has no 'aws' partition")
    return sorted((code, name, found["aws"]["name"]) for code, name in found["aws"]["regions"].items())


# Who can use each partition: not in botocore's data, so written here, each with the page that says
# so (for the isolated partitions, botocore's own data: their endpoints' domains). `own_account` is
# True where a commercial AWS account cannot reach the partition's Regions. `{dns}` in `who` shows
# the partition's endpoint domain from botocore.
PARTITION_ACCESS: dict[str, dict] = {
    "aws": {
        "own_account": False,
        "who": "Any AWS account: the commercial Regions",
        "source": "https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html",
    },
    "aws-cn": {
        "own_account": True,
        "who": "Holders of an account for the China Regions: other accounts' credentials do not work there",
        "source": "https://docs.amazonaws.cn/en_us/aws/latest/userguide/general-info.html",
    },
    "aws-us-gov": {
        "own_account": True,
        "who": "Holders of an AWS GovCloud (US) account, for US regulated workloads; it is linked to a standard account for billing",
        "source": "https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/getting-started-sign-up.html",
    },
    "aws-eusc": {
        "own_account": True,
        "who": "Holders of an account in the AWS European Sovereign Cloud, with its own billing, accounts and identities",
        "source": "https://docs.aws.amazon.com/whitepapers/latest/overview-aws-european-sovereign-cloud/design-approach.html",
    },
    **{
        iso: {
            "own_account": True,
            "who": "Only users of the government networks that host its endpoints (domain {dns}): an isolated partition",
            "source": "https://github.com/boto/botocore/blob/develop/botocore/data/endpoints.json",
        }
        for iso in ("aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f")
    },
}


def partition_rows(endpoints: dict | None = None, access: dict | None = None) -> list[tuple[str, str, list[str], dict]]:
    """(ID, name, Region codes, access) for every partition with Regions; a partition that
    `access` does not describe stops the build, naming it."""
    access = PARTITION_ACCESS if access is None else access
    found = partitions(endpoints)
    missing = [pid for pid in found if pid not in access]
    if missing:
        raise ExtensionError(
            f"botocore {botocore.__version__} lists partitions with Regions that _ext/aws_tables.py does not describe: "
            f"{', '.join(missing)}; add each to PARTITION_ACCESS with who can use it and the AWS page that says so"
        )
    return [
        (pid, p["name"], sorted(p["regions"]), {**access[pid], "who": access[pid]["who"].format(dns=p["dns"])})
        for pid, p in found.items()
    ]


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


class PartitionsTable(Directive):
    """Every partition in botocore's endpoint data that has Regions, and who can use it."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(Path(botocore.__file__).with_name("data") / "endpoints.json"))
        env.note_dependency(__file__)
        rows = []
        for pid, name, regions, access in partition_rows():
            codes = nodes.inline()
            for i, code in enumerate(regions):
                if i:
                    codes += nodes.Text(", ")
                codes += nodes.literal(text=code)
            who = nodes.inline()
            who += nodes.reference("", access["who"], refuri=access["source"])
            if pid == "aws":
                codes = nodes.inline(text=f"{len(regions)} Regions: the table above")
            rows.append([nodes.literal(text=pid), name, codes, "Yes" if access["own_account"] else "No", who])
        table = make_table(
            "partitions-table",
            {"Partition ID": 14, "Name in botocore": 16, "Regions": 30, "Needs an account of its own": 12, "Who can use it": 28},
            rows,
        )
        caption = nodes.paragraph(
            text=f"{len(rows)} partitions with Regions, generated from the endpoint data of botocore {botocore.__version__}."
        )
        return [caption, table]


def setup(app):
    app.add_directive("regions-table", RegionsTable)
    app.add_directive("partitions-table", PartitionsTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
