"""Every instance type, Region code, EBS volume type and S3 storage class the site names exists in
the installed AWS SDK's data (botocore, pinned in requirements/docs.txt)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import botocore
import pytest

from aws_tables import _service_model  # botocore's models, loaded once for this check and the CLI table's
from sources import ROOT, RUNNABLE, pages, where

pytestmark = pytest.mark.sources

DATA = Path(botocore.__file__).with_name("data")

INSTANCE_TYPE = re.compile(
    r"(?<![\w.-])((?:[a-z][a-z0-9-]*\d[a-z0-9-]*|u-\d+tb\d+))\."
    r"(nano|micro|small|medium|large|\d*xlarge|metal(?:-\d+xl)?)(?![\w-])"
)
REGION = re.compile(
    r"(?<![\w-])((?:us-gov|us|eu|ap|sa|ca|me|af|il|mx|cn|eusc)-"
    r"(?:east|west|north|south|central|northeast|southeast|northwest|southwest)-\d{1,2})([a-z])?(?![\w-])"
)
VOLUME_TYPE = re.compile(r"(?<![\w-])((?:gp|io|st|sc)\d)(?![\w-])")
STORAGE_CLASS = re.compile(
    r"(?<![\w-])((?:STANDARD|REDUCED_REDUNDANCY|GLACIER|DEEP_ARCHIVE|INTELLIGENT_TIERING|ONEZONE|EXPRESS|OUTPOSTS|SNOW)"
    r"(?:_[A-Z]+)*)(?![\w-])"
)


def _enum(service: str, shape: str) -> set[str]:
    return set(_service_model(service).shape_for(shape).enum)


@cache
def known() -> dict[str, set[str]]:
    endpoints = json.loads((DATA / "endpoints.json").read_text())
    return {
        "instance type": _enum("ec2", "InstanceType"),
        "Region": {r for p in endpoints["partitions"] for r in p["regions"]},
        "EBS volume type": _enum("ec2", "VolumeType"),
        "S3 storage class": _enum("s3", "StorageClass") | _enum("s3", "ObjectStorageClass"),
    }


def names(path: Path):
    """Yield (line number, kind, name) for every checked name on a page or snippet."""
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        text = re.sub(r"https?://\S+", "", text)  # URLs hold words that are not names
        for m in INSTANCE_TYPE.finditer(text):
            yield number, "instance type", m.group(0)
        for m in REGION.finditer(text):
            yield number, "Region", m.group(1)
        for m in VOLUME_TYPE.finditer(text):
            yield number, "EBS volume type", m.group(1)
        for m in STORAGE_CLASS.finditer(text):
            if m.group(1) != "STANDARD" or "storage" in text.lower() or "--storage-class" in text:
                yield number, "S3 storage class", m.group(1)


def unknown_names(path: Path) -> tuple[list[str], int]:
    facts, bad, count = known(), [], 0
    for number, kind, name in names(path):
        count += 1
        if name not in facts[kind]:
            bad.append(f"{where(path, number)}: {kind} {name!r} is not in botocore {botocore.__version__}'s data")
    return bad, count


def sources() -> list[Path]:
    return pages() + [p for q in RUNNABLE for p in sorted((ROOT / q / "snippets").glob("*"))]


def test_every_named_aws_thing_exists_in_the_sdk_data():
    bad, total = [], 0
    for path in sources():
        found, count = unknown_names(path)
        bad += found
        total += count
    print(f"\nchecked {total} names of instance types, Regions, EBS volume types and S3 storage classes")
    assert total > 0
    assert not bad, "\n".join(bad)


def test_fact_check_catches_names_that_do_not_exist(tmp_path):
    page = tmp_path / "fixture.md"
    page.write_text(
        "# Fixture\n\n"
        "Launch an `m7i.xlarge` in `us-east-1` (zone `us-east-1a`) with a `gp3` volume.\n"
        "Then try an `m9z.superlarge`, no, an `m9z.xlarge` in `us-middle-1`, no, `eu-central-9`.\n"
        "Store it as `STANDARD_IA` or `GLACIER_FAST`, on a `gp4` volume.\n"
    )
    bad, count = unknown_names(page)
    assert [b.split(": ", 1)[1] for b in bad] == [
        "instance type 'm9z.xlarge' is not in botocore " + botocore.__version__ + "'s data",
        "Region 'eu-central-9' is not in botocore " + botocore.__version__ + "'s data",
        "EBS volume type 'gp4' is not in botocore " + botocore.__version__ + "'s data",
        "S3 storage class 'GLACIER_FAST' is not in botocore " + botocore.__version__ + "'s data",
    ]
    assert all(b.startswith(f"{page}:") for b in bad) and bad[0].split(":")[1] == "4"
    assert count == 9
