"""Every acronym is expanded at its first use on each page (a reader may land on any page)."""

from __future__ import annotations

import re

import pytest

from sources import ROOT, pages, parse, where

pytestmark = pytest.mark.sources

# Acronym -> a pattern its expansion matches. Units (GB, GiB) and file formats are not listed.
ACRONYMS = {
    "AWS": r"Amazon Web Services",
    "EC2": r"Elastic Compute Cloud",
    "S3": r"Simple Storage Service",
    "EBS": r"Elastic Block Store",
    "EFS": r"Elastic File System",
    "VPC": r"virtual private cloud",
    "IAM": r"Identity and Access Management",
    "AZ": r"Availability Zone",
    "AMI": r"Amazon Machine Image",
    "CIDR": r"classless inter-?domain routing",
    "HPC": r"high[- ]performance computing",
    "CLI": r"command[- ]line interface",
    "SDK": r"software development kit",
    "NAT": r"network address translation",
    "ACL": r"access control list",
    "DNS": r"domain name system",
    "SSH": r"secure shell",
    "vCPU": r"virtual (CPU|central processing unit|processor)",
    "GPU": r"graphics processing unit",
    "MFA": r"multi-?factor authentication",
    "ARN": r"Amazon Resource Name",
    "IOPS": r"input/output operations per second",
    "NFS": r"Network File System",
    "RDP": r"Remote Desktop Protocol",
    "TCP": r"Transmission Control Protocol",
    "UDP": r"User Datagram Protocol",
    "SSO": r"single sign-on",
    "STS": r"Security Token Service",
    "IMDS": r"instance metadata service",
    "ECS": r"Elastic Container Service",
    "MPI": r"Message Passing Interface",
    "EFA": r"Elastic Fabric Adapter",
    "RFC": r"Request for Comments",
    "GDPR": r"General Data Protection Regulation",
    "IGW": r"internet gateway",
    "ENI": r"(elastic )?network interface",
}
WINDOW = 200  # the expansion may follow the acronym closely: "EBS (Elastic Block Store)"


def body_text(path) -> tuple[str, list[tuple[int, int]]]:
    """The page's prose as one string, without headings, inline code, link targets or markup,
    and (offset, line) at the start of each run of text, to name the line of a match."""
    out, marks, last = "", [], None
    for run in parse(path).text():
        if run.kind != "text":
            continue
        out += "" if run.line == last else "\n"
        marks.append((len(out), run.line))
        out += run.text
        last = run.line
    return out, marks


def unexpanded(path) -> list[str]:
    text, marks = body_text(path)
    found = []
    for acronym, expansion in ACRONYMS.items():
        first = re.search(rf"(?<![\w-]){re.escape(acronym)}s?(?![\w-])", text)
        if not first:
            continue
        if not re.search(expansion.replace(" ", r"\s+"), text[: first.start() + WINDOW], re.IGNORECASE):
            line = max((line for offset, line in marks if offset <= first.start()), default=1)
            found.append(f"{where(path, line)}: {acronym} is used before it is expanded ({expansion})")
    return found


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_acronyms_are_expanded_at_first_use(page):
    problems = unexpanded(page)
    assert not problems, "\n".join(problems)


def test_checker_catches_an_unexpanded_acronym(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        "# EBS and VPC\n\nAn Amazon Elastic Block Store (EBS) volume\nlives in a VPC.\n\n"
        ":::{note}\nName `SSH` keys well. Then SSH in.\n:::\n"
    )
    assert unexpanded(page) == [
        f"{page}:4: VPC is used before it is expanded (virtual private cloud)",
        f"{page}:7: SSH is used before it is expanded (secure shell)",
    ]
