"""Check the AWS ParallelCluster configuration a snippet section writes, with ParallelCluster's own schema.

howto/snippets/parallelcluster.sh writes the cluster's configuration with a here-document
(`cat > "$PC_DIR/cluster.yaml" <<EOF`), so the page shows exactly what the reader writes. This module
expands that here-document as bash does, with documentation values for the reader's own (a reader
called alice, account 111122223333), and loads the result with `ClusterSchema` from
aws-parallelcluster (pinned in requirements/pcluster.txt): the schema `pcluster create-cluster`
applies to the file before it asks AWS anything. Each problem names the snippet file and the line
of the key it is about, as yaml's parser places it.

What this cannot check: ParallelCluster's validators that ask AWS (does the subnet exist, is the
instance type offered in its Availability Zone, does the bucket exist), which `--dryrun true` runs
in a real account.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tests" / "aws")]
from snippets import parse_sections  # noqa: E402  (the one reader of snippet files)
from snippetshell import split_heredocs  # noqa: E402  (here-documents, with their lines)

SNIPPET = ROOT / "howto" / "snippets" / "parallelcluster.sh"
SECTION = "write-config"
CONFIG_FILE = "cluster.yaml"  # the file the section writes

# Documentation values for what the page's earlier blocks set in the reader's terminal.
READER = "alice"
EXAMPLE_VALUES = {
    "OWNER": "AIDACKCEVSQ6C2EXAMPLE",  # an IAM user's unique ID, as the IAM API reference writes it
    "ACCOUNT_ID": "111122223333",
    "PC_REGION": "us-east-1",
    "PC_SUBNET_ID": "subnet-0123456789abcdef0",
    "PC_VPC_CIDR": "172.31.0.0/16",  # every default VPC's range
    "PC_BUCKET": f"crashcourse-data-{READER}-111122223333-us-east-1",
    "CLUSTER_NAME": f"crashcourse-{READER}",
}


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def config_text(snippet: Path = SNIPPET) -> tuple[str, int]:
    """The here-document the section writes to cluster.yaml, and the file line of its first line."""
    section = next((s for s in parse_sections(snippet) if s.name == SECTION), None)
    assert section, f"{rel(snippet)}: no section {SECTION!r}"
    docs = [d for d in split_heredocs(section)[1] if d.target and d.target.endswith(CONFIG_FILE)]
    assert len(docs) == 1, f"{rel(snippet)}:{section.line}: section {SECTION!r} writes {CONFIG_FILE} {len(docs)} times"
    return docs[0].body, docs[0].number + 1


def expand(body: str, first_line: int, snippet: Path) -> str:
    """The here-document as bash expands it (unquoted delimiter: parameters and $(...)), with the
    example values; a variable the example values lack stops it (set -u), naming the line."""
    delimiter = "PCLUSTER_CONFIG_END"
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", f"set -u\ncat <<{delimiter}\n{body}{delimiter}\n"],
        capture_output=True, text=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **EXAMPLE_VALUES},
    )
    if done.returncode:
        raise AssertionError(f"{rel(snippet)}:{first_line}: the configuration uses a variable the page does not set "
                             f"before it (or that EXAMPLE_VALUES in {rel(Path(__file__))} lacks): {done.stderr.strip()}")
    return done.stdout


def key_line(node: yaml.Node, path: list) -> int:
    """The 0-based line, in the YAML text, of the deepest key or item of `path` that exists."""
    line = node.start_mark.line
    for step in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == step), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line
        else:
            return line
    return line


def flatten(messages, path=()) -> list[tuple[list, str]]:
    """marshmallow's nested error messages as (path, message) pairs."""
    if isinstance(messages, dict):
        return [pair for key, value in messages.items() for pair in flatten(value, (*path, key))]
    if isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        return [(list(path), "; ".join(messages))]
    if isinstance(messages, list):
        return [pair for value in messages for pair in flatten(value, path)]
    return [(list(path), str(messages))]


def problems(snippet: Path = SNIPPET) -> list[str]:
    """What ParallelCluster's schema refuses in the configuration `snippet` writes, as FILE:LINE: ..."""
    import marshmallow
    from pcluster.schemas.cluster_schema import ClusterSchema
    from pcluster.validators.cluster_validators import ClusterNameValidator

    body, first = config_text(snippet)
    text = expand(body, first, snippet)
    where = rel(snippet)
    try:
        tree = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        return [f"{where}:{first + (mark.line if mark else 0)}: not YAML: {e}"]
    if not isinstance(data, dict):
        return [f"{where}:{first}: the configuration is not a YAML mapping"]
    # pcluster sets the Region from the file (or --region) before it loads the file.
    os.environ["AWS_DEFAULT_REGION"] = str(data.get("Region") or EXAMPLE_VALUES["PC_REGION"])
    found = []
    try:
        config = ClusterSchema(cluster_name=EXAMPLE_VALUES["CLUSTER_NAME"]).load(data)
    except marshmallow.ValidationError as e:
        return [f"{where}:{first + key_line(tree, path)}: {'.'.join(map(str, path)) or 'the file'}: {message}"
                for path, message in flatten(e.messages)]
    except Exception as e:  # the schema's own post-load checks raise their own errors
        return [f"{where}:{first}: ParallelCluster refuses the configuration: {type(e).__name__}: {e}"]
    for failure in ClusterNameValidator().execute(name=EXAMPLE_VALUES["CLUSTER_NAME"], scheduling=config.scheduling):
        found.append(f"{where}:{first}: cluster name {EXAMPLE_VALUES['CLUSTER_NAME']!r}: {failure.message}")
    return found


def load(snippet: Path = SNIPPET):
    """The configuration object ParallelCluster builds from the page's file (after problems() is empty)."""
    from pcluster.schemas.cluster_schema import ClusterSchema

    body, first = config_text(snippet)
    data = yaml.safe_load(expand(body, first, snippet))
    os.environ["AWS_DEFAULT_REGION"] = str(data.get("Region") or EXAMPLE_VALUES["PC_REGION"])
    return ClusterSchema(cluster_name=EXAMPLE_VALUES["CLUSTER_NAME"]).load(data)
