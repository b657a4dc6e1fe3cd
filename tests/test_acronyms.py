"""Every acronym is expanded at its first use on each page (a reader may land on any page)."""

from __future__ import annotations

import re

import pytest

from pages import ROOT, pages, prose

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


def body_text(path) -> str:
    """The page's prose, without headings, link targets, roles' targets or inline code."""
    text = "\n".join(
        ln.text for ln in prose(path)
        if not ln.text.startswith("#") and not re.match(r"\s*:[\w-]+:", ln.text)  # headings, directive options
    )
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(<[^`]*>)?`", r"\1", text)  # a role shows its text
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"<[^>]*>", " ", text)


def unexpanded(path) -> list[str]:
    text = body_text(path)
    found = []
    for acronym, expansion in ACRONYMS.items():
        first = re.search(rf"(?<![\w-]){re.escape(acronym)}s?(?![\w-])", text)
        if not first:
            continue
        if not re.search(expansion.replace(" ", r"\s+"), text[: first.start() + WINDOW], re.IGNORECASE):
            line = next(
                (ln.where() for ln in prose(path) if re.search(rf"(?<![\w-]){re.escape(acronym)}s?(?![\w-])", re.sub(r"\]\([^)]*\)|`[^`]*`", "", ln.text)) and not ln.text.startswith("#")),
                str(path),
            )
            found.append(f"{line}: {acronym} is used before it is expanded ({expansion})")
    return found


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_acronyms_are_expanded_at_first_use(page):
    problems = unexpanded(page)
    assert not problems, "\n".join(problems)


def test_checker_catches_an_unexpanded_acronym(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# EBS and VPC\n\nAn Amazon Elastic Block Store (EBS) volume lives in a VPC.\n")
    assert unexpanded(page) == [f"{page}:3: VPC is used before it is expanded (virtual private cloud)"]
