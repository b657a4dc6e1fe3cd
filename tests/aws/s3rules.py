"""Amazon S3's naming rules for general purpose buckets, which the emulator does not enforce.

The rules, as of November 2026, from "General purpose bucket naming rules" in the Amazon S3
User Guide: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
A name ending in ``-an`` belongs to an account regional namespace
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html): there it must
be ``PREFIX-ACCOUNT-REGION-an``, and a bucket in the shared global namespace may not end so.
"""

from __future__ import annotations

import ipaddress
import re

RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
ACCOUNT_REGIONAL = re.compile(r".+-\d{12}-[a-z]{2}(-[a-z]+)+-\d+-an")


def valid_bucket_name(name: str, account_regional: bool = False) -> list[str]:
    """Why real S3 refuses to create a general purpose bucket with this name (empty: it accepts).

    ``account_regional``: the bucket is created in the account regional namespace.
    """
    reasons = []
    if not 3 <= len(name) <= 63:
        reasons.append(f"is {len(name)} characters long, not 3 to 63")
    if not re.fullmatch(r"[a-z0-9.-]*", name):
        reasons.append("has characters other than lowercase letters, digits, dots and hyphens")
    if not re.fullmatch(r"[a-z0-9](.*[a-z0-9])?", name):
        reasons.append("does not begin and end with a lowercase letter or a digit")
    if ".." in name:
        reasons.append("has two adjacent dots")
    try:
        ipaddress.IPv4Address(name)
        reasons.append("is formatted as an IP address")
    except ValueError:
        pass
    reasons += [f"starts with the reserved prefix {p!r}" for p in RESERVED_PREFIXES if name.startswith(p)]
    reasons += [f"ends with the reserved suffix {s!r}" for s in RESERVED_SUFFIXES if name.endswith(s)]
    if account_regional and not ACCOUNT_REGIONAL.fullmatch(name):
        reasons.append("is not PREFIX-ACCOUNT_ID-REGION-an, the form of an account regional namespace")
    if not account_regional and name.endswith("-an"):
        reasons.append("ends with '-an', which only buckets in an account regional namespace may")
    return reasons
