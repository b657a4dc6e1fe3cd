"""howto/parallelcluster.md: the configuration the page writes is one AWS ParallelCluster accepts, and
says what the page says it does; the reader installs the version these tests ran.

Run by `nox -s pcluster`, in an environment of its own (requirements/pcluster.txt). configcheck.py
says how the file is read and what cannot be checked without AWS.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from configcheck import EXAMPLE_VALUES, ROOT, SNIPPET, load, problems
from snippets import parse_sections

PIN = re.compile(r"aws-parallelcluster==(?P<version>[\w.]+)")


def test_the_page_configuration_is_one_parallelcluster_accepts():
    found = problems()
    assert not found, "\n".join(found)


def test_a_mistake_is_named_with_its_file_and_line(tmp_path):
    """Fixture: the page's section with two mistakes ParallelCluster's schema refuses, a misspelt key
    and a negative MinCount, in a snippet file of its own: each is named at its line."""
    lines = SNIPPET.read_text().splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.startswith("# [start write-config]"))
    end = next(n for n, line in enumerate(lines) if line.startswith("# [end write-config]"))
    section = lines[start:end + 1]
    mistakes = {"  InstanceType: t3.micro\n": "  InstanceTyp: t3.micro\n", "          MinCount: 0\n": "          MinCount: -1\n"}
    at = {}
    for n, line in enumerate(section):
        if line in mistakes:
            section[n], at[mistakes[line].split(":")[0].strip()] = mistakes[line], n + 1
    broken = tmp_path / "parallelcluster-mistake.sh"
    broken.write_text("".join(section))
    head_node = next(n for n, line in enumerate(section, 1) if line == "HeadNode:\n")
    assert problems(broken) == [
        f"{broken}:{head_node}: HeadNode.InstanceType: Missing data for required field.",
        f"{broken}:{at['InstanceTyp']}: HeadNode.InstanceTyp: Unknown field.",
        f"{broken}:{at['MinCount']}: Scheduling.SlurmQueues.0.ComputeResources.0.MinCount: Must be greater than or equal to 0.",
    ]


def test_the_configuration_does_what_the_page_says():
    config = load()
    head = config.head_node
    assert head.instance_type == "t3.micro"
    assert head.ssh.allowed_ips == EXAMPLE_VALUES["PC_VPC_CIDR"]  # SSH only from inside the VPC, never 0.0.0.0/0
    assert head.ssh.key_name is None  # no key pair: the page connects with Session Manager
    assert [p.policy for p in head.iam.additional_iam_policies] == ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]
    assert [(s.bucket_name, s.enable_write_access) for s in head.iam.s3_access] == [(EXAMPLE_VALUES["PC_BUCKET"], False)]

    [queue] = config.scheduling.queues
    assert queue.capacity_type.value == "SPOT"
    assert [(r.min_count, r.max_count) for r in queue.compute_resources] == [(0, 4)]  # scales to zero
    assert [(s.bucket_name, s.enable_write_access) for s in queue.iam.s3_access] == [(EXAMPLE_VALUES["PC_BUCKET"], True)]

    [storage] = config.shared_storage
    assert (storage.shared_storage_type.value, storage.mount_dir) == ("efs", "/shared")
    assert storage.encrypted is True and storage.deletion_policy == "Delete"
    logs = config.monitoring.logs.cloud_watch
    assert (logs.retention_in_days, logs.deletion_policy) == (14, "Delete")  # nothing kept after the clean-up
    assert config.monitoring.dashboards.cloud_watch.enabled is False

    assert config.iam.permissions_boundary == (
        f"arn:aws:iam::{EXAMPLE_VALUES['ACCOUNT_ID']}:policy/crashcourse-pcluster-boundary")
    assert [(t.key, t.value) for t in config.tags] == [("crashcourse:owner", EXAMPLE_VALUES["OWNER"])]


def test_the_reader_installs_the_version_tested_here():
    [install] = [s for s in parse_sections(SNIPPET) if s.name == "install"]
    shown = PIN.findall(install.code)
    pinned = PIN.findall((ROOT / "requirements" / "pcluster.txt").read_text())
    assert shown == pinned == [version("aws-parallelcluster")], (
        f"{SNIPPET.relative_to(ROOT)}:{install.line}: the install step pins {shown}, requirements/pcluster.txt "
        f"{pinned}, and this environment has {version('aws-parallelcluster')}: keep them one version")


def test_the_defaults_the_page_states_are_parallelcluster_s():
    """figures.toml's ParallelCluster defaults, which the page shows, are the pinned package's own:
    how long an idle compute node stays (the configuration leaves it to the default), and how long
    logs are kept when the configuration does not say (this one does)."""
    from pcluster.constants import CW_LOGS_RETENTION_DAYS_DEFAULT

    figures = tomllib.loads((ROOT / "figures.toml").read_text())
    assert figures["parallelcluster_scaledown"]["value"] == f"{load().scheduling.settings.scaledown_idletime} minutes"
    assert figures["parallelcluster_log_retention"]["value"] == f"{CW_LOGS_RETENTION_DAYS_DEFAULT} days"
